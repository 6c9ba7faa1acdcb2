"""The landing page's card: this year's reports and one click to the national comparison."""

from __future__ import annotations

from typing import Any

from . import selectors


def landing_card_context(request: Any, year: int) -> dict[str, Any] | None:
    if not request.user.is_authenticated:
        return None
    statuses = selectors.year_status(user=request.user)
    return {"status": next((s for s in statuses if s.year == year), statuses[0] if statuses else None)}
