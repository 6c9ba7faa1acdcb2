from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from alfadmin.kernel.forms import VersionedModelForm

from .models import ValidationRule


class RuleForm(VersionedModelForm):
    class Meta:
        model = ValidationRule
        fields = ["name", "left", "operator", "right", "condition", "severity", "message", "fields", "first_year", "last_year", "is_active"]


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Filled-in form (XLSX)"))
