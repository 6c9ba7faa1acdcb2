"""The regions' annual ALF report (spec: annual-report.md).

A year's form is data (``FormDefinition`` + ``FormField``), so a later year may add, drop or
rename fields while earlier answers stay readable: values are stored per report and field code
(``ReportValue``), never as a JSON blob, and each value row keeps its own history.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from alfadmin.kernel.models import Versioned
from alfadmin.models import Region

from .expressions import ExpressionError, parse_comparison, parse_expression

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


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


class FormField(models.Model):
    """One question of a year's form; `code` is stable across years, the label is translated."""

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
        for name in ("left", "right"):
            try:
                parse_expression(getattr(self, name))
            except ExpressionError as error:
                errors[name] = str(error)
        if self.condition:
            try:
                parse_comparison(self.condition)
            except ExpressionError as error:
                errors["condition"] = str(error)
        if not isinstance(self.fields, list) or not all(isinstance(f, str) for f in self.fields):
            errors["fields"] = str(_("A list of field codes."))
        if errors:
            raise ValidationError(errors)


class Report(Versioned):
    """One region's report for one year; its version stands for every edit of its values."""

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

    def __str__(self) -> str:
        return f"{self.region.code} {self.definition.year}"

    @property
    def year(self) -> int:
        return self.definition.year


class ReportValue(models.Model):
    """One answer: the report's value for one field code (text as typed; a comment for a warning)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="values", verbose_name=_("report"))
    code = models.SlugField(_("field code"), max_length=64)
    value = models.TextField(_("value"), blank=True)
    comment = models.TextField(_("comment"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "code"]
        constraints = [models.UniqueConstraint(fields=["report", "code"], name="reporting_value_unique")]
        verbose_name = _("report value")
        verbose_name_plural = _("report values")

    def __str__(self) -> str:
        return f"{self.report_id}:{self.code}"


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
