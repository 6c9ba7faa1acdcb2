"""The national office's pages: the validation rules, the national comparison, and opening a
year with its form's fields and deadline."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from alfadmin.kernel.errors import ConcurrentEditError, LockedError
from alfadmin.kernel.views import edit_flow, form_version, require, section

from .. import comparison as national_comparison
from .. import permissions, selectors, services
from ..forms import DeadlineForm, FieldForm, OpenYearForm, RuleForm
from ..models import FormDefinition
from .reports import posted_version


@section("reporting")
@require(permissions.can_manage_rules)
def rule_list(request):
    return render(request, "reporting/rule_list.html", {"rules": selectors.rule_list(user=request.user)})


@section("reporting")
@require(permissions.can_manage_rules)
def rule_edit(request, pk: int | None = None):
    rule = get_object_or_404(selectors.rule_list(user=request.user), pk=pk) if pk else None
    form = RuleForm(request.POST or None, instance=rule)

    def save(form):
        if rule is None:
            return services.rule_create(data=form.cleaned_data, actor=request.user)
        return services.rule_update(rule=rule, data=form.cleaned_data, expected_version=form_version(form), actor=request.user)

    return edit_flow(
        request, form=form, save=save, template="reporting/rule_form.html", context={"rule": rule}, success_url=reverse("reporting:rules")
    )


@section("reporting")
@require(permissions.can_view_comparison)
def comparison(request):
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = None
    data = national_comparison.comparison(user=request.user, year=year)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            national_comparison.comparison_workbook(data), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = 'attachment; filename="alf-national-comparison.xlsx"'
        return response
    table = data.table(data.year) if data.year else []
    costs_chart = {
        "type": "bar",
        "stacked": True,
        "labels": [r["region"] for r in table],
        "datasets": [
            {"label": _(label), "data": [r[key] for r in table]}
            for key, label in (("education_costs", "Education costs"), ("research_costs", "Research costs"))
        ],
    }
    across = data.across_years("kr_per_hst")
    trend_chart = {
        "type": "line",
        "labels": across["years"],
        "datasets": [{"label": region, "data": series} for region, series in across["regions"].items()],
    }
    distribution_chart = {
        "type": "bar",
        "stacked": True,
        "labels": [r["region"] for r in table],
        "datasets": [
            {"label": _(label), "data": [r[key] for r in table]}
            for key, label in (
                ("research_open_calls_pct", "Open calls"),
                ("research_indicators_pct", "Indicators"),
                ("research_strategic_pct", "Strategic"),
            )
        ],
    }
    return render(
        request,
        "reporting/report_comparison.html",
        {
            "data": data,
            "table": table,
            "coverage": data.coverage.get(data.year, 0) if data.year else 0,
            "costs_chart": costs_chart,
            "trend_chart": trend_chart,
            "distribution_chart": distribution_chart,
        },
    )


def _definition(request, year: int) -> FormDefinition:
    """From the forms the user manages: for anyone else a 404, like a missing year."""
    return get_object_or_404(selectors.managed_definitions(user=request.user), year=year)


@section("reporting")
@require(permissions.can_manage_forms)
def year_open(request):
    """Open a year for every active region: form, deadline and prefilled drafts (idempotent)."""
    form = OpenYearForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        year = form.cleaned_data["year"]
        try:
            opened = services.year_open(year=year, actor=request.user, deadline=form.cleaned_data["deadline"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(year)s is open: %(opened)s reports opened now, %(existing)s already open.")
                % {"year": year, "opened": len(opened.opened), "existing": len(opened.existing)},
            )
            return redirect("reporting:year", year=year)
    definitions = selectors.managed_definitions(user=request.user)
    return render(
        request, "reporting/year_open.html", {"form": form, "definitions": definitions}, status=400 if request.method == "POST" else 200
    )


@section("reporting")
@require(permissions.can_manage_forms)
def year_detail(request, year: int):
    """A year's form (fields, deadline), its reports and the reminders sent."""
    definition = _definition(request, year)
    form = DeadlineForm(request.POST or None, instance=definition)

    def save(form):
        return services.definition_update(
            definition=definition,
            deadline=form.cleaned_data["deadline"],
            expected_version=form_version(form),
            actor=request.user,
            reason=form.change_reason(),
        )

    context = {
        "definition": definition,
        "fields": definition.fields.all(),
        "locked": services.fields_locked(definition),
        "reports": selectors.year_reports(user=request.user, definition=definition),
        "reminders": selectors.reminder_log(user=request.user, definition=definition),
    }
    return edit_flow(
        request,
        form=form,
        save=save,
        template="reporting/year_detail.html",
        context=context,
        success_url=reverse("reporting:year", kwargs={"year": year}),
    )


@section("reporting")
@require(permissions.can_manage_forms)
def field_edit(request, year: int, pk: int | None = None):
    """Add a question, or edit one (a new code renames it; the remove button drops it)."""
    definition = _definition(request, year)
    form_field = get_object_or_404(definition.fields.all(), pk=pk) if pk else None
    success_url = reverse("reporting:year", kwargs={"year": year})
    if request.method == "POST" and request.POST.get("action") == "remove" and form_field is not None:
        try:
            services.field_remove(form_field=form_field, expected_version=posted_version(request), actor=request.user)
        except (ConcurrentEditError, LockedError) as error:
            messages.error(request, str(error))
            form = FieldForm(instance=form_field, definition=definition)
            context = {"definition": definition, "form_field": form_field, "form": form}
            return render(request, "reporting/field_form.html", context, status=409)
        messages.success(request, _("The field was removed."))
        return redirect(success_url)
    form = FieldForm(request.POST or None, instance=form_field, definition=definition)

    def save(form):
        data = form.cleaned_data
        if form_field is None:
            return services.field_add(definition=definition, data=data, expected_version=form_version(form), actor=request.user)
        return services.field_update(form_field=form_field, data=data, expected_version=form_version(form), actor=request.user)

    return edit_flow(
        request,
        form=form,
        save=save,
        template="reporting/field_form.html",
        context={"definition": definition, "form_field": form_field},
        success_url=success_url,
    )
