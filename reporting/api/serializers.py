from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from alfadmin.validation import FIRST_YEAR, LAST_YEAR
from reporting.models import Report, ValidationRule
from reporting.services import report_check
from reporting.validation import Outcome, rules_for


class ReportSerializer(serializers.ModelSerializer):
    """A report as docs/interfaces.md names it: values and comments keyed by field code."""

    region = serializers.CharField(source="region.code", read_only=True)
    year = serializers.IntegerField(source="definition.year", read_only=True)
    deadline = serializers.DateField(source="definition.deadline", read_only=True)
    values = serializers.SerializerMethodField()
    comments = serializers.SerializerMethodField()
    # DRF's serializer metaclass pops declared fields off the class, so `Serializer.errors`
    # is not shadowed at run time; the stubs cannot know that.
    errors = serializers.SerializerMethodField()  # type: ignore[assignment]  # a field, not Serializer.errors (see above)
    warnings = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = ["id", "region", "year", "state", "values", "comments", "errors", "warnings", "deadline", "submitted_at", "version"]
        read_only_fields = fields

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A list shares one child serializer, so these caches span the whole page.
        self._outcomes: dict[int, Outcome] = {}
        self._rules: dict[int, list[ValidationRule]] = {}

    def _outcome(self, report: Report) -> Outcome:
        if report.pk not in self._outcomes:
            year = report.definition.year
            if year not in self._rules:
                self._rules[year] = rules_for(year)  # one query per year shown, not per report
            self._outcomes[report.pk] = report_check(report, rules=self._rules[year])
        return self._outcomes[report.pk]

    @extend_schema_field({"type": "object", "additionalProperties": {"oneOf": [{"type": "number"}, {"type": "string"}], "nullable": True}})
    def get_values(self, report: Report) -> dict[str, Any]:
        """Field code → the stored value, typed: kronor and whole numbers as JSON integers, numbers
        and percents as JSON numbers, dates as "YYYY-MM-DD", texts as strings, empty as null (an
        old answer of a numeric field that is no number stays the text it was, an error to fix)."""
        stored = {v.code: v.typed() for v in report.values.all()}
        return {f.code: _json(stored.get(f.code)) for f in report.definition.fields.all()}

    def get_comments(self, report: Report) -> dict[str, str]:
        return {v.code: v.comment for v in report.values.all() if v.comment}

    def get_errors(self, report: Report) -> list[dict]:
        outcome = self._outcome(report)
        return [{"fields": [c], "message": m} for c, m in outcome.type_errors.items()] + [f.as_dict() for f in outcome.errors]

    def get_warnings(self, report: Report) -> list[dict]:
        """Each warning with `commented` (additive to docs/interfaces.md): true when every field it names
        has a comment, so it no longer blocks submission."""
        outcome = self._outcome(report)
        return [{**f.as_dict(), "commented": f not in outcome.uncommented} for f in outcome.warnings]


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


@extend_schema_field(OpenApiTypes.ANY)
class AnswerField(serializers.Field):
    """A value as sent: a JSON number, Swedish text ("12,5", "33 000 000") or null; the service
    types it for its field and refuses it naming the field."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not isinstance(data, int | float | str):
            raise serializers.ValidationError(_("Enter a number or a text."))
        return data

    def to_representation(self, value: Any) -> Any:
        return value


class ReportPatchSerializer(serializers.Serializer):
    values = serializers.DictField(child=AnswerField(allow_null=True), required=False, default=dict)
    comments = serializers.DictField(child=serializers.CharField(allow_blank=True, allow_null=True), required=False, default=dict)
    version = serializers.IntegerField()


class ActionSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False)


class ReturnSerializer(ActionSerializer):
    comment = serializers.CharField(allow_blank=True, required=False, default="")


class ReopenSerializer(ActionSerializer):
    reason = serializers.CharField(allow_blank=True, required=False, default="")


class OpenYearSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=FIRST_YEAR, max_value=LAST_YEAR)
    deadline = serializers.DateField(required=False, allow_null=True, default=None)
