"""Writes of the annual reports: open, edit (versioned, per value), submit, approve, return, reopen.

Every write goes through the kernel history helpers; the report's version stands for all its
values, so a stale save is refused (409) naming the fields changed meanwhile and by whom.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from alfadmin.kernel.errors import ConcurrentEditError, LockedError
from alfadmin.kernel.history import create_with_history, delete_with_history, lock_for_update, save_with_history, versioned_update
from alfadmin.models import AgreementPeriod, Region, Role, StudentCount, User
from allocations import selectors as allocation_selectors

from .definitions import FIELDS_2024
from .models import FormDefinition, FormField, ReminderSent, Report, ReportValue, ValidationRule
from .validation import Outcome, check, parse_value, rules_for, type_error_message

EDITABLE_STATES = (Report.State.DRAFT, Report.State.RETURNED)


class SubmissionRefused(ValidationError):
    """Errors (or warnings without a comment) block a submission; carries the findings."""

    def __init__(self, outcome: Outcome):
        self.outcome = outcome
        super().__init__(_("The report has errors to fix before it can be submitted."))


def _values_of(report: Report) -> dict[str, ReportValue]:
    return {v.code: v for v in report.values.all()}


_UNSET: Any = object()


def _year_allocation(*, actor: Any, year: int) -> Any:
    return allocation_selectors.year_allocation(user=actor, year=year, model=AgreementPeriod.Model.ALF2015.value)


def prefill(*, report: Report, actor: Any, allocation: Any = _UNSET) -> dict[str, str]:
    """Money received from the year's allocation (published, else the current run) and planned hst.

    Pass `allocation` (``allocations.selectors.year_allocation``) to reuse it across regions."""
    year, code = report.definition.year, report.region.code
    prefilled: dict[str, str] = {}
    if allocation is _UNSET:
        allocation = _year_allocation(actor=actor, year=year)
    if allocation is not None:
        for row in allocation.rows:
            if row.code == code:
                if row.education is not None:
                    prefilled["education_received"] = str(row.education)
                if row.research_total is not None:
                    prefilled["research_received"] = str(row.research_total)
        report.allocation_published = bool(allocation.publication and allocation.publication.state == "published")
    planned = StudentCount.objects.filter(region=report.region, year=year).values_list("planned_hst", flat=True).first()
    if planned is not None:
        prefilled["planned_hst"] = str(planned)
    return prefilled


def computed(values: Mapping[str, str], *, year: int, fields: Mapping[str, FormField]) -> dict[str, str]:
    """The results (received − costs) and the repayment date, as annual-report.md defines them."""

    def number(code: str) -> Decimal:
        try:
            typed = parse_value(fields[code].kind, values.get(code, "")) if code in fields else None
        except ValueError:
            typed = None
        return typed if isinstance(typed, Decimal) else Decimal(0)

    out: dict[str, str] = {}
    surplus = Decimal(0)
    for kind in ("education", "research"):
        if f"{kind}_result" not in fields:
            continue
        if not (values.get(f"{kind}_received") or any(values.get(f"{kind}_{c}") for c in ("personnel", "premises", "other"))):
            out[f"{kind}_result"] = ""
            continue
        result = number(f"{kind}_received") - sum(number(f"{kind}_{c}") for c in ("personnel", "premises", "other"))
        out[f"{kind}_result"] = str(result)
        surplus += max(result, Decimal(0))
    if "repayment_due" in fields:
        repay = surplus > 0 and number("carry_over_requested") < surplus
        out["repayment_due"] = datetime.date(year + 1, 3, 31).isoformat() if repay else ""
    return out


def _write_values(*, report: Report, changes: Mapping[str, str], comments: Mapping[str, str], actor: Any, reason: str) -> None:
    existing = _values_of(report)
    for code in sorted(set(changes) | set(comments)):
        row = existing.get(code)
        value = changes.get(code, row.value if row else "")
        comment = comments.get(code, row.comment if row else "")
        if row is None:
            if value or comment:
                create_with_history(
                    instance=ReportValue(report=report, code=code, value=value, comment=comment), actor=actor, reason=reason
                )
        elif row.value != value or row.comment != comment:
            row.value, row.comment = value, comment
            save_with_history(instance=row, actor=actor, reason=reason, update_fields=["value", "comment"])


def _who(user: Any) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _changed_since(report: Report, version: int) -> dict[str, dict[str, str]]:
    """Fields changed after the report had `version`, with who changed them (for the 409).

    A change of the report's state alone (submitted, returned, approved, reopened) changes no
    value; it is named under the key ``state`` so the 409 never has an empty list."""
    then = report.history.filter(version=version).order_by("history_date").values_list("history_date", flat=True).last()
    if then is None:
        return {}
    changed: dict[str, dict[str, str]] = {}
    rows = ReportValue.history.filter(report_id=report.pk, history_date__gt=then).select_related("history_user").order_by("history_date")
    for row in rows:
        changed[row.code] = {"by": _who(row.history_user), "new": row.value}
    states = (
        report.history.filter(version__gt=version)
        .select_related("history_user")
        .order_by("history_date")
        .only("state", "version", "history_user", "history_date")
    )
    original = report.history.filter(version=version).order_by("history_date").values_list("state", flat=True).last() or ""
    latest, by, moved = original, None, False
    for row in states:
        if row.state != latest:
            latest, by, moved = row.state, row.history_user, True
    if moved:
        changed["state"] = {"by": _who(by), "old": original, "new": latest}
    return changed


def _bump(report: Report, *, actor: Any, reason: str, fields: list[str]) -> Report:
    report.version += 1
    return save_with_history(instance=report, actor=actor, reason=reason, update_fields=[*fields, "version"])


@transaction.atomic
def report_open(*, region: Region, year: int, actor: Any, allocation: Any = _UNSET) -> Report:
    """The region's report for `year`, created (prefilled) if missing; idempotent."""
    definition = FormDefinition.objects.get(year=year)
    report = Report.objects.filter(region=region, definition=definition).first()
    if report is not None:
        return report
    report = Report(region=region, definition=definition)
    values = prefill(report=report, actor=actor, allocation=allocation)
    create_with_history(instance=report, actor=actor, reason=_("Report opened"))
    fields = {f.code: f for f in definition.fields.all()}
    values.update(computed(values, year=year, fields=fields))
    _write_values(report=report, changes={k: v for k, v in values.items() if k in fields}, comments={}, actor=actor, reason=_("Prefilled"))
    return report


@transaction.atomic
def report_update(
    *, report: Report, values: Mapping[str, Any], comments: Mapping[str, Any] | None = None, expected_version: int | None, actor: Any
) -> Report:
    """Merge `values` (field code → text) into a draft or returned report; a draft saves whatever
    is typed, type errors aside. Stale `expected_version` → ConcurrentEditError naming the fields."""
    current = lock_for_update(Report, report.pk)
    if expected_version is None:
        raise ValidationError({"version": _("The version this edit is based on is required.")})
    if current.version != expected_version:
        raise ConcurrentEditError(
            current_version=current.version, expected_version=expected_version, changed=_changed_since(current, expected_version)
        )
    if current.state not in EDITABLE_STATES:
        raise LockedError(_("This report is %(state)s and cannot be edited.") % {"state": current.get_state_display()})
    fields = {f.code: f for f in current.definition.fields.all()}
    comments = {str(k): "" if v is None else str(v) for k, v in (comments or {}).items()}
    errors: dict[str, str] = {}
    changes: dict[str, str] = {}
    for code, raw in values.items():
        form_field = fields.get(code)
        if form_field is None:
            errors[code] = _("Unknown field.")
            continue
        if not form_field.editable:
            errors[code] = _("This field is filled in by the system.")
            continue
        text = "" if raw is None else str(raw).strip()
        try:
            parse_value(form_field.kind, text)
        except ValueError:
            errors[code] = type_error_message(form_field.kind)
            continue
        changes[code] = text
    unknown_comments = [c for c in comments if c not in fields]
    for code in unknown_comments:
        errors[code] = _("Unknown field.")
    if errors:
        raise ValidationError(errors)
    merged = {code: row.value for code, row in _values_of(current).items()}
    merged.update(changes)
    changes.update({k: v for k, v in computed(merged, year=current.definition.year, fields=fields).items() if merged.get(k, "") != v})
    _write_values(report=current, changes=changes, comments=comments, actor=actor, reason=_("Edited"))
    return _bump(current, actor=actor, reason=_("Edited"), fields=[])


def report_check(report: Report, *, rules: list[ValidationRule] | None = None) -> Outcome:
    """The rules of the report's year over its stored values (pass `rules` to reuse them in a list)."""
    fields = list(report.definition.fields.all())
    rows = _values_of(report)
    return check(
        fields=fields,
        values={c: r.value for c, r in rows.items()},
        comments={c: r.comment for c, r in rows.items()},
        rules=rules if rules is not None else rules_for(report.definition.year),
    )


def _transition(report: Report, *, allowed: tuple[str, ...], expected_version: int | None) -> Report:
    current = lock_for_update(Report, report.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConcurrentEditError(
            current_version=current.version, expected_version=expected_version, changed=_changed_since(current, expected_version)
        )
    if current.state not in allowed:
        raise LockedError(_("Not possible while the report is %(state)s.") % {"state": current.get_state_display()})
    return current


@transaction.atomic
def report_submit(*, report: Report, actor: Any, expected_version: int | None = None) -> Report:
    """Draft or returned → submitted, if no rule fails (warnings need a comment)."""
    current = _transition(report, allowed=EDITABLE_STATES, expected_version=expected_version)
    outcome = report_check(current)
    if outcome.errors or outcome.uncommented:
        raise SubmissionRefused(outcome)
    now = timezone.now()
    current.state, current.submitted_at = Report.State.SUBMITTED, now
    current.first_submitted_at = current.first_submitted_at or now
    return _bump(current, actor=actor, reason=_("Submitted"), fields=["state", "submitted_at", "first_submitted_at"])


@transaction.atomic
def report_approve(*, report: Report, actor: Any, expected_version: int | None = None) -> Report:
    """Submitted → approved: the report is locked."""
    current = _transition(report, allowed=(Report.State.SUBMITTED,), expected_version=expected_version)
    current.state, current.approved_at = Report.State.APPROVED, timezone.now()
    return _bump(current, actor=actor, reason=_("Approved"), fields=["state", "approved_at"])


@transaction.atomic
def report_return(*, report: Report, actor: Any, comment: str, expected_version: int | None = None) -> Report:
    """Submitted → returned to the region, with a required comment."""
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Say what the region should fix.")})
    current = _transition(report, allowed=(Report.State.SUBMITTED,), expected_version=expected_version)
    current.state, current.return_comment = Report.State.RETURNED, comment.strip()
    return _bump(current, actor=actor, reason=_("Returned: %(comment)s") % {"comment": comment.strip()}, fields=["state", "return_comment"])


@transaction.atomic
def report_reopen(*, report: Report, actor: Any, reason: str, expected_version: int | None = None) -> Report:
    """Approved → returned (editable again), with a required reason; `approved_at` is kept so the
    page can show every value changed since the approval."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for reopening.")})
    current = _transition(report, allowed=(Report.State.APPROVED,), expected_version=expected_version)
    current.state, current.reopen_reason = Report.State.RETURNED, reason.strip()
    return _bump(current, actor=actor, reason=_("Reopened: %(reason)s") % {"reason": reason.strip()}, fields=["state", "reopen_reason"])


def reminder_dates(deadline: datetime.date) -> list[datetime.date]:
    """14 and 3 days before the deadline, and each of the 3 days after a missed one."""
    return [deadline - datetime.timedelta(days=14), deadline - datetime.timedelta(days=3)] + [
        deadline + datetime.timedelta(days=n) for n in (1, 2, 3)
    ]


def reminders_send(*, today: datetime.date) -> int:
    """E-mail the reporters of every unsubmitted report whose reminder falls due today; once per
    report and due date (a ReminderSent row, unique, written with the mail)."""
    sent = 0
    for definition in FormDefinition.objects.all():
        if today not in reminder_dates(definition.deadline):
            continue
        due = Report.objects.filter(definition=definition, state__in=EDITABLE_STATES).select_related("region")
        for report in due:
            with transaction.atomic():
                marker, created = ReminderSent.objects.get_or_create(report=report, due_date=today)
                if not created:
                    continue
                emails = list(
                    User.objects.filter(role=Role.REPORTER, region=report.region, is_active=True)
                    .exclude(email="")
                    .values_list("email", flat=True)
                )
                if emails:
                    send_mail(
                        _("ALF annual report %(year)s: due %(deadline)s") % {"year": definition.year, "deadline": definition.deadline},
                        _("The annual report of %(region)s for %(year)s is due on %(deadline)s.")
                        % {"region": report.region.name, "year": definition.year, "deadline": definition.deadline},
                        settings.DEFAULT_FROM_EMAIL,
                        emails,
                    )
                marker.recipients = len(emails)
                marker.save(update_fields=["recipients"])
                sent += 1
    return sent


RULE_FIELDS = ["name", "left", "operator", "right", "condition", "severity", "message", "fields", "first_year", "last_year", "is_active"]


@transaction.atomic
def rule_create(*, data: Mapping[str, Any], actor: Any) -> ValidationRule:
    """A new validation rule (takes effect at once, without code)."""
    return create_with_history(
        instance=ValidationRule(**{k: data[k] for k in RULE_FIELDS if k in data}), actor=actor, reason=_("Rule added")
    )


@transaction.atomic
def rule_update(*, rule: ValidationRule, data: Mapping[str, Any], expected_version: int | None, actor: Any) -> ValidationRule:
    return versioned_update(
        instance=rule,
        expected_version=expected_version,
        changes={k: data[k] for k in RULE_FIELDS if k in data},
        actor=actor,
        reason=_("Rule edited"),
    )


# --- Forms (definitions) and opening a year -------------------------------------------------

FIELD_COPY = ("code", "kind", "source", "label", "help_text", "section", "order")
FIELD_EDITABLE = ("code", "label", "help_text", "section", "order")


@dataclass(frozen=True)
class YearOpened:
    definition: FormDefinition
    created: bool  # the form definition was created now
    opened: list[Report]  # reports created now
    existing: list[Report]  # reports that were there already


def _copy_fields(*, definition: FormDefinition, actor: Any) -> None:
    """The nearest earlier year's fields (codes kept, so no previous code), else the spec's form."""
    source = FormDefinition.objects.filter(year__lt=definition.year).order_by("-year").first()
    if source is not None:
        rows = [{name: getattr(f, name) for name in FIELD_COPY} for f in source.fields.order_by("order")]
    else:
        rows = [
            {"code": code, "kind": kind, "source": src, "label": label, "help_text": help_text, "section": section, "order": i * 10}
            for i, (code, kind, src, label, help_text, section) in enumerate(FIELDS_2024, start=1)
        ]
    for row in rows:
        create_with_history(instance=FormField(definition=definition, **row), actor=actor, reason=_("Form copied"))


@transaction.atomic
def definition_ensure(*, year: int, actor: Any, deadline: datetime.date | None = None) -> tuple[FormDefinition, bool]:
    """The form of `year`, created if missing (fields copied, deadline 25 January by default);
    a given `deadline` different from the stored one is set. Returns (definition, created)."""
    definition = FormDefinition.objects.filter(year=year).first()
    if definition is None:
        definition = create_with_history(
            instance=FormDefinition(year=year, deadline=deadline or FormDefinition.default_deadline(year)),
            actor=actor,
            reason=_("Form created"),
        )
        _copy_fields(definition=definition, actor=actor)
        return definition, True
    if deadline is not None and definition.deadline != deadline:
        definition = versioned_update(
            instance=definition, expected_version=None, changes={"deadline": deadline}, actor=actor, reason=_("Deadline set")
        )
    return definition, False


@transaction.atomic
def year_open(*, year: int, actor: Any, deadline: datetime.date | None = None) -> YearOpened:
    """Open `year` for every active region: the form (copied from the year before if missing), the
    deadline, and a prefilled draft per region. Idempotent: a second call opens nothing new."""
    definition, created = definition_ensure(year=year, actor=actor, deadline=deadline)
    existing = {r.region_id: r for r in Report.objects.filter(definition=definition).select_related("region")}
    missing = [region for region in Region.objects.filter(is_active=True).order_by("code") if region.pk not in existing]
    allocation = _year_allocation(actor=actor, year=year) if missing else None  # once, not per region
    opened = [report_open(region=region, year=year, actor=actor, allocation=allocation) for region in missing]
    return YearOpened(definition=definition, created=created, opened=opened, existing=list(existing.values()))


def fields_locked(definition: FormDefinition) -> bool:
    """Once a report of the year has been submitted its questions are fixed (annual-report.md)."""
    return Report.objects.filter(definition=definition).filter(Q(first_submitted_at__isnull=False) | ~Q(state__in=EDITABLE_STATES)).exists()


def _lock_definition(definition: FormDefinition, *, expected_version: int | None, actor: Any, reason: str) -> FormDefinition:
    """Lock the form, refuse a stale edit (409) or a submitted year, and bump its version."""
    current = versioned_update(instance=definition, expected_version=expected_version, changes={}, actor=actor, reason=reason)
    if fields_locked(current):
        raise LockedError(_("Reports of %(year)s have been submitted: its questions can no longer change.") % {"year": current.year})
    return current


@transaction.atomic
def definition_update(
    *, definition: FormDefinition, deadline: datetime.date, expected_version: int | None, actor: Any, reason: str = ""
) -> FormDefinition:
    """The year's deadline (reminders follow it); allowed at any time."""
    return versioned_update(
        instance=definition,
        expected_version=expected_version,
        changes={"deadline": deadline},
        actor=actor,
        reason=reason or _("Deadline changed"),
    )


@transaction.atomic
def field_add(*, definition: FormDefinition, data: Mapping[str, Any], expected_version: int | None, actor: Any) -> FormField:
    """A new question the region answers (source: entered by the region); drafts show it empty."""
    current = _lock_definition(definition, expected_version=expected_version, actor=actor, reason=_("Field added"))
    if current.fields.filter(code=data["code"]).exists():
        raise ValidationError({"code": _("The form already has a field with this code.")})
    values = {k: data[k] for k in (*FIELD_EDITABLE, "kind") if k in data}
    return create_with_history(
        instance=FormField(definition=current, source=FormField.Source.INPUT, **values), actor=actor, reason=_("Field added")
    )


@transaction.atomic
def field_update(*, form_field: FormField, data: Mapping[str, Any], expected_version: int | None, actor: Any) -> FormField:
    """Label, help, section, order, and the code. A new code is a rename: `renamed_from` keeps the
    code of earlier years (so last year's answer is found), and this year's stored answers move
    to the new code. Fields the system fills keep their code (prefill and results use it)."""
    _lock_definition(form_field.definition, expected_version=expected_version, actor=actor, reason=_("Field edited"))
    current = lock_for_update(FormField, form_field.pk)
    old, new = current.code, data.get("code", current.code)
    if new != old:
        if not current.editable:
            raise ValidationError({"code": _("A field filled in by the system keeps its code.")})
        if FormField.objects.filter(definition_id=current.definition_id, code=new).exists():
            raise ValidationError({"code": _("The form already has a field with this code.")})
        if ReportValue.objects.filter(report__definition_id=current.definition_id, code=new).exists():
            raise ValidationError({"code": _("Answers of this year are stored under that code; choose another.")})
        current.renamed_from = "" if new == current.renamed_from else (current.renamed_from or old)
        for row in ReportValue.objects.filter(report__definition_id=current.definition_id, code=old).order_by("pk"):
            row.code = new
            save_with_history(instance=row, actor=actor, reason=_("Field renamed"), update_fields=["code"])
    for name in FIELD_EDITABLE:
        if name in data:
            setattr(current, name, data[name])
    current.full_clean()
    return save_with_history(instance=current, actor=actor, reason=_("Field edited"))


@transaction.atomic
def field_remove(*, form_field: FormField, expected_version: int | None, actor: Any) -> None:
    """Drop a question from the year's form; answers already stored stay in the history."""
    _lock_definition(form_field.definition, expected_version=expected_version, actor=actor, reason=_("Field removed"))
    delete_with_history(instance=lock_for_update(FormField, form_field.pk), actor=actor, reason=_("Field removed"))
