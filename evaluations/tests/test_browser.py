"""In headless Chromium: a VR user enters a round in the grid, sees the live warning, is refused
finalizing with the panel named, fixes it, finalizes, and the affected year's allocation
changes. And the evaluation pages pass axe-core and fit a phone."""

import re

import pytest
from playwright.sync_api import expect

from conftest import assert_accessible, browser_login
from evaluations.models import EvaluationRound

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODES = ["ORE", "OST", "SKA", "STH", "UPP", "VBN", "VGR"]
YEAR = 2028  # the first year the new round applies to


@pytest.fixture
def page(browser_page, demo, require_chromium, eager):
    errors: list[str] = []
    browser_page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    browser_page.console_errors = errors
    return browser_page


def _allocation(page, year):
    response = page.request.get(f"{page.base_url}/api/v1/allocations/?year={year}")
    return response.status, (response.json() if response.headers.get("content-type", "").startswith("application/json") else None)


def _set(page, code, panel, rating):
    page.select_option(f"#id_rating-{code}-{panel}", rating)


def test_vr_enters_a_round_is_refused_then_finalizes_and_the_allocation_changes(page):
    browser_login(page, "vr")
    before = _allocation(page, YEAR)

    # A new draft round for the years from 2028.
    page.goto(f"{page.base_url}/evaluations/")
    page.click("a[href='/evaluations/rounds/new/']")
    page.fill("#id_name", "2026/27")
    page.fill("#id_evaluation_year_from", "2026")
    page.fill("#id_evaluation_year_to", "2027")
    page.fill("#id_applies_from", "2028")
    page.fill("#id_applies_to", "2031")
    page.select_option("#id_model", "alf2015")
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    evaluation_round = EvaluationRound.objects.get(name="2026/27")
    assert page.url.endswith(f"/evaluations/rounds/{evaluation_round.pk}/")
    assert "ALF 2015" in page.get_by_test_id("model-note").inner_text()

    # The grid: everyone good–high, four regions very high in panel 1.
    page.click(f"a[href='/evaluations/rounds/{evaluation_round.pk}/grid/']")
    page.wait_for_load_state("networkidle")
    for code in CODES:
        for panel in (1, 2, 3):
            _set(page, code, panel, "good_high")
    for code in ("STH", "UPP", "SKA", "VGR"):
        _set(page, code, 1, "very_high")
    _set(page, "STH", 2, "very_high")
    _set(page, "SKA", 3, "very_high")
    page.fill("#id_justification-STH-1", "Several groups at the international forefront.")

    # The live check warns about panel 1 before anything is saved.
    warning = page.get_by_test_id("panel-check-1")
    expect(warning).to_have_class(re.compile("check-warning"))
    expect(warning).to_contain_text("Panel 1")
    expect(warning).to_contain_text("4")
    expect(page.get_by_test_id("panel-check-2")).to_have_class(re.compile("check-ok"))
    assert EvaluationRound.objects.get(pk=evaluation_round.pk).ratings.count() == 0

    page.get_by_test_id("save-grid").click()
    page.wait_for_load_state("networkidle")
    assert EvaluationRound.objects.get(pk=evaluation_round.pk).ratings.count() == 21

    # The confirmation page refuses to finalize, naming the panel, and offers no confirm button.
    page.goto(f"{page.base_url}/evaluations/rounds/{evaluation_round.pk}/")
    page.get_by_test_id("finalize").click()
    page.wait_for_load_state("networkidle")
    refusal = page.get_by_test_id("finalize-blocked")
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text("Panel 1")
    expect(page.get_by_test_id("confirm-finalize")).to_have_count(0)
    assert EvaluationRound.objects.get(pk=evaluation_round.pk).status == "draft"
    assert _allocation(page, YEAR) == before  # a draft never drives money

    # Fix it: VGR is good–high in panel 1; the warning goes away live.
    page.goto(f"{page.base_url}/evaluations/rounds/{evaluation_round.pk}/grid/")
    _set(page, "VGR", 1, "good_high")
    expect(page.get_by_test_id("panel-check-1")).to_have_class(re.compile("check-ok"))
    page.fill("#id_reason", "Panel 1 corrected VGR")  # changing an entered rating needs a reason
    page.get_by_test_id("save-grid").click()
    page.wait_for_load_state("networkidle")

    page.goto(f"{page.base_url}/evaluations/rounds/{evaluation_round.pk}/")
    page.get_by_test_id("finalize").click()
    page.wait_for_load_state("networkidle")
    page.get_by_test_id("confirm-finalize").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_test_id("round-status")).to_have_text(re.compile("finalized|slutförd|fastställd", re.I))
    expect(page.locator(".messages")).to_contain_text("2028–2031")
    assert EvaluationRound.objects.get(pk=evaluation_round.pk).status == "finalized"

    # The affected years were recomputed with the round (the gatherer reads it through our selectors) …
    from allocations.models import AllocationRun

    for year in range(2028, 2032):
        run = AllocationRun.objects.filter(year=year, model="alf2015").latest("created_at")
        assert run.input_meta["research"]["evaluation_round"]["name"] == "2026/27", (year, run.input_meta)

    # … and the year's allocation served by the API changed: the research part uses the round's ratings.
    status, after = _allocation(page, YEAR)
    assert status == 200, f"no allocation for {YEAR} after finalizing: {after}"
    assert (status, after) != before
    alf2015 = next(a for a in after["allocations"] if a["model"] == "alf2015")
    assert alf2015["evaluation_round"] == {"id": evaluation_round.pk, "name": "2026/27"}, alf2015
    assert not page.console_errors, page.console_errors


EVALUATION_PAGES = [
    "/evaluations/",
    "/evaluations/rounds/{round}/",
    "/evaluations/rounds/{round}/follow-up/",
    "/evaluations/regions/ORE/",
    "/evaluations/bibliometrics/",
    "/evaluations/bibliometrics/import/",
    "/evaluations/rounds/new/",
]


@pytest.mark.parametrize("width", [1280, 375])
def test_evaluation_pages_are_accessible_and_fit_the_screen(page, width):
    round_pk = EvaluationRound.objects.get(name="2022/23").pk
    page.set_viewport_size({"width": width, "height": 900})
    browser_login(page, "vr")
    for template in EVALUATION_PAGES:
        path = template.format(round=round_pk)
        response = page.goto(f"{page.base_url}{path}")
        assert response.status == 200, path
        assert page.title(), path
        assert page.locator("h1").count() == 1, path
        assert page.locator("nav.breadcrumbs").count() == 1, path
        assert_accessible(page, label=f"{path} at {width}px")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"{path} scrolls sideways at {width}px by {overflow}px"
    assert not page.console_errors, page.console_errors


def test_the_grid_is_accessible(page):
    browser_login(page, "admin")
    from alfadmin.models import User
    from evaluations import services

    draft = services.evaluation_round_create(
        actor=User.objects.get(username="vr"),
        data={"name": "draft", "evaluation_year_from": 2026, "evaluation_year_to": 2027, "applies_from": 2028, "applies_to": 2031},
    )
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{page.base_url}/evaluations/rounds/{draft.pk}/grid/")
        assert_accessible(page, label=f"grid at {width}px")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"grid scrolls sideways at {width}px by {overflow}px"


def test_bibliometric_charts_are_drawn(page):
    browser_login(page, "viewer")
    page.goto(f"{page.base_url}/evaluations/bibliometrics/")
    page.wait_for_function("[...document.querySelectorAll('canvas[data-chart]')].every(c => c.dataset.drawn === '1')")
    assert page.locator("canvas[data-chart]").count() == 2
    assert page.locator("#impact-chart").bounding_box()["height"] > 50
