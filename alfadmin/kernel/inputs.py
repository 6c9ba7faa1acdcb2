"""The "inputs changed" hook: which fields feed the allocation, and who hears about a change.

The kernel knows no domain app. The allocations app, which reads the inputs, declares them here
(``declare_input``) from its ``AppConfig.ready()`` and connects ``inputs_changed``. The history
helpers (``alfadmin.kernel.history``) call ``report_changes`` for every row they create, save or
delete; a write that changes a declared field sends ``inputs_changed`` with the budget years it
affects, inside the writer's transaction. A receiver that raises (a published year) rolls the
write back, so an input can neither change silently nor change a locked year.

Services that write many rows at once wrap the writes in ``collect_input_changes()`` so that the
signal is sent once, for the union of the years, when the block ends.
"""

from __future__ import annotations

import contextlib
import copy
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.dispatch import Signal

# Sent with keyword arguments years (sorted list of int), reason (str) and actor (a user or None).
inputs_changed = Signal()

YearsOf = Callable[[Any, frozenset[str]], Iterable[int]]


@dataclass(frozen=True)
class InputDeclaration:
    """Fields of one model that feed the engine, and the budget years a change to a row affects.

    ``years(row, changed_fields)`` is asked for the row after the write and, when one of the
    ``moves`` fields changed (a row that moves between years, or a round that starts or stops
    counting), also for the row as it was: both sets of years are recomputed.
    """

    model: type[models.Model]
    fields: frozenset[str]
    years: YearsOf
    label: Callable[[Any], str]
    moves: frozenset[str] = frozenset()


_declarations: dict[type[models.Model], InputDeclaration] = {}


def declare_input(
    model: type[models.Model],
    *,
    fields: Iterable[str],
    years: YearsOf,
    label: Callable[[Any], str],
    moves: Iterable[str] = (),
) -> None:
    """Declare `fields` of `model` as engine inputs (idempotent: a later declaration replaces it)."""
    names, moving = frozenset(fields), frozenset(moves)
    known = {f.name for f in model._meta.concrete_fields}
    unknown = (names | moving) - known
    if unknown or not moving <= names:
        raise ValueError(f"{model.__name__}: unknown fields {sorted(unknown)} or moves outside fields")
    _declarations[model] = InputDeclaration(model=model, fields=names, years=years, label=label, moves=moving)


def declared_inputs() -> tuple[InputDeclaration, ...]:
    return tuple(_declarations.values())


def declaration_for(model: type[models.Model]) -> InputDeclaration | None:
    return _declarations.get(model)


@dataclass
class _Pending:
    years: set[int] = field(default_factory=set)
    labels: list[str] = field(default_factory=list)
    reason: str = ""
    actor: Any = None


_local = threading.local()


@contextlib.contextmanager
def collect_input_changes() -> Iterator[None]:
    """Send one `inputs_changed` for all the input changes inside the block (nested blocks join the outer one)."""
    if getattr(_local, "pending", None) is not None:
        yield
        return
    _local.pending = _Pending()
    try:
        yield
        pending = _local.pending
    finally:
        _local.pending = None
    if pending.years:
        _send(years=pending.years, labels=pending.labels, reason=pending.reason, actor=pending.actor)


def changed_input_fields(instance: models.Model, *, created: bool = False) -> frozenset[str]:
    """The declared fields of `instance` whose value differs from the row as it was read."""
    declaration = _declarations.get(type(instance))
    if declaration is None:
        return frozenset()
    if created:
        return declaration.fields
    changed = set()
    for name in declaration.fields:
        attname = instance._meta.get_field(name).attname  # type: ignore[union-attr]  # concrete fields have attnames
        try:
            before = instance.loaded_value(attname)  # type: ignore[attr-defined]  # TracksLoadedValues
        except (AttributeError, KeyError):
            changed.add(name)  # not read from the database: assume it changed
            continue
        if before != getattr(instance, attname):
            changed.add(name)
    return frozenset(changed)


def _as_loaded(instance: models.Model) -> models.Model:
    """A copy of `instance` holding the values it was read with (for the years it affected before)."""
    before = copy.copy(instance)
    for attname, value in instance.loaded_value_items():  # type: ignore[attr-defined]  # TracksLoadedValues
        setattr(before, attname, value)  # a changed foreign key id drops its cached object
    return before


def report_changes(*, instance: models.Model, changed: frozenset[str], deleted: bool = False, reason: str, actor: Any) -> None:
    """Send `inputs_changed` (or add to the collecting block) if `changed` holds declared fields."""
    declaration = _declarations.get(type(instance))
    if declaration is None or not changed:
        return
    years = set(declaration.years(instance, changed))
    if changed & declaration.moves and "_loaded_values" in instance.__dict__ and not deleted:
        years.update(declaration.years(_as_loaded(instance), changed))
    if not years:
        return
    label = declaration.label(instance)
    pending: _Pending | None = getattr(_local, "pending", None)
    if pending is None:
        _send(years=years, labels=[label], reason=reason, actor=actor)
        return
    pending.years |= years
    if label not in pending.labels:
        pending.labels.append(label)
    pending.reason = pending.reason or reason
    pending.actor = pending.actor or actor


def _send(*, years: Iterable[int], labels: list[str], reason: str, actor: Any) -> None:
    what = ", ".join(labels[:5]) + (" …" if len(labels) > 5 else "")
    text = f"{what}: {reason}" if reason else what
    inputs_changed.send(sender=None, years=sorted(set(years)), reason=text, actor=actor)
