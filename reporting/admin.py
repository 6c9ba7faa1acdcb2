"""The annual reports in the admin, read-only with their history (never reverted): forms,
reports, values, rules and reminders change only through the services (and their pages), which
keep versions, history, the rules and the frozen approved reports."""

from django.contrib import admin

from alfadmin.kernel.admin import ReadOnlyAdmin

from .models import FormDefinition, FormField, ReminderSent, Report, ReportValue, ValidationRule

INLINE_FIELDS = ("order", "code", "renamed_from", "kind", "source", "required", "label", "section")


class FormFieldInline(admin.TabularInline):
    model = FormField
    fields = INLINE_FIELDS
    readonly_fields = INLINE_FIELDS
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(FormDefinition)
class FormDefinitionAdmin(ReadOnlyAdmin):
    list_display = ["year", "deadline", "version"]
    inlines = [FormFieldInline]


@admin.register(FormField)
class FormFieldAdmin(ReadOnlyAdmin):
    list_display = ["code", "definition", "renamed_from", "kind", "source", "required", "order"]
    list_filter = ["definition", "kind", "source", "required"]
    search_fields = ["code", "label"]


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "state", "submitted_at", "approved_at", "version"]
    list_filter = ["definition", "state"]
    list_select_related = ["region", "definition"]


@admin.register(ReportValue)
class ReportValueAdmin(ReadOnlyAdmin):
    list_display = ["report", "code", "value", "comment"]
    list_filter = ["report__definition"]
    list_select_related = ["report__region", "report__definition"]
    search_fields = ["code"]


@admin.register(ValidationRule)
class ValidationRuleAdmin(ReadOnlyAdmin):
    list_display = ["name", "severity", "first_year", "last_year", "is_active"]
    list_filter = ["severity", "is_active"]


@admin.register(ReminderSent)
class ReminderSentAdmin(ReadOnlyAdmin):
    list_display = ["report", "due_date", "sent_at", "recipients"]
    list_select_related = ["report__region", "report__definition"]
