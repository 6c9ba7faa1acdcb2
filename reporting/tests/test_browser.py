"""Headless Chromium: STH fills in and submits, the administrator returns it with a comment,
STH fixes and resubmits, the administrator approves; Örebro cannot open Stockholm's report."""

import re

import pytest
from playwright.sync_api import expect

from conftest import browser_login
from reporting.models import Report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser_page, demo, require_chromium):
    return browser_page


def _logout(page):
    page.context.clear_cookies()


def test_fill_submit_return_fix_approve_and_scoping(page):
    report = Report.objects.get(region__code="STH", definition__year=2025)
    url = f"{page.base_url}/reporting/{report.pk}/"

    browser_login(page, "sth")
    page.goto(url)
    for kind in ("education", "research"):
        received = page.input_value(f"#id-{kind}_received")
        page.fill(f"#id-{kind}_personnel", received)
        page.fill(f"#id-{kind}_premises", "0")
        page.fill(f"#id-{kind}_other", "0")
    page.fill("#id-research_strategic_pct", "2")  # 50 + 47 + 2 = 99: the live check names the fields
    page.locator("#id-research_strategic_pct").dispatch_event("change")
    # Required fields still empty are errors from the start: wait for the live check's answer.
    expect(page.locator("#findings")).to_contain_text("research_strategic_pct")
    page.fill("#id-research_strategic_pct", "3")
    page.fill("#id-enrolled_hst", page.input_value("#id-planned_hst"))
    page.fill("#id-primary_care_share_pct", "4")
    page.fill("#id-doctoral_degrees", "40")  # required: an empty number would block submission
    page.fill("#id-physicians_phd_share_pct", "12")
    page.get_by_test_id("submit").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("report-state").inner_text() == "Inskickad"

    _logout(page)
    browser_login(page, "admin")
    page.goto(url)
    page.fill("#return-comment", "Ange lokalkostnaderna.")
    page.get_by_test_id("return").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("report-state").inner_text() == "Återsänd"

    _logout(page)
    browser_login(page, "sth")
    page.goto(url)
    assert "Ange lokalkostnaderna." in page.get_by_test_id("return-comment").inner_text()
    shown = page.input_value("#id-education_received")
    assert re.fullmatch(r"\d{1,3}( \d{3})+", shown)  # the Swedish page groups kronor as Swedes write them
    received = int(shown.replace(" ", ""))
    page.fill("#id-education_personnel", f"{received - 1000:,}".replace(",", " "))
    page.fill("#id-education_premises", "1000")
    page.get_by_test_id("submit").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("report-state").inner_text() == "Inskickad"

    _logout(page)
    browser_login(page, "admin")
    page.goto(url)
    page.get_by_test_id("approve").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("report-state").inner_text() == "Godkänd"

    _logout(page)
    browser_login(page, "ore")
    response = page.goto(url)
    assert response.status == 404
    report.refresh_from_db()
    assert report.state == "approved"
