"""Cards on a registry record's page, contributed by the apps from ``AppConfig.ready()``.

A registry page (a university, a region) belongs to the project, but what an app keeps about
that record (GUNS's seat for a university) belongs to the app. The app registers a card for
the model (a template and a function giving its context for the user and the record) instead
of the registry importing the app: the same inversion as the landing page's cards.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.http import HttpRequest

from .dashboard import RenderedCard

RecordCardContext = Callable[[HttpRequest, Any], dict[str, Any] | None]


@dataclass(frozen=True)
class RecordCard:
    name: str
    template: str
    context: RecordCardContext
    order: int = 100


_cards: dict[str, dict[str, RecordCard]] = {}


def _key(model: type[Model]) -> str:
    return model._meta.label_lower


def register_record_card(*, model: type[Model], name: str, template: str, context: RecordCardContext, order: int = 100) -> None:
    """Add (or replace) a card on `model`'s detail page; `context` returning None hides it for that user."""
    _cards.setdefault(_key(model), {})[name] = RecordCard(name=name, template=template, context=context, order=order)


def record_cards_for(request: HttpRequest, record: Model) -> list[RenderedCard]:
    shown = []
    for card in sorted(_cards.get(_key(type(record)), {}).values(), key=lambda c: (c.order, c.name)):
        context = card.context(request, record)
        if context is not None:
            shown.append(RenderedCard(name=card.name, template=card.template, context=context))
    return shown
