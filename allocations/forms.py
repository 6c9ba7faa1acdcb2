"""Forms of the allocation pages. They parse; the services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from alfadmin.kernel.forms import VersionedModelForm
from alfadmin.validation import FIRST_YEAR, LAST_YEAR
from alfrules.risk import SCALE, probabilities_scaled_to_one, probabilities_sum_to_one

from .labels import RATING_LABELS
from .models import AllocationModel, SavedScenario

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise  # the stubs' type of a lazy string


class YearModelForm(forms.Form):
    """The year picker and model toggle of the overview (a GET form)."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    model = forms.ChoiceField(label=_("Model"), choices=AllocationModel.choices, initial=AllocationModel.ALF2015)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["year"]).choices = [(y, str(y)) for y in years]


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for reopening"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Recorded in the year's history. Inputs of the year can change again once it is reopened."),
    )


class SavedScenarioForm(VersionedModelForm):
    """Name and description of a saved scenario; the scenario itself comes from the explorer's
    fields (allocations.explorer) and is validated by the service."""

    # The explorer's form also posts (htmx) on every input, before a name is given: the browser
    # must not hold those back; the name is checked when saving.
    use_required_attribute = False

    class Meta:
        model = SavedScenario
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


# Analyses ----------------------------------------------------------------------------------

MODEL_CHOICES_WITH_PAYING = [("", _("Each year's paying model")), *AllocationModel.choices]


def _year_field(label: str | _StrPromise, *, required: bool = False) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=FIRST_YEAR, max_value=LAST_YEAR, required=required)


class ProjectionForm(forms.Form):
    """The projection page's switches (a GET form; the same names as the API's query)."""

    from_ = _year_field(_("From year"), required=True)
    to = _year_field(_("To year"), required=True)
    model = forms.ChoiceField(label=_("Research model"), choices=MODEL_CHOICES_WITH_PAYING, required=False)
    educated_region = forms.RegexField(
        label=_("Educated students: region"), regex=r"^[A-Z][A-Z0-9]{1,7}$", required=False, help_text=_("Region code, e.g. ORE.")
    )
    educated_from = _year_field(_("Educated students: from year"))
    educated_hst = forms.DecimalField(label=_("Educated students: full-year students"), max_digits=9, decimal_places=1, min_value=0, required=False)
    twelfth_term_from = _year_field(_("Twelve terms from year"))
    rate_raise_from = _year_field(_("Rate raise from year"))
    rate_raise_percent = forms.DecimalField(label=_("Rate raise (percent)"), max_digits=6, decimal_places=2, min_value=0, required=False)
    rate_raise_per_hst = forms.DecimalField(label=_("Rate raise (kronor per full-year student)"), max_digits=12, decimal_places=2, min_value=0, required=False)
    rate_raise_phase_years = forms.IntegerField(label=_("Rate raise phased in over (years)"), min_value=1, max_value=20, required=False)
    plo = forms.DecimalField(
        label=_("Assumed PLO for projected years (percent)"), max_digits=6, decimal_places=3, min_value=-50, max_value=50, required=False
    )
    research_increase = forms.IntegerField(label=_("More research money (kronor)"), min_value=0, max_value=10**12, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # `from` is a Python keyword: the field is declared as from_ and named "from" here.
        self.fields = {("from" if name == "from_" else name): field for name, field in self.fields.items()}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("plo") is not None:
            cleaned["plo"] = cleaned["plo"] / 100  # the page asks for percent; the engine takes a fraction
        return cleaned


RATING_CODES = tuple(rating.value for rating in SCALE)


class RiskForm(forms.Form):
    """The risk page: year and samples, and per region and panel the three probabilities."""

    year = _year_field(_("Year"), required=True)
    model = forms.ChoiceField(label=_("Research model"), choices=[("", _("the model that pays the year")), *AllocationModel.choices], required=False)
    samples = forms.IntegerField(label=_("Samples"), min_value=1, max_value=100_000, initial=10_000, required=False)
    research_increase = forms.IntegerField(label=_("More research money (kronor)"), min_value=0, max_value=10**12, required=False)

    def __init__(self, *args, regions: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.regions = regions or []
        for code in self.regions:
            for panel in (1, 2, 3):
                for rating in RATING_CODES:
                    self.fields[self.probability_name(code, panel, rating)] = forms.DecimalField(
                        label=_("%(region)s, panel %(panel)s: %(rating)s") % {"region": code, "panel": panel, "rating": RATING_LABELS[rating]}, min_value=0, max_value=1, max_digits=6, decimal_places=4, required=False
                    )

    @staticmethod
    def probability_name(code: str, panel: int, rating: str) -> str:
        return f"p_{code}_{panel}_{rating}"

    def labelled_errors(self) -> list[str]:
        """Every field error prefixed with the field's label (region, panel and rating)."""
        return [f"{self.fields[name].label}: {error}" for name, errors in self.errors.items() if name in self.fields for error in errors]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        given = [name for name in self.fields if name.startswith("p_") and cleaned.get(name) is not None]
        if not given:
            cleaned["probabilities"] = None
            return cleaned
        probabilities: dict[str, dict[int, dict[str, float]]] = {}
        for code in self.regions:
            for panel in (1, 2, 3):
                names = [self.probability_name(code, panel, rating) for rating in RATING_CODES]
                given_values = [cleaned.get(name) for name in names]
                if any(v is None for v in given_values):
                    for name, value in zip(names, given_values, strict=True):
                        if value is None and name not in self.errors:
                            self.add_error(name, _("Give all three probabilities of %(region)s panel %(panel)s.") % {"region": code, "panel": panel})
                    continue
                values: list[Decimal] = [v for v in given_values if v is not None]
                if not probabilities_sum_to_one(values):
                    self.add_error(names[0], _("The probabilities of %(region)s panel %(panel)s must sum to 1.") % {"region": code, "panel": panel})
                    continue
                # Shown and typed to four decimals (1/7 is 0.1429): scaled to sum to exactly 1.
                probabilities.setdefault(code, {})[panel] = dict(zip(RATING_CODES, probabilities_scaled_to_one(values), strict=True))
        cleaned["probabilities"] = probabilities
        return cleaned
