"""The analysis pages: projections, the two models, the explanation diff, the as-of
rerun and the rating risk — access matrix, what each shows, and constant query counts."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from alfadmin import services as registry
from alfadmin.models import BudgetYear
from allocations import selectors, services
from allocations.analysis.differences import runs_difference
from allocations.analysis.projections import ProjectionRequest, project
from allocations.analysis.risk import year_risk
from allocations.models import AllocationModel, AllocationRun, CurrentAllocation, RecomputeRequest
from testsupport.pages import login_redirect

pytestmark = pytest.mark.django_db

ROLES = ["admin", "guns", "vr", "reporter", "other_reporter", "viewer"]


def run_id(year: int, model: str) -> int:
    return CurrentAllocation.objects.get(year=year, model=model).run_id


def pages() -> list[str]:
    return [
        "/allocations/projections/",
        "/allocations/projections/?from=2026&to=2027&model=ds2024&twelfth_term_from=2026&research_increase=5000000",
        "/allocations/projections/export.xlsx?from=2026&to=2027",
        "/allocations/compare/?year=2025",
        "DIFF",
        "/allocations/risk/?year=2026&samples=200",
        "/allocations/projections/why/?model=ds2024&research_increase=200000000&year=2027",
    ]


def url(path: str) -> str:
    if path == "DIFF":
        return f"/allocations/diff/?from={run_id(2025, 'alf2015')}&to={run_id(2025, 'ds2024')}"
    return path


@pytest.fixture
def login(client, users):
    def as_user(name):
        client.force_login(users[name])
        return client

    return as_user


def new_runs(users, *, year: int, count: int) -> None:
    """`count` more runs of `year` (each after a real change of its research appropriation)."""
    for n in range(count):
        budget_year = BudgetYear.objects.get(year=year)
        registry.budget_year_update(
            actor=users["admin"], budget_year=budget_year, expected_version=budget_year.version, data={"research_appropriation": 1_100_000_000 + n},
            reason="a test run",
        )
        services.recompute_years(years=[year])
    RecomputeRequest.objects.update(processed_at=RecomputeRequest.objects.first().requested_at)


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode().replace("\u00a0", " "))


def digits(amount: int) -> str:
    return f"{amount:,}".replace(",", " ")


@pytest.mark.parametrize("path", [*pages(), "RERUN"])
def test_anonymous_users_are_sent_to_the_login_page(computed, client, path):
    address = f"/allocations/runs/{run_id(2025, 'alf2015')}/rerun/" if path == "RERUN" else url(path)
    response = client.post(address) if path == "RERUN" else client.get(address)
    assert response.status_code == 302
    assert response["Location"] == login_redirect(address)


@pytest.mark.parametrize("path", pages())
@pytest.mark.parametrize("role", ROLES)
def test_every_signed_in_role_reads_every_analysis_page(computed, login, role, path):
    assert login(role).get(url(path)).status_code == 200, path


@pytest.mark.parametrize("role", ROLES)
def test_every_signed_in_role_may_rerun(computed, login, role):
    response = login(role).post(f"/allocations/runs/{run_id(2025, 'alf2015')}/rerun/")
    assert response.status_code == 200
    assert 'data-matches="1"' in response.content.decode()


def test_projection_table_shows_each_region_and_year_with_the_engines_figures(computed, login):
    response = login("viewer").get("/allocations/projections/?from=2026&to=2029&model=ds2024&research_increase=200000000")
    assert response.status_code == 200
    body = text(response)
    expected = project(request=ProjectionRequest(first_year=2026, last_year=2029, model="ds2024", research_increase=200_000_000))
    for year in expected:
        for code in year.regions:
            assert digits(year.total(code)) in body
    assert "prognos" in body.lower()
    # the assumptions, as sentences
    assert "200 000 000" in body
    assert 'data-chart="money"' in body
    assert "js/analysis.js" in body


def test_projection_switches_raise_education_and_bad_switches_name_the_field(computed, login):
    client = login("viewer")
    plain = client.get("/allocations/projections/?from=2027&to=2027")
    switched = client.get("/allocations/projections/?from=2027&to=2027&twelfth_term_from=2027")
    assert plain.context["years"][0].education_total < switched.context["years"][0].education_total
    bad = client.get("/allocations/projections/?from=2030&to=2027")
    assert bad.status_code == 400
    assert bad.context["form"].non_field_errors()
    worse = client.get("/allocations/projections/?from=2027&to=2027&educated_region=aa")
    assert worse.status_code == 400
    assert "educated_region" in worse.context["form"].errors
    alone = client.get("/allocations/projections/?from=2027&to=2027&educated_region=AAA")
    assert alone.status_code == 400  # a region without a start year


def test_projection_xlsx_has_swedish_headers_and_the_same_figures(computed, login):
    response = login("viewer").get("/allocations/projections/export.xlsx?from=2026&to=2027&model=alf2015")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["Projektion"].iter_rows(values_only=True))
    assert rows[0] == ("Region", "År", "Modell", "Prognos", "Utbildning (kr)", "Forskning (kr)", "Totalt (kr)")
    expected = project(request=ProjectionRequest(first_year=2026, last_year=2027, model="alf2015"))
    table = {(r[0], r[1]): r[6] for r in rows[1:]}
    for year in expected:
        for code in year.regions:
            assert table[(code, year.year)] == year.total(code)
    assert book["Antaganden"].max_row >= 1


def test_compare_shows_both_models_the_difference_and_who_pays(computed, login):
    response = login("viewer").get("/allocations/compare/?year=2026")
    body = text(response)
    alf = AllocationRun.objects.get(pk=run_id(2026, "alf2015"))
    ds = AllocationRun.objects.get(pk=run_id(2026, "ds2024"))
    for row in response.context["rows"]:
        assert row["difference"] == row["ds2024"] - row["alf2015"]
    code = response.context["rows"][0]["region"]
    alf_total = alf.result["education"]["regions"][code] + alf.result["research"]["regions"][code]["total"]
    assert response.context["rows"][0]["alf2015"] == alf_total
    assert f"from={alf.pk}&amp;to={ds.pk}" in body
    assert response.context["paying"] == "alf2015"  # 2026 lies in the 2015 agreement
    assert "GUNS" in body
    assert response.context["guns"] == ds.result["research"]["guns"]


def test_compare_of_an_unknown_year_is_404(computed, login):
    assert login("viewer").get("/allocations/compare/?year=1999").status_code == 404


def test_diff_table_causes_sum_to_each_difference(computed, login):
    from_id, to_id = run_id(2025, "alf2015"), run_id(2025, "ds2024")
    response = login("viewer").get(f"/allocations/diff/?from={from_id}&to={to_id}")
    assert response.status_code == 200
    expected = runs_difference(from_run=AllocationRun.objects.get(pk=from_id), to_run=AllocationRun.objects.get(pk=to_id))
    for item in response.context["regions"]:
        region = item["region"]
        assert sum(item["causes"]) == region.difference == region.after - region.before
        assert item["chart"]["before"] + sum(s["amount"] for s in item["chart"]["steps"]) == item["chart"]["after"]
    assert [r["region"].region for r in response.context["regions"]] == [r.region for r in expected.regions]
    assert 'data-chart="waterfall"' in response.content.decode()


def test_diff_of_runs_that_cannot_be_compared_says_why(computed, login):
    # 2023 has no evaluation round (no research part); 2024 has one: the scenarios' parts differ.
    response = login("viewer").get(f"/allocations/diff/?from={run_id(2023, 'alf2015')}&to={run_id(2024, 'alf2015')}")
    assert response.status_code == 200
    assert response.context["error"]
    body = response.content.decode()
    assert 'data-testid="diff-error"' in body and 'data-testid="diff-table"' not in body
    assert "/allocations/projections/?from=2023&amp;to=2024" in body


def test_diff_of_missing_or_malformed_runs_is_404(computed, login):
    client = login("viewer")
    assert client.get("/allocations/diff/?from=abc&to=1").status_code == 404
    assert client.get(f"/allocations/diff/?from=99999999&to={run_id(2025, 'alf2015')}").status_code == 404


def test_the_run_page_offers_the_rerun_and_the_diff_with_its_predecessor(computed, login, users):
    new_runs(users, year=2025, count=1)
    current = run_id(2025, "alf2015")
    previous = AllocationRun.objects.filter(year=2025, model="alf2015").exclude(pk=current).order_by("-created_at", "-pk").first()
    body = login("viewer").get(f"/allocations/runs/{current}/").content.decode()
    assert f"/allocations/runs/{current}/rerun/" in body
    assert f"from={previous.pk}&amp;to={current}" in body
    oldest = AllocationRun.objects.filter(year=2023, model="alf2015").order_by("created_at", "pk").first()
    assert 'data-testid="diff-previous-link"' not in login("viewer").get(f"/allocations/runs/{oldest.pk}/").content.decode()


def test_a_rerun_that_differs_lists_each_amount(computed, login, monkeypatch):
    from alfrules.scenario import compute_output
    from allocations.analysis import reruns

    run = AllocationRun.objects.get(pk=run_id(2025, "alf2015"))
    code = next(iter(run.result["education"]["regions"]))

    def changed_engine(inputs, *, trace):  # today's engine giving one krona less to one region
        output = compute_output(inputs, trace=trace)
        output["education"]["regions"][code] -= 1
        return output

    monkeypatch.setattr(reruns, "compute_output", changed_engine)
    response = login("viewer").post(f"/allocations/runs/{run.pk}/rerun/", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'data-matches="0"' in body
    assert f"education.regions.{code}" in body
    assert "<html" not in body  # the htmx partial


def test_the_overview_links_to_the_analyses_of_the_year(computed, login):
    body = login("viewer").get("/allocations/?year=2025&model=alf2015").content.decode()
    assert f"from={run_id(2024, 'alf2015')}&amp;to={run_id(2025, 'alf2015')}" in body
    assert f"from={run_id(2025, 'alf2015')}&amp;to={run_id(2025, 'ds2024')}" in body
    for path in ("/allocations/projections/", "/allocations/compare/?year=2025", "/allocations/risk/?year=2025"):
        assert path in body


def test_risk_shows_percentiles_changes_and_the_rounds(computed, login):
    response = login("viewer").get("/allocations/risk/?year=2026&samples=300")
    assert response.status_code == 200
    expected = year_risk(year=2026, samples=300)
    body = text(response)
    for outlook in expected.regions:
        assert digits(outlook.risk.p5) in body and digits(outlook.risk.median) in body and digits(outlook.risk.p95) in body
    assert "2022/23" in body
    assert len(response.context["changes"]) == len(expected.changes.changes)
    assert 'data-chart="risk"' in body


def test_risk_samples_are_bounded(computed, login):
    response = login("viewer").get("/allocations/risk/?year=2026&samples=99999999")
    assert response.context["report"].samples == 100_000


def test_risk_opens_on_the_paying_model_and_offers_the_other(computed, login):
    client = login("viewer")
    paying = selectors.paying_model(year=2026)
    other = next(code for code in AllocationModel.values if code != paying)
    response = client.get("/allocations/risk/?year=2026&samples=100", HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["report"].model == paying
    assert "This model pays the year." in text(response)
    assert f'<option value="{other}">' in response.content.decode()

    response = client.get(f"/allocations/risk/?year=2026&samples=100&model={other}", HTTP_ACCEPT_LANGUAGE="en")
    report = response.context["report"]
    assert report.model == other
    expected = year_risk(year=2026, samples=100, model=other)
    assert [o.today for o in report.regions] == [o.today for o in expected.regions]
    assert [o.risk for o in report.regions] == [o.risk for o in expected.regions]
    assert "Comparison: this model does not pay the year." in text(response)
    assert f'<option value="{other}" selected>' in response.content.decode()
    # The probability form posts the model back, so own probabilities stay with it.
    assert f'<input type="hidden" name="model" value="{other}">' in response.content.decode()
    posted = {"year": 2026, "samples": 50, "model": other}
    for code in [o.region for o in report.regions]:
        for panel in (1, 2, 3):
            posted.update({f"p_{code}_{panel}_inadequate": "0", f"p_{code}_{panel}_good_high": "1", f"p_{code}_{panel}_very_high": "0"})
    assert client.post("/allocations/risk/", posted, HTTP_HX_REQUEST="true").context["report"].model == other


def test_risk_ignores_an_unknown_model(computed, login):
    response = login("viewer").get("/allocations/risk/?year=2026&samples=10&model=nonsense")
    assert response.context["report"].model == selectors.paying_model(year=2026)


def test_risk_with_own_probabilities_recomputes_and_errors_name_the_field(computed, login):
    client = login("vr")
    regions = [o.region for o in year_risk(year=2026, samples=10).regions]
    certain = {"year": 2026, "samples": 50}
    for code in regions:
        for panel in (1, 2, 3):
            certain.update({f"p_{code}_{panel}_inadequate": "0", f"p_{code}_{panel}_good_high": "1", f"p_{code}_{panel}_very_high": "0"})
    response = client.post("/allocations/risk/", certain, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert all(r["p5"] == r["median"] == r["p95"] for r in response.context["regions"])
    assert response.context["report"].rounds == ()
    wrong = {**certain, f"p_{regions[0]}_2_good_high": "0.5"}
    assert client.post("/allocations/risk/", wrong).status_code == 400  # a plain form post
    response = client.post("/allocations/risk/", wrong, HTTP_HX_REQUEST="true")
    assert response.status_code == 200  # htmx swaps only 2xx: the errors come marked in the partial
    body = text(response)
    assert f"p_{regions[0]}_2_inadequate" in response.context["form"].errors
    assert f"{regions[0]}, panel 2" in body
    assert 'aria-invalid="true"' in body


def test_risk_for_a_year_without_research_says_why_in_the_users_language(computed, login):
    # 2023 comes before every round of the registry: no research to vary.
    response = login("viewer").get("/allocations/risk/?year=2023&samples=10", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.context["error"] == "No applicable evaluation round: research is not computed for this year."
    response = login("viewer").get("/allocations/risk/?year=2023&samples=10", HTTP_ACCEPT_LANGUAGE="sv")
    assert response.context["error"] == "Ingen tillämplig utvärderingsomgång: forskningen beräknas inte för det här året."
    assert 'data-testid="risk-error"' in response.content.decode()


def test_a_change_the_model_rejects_is_explained_in_swedish():
    from django.utils import translation

    from alfrules.inputs import Rating
    from alfrules.risk import RatingChange, UndrawableRatings
    from allocations.views.analysis import _invalid_change_text, _risk_error_text

    too_many = RatingChange("AAA", 2, Rating.GOOD_HIGH, Rating.VERY_HIGH, None, "research.ratings: panel 2 has 4 very_high regions", "research.ratings")
    with translation.override("sv"):
        assert _invalid_change_text(too_many) == "Inte möjligt i den här modellen: panel 2 skulle få fler regioner med betyget mycket hög än modellen tillåter."
        assert "mycket hög" in _risk_error_text(UndrawableRatings(3)) and "3" in _risk_error_text(UndrawableRatings(3))
    with translation.override("en"):
        assert _invalid_change_text(too_many) == "Not possible under this model: panel 2 would have more regions rated very high than the model allows."


@pytest.mark.parametrize(
    ("path", "limit"),
    [
        # projections gather each year's inputs (analysis.projections): a fixed number per year
        ("/allocations/projections/?from=2024&to=2029", 80),
        ("/allocations/compare/?year=2025", 8),
        ("DIFF", 8),
        ("/allocations/risk/?year=2026&samples=200", 24),
        ("/allocations/projections/why/?year=2027&research_increase=5", 30),
    ],
)
def test_query_counts_stay_constant_as_runs_grow(computed, login, users, path, limit, django_assert_max_num_queries):
    client = login("viewer")
    with django_assert_max_num_queries(limit) as before:
        assert client.get(url(path)).status_code == 200
    for year in (2024, 2025, 2026):
        new_runs(users, year=year, count=3)
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert client.get(url(path)).status_code == 200


def test_the_landing_chart_shows_education_paid_or_projected_in_every_year(computed, login, django_assert_max_num_queries):
    # 2026– are priced by rate (no education appropriation): education is the run's total.
    client = login("viewer")
    with django_assert_max_num_queries(24):  # the landing page with every app's card (allocation, trend, GUNS, reports)
        response = client.get("/")
    body = response.content.decode()
    assert 'data-testid="trend-card"' in body
    assert body.count('id="appropriation-chart"') == 1  # the registry's fallback chart is not shown too
    card = next(c for c in response.context["cards"] if c.name == "appropriation_trend")
    chart = card.context["chart"]
    by_year = {t.year: t for t in card.context["trend"]}
    for year in (2026, 2028):
        assert BudgetYear.objects.get(year=year).education_appropriation is None
        run = AllocationRun.objects.get(pk=run_id(year, BudgetYear.objects.get(year=year).period.research_model))
        assert by_year[year].education == run.result["education"]["total"]
        assert by_year[year].education_computed
    index = chart["labels"].index("2024")
    assert chart["datasets"][0]["data"][index] == BudgetYear.objects.get(year=2024).education_appropriation


def test_the_landing_page_falls_back_to_the_registry_chart_without_the_card(computed, login, monkeypatch):
    from alfadmin.kernel import dashboard

    monkeypatch.setattr(dashboard, "_cards", {k: v for k, v in dashboard._cards.items() if k != "appropriation_trend"})
    body = login("viewer").get("/").content.decode()
    assert 'data-testid="trend-card"' not in body
    assert 'data-chart="appropriations"' in body


def test_the_probabilities_as_shown_post_back_unchanged(computed, login):
    # Shown to four decimals (e.g. 0.1429 + 0.7143 + 0.1429 = 1.0001): accepted and scaled to sum to 1.
    client = login("viewer")
    shown = client.get("/allocations/risk/?year=2026&samples=100").context["probability_rows"]
    data = {"year": 2026, "samples": 100}
    for row in shown:
        for cell in row["cells"]:
            data[cell["field"].html_name] = cell["value"]
    response = client.post("/allocations/risk/", data, HTTP_HX_REQUEST="true")
    assert not response.context["form"].errors
    assert response.context["report"].rounds == ()  # computed from the posted probabilities
    for code, panels in response.context["report"].probabilities.items():
        for ratings in panels.values():
            assert abs(sum(ratings.values()) - 1) < 1e-9, code


def test_projection_links_each_year_to_why_it_differs_from_the_year_before(computed, login):
    response = login("viewer").get("/allocations/projections/?from=2025&to=2028&model=ds2024&research_increase=5")
    assert response.context["change_years"] == [2026, 2027, 2028]
    body = response.content.decode()
    for year in (2026, 2027, 2028):
        assert f"/allocations/projections/why/?from=2025&amp;to=2028&amp;model=ds2024&amp;research_increase=5&amp;year={year}" in body


def test_projection_why_splits_each_regions_change_by_cause_to_the_krona(computed, login):
    response = login("viewer").get("/allocations/projections/why/?model=ds2024&research_increase=200000000&year=2028")
    assert response.status_code == 200
    earlier, later = project(request=ProjectionRequest(first_year=2027, last_year=2028, model="ds2024", research_increase=200_000_000))
    regions = response.context["difference"].regions
    assert [r.region for r in regions] == later.regions
    for r in regions:
        assert (r.before, r.after) == (earlier.total(r.region), later.total(r.region))
        assert sum(r.causes.values()) == r.difference == r.after - r.before
    # PLO moves the appropriations and the rate from 2027 to 2028: that cause is shown.
    assert "appropriation" in [code for code, _label in response.context["shown"]]
    body = response.content.decode()
    assert body.count('data-chart="waterfall"') == len(regions)
    assert "/allocations/risk/?year=2028&amp;model=ds2024&amp;research_increase=200000000" in body


def test_projection_why_across_the_models_names_the_model_as_a_cause(computed, registry, login):
    # The registry has one period; split it so that a proposed Ds 2024 period pays from 2028.
    from alfadmin.models import AgreementPeriod

    AgreementPeriod.objects.filter(pk=registry.period.pk).update(end_year=2027)
    proposal = AgreementPeriod.objects.get(pk=registry.period.pk)
    proposal.pk, proposal.name, proposal.start_year, proposal.end_year = None, "Proposal", 2028, 2035
    proposal.research_model, proposal.status = "ds2024", AgreementPeriod.Status.PROPOSED
    proposal.save()
    BudgetYear.objects.filter(year__gte=2028).update(period=proposal)

    response = login("viewer").get("/allocations/projections/why/?year=2028")
    assert (response.context["earlier"].model, response.context["later"].model) == ("alf2015", "ds2024")
    regions = response.context["difference"].regions
    assert any(r.causes["model"] for r in regions)
    assert all(sum(r.causes.values()) == r.difference for r in regions)


def test_projection_why_of_years_that_cannot_be_compared_says_why(computed, login):
    # 2023 has no research (no round yet), 2024 has: the parts differ.
    response = login("viewer").get("/allocations/projections/why/?year=2024", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    body = text(response)
    assert 'data-testid="diff-error"' in body
    assert "2023: No applicable evaluation round: research is not computed for this year." in body


@pytest.mark.parametrize("query", ["year=abc", "year=1990", "year=2023", "year=2030", ""])
def test_projection_why_of_no_such_pair_is_not_found(computed, login, query):
    assert login("viewer").get(f"/allocations/projections/why/?{query}").status_code == 404


def test_projection_why_with_a_bad_switch_names_the_field(computed, login):
    response = login("viewer").get("/allocations/projections/why/?year=2028&research_increase=-1", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "research_increase" in response.context["form"].errors
    assert 'data-testid="why-errors"' in response.content.decode()


def test_risk_with_more_research_money_matches_the_projection(computed, login):
    client = login("viewer")
    response = client.get("/allocations/risk/?year=2026&samples=50&research_increase=200000000", HTTP_ACCEPT_LANGUAGE="en")
    report = response.context["report"]
    assert report.research_increase == 200_000_000
    (projected,) = project(request=ProjectionRequest(first_year=2026, last_year=2026, model=report.model, research_increase=200_000_000))
    assert {o.region: o.today for o in report.regions} == projected.research
    plain = year_risk(year=2026, samples=50, model=report.model)
    assert sum(o.today for o in report.regions) > sum(o.today for o in plain.regions)
    assert "The research appropriation is raised by" in text(response)
    assert '<input type="hidden" name="research_increase" value="200000000">' in response.content.decode()


def test_risk_with_a_bad_research_increase_names_the_field(computed, login):
    response = login("viewer").get("/allocations/risk/?year=2026&samples=50&research_increase=-3", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.context["error"].startswith("More research money (kronor): ")
    assert response.context.get("report") is None
