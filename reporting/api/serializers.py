from __future__ import annotations

from rest_framework import serializers

from reporting.models import Report
from reporting.services import report_check
from reporting.validation import rules_for


class ReportSerializer(serializers.ModelSerializer):
    """A report as interfaces.md names it: values and comments keyed by field code."""

    region = serializers.CharField(source="region.code", read_only=True)
    year = serializers.IntegerField(source="definition.year", read_only=True)
    deadline = serializers.DateField(source="definition.deadline", read_only=True)
    values = serializers.SerializerMethodField()
    comments = serializers.SerializerMethodField()
    errors = serializers.SerializerMethodField()
    warnings = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = ["id", "region", "year", "state", "values", "comments", "errors", "warnings", "deadline", "submitted_at", "version"]
        read_only_fields = fields

    def _outcome(self, report: Report):
        cache = self.context.setdefault("outcomes", {})
        rules = self.context.setdefault("rules", {})
        if report.pk not in cache:
            year = report.definition.year
            if year not in rules:
                rules[year] = rules_for(year)  # one query per year shown, not per report
            cache[report.pk] = report_check(report, rules=rules[year])
        return cache[report.pk]

    def get_values(self, report: Report) -> dict[str, str]:
        stored = {v.code: v.value for v in report.values.all()}
        return {f.code: stored.get(f.code, "") for f in report.definition.fields.all()}

    def get_comments(self, report: Report) -> dict[str, str]:
        return {v.code: v.comment for v in report.values.all() if v.comment}

    def get_errors(self, report: Report) -> list[dict]:
        outcome = self._outcome(report)
        return [{"fields": [c], "message": m} for c, m in outcome.type_errors.items()] + [f.as_dict() for f in outcome.errors]

    def get_warnings(self, report: Report) -> list[dict]:
        return [f.as_dict() for f in self._outcome(report).warnings]


class ReportPatchSerializer(serializers.Serializer):
    values = serializers.DictField(child=serializers.CharField(allow_blank=True, allow_null=True), required=False, default=dict)
    comments = serializers.DictField(child=serializers.CharField(allow_blank=True, allow_null=True), required=False, default=dict)
    version = serializers.IntegerField()


class ReturnSerializer(serializers.Serializer):
    comment = serializers.CharField(allow_blank=True, required=False, default="")


class ReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, required=False, default="")


class ActionSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False)
