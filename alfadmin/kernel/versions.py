"""The one version check of optimistic concurrency (used by the write path and nowhere else)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from .errors import ConcurrentEditError


def check_version(current: models.Model, expected_version: int | None, *, required: bool = False) -> None:
    """The one version check: 409 naming what changed since `expected_version`, by whom, when."""
    if expected_version is None:
        if required:
            raise ValidationError({"version": _("The version this edit is based on is required.")})
        return
    version = current.version  # type: ignore[attr-defined]  # Versioned rows only
    if version != expected_version:
        raise ConcurrentEditError(
            current_version=version,
            expected_version=expected_version,
            changed=current.changes_since(expected_version),  # type: ignore[attr-defined]  # Versioned rows only
        )
