"""The analysis pages in headless Chromium (demo data): every money table shows its total column
at 1280 px and the pages do not scroll sideways at 375 px; the analyst's question answered
through the pages; the risk form recomputes in place (htmx) and names a wrong field."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from alfrules.inputs import Rating
from allocations.analysis.projections import ProjectionRequest, project
from allocations.analysis.risk import year_risk
from allocations.models import CurrentAllocation
from conftest import assert_accessible, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser_page, demo, require_chromium):
    errors: list[str] = []
    browser_page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    browser_page.console_errors = errors
    return browser_page


def amount(text: str) -> int:
    return int(re.sub(r"[^\d-]", "", text))


TOTAL_IN_VIEW = """(table) => {
  const wrap = table.closest('.table-wrap').getBoundingClientRect();
  return [...table.querySelectorAll('thead .col-total')].map(th => {
    const box = th.getBoundingClientRect();
    return {left: box.left, right: box.right, wrapRight: wrap.right, viewport: document.documentElement.clientWidth};
  });
}"""


def assert_total_column_visible(page, selector: str) -> None:
    boxes = page.locator(selector).evaluate(TOTAL_IN_VIEW)
    assert boxes, f"{selector} has no total column"
    for box in boxes:
        assert box["left"] >= 0 and box["right"] <= min(box["wrapRight"], box["viewport"]) + 1, f"{selector}: total column at {box}"


def test_money_tables_show_their_totals_at_1280_and_fit_375(page):
    browser_login(page, "viewer")
    run_id = CurrentAllocation.objects.get(year=2026, model="alf2015").run_id
    ds_id = CurrentAllocation.objects.get(year=2026, model="ds2024").run_id
    wide = {
        "/allocations/?year=2026": "[data-testid=allocation-table]",
        "/allocations/?year=2026&model=ds2024": "[data-testid=allocation-table]",
        "/allocations/projections/": "[data-testid=projection-table]",
        f"/allocations/diff/?from={run_id}&to={ds_id}": "[data-testid=diff-table]",
        "/allocations/risk/?year=2026&samples=500": "[data-testid=risk-table]",
        "/allocations/projections/why/?year=2028&research_increase=200000000": "[data-testid=diff-table]",
    }
    page.set_viewport_size({"width": 1280, "height": 900})
    for path, table in wide.items():
        assert page.goto(f"{page.base_url}{path}").status == 200, path
        assert_total_column_visible(page, table)
    pages = [*wide, "/allocations/compare/?year=2026", f"/allocations/runs/{run_id}/", "/"]
    page.set_viewport_size({"width": 375, "height": 800})
    for path in pages:
        assert page.goto(f"{page.base_url}{path}").status == 200, path
        if page.locator("canvas[data-chart]").count():
            page.wait_for_function("[...document.querySelectorAll('canvas[data-chart]')].every(c => c.dataset.drawn === '1')")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"{path} scrolls sideways at 375px by {overflow}px"
        assert_accessible(page, label=f"{path} at 375px")
    # The as-of rerun on the run page, in place (htmx, CSRF from the page's header).
    page.goto(f"{page.base_url}/allocations/runs/{run_id}/")
    page.get_by_test_id("rerun-button").click()
    page.wait_for_selector("[data-testid=rerun-result][data-matches='1']")
    assert "Stämmer på kronan" in page.get_by_test_id("rerun-result").inner_text()
    assert not page.console_errors, page.console_errors


def test_the_analysts_question(page):
    browser_login(page, "viewer")
    # Ds 2024 and 200 000 000 kr more research: Örebro's 2028.
    page.goto(f"{page.base_url}/allocations/projections/")
    page.select_option("#id_model", "ds2024")
    page.fill("#id_research_increase", "200000000")
    page.click("[data-testid=projection-form] button[type=submit]")
    page.wait_for_selector("[data-testid=projection-table]")
    shown = amount(page.locator("tr[data-region=ORE][data-year='2028'] [data-testid=projection-total]").inner_text())
    expected = project(request=ProjectionRequest(first_year=2028, last_year=2028, model="ds2024", research_increase=200_000_000))[0]
    assert shown == expected.total("ORE")
    page.wait_for_function("document.querySelector('canvas[data-chart=money]').dataset.drawn === '1'")
    # Why 2028 differs from 2027, under the same assumptions: the causes add up to the difference.
    page.get_by_role("link", name=re.compile("2028.*2027")).click()
    row = page.locator("[data-testid=diff-table] tr[data-region=ORE]")
    before, after = (amount(row.get_by_test_id(name).inner_text()) for name in ("before", "after"))
    earlier = project(request=ProjectionRequest(first_year=2027, last_year=2027, model="ds2024", research_increase=200_000_000))[0]
    assert (before, after) == (earlier.total("ORE"), shown)
    causes = [amount(cell.inner_text()) for cell in row.get_by_test_id("cause").all()]
    assert causes and sum(causes) == amount(row.get_by_test_id("difference").inner_text()) == after - before
    page.wait_for_function("[...document.querySelectorAll('canvas[data-chart=waterfall]')].every(c => c.dataset.drawn === '1')")
    # How much could the next evaluation move it: ORE's 5th percentile, median and 95th percentile.
    page.get_by_test_id("why-risk-link").click()
    row = page.locator("[data-testid=risk-table] tr[data-region=ORE]")
    risk = next(o for o in year_risk(year=2028, model="ds2024", research_increase=200_000_000).regions if o.region == "ORE")
    assert amount(row.get_by_test_id("today").inner_text()) == risk.today == expected.research["ORE"]
    assert [amount(row.get_by_test_id(name).inner_text()) for name in ("p5", "median", "p95")] == [risk.risk.p5, risk.risk.median, risk.risk.p95]
    page.wait_for_function("document.querySelector('canvas[data-chart=risk]').dataset.drawn === '1'")
    assert not page.console_errors, page.console_errors


def test_own_probabilities_recompute_in_place_and_a_wrong_one_is_named(page):
    browser_login(page, "vr")
    page.goto(f"{page.base_url}/allocations/risk/?year=2026&samples=300")
    page.evaluate("window.__notReloaded = true")
    page.fill("#id_p_ORE_1_good_high", "0.9")
    page.click("[data-testid=probability-form] button[type=submit]")
    page.wait_for_selector("[data-testid=probability-errors]")
    assert "ORE, panel 1" in page.get_by_test_id("probability-errors").inner_text()
    assert page.locator("#id_p_ORE_1_inadequate").get_attribute("aria-invalid") == "true"
    for panel in (1, 2, 3):
        page.fill(f"#id_p_ORE_{panel}_inadequate", "0")
        page.fill(f"#id_p_ORE_{panel}_good_high", "0")
        page.fill(f"#id_p_ORE_{panel}_very_high", "1")
    page.click("[data-testid=probability-form] button[type=submit]")
    page.wait_for_selector("[data-testid=probability-form]:not(:has([aria-invalid]))")
    page.wait_for_selector("[data-testid=risk-facts]:has-text('egna')")
    assert page.evaluate("window.__notReloaded") is True
    # The figures are the engine's for exactly the probabilities in the form.
    posted = page.locator("[data-testid=probability-form]").evaluate("f => Object.fromEntries(new FormData(f))")
    probabilities: dict = {}
    for name, value in posted.items():
        if name.startswith("p_"):
            _p, code, panel, rating = name.split("_", 3)
            probabilities.setdefault(code, {}).setdefault(int(panel), {})[Rating(rating)] = Decimal(value)
    for panels in probabilities.values():
        for panel, ratings in panels.items():
            total = sum(ratings.values(), Decimal(0))
            panels[panel] = {rating: float(v / total) for rating, v in ratings.items()}
    assert probabilities["ORE"][1][Rating.VERY_HIGH] == 1.0
    expected = next(o for o in year_risk(year=2026, samples=300, probabilities=probabilities).regions if o.region == "ORE").risk
    row = page.locator("[data-testid=risk-table] tr[data-region=ORE]")
    assert [amount(row.get_by_test_id(name).inner_text()) for name in ("p5", "median", "p95")] == [expected.p5, expected.median, expected.p95]
    page.wait_for_function("document.querySelector('canvas[data-chart=risk]').dataset.drawn === '1'")
    assert_accessible(page, label="risk after recomputing")
    assert not page.console_errors, page.console_errors
