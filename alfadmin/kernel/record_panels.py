"""Panels on a registry record's page, contributed by the apps from ``AppConfig.ready()``.

A registry page (a university, a region) belongs to the project, but what an app keeps about
that record (GUNS's seat for a university) belongs to the app. The app registers a panel for
the model (a template and a function giving its context for the user and the record) instead
of the registry importing the app: the same inversion as the landing page's panels.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.http import HttpRequest

from .dashboard import RenderedPanel

RecordPanelContext = Callable[[HttpRequest, Any], dict[str, Any] | None]


@dataclass(frozen=True)
class RecordPanel:
    name: str
    template: str
    context: RecordPanelContext
    order: int = 100


_panels: dict[str, dict[str, RecordPanel]] = {}


def _key(model: type[Model]) -> str:
    return model._meta.label_lower


def register_record_panel(*, model: type[Model], name: str, template: str, context: RecordPanelContext, order: int = 100) -> None:
    """Add (or replace) a panel on `model`'s detail page; `context` returning None hides it for that user."""
    _panels.setdefault(_key(model), {})[name] = RecordPanel(name=name, template=template, context=context, order=order)


def record_panels_for(request: HttpRequest, record: Model) -> list[RenderedPanel]:
    shown = []
    for panel in sorted(_panels.get(_key(type(record)), {}).values(), key=lambda p: (p.order, p.name)):
        context = panel.context(request, record)
        if context is not None:
            shown.append(RenderedPanel(name=panel.name, template=panel.template, context=context))
    return shown
