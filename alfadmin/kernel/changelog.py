"""The change log: every tracked model's history in one list, filtered, paged, with before/after.

The kernel knows no domain app. Each app registers the models whose django-simple-history it
wants in the log (``track``) from its ``AppConfig.ready()``: a label for a historical row, the
field naming the region a row belongs to, the page of the object, which rows the acting user
may see (``scope``: a ``Q`` on the historical model, or None for nothing) and the parent objects
whose history includes the row (a share belongs to its share table, a rating to its round).

``change_page`` lists changes across all registered models, newest first, with a fixed number
of queries per page whatever the number of rows: one count and one page of the union of the
historical tables, then per model on the page one query for its rows and one for the versions
just before them. ``change_detail`` shows one change field by field.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import CharField, OuterRef, Q, Subquery, Value
from django.http import Http404
from django.utils.translation import gettext as _

Scope = Callable[[Any], Q | None]

# Columns every historical row has but that are not the object's own values.
_NOT_VALUES = {"version"}


@dataclass(frozen=True)
class TrackedModel:
    """One model in the change log (see ``track``)."""

    model: type[models.Model]
    key: str
    label: Callable[[Any], str]
    scope: Scope
    related: tuple[str, ...] = ()
    region_field: str | None = None
    url: Callable[[Any], str | None] | None = None
    parents: Mapping[str, str] = field(default_factory=dict)

    @property
    def history(self) -> type[models.Model]:
        return self.model.history.model  # type: ignore[attr-defined]  # added by django-simple-history at run time

    @property
    def verbose_name(self) -> str:
        return str(self.model._meta.verbose_name)


_tracked: dict[str, TrackedModel] = {}


def model_key(model: type[models.Model]) -> str:
    """``app_label.modelname``: how the log's filters and links name a model."""
    return f"{model._meta.app_label}.{model._meta.model_name}"


def track(
    model: type[models.Model],
    *,
    label: Callable[[Any], str],
    scope: Scope,
    related: Iterable[str] = (),
    region_field: str | None = None,
    url: Callable[[Any], str | None] | None = None,
    parents: Mapping[type[models.Model], str] | None = None,
) -> None:
    """Show `model`'s history in the change log (idempotent: a later call replaces it).

    label(record): the object's name, from the historical row (its `related` are selected).
    scope(user): a ``Q`` on the historical model for the rows `user` may read, None for none.
    region_field: the field (a foreign key to the region, or ``"id"`` for the region itself)
    the region filter uses; a model without one is left out when a region is chosen.
    url(record): the object's page, or None. parents: {parent model: foreign key field}, so
    the parent's history (``object``) includes this model's rows that point at it.
    """
    if not hasattr(model, "history"):
        raise ValueError(f"{model.__name__} has no simple-history")
    key = model_key(model)
    _tracked[key] = TrackedModel(
        model=model,
        key=key,
        label=label,
        scope=scope,
        related=tuple(related),
        region_field=region_field,
        url=url,
        parents={model_key(parent): name for parent, name in (parents or {}).items()},
    )


def tracked_models() -> tuple[TrackedModel, ...]:
    return tuple(sorted(_tracked.values(), key=lambda t: t.verbose_name))


def tracked(key: str) -> TrackedModel | None:
    return _tracked.get(key)


@dataclass(frozen=True)
class ChangeFilter:
    """What the log shows: kind of object, one object (with its children), region, user, dates."""

    model: str | None = None
    object_id: int | None = None
    region_id: int | None = None
    user_id: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


@dataclass(frozen=True)
class FieldChange:
    name: str
    verbose_name: str
    old: Any
    new: Any


@dataclass
class Change:
    """One row of the log: who, when, what object, which action, why, and the fields changed."""

    tracked: TrackedModel
    record: Any
    previous: Any = None
    label: str = ""
    url: str | None = None
    fields: list[FieldChange] = field(default_factory=list)

    @property
    def action(self) -> str:
        return {"+": _("created"), "~": _("changed"), "-": _("deleted")}[self.record.history_type]

    @property
    def reason(self) -> str:
        return self.record.history_change_reason or ""

    @property
    def key(self) -> str:
        return self.tracked.key


def _value_fields(history_model: type[models.Model]) -> list[models.Field]:
    return [
        f
        for f in history_model._meta.concrete_fields
        if not f.name.startswith("history_") and f.name not in _NOT_VALUES and f.attname != "history_id"
    ]


def _diff(record: Any, previous: Any) -> list[FieldChange]:
    """Fields whose stored value differs from the previous version (all set fields for a new row)."""
    changes = []
    for f in _value_fields(type(record)):
        new = getattr(record, f.attname)
        old = getattr(previous, f.attname) if previous is not None else None
        if previous is None and record.history_type == "+" and new in (None, ""):
            continue
        if previous is None and record.history_type != "+":
            continue
        if old != new:
            changes.append(FieldChange(name=f.name, verbose_name=str(f.verbose_name), old=old, new=new))
    return changes


def _component(t: TrackedModel, *, user: Any, flt: ChangeFilter) -> models.QuerySet | None:
    """The (history_id, history_date, kind) rows of one model that `user` may see and `flt` keeps."""
    if flt.model and flt.model != t.key and not (flt.object_id and flt.model in t.parents):
        return None
    scope = t.scope(user)
    if scope is None:
        return None
    qs = t.history._default_manager.filter(scope)
    if flt.object_id is not None and flt.model:
        qs = qs.filter(id=flt.object_id) if flt.model == t.key else qs.filter(**{f"{t.parents[flt.model]}_id": flt.object_id})
    if flt.region_id is not None:
        if t.region_field is None:
            return None
        qs = qs.filter(**{"id" if t.region_field == "id" else f"{t.region_field}_id": flt.region_id})
    if flt.user_id is not None:
        qs = qs.filter(history_user_id=flt.user_id)
    if flt.date_from is not None:
        qs = qs.filter(history_date__date__gte=flt.date_from)
    if flt.date_to is not None:
        qs = qs.filter(history_date__date__lte=flt.date_to)
    return (
        qs.order_by()
        .annotate(changelog_model=Value(t.key, output_field=CharField()))
        .values_list("history_date", "history_id", "changelog_model")
    )


def _load(rows: list[tuple[Any, int, str]]) -> list[Change]:
    """The page's historical rows and the version before each: two queries per model on the page."""
    by_kind: dict[str, list[int]] = {}
    for _date, history_id, kind in rows:
        by_kind.setdefault(kind, []).append(history_id)
    loaded: dict[tuple[str, int], Change] = {}
    for kind, ids in by_kind.items():
        t = _tracked[kind]
        history: Any = t.history._default_manager  # a generated historical model
        before = history.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id")).order_by("-history_id").values("history_id")[:1]
        records: list[Any] = list(
            history.filter(history_id__in=ids).select_related("history_user", *t.related).annotate(previous_id=Subquery(before))
        )
        previous: dict[int, Any] = {p.history_id: p for p in history.filter(history_id__in=[r.previous_id for r in records if r.previous_id])}
        for record in records:
            change = Change(tracked=t, record=record, previous=previous.get(record.previous_id))
            change.label = t.label(record)
            change.url = t.url(record) if t.url else None
            change.fields = _diff(record, change.previous)
            loaded[(kind, record.history_id)] = change
    return [loaded[(kind, history_id)] for _date, history_id, kind in rows if (kind, history_id) in loaded]


class _ChangePaginator(Paginator):
    """Pages the union of (date, id, kind); only the shown page's rows are loaded in full."""

    def page(self, number: Any) -> Page:
        page = super().page(number)
        page.object_list = _load(list(page.object_list))
        return page


def change_page(*, user: Any, flt: ChangeFilter, page: Any = 1, per_page: int = 50) -> Page:
    """One page of changes across all tracked models, newest first (Django's Paginator)."""
    parts = [qs for t in _tracked.values() if (qs := _component(t, user=user, flt=flt)) is not None]
    if not parts:
        union: Any = []
    else:
        union = (
            parts[0].union(*parts[1:], all=True).order_by("-history_date", "-history_id")
            if len(parts) > 1
            else parts[0].order_by("-history_date", "-history_id")
        )
    return _ChangePaginator(union, per_page).get_page(page)


@dataclass
class ChangeDetail:
    change: Change
    values: list[FieldChange]
    previous_id: int | None
    next_id: int | None


def _display(record: Any, f: models.Field) -> Any:
    """A stored value as people read it: a choice's label, a related object's name."""
    if record is None:
        return None
    value = getattr(record, f.attname)
    if value is None:
        return None
    if f.choices:
        return dict(f.flatchoices).get(value, value)
    if f.is_relation:
        try:
            return getattr(record, f.name)
        except models.ObjectDoesNotExist:
            return value
    return value


def change_detail(*, user: Any, key: str, history_id: int) -> ChangeDetail:
    """One change with every field's value before and after; 404 if unknown or not visible."""
    t = _tracked.get(key)
    scope = t.scope(user) if t else None
    if t is None or scope is None:
        raise Http404
    history = t.history._default_manager.filter(scope)
    record: Any = history.select_related("history_user", *t.related).filter(history_id=history_id).first()
    if record is None:
        raise Http404
    same = history.filter(id=record.id)
    previous: Any = same.filter(history_id__lt=history_id).order_by("-history_id").first()
    following = same.filter(history_id__gt=history_id).order_by("history_id").values_list("history_id", flat=True).first()
    change = Change(tracked=t, record=record, previous=previous, label=t.label(record), url=t.url(record) if t.url else None)
    change.fields = _diff(record, previous)
    changed = {c.name for c in change.fields}
    deleted = record.history_type == "-"
    values = [
        FieldChange(
            name=f.name,
            verbose_name=str(f.verbose_name),
            old=_display(record if deleted else previous, f),
            new=None if deleted else _display(record, f),
        )
        for f in _value_fields(type(record))
        if deleted or f.name in changed
    ]
    return ChangeDetail(change=change, values=values, previous_id=previous.history_id if previous else None, next_id=following)
