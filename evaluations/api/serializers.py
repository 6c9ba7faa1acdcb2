"""Input and output serializers of the evaluations API. Writes go through the services."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers

from alfadmin.api.fields import SlugRelatedField
from alfadmin.models import AgreementPeriod, Region, Source, User
from alfadmin.validation import FIRST_YEAR, LAST_YEAR

from ..models import PANEL_NUMBERS, Bibliometrics, EvaluationRound, Panel, PanelRating, Rating, RegionFindings

# The choices of the models' `panel` / `number` fields, so that the schema has one `PanelEnum`.
PANEL_CHOICES = [(n, str(n)) for n in PANEL_NUMBERS]


class VersionField(serializers.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(required=False, min_value=1, **kwargs)


def ReasonField() -> serializers.CharField:  # noqa: N802 - reads like the field classes it stands with
    """Why the change is made (kept in the history); required by the kernel when a rating or other input changes."""
    return serializers.CharField(required=False, allow_blank=True, max_length=500, write_only=True)


class PanelSerializer(serializers.ModelSerializer):
    class Meta:
        model = Panel
        fields = ["number", "name"]


class PanelInputSerializer(serializers.Serializer):
    number = serializers.ChoiceField(choices=PANEL_CHOICES)
    name = serializers.CharField(max_length=200)


class EvaluationRoundSerializer(serializers.ModelSerializer):
    panels = PanelSerializer(many=True, read_only=True)
    finalized_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = EvaluationRound
        fields = [
            "id",
            "name",
            "evaluation_year_from",
            "evaluation_year_to",
            "applies_from",
            "applies_to",
            "model",
            "status",
            "finalized_at",
            "finalized_by",
            "panels",
            "source",
            "version",
        ]
        read_only_fields = fields


class EvaluationRoundInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    evaluation_year_from = serializers.IntegerField(min_value=FIRST_YEAR, max_value=LAST_YEAR)
    evaluation_year_to = serializers.IntegerField(min_value=FIRST_YEAR, max_value=LAST_YEAR)
    applies_from = serializers.IntegerField(min_value=FIRST_YEAR, max_value=LAST_YEAR)
    applies_to = serializers.IntegerField(min_value=FIRST_YEAR, max_value=LAST_YEAR)
    model = serializers.ChoiceField(choices=AgreementPeriod.Model.choices, default=AgreementPeriod.Model.ALF2015)
    source = serializers.ChoiceField(choices=Source.choices, default=Source.ENTERED)  # type: ignore[assignment]  # a field named "source"; the stubs see Field.source
    panels = PanelInputSerializer(many=True, required=False)
    version = VersionField()
    reason = ReasonField()

    def validate_panels(self, value):
        numbers = sorted(p["number"] for p in value)
        if numbers != list(PANEL_NUMBERS):
            raise serializers.ValidationError(_("Give exactly the panels 1, 2 and 3."))
        return {p["number"]: {"name": p["name"]} for p in value}


class FinalizeSerializer(serializers.Serializer):
    version = VersionField()


class ReopenSerializer(serializers.Serializer):
    reason = serializers.CharField()
    version = VersionField()


class RatingSerializer(serializers.ModelSerializer):
    round_name = serializers.CharField(source="evaluation_round.name", read_only=True)
    region: serializers.SlugRelatedField[Region] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    rating_label = serializers.CharField(source="get_rating_display", read_only=True)

    class Meta:
        model = PanelRating
        fields = ["id", "evaluation_round", "round_name", "region", "panel", "rating", "rating_label", "justification", "source", "version"]
        read_only_fields = fields


class RatingCreateSerializer(serializers.Serializer):
    evaluation_round = serializers.PrimaryKeyRelatedField(queryset=EvaluationRound.objects.all())
    region = SlugRelatedField(slug_field="code", queryset=Region.objects.filter(is_active=True))
    panel = serializers.ChoiceField(choices=PANEL_CHOICES)
    rating = serializers.ChoiceField(choices=Rating.choices)
    justification = serializers.CharField(required=False, allow_blank=True, default="")
    source = serializers.ChoiceField(choices=Source.choices, required=False)  # type: ignore[assignment]  # a field named "source"; the stubs see Field.source
    reason = ReasonField()


class RatingUpdateSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=Rating.choices, required=False)
    justification = serializers.CharField(required=False, allow_blank=True)
    source = serializers.ChoiceField(choices=Source.choices, required=False)  # type: ignore[assignment]  # a field named "source"; the stubs see Field.source
    version = VersionField()
    reason = ReasonField()


class FindingsSerializer(serializers.ModelSerializer):
    region = SlugRelatedField(slug_field="code", queryset=Region.objects.filter(is_active=True))
    plans_ok = serializers.BooleanField(read_only=True)
    reason = ReasonField()
    version = serializers.IntegerField(required=False, min_value=1, help_text="The version this change is based on (409 when stale).")

    class Meta:
        model = RegionFindings
        fields = [
            "region",
            "development_areas",
            "development_areas_comment",
            "realistic_plans",
            "realistic_plans_comment",
            "previous_acted_on",
            "previous_acted_on_comment",
            "plans_ok",
            "source",
            "version",
            "reason",
        ]
        read_only_fields = ["plans_ok"]
        validators: list = []


class BibliometricsSerializer(serializers.ModelSerializer):
    region = SlugRelatedField(slug_field="code", queryset=Region.objects.filter(is_active=True))
    evaluation_round = serializers.PrimaryKeyRelatedField(queryset=EvaluationRound.objects.all(), allow_null=True, required=False)

    class Meta:
        model = Bibliometrics
        fields = [
            "id",
            "region",
            "period_start",
            "period_end",
            "evaluation_round",
            "publications",
            "highly_cited",
            "citation_impact",
            "uncited_share",
            "source",
            "version",
        ]
        read_only_fields = ["id", "version"]
        validators: list = []  # uniqueness is checked by the service's full_clean, with a field name


class BibliometricsUpdateSerializer(serializers.ModelSerializer):
    version = VersionField()
    reason = ReasonField()
    evaluation_round = serializers.PrimaryKeyRelatedField(queryset=EvaluationRound.objects.all(), allow_null=True, required=False)

    class Meta:
        model = Bibliometrics
        fields = ["evaluation_round", "publications", "highly_cited", "citation_impact", "uncited_share", "source", "version", "reason"]
        extra_kwargs = {f: {"required": False} for f in ["publications", "highly_cited", "citation_impact", "uncited_share", "source"]}
