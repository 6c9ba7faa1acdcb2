import pytest

from guns.models import GunsMember

from .factories import MeetingFactory


@pytest.fixture
def seats(registry_demo):
    """The demo's ordinary members by side, regions ordered by code."""
    members = GunsMember.objects.filter(is_active=True, role="member").select_related("region").order_by("region__code")
    return {side: [m for m in members if m.side == side] for side in ("region", "university")}


@pytest.fixture
def meeting_with(seats):
    def make(region: int, university: int, **kwargs):
        return MeetingFactory(present=[*seats["region"][:region], *seats["university"][:university]], **kwargs)

    return make
