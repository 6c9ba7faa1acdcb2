"""The one write path: every service creates, changes and deletes rows through these functions.

Each write does, in this order and nowhere else:

1. **who** — the actor is checked against the app's own predicate (``permitted(actor, row)``);
   a service called without an allowed actor refuses, whoever calls it (``PermissionDenied``).
   Commands and data loads act as ``SYSTEM``; ``None`` is never an actor.
2. **lock** — the row is read again ``SELECT … FOR UPDATE`` (rows of several tables are locked
   in one fixed order by ``lock_rows``), so what is checked next is what is written.
3. **version** — a stale ``expected_version`` raises ``ConcurrentEditError`` (HTTP 409) naming
   every field changed since, its value then and now, and who changed it when.
4. **frozen** — a row that says it is frozen (``Freezable.frozen_reason``: an adopted decision,
   approved minutes, a published run) refuses the write with ``LockedError``; the database
   refuses it too (``alfadmin.kernel.triggers``), this check gives the clear message.
5. **validation** — ``full_clean``, no control characters in the texts written
   (``alfadmin.kernel.validators``) and the app's own rules (``validate(row)``).
6. **history** — the row is saved with who, when and why (django-simple-history), the version
   bumped, and changed allocation inputs reported (``alfadmin.kernel.input_changes``) inside the
   writer's transaction.

Callers own the transaction (services are ``@transaction.atomic``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import models

from .actors import SYSTEM, Actor
from .actors import SystemActor as SystemActor  # re-exported: the services import who acts with the write path
from .errors import LockedError
from .history import delete_with_history, lock_for_update, save_with_history
from .models import Freezable, Versioned
from .validators import check_text_fields
from .versions import check_version

M = TypeVar("M", bound=models.Model)

Permitted = Callable[[Any, Any], bool]
"""``permitted(actor, row) -> bool``: the app's own predicate for this write."""


def authorize(*, actor: Actor | AnonymousUser | None, permitted: Permitted, row: Any = None) -> None:
    """Refuse (``PermissionDenied``) unless `actor` is ``SYSTEM`` or the app's predicate allows it."""
    if actor is SYSTEM:
        return
    if actor is None or not getattr(actor, "is_authenticated", False) or not permitted(actor, row):
        raise PermissionDenied


def lock_rows(*rows: tuple[type[models.Model], Any]) -> list[models.Model]:
    """Lock rows of any tables in one fixed order (table name, then primary key): no deadlocks.

    Returns the locked rows in the order they were asked for.
    """
    order = sorted(range(len(rows)), key=lambda i: (rows[i][0]._meta.db_table, rows[i][1]))
    locked: dict[int, models.Model] = {}
    for index in order:
        model, pk = rows[index]
        locked[index] = lock_for_update(model, pk)
    return [locked[i] for i in range(len(rows))]


def refuse_if_frozen(
    row: models.Model, *, changed: Iterable[str] | None = None, deleting: bool = False, reason: str | None = None
) -> None:
    """``LockedError`` with the row's own reason when it is frozen and the change is not allowed.

    `reason` is ``frozen_reason()`` of the row as stored, taken before the change was applied
    (as the database trigger judges ``OLD``): a change that unfreezes the row and also edits it
    is judged by ``frozen_allows``, not let through because its result is no longer frozen.
    """
    if not isinstance(row, Freezable):
        return
    if reason is None:
        reason = row.frozen_reason()
    if reason and (deleting or changed is None or not row.frozen_allows(frozenset(changed))):
        raise LockedError(reason)


def record_create(
    *,
    instance: M,
    actor: Actor,
    permitted: Permitted,
    reason: str = "",
    validate: Callable[[M], None] | None = None,
) -> M:
    """Insert a new row: who → validation (``full_clean``, the app's rules) → history."""
    authorize(actor=actor, permitted=permitted, row=instance)
    instance.full_clean()
    check_text_fields(instance)
    if validate is not None:
        validate(instance)
    return save_with_history(instance=instance, actor=actor, reason=reason)


def record_update(
    *,
    instance: M,
    actor: Actor,
    permitted: Permitted,
    expected_version: int | None,
    changes: Mapping[str, Any] | Callable[[M], None],
    reason: str = "",
    validate: Callable[[M], None] | None = None,
    version_required: bool = False,
    locked: bool = False,
) -> M:
    """Change a row: who → lock → version → frozen → validation → history (version bumped).

    `changes` is a mapping of field values or a function that changes the locked row (a state
    transition setting several fields). `locked` says the caller already holds the row's lock
    (it locked several rows with ``lock_rows``) and passes the locked row as `instance`.
    Raises ``PermissionDenied``, ``ConcurrentEditError`` (409), ``LockedError`` or
    ``ValidationError`` naming the field; on any of them nothing is written.
    """
    authorize(actor=actor, permitted=permitted, row=instance)
    current = instance if locked else lock_for_update(type(instance), instance.pk)
    check_version(current, expected_version, required=version_required)
    before = {f.attname: getattr(current, f.attname) for f in current._meta.concrete_fields}
    frozen = current.frozen_reason() if isinstance(current, Freezable) else None
    if callable(changes):
        changes(current)
    else:
        for name, value in changes.items():
            setattr(current, name, value)
    changed = {f.name for f in current._meta.concrete_fields if getattr(current, f.attname) != before[f.attname]}
    refuse_if_frozen(current, changed=changed, reason=frozen or "")
    current.full_clean()
    check_text_fields(current, only=changed)
    if validate is not None:
        validate(current)
    if isinstance(current, Versioned):
        # A row without a version of its own (a share of a table) is covered by its parent's.
        current.version += 1
    return save_with_history(instance=current, actor=actor, reason=reason)


def record_delete(
    *,
    instance: models.Model,
    actor: Actor,
    permitted: Permitted,
    expected_version: int | None = None,
    reason: str = "",
    validate: Callable[[Any], None] | None = None,
) -> None:
    """Delete a row: who → lock → version → frozen → the app's rules → history keeps its last version."""
    authorize(actor=actor, permitted=permitted, row=instance)
    current = lock_for_update(type(instance), instance.pk)
    if hasattr(current, "version"):
        check_version(current, expected_version)
    refuse_if_frozen(current, deleting=True)
    if validate is not None:
        validate(current)
    delete_with_history(instance=current, actor=actor, reason=reason)
