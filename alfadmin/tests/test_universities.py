"""Universities as registry records: pages and `/api/v1/universities/` (access matrix, 409,
filters, pagination, query counts) and GUNS's seat shown on the university page through the
kernel's record-card hook (the registry does not import guns)."""

import pytest
from django.urls import reverse

from alfadmin.models import University
from guns.models import GunsMember
from testsupport.pages import login_redirect

ROLES = ["admin", "guns", "guns2", "vr", "sth", "ore", "viewer"]


@pytest.fixture
def login(client, role_users):
    def as_user(username):
        client.force_login(role_users[username])
        return client

    return as_user


@pytest.fixture
def as_api_user(api_client, role_users):
    def login(username):
        api_client.force_authenticate(role_users[username])
        return api_client

    return login


# --- pages ------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/data/universities/", "/data/universities/KI/", "/data/universities/new/", "/data/universities/KI/edit/"])
def test_anonymous_is_sent_to_the_login_page(registry_demo, client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == login_redirect(url)


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_university_pages(login, role):
    client = login(role)
    listing = client.get("/data/universities/")
    assert listing.status_code == 200
    assert "Karolinska institutet" in listing.content.decode()
    detail = client.get("/data/universities/KI/").content.decode()
    assert reverse("region-detail", args=["STH"]) in detail  # its region
    assert ("/data/universities/KI/edit/" in detail) is (role == "admin")


@pytest.mark.parametrize("role", ROLES)
def test_only_admin_reaches_the_edit_pages(login, role):
    client = login(role)
    assert client.get("/data/universities/new/").status_code == (200 if role == "admin" else 403)
    assert client.get("/data/universities/KI/edit/").status_code == (200 if role == "admin" else 403)


def test_unknown_university_is_404(login):
    assert login("viewer").get("/data/universities/NOPE/").status_code == 404


def test_admin_edits_a_university_with_history(login):
    university = University.objects.get(code="KI")
    response = login("admin").post(
        "/data/universities/KI/edit/",
        {"code": "KI", "name": "Karolinska Institutet", "source": university.source, "version": university.version},
    )
    assert response.status_code == 302
    university.refresh_from_db()
    assert (university.name, university.version) == ("Karolinska Institutet", 2)
    assert university.history.count() == 2


def test_stale_edit_page_is_409_and_changes_nothing(login):
    university = University.objects.get(code="KI")
    client = login("admin")
    data = {"code": "KI", "name": "First", "source": university.source, "version": university.version}
    assert client.post("/data/universities/KI/edit/", data).status_code == 302
    second = client.post("/data/universities/KI/edit/", {**data, "name": "Second"})
    assert second.status_code == 409
    assert University.objects.get(code="KI").name == "First"


def test_the_university_page_shows_its_guns_seat_and_the_seat_links_back(login):
    member = GunsMember.objects.get(region__code="STH", side="university", role="member", is_active=True)
    substitute = GunsMember.objects.get(region__code="STH", side="university", role="substitute", is_active=True)
    client = login("viewer")
    page = client.get("/data/universities/KI/").content.decode()
    assert member.name in page and substitute.name in page
    assert reverse("guns:index") in page
    # the GUNS side links back to the university: the seat list and (administrators) the member page
    assert reverse("university-detail", args=["KI"]) in client.get(reverse("guns:index")).content.decode()
    admin_page = login("admin").get(reverse("guns:member_edit", args=[member.pk])).content.decode()
    assert reverse("university-detail", args=["KI"]) in admin_page


def test_the_region_side_member_is_not_the_universitys_seat(login):
    region_member = GunsMember.objects.get(region__code="STH", side="region", role="member", is_active=True)
    assert region_member.name not in login("viewer").get("/data/universities/KI/").content.decode()


def test_data_index_and_region_pages_link_to_universities(login):
    client = login("viewer")
    assert reverse("universities") in client.get("/data/").content.decode()
    assert reverse("university-detail", args=["KI"]) in client.get("/data/regions/").content.decode()
    assert reverse("university-detail", args=["KI"]) in client.get("/data/regions/STH/").content.decode()


def test_pages_query_count_is_constant(login, django_assert_max_num_queries):
    client = login("viewer")
    with django_assert_max_num_queries(8):
        assert client.get("/data/universities/").status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get("/data/universities/KI/").status_code == 200
    University.objects.create(code="NEW1", name="Ny högskola 1")
    University.objects.create(code="NEW2", name="Ny högskola 2")
    with django_assert_max_num_queries(8):
        assert client.get("/data/universities/").status_code == 200


# --- API --------------------------------------------------------------------------------------


def test_anonymous_api_is_refused(registry_demo, api_client):
    assert api_client.get("/api/v1/universities/").status_code == 401


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_universities(as_api_user, role):
    client = as_api_user(role)
    body = client.get("/api/v1/universities/").json()
    assert body["count"] == University.objects.count() == 7
    ki = client.get("/api/v1/universities/KI/").json()
    assert (ki["code"], ki["name"], ki["region"]) == ("KI", "Karolinska institutet", "STH")
    assert ki["version"] == 1


@pytest.mark.parametrize("role", ROLES)
def test_only_admin_creates_and_updates(as_api_user, role):
    client = as_api_user(role)
    created = client.post("/api/v1/universities/", {"code": "MDU", "name": "Mälardalens universitet"}, format="json")
    assert created.status_code == (201 if role == "admin" else 403)
    assert University.objects.filter(code="MDU").exists() is (role == "admin")
    if role == "admin":
        assert created.json()["region"] is None
    updated = client.patch("/api/v1/universities/ORU/", {"name": "Örebro universitet (ny)", "version": 1}, format="json")
    assert updated.status_code == (200 if role == "admin" else 403)
    assert (University.objects.get(code="ORU").name == "Örebro universitet (ny)") is (role == "admin")


def test_api_writes_go_through_the_service_with_history(as_api_user):
    as_api_user("admin").patch("/api/v1/universities/ORU/", {"name": "Ändrat"}, format="json")
    university = University.objects.get(code="ORU")
    assert university.version == 2
    assert university.history.first().history_user.username == "admin"


def test_stale_version_gives_409_with_what_changed(as_api_user):
    client = as_api_user("admin")
    assert client.patch("/api/v1/universities/UU/", {"name": "A", "version": 1}, format="json").status_code == 200
    second = client.patch("/api/v1/universities/UU/", {"name": "B", "version": 1}, format="json")
    assert second.status_code == 409
    body = second.json()
    assert body["current_version"] == 2
    assert "name" in body["changed"]
    assert University.objects.get(code="UU").name == "A"


def test_duplicate_code_names_the_field(as_api_user):
    response = as_api_user("admin").post("/api/v1/universities/", {"code": "KI", "name": "Twin"}, format="json")
    assert response.status_code == 400
    assert "code" in response.json()
    assert University.objects.filter(code="KI").count() == 1


def test_filter_by_code_and_pagination(as_api_user):
    client = as_api_user("viewer")
    body = client.get("/api/v1/universities/", {"code": "ki"}).json()
    assert [row["code"] for row in body["results"]] == ["KI"]
    paged = client.get("/api/v1/universities/", {"page_size": 3, "page": 2}).json()
    assert paged["count"] == 7 and len(paged["results"]) == 3 and paged["previous"] is not None


def test_api_list_query_count_is_constant(as_api_user, django_assert_max_num_queries):
    client = as_api_user("viewer")
    with django_assert_max_num_queries(4):
        assert client.get("/api/v1/universities/", {"page_size": 100}).status_code == 200
    for n in range(5):
        University.objects.create(code=f"X{n}", name=f"Extra {n}")
    with django_assert_max_num_queries(4):
        assert client.get("/api/v1/universities/", {"page_size": 100}).status_code == 200
