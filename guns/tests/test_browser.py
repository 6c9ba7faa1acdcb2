"""In headless Chromium (Swedish): guns2 drafts a funding decision, the chair puts it on a
meeting's agenda, records attendance with quorum and the votes, adopts it, and the pot page
shows it committed. The GUNS pages pass axe-core and fit a 375 px phone."""

import pytest

from conftest import assert_accessible, browser_login
from guns.models import Decision, GunsMember

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser_page, demo, require_chromium):
    return browser_page


def test_draft_schedule_attend_adopt_and_the_pot_shows_it(page):
    browser_login(page, "guns2")
    page.goto(f"{page.base_url}/guns/decisions/new/")
    page.select_option("#id_kind", "national_initiative")
    page.fill("#id_title", "Webbläsarens satsning")
    page.fill("#id_text", "En nationell satsning.")
    page.fill("#id_amount", "1000000")
    page.fill("#id_pot_year", "2025")
    page.fill("#id_recipients", "Lunds universitet")
    page.click("main form.form button[type=submit]")
    page.wait_for_load_state("networkidle")
    decision = Decision.objects.get(title="Webbläsarens satsning")
    assert page.url.endswith(f"/guns/decisions/{decision.pk}/") and decision.state == "draft"
    assert page.locator("[data-state=draft]").count() == 1

    page.context.clear_cookies()
    browser_login(page, "guns")
    # A meeting with eight seats present, three of them from the universities.
    page.goto(f"{page.base_url}/guns/meetings/new/")
    page.fill("#id_date", "2026-02-10")
    page.fill("#id_title", "Extramöte")
    members = GunsMember.objects.filter(is_active=True, role="member").order_by("side", "region__code")
    present = [m for m in members if m.side == "region"][:5] + [m for m in members if m.side == "university"][:3]
    for member in present:
        page.check(f"input[name=attendees][value='{member.pk}']")
    page.click("main form.form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("#quorum").get_attribute("data-quorum") == "yes"
    assert "8" in page.locator("#quorum").inner_text()
    meeting_url = page.url

    page.goto(f"{page.base_url}/guns/decisions/{decision.pk}/")
    page.select_option("#id_meeting", label="2026-02-10 Extramöte")
    page.click("text=Sätt upp på dagordningen")
    page.wait_for_load_state("networkidle")
    assert Decision.objects.get(pk=decision.pk).state == "on_agenda"

    # Too many votes for eight seats: refused, nothing changes.
    page.fill("#id_yes", "7")
    page.fill("#id_no", "2")
    page.click("#outcome-form button:has-text('Besluta')")
    page.wait_for_load_state("networkidle")
    assert "bara 8 platser" in page.content()
    assert Decision.objects.get(pk=decision.pk).state == "on_agenda"
    page.fill("#id_yes", "6")
    page.fill("#id_no", "1")
    page.fill("#id_abstain", "1")
    page.click("#outcome-form button:has-text('Besluta')")
    page.wait_for_load_state("networkidle")
    adopted = Decision.objects.get(pk=decision.pk)
    assert (adopted.state, adopted.number, adopted.votes_yes) == ("adopted", "GUNS 2026:1", 6)
    assert "GUNS 2026:1" in page.locator("h1").inner_text()

    page.goto(f"{page.base_url}/guns/pot/?year=2025")
    spending = page.locator("#pot-spending").inner_text()
    assert "GUNS 2026:1" in spending and "Webbläsarens satsning" in spending
    page.goto(meeting_url)
    assert "GUNS 2026:1" in page.locator(".agenda").inner_text()


@pytest.mark.parametrize(
    "path",
    [
        "/guns/",
        "/guns/decisions/",
        "/guns/meetings/",
        "/guns/pot/",
        "/guns/follow-up/",
        "/guns/annual-report/?year=2025",
        "/data/universities/",
        "/data/universities/KI/",
    ],
)
def test_guns_pages_are_accessible_and_fit_a_phone(page, path):
    browser_login(page, "guns")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{page.base_url}{path}")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(page, label=path)


def test_a_member_writes_an_action_on_a_rounds_findings(page):
    """From the evaluations' follow-up page to GUNS's, where guns2 adds an action for a region;
    the round page passes axe-core (open <details> included)."""
    from evaluations.models import EvaluationRound
    from guns.models import FollowUpEntry

    evaluation_round = EvaluationRound.objects.order_by("-applies_from").first()
    browser_login(page, "guns2")
    page.goto(f"{page.base_url}/evaluations/rounds/{evaluation_round.pk}/follow-up/")
    page.click(f"a[href='/guns/follow-up/{evaluation_round.pk}/']")
    page.wait_for_load_state("networkidle")
    section = page.locator("section#fu-ORE, section:has(h2#fu-ORE)").first
    section.locator("summary").click()
    action_url = page.evaluate("document.querySelector('#fu-ORE').closest('section').querySelector('form').action")
    assert action_url.endswith("/ORE/new/")
    section.locator("select[name$='-kind']").select_option("action")
    section.locator("textarea[name$='-text']").fill("Begär en reviderad handlingsplan")
    section.locator("input[name$='-responsible']").fill("Region Örebro län")
    section.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    entry = FollowUpEntry.objects.get(text="Begär en reviderad handlingsplan")
    assert (entry.region.code, entry.kind, entry.created_by.username) == ("ORE", "action", "guns2")
    assert "Begär en reviderad handlingsplan" in page.locator("h2#fu-ORE").locator("xpath=..").inner_text()
    assert_accessible(page, label="follow-up round")
