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


def who(user: Any) -> str:
    """A user as people read them in a conflict or a history: full name, else username."""
    if not user:
        return str(_("the system"))
    return user.get_full_name() or user.username


def shown(value: Any) -> str:
    """A stored value as a conflict shows it (empty for None)."""
    return "" if value is None else str(value)


class Versioned(TracksLoadedValues):
    """Optimistic concurrency: an edit names the version it was based on (HTTP 409 if stale)."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True

    def changes_since(self, version: int) -> dict[str, dict[str, str]]:
        """Every field changed after the row had `version`: label, value then and now, who, when.

        Read from the row's history (django-simple-history keeps the version column with every
        record). A row whose children carry its edits (a report's values, a round's ratings)
        overrides this to name the children.
        """
        history = getattr(self, "history", None)
        if history is None:
            return {}
        records = list(history.filter(version__gte=version).select_related("history_user").order_by("history_date", "history_id"))
        seen = [r for r in records if r.version == version]
        if not seen:
            return {}
        then = seen[-1]  # the row as it was when version `version` was last written
        later = records[records.index(then) + 1 :]
        changed: dict[str, dict[str, str]] = {}
        for field in self._meta.concrete_fields:
            if field.name == "version":
                continue
            old, new = getattr(then, field.attname, None), getattr(self, field.attname)
            if old == new:
                continue
            by, previous = None, old
            for record in later:  # the record that last set the field stored it
                value = getattr(record, field.attname, None)
                if value != previous:
                    by, previous = record, value
            changed[field.name] = {
                "label": str(field.verbose_name),
                "old": shown(old),
                "new": shown(new),
                "by": who(by.history_user) if by else "",
                "at": by.history_date.isoformat() if by else "",
            }
        return changed


class Freezable(Versioned):
    """A row that becomes frozen (adopted, approved, published, finalized) and then never changes.

    The kernel's write path asks ``frozen_reason()`` of the locked row before any write and
    refuses with that text; the database refuses the same write with a trigger
    (``alfadmin.kernel.triggers.frozen``), so no path around the services can change it.
    ``frozen_allows(changed)`` names the one change a frozen row may still take (a report
    reopened by an administrator): the fields of that change, and nothing else.
    """

    class Meta:
        abstract = True

    def frozen_reason(self) -> str | None:
        return None

    def frozen_allows(self, changed: frozenset[str]) -> bool:
        return False
