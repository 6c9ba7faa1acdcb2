"""Reads of the annual reports, scoped to the acting user (forbidden and missing both 404)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from alfadmin import permissions as base

from .models import FormDefinition, FormField, ReminderSent, Report, ReportValue, ValidationRule
from .permissions import can_manage_forms, can_manage_rules, can_view_report, can_view_reports

COMPLETE_STATES = (Report.State.SUBMITTED, Report.State.APPROVED)


def report_list(*, user: Any) -> QuerySet[Report]:
    """The reports `user` may see, with region, form, fields and values in a fixed number of queries."""
    if not can_view_reports(user):
        return Report.objects.none()
    reports = Report.objects.select_related("region", "definition").prefetch_related(
        Prefetch("definition__fields", queryset=FormField.objects.order_by("order")), "values"
    )
    region = base.region_scope(user)
    if region is not None:
        reports = reports.filter(region_id=region)
    return reports.order_by("-definition__year", "region__code")


def rule_list(*, user: Any) -> QuerySet[ValidationRule]:
    if not can_manage_rules(user):
        return ValidationRule.objects.none()
    return ValidationRule.objects.order_by("name")


def definition_list(*, user: Any) -> QuerySet[FormDefinition]:
    if not can_view_reports(user):
        return FormDefinition.objects.none()
    return FormDefinition.objects.order_by("-year")


@dataclass(frozen=True)
class YearStatus:
    year: int
    deadline: Any
    regions: int
    submitted: int
    on_time: int

    @property
    def completeness(self) -> float:
        return self.submitted / self.regions if self.regions else 0.0

    @property
    def timeliness(self) -> float:
        return self.on_time / self.regions if self.regions else 0.0


def year_status(*, user: Any, regions: int = 7) -> list[YearStatus]:
    """Completeness (submitted / 7) and timeliness (on time / 7) per year: two queries."""
    if not can_view_reports(user):
        return []
    rows = []
    reports = list(
        Report.objects.select_related("definition").only("state", "first_submitted_at", "definition__year", "definition__deadline")
    )
    for definition in FormDefinition.objects.order_by("-year"):
        mine = [r for r in reports if r.definition_id == definition.pk]
        submitted = [r for r in mine if r.state in COMPLETE_STATES or r.first_submitted_at]
        on_time = [r for r in submitted if r.first_submitted_at and r.first_submitted_at.date() <= definition.deadline]
        rows.append(YearStatus(definition.year, definition.deadline, regions, len(submitted), len(on_time)))
    return rows


def changed_since_approval(*, report: Report) -> dict[str, dict[str, Any]]:
    """Values changed after the report's (last) approval: code → first before, latest after, by whom."""
    if report.approved_at is None:
        return {}
    changes: dict[str, dict[str, Any]] = {}
    rows = ReportValue.history.filter(report_id=report.pk, history_date__gt=report.approved_at).select_related("history_user")
    for row in rows.order_by("history_date"):
        entry = changes.setdefault(row.code, {"before": None, "after": row.value, "by": row.history_user})
        if entry["before"] is None:
            previous = row.prev_record
            entry["before"] = previous.value if previous else ""
        entry["after"], entry["by"] = row.value, row.history_user
    return {code: c for code, c in changes.items() if c["before"] != c["after"]}


def value_history(*, report: Report) -> list[Any]:
    """Every value's history (who, when, value), newest first."""
    return list(ReportValue.history.filter(report_id=report.pk).select_related("history_user").order_by("-history_date")[:500])


def previous_values(*, user: Any, report: Report) -> dict[str, str]:
    """Last year's answers of the same region, keyed by this year's field codes: a renamed field
    (``renamed_from``) finds the answer stored under its earlier code. Two queries."""
    if not can_view_report(user, report):
        return {}
    previous = (
        Report.objects.filter(region_id=report.region_id, definition__year__lt=report.definition.year).order_by("-definition__year").first()
    )
    if previous is None:
        return {}
    stored = {row.code: row.value for row in previous.values.all()}
    out: dict[str, str] = {}
    for form_field in report.definition.fields.all():
        old = form_field.renamed_from or form_field.code
        if stored.get(old):
            out[form_field.code] = stored[old]
    return out


def managed_definitions(*, user: Any) -> QuerySet[FormDefinition]:
    """The forms an administrator edits (with their fields in one more query)."""
    if not can_manage_forms(user):
        return FormDefinition.objects.none()
    return FormDefinition.objects.prefetch_related(Prefetch("fields", queryset=FormField.objects.order_by("order"))).order_by("-year")


def year_reports(*, user: Any, definition: FormDefinition) -> QuerySet[Report]:
    return report_list(user=user).filter(definition=definition).order_by("region__code")


def reminder_log(*, user: Any, definition: FormDefinition) -> QuerySet[ReminderSent]:
    """The reminders sent for the year's reports, newest first (administrators only)."""
    if not can_manage_forms(user):
        return ReminderSent.objects.none()
    return (
        ReminderSent.objects.filter(report__definition=definition)
        .select_related("report__region")
        .order_by("-sent_at", "report__region__code")
    )
