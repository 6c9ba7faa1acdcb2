"""Input and output serializers of the registry API. Writes go through the services."""

from rest_framework import serializers

from alfadmin.models import AgreementPeriod, BudgetYear, Region, StudentCount


class RegionSerializer(serializers.ModelSerializer):
    university = serializers.CharField(source="university.name", read_only=True)

    class Meta:
        model = Region
        fields = ["id", "code", "name", "university", "is_active", "source", "version"]
        read_only_fields = ["id", "code", "university", "version"]


def ReasonField() -> serializers.CharField:  # noqa: N802 - reads like the field classes it stands with
    """Why the change is made (kept in the history); the kernel requires it when an allocation input changes."""
    return serializers.CharField(required=False, allow_blank=True, max_length=500, write_only=True)


class RegionUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False)
    reason = ReasonField()
    name = serializers.CharField(max_length=200, required=False)
    is_active = serializers.BooleanField(required=False)


class StudentCountSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())
    actual_ratio = serializers.DecimalField(max_digits=8, decimal_places=4, read_only=True)

    class Meta:
        model = StudentCount
        fields = ["id", "region", "year", "planned_hst", "actual_hst", "actual_ratio", "source", "version"]
        read_only_fields = ["id", "version"]
        validators: list = []  # uniqueness is checked by the service's full_clean, with a field name


class VersionField(serializers.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(required=False, min_value=1, **kwargs)


class StudentCountUpdateSerializer(serializers.ModelSerializer):
    version = VersionField()
    reason = ReasonField()

    class Meta:
        model = StudentCount
        fields = ["planned_hst", "actual_hst", "source", "version", "reason"]
        extra_kwargs = {f: {"required": False} for f in ["planned_hst", "actual_hst", "source"]}


class BudgetYearSerializer(serializers.ModelSerializer):
    period = serializers.SlugRelatedField(slug_field="name", queryset=AgreementPeriod.objects.all())
    total_appropriation = serializers.IntegerField(read_only=True)

    class Meta:
        model = BudgetYear
        fields = [
            "id",
            "year",
            "period",
            "education_appropriation",
            "research_appropriation",
            "total_appropriation",
            "education_basis",
            "rate_per_hst",
            "plo_rate",
            "base_fraction",
            "is_projection",
            "source",
            "version",
        ]
        read_only_fields = ["id", "version"]
        validators: list = []


class BudgetYearUpdateSerializer(serializers.ModelSerializer):
    version = VersionField()
    reason = ReasonField()

    class Meta:
        model = BudgetYear
        fields = [
            "education_appropriation",
            "research_appropriation",
            "education_basis",
            "rate_per_hst",
            "plo_rate",
            "base_fraction",
            "is_projection",
            "source",
            "version",
            "reason",
        ]
        extra_kwargs = {f: {"required": False} for f in fields if f not in ("version", "reason")}
