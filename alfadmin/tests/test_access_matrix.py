"""The access matrix: every page and API operation × every demo role × own/other region.

The pages are discovered from the URL conf (`get_resolver()`, walked through every include),
the API operations from the OpenAPI schema drf-spectacular generates; each must have its line
in `access_matrix.py`, so a new URL cannot be forgotten. Path parameters are filled from the
demo (loaded once for the module). Writes send an empty or deliberately invalid body: a role
that passes the permission check gets the validation answer (400/409, or the page's own
answer), a role that does not gets 403 (404 outside its scope), anonymous users 401 (API) or
the login page. Each request runs in a transaction that is rolled back, so the cases do not
depend on each other's order.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from . import access_matrix as matrix

# The database is set up only for a session with django_db tests; each test's own transaction
# nests inside the module's (a savepoint), so the demo is loaded once.
pytestmark = pytest.mark.django_db

REGIONS = ("STH", "ORE")
PARAMETER = re.compile(r"\{(\w+)\}")


# ---------------------------------------------------------------- discovery


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or the route itself when the pattern has no name
    route: str  # the full route, prefixes joined


def _walk(patterns, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern):
            yield Route(name=f"{namespace}{entry.name}" if entry.name else route, route=route)


def discovered_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns))


def skipped_because(route: Route) -> str | None:
    for prefix, reason in matrix.SKIPPED_ROUTES.items():
        if route.route.startswith(prefix):
            return reason
    return matrix.SKIPPED_NAMES.get(route.name)


@pytest.fixture(scope="module")
def schema_operations() -> list[str]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    methods = ("get", "post", "put", "patch", "delete")
    return [f"{method.upper()} {path}" for path, item in schema["paths"].items() for method in item if method in methods]


@pytest.fixture(scope="module")
def schema_url_names(schema_operations) -> set[str]:
    """The URL names the schema's operations reach (a sample value in each path parameter)."""
    reached = set()
    for operation in schema_operations:
        match = resolve(PARAMETER.sub("1", operation.split(" ", 1)[1]))
        reached.add(":".join([*match.namespaces, match.url_name]))
    return reached


def missing_from_the_matrix(routes: list[Route], schema_url_names: set[str]) -> list[str]:
    """A page needs its line in PAGES; an API URL is covered by its schema operations (API),
    or, when the schema does not describe it (the router's root, the catch-all 404), by PAGES."""
    return sorted({r.name for r in routes if not skipped_because(r) and r.name not in matrix.PAGES and r.name not in schema_url_names})


def test_every_url_pattern_has_its_line_in_the_matrix(schema_url_names):
    missing = missing_from_the_matrix(discovered_routes(), schema_url_names)
    assert not missing, "URL patterns missing from alfadmin/tests/access_matrix.py PAGES: " + ", ".join(missing)


def test_a_new_url_without_its_line_is_named(schema_url_names):
    from django.urls import include, path

    def page(request):
        raise AssertionError("never requested")

    added = [path("guns/", include(([path("meetings/<int:pk>/finalize/", page, name="meeting_finalize")], "guns")))]
    routes = discovered_routes() + list(_walk(added))
    assert missing_from_the_matrix(routes, schema_url_names) == ["guns:meeting_finalize"]


def test_every_schema_operation_has_its_line_in_the_matrix(schema_operations):
    missing = sorted(op for op in schema_operations if op not in matrix.API)
    assert not missing, "schema operations missing from alfadmin/tests/access_matrix.py API: " + ", ".join(missing)
    stale = sorted(op for op in matrix.API if op not in schema_operations)
    assert not stale, "API lines naming no schema operation: " + ", ".join(stale)


def test_no_page_shares_its_url_name_with_an_api_url():
    """Else `reverse(name)` (and `{% url name %}`) gives one of the two: a page's link to the API."""
    api = {r.name for r in discovered_routes() if r.route.startswith("api/")}
    shared = sorted({r.name for r in discovered_routes() if not r.route.startswith("api/") and r.name in api})
    assert not shared, "URL names of both a page and an API URL: " + ", ".join(shared)


def test_every_skip_skips_something():
    routes = discovered_routes()
    unused = [p for p in matrix.SKIPPED_ROUTES if not any(r.route.startswith(p) for r in routes)]
    unused += [n for n in matrix.SKIPPED_NAMES if not any(r.name == n for r in routes)]
    assert not unused, "skips matching no URL pattern: " + ", ".join(unused)


def test_the_matrix_names_only_existing_urls():
    names = {r.name for r in discovered_routes()}
    stale = sorted(name for name in matrix.PAGES if name not in names)
    assert not stale, "PAGES lines naming no URL pattern: " + ", ".join(stale)


# ---------------------------------------------------------------- the demo, once


@pytest.fixture(scope="module")
def demo_objects(django_db_setup, django_db_blocker) -> Iterator[dict[str, Any]]:
    """The demo loaded once in a transaction rolled back after the module, and the values
    that fill each path parameter (`matrix.Page.args` names them)."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            call_command("load_demo", stdout=io.StringIO())
            yield _objects()
            transaction.set_rollback(True)


def _objects() -> dict[str, Any]:
    from alfadmin.models import AgreementPeriod, Region, StudentCount, University, User
    from allocations import explorer
    from allocations.models import AllocationRun, SavedScenario
    from evaluations.models import Bibliometrics, EvaluationRound, Panel, PanelRating, Rating
    from guns.models import Decision, FollowUpEntry, GunsMember, Meeting
    from reporting.models import FormField, Report, ValidationRule

    latest_round = EvaluationRound.objects.order_by("-pk").first()
    run = AllocationRun.objects.order_by("-pk").first()
    # No saved scenario or follow-up entry in the demo: one each, owned by a GUNS member.
    started = explorer.start_scenario(year=matrix.YEAR, model=None, start=explorer.Start())
    scenario = SavedScenario.objects.create(
        name="Matris", owner=User.objects.get(username="guns2"), base_year=matrix.YEAR, scenario=started[0], result={}
    )
    entry = FollowUpEntry.objects.create(evaluation_round=latest_round, region=Region.objects.get(code="STH"), text="Uppföljning")
    # The demo's rounds are finalized, their results open to all; a draft round's are not.
    draft_round = EvaluationRound.objects.create(
        name="Matris", evaluation_year_from=2026, evaluation_year_to=2029, applies_from=2030, applies_to=2031
    )
    for number in (1, 2, 3):
        Panel.objects.create(evaluation_round=draft_round, number=number, name=f"Panel {number}")
    draft_ratings = {
        code: PanelRating.objects.create(evaluation_round=draft_round, region=region, panel=1, rating=Rating.GOOD_HIGH)
        for code, region in ((code, Region.objects.get(code=code)) for code in REGIONS)
    }
    fixed = {
        "university": University.objects.order_by("code").first().code,
        "year": matrix.YEAR,
        "student": StudentCount.objects.get(region__code="STH", year=matrix.YEAR).pk,
        "share_kind": "in_force",
        "period": AgreementPeriod.objects.order_by("pk").first().pk,
        "run": run.pk,
        "prev_run": AllocationRun.objects.filter(model=run.model).exclude(pk=run.pk).order_by("-pk").first().pk,
        "scenario": scenario.pk,
        "round": latest_round.pk,
        "draft_round": draft_round.pk,
        "rating": PanelRating.objects.filter(evaluation_round=latest_round).order_by("pk").first().pk,
        "fmt": "csv",
        "draft_decision": Decision.objects.get(state=Decision.State.DRAFT, drafted_by__username="guns").pk,
        "agenda_decision": Decision.objects.filter(state=Decision.State.ON_AGENDA).order_by("pk").first().pk,
        "adopted_decision": Decision.objects.filter(state=Decision.State.ADOPTED).order_by("pk").first().pk,
        "transition": "adopt",
        "meeting": Meeting.objects.order_by("-date").first().pk,
        "minuted_meeting": Meeting.objects.filter(minutes__isnull=False).order_by("pk").first().pk,
        "follow_up_entry": entry.pk,
        "member": GunsMember.objects.order_by("pk").first().pk,
        "guns_year": matrix.GUNS_YEAR,
        "rule": ValidationRule.objects.order_by("pk").first().pk,
        "form_year": matrix.REPORT_YEAR,
        "form_field": FormField.objects.filter(definition__year=matrix.REPORT_YEAR).order_by("pk").first().pk,
        "report_action": "approve",
        "history_model": "evaluations.panelrating",
    }
    per_region = {}
    for code in REGIONS:
        per_region[code] = {
            "region": code,
            "report": Report.objects.get(region__code=code, definition__year=matrix.REPORT_YEAR).pk,
            "bibliometrics": Bibliometrics.objects.filter(region__code=code).order_by("pk").first().pk,
            "draft_rating": draft_ratings[code].pk,
            "draft_rating_history": draft_ratings[code].history.get().history_id,
        }
    return {"fixed": fixed, "regions": per_region}


def _values(objects: dict[str, Any], args: dict[str, str], region: str | None) -> dict[str, Any]:
    values = {}
    for name, key in args.items():
        if region is not None and key in objects["regions"][region]:
            values[name] = objects["regions"][region][key]
        else:
            values[name] = objects["fixed"][key]
    return values


# ---------------------------------------------------------------- requests


def _clients(role: str) -> tuple[Client, APIClient]:
    from alfadmin.models import User

    page, api = Client(raise_request_exception=False), APIClient(raise_request_exception=False)
    if role != "anonymous":
        user = User.objects.get(username=role)
        page.force_login(user)
        api.force_login(user)
    return page, api


def _rolled_back(client: Client, method: str, url: str, body: object = None) -> Any:
    """One request in a transaction rolled back afterwards; the client's cookies (its session,
    its language) restored too, so a logout or a language switch changes nothing after."""
    cookies = SimpleCookie()
    cookies.load(client.cookies.output(header="", sep=";"))
    saved = client.cookies
    client.cookies = cookies
    try:
        with transaction.atomic():
            if method in ("GET", "DELETE"):
                response = getattr(client, method.lower())(url)
            elif isinstance(client, APIClient):
                response = getattr(client, method.lower())(url, body, format="json")
            else:
                response = client.post(url, body)
            transaction.set_rollback(True)
    finally:
        client.cookies = saved
    return response


def _answer(response) -> int | str:
    login = reverse(settings.LOGIN_URL)
    if response.status_code == 302 and response["Location"].split("?")[0] == login:
        return matrix.LOGIN
    return response.status_code


def _describe(response) -> str:
    if getattr(response, "exc_info", None):
        return f" ({response.exc_info[0].__name__}: {response.exc_info[1]})"
    if response.status_code in (301, 302, 303):
        return f" → {response['Location']}"
    return ""


def _region_variants(scoped: bool) -> tuple[str | None, ...]:
    return REGIONS if scoped else (None,)


def _own(role: str, region: str | None) -> bool | None:
    if region is None or role not in matrix.REPORTER_REGION:
        return None
    return matrix.REPORTER_REGION[role] == region


@pytest.mark.parametrize("role", matrix.ROLES)
def test_pages(demo_objects, role):
    page, api = _clients(role)
    wrong: list[str] = []
    for name, entry in sorted(matrix.PAGES.items()):
        page_client = api if entry.api else page
        for region in _region_variants(entry.scoped):
            url = reverse(name, kwargs=_values(demo_objects, entry.args, region)) + entry.query.format(**demo_objects["fixed"])
            own = _own(role, region)
            for method, rule in (("GET", entry.get), ("POST", entry.post)):
                if rule is None:
                    continue
                expected = rule.expect(role, own=own, api=entry.api)
                response = _rolled_back(page_client, method, url, {})
                got = _answer(response)
                if got != expected:
                    where = "" if region is None else f" [{'own' if own else 'other' if own is False else region} region]"
                    wrong.append(f"{name}: {method} {url}{where}: expected {expected}, got {got}{_describe(response)}")
    assert not wrong, f"{role}: {len(wrong)} page answers differ from the matrix:\n" + "\n".join(wrong)


@pytest.mark.parametrize("role", matrix.ROLES)
def test_api_operations(demo_objects, role):
    _, api = _clients(role)
    wrong: list[str] = []
    for key, entry in sorted(matrix.API.items()):
        method, path = key.split(" ", 1)
        for region in _region_variants(entry.scoped):
            values = _values(demo_objects, entry.args, region)
            url = PARAMETER.sub(lambda m, v=values: str(v[m.group(1)]), path) + entry.query.format(**demo_objects["fixed"])
            own = _own(role, region)
            expected = entry.rule.expect(role, own=own, api=True)
            response = _rolled_back(api, method, url, entry.body)
            got = _answer(response)
            if got != expected:
                where = "" if region is None else f" [{'own' if own else 'other' if own is False else region} region]"
                body = response.content[:300].decode("utf-8", "replace") if got not in (200, 500) else ""
                wrong.append(f"{key}: {url}{where}: expected {expected}, got {got}{_describe(response)} {body}")
    assert not wrong, f"{role}: {len(wrong)} API answers differ from the matrix:\n" + "\n".join(wrong)


def test_every_demo_user_is_a_role_of_the_matrix(demo_objects):
    from alfadmin.models import User

    assert sorted(User.objects.values_list("username", flat=True)) == sorted(r for r in matrix.ROLES if r != "anonymous")


@pytest.mark.parametrize(("role", "regions"), [("sth", {"STH"}), ("ore", {"ORE"}), ("viewer", set(matrix.ALL_REGIONS))])
def test_a_reporter_lists_only_its_own_regions_reports(demo_objects, role, regions):
    """The matrix tries single reports; the lists must be scoped alike (API and page)."""
    from reporting.models import Report

    page, api = _clients(role)
    listed = api.get("/api/v1/reports/", {"page_size": 500}).json()["results"]
    assert {row["region"] for row in listed} == regions
    index = page.get(reverse("reporting:index")).content.decode()
    shown = {
        r.region.code for r in Report.objects.select_related("region") if f'href="{reverse("reporting:report", args=[r.pk])}"' in index
    }
    assert shown == regions


@pytest.mark.parametrize(("role", "regions"), [("sth", {"STH"}), ("ore", {"ORE"}), ("vr", set(REGIONS)), ("viewer", set())])
def test_a_draft_rounds_ratings_are_listed_as_they_are_reached(demo_objects, role, regions):
    """The draft round's ratings, in the API's list and in the change log, as the matrix reaches them one by one."""
    page, api = _clients(role)
    draft_round = demo_objects["fixed"]["draft_round"]
    listed = api.get("/api/v1/ratings/", {"round": draft_round, "page_size": 500}).json()["results"]
    assert {row["region"] for row in listed} == regions
    log = page.get(reverse("change-log")).content.decode()
    linked = {
        code
        for code in REGIONS
        if reverse("change-detail", args=["evaluations.panelrating", demo_objects["regions"][code]["draft_rating_history"]]) in log
    }
    assert linked == regions
