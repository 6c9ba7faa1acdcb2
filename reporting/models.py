"""The regions' annual ALF report (spec: docs/annual-report.md).

A year's form is data (``FormDefinition`` + ``FormField``), so a later year may add, drop or
rename fields while earlier answers stay readable: values are stored per report and field code
(``ReportValue``), never as a JSON blob, and each value row keeps its own history.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pgtrigger
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from alfadmin.kernel.models import Freezable, Versioned, who
from alfadmin.kernel.triggers import FROZEN_ERROR_PREFIX, frozen
from alfadmin.models import Region
from alfadmin.validation import YEAR_VALIDATORS

from .expressions import ExpressionError, parse_comparison, parse_expression

# Sane bounds of a report's numbers: kronor and whole numbers have at most 15 digits (the whole
# ALF is some 2.5 billion kronor a year), other numbers at most 14 before and 4 after the comma.
AMOUNT_DIGITS = 15
NUMBER_DIGITS, NUMBER_DECIMALS = 18, 4
MAX_AMOUNT = 10**AMOUNT_DIGITS - 1


class FormDefinition(Versioned):
    """The report form of one year: which fields it asks for, in which order and sections.

    Its version stands for every edit of its fields and its deadline (409 when stale).
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True, validators=YEAR_VALIDATORS)
    deadline = models.DateField(_("deadline"), help_text=_("25 January of the following year by default."))
    history = HistoricalRecords()

    class Meta:
        ordering = ["year"]
        verbose_name = _("report form")
        verbose_name_plural = _("report forms")

    def __str__(self) -> str:
        return str(self.year)

    @staticmethod
    def default_deadline(year: int) -> datetime.date:
        return datetime.date(year + 1, 1, 25)


class FieldKind(models.TextChoices):
    KRONOR = "kronor", _("kronor")
    NUMBER = "number", _("number")
    INTEGER = "integer", _("integer")
    PERCENT = "percent", _("percent")
    DATE = "date", _("date")
    TEXT = "text", _("text")


NUMERIC_KINDS = (FieldKind.KRONOR, FieldKind.NUMBER, FieldKind.INTEGER, FieldKind.PERCENT)


class FormField(Versioned):
    """One question of a year's form; `code` is stable across years, the label is translated.

    `required` says what an empty number means: a required field left empty is an error that
    blocks submission; any other empty number counts as 0 in the rules.
    """

    class Source(models.TextChoices):
        INPUT = "input", _("entered by the region")
        PREFILLED = "prefilled", _("prefilled")
        COMPUTED = "computed", _("computed")

    definition = models.ForeignKey(FormDefinition, on_delete=models.CASCADE, related_name="fields", verbose_name=_("form"))
    code = models.SlugField(_("code"), max_length=64)
    kind = models.CharField(_("type"), max_length=16, choices=FieldKind.choices)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.INPUT)
    label = models.CharField(_("label"), max_length=200)
    help_text = models.CharField(_("help"), max_length=500, blank=True)
    section = models.CharField(_("section"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"))
    renamed_from = models.SlugField(_("previous code"), max_length=64, blank=True, help_text=_("The code this field had in earlier years."))
    required = models.BooleanField(
        _("required"), default=False, help_text=_("Empty is an error at submission; otherwise an empty number counts as 0 in the rules.")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["definition", "order"]
        constraints = [models.UniqueConstraint(fields=["definition", "code"], name="reporting_field_code_unique")]
        verbose_name = _("form field")
        verbose_name_plural = _("form fields")

    def __str__(self) -> str:
        return self.code

    @property
    def editable(self) -> bool:
        return self.source == self.Source.INPUT

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS


class ValidationRule(Versioned):
    """A check stored as data: `left op right` over field codes, applied when `condition` holds.

    Expressions use the small language of ``reporting.expressions`` (numbers, field codes,
    + - * /, parentheses, min, max, abs, filled); administrators add and edit rules in pages.
    """

    class Operator(models.TextChoices):
        EQ = "=", "="
        LE = "<=", "≤"
        GE = ">=", "≥"
        LT = "<", "<"
        GT = ">", ">"

    class Severity(models.TextChoices):
        ERROR = "error", _("error")
        WARNING = "warning", _("warning")

    name = models.SlugField(_("name"), max_length=80, unique=True)
    left = models.CharField(_("left expression"), max_length=500)
    operator = models.CharField(_("operator"), max_length=2, choices=Operator.choices)
    right = models.CharField(_("right expression"), max_length=500)
    condition = models.CharField(
        _("applies when"), max_length=500, blank=True, help_text=_("A comparison, e.g. carry_over_requested > 0; empty: always.")
    )
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices, default=Severity.ERROR)
    message = models.CharField(_("message"), max_length=300)
    fields = models.JSONField(
        _("fields"), default=list, blank=True, help_text=_("Field codes the message names; empty: those the expressions use.")
    )
    first_year = models.PositiveSmallIntegerField(_("from year"), null=True, blank=True)
    last_year = models.PositiveSmallIntegerField(_("to year"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("validation rule")
        verbose_name_plural = _("validation rules")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        used: dict[str, set[str]] = {}
        for name in ("left", "right"):
            try:
                used[name] = parse_expression(getattr(self, name)).codes()
            except ExpressionError as error:
                errors[name] = str(error)
        if self.condition:
            try:
                used["condition"] = parse_comparison(self.condition).codes()
            except ExpressionError as error:
                errors["condition"] = str(error)
        if not isinstance(self.fields, list) or not all(isinstance(f, str) for f in self.fields):
            errors["fields"] = str(_("A list of field codes."))
        else:
            used["fields"] = set(self.fields)
        known = self.known_codes()
        for name, codes in used.items():
            unknown = sorted(codes - known)
            if unknown and name not in errors:
                errors[name] = gettext("Unknown field code: %(codes)s. A rule names fields of the forms of its years.") % {
                    "codes": ", ".join(unknown)
                }
        if errors:
            raise ValidationError(errors)

    def known_codes(self) -> set[str]:
        """The field codes of the forms of the years this rule applies to (every form if none is)."""
        fields = FormField.objects.all()
        if self.first_year is not None:
            fields = fields.filter(definition__year__gte=self.first_year)
        if self.last_year is not None:
            fields = fields.filter(definition__year__lte=self.last_year)
        codes = set(fields.values_list("code", flat=True))
        return codes or set(FormField.objects.values_list("code", flat=True))


APPROVED_REPORT = "EXISTS (SELECT 1 FROM reporting_report r WHERE r.id = {row}.report_id AND r.state = 'approved')"
VALUE_FROZEN_MESSAGE = "a value of an approved report changes only after the report is reopened"


class Report(Freezable):
    """One region's report for one year; its version stands for every edit of its values.

    Approved, it is frozen until an administrator reopens it (the write path refuses the change,
    and in PostgreSQL so do triggers on the report and on its values).
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned")
        APPROVED = "approved", _("approved")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="reports", verbose_name=_("region"))
    definition = models.ForeignKey(FormDefinition, on_delete=models.PROTECT, related_name="reports", verbose_name=_("form"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(_("first submitted"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    return_comment = models.TextField(_("comment on return"), blank=True)
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)
    allocation_published = models.BooleanField(_("prefilled from a published allocation"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["definition__year", "region__code"]
        constraints = [models.UniqueConstraint(fields=["region", "definition"], name="reporting_report_region_year_unique")]
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        triggers = [
            frozen(
                name="report_frozen_when_approved",
                when="OLD.state = 'approved'",
                message="an approved report changes only by reopening",
                unless="NEW.state = 'returned'",
                may_change=["state", "reopen_reason"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.region.code} {self.definition.year}"

    @property
    def year(self) -> int:
        return self.definition.year

    def stored_state(self) -> str:
        """The state as stored (a transition being written has not changed it yet)."""
        return self.__dict__.get("_loaded_values", {}).get("state", self.state)

    def frozen_reason(self) -> str | None:
        if self.stored_state() == self.State.APPROVED:
            return str(_("This report is approved: it cannot change until an administrator reopens it."))
        return None

    def frozen_allows(self, changed: frozenset[str]) -> bool:
        """Reopening (state and its reason) is the one change an approved report takes."""
        return self.state == self.State.RETURNED and changed <= {"state", "reopen_reason"}

    def changes_since(self, version: int) -> dict[str, dict[str, str]]:
        """Each value and comment changed after the report had `version`, in the kernel's format.

        A value row records the report version it was written in (``report_version``), so the
        value then is the last record up to `version` and every later record is a change. A
        change of the state alone (submitted, returned, approved, reopened) is named ``state``.
        """
        labels = {f.code: str(_(f.label)) for f in self.definition.fields.all()}
        records = ReportValue.history.filter(report_id=self.pk).select_related("history_user").order_by("history_date", "history_id")
        then: dict[str, Any] = {}
        later: dict[str, list[Any]] = {}
        for record in records:
            if record.report_version <= version:
                then[record.code] = record
            else:
                later.setdefault(record.code, []).append(record)
        changed: dict[str, dict[str, str]] = {}
        for code, rows in later.items():
            label = labels.get(code, code)
            for key, read, shown_label in (
                (code, value_text, label),
                (f"comment-{code}", lambda r: r.comment, gettext("Comment: %(field)s") % {"field": label}),
            ):
                start = then.get(code)
                old = read(start) if start is not None and start.history_type != "-" else ""
                previous, by = old, None
                for row in rows:
                    value = read(row) if row.history_type != "-" else ""
                    if value != previous:
                        previous, by = value, row
                if by is not None and previous != old:
                    changed[key] = {
                        "label": shown_label,
                        "old": old,
                        "new": previous,
                        "by": who(by.history_user),
                        "at": by.history_date.isoformat(),
                    }
        states = list(self.history.filter(version__gte=version).select_related("history_user").order_by("history_date", "history_id"))
        at_version = [r for r in states if r.version == version]
        if at_version:
            original = at_version[-1].state
            latest, by = original, None
            for row in states[states.index(at_version[-1]) + 1 :]:
                if row.state != latest:
                    latest, by = row.state, row
            if by is not None and latest != original:
                changed["state"] = {
                    "label": str(_("state")),
                    "old": original,
                    "new": latest,
                    "by": who(by.history_user),
                    "at": by.history_date.isoformat(),
                }
        return changed


class TypedAnswer(models.Model):
    """The stored answer of a value row and of each of its history records, as text and typed."""

    class Meta:
        abstract = True

    @property
    def value(self) -> str:
        return value_text(self)

    def typed(self) -> int | Decimal | datetime.date | str | None:
        return typed_value(self)


class ReportValue(TypedAnswer, Freezable):
    """One answer: the report's value for one field code, typed, and a comment for a warning.

    Kronor and whole numbers are stored in `amount` (integer), numbers and percents in `number`
    (Decimal), dates in `date`, texts in `text`. A numeric answer stored as text before values
    were typed and that was no number stays in `text`, where the checks show it as an error.
    `report_version` is the report's version this value was written in (for "what changed").
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="values", verbose_name=_("report"))
    code = models.SlugField(_("field code"), max_length=64)
    amount = models.BigIntegerField(
        _("kronor or whole number"), null=True, blank=True, validators=[MinValueValidator(-MAX_AMOUNT), MaxValueValidator(MAX_AMOUNT)]
    )
    number = models.DecimalField(_("number"), max_digits=NUMBER_DIGITS, decimal_places=NUMBER_DECIMALS, null=True, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)
    comment = models.TextField(_("comment"), blank=True)
    report_version = models.PositiveIntegerField(_("report version"), default=1, editable=False)
    history = HistoricalRecords(bases=[TypedAnswer])

    class Meta:
        ordering = ["report", "code"]
        constraints = [models.UniqueConstraint(fields=["report", "code"], name="reporting_value_unique")]
        verbose_name = _("report value")
        verbose_name_plural = _("report values")
        triggers = [
            frozen(name="value_frozen_when_approved", when=APPROVED_REPORT.format(row="OLD"), message=VALUE_FROZEN_MESSAGE),
            pgtrigger.Trigger(
                name="value_insert_frozen_when_approved",
                when=pgtrigger.Before,
                operation=pgtrigger.Insert,
                func=(
                    f"IF {APPROVED_REPORT.format(row='NEW')} THEN "
                    f"RAISE EXCEPTION '% %: %', '{FROZEN_ERROR_PREFIX}', TG_TABLE_NAME, '{VALUE_FROZEN_MESSAGE}' "
                    "USING ERRCODE = 'restrict_violation'; END IF; RETURN NEW;"
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report_id}:{self.code}"

    def frozen_reason(self) -> str | None:
        if Report.objects.filter(pk=self.report_id, state=Report.State.APPROVED).exists():
            return str(_("This report is approved: its values cannot change until an administrator reopens it."))
        return None


TYPED_COLUMNS = ("amount", "number", "date", "text")


def typed_value(row: Any) -> int | Decimal | datetime.date | str | None:
    """The stored answer of a value row or of one of its history records (None when empty)."""
    for column in TYPED_COLUMNS[:3]:
        value = getattr(row, column)
        if value is not None:
            return value
    return row.text or None


def number_text(number: Decimal) -> str:
    """A Decimal as plain digits with a point and no trailing zeros (12.5, 100, never 1E+2)."""
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def value_text(row: Any) -> str:
    """The stored answer as text: the form shows it, the checks read it, the history compares it."""
    value = typed_value(row)
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return number_text(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def typed_columns(kind: str, typed: int | Decimal | datetime.date | str | None) -> dict[str, Any]:
    """The column values storing `typed`, an answer of a field of `kind` (the others emptied)."""
    columns: dict[str, Any] = {"amount": None, "number": None, "date": None, "text": ""}
    if typed is None:
        return columns
    if kind in (FieldKind.KRONOR, FieldKind.INTEGER):
        columns["amount"] = int(typed)  # type: ignore[arg-type]  # a whole Decimal, checked by parse_value
    elif kind in (FieldKind.NUMBER, FieldKind.PERCENT):
        columns["number"] = typed
    elif kind == FieldKind.DATE:
        columns["date"] = typed
    else:
        columns["text"] = str(typed)
    return columns


class ReminderSent(models.Model):
    """A reminder e-mail already sent for a report and due date (sent once per due date)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("report"))
    due_date = models.DateField(_("due date"))
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)
    recipients = models.PositiveSmallIntegerField(_("recipients"), default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "due_date"], name="reporting_reminder_once")]
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")

    def __str__(self) -> str:
        return f"{self.report_id}:{self.due_date}"
