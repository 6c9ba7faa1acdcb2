"""Shared test fixtures.

Services: a test that needs PostgreSQL, Redis or Chromium calls `require_service(...)`.
Outside CI a missing service skips the test with the reason; in CI (CI=true) it fails.
"""
from __future__ import annotations

import os
import shutil

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def require_service(available: bool, reason: str) -> None:
    if available:
        return
    if IN_CI:
        pytest.fail(f"{reason} (required in CI)", pytrace=False)
    pytest.skip(reason)



@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in the project's language (Swedish), whatever the test before it left
    active: the locale middleware activates a request's language on the test's own thread and
    never deactivates it, so an English request would otherwise leak into the next test."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def require_postgres(settings):
    require_service(settings.DATABASES["default"]["ENGINE"].endswith("postgresql"), "DATABASE_URL does not point at PostgreSQL")


@pytest.fixture
def require_chromium():
    require_service(shutil.which("chromium") is not None or os.path.exists("/usr/bin/chromium"), "Chromium (/usr/bin/chromium) is not installed")


@pytest.fixture
def make_user(db):
    from alfadmin.models import Region, Role, User

    def make(username: str, role: str = Role.VIEWER, region_code: str | None = None, **extra) -> User:
        region = Region.objects.get(code=region_code) if region_code else None
        user = User.objects.create_user(username=username, password="pw-for-tests-1", role=role, region=region, **extra)
        return user

    return make


@pytest.fixture
def regions(db):
    """Two universities and regions, enough for most tests."""
    from alfadmin.models import Region, University

    made = {}
    for code, name, uni in (("STH", "Region Stockholm", "Karolinska institutet"), ("ORE", "Region Örebro län", "Örebro universitet")):
        university = University.objects.create(code=f"U{code}", name=uni)
        made[code] = Region.objects.create(code=code, name=name, university=university)
    return made


@pytest.fixture
def demo(db):
    """The whole demo data set (registry, users and every app's demo, allocations computed)."""
    from django.core.management import call_command

    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


@pytest.fixture
def registry_demo(db):
    """Only the demo registry, users and GUNS members: enough for most tests, and fast."""
    from alfadmin import demo as registry
    from guns import demo as guns

    registry.load()
    guns.load()


@pytest.fixture
def role_users(registry_demo):
    """The demo users by username: admin, guns, guns2, vr, sth, ore, viewer."""
    from alfadmin.models import User

    return {u.username: u for u in User.objects.select_related("region")}


@pytest.fixture
def eager():
    """Run Celery tasks in-process for this test, whatever CELERY_BROKER_URL says (the real
    worker is exercised by test_worker.py)."""
    from alfadmin.celery import app

    saved = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield app
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_instance():
    """Debian's headless Chromium driven by Playwright; never a downloaded browser."""
    require_service(os.path.exists(CHROMIUM), f"Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API refuses to run inside an asyncio loop; Django's async-unsafe
    # guard must also allow the live server's ORM calls from this thread.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(browser_instance, live_server):
    """A fresh browser context (1280 px wide) on the live server; `page.base_url` is its address."""
    context = browser_instance.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.base_url = live_server.url
    yield page
    context.close()


def browser_login(page, username: str, password: str = "demo") -> None:
    """Log in through the real login form."""
    page.goto(f"{page.base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")


def assert_accessible(page, *, label: str = "") -> None:
    """axe-core (shipped by axe-playwright-python) in the page: no serious or critical violations."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    report = "\n".join(f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:3]}" for v in serious)
    assert not serious, f"accessibility violations on {label or page.url}:\n{report}"
