"""load_demo: the figures of alf-figures.md, the demo users, and idempotence."""

from decimal import Decimal

from django.core.management import call_command
from django.db.models import Sum

from alfadmin.models import BudgetYear, Region, ResearchShare, Role, StudentCount, User
from guns.models import GunsMember


def _counts():
    return (
        Region.objects.count(),
        BudgetYear.objects.count(),
        StudentCount.objects.count(),
        User.objects.count(),
        GunsMember.objects.count(),
    )


def test_demo_is_idempotent(demo):
    before = _counts()
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _counts() == before == (7, 17, 7 * 17, 7, 28)


def test_demo_2024_matches_the_memo(demo):
    year = BudgetYear.objects.get(year=2024)
    assert year.total_appropriation == 2_708_000_000
    assert year.research_appropriation == 2_020_000_000
    assert StudentCount.objects.filter(year=2024).aggregate(s=Sum("planned_hst"))["s"] == Decimal("8242")
    assert year.source == "memo"


def test_demo_shares_sum_to_100(demo):
    for kind in ("in_force", "alf2015"):
        assert ResearchShare.objects.filter(table__kind=kind).aggregate(s=Sum("percent"))["s"] == Decimal("100")


def test_demo_users_have_their_roles(demo):
    roles = {u.username: (u.role, u.region.code if u.region else None) for u in User.objects.select_related("region")}
    assert roles == {
        "admin": (Role.ADMIN, None),
        "guns": (Role.GUNS, None),
        "guns2": (Role.GUNS, None),
        "vr": (Role.VR, None),
        "sth": (Role.REPORTER, "STH"),
        "ore": (Role.REPORTER, "ORE"),
        "viewer": (Role.VIEWER, None),
    }
    assert User.objects.get(username="admin").is_superuser
    assert all(u.check_password("demo") for u in User.objects.all())
    assert GunsMember.objects.get(is_chair=True).user.username == "guns"


def test_provenance_is_kept(demo):
    assert StudentCount.objects.get(region__code="OST", year=2015).source == "public"
    assert BudgetYear.objects.get(year=2030).source == "projection"
