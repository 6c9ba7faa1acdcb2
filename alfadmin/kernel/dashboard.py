"""The landing page's cards: each app contributes its own from ``AppConfig.ready()``.

The overview page belongs to the project, but what a region gets, what GUNS decides or which
reports are due belongs to the apps; they register a card (a template and a function giving
its context for the user and the year shown) instead of the project importing them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

CardContext = Callable[[HttpRequest, int], dict[str, Any] | None]


@dataclass(frozen=True)
class DashboardCard:
    name: str
    template: str
    context: CardContext
    order: int = 100


@dataclass(frozen=True)
class RenderedCard:
    name: str
    template: str
    context: dict[str, Any]


_cards: dict[str, DashboardCard] = {}


def register_card(*, name: str, template: str, context: CardContext, order: int = 100) -> None:
    """Add (or replace) a landing-page card; `context` returning None hides it for that user."""
    _cards[name] = DashboardCard(name=name, template=template, context=context, order=order)


def cards_for(request: HttpRequest, *, year: int) -> list[RenderedCard]:
    shown = []
    for card in sorted(_cards.values(), key=lambda c: (c.order, c.name)):
        context = card.context(request, year)
        if context is not None:
            shown.append(RenderedCard(name=card.name, template=card.template, context=context))
    return shown
