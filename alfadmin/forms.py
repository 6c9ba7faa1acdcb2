"""Forms for registry edits. They parse and validate; the services write."""

from decimal import Decimal

from django import forms

from . import rules
from .kernel.forms import VersionedModelForm
from .models import AgreementPeriod, BudgetYear, Region, ShareTable, StudentCount, University


class UniversityForm(VersionedModelForm):
    class Meta:
        model = University
        fields = ["code", "name", "source"]


class BudgetYearForm(VersionedModelForm):
    class Meta:
        model = BudgetYear
        fields = [
            "year",
            "period",
            "research_appropriation",
            "education_basis",
            "education_appropriation",
            "rate_per_hst",
            "plo_rate",
            "base_fraction",
            "is_projection",
            "source",
        ]


class StudentCountForm(VersionedModelForm):
    class Meta:
        model = StudentCount
        fields = ["region", "year", "planned_hst", "actual_hst", "source"]


class AgreementPeriodForm(VersionedModelForm):
    class Meta:
        model = AgreementPeriod
        fields = [
            "name",
            "start_year",
            "end_year",
            "base_fraction",
            "panel_weight_1",
            "panel_weight_2",
            "panel_weight_3",
            "guarantee",
            "cap",
            "min_very_high",
            "max_very_high",
            "guns_fraction",
            "quality_fraction",
            "increment_weight_hst",
            "increment_weight_citations",
            "reference_level",
            "reference_year",
            "ds2024_agreement_shares_from",
            "price_base_year",
            "base_rate_per_hst",
            "source",
        ]


class ShareTableForm(forms.Form):
    """One percentage field per active region, named `shares.<CODE>` like the service's errors."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, table: ShareTable, regions: list[Region], **kwargs):
        super().__init__(*args, **kwargs)
        current = {s.region_id: s.percent for s in table.shares.all()}
        self.initial.setdefault("version", table.version)
        for region in regions:
            self.fields[f"shares.{region.code}"] = forms.DecimalField(
                label=f"{region.code} – {region.name}",
                max_digits=8,
                decimal_places=4,
                min_value=Decimal("0"),
                max_value=Decimal("100"),
                initial=current.get(region.pk),
                widget=forms.NumberInput(attrs={"step": "0.0001", "inputmode": "decimal"}),
            )

    def percents(self) -> dict[str, Decimal]:
        return {name.removeprefix("shares."): value for name, value in self.cleaned_data.items() if name.startswith("shares.")}

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        values = [v for k, v in cleaned.items() if k.startswith("shares.") and v is not None]
        if len(values) == len([f for f in self.fields if f.startswith("shares.")]):
            for messages in rules.share_sum_errors(values, field="shares").values():
                raise forms.ValidationError(messages)
        return cleaned
