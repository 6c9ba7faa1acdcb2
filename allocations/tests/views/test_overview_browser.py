"""The allocation pages in headless Chromium: the overview updates itself (htmx polling) when a
recompute finishes, charts are drawn, and every page passes axe-core at desktop and phone width."""

import pytest

from alfadmin import services as registry
from alfadmin.models import BudgetYear
from allocations import services
from allocations.models import CurrentAllocation
from conftest import assert_accessible, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests-1"  # make_user's


@pytest.fixture
def page(browser_page, computed, users, require_chromium):
    errors: list[str] = []
    browser_page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    browser_page.console_errors = errors
    return browser_page


def test_the_overview_refreshes_itself_when_the_new_run_is_current(page, users, monkeypatch):
    # The request stays pending until this test computes it (no task is sent).
    monkeypatch.setattr("allocations.watched_inputs.enqueue_recompute", lambda years: True)
    budget_year = BudgetYear.objects.get(year=2025)
    registry.budget_year_update(actor=users["admin"], budget_year=budget_year, expected_version=budget_year.version, data={"research_appropriation": 1_555_000_000}, reason="a browser test")
    browser_login(page, users["viewer"].username, PASSWORD)
    page.goto(f"{page.base_url}/allocations/?year=2025")
    assert page.locator("#allocation-live").get_attribute("data-status") == "recomputing"
    page.evaluate("window.__notReloaded = true")
    services.recompute_years(years=[2025])
    page.wait_for_selector("#allocation-live[data-status='current']", timeout=10_000)
    assert page.evaluate("window.__notReloaded") is True  # updated in place, not reloaded
    total = page.get_by_test_id("allocation-table").inner_text()
    assert "1 555 000 000" in total.replace("\u00a0", " ")
    page.wait_for_function("document.querySelector('canvas[data-chart=money]').dataset.drawn === '1'")
    assert not page.console_errors, page.console_errors


@pytest.mark.parametrize("width", [1280, 375])
def test_allocation_pages_are_accessible_and_fit_the_screen(page, users, width):
    services.year_publish(actor=users["admin2"], year=2024)
    run_id = CurrentAllocation.objects.get(year=2024, model="ds2024").run_id
    paths = [
        "/allocations/?year=2024",
        "/allocations/?year=2024&model=ds2024",
        "/allocations/?year=2023",
        "/allocations/regions/AAA/",
        f"/allocations/runs/{run_id}/",
        "/allocations/runs/",
        "/allocations/2024/reopen/",
    ]
    page.set_viewport_size({"width": width, "height": 900})
    browser_login(page, users["admin"].username, PASSWORD)
    for path in paths:
        response = page.goto(f"{page.base_url}{path}")
        assert response.status == 200, path
        assert page.locator("h1").count() == 1, path
        assert page.locator("nav.breadcrumbs").count() == 1, path
        if page.locator("canvas[data-chart]").count():
            page.wait_for_function("document.querySelector('canvas[data-chart]').dataset.drawn === '1'")
        assert_accessible(page, label=f"{path} at {width}px")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"{path} scrolls sideways at {width}px by {overflow}px"
    assert not page.console_errors, page.console_errors
