"""The registry factories make rows that pass the models' own validation, so tests built on
them start from valid data."""

from decimal import Decimal

import pytest

from alfadmin.models import EducationBasis, Role, ShareTable
from alfadmin.tests.factories import (
    TEST_PASSWORD,
    AgreementPeriodFactory,
    BudgetYearFactory,
    RegionFactory,
    ResearchShareFactory,
    StudentCountFactory,
    UserFactory,
    share_table,
)

pytestmark = pytest.mark.django_db


def test_every_registry_factory_makes_a_valid_row():
    region = RegionFactory(code="AAA")
    rows = [
        region,
        region.university,
        AgreementPeriodFactory(),
        BudgetYearFactory(year=2024),
        BudgetYearFactory(year=2023, by_appropriation=True),
        StudentCountFactory(region=region, year=2024),
        ResearchShareFactory(region=region, percent=Decimal("100")),
        UserFactory(role=Role.REPORTER, region=region),
    ]
    for row in rows:
        row.full_clean()
    assert region.university.code == "UAAA"
    assert rows[4].education_basis == EducationBasis.APPROPRIATION and rows[4].education_appropriation == 150_000_000


def test_a_region_code_made_twice_is_the_same_region():
    assert RegionFactory(code="BBB").pk == RegionFactory(code="BBB").pk


def test_share_table_holds_one_share_per_region():
    a, b = RegionFactory(code="AAA"), RegionFactory(code="BBB")
    table = share_table(ShareTable.Kind.ALF2015, {a: Decimal("60"), b: Decimal("40")})
    assert dict(table.shares.values_list("region__code", "percent")) == {"AAA": Decimal("60"), "BBB": Decimal("40")}


def test_a_factory_user_signs_in_with_the_test_password(client):
    user = UserFactory(username="rep", role=Role.REPORTER, region=RegionFactory(code="AAA"))
    assert user.check_password(TEST_PASSWORD)
    response = client.post("/login/", {"username": "rep", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
