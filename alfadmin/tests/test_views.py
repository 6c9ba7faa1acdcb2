"""Pages: the access matrix, bad input through the forms, and constant query counts."""

import pytest

from alfadmin.models import BudgetYear, ShareTable, StudentCount
from testsupport.pages import login_redirect

ROLES = ["admin", "guns", "guns2", "vr", "sth", "ore", "viewer"]
READ_PAGES = [
    "/",
    "/data/",
    "/data/regions/",
    "/data/regions/STH/",
    "/data/years/",
    "/data/students/",
    "/data/shares/",
    "/data/periods/",
    "/data/changes/",
]
EDIT_PAGES = ["/data/years/2024/edit/", "/data/years/new/", "/data/students/new/", "/data/shares/in_force/edit/"]


@pytest.fixture
def login(client, role_users):
    def as_user(username):
        client.force_login(role_users[username])
        return client

    return as_user


@pytest.mark.parametrize("url", READ_PAGES + EDIT_PAGES)
def test_anonymous_is_sent_to_the_login_page(registry_demo, client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == login_redirect(url)


@pytest.mark.parametrize("url", READ_PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_registry_pages(login, role, url):
    response = login(role).get(url)
    assert response.status_code == 200
    assert b"<title>" in response.content and b"<h1" in response.content


@pytest.mark.parametrize("url", EDIT_PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_only_admin_reaches_edit_pages(login, role, url):
    assert login(role).get(url).status_code == (200 if role == "admin" else 403)


@pytest.mark.parametrize("role", ROLES)
def test_edit_links_only_for_admin(login, role):
    content = login(role).get("/data/years/").content.decode()
    assert ("/data/years/2024/edit/" in content) is (role == "admin")


def test_period_edit_page_for_admin_only(login):
    pk = BudgetYear.objects.get(year=2024).period_id
    assert login("viewer").get(f"/data/periods/{pk}/edit/").status_code == 403
    assert login("admin").get(f"/data/periods/{pk}/edit/").status_code == 200


def test_share_sum_of_99_9_is_refused_on_the_page(login):
    table = ShareTable.objects.get(kind="in_force")
    data = {
        "version": table.version,
        "shares.STH": "30",
        "shares.UPP": "12",
        "shares.OST": "9",
        "shares.SKA": "17.5",
        "shares.VGR": "17.4",
        "shares.ORE": "5",
        "shares.VBN": "9",
    }
    response = login("admin").post("/data/shares/in_force/edit/", data)
    assert response.status_code == 400
    assert "Andelarna måste summera till exakt 100 % (nu 99.9 %)." in response.content.decode()
    assert ShareTable.objects.get(pk=table.pk).version == table.version


def test_non_number_students_are_refused_on_the_page(login):
    count = StudentCount.objects.get(region__code="STH", year=2024)
    response = login("admin").post(
        f"/data/students/{count.pk}/edit/",
        {"version": count.version, "region": count.region_id, "year": 2024, "planned_hst": "tvåtusen", "source": "entered"},
    )
    assert response.status_code == 400
    assert 'id="id_planned_hst_errors"' in response.content.decode()
    assert StudentCount.objects.get(pk=count.pk).planned_hst == count.planned_hst


def test_stale_edit_on_the_page_is_a_409_with_a_message(login):
    year = BudgetYear.objects.get(year=2030)
    client = login("admin")
    form = {
        "year": 2030, "period": year.period_id, "research_appropriation": 1, "education_basis": "rate",
        "plo_rate": "0.015", "source": "entered", "version": year.version, "reason": "test",
    }
    assert client.post("/data/years/2030/edit/", form).status_code == 302
    response = client.post("/data/years/2030/edit/", {**form, "research_appropriation": 2})
    assert response.status_code == 409
    assert BudgetYear.objects.get(year=2030).research_appropriation == 1


def test_saved_edit_appears_in_the_change_log(login):
    year = BudgetYear.objects.get(year=2031)
    client = login("admin")
    form = {
        "year": 2031, "period": year.period_id, "research_appropriation": 2_300_000_000, "education_basis": "rate",
        "plo_rate": "0.015", "source": "entered", "version": year.version, "reason": "Budget bill",
    }
    assert client.post("/data/years/2031/edit/", form).status_code == 302
    log = client.get("/data/changes/").content.decode()
    assert "admin" in log and "2031" in log and "Budget bill" in log


@pytest.mark.parametrize(
    "url", ["/data/years/", "/data/students/", "/data/regions/", "/data/shares/", "/data/regions/ORE/", "/data/changes/"]
)
def test_page_query_count_does_not_grow_with_rows(login, django_assert_max_num_queries, url):
    client = login("viewer")
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_swedish_by_default_and_english_on_request(login):
    client = login("viewer")
    assert '<html lang="sv">' in client.get("/data/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/data/"})
    assert '<html lang="en">' in client.get("/data/").content.decode()


def test_csp_and_security_headers(login):
    response = login("viewer").get("/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("kind", ["year", "student", "period"])
def test_edit_pages_fetch_from_the_scoped_lists_so_missing_is_404(login, kind):
    # Given an administrator, a record that exists and one that does not
    count = StudentCount.objects.first()
    period_pk = BudgetYear.objects.get(year=2024).period_id
    existing, missing = {
        "year": ("/data/years/2024/edit/", "/data/years/1999/edit/"),
        "student": (f"/data/students/{count.pk}/edit/", "/data/students/999999/edit/"),
        "period": (f"/data/periods/{period_pk}/edit/", "/data/periods/999999/edit/"),
    }[kind]
    client = login("admin")
    # Then the page of the existing record opens and the missing one is a 404
    assert client.get(existing).status_code == 200
    assert client.get(missing).status_code == 404
