"""Allocation pages: the access matrix, what each page shows, the live status, publishing
through the forms, and query counts that stay constant as years and runs grow."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alfadmin import services as registry
from alfadmin.models import BudgetYear, Region
from alfadmin.tests.factories import BudgetYearFactory, StudentCountFactory
from allocations import services, watched_inputs
from allocations.models import AllocationRun, CurrentAllocation, RecomputeRequest, YearPublication
from allocations.tests.factories import AllocationRunFactory
from testsupport.pages import login_redirect

pytestmark = pytest.mark.django_db

ROLES = ["admin", "guns", "vr", "reporter", "other_reporter", "viewer"]


def _run_id(year=2024, model="alf2015"):
    return CurrentAllocation.objects.get(year=year, model=model).run_id


def read_pages():
    return [
        "/allocations/",
        "/allocations/?year=2024&model=ds2024",
        "/allocations/?year=2023",
        "/allocations/live/?year=2024&model=alf2015",
        "/allocations/regions/AAA/",
        "/allocations/regions/BBB/?model=ds2024",
        "/allocations/runs/",
        "/allocations/runs/?year=2024&model=ds2024",
        "RUN",
        "/allocations/2024/export.csv",
        "/allocations/2024/export.xlsx?model=ds2024",
    ]


def _url(url):
    return f"/allocations/runs/{_run_id()}/" if url == "RUN" else url


@pytest.fixture
def login(client, users):
    def as_user(name):
        client.force_login(users[name])
        return client

    return as_user


@pytest.mark.parametrize("url", [*read_pages(), "/allocations/2024/reopen/"])
def test_anonymous_users_are_sent_to_the_login_page(computed, client, url):
    response = client.get(_url(url))
    assert response.status_code == 302
    assert response["Location"] == login_redirect(_url(url))


@pytest.mark.parametrize("url", ["/allocations/2024/publish/", "/allocations/2024/confirm/", "/allocations/2024/reopen/"])
def test_anonymous_users_cannot_publish(computed, client, url):
    assert client.post(url).status_code == 302
    assert not YearPublication.objects.exists()


@pytest.mark.parametrize("url", read_pages())
@pytest.mark.parametrize("role", ROLES)
def test_every_signed_in_role_reads_every_allocation_page(computed, login, role, url):
    # Allocations are public money: a reporter reads other regions' figures too.
    response = login(role).get(_url(url))
    assert response.status_code == 200, url


@pytest.mark.parametrize("role", ["guns", "vr", "reporter", "viewer"])
@pytest.mark.parametrize("url", ["/allocations/2024/publish/", "/allocations/2024/confirm/", "/allocations/2024/reopen/"])
def test_only_administrators_publish_confirm_or_reopen(computed, login, role, url):
    assert login(role).post(url, {"reason": "x"}).status_code == 403
    assert not YearPublication.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_publish_controls_are_shown_to_administrators_only(computed, login, role):
    content = login(role).get("/allocations/?year=2024").content.decode()
    assert ('action="/allocations/2024/publish/"' in content) is (role == "admin")


def test_unknown_region_run_and_year_are_404(computed, login):
    client = login("viewer")
    assert client.get("/allocations/regions/XXX/").status_code == 404
    assert client.get("/allocations/runs/999999/").status_code == 404
    assert client.get("/allocations/1999/export.csv").status_code == 404


def test_the_overview_shows_each_regions_lines_totals_and_change(computed, login):
    response = login("viewer").get("/allocations/?year=2025&model=alf2015")
    content = response.content.decode()
    run = CurrentAllocation.objects.select_related("run").get(year=2025, model="alf2015").run
    assert response.context["allocation"].status == "current"
    rows = {row.code: row for row in response.context["allocation"].rows}
    assert set(rows) == {"AAA", "BBB", "CCC"}
    assert rows["AAA"].research == run.result["research"]["regions"]["AAA"]
    assert rows["AAA"].previous_total is not None and rows["AAA"].change == rows["AAA"].total - rows["AAA"].previous_total
    assert response.context["allocation"].total == run.result["education"]["total"] + run.result["research"]["total"]
    assert 'data-testid="allocation-table"' in content and "<caption>" in content and 'scope="col"' in content
    assert 'data-chart="money"' in content and f'id="{response.context["chart_data_id"]}"' in content
    assert f"/allocations/runs/{run.pk}/" in content
    assert "hx-trigger" not in content  # nothing to wait for


def test_a_year_without_an_evaluation_round_says_so(computed, login):
    response = login("viewer").get("/allocations/?year=2023")
    assert response.context["allocation"].research is None
    assert 'data-testid="research-unavailable"' in response.content.decode()


def test_ds2024_shows_guns_and_the_forfeited_quality_amount(computed, login):
    response = login("viewer").get("/allocations/?year=2024&model=ds2024")
    allocation = response.context["allocation"]
    assert allocation.guns["forfeited"] > 0  # BBB's plans were not found realistic
    assert allocation.research_total == BudgetYear.objects.get(year=2024).research_appropriation
    assert "GUNS" in response.content.decode()


def test_while_recomputing_the_live_part_polls_and_stops_when_current(computed, login, users):
    budget_year = BudgetYear.objects.get(year=2025)
    registry.budget_year_update(actor=users["admin"], budget_year=budget_year, expected_version=budget_year.version, data={"research_appropriation": 1_500_000_000}, reason="changed in a test")
    client = login("viewer")
    page = client.get("/allocations/?year=2025").content.decode()
    assert 'hx-get="/allocations/live/?year=2025&amp;model=alf2015"' in page
    assert 'hx-trigger="every 2s"' in page
    partial = client.get("/allocations/live/?year=2025&model=alf2015", HTTP_HX_REQUEST="true")
    assert partial.context["allocation"].status == "recomputing"
    assert "<html" not in partial.content.decode()
    services.recompute_years(years=[2025])
    partial = client.get("/allocations/live/?year=2025&model=alf2015", HTTP_HX_REQUEST="true")
    content = partial.content.decode()
    assert partial.context["allocation"].status == "current"
    assert "hx-trigger" not in content
    assert partial.context["allocation"].research_total == 1_500_000_000


def test_the_region_page_lists_every_computed_year(computed, login):
    response = login("reporter").get("/allocations/regions/BBB/?model=ds2024")
    years = [item["row"].year for item in response.context["table"]]
    assert years == list(range(2023, 2030))
    item = response.context["table"][1]  # 2024
    run = CurrentAllocation.objects.select_related("run").get(year=2024, model="ds2024").run
    assert item["row"].research == run.result["research"]["regions"]["BBB"]
    assert item["row"].education == run.result["education"]["regions"]["BBB"]
    assert item["change"] == item["row"].total - response.context["table"][0]["row"].total


def test_the_why_page_renders_the_trace_in_the_users_language(computed, login):
    run_id = _run_id(2024, "alf2015")
    client = login("viewer")
    swedish = client.get(f"/allocations/runs/{run_id}/").content.decode()
    assert "Baspott" in swedish and "Avrundning" in swedish
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get(f"/allocations/runs/{run_id}/").content.decode()
    assert "Base pool" in english and "Rounding" in english
    assert 'data-testid="run-current"' in english
    assert "2022/23" in english  # the evaluation round the inputs came from


def test_the_why_page_filters_steps_by_region_and_verifies_the_run(computed, login):
    run_id = _run_id(2024, "ds2024")
    response = login("viewer").get(f"/allocations/runs/{run_id}/?region=AAA&verify=1")
    regions = {item["step"].get("region") for item in response.context["steps"]}
    assert regions <= {None, "AAA"} and "AAA" in regions
    assert response.context["verification"] is True


def test_the_why_page_of_a_failed_run_shows_the_engines_message(computed, login):
    run = AllocationRunFactory(year=2024, model="alf2015", error="research.shares: must sum to 100")
    content = login("viewer").get(f"/allocations/runs/{run.pk}/").content.decode()
    assert "research.shares: must sum to 100" in content


def test_an_administrator_publishes_and_reopens_through_the_pages(computed, login, users):
    client = login("admin")
    response = client.post("/allocations/2024/publish/", {"model": "ds2024"}, follow=True)
    assert response.redirect_chain[-1][0] == "/allocations/?year=2024&model=ds2024"
    assert YearPublication.objects.get(year=2024).is_published
    content = response.content.decode()
    assert 'data-testid="publication-state"' in content
    assert 'action="/allocations/2024/reopen/"' in content
    # A locked year's input edit is refused on the registry page with the clear message (409)
    page = client.post("/data/years/2024/edit/", {"year": 2024, "period": BudgetYear.objects.get(year=2024).period_id, "research_appropriation": 1, "education_basis": "appropriation", "education_appropriation": 1, "plo_rate": "0.015", "source": "memo", "version": BudgetYear.objects.get(year=2024).version, "reason": "test"})
    assert page.status_code == 409
    refused = page.content.decode()
    assert "2024" in refused
    assert "återöppna" in refused
    # Reopening without a reason is refused; with one it works
    assert client.post("/allocations/2024/reopen/", {"reason": ""}).status_code == 400
    response = client.post("/allocations/2024/reopen/", {"reason": "Corrected students"}, follow=True)
    assert response.status_code == 200
    assert YearPublication.objects.get(year=2024).state == "reopened"
    assert "Corrected students" in response.content.decode()


def test_four_eyes_through_the_pages(computed, login, users):
    budget_year = BudgetYear.objects.get(year=2025)
    registry.budget_year_update(actor=users["admin"], budget_year=budget_year, expected_version=budget_year.version, data={"research_appropriation": 1_300_000_000}, reason="changed in a test")
    services.recompute_years(years=[2025])
    client = login("admin")
    client.post("/allocations/2025/publish/")
    assert YearPublication.objects.get(year=2025).is_awaiting
    content = client.get("/allocations/?year=2025").content.decode()
    assert 'action="/allocations/2025/confirm/"' not in content  # not for the requester
    response = client.post("/allocations/2025/confirm/", follow=True)
    assert YearPublication.objects.get(year=2025).is_awaiting
    assert any(m.level_tag == "error" for m in response.context["messages"])
    client = login("admin2")
    assert 'action="/allocations/2025/confirm/"' in client.get("/allocations/?year=2025").content.decode()
    client.post("/allocations/2025/confirm/")
    assert YearPublication.objects.get(year=2025).is_published


def test_publishing_a_year_being_recomputed_is_refused_with_a_message(computed, login, users):
    watched_inputs.recompute_request(years=[2025], reason="x", actor=users["admin2"])
    response = login("admin").post("/allocations/2025/publish/", follow=True)
    assert not YearPublication.objects.filter(year=2025).exists()
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


# Query counts --------------------------------------------------------------------------------


def _grow(users, *, extra_years, edits):
    """More budget years (computed) and more runs of 2024."""
    regions = {r.code: r for r in Region.objects.all()}
    period = BudgetYear.objects.first().period
    last = BudgetYear.objects.order_by("-year").first().year
    new_years = list(range(last + 1, last + 1 + extra_years))
    for year in new_years:
        BudgetYearFactory(year=year, period=period, research_appropriation=1_000_000_000 + year, rate_per_hst=80000)
        for code, region in regions.items():
            StudentCountFactory(region=region, year=year, planned_hst=100 + len(code), actual_hst=None)
    services.recompute_years(years=new_years, force=True)
    for n in range(edits):
        budget_year = BudgetYear.objects.get(year=2024)
        registry.budget_year_update(actor=users["admin"], budget_year=budget_year, expected_version=budget_year.version, data={"research_appropriation": 1_020_000_000 + n}, reason="changed in a test")
        services.recompute_years(years=[2024])
    RecomputeRequest.objects.update(processed_at=RecomputeRequest.objects.first().requested_at)


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


QUERY_PAGES = [
    "/allocations/?year=2024",
    "/allocations/?year=2024&model=ds2024",
    "/allocations/live/?year=2024",
    "/allocations/regions/AAA/",
    "/allocations/runs/",
    "/allocations/runs/?year=2024",
    "/allocations/2024/export.csv",
    "/allocations/2024/export.xlsx",
]


@pytest.mark.parametrize("url", QUERY_PAGES)
def test_query_counts_stay_constant_as_years_and_runs_grow(computed, login, users, url, django_assert_max_num_queries):
    client = login("admin")
    small = _queries(client, url)
    _grow(users, extra_years=6, edits=4)
    large = _queries(client, url)
    assert large == small, f"{url}: {small} queries with few years/runs, {large} with more"
    with django_assert_max_num_queries(16):
        client.get(url)


def test_the_why_page_query_count_is_constant(computed, login, users, django_assert_max_num_queries):
    client = login("viewer")
    small = _queries(client, f"/allocations/runs/{_run_id()}/")
    _grow(users, extra_years=4, edits=3)
    assert _queries(client, f"/allocations/runs/{_run_id()}/") == small
    with django_assert_max_num_queries(10):
        client.get(f"/allocations/runs/{_run_id()}/")


def test_the_admin_shows_runs_and_publications_read_only(computed, client, users):
    users["admin"].is_staff = True
    users["admin"].is_superuser = True
    users["admin"].save()
    client.force_login(users["admin"])
    run_id = _run_id()
    assert client.get("/admin/allocations/allocationrun/").status_code == 200
    assert client.get(f"/admin/allocations/allocationrun/{run_id}/change/").status_code == 200
    assert client.get("/admin/allocations/allocationrun/add/").status_code == 403
    assert client.post(f"/admin/allocations/allocationrun/{run_id}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/allocations/yearpublication/").status_code == 200
    assert AllocationRun.objects.filter(pk=run_id).exists()


def test_the_landing_page_summarises_the_years_allocation(computed, login, django_assert_max_num_queries):
    from django.utils import timezone

    year = timezone.localdate().year
    shown = year if BudgetYear.objects.filter(year=year).exists() else BudgetYear.objects.order_by("-year").first().year
    client = login("viewer")
    with django_assert_max_num_queries(24):  # every app's card: allocation (with its paying model), trend, GUNS, reports
        content = client.get("/").content.decode()
    assert 'data-testid="overview-allocation-status"' in content
    assert f'href="/allocations/?year={shown}"' in content


def test_reopening_a_year_that_is_not_published_is_a_404(computed, login):
    # Given no publication of 2024, and 2031 which does not exist at all
    client = login("admin")
    # Then both look the same: the scoped list of reopenable years has neither
    assert client.get("/allocations/2024/reopen/").status_code == 404
    assert client.get("/allocations/2031/reopen/").status_code == 404


NOTED_SCENARIO = {
    "year": 2024,
    "research": {
        "model": "alf2015",
        "appropriation": 1_000_000,
        "shares": {"AAA": "60", "BBB": "40"},
        "ratings": {"AAA": {"1": "good_high", "2": "good_high", "3": "inadequate"}, "BBB": {"1": "very_high", "2": "good_high", "3": "inadequate"}},
    },
}


def test_the_why_page_renders_stored_note_codes_and_shows_older_runs_sentences_in_the_users_language(computed, login):
    from allocations.services.recompute import compute

    result, trace = compute(NOTED_SCENARIO)
    coded = AllocationRunFactory(status="succeeded", error="", inputs=NOTED_SCENARIO, result=result, trace=trace)
    old = AllocationRunFactory(
        status="succeeded", error="", inputs=NOTED_SCENARIO, result={**result, "notes": ["an English note of 1.1.0"]},
        notes_sv=["en svensk anmärkning från 1.1.0"], trace=[{**step, "text": "An English step of 1.1.0."} for step in trace],
    )
    client = login("viewer")
    assert client.get(f"/allocations/runs/{coded.pk}/").context["notes"][0] == "panel 2: varning: ingen region har omdömet mycket hög"
    swedish_old = client.get(f"/allocations/runs/{old.pk}/")
    assert swedish_old.context["notes"] == ["en svensk anmärkning från 1.1.0"]
    assert "Baspott" in swedish_old.content.decode()  # its steps' codes still render in Swedish
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert client.get(f"/allocations/runs/{coded.pk}/").context["notes"][0] == "panel 2: warning: no region is rated very_high"
    assert client.get(f"/allocations/runs/{old.pk}/").context["notes"] == ["an English note of 1.1.0"]
