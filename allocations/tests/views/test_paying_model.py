"""The model in force: each year is paid by its agreement period's model; the other is a
comparison, labelled so on the pages, the exports and the API."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from alfadmin.models import User
from allocations import selectors, services


@pytest.fixture
def viewer(client, demo):
    client.force_login(User.objects.get(username="viewer"))
    return client


def test_the_demo_pays_alf2015_to_2027_and_ds2024_from_2028(demo):
    assert [selectors.paying_model(year=y) for y in (2024, 2027, 2028, 2031)] == ["alf2015", "alf2015", "ds2024", "ds2024"]
    assert selectors.paying_models(user=User.objects.get(username="viewer"))[2030] == "ds2024"


def test_the_overview_opens_on_the_paying_model_and_labels_the_other_a_comparison(viewer):
    page = viewer.get("/allocations/?year=2025").content.decode()
    assert 'data-testid="model-role"' in page and "modellen som betalar" in page
    other = viewer.get("/allocations/?year=2025&model=ds2024").content.decode()
    assert "jämförelse, betalas inte" in other


def test_the_api_names_each_items_role(viewer):
    items = viewer.get("/api/v1/allocations/?year=2025").json()["allocations"]
    roles = {item["model"]: item["role"] for item in items}
    assert roles == {"alf2015": "paying", "ds2024": "comparison"}


def test_the_export_says_whether_the_model_pays(viewer):
    workbook = load_workbook(io.BytesIO(viewer.get("/allocations/2025/export.xlsx?model=ds2024").content))
    facts = {row[0]: row[1] for row in workbook["Körning"].iter_rows(values_only=True)}
    assert facts["Roll"] == "jämförelse (betalas inte)"


def test_a_publication_keeps_the_model_it_paid_even_if_the_period_changes_later(demo):
    from alfadmin.models import AgreementPeriod

    admin = User.objects.get(username="admin")
    publication = services.year_publish(actor=admin, year=2025)
    if not publication.is_published:  # the publisher changed the inputs last: a second administrator confirms
        other = User.objects.create_user(username="admin2", password="pw-for-tests-1", role="admin", is_staff=True)
        publication = services.year_confirm(actor=other, year=2025)
    assert publication.paying_model == "alf2015"
    AgreementPeriod.objects.filter(years__year=2025).update(research_model="ds2024")
    assert selectors.paying_model(year=2025, publication=publication) == "alf2015"
    assert selectors.paying_model(year=2025) == "ds2024"
