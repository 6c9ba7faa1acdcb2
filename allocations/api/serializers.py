"""Output serializers of the allocations API (reads only; writes go through the services)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rest_framework import serializers

from alfrules.explain import render_step

from ..models import AllocationRun, CurrentAllocation, YearPublication

if TYPE_CHECKING:
    from alfadmin.models import User


class AllocationRunSerializer(serializers.ModelSerializer):
    """A run without its big parts (inputs, result, trace): for lists."""

    triggered_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text="Null for runs no one triggered (demo, sweep)."
    )
    is_current = serializers.SerializerMethodField()

    class Meta:
        model = AllocationRun
        fields = [
            "id",
            "year",
            "model",
            "status",
            "is_current",
            "input_hash",
            "engine_version",
            "trigger",
            "triggered_by",
            "reason",
            "error",
            "created_at",
        ]
        read_only_fields = fields

    def get_is_current(self, run: AllocationRun) -> bool:
        return run.pk in self.context.get("current_ids", set())


class AllocationRunDetailSerializer(AllocationRunSerializer):
    """A run in full: the exact inputs it used, where they came from, the result and the trace.

    The run stores its notes and steps as codes with parameters; they are shown as in the
    output of `manage.py allocate`, in the language of the context's `lang`: the result's
    notes as sentences, each step with its `text`."""

    class Meta(AllocationRunSerializer.Meta):
        fields = [*AllocationRunSerializer.Meta.fields, "inputs", "input_meta", "result", "trace"]
        read_only_fields = fields

    def to_representation(self, instance: AllocationRun) -> dict[str, Any]:
        data = super().to_representation(instance)
        lang = self.context.get("lang", "en")
        if data.get("result") is not None:
            data["result"] = {**data["result"], "notes": instance.notes_in(lang)}
        data["trace"] = [{**step, "text": render_step(step, lang)} for step in data.get("trace") or []]
        return data

    def get_is_current(self, run: AllocationRun) -> bool:
        return CurrentAllocation.objects.filter(run_id=run.pk).exists()


class PublicationSerializer(serializers.ModelSerializer):
    published_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        source="requested_by", slug_field="username", read_only=True, allow_null=True
    )
    confirmed_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    reopened_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    alf2015_run: serializers.PrimaryKeyRelatedField[AllocationRun] = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    ds2024_run: serializers.PrimaryKeyRelatedField[AllocationRun] = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = YearPublication
        fields = [
            "year",
            "state",
            "alf2015_run",
            "ds2024_run",
            "published_by",
            "requested_at",
            "confirmed_by",
            "published_at",
            "reopened_by",
            "reopened_at",
            "reopen_reason",
            "version",
        ]
        read_only_fields = fields


class AllocationSerializer(serializers.Serializer):
    """One model's current allocation of a year: the engine's output lines plus the run's identity."""

    model = serializers.CharField(help_text="`alf2015` or `ds2024`.")
    role = serializers.ChoiceField(
        choices=["paying", "comparison"],
        help_text="`paying`: the model the year's agreement period (or its publication) pays with; `comparison`: the other model.",
    )
    run = serializers.IntegerField(help_text="The id of the current run (see /api/v1/allocation-runs/{id}/).")
    input_hash = serializers.CharField()
    engine_version = serializers.CharField()
    status = serializers.CharField(
        help_text="`current`, `recomputing` or `failed`. `recomputing`: inputs changed and a new run is on its way; `failed`: the latest inputs could not be "
        "computed (see `failed_run`); the lines are those of the last run that could.",
    )
    computed_at = serializers.DateTimeField()
    education = serializers.JSONField(allow_null=True, help_text="As in the output of `manage.py allocate`; null if not computed.")
    research = serializers.JSONField(allow_null=True, help_text="As in the output of `manage.py allocate`; null if not computed.")
    research_unavailable = serializers.CharField(
        allow_null=True, help_text="Why research is missing, e.g. `no_evaluation_round` (scenario decision 10)."
    )
    evaluation_round = serializers.JSONField(
        allow_null=True, help_text="The finalized evaluation round whose ratings drove research: `{id, name}`; null without one."
    )
    notes = serializers.ListField(child=serializers.CharField())
    failed_run = serializers.IntegerField(allow_null=True)


class YearAllocationsSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    published = serializers.BooleanField()
    publication = PublicationSerializer(allow_null=True)
    allocations = AllocationSerializer(many=True)


class YearReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
