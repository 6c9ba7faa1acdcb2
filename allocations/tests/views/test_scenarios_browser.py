"""The explorer in headless Chromium on the demo data: `viewer` starts from 2025, raises the
research appropriation, sees ORE's figure and its difference from the baseline change as they
type (no reload), saves the scenario and opens it by its link."""

from __future__ import annotations

import re

import pytest

from allocations.models import CurrentAllocation, SavedScenario
from conftest import assert_accessible, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def kronor(text: str) -> int:
    return int(re.sub(r"[^\d-]", "", text.split("(")[0].replace("\u2212", "-")))


def test_viewer_explores_saves_and_opens_a_scenario_by_link(browser_page, demo, require_chromium):
    page = browser_page
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    before = list(CurrentAllocation.objects.order_by("pk").values_list("run_id", flat=True))
    browser_login(page, "viewer")
    page.goto(f"{page.base_url}/allocations/scenarios/")
    page.select_option("#start-year", "2025")
    page.click("[data-testid=start-form] button[type=submit]")
    page.wait_for_selector("[data-testid=total-ORE]")
    start_total = kronor(page.get_by_test_id("total-ORE").inner_text())
    assert kronor(page.get_by_test_id("difference-ORE").inner_text()) == 0
    page.evaluate("window.__notReloaded = true")

    page.fill("#f-err-research_increase", "500 000 000")
    page.wait_for_function(
        "t => document.querySelector('[data-testid=total-ORE]').innerText.replace(/\\D/g, '') !== t", arg=str(start_total)
    )
    raised = kronor(page.get_by_test_id("total-ORE").inner_text())
    difference = kronor(page.get_by_test_id("difference-ORE").inner_text())
    assert raised > start_total
    assert difference == raised - kronor(page.get_by_test_id("baseline-ORE").inner_text()) > 0
    assert page.evaluate("window.__notReloaded") is True  # updated in place

    # An invalid input: the message beside the field, the typed text kept, then corrected.
    page.fill("#f-err-research-appropriation", "lots")
    page.wait_for_selector("#err-research-appropriation:not(:empty)")
    assert page.input_value("#f-err-research-appropriation") == "lots"
    assert page.get_attribute("#f-err-research-appropriation", "aria-invalid") == "true"
    appropriation = page.evaluate("document.querySelector('#f-err-research-appropriation').defaultValue")
    page.fill("#f-err-research-appropriation", appropriation)
    page.wait_for_selector("[data-testid=total-ORE]")
    assert kronor(page.get_by_test_id("total-ORE").inner_text()) == raised

    page.fill("#id_name", "Half a billion more")
    page.click("[data-testid=save-scenario]")
    page.wait_for_url(re.compile(r"/allocations/scenarios/\d+/$"))
    link = page.url
    saved = SavedScenario.objects.get()
    assert link.endswith(f"/allocations/scenarios/{saved.pk}/")

    page.goto(f"{page.base_url}/allocations/scenarios/")
    page.click("text=Half a billion more")
    page.wait_for_url(link)
    assert kronor(page.get_by_test_id("total-ORE").inner_text()) == raised
    assert_accessible(page, label="scenario explorer")
    page.set_viewport_size({"width": 375, "height": 900})
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 1
    assert list(CurrentAllocation.objects.order_by("pk").values_list("run_id", flat=True)) == before
    assert not errors, errors
