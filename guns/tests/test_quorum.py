"""Quorum (docs/guns.md): at least 8 of 14 seats and at least 3 from each side; both are parameters."""

import pytest

from guns.models import GunsMember, GunsSettings
from guns.quorum import meeting_quorum


@pytest.mark.parametrize(
    ("region", "university", "holds"),
    [(4, 3, False), (7, 0, False), (6, 2, False), (2, 6, False), (5, 3, True), (3, 5, True), (4, 4, True), (7, 7, True)],
)
def test_quorum_edges(meeting_with, region, university, holds):
    quorum = meeting_quorum(meeting_with(region, university))
    assert (quorum.present, quorum.region_side, quorum.university_side, quorum.holds) == (region + university, region, university, holds)


def test_reason_names_the_failing_rule(meeting_with):
    assert "7 seats present, at least 8" in meeting_quorum(meeting_with(4, 3)).reason
    assert "at least 3 from each side" in meeting_quorum(meeting_with(6, 2)).reason
    assert meeting_quorum(meeting_with(5, 3)).reason.startswith("Quorum: 8 seats present")


def test_substitute_counts_for_the_seat_once(meeting_with, seats):
    meeting = meeting_with(5, 2)
    missing = seats["university"][2]
    substitute = GunsMember.objects.get(region=missing.region, side="university", role="substitute", is_active=True)
    meeting.attendees.add(substitute)
    assert meeting_quorum(meeting).holds
    # The seat's member and substitute both present: still one seat.
    meeting.attendees.add(missing)
    assert meeting_quorum(meeting).present == 8


def test_quorum_numbers_are_parameters(meeting_with):
    GunsSettings.objects.update_or_create(pk=1, defaults={"quorum_seats": 10, "quorum_per_side": 2})
    assert not meeting_quorum(meeting_with(5, 4)).holds
    assert meeting_quorum(meeting_with(8 - 1, 3)).holds
