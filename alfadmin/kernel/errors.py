"""Errors the services raise and every front end (pages, API, admin) turns into a message."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


class ConcurrentEditError(Exception):
    """An edit was based on a stale version: someone else saved in between (HTTP 409)."""

    def __init__(self, *, current_version: int, expected_version: int, changed: dict[str, Any] | None = None):
        self.current_version = current_version
        self.expected_version = expected_version
        self.changed = changed or {}
        super().__init__(
            _("Someone else changed this record (version %(current)s, you edited version %(expected)s). Reload and try again.")
            % {"current": current_version, "expected": expected_version}
        )


class LockedError(Exception):
    """The change would alter something locked (a published year, a finalized round)."""
