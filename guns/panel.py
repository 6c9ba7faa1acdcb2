"""The landing page's GUNS panel: the pot this year and the next meeting."""

from typing import Any

from django.http import HttpRequest

from . import permissions, selectors


def panel_context(request: HttpRequest, year: int) -> dict[str, Any] | None:
    if not permissions.can_view_guns(request.user):
        return None
    return {
        "pot": selectors.pot_year(user=request.user, year=year),
        "year": year,
        "next_meeting": selectors.next_meeting(user=request.user),
    }
