import pytest
from django.utils import translation

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


@pytest.fixture(autouse=True)
def english(settings):
    """These tests read messages by their English msgids (pages, API and services alike); the
    Swedish pages are exercised by the browser test, whose browser asks for Swedish."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
