"""The primitives under the write path (``alfadmin.kernel.writes``): history with who, when, why.

django-simple-history keeps every version of a row (who, when, before/after); these helpers set
its user and reason, bump the optimistic-concurrency version and report changed allocation
inputs (``alfadmin.kernel.input_changes``) before the row is written, so that a refused change (a
published year) leaves nothing behind. Callers own the transaction (services are atomic).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from .actors import Actor
from .input_changes import changed_input_fields, declaration_for, report_changes
from .models import TracksLoadedValues

M = TypeVar("M", bound=models.Model)


def lock_for_update(model: type[M], pk: Any) -> M:
    """The one way to take a row lock (callers lock in primary-key order)."""
    return model._default_manager.select_for_update().get(pk=pk)


def _mark_history(instance: models.Model, *, actor: Actor, reason: str) -> None:
    # Read by simple-history when it writes the historical row.
    instance._history_user = actor if getattr(actor, "is_authenticated", False) else None  # type: ignore[attr-defined]  # read by django-simple-history as it writes the row
    instance._change_reason = reason or None  # type: ignore[attr-defined]  # likewise


def require_reason(*, changed: frozenset[str], reason: str, actor: Actor) -> None:
    """Refuse a signed-in user's change of a money input without a reason.

    The rule lives here, not in each service, so page, API and admin alike are held to it.
    Creating a row needs no reason (there is no value to change; a rating entered for the first
    time in a draft round is a new row), nor does a system write (``actor`` None: demo data,
    imports and recomputes that pass their own reason). Changing or deleting an existing row
    whose declared input fields (``alfadmin.kernel.input_changes``) change does.
    """
    if changed and getattr(actor, "is_authenticated", False) and not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason for the change: it is kept in the history.")]})


def save_with_history(*, instance: M, actor: Actor, reason: str = "", update_fields: list[str] | None = None) -> M:
    """Save `instance` as `actor` with `reason`; report changed allocation inputs first.

    A change to an existing row's declared input fields by a signed-in user needs a reason
    (``require_reason``: ValidationError naming ``reason``, nothing written).
    """
    created = instance._state.adding
    changed = changed_input_fields(instance, created=created)
    if not created:
        require_reason(changed=changed, reason=reason, actor=actor)
    report_changes(instance=instance, changed=changed, reason=reason, actor=actor)
    _mark_history(instance, actor=actor, reason=reason)
    instance.save(update_fields=update_fields)
    if isinstance(instance, TracksLoadedValues):
        instance.remember_loaded_values()
    return instance


def delete_with_history(*, instance: models.Model, actor: Actor, reason: str = "") -> None:
    """Delete a row, keeping its last version in the history; a declared input reports its years."""
    declaration = declaration_for(type(instance))
    if declaration is not None:
        require_reason(changed=declaration.fields, reason=reason, actor=actor)
        report_changes(instance=instance, changed=declaration.fields, deleted=True, reason=reason, actor=actor)
    _mark_history(instance, actor=actor, reason=reason)
    instance.delete()
