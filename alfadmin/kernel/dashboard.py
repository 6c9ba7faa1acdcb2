"""The landing page's panels: each app contributes its own from ``AppConfig.ready()``.

The overview page belongs to the project, but what a region gets, what GUNS decides or which
reports are due belongs to the apps; they register a panel (a template and a function giving
its context for the user and the year shown) instead of the project importing them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

PanelContext = Callable[[HttpRequest, int], dict[str, Any] | None]


@dataclass(frozen=True)
class DashboardPanel:
    name: str
    template: str
    context: PanelContext
    order: int = 100


@dataclass(frozen=True)
class RenderedPanel:
    name: str
    template: str
    context: dict[str, Any]


_panels: dict[str, DashboardPanel] = {}


def register_panel(*, name: str, template: str, context: PanelContext, order: int = 100) -> None:
    """Add (or replace) a landing-page panel; `context` returning None hides it for that user."""
    _panels[name] = DashboardPanel(name=name, template=template, context=context, order=order)


def panels_for(request: HttpRequest, *, year: int) -> list[RenderedPanel]:
    shown = []
    for panel in sorted(_panels.values(), key=lambda p: (p.order, p.name)):
        context = panel.context(request, year)
        if context is not None:
            shown.append(RenderedPanel(name=panel.name, template=panel.template, context=context))
    return shown
