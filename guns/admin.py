"""GUNS in the admin: read-only with history that is shown and never reverted (the kernel's
ReadOnlyAdmin); every GUNS record changes only through the services and their rules, on the
GUNS pages and the API."""

from django.contrib import admin

from alfadmin.kernel.admin import ReadOnlyAdmin

from .models import AnnualReport, Decision, FollowUpEntry, GunsMember, GunsSettings, Meeting, Minutes, Payment


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "kind", "state", "meeting", "amount", "pot_year"]
    list_filter = ["kind", "state"]
    search_fields = ["title", "text"]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["date", "title"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["decision", "amount", "paid_on"]


@admin.register(Minutes)
class MinutesAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "state"]


@admin.register(GunsMember)
class GunsMemberAdmin(ReadOnlyAdmin):
    list_display = ["name", "region", "side", "role", "is_chair", "is_active", "term_start", "term_end"]
    list_filter = ["side", "role", "is_active"]


@admin.register(GunsSettings)
class GunsSettingsAdmin(ReadOnlyAdmin):
    list_display = ["quorum_seats", "quorum_per_side", "carry_over"]


@admin.register(FollowUpEntry)
class FollowUpEntryAdmin(ReadOnlyAdmin):
    list_display = ["evaluation_round", "region", "kind", "done", "created_by", "created_at"]
    list_filter = ["kind", "done", "evaluation_round"]
    list_select_related = ["evaluation_round", "region", "created_by"]


@admin.register(AnnualReport)
class AnnualReportAdmin(ReadOnlyAdmin):
    list_display = ["year", "version"]
