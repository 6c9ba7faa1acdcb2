"""The demo: every region's 2024 report approved, 2025 drafts partly filled (table 1.2), reporters with addresses."""

import pytest

from alfadmin.models import Role, User
from reporting import services
from reporting.models import Report

pytestmark = pytest.mark.django_db


def test_demo_reports_and_idempotence(demo, client):
    from django.core.management import call_command

    reports = {(r.region.code, r.definition.year): r for r in Report.objects.select_related("region", "definition")}
    regions = {code for code, _ in reports}
    assert len(regions) == 7
    assert all(reports[(c, 2024)].state == "approved" for c in regions)
    assert all(reports[(c, 2025)].state == "draft" for c in regions)
    errors = {c: [f.rule for f in services.report_check(reports[(c, 2025)]).errors] for c in regions}
    assert "distribution-sums-to-100" in errors["SKA"] and "distribution-sums-to-100" in errors["ORE"]
    assert "distribution-sums-to-100" not in errors["STH"]
    assert any(services.report_check(reports[(c, 2025)]).warnings for c in regions)
    sth_2024 = {v.code: v.value for v in reports[("STH", 2024)].values.all()}
    assert int(sth_2024["education_received"]) > 0 and int(sth_2024["research_received"]) > 0
    versions = {k: r.version for k, r in reports.items()}
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert {(r.region.code, r.definition.year): r.version for r in Report.objects.select_related("region", "definition")} == versions
    from alfadmin.models import User

    # Reminders have someone to go to: the demo reporters have example.org addresses.
    assert User.objects.get(username="sth").email == "stina.stockholm@example.org"
    assert User.objects.get(username="ore").email == "orjan.orebro@example.org"
    client.force_login(User.objects.get(username="viewer"))
    overview = client.get("/").content.decode()
    assert "av 7 inskickade" in overview and 'data-testid="comparison-link"' in overview
    comparison = client.get("/reporting/comparison/?year=2024")
    assert comparison.content.decode().count('data-testid="comparison-row"') == 7


def test_demo_reporters_get_example_org_addresses(db, people):
    from reporting.demo import _reporter_addresses

    User.objects.filter(role=Role.REPORTER).update(email="")
    User.objects.filter(username="t-ore").update(email="kept@region.example")
    _reporter_addresses(actor=people["admin"])
    _reporter_addresses(actor=people["admin"])  # idempotent
    emails = dict(User.objects.filter(role=Role.REPORTER).values_list("username", "email"))
    assert emails["t-ore"] == "kept@region.example"
    assert emails["t-sth"].endswith("@example.org") and "@" in emails["t-sth"]
