"""Abstract models every app's editable records build on."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class TracksLoadedValues(models.Model):
    """Remembers the field values a row had when it was read, so a write can tell what it changes.

    The history helpers compare against these to find changed allocation inputs; a new,
    unsaved instance has none (every field counts as changed).
    """

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any, **kwargs: Any) -> Any:
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._loaded_values = dict(zip(field_names, values, strict=True))
        return instance

    def loaded_value(self, attname: str) -> Any:
        """The value of a concrete field (by attname) when the row was read; KeyError if unknown."""
        return self.__dict__.get("_loaded_values", {})[attname]

    def loaded_value_items(self) -> list[tuple[str, Any]]:
        return list(self.__dict__.get("_loaded_values", {}).items())

    def remember_loaded_values(self) -> None:
        """After a save the stored row equals the instance: compare later writes against it."""
        self._loaded_values = {f.attname: getattr(self, f.attname) for f in self._meta.concrete_fields}


class Versioned(TracksLoadedValues):
    """Optimistic concurrency: an edit names the version it was based on (HTTP 409 if stale)."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True
