"""Registry API: authentication, the access matrix, validation naming fields, 409 on stale versions."""

import pytest

from alfadmin.models import BudgetYear, StudentCount

ROLES = ["admin", "guns", "guns2", "vr", "sth", "ore", "viewer"]
COLLECTIONS = ["/api/v1/regions/", "/api/v1/students/", "/api/v1/appropriations/"]


@pytest.fixture
def as_user(api_client, role_users):
    def login(username):
        api_client.force_authenticate(role_users[username])
        return api_client

    return login


def test_token_authentication(registry_demo, api_client):
    response = api_client.post("/api/v1/auth/token/", {"username": "viewer", "password": "demo"}, format="json")
    assert response.status_code == 200
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api_client.get("/api/v1/regions/").status_code == 200


def test_token_with_wrong_password_is_refused(registry_demo, api_client):
    response = api_client.post("/api/v1/auth/token/", {"username": "viewer", "password": "wrong"}, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


@pytest.mark.parametrize("url", COLLECTIONS)
def test_anonymous_is_refused(registry_demo, api_client, url):
    assert api_client.get(url).status_code == 401


@pytest.mark.parametrize("url", COLLECTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_every_collection(as_user, role, url):
    response = as_user(role).get(url)
    assert response.status_code == 200
    assert response.json()["count"] > 0


@pytest.mark.parametrize("role", ROLES)
def test_only_admin_writes_students(as_user, role):
    count = StudentCount.objects.get(region__code="STH", year=2030)
    response = as_user(role).patch(f"/api/v1/students/{count.pk}/", {"planned_hst": "2001", "version": count.version, "reason": "test"}, format="json")
    assert response.status_code == (200 if role == "admin" else 403)
    count.refresh_from_db()
    assert count.planned_hst == (2001 if role == "admin" else 2000)


@pytest.mark.parametrize("role", ROLES)
def test_only_admin_writes_appropriations(as_user, role):
    response = as_user(role).patch("/api/v1/appropriations/2030/", {"research_appropriation": 1, "reason": "test"}, format="json")
    assert response.status_code == (200 if role == "admin" else 403)


@pytest.mark.parametrize("role", ROLES)
def test_only_admin_renames_regions(as_user, role):
    response = as_user(role).patch("/api/v1/regions/ORE/", {"name": "Region Örebro"}, format="json")
    assert response.status_code == (200 if role == "admin" else 403)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"planned_hst": "-5"}, "planned_hst"),
        ({"planned_hst": "många"}, "planned_hst"),
        ({"actual_hst": "-1"}, "actual_hst"),
    ],
)
def test_bad_student_input_names_the_field_and_changes_nothing(as_user, payload, field):
    count = StudentCount.objects.get(region__code="ORE", year=2024)
    response = as_user("admin").patch(f"/api/v1/students/{count.pk}/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    fresh = StudentCount.objects.get(pk=count.pk)
    assert (fresh.planned_hst, fresh.actual_hst, fresh.version) == (count.planned_hst, count.actual_hst, count.version)


def test_unknown_region_code_names_the_field(as_user):
    response = as_user("admin").post("/api/v1/students/", {"region": "XYZ", "year": 2032, "planned_hst": "10"}, format="json")
    assert response.status_code == 400
    assert "region" in response.json()


def test_duplicate_student_row_is_a_field_error(as_user):
    response = as_user("admin").post("/api/v1/students/", {"region": "STH", "year": 2024, "planned_hst": "10"}, format="json")
    assert response.status_code == 400
    assert response.json()


def test_stale_version_gives_409_with_what_changed(as_user):
    year = BudgetYear.objects.get(year=2031)
    client = as_user("admin")
    first = client.patch("/api/v1/appropriations/2031/", {"research_appropriation": 5, "version": year.version, "reason": "first"}, format="json")
    assert first.status_code == 200
    second = client.patch("/api/v1/appropriations/2031/", {"research_appropriation": 6, "version": year.version, "reason": "second"}, format="json")
    assert second.status_code == 409
    body = second.json()
    assert body["current_version"] == year.version + 1
    assert "research_appropriation" in body["changed"]
    assert BudgetYear.objects.get(year=2031).research_appropriation == 5


def test_filters_and_pagination(as_user):
    client = as_user("viewer")
    body = client.get("/api/v1/students/", {"region": "ore", "year_from": 2024, "year_to": 2025}).json()
    assert body["count"] == 2
    assert {row["region"] for row in body["results"]} == {"ORE"}
    assert client.get("/api/v1/appropriations/", {"year": 2024}).json()["results"][0]["total_appropriation"] == 2_708_000_000
    assert client.get("/api/v1/students/", {"page": 2}).json()["previous"] is not None


@pytest.mark.parametrize("url", COLLECTIONS)
def test_list_query_count_is_constant(as_user, django_assert_max_num_queries, url):
    client = as_user("viewer")
    with django_assert_max_num_queries(6):
        assert client.get(url, {"page_size": 100}).status_code == 200


def test_schema_and_docs(registry_demo, api_client):
    schema = api_client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in ("/api/v1/regions/", "/api/v1/students/", "/api/v1/appropriations/"):
        assert path in paths
    assert api_client.get("/api/v1/docs/").status_code == 200


def test_healthz_without_auth(db, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] == "ok"
