"""Running the validation rules (stored as data) over a report's values.

The one evaluation used by the page (live, htmx), the API and the XLSX upload.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from .expressions import ExpressionError, compare, evaluate, parse_comparison, parse_expression
from .models import AMOUNT_DIGITS, NUMBER_DECIMALS, NUMBER_DIGITS, FieldKind, FormField, ValidationRule, number_text

# Digits with an optional decimal part: no exponent ("1e400"), no NaN, no infinity.
PLAIN_NUMBER = re.compile(r"^-?(\d+)(?:\.(\d+))?$")


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    fields: list[str]
    message: str

    def as_dict(self) -> dict:
        return {"fields": self.fields, "message": self.message}


@dataclass
class Outcome:
    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    type_errors: dict[str, str] = field(default_factory=dict)
    uncommented: list[Finding] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # required fields left empty (block submission)

    def fields_with(self, severity: str) -> set[str]:
        found = self.errors if severity == "error" else self.warnings
        return {code for finding in found for code in finding.fields}


def parse_value(kind: str, text: str) -> Decimal | datetime.date | str | None:
    """The typed value of a stored text (Swedish input accepted: spaces, comma decimals); ValueError if bad."""
    text = (text or "").strip()
    if not text:
        return None
    if kind == FieldKind.TEXT:
        return text
    if kind == FieldKind.DATE:
        return datetime.date.fromisoformat(text)
    cleaned = text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("\u2212", "-").replace(",", ".")
    if kind == FieldKind.PERCENT:
        cleaned = cleaned.removesuffix("%")
    match = PLAIN_NUMBER.match(cleaned)
    if match is None:
        raise ValueError(text)
    whole, decimals = match.group(1).lstrip("0"), (match.group(2) or "").rstrip("0")
    if kind in (FieldKind.KRONOR, FieldKind.INTEGER):
        if decimals or len(whole) > AMOUNT_DIGITS:
            raise ValueError(text)
    elif len(decimals) > NUMBER_DECIMALS or len(whole) > NUMBER_DIGITS - NUMBER_DECIMALS:
        raise ValueError(text)
    return Decimal(cleaned)


def canonical_text(kind: str, text: str) -> str:
    """An input as the stored value reads ("33 000 000" → "33000000", "12,50" → "12.5"); the
    input itself (stripped) when it is no value of its kind."""
    try:
        typed = parse_value(kind, text)
    except ValueError:
        return (text or "").strip()
    if typed is None:
        return ""
    if isinstance(typed, Decimal):
        return number_text(typed)
    if isinstance(typed, datetime.date):
        return typed.isoformat()
    return typed


def type_error_message(kind: str) -> str:
    messages: dict[str, str] = {
        FieldKind.KRONOR: _("Enter whole kronor (at most %(digits)s digits).") % {"digits": AMOUNT_DIGITS},
        FieldKind.INTEGER: _("Enter a whole number (at most %(digits)s digits).") % {"digits": AMOUNT_DIGITS},
        FieldKind.DATE: _("Enter a date (YYYY-MM-DD)."),
    }
    return messages.get(
        kind,
        _("Enter a number (at most %(whole)s digits before and %(decimals)s after the decimal comma).")
        % {"whole": NUMBER_DIGITS - NUMBER_DECIMALS, "decimals": NUMBER_DECIMALS},
    )


def required_message() -> str:
    return _("Required: enter a value (0 if there is none).")


def rules_for(year: int) -> list[ValidationRule]:
    return list(
        ValidationRule.objects.filter(is_active=True)
        .filter(Q(first_year__isnull=True) | Q(first_year__lte=year))
        .filter(Q(last_year__isnull=True) | Q(last_year__gte=year))
    )


def check(
    *, fields: Iterable[FormField], values: Mapping[str, str], comments: Mapping[str, str], rules: Iterable[ValidationRule]
) -> Outcome:
    """Evaluate `rules` over the texts in `values`; a rule naming a field the form lacks is skipped.

    An empty number counts as 0 in the rules; a required field left empty is also an error
    (``missing``, one finding per field, rule ``required``)."""
    outcome = Outcome()
    numbers: dict[str, Decimal | None] = {}
    filled: dict[str, bool] = {}
    codes = set()
    for form_field in fields:
        codes.add(form_field.code)
        text = values.get(form_field.code, "") or ""
        filled[form_field.code] = bool(str(text).strip())
        try:
            typed = parse_value(form_field.kind, str(text))
        except ValueError:
            outcome.type_errors[form_field.code] = type_error_message(form_field.kind)
            typed = None
        numbers[form_field.code] = typed if isinstance(typed, Decimal) else None
        if form_field.required and form_field.editable and not filled[form_field.code]:
            outcome.missing.append(form_field.code)
            outcome.errors.append(Finding(rule="required", severity="error", fields=[form_field.code], message=required_message()))
    for rule in rules:
        try:
            left, right = parse_expression(rule.left), parse_expression(rule.right)
            condition = parse_comparison(rule.condition) if rule.condition else None
        except ExpressionError:
            continue  # rules are validated when saved; an old broken row must not block reports
        used = left.codes() | right.codes() | (condition.codes() if condition else set())
        if not used <= codes:
            continue
        if condition and not compare(
            evaluate(condition.left, numbers, filled), condition.operator, evaluate(condition.right, numbers, filled)
        ):
            continue
        if compare(evaluate(left, numbers, filled), rule.operator, evaluate(right, numbers, filled)):
            continue
        named = [c for c in (rule.fields or sorted(left.codes() | right.codes())) if c in codes]
        finding = Finding(rule=rule.name, severity=rule.severity, fields=named, message=_(rule.message))
        if rule.severity == ValidationRule.Severity.ERROR:
            outcome.errors.append(finding)
        else:
            outcome.warnings.append(finding)
            if not all((comments.get(c) or "").strip() for c in named):
                outcome.uncommented.append(finding)
    return outcome
