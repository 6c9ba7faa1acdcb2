"""Forms of the allocation pages. They parse; the services decide."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from alfadmin.kernel.forms import VersionedModelForm

from .models import AllocationModel, SavedScenario


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
