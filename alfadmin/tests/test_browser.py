"""Each demo user logs in through the real login page in headless Chromium and sees what the
role should see, and nothing more; the shell passes axe-core at desktop and phone width."""

import pytest

from conftest import assert_accessible, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAV = ["Översikt", "Fördelning", "Utvärderingar", "GUNS", "Rapportering", "Data"]


@pytest.fixture
def page(browser_page, demo, require_chromium):
    errors: list[str] = []
    browser_page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    browser_page.console_errors = errors
    return browser_page


def _nav(page) -> list[str]:
    return [t.strip() for t in page.locator("nav.main-nav a").all_inner_texts()]


def test_anonymous_user_is_asked_to_log_in(page):
    page.goto(f"{page.base_url}/data/")
    assert "/login/" in page.url
    assert page.locator("h1").inner_text() == "Logga in i ALF Admin"
    assert _nav(page) == []


def test_wrong_password_is_refused_with_a_message(page):
    browser_login(page, "viewer", "fel-lösenord")
    assert "/login/" in page.url
    assert page.locator(".form-errors[role=alert]").is_visible()


@pytest.mark.parametrize(
    ("username", "role_label"),
    [
        ("admin", "Administratör (departementet)"),
        ("guns", "GUNS-ledamot"),
        ("guns2", "GUNS-ledamot"),
        ("vr", "Vetenskapsrådets personal"),
        ("sth", "Regionrapportör"),
        ("ore", "Regionrapportör"),
        ("viewer", "Läsare"),
    ],
)
def test_each_demo_user_sees_their_role_and_the_navigation(page, username, role_label):
    browser_login(page, username)
    assert page.url.rstrip("/") == page.base_url.rstrip("/")
    assert role_label in page.get_by_test_id("current-user").inner_text()
    assert _nav(page) == NAV
    assert page.title().endswith("ALF Admin")
    assert not page.console_errors, page.console_errors


@pytest.mark.parametrize("username", ["admin", "guns", "vr", "sth", "viewer"])
def test_only_the_administrator_sees_and_reaches_registry_edits(page, username):
    browser_login(page, username)
    page.goto(f"{page.base_url}/data/years/")
    edit_links = page.get_by_role("link", name="Ändra 2024").count()
    assert edit_links == (1 if username == "admin" else 0)
    response = page.goto(f"{page.base_url}/data/years/2024/edit/")
    assert response.status == (200 if username == "admin" else 403)


@pytest.mark.parametrize(("username", "visible"), [("sth", ["Region Stockholm"]), ("ore", ["Region Örebro län"]), ("viewer", None)])
def test_a_reporter_sees_only_their_own_region(page, username, visible):
    browser_login(page, username)
    page.goto(f"{page.base_url}/reporting/")
    regions = page.get_by_test_id("report-region").all_inner_texts()
    if visible is None:
        assert len(regions) == 7
    else:
        assert regions == visible


def test_the_administrator_changes_shares_and_a_bad_sum_is_refused(page):
    browser_login(page, "admin")
    page.goto(f"{page.base_url}/data/shares/in_force/edit/")
    page.fill("[name='shares.VGR']", "17.4")
    page.click("main button[type=submit]")
    assert page.locator(".form-errors").is_visible()
    assert "100" in page.locator(".form-errors").inner_text()
    page.goto(f"{page.base_url}/data/shares/")
    assert "17,5000" in page.locator("main").inner_text()


def test_language_switch_to_english(page):
    browser_login(page, "viewer")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state("networkidle")
    assert _nav(page) == ["Overview", "Allocation", "Evaluations", "GUNS", "Reporting", "Data"]


SHELL_PAGES = [
    "/",
    "/data/",
    "/data/regions/",
    "/data/regions/ORE/",
    "/data/years/",
    "/data/students/",
    "/data/shares/",
    "/data/periods/",
    "/data/changes/",
    "/data/years/2024/edit/",
    "/guns/",
    "/reporting/",
]


@pytest.mark.parametrize("width", [1280, 375])
def test_shell_pages_are_accessible_and_fit_the_screen(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    browser_login(page, "admin")
    for path in SHELL_PAGES:
        response = page.goto(f"{page.base_url}{path}")
        assert response.status == 200, path
        assert page.title(), path
        assert page.locator("h1").count() == 1, path
        if path != "/":
            assert page.locator("nav.breadcrumbs").count() == 1, path
        assert_accessible(page, label=f"{path} at {width}px")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"{path} scrolls sideways at {width}px by {overflow}px"
    assert not page.console_errors, page.console_errors


def test_charts_are_drawn(page):
    browser_login(page, "viewer")
    page.goto(f"{page.base_url}/data/students/")
    page.wait_for_function("document.querySelector('canvas[data-chart]').dataset.drawn === '1'")
    assert page.locator("canvas[data-chart]").bounding_box()["height"] > 50
