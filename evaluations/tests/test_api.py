"""API: the access matrix of every endpoint, writes through the services, 400/409, filters,
and query counts that stay constant as rows grow."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evaluations import services
from evaluations.models import Bibliometrics, EvaluationRound, PanelRating

from .conftest import CODES, ROLE_USERS
from .factories import bibliometrics, make_round, rate_all

ROLES = list(ROLE_USERS)
WRITERS = {"admin", "vr"}
COLLECTIONS = ["/api/v1/evaluation-rounds/", "/api/v1/ratings/", "/api/v1/bibliometrics/"]


@pytest.fixture
def as_user(api_client, world):
    def login(username):
        api_client.force_authenticate(world.users[username])
        return api_client

    return login


def _rating(evaluation_round, code="CCC", panel=1):
    return PanelRating.objects.get(evaluation_round=evaluation_round, region__code=code, panel=panel)


@pytest.mark.parametrize("url", COLLECTIONS)
def test_anonymous_is_refused(world, api_client, url):
    assert api_client.get(url).status_code == 401
    assert api_client.post(url, {}, format="json").status_code == 401


def test_anonymous_cannot_act_on_a_round(world, api_client):
    for action in ("finalize", "reopen", "findings"):
        assert api_client.post(f"/api/v1/evaluation-rounds/{world.draft.pk}/{action}/", {}, format="json").status_code == 401


@pytest.mark.parametrize("url", COLLECTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_every_collection(as_user, role, url):
    response = as_user(role).get(url)
    assert response.status_code == 200
    assert response.json()["count"] > 0


@pytest.mark.parametrize("role", ROLES)
def test_only_vr_and_admin_create_rounds(as_user, role):
    payload = {
        "name": f"new-{role}",
        "evaluation_year_from": 2030,
        "evaluation_year_to": 2031,
        "applies_from": 2032,
        "applies_to": 2035,
        "model": "ds2024",
    }
    response = as_user(role).post("/api/v1/evaluation-rounds/", payload, format="json")
    assert response.status_code == (201 if role in WRITERS else 403)
    assert EvaluationRound.objects.filter(name=f"new-{role}").exists() is (role in WRITERS)
    if role in WRITERS:
        # A panel has a number and a name; its weight is the agreement period's, not the round's.
        assert [sorted(p) for p in response.json()["panels"]] == [["name", "number"]] * 3


@pytest.mark.parametrize("role", ROLES)
def test_only_vr_and_admin_change_a_draft_round(as_user, world, role):
    response = as_user(role).patch(
        f"/api/v1/evaluation-rounds/{world.draft.pk}/", {"name": "renamed", "version": world.draft.version}, format="json"
    )
    assert response.status_code == (200 if role in WRITERS else 403)
    assert EvaluationRound.objects.filter(name="renamed").exists() is (role in WRITERS)


@pytest.mark.parametrize("role", ROLES)
def test_only_vr_and_admin_change_ratings(as_user, world, role):
    rating = _rating(world.draft)
    response = as_user(role).patch(f"/api/v1/ratings/{rating.pk}/", {"rating": "inadequate", "version": rating.version, "reason": "test"}, format="json")
    assert response.status_code == (200 if role in WRITERS else 403)
    assert PanelRating.objects.get(pk=rating.pk).rating == ("inadequate" if role in WRITERS else "good_high")


@pytest.mark.parametrize("role", ROLES)
def test_only_vr_and_admin_create_and_delete_ratings(as_user, world, role):
    rating = _rating(world.draft, "DDD", 3)
    client = as_user(role)
    response = client.delete(f"/api/v1/ratings/{rating.pk}/?reason=test")
    assert response.status_code == (204 if role in WRITERS else 403)
    payload = {"evaluation_round": world.draft.pk, "region": "DDD", "panel": 3, "rating": "very_high", "justification": "Strong."}
    response = client.post("/api/v1/ratings/", payload, format="json")
    assert response.status_code == (201 if role in WRITERS else 403)
    assert _rating(world.draft, "DDD", 3).rating == ("very_high" if role in WRITERS else "good_high")


@pytest.mark.parametrize("role", ROLES)
def test_only_vr_and_admin_write_bibliometrics(as_user, world, role):
    payload = {
        "region": "DDD",
        "period_start": 2022,
        "period_end": 2025,
        "publications": "2000",
        "highly_cited": "180",
        "citation_impact": "9.0",
        "uncited_share": "17.0",
    }
    client = as_user(role)
    response = client.post("/api/v1/bibliometrics/", payload, format="json")
    assert response.status_code == (201 if role in WRITERS else 403)
    assert Bibliometrics.objects.filter(region__code="DDD", period_start=2022).exists() is (role in WRITERS)
    unlinked = bibliometrics(world.regions["CCC"], period=(2010, 2013))
    response = client.patch(f"/api/v1/bibliometrics/{unlinked.pk}/", {"highly_cited": "50", "version": unlinked.version, "reason": "test"}, format="json")
    assert response.status_code == (200 if role in WRITERS else 403)


@pytest.mark.parametrize("role", ROLES)
def test_only_vr_and_admin_finalize(as_user, world, role):
    response = as_user(role).post(f"/api/v1/evaluation-rounds/{world.draft.pk}/finalize/", {"version": world.draft.version}, format="json")
    assert response.status_code == (200 if role in WRITERS else 403)
    assert EvaluationRound.objects.get(pk=world.draft.pk).status == ("finalized" if role in WRITERS else "draft")


@pytest.mark.parametrize("role", ROLES)
def test_only_admin_reopens(as_user, world, role):
    response = as_user(role).post(
        f"/api/v1/evaluation-rounds/{world.finalized.pk}/reopen/", {"reason": "A typo in panel 2."}, format="json"
    )
    assert response.status_code == (200 if role == "admin" else 403)
    assert EvaluationRound.objects.get(pk=world.finalized.pk).status == ("draft" if role == "admin" else "finalized")


def test_reopen_without_a_reason_is_a_400(as_user, world):
    response = as_user("admin").post(f"/api/v1/evaluation-rounds/{world.finalized.pk}/reopen/", {"reason": ""}, format="json")
    assert response.status_code == 400 and "reason" in response.json()


@pytest.mark.parametrize("role", ROLES)
def test_findings_read_by_all_written_by_vr_and_admin(as_user, world, role):
    client = as_user(role)
    response = client.get(f"/api/v1/evaluation-rounds/{world.finalized.pk}/findings/")
    assert response.status_code == 200 and len(response.json()) == 4
    response = client.post(
        f"/api/v1/evaluation-rounds/{world.draft.pk}/findings/", {"region": "CCC", "realistic_plans": False, "reason": "test"}, format="json"
    )
    assert response.status_code == (200 if role in WRITERS else 403)


@pytest.mark.parametrize(
    ("role", "visible"),
    [("vr", set(CODES)), ("admin", set(CODES)), ("rep_a", {"AAA"}), ("rep_b", {"BBB"}), ("viewer", set()), ("guns", set())],
)
def test_draft_ratings_are_scoped(as_user, world, role, visible):
    client = as_user(role)
    response = client.get(f"/api/v1/ratings/?round={world.draft.pk}&page_size=500")
    assert {r["region"] for r in response.json()["results"]} == visible
    published = client.get(f"/api/v1/ratings/?round={world.finalized.pk}&page_size=500").json()["results"]
    assert len(published) == 12
    findings = client.get(f"/api/v1/evaluation-rounds/{world.draft.pk}/findings/").json()
    assert {f["region"] for f in findings} == visible


def test_a_hidden_draft_rating_is_a_404(as_user, world):
    rating = _rating(world.draft, "AAA")
    assert as_user("viewer").get(f"/api/v1/ratings/{rating.pk}/").status_code == 404
    assert as_user("rep_b").get(f"/api/v1/ratings/{rating.pk}/").status_code == 404
    assert as_user("rep_a").get(f"/api/v1/ratings/{rating.pk}/").status_code == 200


def test_finalize_with_four_very_high_is_a_400_naming_the_panel(as_user, world):
    rate_all(world.draft, CODES, very_high={1: ["AAA"], 2: CODES, 3: ["BBB"]})
    response = as_user("vr").post(f"/api/v1/evaluation-rounds/{world.draft.pk}/finalize/", {}, format="json")
    assert response.status_code == 400
    assert any("Panel 2" in m and "4 regions" in m for m in response.json()["ratings"])
    assert EvaluationRound.objects.get(pk=world.draft.pk).status == "draft"


def test_a_stale_rating_version_is_a_409_and_changes_nothing(as_user, world):
    rating = _rating(world.draft)
    client = as_user("vr")
    assert (
        client.patch(f"/api/v1/ratings/{rating.pk}/", {"rating": "very_high", "version": rating.version, "reason": "test"}, format="json").status_code == 200
    )
    response = client.patch(f"/api/v1/ratings/{rating.pk}/", {"rating": "inadequate", "version": rating.version, "reason": "test"}, format="json")
    assert response.status_code == 409
    assert response.json()["current_version"] == rating.version + 1
    assert PanelRating.objects.get(pk=rating.pk).rating == "very_high"


def test_a_stale_round_version_is_a_409(as_user, world):
    response = as_user("vr").post(
        f"/api/v1/evaluation-rounds/{world.draft.pk}/finalize/", {"version": world.draft.version - 1}, format="json"
    )
    assert response.status_code == 409
    assert EvaluationRound.objects.get(pk=world.draft.pk).status == "draft"


def test_editing_a_finalized_round_is_a_409(as_user, world):
    rating = _rating(world.finalized)
    client = as_user("vr")
    response = client.patch(f"/api/v1/ratings/{rating.pk}/", {"rating": "inadequate"}, format="json")
    assert response.status_code == 409 and "finalized" in response.json()["detail"]
    response = client.patch(f"/api/v1/evaluation-rounds/{world.finalized.pk}/", {"name": "x"}, format="json")
    assert response.status_code == 409
    basis = Bibliometrics.objects.filter(evaluation_round=world.finalized).first()
    assert client.patch(f"/api/v1/bibliometrics/{basis.pk}/", {"highly_cited": "1"}, format="json").status_code == 409


def test_bad_input_names_the_field(as_user, world):
    client = as_user("vr")
    response = client.post(
        "/api/v1/ratings/", {"evaluation_round": world.draft.pk, "region": "XXX", "panel": 4, "rating": "great"}, format="json"
    )
    assert response.status_code == 400
    assert {"region", "panel", "rating"} <= set(response.json())
    payload = {
        "region": "DDD",
        "period_start": 2022,
        "period_end": 2025,
        "publications": "10",
        "highly_cited": "20",
        "citation_impact": "140",
        "uncited_share": "1",
    }
    response = client.post("/api/v1/bibliometrics/", payload, format="json")
    assert response.status_code == 400 and "citation_impact" in response.json()
    response = client.post("/api/v1/bibliometrics/", {**payload, "citation_impact": "14"}, format="json")
    assert response.status_code == 400 and "highly_cited" in response.json()
    panels = [{"number": 1, "name": "A"}, {"number": 2, "name": "B"}, {"number": 4, "name": "D"}]
    response = client.patch(f"/api/v1/evaluation-rounds/{world.draft.pk}/", {"panels": panels}, format="json")
    assert response.status_code == 400 and "panels" in response.json()


def test_filters(as_user, world):
    client = as_user("vr")
    assert [r["name"] for r in client.get("/api/v1/evaluation-rounds/?year=2025").json()["results"]] == ["2022/23"]
    assert [r["name"] for r in client.get("/api/v1/evaluation-rounds/?status=draft").json()["results"]] == ["2026/27"]
    ratings = client.get("/api/v1/ratings/?year=2025&panel=1&rating=very_high").json()["results"]
    assert sorted(r["region"] for r in ratings) == ["AAA", "BBB"]
    assert {r["region"] for r in client.get("/api/v1/ratings/?region=aaa").json()["results"]} == {"AAA"}
    assert client.get(f"/api/v1/ratings/?round={world.finalized.pk}&panel=2").json()["count"] == 4
    assert client.get("/api/v1/bibliometrics/?year=2020").json()["count"] == 4
    assert client.get("/api/v1/bibliometrics/?year=2023").json()["count"] == 0
    assert client.get(f"/api/v1/bibliometrics/?round={world.finalized.pk}&region=AAA").json()["count"] == 1


def _more_rows(world, n):
    vr = world.users["vr"]
    evaluation_round = make_round(name=f"extra-{n}", applies_from=2040 + 4 * n, applies_to=2043 + 4 * n, actor=vr)
    rate_all(evaluation_round, CODES, actor=vr)
    for region in world.regions.values():
        bibliometrics(region, period=(2030 + n, 2030 + n), evaluation_round=evaluation_round)
    services.evaluation_round_finalize(actor=vr, evaluation_round=evaluation_round, expected_version=None)


@pytest.mark.parametrize("url", COLLECTIONS)
def test_list_query_counts_are_constant(as_user, world, url, django_assert_max_num_queries):
    client = as_user("rep_a")
    with django_assert_max_num_queries(4):
        client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url + "?page_size=500")
    _more_rows(world, 1)
    _more_rows(world, 2)
    with CaptureQueriesContext(connection) as after:
        response = client.get(url + "?page_size=500")
    assert response.json()["count"] > 0
    assert len(after) == len(before), [q["sql"] for q in after.captured_queries]


def test_findings_written_on_a_stale_version_are_409_naming_the_change_and_keep_the_stored_ones(as_user, world):
    client = as_user("vr")
    url = f"/api/v1/evaluation-rounds/{world.draft.pk}/findings/"
    first = client.post(url, {"region": "CCC", "realistic_plans": True, "reason": "test"}, format="json").json()
    second = client.post(url, {"region": "CCC", "realistic_plans": False, "version": first["version"], "reason": "test"}, format="json")
    assert second.status_code == 200
    stale = client.post(url, {"region": "CCC", "realistic_plans": True, "version": first["version"], "reason": "test"}, format="json")
    assert stale.status_code == 409
    assert stale.json()["changed"]["realistic_plans"]["new"] == "False"
    stored = {f["region"]: f for f in client.get(url).json()}["CCC"]
    assert stored["realistic_plans"] is False
