"""Form base classes shared by every app's edit pages."""

from __future__ import annotations

from typing import Any

from django import forms


class VersionedModelForm(forms.ModelForm):
    """Carries the version the user started from, so a concurrent edit is detected (not overwritten)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version

    def changed_values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self._meta.fields if name in self.cleaned_data}  # type: ignore[union-attr]

    def _post_clean(self) -> None:
        # Model validation runs in the service against the locked row; here only field parsing.
        pass
