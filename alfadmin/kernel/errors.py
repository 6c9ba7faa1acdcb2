"""Errors the services raise and every front end (pages, API, admin) turns into a message."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


class ConcurrentEditError(Exception):
    """An edit was based on a stale version: someone else saved in between (HTTP 409).

    ``changed`` maps each field changed since to ``{"label", "old", "new", "by", "at"}``:
    its value when the user loaded it, its value now, who stored that and when.
    """

    def __init__(self, *, current_version: int, expected_version: int, changed: dict[str, Any] | None = None):
        self.current_version = current_version
        self.expected_version = expected_version
        self.changed = changed or {}
        super().__init__(self.describe())

    def describe(self) -> str:
        if not self.changed:
            return _("Someone else changed this record after you opened it. Reload and try again.")
        parts = []
        for name, change in self.changed.items():
            part = _("%(field)s: “%(old)s” → “%(new)s”") % {
                "field": change.get("label") or name,
                "old": change.get("old", ""),
                "new": change.get("new", ""),
            }
            if change.get("by"):
                part += " " + _("(by %(who)s)") % {"who": change["by"]}
            parts.append(part)
        return _("Someone else saved this record after you opened it. Changed meanwhile: %(changes)s.") % {
            "changes": "; ".join(parts)
        }


class LockedError(Exception):
    """The change would alter something locked (a published year, a finalized round)."""
