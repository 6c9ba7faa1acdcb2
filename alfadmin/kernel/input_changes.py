"""Input changes: the fields that feed the money, and the one answer to their change.

The kernel knows no domain app, so the path from a saved row to the money has two halves that
meet here. The app that computes money (allocations: ``allocations/watched_inputs.py``, the one
place on its side) calls, from its ``AppConfig.ready()``:

- ``declare_input(model, fields=…, years=…, label=…)`` for each model: which fields feed the
  money, and which budget years a changed row affects;
- ``answer_input_changes(answer)`` once: the function that answers a change (allocations records
  a recompute request, or refuses a published year).

The write path (``alfadmin.kernel.history``, under every service) calls ``report_changes`` for
every row it creates, saves or deletes, *before* the row is written. A change of a declared
field becomes an ``InputChange`` (years, reason, actor) handed to the answer inside the writer's
transaction, so an answer that raises (``LockedError``) rolls the whole write back: an input
can neither change silently nor change a locked year.

One service call, one change: a service that writes several input rows (a share table and its
shares) wraps the writes in ``one_input_change()``. The reports inside join one
``InputChangeBatch`` and the answer is called once, when the block ends, for the union of the
years; a nested block joins the outer one. The open batch is a context variable, so the write
path deep below finds it without every service passing it down.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from .actors import SYSTEM, Actor

YearsOf = Callable[[Any, frozenset[str]], Iterable[int]]

# How many row labels an InputChange's reason names before it says "…".
LABELS_SHOWN = 5


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


@dataclass(frozen=True)
class InputChange:
    """What the answer is told: the budget years whose inputs changed, why, and who changed them.

    `reason` names the changed rows ("2025, 2026: new appropriation") and the writer's reason.
    """

    years: tuple[int, ...]
    reason: str
    actor: Actor


Answer = Callable[[InputChange], None]

_declarations: dict[type[models.Model], InputDeclaration] = {}
_answer: Answer | None = None  # set once by answer_input_changes


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


def answer_input_changes(answer: Answer) -> None:
    """Make `answer` the one function called with every `InputChange` (a later call replaces it).

    One answer, not a list of listeners: a reader who asks "what happens when an input changes"
    finds the single function the money app named.
    """
    global _answer  # the one registration, made from AppConfig.ready()
    _answer = answer


@dataclass
class InputChangeBatch:
    """The input changes of one service call, answered together when its block ends."""

    years: set[int] = field(default_factory=set)
    labels: list[str] = field(default_factory=list)
    reason: str = ""
    actor: Actor = SYSTEM

    def add(self, *, years: Iterable[int], label: str, reason: str, actor: Actor) -> None:
        self.years.update(years)
        if label not in self.labels:
            self.labels.append(label)
        # The first write's reason and actor speak for the call (they are the service's own).
        self.reason = self.reason or reason
        self.actor = self.actor or actor

    def change(self) -> InputChange:
        what = ", ".join(self.labels[:LABELS_SHOWN]) + (" …" if len(self.labels) > LABELS_SHOWN else "")
        text = f"{what}: {self.reason}" if self.reason else what
        return InputChange(years=tuple(sorted(self.years)), reason=text, actor=self.actor)


_open_batch: ContextVar[InputChangeBatch | None] = ContextVar("open_input_change_batch", default=None)


@contextlib.contextmanager
def one_input_change() -> Iterator[InputChangeBatch]:
    """Answer every input change inside the block once, for the union of their years.

    A nested block joins the outer one (the outer block answers). Nothing is answered when the
    block raises: the caller's transaction rolls back with it.
    """
    outer = _open_batch.get()
    if outer is not None:
        yield outer
        return
    batch = InputChangeBatch()
    token = _open_batch.set(batch)
    try:
        yield batch
    finally:
        _open_batch.reset(token)
    if batch.years:
        _deliver(batch.change())


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


def report_changes(*, instance: models.Model, changed: frozenset[str], deleted: bool = False, reason: str, actor: Actor) -> None:
    """Answer the change of `instance` (or add it to the open batch) if `changed` holds declared fields."""
    declaration = _declarations.get(type(instance))
    if declaration is None or not changed:
        return
    years = set(declaration.years(instance, changed))
    if changed & declaration.moves and "_loaded_values" in instance.__dict__ and not deleted:
        years.update(declaration.years(_as_loaded(instance), changed))
    if not years:
        return
    batch = _open_batch.get()
    if batch is not None:
        batch.add(years=years, label=declaration.label(instance), reason=reason, actor=actor)
        return
    single = InputChangeBatch()
    single.add(years=years, label=declaration.label(instance), reason=reason, actor=actor)
    _deliver(single.change())


def _deliver(change: InputChange) -> None:
    # No answer (an installation without the money app): the change concerns nobody.
    if _answer is not None:
        _answer(change)
