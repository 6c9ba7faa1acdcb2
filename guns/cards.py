"""GUNS's cards on project pages: the landing page (the pot this year, the next meeting) and a
university's page (its GUNS seat), registered in GunsConfig.ready()."""

from typing import Any

from django.http import HttpRequest

from alfadmin.models import University

from . import permissions, selectors
from .models import Side


def landing_card_context(request: HttpRequest, year: int) -> dict[str, Any] | None:
    if not permissions.can_view_guns(request.user):
        return None
    return {
        "pot": selectors.pot_year(user=request.user, year=year),
        "year": year,
        "next_meeting": selectors.next_meeting(user=request.user),
    }


def university_seat_context(request: HttpRequest, university: University) -> dict[str, Any] | None:
    """The university's GUNS seat (the university side of its ALF region): member and substitute."""
    region = getattr(university, "region", None)
    if region is None or not permissions.can_view_guns(request.user):
        return None
    seat = selectors.seat_of(user=request.user, region=region, side=Side.UNIVERSITY)
    return {
        "region": region,
        "member": seat.member,
        "substitute": seat.substitute,
        "can_manage_members": permissions.can_manage_members(request.user),
    }
