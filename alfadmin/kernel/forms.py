"""Form base classes shared by every app's edit pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


def reason_field(*, required: bool = False) -> forms.CharField:
    """The "why" of a change, kept in the history; the kernel requires it when a money input changes."""
    return forms.CharField(
        label=_("Reason for the change"),
        required=required,
        max_length=500,
        help_text=_("Required when an appropriation, share, student count, parameter or rating changes."),
    )


class VersionedModelForm(forms.ModelForm):
    """Carries the version the user started from, so a concurrent edit is detected (not overwritten)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = reason_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
        if not self.instance.pk:
            # Creating a row changes no existing value: no reason asked for.
            self.fields.pop("reason", None)

    def change_reason(self) -> str:
        return (self.cleaned_data.get("reason") or "").strip()

    def changed_values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self._meta.fields if name in self.cleaned_data}  # type: ignore[union-attr]  # every form here lists its fields

    def _post_clean(self) -> None:
        # Model validation runs in the service against the locked row; here only field parsing.
        pass
