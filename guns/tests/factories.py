"""Factories for GUNS tests: seats filled on demand, meetings with given attendance, decisions in a state."""

import datetime

import factory

from alfadmin.models import Role, User
from allocations.models import AllocationLine, AllocationRun, CurrentAllocation
from guns.models import Decision, GunsMember, Meeting


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.GUNS


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GunsMember

    name = factory.Sequence(lambda n: f"Ledamot {n}")
    side = GunsMember.Side.REGION
    role = GunsMember.Role.MEMBER
    term_start = datetime.date(2024, 1, 1)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting
        skip_postgeneration_save = True

    date = datetime.date(2025, 3, 1)
    title = factory.Sequence(lambda n: f"Möte {n}")

    @factory.post_generation
    def present(self, create, extracted, **kwargs):
        if extracted:
            self.attendees.set(extracted)


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    title = factory.Sequence(lambda n: f"Beslut {n}")
    kind = Decision.Kind.OTHER
    text = "Text"


def funding(amount: int, year: int = 2025, **kwargs) -> Decision:
    return DecisionFactory(kind=Decision.Kind.NATIONAL_INITIATIVE, amount=amount, pot_year=year, **kwargs)


def pot_income(year: int, set_aside: int, forfeited: int = 0) -> AllocationRun:
    """A current Ds 2024 run for `year` whose `guns` lines give the pot this income."""
    run = AllocationRun.objects.create(
        year=year,
        model="ds2024",
        status="succeeded",
        inputs={},
        input_hash=f"test-{year}-{set_aside}-{forfeited}",
        engine_version="test",
        result={},
    )
    for line, amount in (("set_aside", set_aside), ("forfeited", forfeited), ("total", set_aside + forfeited)):
        AllocationLine.objects.create(run=run, part="guns", region_code="", line=line, amount=amount)
    CurrentAllocation.objects.update_or_create(year=year, model="ds2024", defaults={"run": run, "failed_run": None})
    return run
