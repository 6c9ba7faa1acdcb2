"""Django admin for the registry. Permissions come from the one permission layer, and saves
go through the same services as the pages and the API (validation, versions, history)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import permissions, services
from .models import AgreementPeriod, BudgetYear, Region, ResearchShare, ShareTable, StudentCount, University, User


class RegistryAdmin(SimpleHistoryAdmin):
    """Readable by every signed-in staff user, writable by administrators only."""

    def has_view_permission(self, request, obj=None):
        return permissions.can_view_registry(request.user) and request.user.is_staff

    def has_add_permission(self, request):
        return permissions.can_edit_registry(request.user)

    def has_change_permission(self, request, obj=None):
        return permissions.can_edit_registry(request.user)

    def has_delete_permission(self, request, obj=None):
        # Inputs of published allocations are corrected, never deleted.
        return False

    def has_module_permission(self, request):
        return self.has_view_permission(request)


def _changed_data(form) -> dict:
    return {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}


@admin.register(University)
class UniversityAdmin(RegistryAdmin):
    list_display = ["code", "name", "source"]
    search_fields = ["code", "name"]


@admin.register(Region)
class RegionAdmin(RegistryAdmin):
    list_display = ["code", "name", "university", "is_active", "source"]
    search_fields = ["code", "name"]

    def save_model(self, request, obj, form, change):
        if change:
            services.region_update(actor=request.user, region=obj, expected_version=None, data=_changed_data(form))
        else:
            super().save_model(request, obj, form, change)


@admin.register(AgreementPeriod)
class AgreementPeriodAdmin(RegistryAdmin):
    list_display = ["name", "start_year", "end_year", "base_fraction", "guarantee", "cap", "guns_fraction", "quality_fraction"]

    def save_model(self, request, obj, form, change):
        if change:
            services.agreement_period_update(actor=request.user, period=obj, expected_version=None, data=_changed_data(form))
        else:
            super().save_model(request, obj, form, change)


@admin.register(BudgetYear)
class BudgetYearAdmin(RegistryAdmin):
    list_display = [
        "year",
        "period",
        "education_appropriation",
        "research_appropriation",
        "education_basis",
        "rate_per_hst",
        "plo_rate",
        "source",
    ]
    list_filter = ["period", "is_projection", "source"]

    def save_model(self, request, obj, form, change):
        if change:
            services.budget_year_update(actor=request.user, budget_year=obj, expected_version=None, data=_changed_data(form))
        else:
            fields = {f: form.cleaned_data[f] for f in form.cleaned_data}
            services.budget_year_create(actor=request.user, data=fields)


@admin.register(StudentCount)
class StudentCountAdmin(RegistryAdmin):
    list_display = ["region", "year", "planned_hst", "actual_hst", "source"]
    list_filter = ["year", "region"]

    def save_model(self, request, obj, form, change):
        if change:
            services.student_count_update(actor=request.user, student_count=obj, expected_version=None, data=_changed_data(form))
        else:
            services.student_count_create(actor=request.user, data=dict(form.cleaned_data))


class ShareInlineFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        total = sum((f.cleaned_data.get("percent") or 0) for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE"))
        if total != 100:
            raise ValidationError(_("The shares must sum to exactly 100 %% (now %(sum)s %%).") % {"sum": total})


class ResearchShareInline(admin.TabularInline):
    model = ResearchShare
    formset = ShareInlineFormSet
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return permissions.can_edit_registry(request.user)

    def has_change_permission(self, request, obj=None):
        return permissions.can_edit_registry(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.can_view_registry(request.user)


@admin.register(ShareTable)
class ShareTableAdmin(RegistryAdmin):
    list_display = ["name", "kind", "source"]
    inlines = [ResearchShareInline]

    def save_related(self, request, form, formsets, change):
        percents = {
            f.cleaned_data["region"].code: f.cleaned_data["percent"] for formset in formsets for f in formset.forms if f.cleaned_data
        }
        services.share_table_update(actor=request.user, table=form.instance, expected_version=None, percents=percents)
        for formset in formsets:
            # The service saved the rows; the admin's change message still reads these.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "get_full_name", "role", "region", "is_active"]
    list_filter = ["role", "region", "is_active"]
    fieldsets = (*DjangoUserAdmin.fieldsets, (_("ALF role"), {"fields": ("role", "region")}))

    def has_module_permission(self, request):
        return permissions.is_admin(request.user)

    has_view_permission = has_change_permission = has_add_permission = lambda self, request, obj=None: permissions.is_admin(request.user)
