"""Input and output serializers of the registry API. Writes go through the services."""

from rest_framework import serializers

from alfadmin.models import AgreementPeriod, BudgetYear, Region, StudentCount, University

from .fields import SlugRelatedField


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


class UniversitySerializer(serializers.ModelSerializer):
    region = serializers.SerializerMethodField()

    class Meta:
        model = University
        fields = ["id", "code", "name", "source", "region", "version"]
        read_only_fields = ["id", "region", "version"]
        validators: list = []  # uniqueness of the code is checked by the service's full_clean, with a field name

    def get_region(self, university: University) -> str | None:
        """The code of the ALF region the university belongs to (null while it has none)."""
        region = getattr(university, "region", None)
        return region.code if region is not None else None


class UniversityUpdateSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(required=False, min_value=1)

    class Meta:
        model = University
        fields = ["code", "name", "source", "version"]
        extra_kwargs = {f: {"required": False, "validators": []} for f in ["code", "name", "source"]}


class StudentCountSerializer(serializers.ModelSerializer):
    region = SlugRelatedField(slug_field="code", queryset=Region.objects.all())
    # No max_digits: a ratio has no fixed width (a tiny plan and a large outcome gave a 500).
    actual_ratio = serializers.DecimalField(
        max_digits=None, decimal_places=4, read_only=True, allow_null=True, help_text="actual_hst / planned_hst; null until both are known."
    )

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
    period = SlugRelatedField(slug_field="name", queryset=AgreementPeriod.objects.all())
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
