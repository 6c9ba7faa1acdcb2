"""Pages: the access matrix, the grid with its live check, finalize and reopen on the round
page, and query counts that stay constant as rows grow."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from allocations.models import RecomputeRequest
from evaluations.models import EvaluationRound, PanelRating, RegionFindings, RoundReopening
from testsupport.pages import login_redirect

from .conftest import CODES, ROLE_USERS
from .factories import bibliometrics, make_round, rate_all

ROLES = list(ROLE_USERS)
EDITORS = {"admin", "vr"}


@pytest.fixture
def login(client, world):
    def as_user(username):
        client.force_login(world.users[username])
        return client

    return as_user


def read_pages(world):
    return [
        "/evaluations/",
        f"/evaluations/rounds/{world.finalized.pk}/",
        f"/evaluations/rounds/{world.draft.pk}/",
        f"/evaluations/rounds/{world.finalized.pk}/follow-up/",
        f"/evaluations/rounds/{world.draft.pk}/follow-up/",
        "/evaluations/regions/AAA/",
        "/evaluations/bibliometrics/",
    ]


def edit_pages(world):
    row = bibliometrics(world.regions["DDD"], period=(2010, 2013))
    return [
        "/evaluations/rounds/new/",
        f"/evaluations/rounds/{world.draft.pk}/edit/",
        f"/evaluations/rounds/{world.draft.pk}/grid/",
        "/evaluations/bibliometrics/new/",
        f"/evaluations/bibliometrics/{row.pk}/edit/",
        "/evaluations/bibliometrics/import/",
        "/evaluations/bibliometrics/import/template.csv",
        "/evaluations/co-publications/new/",
    ]


def test_anonymous_is_sent_to_the_login_page(world, client):
    for url in read_pages(world) + edit_pages(world):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == login_redirect(url)
    for url in [f"/evaluations/rounds/{world.draft.pk}/finalize/", f"/evaluations/rounds/{world.finalized.pk}/reopen/"]:
        response = client.post(url)
        assert response.status_code == 302, url
        assert response["Location"] == login_redirect(url)
    assert EvaluationRound.objects.get(pk=world.draft.pk).status == "draft"


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_pages(login, world, role):
    client = login(role)
    for url in read_pages(world):
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        assert "<title>" in content and "<h1" in content and 'class="breadcrumbs"' in content, url


@pytest.mark.parametrize("role", ROLES)
def test_only_vr_and_admin_reach_the_edit_pages(login, world, role):
    client = login(role)
    for url in edit_pages(world):
        assert client.get(url).status_code == (200 if role in EDITORS else 403), url


@pytest.mark.parametrize("role", ROLES)
def test_edit_links_and_buttons_only_for_editors(login, world, role):
    content = login(role).get(f"/evaluations/rounds/{world.draft.pk}/").content.decode()
    assert (f"/evaluations/rounds/{world.draft.pk}/grid/" in content) is (role in EDITORS)
    assert ('data-testid="finalize"' in content) is (role in EDITORS)
    content = login(role).get(f"/evaluations/rounds/{world.finalized.pk}/").content.decode()
    assert ("/reopen/" in content) is (role == "admin")
    assert 'data-testid="finalize"' not in content


@pytest.mark.parametrize("role", ROLES)
def test_only_vr_and_admin_finalize_on_the_page(login, world, role):
    response = login(role).post(f"/evaluations/rounds/{world.draft.pk}/finalize/", {"version": world.draft.version, "confirmed": "yes"})
    assert response.status_code == (302 if role in EDITORS else 403)
    assert EvaluationRound.objects.get(pk=world.draft.pk).status == ("finalized" if role in EDITORS else "draft")


@pytest.mark.parametrize("role", ROLES)
def test_only_admin_reopens_on_the_page(login, world, role):
    response = login(role).post(f"/evaluations/rounds/{world.finalized.pk}/reopen/", {"reason": "Wrong rating of CCC"})
    assert response.status_code == (302 if role == "admin" else 403)
    assert EvaluationRound.objects.get(pk=world.finalized.pk).status == ("draft" if role == "admin" else "finalized")
    assert RoundReopening.objects.exists() is (role == "admin")


@pytest.mark.parametrize(("role", "visible"), [("viewer", []), ("guns", []), ("rep_a", ["AAA"]), ("rep_b", ["BBB"]), ("vr", CODES)])
def test_draft_results_on_the_page_are_scoped(login, world, role, visible):
    matrix = login(role).get(f"/evaluations/rounds/{world.draft.pk}/").context["matrix"]
    assert [r.region.code for r in matrix.rows if not r.hidden] == visible


def grid_data(world, overrides=None):
    data = {"version": EvaluationRound.objects.get(pk=world.draft.pk).version}
    for code in CODES:
        for panel in (1, 2, 3):
            rating = _rating(world.draft, code, panel)
            data[f"rating-{code}-{panel}"] = rating.rating
            data[f"justification-{code}-{panel}"] = rating.justification
        for finding in ("development_areas", "realistic_plans", "previous_acted_on"):
            data[f"{finding}-{code}"] = "yes"
            data[f"{finding}_comment-{code}"] = ""
    data.update(overrides or {})
    return data


def _rating(evaluation_round, code, panel):
    return PanelRating.objects.get(evaluation_round=evaluation_round, region__code=code, panel=panel)


def test_the_grid_saves_ratings_findings_and_history(login, world):
    data = grid_data(
        world,
        {
            "rating-CCC-2": "very_high",
            "justification-CCC-2": "Outstanding",
            "realistic_plans-DDD": "no",
            "realistic_plans_comment-DDD": "Vague",
            "reason": "Panel 2 revised",
        },
    )
    response = login("vr").post(f"/evaluations/rounds/{world.draft.pk}/grid/", data)
    assert response.status_code == 302
    rating = _rating(world.draft, "CCC", 2)
    assert (rating.rating, rating.justification) == ("very_high", "Outstanding")
    assert rating.history.first().history_user == world.users["vr"]
    findings = RegionFindings.objects.get(evaluation_round=world.draft, region__code="DDD")
    assert (findings.realistic_plans, findings.realistic_plans_comment, findings.plans_ok) == (False, "Vague", False)
    history = login("vr").get(f"/evaluations/rounds/{world.draft.pk}/").content.decode()
    assert "vr" in history and "CCC" in history


def test_a_stale_grid_is_a_409_and_saves_nothing(login, world):
    data = grid_data(world, {"rating-CCC-2": "very_high"})
    data["version"] -= 1
    response = login("vr").post(f"/evaluations/rounds/{world.draft.pk}/grid/", data)
    assert response.status_code == 409
    assert _rating(world.draft, "CCC", 2).rating == "good_high"


def test_the_grid_of_a_finalized_round_is_refused(login, world):
    response = login("vr").post(f"/evaluations/rounds/{world.finalized.pk}/grid/", {"rating-AAA-1": "inadequate"})
    assert response.status_code == 302
    assert _rating(world.finalized, "AAA", 1).rating == "very_high"


def test_the_live_check_warns_per_panel_without_saving(login, world):
    data = grid_data(world, {f"rating-{code}-2": "very_high" for code in CODES})
    response = login("vr").post(f"/evaluations/rounds/{world.draft.pk}/grid/check/", data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Panel 2" in content and "4 regions rated very high" in content and "1–3" in content
    assert "<html" not in content  # a partial
    assert _rating(world.draft, "BBB", 2).rating == "good_high"
    ok = login("vr").post(f"/evaluations/rounds/{world.draft.pk}/grid/check/", grid_data(world)).content.decode()
    assert "can be finalized" in ok


def test_the_live_check_is_for_editors_only(login, world):
    assert login("viewer").post(f"/evaluations/rounds/{world.draft.pk}/grid/check/", grid_data(world)).status_code == 403


def test_the_page_says_which_model_the_round_serves(login, world):
    alf = login("vr").get(f"/evaluations/rounds/{world.draft.pk}/grid/").content.decode()
    assert "ALF 2015 model" in alf and "1–3" in alf
    ds = make_round(name="ds", model="ds2024", applies_from=2032, applies_to=2035, actor=world.users["vr"])
    content = login("vr").get(f"/evaluations/rounds/{ds.pk}/").content.decode()
    assert "Ds 2024 model" in content and "no limit" in content


def test_finalize_refused_on_the_page_names_the_panel(login, world):
    rate_all(world.draft, CODES, very_high={1: ["AAA"], 2: CODES, 3: ["BBB"]})
    response = login("vr").post(f"/evaluations/rounds/{world.draft.pk}/finalize/", {"confirmed": "yes"})
    assert response.status_code == 400
    content = response.content.decode()
    assert 'data-testid="finalize-refused"' in content and "Panel 2" in content and "4 regions rated very high" in content
    assert EvaluationRound.objects.get(pk=world.draft.pk).status == "draft"
    assert not RecomputeRequest.objects.filter(year__gte=2028).exists()


def test_finalize_on_the_page_explains_the_recompute(login, world):
    response = login("vr").post(
        f"/evaluations/rounds/{world.draft.pk}/finalize/", {"version": world.draft.version, "confirmed": "yes"}, follow=True
    )
    content = response.content.decode()
    assert "2028–2031" in content and "recomputed" in content
    assert sorted(RecomputeRequest.objects.filter(year__gte=2028).values_list("year", flat=True)) == [2028, 2029, 2030, 2031]


def test_reopen_without_a_reason_is_refused_on_the_page(login, world):
    response = login("admin").post(f"/evaluations/rounds/{world.finalized.pk}/reopen/", {"reason": ""})
    assert response.status_code == 400
    assert EvaluationRound.objects.get(pk=world.finalized.pk).status == "finalized"


def test_round_form_creates_a_draft_with_panels(login, world):
    data = {
        "name": "2030/31",
        "evaluation_year_from": 2030,
        "evaluation_year_to": 2031,
        "applies_from": 2032,
        "applies_to": 2035,
        "model": "ds2024",
        "source": "entered",
        "panel_1_name": "Quality",
        "panel_2_name": "Relevance",
        "panel_3_name": "Prerequisites",
    }
    response = login("vr").post("/evaluations/rounds/new/", data)
    created = EvaluationRound.objects.get(name="2030/31")
    assert response.status_code == 302 and response["Location"] == f"/evaluations/rounds/{created.pk}/"
    assert [p.name for p in created.panels.all()] == ["Quality", "Relevance", "Prerequisites"]
    data.update(name="bad", panel_1_name="")
    assert login("vr").post("/evaluations/rounds/new/", data).status_code == 400
    assert not EvaluationRound.objects.filter(name="bad").exists()


def _grow(world, n):
    vr = world.users["vr"]
    evaluation_round = make_round(name=f"grow-{n}", applies_from=2040 + 4 * n, applies_to=2043 + 4 * n, actor=vr)
    rate_all(evaluation_round, CODES, actor=vr)
    rate_all(evaluation_round, CODES, very_high={1: ["BBB"], 2: ["BBB"], 3: ["BBB"]}, actor=vr)  # more history
    for region in world.regions.values():
        bibliometrics(region, period=(2030 + n, 2030 + n), evaluation_round=evaluation_round)
    from evaluations import services

    services.co_publication_set(
        actor=vr, period_start=2030 + n, period_end=2030 + n, region_a=world.regions["AAA"], region_b=world.regions["BBB"], publications=5
    )


@pytest.mark.parametrize("role", ["vr", "rep_a"])
def test_page_query_counts_are_constant(login, world, django_assert_max_num_queries, role):
    client = login(role)
    pages = read_pages(world) + ([f"/evaluations/rounds/{world.draft.pk}/grid/"] if role == "vr" else [])
    counts = {}
    for url in pages:
        with django_assert_max_num_queries(16):
            client.get(url)
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        counts[url] = len(captured)
    _grow(world, 1)
    _grow(world, 2)
    for url in pages:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        assert len(captured) == counts[url], (url, [q["sql"] for q in captured.captured_queries])


def test_follow_up_shows_the_quality_condition(login, world):
    from evaluations import services

    services.findings_set(
        actor=world.users["vr"],
        evaluation_round=world.draft,
        region=world.regions["DDD"],
        values={"realistic_plans": False, "realistic_plans_comment": "No dates"},
        reason="changed in a test",
    )
    rows = login("vr").get(f"/evaluations/rounds/{world.draft.pk}/follow-up/").context["rows"]
    assert {r["row"].region.code: r["condition"] for r in rows} == {"AAA": True, "BBB": True, "CCC": True, "DDD": False}
    content = login("vr").get(f"/evaluations/rounds/{world.draft.pk}/follow-up/").content.decode()
    assert "No dates" in content


@pytest.mark.parametrize("model", ["evaluationround", "panelrating", "regionfindings", "bibliometrics", "copublication", "roundreopening"])
def test_admin_lists_are_read_only(login, world, model):
    client = login("admin")
    world.users["admin"].is_staff = True
    world.users["admin"].save(update_fields=["is_staff"])
    assert client.get(f"/admin/evaluations/{model}/").status_code == 200
    assert client.get(f"/admin/evaluations/{model}/add/").status_code == 403


def test_bibliometrics_entered_on_the_page(login, world):
    data = {
        "region": world.regions["DDD"].pk,
        "period_start": 2022,
        "period_end": 2025,
        "evaluation_round": world.draft.pk,
        "publications": "1000",
        "highly_cited": "90",
        "citation_impact": "9",
        "uncited_share": "140",
        "source": "entered",
    }
    client = login("vr")
    response = client.post("/evaluations/bibliometrics/new/", data)
    assert response.status_code == 400 and "uncited_share" in response.context["form"].errors
    response = client.post("/evaluations/bibliometrics/new/", {**data, "uncited_share": "14"})
    assert response.status_code == 302
    from evaluations.models import Bibliometrics

    row = Bibliometrics.objects.get(region__code="DDD", period_start=2022)
    assert row.evaluation_round == world.draft and row.history.first().history_user == world.users["vr"]
    response = client.post(f"/evaluations/bibliometrics/{row.pk}/edit/", {**data, "uncited_share": "15", "version": row.version})
    assert response.status_code == 302
    response = client.post(f"/evaluations/bibliometrics/{row.pk}/edit/", {**data, "uncited_share": "16", "version": row.version})
    assert response.status_code == 409  # stale version


def test_co_publications_entered_on_the_page(login, world):
    data = {
        "period_start": 2018,
        "period_end": 2021,
        "region_a": world.regions["AAA"].pk,
        "region_b": world.regions["AAA"].pk,
        "publications": "12",
    }
    client = login("vr")
    assert client.post("/evaluations/co-publications/new/", data).status_code == 400
    assert client.post("/evaluations/co-publications/new/", {**data, "region_b": world.regions["CCC"].pk}).status_code == 302
    assert "AAA–CCC" in client.get("/evaluations/bibliometrics/").content.decode()


def test_the_round_page_shows_the_agreement_periods_panel_weights(login, world):
    # Given an agreement period whose panel weights differ from the defaults
    from decimal import Decimal

    from alfadmin.models import AgreementPeriod

    AgreementPeriod.objects.update(panel_weight_1=Decimal("0.40"), panel_weight_2=Decimal("0.30"), panel_weight_3=Decimal("0.30"))
    # When the round page is shown
    html = login("vr").get(f"/evaluations/rounds/{world.finalized.pk}/").content.decode()
    # Then each panel's column carries the period's weight (a round's panel has none of its own)
    cells = [chunk.split(">", 1)[1].split("<", 1)[0] for chunk in html.split('data-testid="panel-weight"')[1:]]
    assert cells == ["(40\xa0%)", "(30\xa0%)", "(30\xa0%)"]  # Swedish percent: a no-break space
