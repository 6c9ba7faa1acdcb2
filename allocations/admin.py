"""Read-only admin for allocations: runs are immutable, and publishing goes through the pages
and the API (the services), so the admin only shows what happened."""

from django.contrib import admin

from alfadmin.kernel.admin import ReadOnlyAdmin

from .models import AllocationRun, CurrentAllocation, RecomputeRequest, SavedScenario, YearPublication


class UnversionedAdmin(ReadOnlyAdmin):
    """The kernel's read-only admin for rows without a history of their own (runs are immutable;
    pointers and the outbox are the system's): the history page is Django's plain log."""

    object_history_template = None

    def history_view(self, request, object_id, extra_context=None):
        return admin.ModelAdmin.history_view(self, request, object_id, extra_context)


@admin.register(AllocationRun)
class AllocationRunAdmin(UnversionedAdmin):
    list_display = ["id", "year", "model", "status", "trigger", "triggered_by", "created_at", "engine_version"]
    list_filter = ["model", "status", "trigger", "year"]
    search_fields = ["input_hash", "reason"]
    list_select_related = ["triggered_by"]
    date_hierarchy = "created_at"


@admin.register(CurrentAllocation)
class CurrentAllocationAdmin(UnversionedAdmin):
    list_display = ["year", "model", "run", "failed_run", "updated_at"]
    list_filter = ["model"]


@admin.register(RecomputeRequest)
class RecomputeRequestAdmin(UnversionedAdmin):
    list_display = ["id", "year", "reason", "requested_by", "requested_at", "processed_at"]
    list_filter = ["year"]
    list_select_related = ["requested_by"]


@admin.register(YearPublication)
class YearPublicationAdmin(ReadOnlyAdmin):
    list_display = ["year", "state", "requested_by", "confirmed_by", "published_at", "reopened_by", "reopened_at"]
    list_select_related = ["requested_by", "confirmed_by", "reopened_by"]


@admin.register(SavedScenario)
class SavedScenarioAdmin(ReadOnlyAdmin):
    """Read-only: saved scenarios change through the explorer and the API (the services)."""

    list_display = ["id", "name", "owner", "base_year", "version", "updated_at"]
    list_filter = ["base_year"]
    search_fields = ["name", "description", "owner__username"]
    list_select_related = ["owner"]
