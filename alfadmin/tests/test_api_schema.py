"""The API's numbers and its schema: malformed or out-of-range numbers are a 400 naming the
parameter (never a 500), ids out of range are a 404, the schema generates without warnings
and `check --deploy` is clean with the production settings."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import get_resolver
from django_filters import NumberFilter
from rest_framework.test import APIClient

from alfadmin.api.filters import DB_INTEGER_MAX, FilterSet, IntegerFilter

BASE_DIR = Path(__file__).resolve().parents[2]
BAD_NUMBERS = [
    "3.47e49",
    "1e3",
    "nan",
    "inf",
    "-inf",
    "1.5",
    "abc",
    "0x10",
    "99999999999999999999",
    "-99999999999999999999",
    str(DB_INTEGER_MAX + 1),
]
INTEGER_PARAMETERS = [
    ("/api/v1/bibliometrics/", "round"),
    ("/api/v1/bibliometrics/", "year"),
    ("/api/v1/bibliometrics/", "period_start"),
    ("/api/v1/ratings/", "round"),
    ("/api/v1/ratings/", "year"),
    ("/api/v1/evaluation-rounds/", "year"),
    ("/api/v1/students/", "year"),
    ("/api/v1/students/", "year_from"),
    ("/api/v1/appropriations/", "year_to"),
    ("/api/v1/allocation-runs/", "year"),
    ("/api/v1/allocation-runs/", "year_from"),
    ("/api/v1/allocations/", "year"),
]


@pytest.fixture
def admin_client(role_users):
    client = APIClient()
    client.force_authenticate(role_users["admin"])
    return client


@pytest.mark.parametrize(("url", "parameter"), INTEGER_PARAMETERS)
def test_a_malformed_or_huge_number_is_a_400_naming_the_parameter(admin_client, url, parameter):
    for value in BAD_NUMBERS:
        response = admin_client.get(url, {parameter: value})
        assert response.status_code == 400, (value, response.content)
        assert parameter in response.json(), value


def _rows(client, url, query=None):
    response = client.get(url, {"page_size": 500, **(query or {})})
    assert response.status_code == 200, (url, query, response.content)
    body = response.json()
    assert body["next"] is None, f"{url} has more than one page: the comparison below would miss rows"
    return body["results"]


def test_numbers_in_range_filter_to_exactly_the_matching_rows(demo, admin_client):
    """Each integer parameter returns 200 with exactly the rows of the unfiltered collection that
    match it, and that is some but not all of them (a filter that filters)."""
    rounds = {row["name"]: row for row in _rows(admin_client, "/api/v1/evaluation-rounds/")}
    first, second = rounds["2017/18"], rounds["2022/23"]
    applies = {row["id"]: (row["applies_from"], row["applies_to"]) for row in rounds.values()}

    def covers(start, end, year):
        return start <= year <= end

    cases = {
        ("/api/v1/bibliometrics/", "round", first["id"]): lambda row: row["evaluation_round"] == first["id"],
        ("/api/v1/bibliometrics/", "year", 2020): lambda row: covers(row["period_start"], row["period_end"], 2020),
        ("/api/v1/bibliometrics/", "period_start", 2018): lambda row: row["period_start"] == 2018,
        ("/api/v1/ratings/", "round", second["id"]): lambda row: row["evaluation_round"] == second["id"],
        ("/api/v1/ratings/", "year", 2020): lambda row: covers(*applies[row["evaluation_round"]], 2020),
        ("/api/v1/evaluation-rounds/", "year", 2024): lambda row: covers(row["applies_from"], row["applies_to"], 2024),
        ("/api/v1/students/", "year", 2024): lambda row: row["year"] == 2024,
        ("/api/v1/students/", "year_from", 2024): lambda row: row["year"] >= 2024,
        ("/api/v1/appropriations/", "year_to", 2024): lambda row: row["year"] <= 2024,
        ("/api/v1/allocation-runs/", "year", 2024): lambda row: row["year"] == 2024,
        ("/api/v1/allocation-runs/", "year_from", 2024): lambda row: row["year"] >= 2024,
    }
    assert {(url, parameter) for url, parameter, _ in cases} | {("/api/v1/allocations/", "year")} == set(INTEGER_PARAMETERS)
    for (url, parameter, value), matches in cases.items():
        everything = _rows(admin_client, url)
        expected = [row["id"] for row in everything if matches(row)]
        assert 0 < len(expected) < len(everything), (url, parameter, value, "the demo cannot show this filter filtering")
        filtered = _rows(admin_client, url, {parameter: value})
        assert sorted(row["id"] for row in filtered) == sorted(expected), (url, parameter, value)

    runs = {row["id"]: row["year"] for row in _rows(admin_client, "/api/v1/allocation-runs/", {"year": 2024})}
    current = admin_client.get("/api/v1/allocations/", {"year": 2024})
    assert current.status_code == 200, current.content
    assert current.json()["year"] == 2024
    allocations = current.json()["allocations"]
    assert allocations, "the demo computes 2024"
    assert [runs.get(allocation["run"]) for allocation in allocations] == [2024] * len(allocations)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/ratings/99999999999999999999/",
        "/api/v1/ratings/-99999999999999999999/",
        "/api/v1/ratings/1e400/",
        "/api/v1/students/99999999999999999999/",
        "/api/v1/bibliometrics/2147483648/",
        "/api/v1/evaluation-rounds/99999999999999999999/",
        "/api/v1/evaluation-rounds/99999999999999999999/findings/",
        "/api/v1/allocation-runs/99999999999999999999/",
        "/api/v1/guns/members/99999999999999999999/",
        "/api/v1/appropriations/99999999999999999999/",
        "/api/v1/allocations/99999999999999999999/publish/",
        "/api/v1/allocations/-1/publish/",
        "/api/v1/no-such-collection/",
        "/api/v1/allocation-runs/%C3%96.%0A/",
        "/api/v1/regions/ST%00H/",
    ],
)
def test_an_id_out_of_range_or_an_unknown_address_is_a_json_404(admin_client, url):
    method = admin_client.post if url.endswith("/publish/") else admin_client.get
    response = method(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


@pytest.mark.parametrize("authorization", [None, "Token not-a-token"])
def test_not_signed_in_is_a_401_asking_for_a_token(registry_demo, authorization):
    client = APIClient()
    if authorization:
        client.credentials(HTTP_AUTHORIZATION=authorization)
    response = client.get("/api/v1/regions/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "detail" in response.json()


def test_a_missing_slash_still_redirects(admin_client):
    response = admin_client.get("/api/v1/regions")
    assert response.status_code == 301
    assert response["Location"].endswith("/api/v1/regions/")


def _api_filtersets():
    """The FilterSet of every view routed under /api/v1/."""
    found = set()

    def walk(patterns):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns)
                continue
            view = getattr(pattern.callback, "cls", None)
            if view is not None and getattr(view, "filterset_class", None) is not None:
                found.add(view.filterset_class)

    walk(get_resolver().url_patterns)
    return found


def test_every_api_filterset_reads_numbers_through_the_one_bounded_filter():
    filtersets = _api_filtersets()
    assert len(filtersets) >= 8
    for filterset in filtersets:
        assert issubclass(filterset, FilterSet), filterset
        for name, declared in filterset.base_filters.items():
            if isinstance(declared, NumberFilter):
                assert isinstance(declared, IntegerFilter), f"{filterset.__name__}.{name}"


def test_schema_generates_without_warnings(tmp_path):
    # --fail-on-warn makes a warning an error; the file then holds the whole OpenAPI 3 document.
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", "--file", str(tmp_path / "schema.json"))
    schema = json.loads((tmp_path / "schema.json").read_text(encoding="utf-8"))
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/regions/", "/api/v1/allocations/", "/api/v1/reports/", "/api/v1/guns/decisions/"} <= set(schema["paths"])


def test_production_settings_pass_check_deploy_without_warnings():
    # The browser tests allow async-unsafe ORM calls in their process; a deployment never does.
    env = {
        **{key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "alfadmin.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
        "DJANGO_ALLOWED_HOSTS": "example.org",
    }
    result = subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "manage.py", "check", "--deploy"], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


def test_a_large_ratio_of_actual_to_planned_students_is_served(admin_client):
    from alfadmin.models import StudentCount

    count = StudentCount.objects.order_by("pk").first()
    response = admin_client.patch(f"/api/v1/students/{count.pk}/", {"planned_hst": "0.1", "actual_hst": "18950655", "reason": "a test of a large ratio"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["actual_ratio"] == "189506550.0000"


@pytest.mark.parametrize(
    ("url", "payload", "field"),
    [
        ("/api/v1/students/", {"region": "ST\x00H", "year": 2030, "planned_hst": "1.0"}, "region"),
        ("/api/v1/appropriations/", {"year": 2040, "period": "ALF\x00", "research_appropriation": 1}, "period"),
        ("/api/v1/ratings/", {"evaluation_round": 1, "region": "\x00", "panel": 1, "rating": "good_high"}, "region"),
        ("/api/v1/bibliometrics/", {"region": "\x00", "period_start": 2020, "period_end": 2021}, "region"),
    ],
)
def test_a_nul_character_in_a_code_is_a_400_naming_the_field(admin_client, url, payload, field):
    response = admin_client.post(url, payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
