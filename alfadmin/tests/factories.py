"""Factories for the registry (alfadmin.models). They write rows directly (no history or
outbox rows); a change under test goes through the services, as in real use.

Codes and names are unique per test by sequence; factories with `django_get_or_create`
return the existing row for a code or name already made."""

from decimal import Decimal

import factory

from alfadmin.models import (
    AgreementPeriod,
    BudgetYear,
    EducationBasis,
    Region,
    ResearchShare,
    Role,
    ShareTable,
    StudentCount,
    University,
    User,
)

TEST_PASSWORD = "pw-for-tests-1"  # noqa: S105 - the one password of every test user


class UniversityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = University
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"U{n}")
    name = factory.Sequence(lambda n: f"University {n}")


class RegionFactory(factory.django.DjangoModelFactory):
    """A region and its university (code "U" + the region's code)."""

    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"R{n:02d}")
    name = factory.LazyAttribute(lambda o: f"Region {o.code}")
    university = factory.SubFactory(
        UniversityFactory,
        code=factory.LazyAttribute(lambda o: f"U{o.factory_parent.code}"),
        name=factory.LazyAttribute(lambda o: f"University {o.factory_parent.code}"),
    )


class AgreementPeriodFactory(factory.django.DjangoModelFactory):
    """The ALF 2015 agreement with the model defaults; override the parameters a test needs."""

    class Meta:
        model = AgreementPeriod
        django_get_or_create = ["name"]

    name = "ALF 2015"
    start_year = 2015
    end_year = 2035


class BudgetYearFactory(factory.django.DjangoModelFactory):
    """A year paid by a rate per full-year student (the PLO-derived rate when rate_per_hst is None)."""

    class Meta:
        model = BudgetYear
        django_get_or_create = ["year"]

    year = factory.Sequence(lambda n: 2023 + n)
    period = factory.SubFactory(AgreementPeriodFactory)
    research_appropriation = 1_000_000_000
    education_basis = EducationBasis.RATE
    education_appropriation = None
    rate_per_hst = None
    plo_rate = Decimal("0.015")

    class Params:
        by_appropriation = factory.Trait(education_basis=EducationBasis.APPROPRIATION, education_appropriation=150_000_000)


class StudentCountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StudentCount

    region = factory.SubFactory(RegionFactory)
    year = 2024
    planned_hst = Decimal("1000")
    actual_hst = factory.SelfAttribute("planned_hst")


class ShareTableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShareTable
        django_get_or_create = ["kind"]

    kind = ShareTable.Kind.IN_FORCE
    name = factory.LazyAttribute(lambda o: str(o.kind))


class ResearchShareFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResearchShare

    table = factory.SubFactory(ShareTableFactory)
    region = factory.SubFactory(RegionFactory)
    percent = Decimal("50")


def share_table(kind: str, shares: dict[Region, Decimal]) -> ShareTable:
    """A share table of `kind` with one research share per region."""
    table = ShareTableFactory(kind=kind)
    for region, percent in shares.items():
        ResearchShareFactory(table=table, region=region, percent=percent)
    return table


class UserFactory(factory.django.DjangoModelFactory):
    """A user with a role (viewer by default); a reporter needs `region`. Password TEST_PASSWORD."""

    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.VIEWER
    region = None
    password = factory.django.Password(TEST_PASSWORD)
