"""The GUNS quorum rule: the one place (docs/guns.md: at least N of the seats present, at least M from each side).

Everything the rule says is here, and every page, API view and service calls into it:

- **The seats it counts.** A seat is a region and a side (``Side``): two for every active ALF
  region (``seat_count``: 14 and 7 a side today). A substitute and the member of one seat
  count once.
- **The numbers an administrator may set.** N and M are GUNS settings; ``quorum_errors`` keeps
  them between 1 and the seats (N) and 1 and a side's seats (M). Both at least 1: a meeting
  with nobody present must never decide. ``GunsSettings.clean`` asks it, so the settings page,
  the API and ``services.settings_update`` refuse the same numbers, naming the field.
- **The rule a meeting is judged by.** A meeting stores the numbers in force when it was
  created (``Meeting.quorum_seats`` and ``quorum_per_side``, filled from the settings), so a
  later change of the settings never turns a meeting that decided into one that could not.
  ``meeting_quorum`` judges a meeting by its stored numbers; ``Quorum.reason`` says why in
  words (shown on the meeting page and in the minutes).
- **What it decides.** A decision is adopted or rejected only at a meeting with quorum
  (``require_quorum``, called by ``services.decision_transition``); votes are counted among the
  seats present.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alfadmin.models import Region


class Side(models.TextChoices):
    REGION = "region", gettext_lazy("Region")
    UNIVERSITY = "university", gettext_lazy("University")


def seat_count() -> tuple[int, int]:
    """(all seats, seats per side): two seats for every active ALF region (14 and 7 today)."""
    regions = Region.objects.filter(is_active=True).count()
    return 2 * regions, regions


def quorum_errors(*, quorum_seats: int | None, quorum_per_side: int | None) -> dict[str, str]:
    """The settings' N and M: both at least 1 (0/0 would let a meeting with nobody present
    decide), N at most the seats, M at most a side's seats."""
    seats, per_side = seat_count()
    errors: dict[str, str] = {}
    if quorum_seats is None or not 1 <= quorum_seats <= seats:
        errors["quorum_seats"] = str(_("Between 1 and %(seats)s seats (the seats of GUNS).") % {"seats": seats})
    if quorum_per_side is None or not 1 <= quorum_per_side <= per_side:
        errors["quorum_per_side"] = str(_("Between 1 and %(per_side)s seats (the seats of one side).") % {"per_side": per_side})
    return errors


@dataclass(frozen=True)
class Quorum:
    holds: bool
    present: int
    region_side: int
    university_side: int
    required_seats: int
    required_per_side: int

    @property
    def reason(self) -> str:
        figures = {
            "present": self.present,
            "region": self.region_side,
            "university": self.university_side,
            "seats": self.required_seats,
            "per_side": self.required_per_side,
        }
        if self.holds:
            return (
                _(
                    "Quorum: %(present)s seats present (at least %(seats)s needed), %(region)s from the regions and %(university)s from the universities (at least %(per_side)s from each side)."
                )
                % figures
            )
        if self.present < self.required_seats:
            return _("No quorum: %(present)s seats present, at least %(seats)s needed.") % figures
        return (
            _(
                "No quorum: %(region)s seats from the regions and %(university)s from the universities present; at least %(per_side)s from each side needed."
            )
            % figures
        )


def quorum_of(present_seats: set[tuple[int, str]], *, seats: int, per_side: int) -> Quorum:
    """Seats present (region id, side) → quorum; a substitute and a member of one seat count once."""
    region_side = sum(1 for _r, side in present_seats if side == Side.REGION)
    university_side = sum(1 for _r, side in present_seats if side == Side.UNIVERSITY)
    present = region_side + university_side
    # Nobody present never decides, whatever rule an old meeting carries.
    holds = present >= max(seats, 1) and min(region_side, university_side) >= per_side
    return Quorum(holds, present, region_side, university_side, seats, per_side)


class HeldMeeting(Protocol):
    """What the rule reads of a meeting (``guns.models.Meeting``): its stored numbers and attendees."""

    quorum_seats: int
    quorum_per_side: int
    attendees: Any


def meeting_quorum(meeting: HeldMeeting) -> Quorum:
    """Judged with the rule in force at the meeting (stored with it), not today's settings.
    Uses prefetched attendees when present (list pages), else one query."""
    return quorum_of({(m.region_id, m.side) for m in meeting.attendees.all()}, seats=meeting.quorum_seats, per_side=meeting.quorum_per_side)


def require_quorum(meeting: HeldMeeting) -> Quorum:
    """The quorum of a meeting about to decide; ``ValidationError`` on ``meeting`` without one."""
    quorum = meeting_quorum(meeting)
    if not quorum.holds:
        raise ValidationError({"meeting": quorum.reason})
    return quorum
