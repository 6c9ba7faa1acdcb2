"""Django admin for evaluations: read-only with history. Rounds, ratings and bibliometrics are
entered on the pages and through the API, where the services lock finalized rounds, check the
rules and request recomputes; the admin offers no second way around them."""

from django.contrib import admin

from alfadmin.kernel import admin as kernel_admin

from . import permissions
from .models import Bibliometrics, CoPublication, EvaluationRound, Panel, PanelRating, RegionFindings, RoundReopening


class ReadOnlyAdmin(kernel_admin.ReadOnlyAdmin):
    """The kernel's read-only admin (history shown, never reverted), for staff who read evaluations."""

    def has_view_permission(self, request, obj=None):
        return request.user.is_staff and permissions.can_view_evaluations(request.user)

    def has_module_permission(self, request):
        return self.has_view_permission(request)


class PanelInline(admin.TabularInline):
    model = Panel
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EvaluationRound)
class EvaluationRoundAdmin(ReadOnlyAdmin):
    list_display = ["name", "evaluation_year_from", "evaluation_year_to", "applies_from", "applies_to", "model", "status", "source"]
    list_filter = ["status", "model"]
    inlines = [PanelInline]


@admin.register(PanelRating)
class PanelRatingAdmin(ReadOnlyAdmin):
    list_display = ["evaluation_round", "region", "panel", "rating", "source"]
    list_filter = ["evaluation_round", "panel", "rating"]
    list_select_related = ["evaluation_round", "region"]


@admin.register(RegionFindings)
class RegionFindingsAdmin(ReadOnlyAdmin):
    list_display = ["evaluation_round", "region", "development_areas", "realistic_plans", "previous_acted_on"]
    list_filter = ["evaluation_round"]
    list_select_related = ["evaluation_round", "region"]


@admin.register(Bibliometrics)
class BibliometricsAdmin(ReadOnlyAdmin):
    list_display = [
        "region",
        "period_start",
        "period_end",
        "publications",
        "highly_cited",
        "citation_impact",
        "uncited_share",
        "evaluation_round",
        "source",
    ]
    list_filter = ["period_start", "region", "source"]
    list_select_related = ["region", "evaluation_round"]


@admin.register(CoPublication)
class CoPublicationAdmin(ReadOnlyAdmin):
    list_display = ["period_start", "period_end", "region_a", "region_b", "publications", "source"]
    list_select_related = ["region_a", "region_b"]


@admin.register(RoundReopening)
class RoundReopeningAdmin(ReadOnlyAdmin):
    list_display = ["evaluation_round", "reopened_by", "reopened_at", "reason"]
    list_select_related = ["evaluation_round", "reopened_by"]
