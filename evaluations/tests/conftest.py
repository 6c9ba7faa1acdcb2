import pytest

from alfadmin.models import Role
from alfadmin.tests.factories import AgreementPeriodFactory, RegionFactory

from .factories import make_round

CODES = ["AAA", "BBB", "CCC", "DDD"]


@pytest.fixture(autouse=True)
def english(settings):
    """These tests read messages by their English msgids; the Swedish pages are exercised by
    the browser tests, whose browser asks for Swedish."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def four_regions(db):
    AgreementPeriodFactory()
    return {code: RegionFactory(code=code) for code in CODES}


@pytest.fixture
def codes(four_regions):
    return list(CODES)


@pytest.fixture
def vr(make_user, four_regions):
    return make_user("vr-user", Role.VR)


@pytest.fixture
def admin_user(make_user, four_regions):
    return make_user("admin-user", Role.ADMIN)


@pytest.fixture
def draft(four_regions, vr):
    return make_round(actor=vr)


ROLE_USERS = {
    "admin": (Role.ADMIN, None),
    "guns": (Role.GUNS, None),
    "vr": (Role.VR, None),
    "rep_a": (Role.REPORTER, "AAA"),
    "rep_b": (Role.REPORTER, "BBB"),
    "viewer": (Role.VIEWER, None),
}


@pytest.fixture
def world(four_regions, make_user):
    """A light stand-in for the demo: a user per role, a finalized round (2024–2027) with its
    bibliometric basis, and a draft round (2028–2031) with every region rated."""
    from types import SimpleNamespace

    from evaluations import services

    from .factories import all_yes, bibliometrics, rate_all

    users = {name: make_user(name, role, region) for name, (role, region) in ROLE_USERS.items()}
    finalized = make_round(name="2022/23", applies_from=2024, applies_to=2027, actor=users["vr"])
    rate_all(finalized, CODES, very_high={1: ["AAA", "BBB"], 2: ["CCC"], 3: ["AAA"]}, actor=users["vr"], findings=all_yes(CODES))
    for region in four_regions.values():
        bibliometrics(region, period=(2018, 2021), evaluation_round=finalized)
    finalized = services.evaluation_round_finalize(actor=users["vr"], evaluation_round=finalized, expected_version=None)
    draft = make_round(name="2026/27", applies_from=2028, applies_to=2031, actor=users["vr"])
    draft = rate_all(draft, CODES, very_high={1: ["AAA"], 2: ["AAA"], 3: ["BBB"]}, actor=users["vr"], findings=all_yes(CODES))
    return SimpleNamespace(users=users, finalized=finalized, draft=draft, regions=four_regions)
