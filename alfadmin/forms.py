"""Forms for registry edits. They parse and validate; the services write."""

from decimal import Decimal

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from . import validation
from .kernel.changelog import ChangeFilter, tracked_models
from .kernel.forms import VersionedModelForm, reason_field
from .models import AgreementPeriod, BudgetYear, Region, ShareTable, StudentCount, University, User


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
        self.fields["reason"] = reason_field()

    def change_reason(self) -> str:
        return (self.cleaned_data.get("reason") or "").strip()

    def percents(self) -> dict[str, Decimal]:
        return {name.removeprefix("shares."): value for name, value in self.cleaned_data.items() if name.startswith("shares.")}

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        values = [v for k, v in cleaned.items() if k.startswith("shares.") and v is not None]
        if len(values) == len([f for f in self.fields if f.startswith("shares.")]):
            for messages in validation.share_sum_errors(values, field="shares").values():
                raise forms.ValidationError(messages)
        return cleaned


class ChangeLogFilterForm(forms.Form):
    """The change log's filters: kind of object, one object, region, user and a date range (all optional)."""

    model = forms.ChoiceField(label=_("Kind of object"), required=False)
    object = forms.IntegerField(widget=forms.HiddenInput, required=False)
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.order_by("code"), required=False, empty_label=_("All"))
    user = forms.ModelChoiceField(label=_("Who"), queryset=User.objects.order_by("username"), required=False, empty_label=_("All"))
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model_field = self.fields["model"]
        assert isinstance(model_field, forms.ChoiceField)  # noqa: S101 - declared above
        model_field.choices = [("", _("All")), *((t.key, capfirst(t.verbose_name)) for t in tracked_models())]

    def change_filter(self) -> ChangeFilter:
        if not self.is_valid():
            return ChangeFilter()
        d = self.cleaned_data
        return ChangeFilter(
            model=d["model"] or None,
            object_id=d["object"] if d["model"] else None,
            region_id=d["region"].pk if d["region"] else None,
            user_id=d["user"].pk if d["user"] else None,
            date_from=d["date_from"],
            date_to=d["date_to"],
        )
