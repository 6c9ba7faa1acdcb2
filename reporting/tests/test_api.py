"""`/api/v1/reports/` as docs/interfaces.md names it, with its access matrix."""

import pytest

from reporting import services
from reporting.models import Report

from .conftest import fill

pytestmark = pytest.mark.django_db
URL = "/api/v1/reports/"


def as_user(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def test_list_fields_and_filters(api_client, people, sth_report, ore_report, django_assert_max_num_queries):
    client = as_user(api_client, people["viewer"])
    with django_assert_max_num_queries(10):
        body = client.get(URL, {"year": 2024}).json()
    rows = body["results"] if isinstance(body, dict) else body
    assert {r["region"] for r in rows} == {"STH", "ORE"}
    row = rows[0]
    assert set(row) == {"id", "region", "year", "state", "values", "comments", "errors", "warnings", "deadline", "submitted_at", "version"}
    assert row["deadline"] == "2025-01-25" and row["state"] == "draft"
    assert "education_personnel" in row["values"]
    only = client.get(URL, {"region": "sth"}).json()
    assert [r["region"] for r in (only["results"] if isinstance(only, dict) else only)] == ["STH"]


def test_list_query_count_does_not_grow_with_reports(api_client, people, region_pair):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(api_client, people["guns"])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    services.report_open(region=region_pair[0], year=2024, actor=people["admin"])
    one = count()
    for region in region_pair:
        for year in (2024, 2025):
            services.report_open(region=region, year=year, actor=people["admin"])
    # Four reports over two years: one more query (the second year's rules), not one per report.
    assert count() <= one + 1


def test_patch_merges_values_and_409_when_stale(api_client, people, sth_report):
    client = as_user(api_client, people["sth"])
    response = client.patch(f"{URL}{sth_report.pk}/", {"values": {"doctoral_degrees": "7"}, "version": 1}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["values"]["doctoral_degrees"] == 7 and response.json()["version"] == 2
    stale = client.patch(f"{URL}{sth_report.pk}/", {"values": {"doctoral_degrees": "8"}, "version": 1}, format="json")
    assert stale.status_code == 409
    assert stale.json()["changed"]["doctoral_degrees"]["by"] == "t-sth"
    assert client.patch(f"{URL}{sth_report.pk}/", {"values": {"doctoral_degrees": "8"}}, format="json").status_code == 400


def test_errors_and_warnings_are_listed_with_field_codes(api_client, people, sth_report):
    fill(sth_report, people["sth"], research_strategic_pct="19", enrolled_hst="150")
    body = as_user(api_client, people["sth"]).get(f"{URL}{sth_report.pk}/").json()
    assert {
        "fields": ["research_open_calls_pct", "research_indicators_pct", "research_strategic_pct"],
        "message": "Fördelningen av FO-ALF ska summera till exakt 100 %.",
    } in body["errors"]
    assert body["warnings"][0]["fields"] == ["enrolled_hst"]


def test_refused_submission_is_400_listing_failing_rules(api_client, people, sth_report):
    fill(sth_report, people["sth"], research_strategic_pct="", carry_over_requested="5")
    response = as_user(api_client, people["sth"]).post(f"{URL}{sth_report.pk}/submit/", {}, format="json")
    assert response.status_code == 400
    rules = {r["rule"]: r["fields"] for r in response.json()["rules"]}
    assert rules["distribution-sums-to-100"] == ["research_open_calls_pct", "research_indicators_pct", "research_strategic_pct"]
    assert rules["carry-over-at-most-surplus"] == ["carry_over_requested"]
    sth_report.refresh_from_db()
    assert sth_report.state == "draft"


def test_return_needs_a_comment_and_reopen_a_reason(api_client, people, sth_report):
    report = fill(sth_report, people["sth"])
    services.report_submit(report=report, actor=people["sth"])
    admin = as_user(api_client, people["admin"])
    assert admin.post(f"{URL}{report.pk}/return/", {"comment": ""}, format="json").status_code == 400
    returned = admin.post(f"{URL}{report.pk}/return/", {"comment": "Fix it"}, format="json")
    assert returned.status_code == 200 and returned.json()["state"] == "returned"
    assert as_user(api_client, people["sth"]).post(f"{URL}{report.pk}/submit/", {}, format="json").json()["state"] == "submitted"
    admin = as_user(api_client, people["admin"])
    assert admin.post(f"{URL}{report.pk}/approve/", {}, format="json").json()["state"] == "approved"
    assert admin.post(f"{URL}{report.pk}/reopen/", {"reason": ""}, format="json").status_code == 400
    assert admin.post(f"{URL}{report.pk}/reopen/", {"reason": "Audit"}, format="json").json()["state"] == "returned"


def test_return_and_reopen_refuse_a_stale_version_as_submit_and_approve_do(api_client, people, sth_report):
    report = fill(sth_report, people["sth"])
    report = services.report_submit(report=report, actor=people["sth"])
    admin = as_user(api_client, people["admin"])
    stale = report.version - 1
    refused = admin.post(f"{URL}{report.pk}/return/", {"comment": "Fix it", "version": stale}, format="json")
    assert refused.status_code == 409
    report.refresh_from_db()
    assert report.state == "submitted"
    returned = admin.post(f"{URL}{report.pk}/return/", {"comment": "Fix it", "version": report.version}, format="json")
    assert returned.status_code == 200 and returned.json()["state"] == "returned"
    report = services.report_submit(report=Report.objects.get(pk=report.pk), actor=people["sth"])
    report = services.report_approve(report=report, actor=people["admin"])
    refused = admin.post(f"{URL}{report.pk}/reopen/", {"reason": "Audit", "version": report.version - 1}, format="json")
    assert refused.status_code == 409
    report.refresh_from_db()
    assert report.state == "approved"
    reopened = admin.post(f"{URL}{report.pk}/reopen/", {"reason": "Audit", "version": report.version}, format="json")
    assert reopened.status_code == 200 and reopened.json()["state"] == "returned"


# The access matrix: role × action × own / other region. Expected status codes.
# Reporters are bound to STH; "own" is the STH report, "other" the ORE report.
READ, PATCH, SUBMIT, APPROVE, RETURN, REOPEN = "read", "patch", "submit", "approve", "return", "reopen"
MATRIX = {
    # role: {action: (own, other)}
    "anonymous": {READ: (401, 401), PATCH: (401, 401), SUBMIT: (401, 401), APPROVE: (401, 401), RETURN: (401, 401), REOPEN: (401, 401)},
    "sth": {READ: (200, 404), PATCH: (200, 404), SUBMIT: (200, 404), APPROVE: (403, 404), RETURN: (403, 404), REOPEN: (403, 404)},
    "admin": {READ: (200, 200), PATCH: (200, 200), SUBMIT: (200, 200), APPROVE: (200, 200), RETURN: (200, 200), REOPEN: (200, 200)},
    "guns": {READ: (200, 200), PATCH: (403, 403), SUBMIT: (403, 403), APPROVE: (403, 403), RETURN: (403, 403), REOPEN: (403, 403)},
    "vr": {READ: (200, 200), PATCH: (403, 403), SUBMIT: (403, 403), APPROVE: (403, 403), RETURN: (403, 403), REOPEN: (403, 403)},
    "viewer": {READ: (200, 200), PATCH: (403, 403), SUBMIT: (403, 403), APPROVE: (403, 403), RETURN: (403, 403), REOPEN: (403, 403)},
}
STATE_FOR = {READ: None, PATCH: None, SUBMIT: None, APPROVE: "submitted", RETURN: "submitted", REOPEN: "approved"}


def _prepare(report, people, state):
    report = fill(report, people["admin"])
    if state in ("submitted", "approved"):
        report = services.report_submit(report=report, actor=people["admin"])
    if state == "approved":
        report = services.report_approve(report=report, actor=people["admin"])
    return report


@pytest.mark.parametrize("role", list(MATRIX))
@pytest.mark.parametrize("action", [READ, PATCH, SUBMIT, APPROVE, RETURN, REOPEN])
@pytest.mark.parametrize("which", ["own", "other"])
def test_access_matrix(api_client, people, sth_report, ore_report, role, action, which):
    report = _prepare(sth_report if which == "own" else ore_report, people, STATE_FOR[action])
    if role != "anonymous":
        api_client.force_authenticate(people[role])
    url = f"{URL}{report.pk}/"
    if action == READ:
        response = api_client.get(url)
    elif action == PATCH:
        response = api_client.patch(url, {"values": {"doctoral_degrees": "3"}, "version": report.version}, format="json")
    else:
        payload = {"comment": "Fix", "reason": "Audit"}
        response = api_client.post(f"{url}{action}/", payload, format="json")
    expected = MATRIX[role][action][0 if which == "own" else 1]
    assert response.status_code == expected, (role, action, which, response.content[:200])


def test_api_warnings_say_whether_they_are_commented(api_client, sth_report, people):
    report = fill(sth_report, people["sth"], enrolled_hst="150")
    api_client.force_authenticate(people["sth"])
    url = f"/api/v1/reports/{report.pk}/"
    before = api_client.get(url).json()["warnings"]
    assert [(w["fields"], w["commented"]) for w in before] == [(["enrolled_hst"], False)]
    report = services.report_update(
        report=report, values={}, comments={"enrolled_hst": "New programme"}, expected_version=report.version, actor=people["sth"]
    )
    warning = api_client.get(url).json()["warnings"][0]
    assert warning["fields"] == ["enrolled_hst"] and warning["commented"] is True
