"""Django admin for the registry. Permissions come from the one permission layer, and saves
go through the same services as the pages and the API (validation, versions, history)."""

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from . import permissions, services, validation
from .kernel.admin import HistoryAdmin
from .kernel.errors import ConcurrentEditError, LockedError
from .kernel.forms import reason_field
from .kernel.history import require_reason
from .kernel.input_changes import declaration_for
from .kernel.validators import no_control_characters
from .models import AgreementPeriod, BudgetYear, Region, ResearchShare, ShareTable, StudentCount, University, User


class ReasonAdminForm(forms.ModelForm):
    """An admin form with the change's reason; refused at the field, before anything is saved,
    when the kernel would refuse the save (a changed input without a reason)."""

    reason = reason_field()
    # The version the edit is based on: a save after someone else's is refused (409 message).
    based_on_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    request_user: Any = None  # set by RegistryAdmin.get_form

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["based_on_version"] = self.instance.version

    def clean(self):
        cleaned = super().clean() or {}
        for name in self.changed_data:
            try:
                no_control_characters(
                    cleaned.get(name), field=str(self.fields[name].label), multi_line=isinstance(self.fields[name].widget, forms.Textarea)
                )
            except ValidationError as error:
                self.add_error(name, error.messages)
        declaration = declaration_for(type(self.instance))
        if self.instance.pk and declaration is not None:
            try:
                require_reason(
                    changed=declaration.fields & set(self.changed_data), reason=cleaned.get("reason", ""), actor=self.request_user
                )
            except ValidationError as error:
                self.add_error("reason", error.message_dict["reason"])
        return cleaned


class RegistryAdmin(HistoryAdmin):
    """Readable by every signed-in staff user, writable by administrators only, and only through
    the services (validation, versions, history, recompute): `create` and `update` call them."""

    def has_view_permission(self, request, obj=None):
        return permissions.can_view_registry(request.user) and request.user.is_staff

    def has_add_permission(self, request):
        return permissions.can_edit_registry(request.user) and type(self).create is not RegistryAdmin.create

    def has_change_permission(self, request, obj=None):
        return permissions.can_edit_registry(request.user)

    def has_delete_permission(self, request, obj=None):
        # Inputs of published allocations are corrected, never deleted.
        return False

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    form = ReasonAdminForm

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request_user = request.user
        return form

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The admin's own transaction rolls back; the user sees why, as on the pages.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (LockedError, ConcurrentEditError, ValidationError) as error:
            self.message_user(request, " ".join(error.messages) if isinstance(error, ValidationError) else str(error), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def create(self, actor: User, data: dict):
        raise PermissionDenied

    def update(self, actor: User, obj, data: dict, reason: str, version: int | None):
        raise PermissionDenied

    def save_model(self, request, obj, form, change):
        if change:
            changed = {
                name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data and name not in ("reason", "based_on_version")
            }
            saved = self.update(request.user, obj, changed, form.cleaned_data.get("reason", ""), form.cleaned_data.get("based_on_version"))
        else:
            saved = self.create(request.user, {k: v for k, v in form.cleaned_data.items() if k not in ("reason", "based_on_version")})
        # The admin goes on with `obj` (redirects, change messages): give it the saved row's state.
        obj.pk, obj.version = saved.pk, saved.version


@admin.register(University)
class UniversityAdmin(RegistryAdmin):
    list_display = ["code", "name", "source"]
    search_fields = ["code", "name"]

    def create(self, actor: User, data):
        return services.university_create(actor=actor, data=data)

    def update(self, actor: User, obj, data, reason, version):
        return services.university_update(actor=actor, university=obj, expected_version=version, data=data, reason=reason)


@admin.register(Region)
class RegionAdmin(RegistryAdmin):
    list_display = ["code", "name", "university", "is_active", "source"]
    search_fields = ["code", "name"]

    def create(self, actor: User, data):
        return services.region_create(actor=actor, data=data)

    def update(self, actor: User, obj, data, reason, version):
        return services.region_update(actor=actor, region=obj, expected_version=version, data=data, reason=reason)


@admin.register(AgreementPeriod)
class AgreementPeriodAdmin(RegistryAdmin):
    list_display = ["name", "start_year", "end_year", "base_fraction", "guarantee", "cap", "guns_fraction", "quality_fraction"]

    def create(self, actor: User, data):
        return services.agreement_period_create(actor=actor, data=data)

    def update(self, actor: User, obj, data, reason, version):
        return services.agreement_period_update(actor=actor, period=obj, expected_version=version, data=data, reason=reason)


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

    def create(self, actor: User, data):
        return services.budget_year_create(actor=actor, data=data)

    def update(self, actor: User, obj, data, reason, version):
        return services.budget_year_update(actor=actor, budget_year=obj, expected_version=version, data=data, reason=reason)


@admin.register(StudentCount)
class StudentCountAdmin(RegistryAdmin):
    list_display = ["region", "year", "planned_hst", "actual_hst", "source"]
    list_filter = ["year", "region"]

    def create(self, actor: User, data):
        return services.student_count_create(actor=actor, data=data)

    def update(self, actor: User, obj, data, reason, version):
        return services.student_count_update(actor=actor, student_count=obj, expected_version=version, data=data, reason=reason)


class ShareInlineFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        percents = [f.cleaned_data.get("percent") or Decimal(0) for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        for errors in validation.share_sum_errors(percents, field="shares").values():
            raise ValidationError(errors)


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
    readonly_fields = ["kind", "name", "source"]
    inlines = [ResearchShareInline]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        # The shares are all this page edits, and the form cannot see the inline's changes:
        # a reason is asked for every save.
        # A new field: the declared one is shared by every admin form class.
        form.base_fields["reason"] = reason_field(required=True)
        return form

    def update(self, actor: User, obj, data, reason, version):
        # Only the shares are editable here; save_related writes them through the service.
        return obj

    def save_related(self, request, form, formsets, change):
        percents = {
            f.cleaned_data["region"].code: f.cleaned_data["percent"] for formset in formsets for f in formset.forms if f.cleaned_data
        }
        services.share_table_update(
            actor=request.user,
            table=form.instance,
            expected_version=form.cleaned_data.get("based_on_version"),
            percents=percents,
            reason=form.cleaned_data.get("reason", ""),
        )
        for formset in formsets:
            # The service saved the rows; the admin's change message still reads these.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "get_full_name", "role", "region", "is_active"]
    list_filter = ["role", "region", "is_active"]
    fieldsets = (*(DjangoUserAdmin.fieldsets or ()), (_("ALF role"), {"fields": ("role", "region")}))

    def has_module_permission(self, request):
        return permissions.is_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.is_admin(request.user)

    has_change_permission = has_add_permission = has_view_permission
