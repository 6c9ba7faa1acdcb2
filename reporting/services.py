"""Writes of the annual reports: open, edit (versioned, per value), submit, approve, return, reopen.

Every write goes through the kernel's write path (``alfadmin.kernel.writes``), each service
checking its actor against reporting's own predicates (``reporting.permissions``) whoever
calls it. The report's version stands for all its values, so a stale save is refused (409)
naming the values changed meanwhile, then and now, and by whom (``Report.changes_since``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
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

from alfadmin.kernel.errors import LockedError
from alfadmin.kernel.validators import control_character_message, first_control_character
from alfadmin.kernel.writes import SYSTEM, SystemActor, authorize, lock_rows, record_create, record_delete, record_update
from alfadmin.models import AgreementPeriod, Region, Role, StudentCount, User
from allocations import selectors as allocation_selectors

from . import permissions
from .definitions import FIELDS_2024, REQUIRED_2024
from .models import (
    TYPED_COLUMNS,
    FieldKind,
    FormDefinition,
    FormField,
    ReminderSent,
    Report,
    ReportValue,
    ValidationRule,
    typed_columns,
    value_text,
)
from .validation import Outcome, check, parse_value, rules_for, type_error_message


class SubmissionRefused(ValidationError):
    """Errors (or warnings without a comment) block a submission; carries the findings."""

    def __init__(self, outcome: Outcome):
        self.outcome = outcome
        super().__init__(_("The report has errors to fix before it can be submitted."))


def _values_of(report: Report) -> dict[str, ReportValue]:
    return {v.code: v for v in report.values.all()}


_UNSET: Any = object()


def _year_allocation(*, actor: User | SystemActor, year: int) -> Any:
    return allocation_selectors.year_allocation(user=actor, year=year, model=AgreementPeriod.Model.ALF2015.value)


def prefill(*, report: Report, actor: User | SystemActor, allocation: Any = _UNSET) -> dict[str, str]:
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
    """The results (received − costs) and the repayment date, as docs/annual-report.md defines them."""

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


Permitted = Callable[[Any, Any], bool]


def _may_open(actor: User, row: Any) -> bool:
    return permissions.can_manage_forms(actor)


def _may_edit(actor: User, report: Report) -> bool:
    return permissions.can_edit_report(actor, report)


def _may_submit(actor: User, report: Report) -> bool:
    return permissions.can_submit_report(actor, report)


def _may_review(actor: User, report: Report) -> bool:
    return permissions.can_review_report(actor, report)


def _typed(form_field: FormField, text: str) -> Any:
    """The typed answer of `text` (ValueError if it is none): whole kronor as int, numbers as Decimal."""
    typed = parse_value(form_field.kind, text)
    if isinstance(typed, Decimal) and form_field.kind in (FieldKind.KRONOR, FieldKind.INTEGER):
        return int(typed)
    return typed


def _canonical(form_field: FormField, typed: Any) -> str:
    probe = ReportValue(**typed_columns(form_field.kind, typed))
    return value_text(probe)


def _input_text(raw: Any) -> str:
    """A value as sent: text typed in Swedish ("12,5", "33 000 000") or a JSON number."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return str(raw)  # never a number: refused as one
    if isinstance(raw, float):
        return repr(raw)  # "inf", "nan" and "1e+20" are refused; 12.5 reads as 12.5
    return str(raw).strip()


def _prepared_writes(
    report: Report, *, values: Mapping[str, Any], comments: Mapping[str, Any], fields: Mapping[str, FormField]
) -> dict[str, dict[str, Any]]:
    """The value rows a save writes, code → columns (typed value and comment), only where they change.

    Raises ValidationError naming each field whose input is refused (unknown, filled in by the
    system, not a number of its kind, out of range, a text or comment holding a control character);
    then nothing is written.
    """
    errors: dict[str, str] = {}
    typed: dict[str, Any] = {}
    for code, raw in values.items():
        form_field = fields.get(code)
        if form_field is None:
            errors[code] = _("Unknown field.")
            continue
        if not form_field.editable:
            errors[code] = _("This field is filled in by the system.")
            continue
        try:
            typed[code] = _typed(form_field, _input_text(raw))
        except ValueError:
            errors[code] = f"{_(form_field.label)}: {type_error_message(form_field.kind)}"
            continue
        character = first_control_character(typed[code]) if isinstance(typed[code], str) else None
        if character is not None:
            errors[code] = control_character_message(_(form_field.label), character)
    texts = {str(k): "" if v is None else str(v) for k, v in comments.items()}
    for code, comment in texts.items():
        if code not in fields:
            errors[code] = _("Unknown field.")
        elif (character := first_control_character(comment)) is not None:
            label = _("Comment: %(field)s") % {"field": _(fields[code].label)}
            errors.setdefault(code, control_character_message(label, character))
    if errors:
        raise ValidationError(errors)
    stored = _values_of(report)
    merged = {code: row.value for code, row in stored.items()}
    merged.update({code: _canonical(fields[code], value) for code, value in typed.items()})
    for code, text in computed(merged, year=report.definition.year, fields=fields).items():
        if merged.get(code, "") != text:
            typed[code] = _typed(fields[code], text)
    writes: dict[str, dict[str, Any]] = {}
    for code in sorted(set(typed) | set(texts)):
        row = stored.get(code)
        columns = typed_columns(fields[code].kind, typed[code]) if code in typed else None
        comment = texts.get(code, row.comment if row else "")
        if row is None:
            if (columns and value_text(ReportValue(**columns))) or comment:
                writes[code] = {**(columns or typed_columns(fields[code].kind, None)), "comment": comment}
            continue
        unchanged = columns is None or all(getattr(row, name) == value for name, value in columns.items())
        if not unchanged or row.comment != comment:
            writes[code] = {**(columns or {}), "comment": comment}
    return writes


def _write_values(*, report: Report, writes: Mapping[str, Mapping[str, Any]], actor: User | SystemActor, permitted: Permitted, reason: str) -> None:
    """Write the value rows of a save (code order), each through the write path, marked with the
    report's version the save produced."""
    existing = _values_of(report)
    may: Permitted = lambda actor, row: permitted(actor, report)  # noqa: E731  # a value is the report's to write
    for code in sorted(writes):
        columns = {**writes[code], "report_version": report.version}
        row = existing.get(code)
        if row is None:
            record_create(instance=ReportValue(report=report, code=code, **columns), actor=actor, permitted=may, reason=reason)
        else:
            record_update(instance=row, actor=actor, permitted=may, expected_version=None, changes=columns, reason=reason)


@transaction.atomic
def report_open(*, region: Region, year: int, actor: User | SystemActor, allocation: Any = _UNSET) -> Report:
    """The region's report for `year`, created (prefilled) if missing; idempotent (administrators)."""
    definition = FormDefinition.objects.get(year=year)
    report = Report.objects.filter(region=region, definition=definition).first()
    if report is not None:
        return report
    report = Report(region=region, definition=definition)
    authorize(actor=actor, permitted=_may_open, row=report)
    values = prefill(report=report, actor=actor, allocation=allocation)
    record_create(instance=report, actor=actor, permitted=_may_open, reason=_("Report opened"))
    fields = {f.code: f for f in definition.fields.all()}
    system_filled = {code: _typed(fields[code], text) for code, text in values.items() if code in fields}
    merged = {code: _canonical(fields[code], value) for code, value in system_filled.items()}
    for code, text in computed(merged, year=year, fields=fields).items():
        system_filled[code] = _typed(fields[code], text)
    writes = {
        code: {**typed_columns(fields[code].kind, value), "comment": ""} for code, value in system_filled.items() if value is not None
    }
    _write_values(report=report, writes=writes, actor=actor, permitted=_may_open, reason=_("Prefilled"))
    return report


@transaction.atomic
def report_update(
    *,
    report: Report,
    values: Mapping[str, Any],
    comments: Mapping[str, Any] | None = None,
    expected_version: int | None,
    actor: User | SystemActor,
) -> Report:
    """Merge `values` (field code → Swedish text or a number) into a draft or returned report.

    The region's own reporter or an administrator; a draft saves whatever is typed, type errors
    aside (each refused naming its field). A stale `expected_version` is a 409 naming every value
    changed since, its value then and now and who stored it; a missing one is refused.
    """
    fields = {f.code: f for f in report.definition.fields.all()}
    planned: dict[str, dict[str, dict[str, Any]]] = {}

    def validate(current: Report) -> None:
        permissions.refuse_unless_editable(current)
        planned["writes"] = _prepared_writes(current, values=values, comments=comments or {}, fields=fields)

    current = record_update(
        instance=report,
        actor=actor,
        permitted=_may_edit,
        expected_version=expected_version,
        changes={},
        reason=_("Edited"),
        validate=validate,
        version_required=True,
    )
    _write_values(report=current, writes=planned["writes"], actor=actor, permitted=_may_edit, reason=_("Edited"))
    return current


@dataclass(frozen=True)
class PlannedChange:
    """One row a save would write: the value and comment before and after (preview of an upload)."""

    code: str
    label: str
    before: str
    after: str
    comment_before: str
    comment_after: str

    @property
    def value_changes(self) -> bool:
        return self.before != self.after

    @property
    def comment_changes(self) -> bool:
        return self.comment_before != self.comment_after


def report_update_preview(
    *, report: Report, values: Mapping[str, Any], comments: Mapping[str, Any] | None = None, actor: User | SystemActor
) -> list[PlannedChange]:
    """Exactly what ``report_update`` would write with these inputs now (nothing is written).

    Refuses like the save: ``PermissionDenied``, ``LockedError`` or ``ValidationError`` naming fields."""
    authorize(actor=actor, permitted=_may_edit, row=report)
    current = Report.objects.select_related("definition").get(pk=report.pk)
    permissions.refuse_unless_editable(current)
    fields = {f.code: f for f in current.definition.fields.all()}
    writes = _prepared_writes(current, values=values, comments=comments or {}, fields=fields)
    stored = _values_of(current)
    planned = []
    for code in (f.code for f in fields.values() if f.code in writes):
        row = stored.get(code)
        columns = writes[code]
        after = value_text(ReportValue(**{k: columns[k] for k in TYPED_COLUMNS})) if "amount" in columns else (row.value if row else "")
        planned.append(
            PlannedChange(
                code=code,
                label=str(_(fields[code].label)),
                before=row.value if row else "",
                after=after,
                comment_before=row.comment if row else "",
                comment_after=columns["comment"],
            )
        )
    return planned


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


def _transition(
    *,
    report: Report,
    actor: User | SystemActor,
    permitted: Permitted,
    allowed: tuple[str, ...],
    expected_version: int | None,
    reason: str,
    move: Callable[[Report], None],
) -> Report:
    def changes(current: Report) -> None:
        if current.state not in allowed:
            raise LockedError(_("Not possible while the report is %(state)s.") % {"state": current.get_state_display()})
        move(current)

    return record_update(
        instance=report, actor=actor, permitted=permitted, expected_version=expected_version, changes=changes, reason=reason
    )


@transaction.atomic
def report_submit(*, report: Report, actor: User | SystemActor, expected_version: int | None = None) -> Report:
    """Draft or returned → submitted, if no rule fails (warnings need a comment)."""

    def move(current: Report) -> None:
        outcome = report_check(current)
        if outcome.errors or outcome.uncommented:
            raise SubmissionRefused(outcome)
        now = timezone.now()
        current.state, current.submitted_at = Report.State.SUBMITTED, now
        current.first_submitted_at = current.first_submitted_at or now

    return _transition(
        report=report,
        actor=actor,
        permitted=_may_submit,
        allowed=permissions.EDITABLE_STATES,
        expected_version=expected_version,
        reason=_("Submitted"),
        move=move,
    )


@transaction.atomic
def report_approve(*, report: Report, actor: User | SystemActor, expected_version: int | None = None) -> Report:
    """Submitted → approved: the report and its values are frozen until reopened."""

    def move(current: Report) -> None:
        current.state, current.approved_at = Report.State.APPROVED, timezone.now()

    return _transition(
        report=report,
        actor=actor,
        permitted=_may_review,
        allowed=(Report.State.SUBMITTED,),
        expected_version=expected_version,
        reason=_("Approved"),
        move=move,
    )


@transaction.atomic
def report_return(*, report: Report, actor: User | SystemActor, comment: str, expected_version: int | None = None) -> Report:
    """Submitted → returned to the region, with a required comment."""
    authorize(actor=actor, permitted=_may_review, row=report)
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Say what the region should fix.")})

    def move(current: Report) -> None:
        current.state, current.return_comment = Report.State.RETURNED, comment.strip()

    return _transition(
        report=report,
        actor=actor,
        permitted=_may_review,
        allowed=(Report.State.SUBMITTED,),
        expected_version=expected_version,
        reason=_("Returned: %(comment)s") % {"comment": comment.strip()},
        move=move,
    )


@transaction.atomic
def report_reopen(*, report: Report, actor: User | SystemActor, reason: str, expected_version: int | None = None) -> Report:
    """Approved → returned (editable again), with a required reason; `approved_at` is kept so the
    page can show every value changed since the approval."""
    authorize(actor=actor, permitted=_may_review, row=report)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for reopening.")})

    def move(current: Report) -> None:
        current.state, current.reopen_reason = Report.State.RETURNED, reason.strip()

    return _transition(
        report=report,
        actor=actor,
        permitted=_may_review,
        allowed=(Report.State.APPROVED,),
        expected_version=expected_version,
        reason=_("Reopened: %(reason)s") % {"reason": reason.strip()},
        move=move,
    )


def reminder_dates(deadline: datetime.date) -> list[datetime.date]:
    """14 and 3 days before the deadline, and each of the 3 days after a missed one."""
    return [deadline - datetime.timedelta(days=14), deadline - datetime.timedelta(days=3)] + [
        deadline + datetime.timedelta(days=n) for n in (1, 2, 3)
    ]


def reminders_send(*, today: datetime.date) -> int:
    """E-mail the reporters of every unsubmitted report whose reminder falls due today; once per
    report and due date (a ReminderSent row, unique, written with the mail, the report locked)."""
    sent = 0
    for definition in FormDefinition.objects.all():
        if today not in reminder_dates(definition.deadline):
            continue
        due = Report.objects.filter(definition=definition, state__in=permissions.EDITABLE_STATES).select_related("region")
        for report in due:
            with transaction.atomic():
                lock_rows((Report, report.pk))
                if ReminderSent.objects.filter(report=report, due_date=today).exists():
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
                record_create(
                    instance=ReminderSent(report=report, due_date=today, recipients=len(emails)),
                    actor=SYSTEM,
                    permitted=_may_open,
                    reason=_("Reminder sent"),
                )
                sent += 1
    return sent


RULE_FIELDS = ["name", "left", "operator", "right", "condition", "severity", "message", "fields", "first_year", "last_year", "is_active"]


def _may_manage_rules(actor: User, row: Any) -> bool:
    return permissions.can_manage_rules(actor)


@transaction.atomic
def rule_create(*, data: Mapping[str, Any], actor: User | SystemActor) -> ValidationRule:
    """A new validation rule (takes effect at once, without code); one naming an unknown field
    code is refused (``ValidationRule.clean``)."""
    return record_create(
        instance=ValidationRule(**{k: data[k] for k in RULE_FIELDS if k in data}),
        actor=actor,
        permitted=_may_manage_rules,
        reason=_("Rule added"),
    )


@transaction.atomic
def rule_update(
    *, rule: ValidationRule, data: Mapping[str, Any], expected_version: int | None, actor: User | SystemActor
) -> ValidationRule:
    return record_update(
        instance=rule,
        actor=actor,
        permitted=_may_manage_rules,
        expected_version=expected_version,
        changes={k: data[k] for k in RULE_FIELDS if k in data},
        reason=_("Rule edited"),
    )


# --- Forms (definitions) and opening a year -------------------------------------------------

FIELD_COPY = ("code", "kind", "source", "label", "help_text", "section", "order", "required")
FIELD_EDITABLE = ("code", "label", "help_text", "section", "order", "required")


@dataclass(frozen=True)
class YearOpened:
    definition: FormDefinition
    created: bool  # the form definition was created now
    opened: list[Report]  # reports created now
    existing: list[Report]  # reports that were there already


def _copy_fields(*, definition: FormDefinition, actor: User | SystemActor) -> None:
    """The nearest earlier year's fields (codes kept, so no previous code), else the spec's form."""
    source = FormDefinition.objects.filter(year__lt=definition.year).order_by("-year").first()
    if source is not None:
        rows = [{name: getattr(f, name) for name in FIELD_COPY} for f in source.fields.order_by("order")]
    else:
        rows = [
            {
                "code": code,
                "kind": kind,
                "source": src,
                "label": label,
                "help_text": help_text,
                "section": section,
                "order": i * 10,
                "required": code in REQUIRED_2024,
            }
            for i, (code, kind, src, label, help_text, section) in enumerate(FIELDS_2024, start=1)
        ]
    for row in rows:
        record_create(instance=FormField(definition=definition, **row), actor=actor, permitted=_may_open, reason=_("Form copied"))


@transaction.atomic
def definition_ensure(*, year: int, actor: User | SystemActor, deadline: datetime.date | None = None) -> tuple[FormDefinition, bool]:
    """The form of `year`, created if missing (fields copied, deadline 25 January by default);
    a given `deadline` different from the stored one is set. Returns (definition, created)."""
    definition = FormDefinition.objects.filter(year=year).first()
    if definition is None:
        definition = record_create(
            instance=FormDefinition(year=year, deadline=deadline or FormDefinition.default_deadline(year)),
            actor=actor,
            permitted=_may_open,
            reason=_("Form created"),
        )
        _copy_fields(definition=definition, actor=actor)
        return definition, True
    if deadline is not None and definition.deadline != deadline:
        definition = record_update(
            instance=definition,
            actor=actor,
            permitted=_may_open,
            expected_version=None,
            changes={"deadline": deadline},
            reason=_("Deadline set"),
        )
    return definition, False


@transaction.atomic
def year_open(*, year: int, actor: User | SystemActor, deadline: datetime.date | None = None) -> YearOpened:
    """Open `year` for every active region: the form (copied from the year before if missing), the
    deadline, and a prefilled draft per region. Idempotent: a second call opens nothing new."""
    authorize(actor=actor, permitted=_may_open)
    definition, created = definition_ensure(year=year, actor=actor, deadline=deadline)
    existing = {r.region_id: r for r in Report.objects.filter(definition=definition).select_related("region")}
    missing = [region for region in Region.objects.filter(is_active=True).order_by("code") if region.pk not in existing]
    allocation = _year_allocation(actor=actor, year=year) if missing else None  # once, not per region
    opened = [report_open(region=region, year=year, actor=actor, allocation=allocation) for region in missing]
    return YearOpened(definition=definition, created=created, opened=opened, existing=list(existing.values()))


def fields_locked(definition: FormDefinition) -> bool:
    """Once a report of the year has been submitted its questions are fixed (docs/annual-report.md)."""
    return Report.objects.filter(definition=definition).filter(Q(first_submitted_at__isnull=False) | ~Q(state__in=permissions.EDITABLE_STATES)).exists()


def _refuse_if_fields_locked(definition: FormDefinition) -> None:
    if fields_locked(definition):
        raise LockedError(_("Reports of %(year)s have been submitted: its questions can no longer change.") % {"year": definition.year})


def _lock_definition(definition: FormDefinition, *, expected_version: int | None, actor: User | SystemActor, reason: str) -> FormDefinition:
    """Lock the form, refuse a stale edit (409) or a submitted year, and bump its version (it
    stands for the edits of its fields)."""
    return record_update(
        instance=definition,
        actor=actor,
        permitted=_may_open,
        expected_version=expected_version,
        changes={},
        reason=reason,
        validate=_refuse_if_fields_locked,
    )


@transaction.atomic
def definition_update(
    *, definition: FormDefinition, deadline: datetime.date, expected_version: int | None, actor: User | SystemActor, reason: str = ""
) -> FormDefinition:
    """The year's deadline (reminders follow it); allowed at any time."""
    return record_update(
        instance=definition,
        actor=actor,
        permitted=_may_open,
        expected_version=expected_version,
        changes={"deadline": deadline},
        reason=reason or _("Deadline changed"),
    )


@transaction.atomic
def field_add(*, definition: FormDefinition, data: Mapping[str, Any], expected_version: int | None, actor: User | SystemActor) -> FormField:
    """A new question the region answers (source: entered by the region); drafts show it empty."""
    current = _lock_definition(definition, expected_version=expected_version, actor=actor, reason=_("Field added"))
    if current.fields.filter(code=data["code"]).exists():
        raise ValidationError({"code": _("The form already has a field with this code.")})
    values = {k: data[k] for k in (*FIELD_EDITABLE, "kind") if k in data}
    return record_create(
        instance=FormField(definition=current, source=FormField.Source.INPUT, **values),
        actor=actor,
        permitted=_may_open,
        reason=_("Field added"),
    )


@transaction.atomic
def field_update(*, form_field: FormField, data: Mapping[str, Any], expected_version: int | None, actor: User | SystemActor) -> FormField:
    """Label, help, section, order, required, and the code. A new code is a rename: `renamed_from`
    keeps the code of earlier years (so last year's answer is found), and this year's stored
    answers move to the new code. Fields the system fills keep their code (prefill and results use it)."""
    _lock_definition(form_field.definition, expected_version=expected_version, actor=actor, reason=_("Field edited"))

    def change(current: FormField) -> None:
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
                record_update(
                    instance=row, actor=actor, permitted=_may_open, expected_version=None, changes={"code": new}, reason=_("Field renamed")
                )
        for name in FIELD_EDITABLE:
            if name in data:
                setattr(current, name, data[name])

    return record_update(
        instance=form_field, actor=actor, permitted=_may_open, expected_version=None, changes=change, reason=_("Field edited")
    )


@transaction.atomic
def field_remove(*, form_field: FormField, expected_version: int | None, actor: User | SystemActor) -> None:
    """Drop a question from the year's form; answers already stored stay in the history."""
    _lock_definition(form_field.definition, expected_version=expected_version, actor=actor, reason=_("Field removed"))
    record_delete(instance=form_field, actor=actor, permitted=_may_open, reason=_("Field removed"))
