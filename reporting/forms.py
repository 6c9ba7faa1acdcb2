from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from alfadmin.kernel.forms import VersionedModelForm

from .models import YEAR_VALIDATORS, FormDefinition, FormField, ValidationRule

# Field codes appear in the rules' expressions, whose names are lower-case words joined by "_".
CODE_VALIDATOR = RegexValidator(r"^[a-z][a-z0-9_]*$", _("Lower-case letters, digits and _; starting with a letter."))


class RuleForm(VersionedModelForm):
    class Meta:
        model = ValidationRule
        fields = ["name", "left", "operator", "right", "condition", "severity", "message", "fields", "first_year", "last_year", "is_active"]


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Filled-in form (XLSX)"))


class OpenYearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), validators=YEAR_VALIDATORS)
    deadline = forms.DateField(label=_("Deadline"), required=False, help_text=_("Empty: 25 January of the following year."))


class DeadlineForm(VersionedModelForm):
    class Meta:
        model = FormDefinition
        fields = ["deadline"]


class FieldForm(forms.ModelForm):
    """A question of a year's form; `version` is the form definition's (it stands for its fields)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = FormField
        fields = ["code", "kind", "label", "help_text", "section", "order", "required"]

    def __init__(self, *args: Any, definition: FormDefinition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].validators.append(CODE_VALIDATOR)
        if not self.is_bound:
            self.initial["version"] = definition.version
        if self.instance.pk:
            # The type of an existing question stays (drop it and add a new one instead).
            self.fields["kind"].disabled = True
            if not self.instance.editable:
                self.fields["code"].disabled = True

    def _post_clean(self) -> None:
        # Model validation runs in the service against the locked rows; here only field parsing.
        pass
