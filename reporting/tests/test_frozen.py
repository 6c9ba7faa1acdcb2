"""Approved reports are frozen until reopened: by the write path (a clear message), by triggers in
PostgreSQL on the report and its values (raw SQL refused), and in the admin (no revert, no edit).
Every service checks its actor itself, whoever calls it."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from alfadmin.kernel.errors import LockedError
from alfadmin.kernel.writes import SYSTEM
from reporting import services
from reporting.models import Report, ReportValue, ValidationRule

from .conftest import fill

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(sth_report, people):
    report = services.report_submit(report=fill(sth_report, people["sth"]), actor=people["sth"])
    return services.report_approve(report=report, actor=people["admin"])


def raw(sql, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_write_path_refuses_changing_an_approved_report(approved, people):
    with pytest.raises(LockedError) as raised:
        services.report_update(report=approved, values={"education_other": "1"}, expected_version=approved.version, actor=people["admin"])
    assert "godkänd" in str(raised.value)
    assert ReportValue.objects.get(report=approved, code="education_other").value == "200"
    with pytest.raises(LockedError):
        services.report_return(report=approved, actor=people["admin"], comment="x")
    assert services.report_reopen(report=approved, actor=people["admin"], reason="Fel i lokaler").state == "returned"


@pytest.mark.usefixtures("require_postgres")
def test_raw_sql_cannot_change_or_delete_an_approved_report(approved):
    for sql in (
        "UPDATE reporting_report SET return_comment = 'x' WHERE id = %s",
        "UPDATE reporting_report SET state = 'draft' WHERE id = %s",
        "UPDATE reporting_report SET state = 'returned', return_comment = 'x' WHERE id = %s",
        "DELETE FROM reporting_report WHERE id = %s",
    ):
        with pytest.raises(IntegrityError, match="FROZEN"):
            raw(sql, [approved.pk])
    assert Report.objects.get(pk=approved.pk).state == "approved"
    # The one change it takes: reopening (state and reason only).
    raw("UPDATE reporting_report SET state = 'returned', reopen_reason = 'x', version = version + 1 WHERE id = %s", [approved.pk])
    assert Report.objects.get(pk=approved.pk).state == "returned"


@pytest.mark.usefixtures("require_postgres")
def test_raw_sql_cannot_change_delete_or_add_a_value_of_an_approved_report(approved):
    value = ReportValue.objects.get(report=approved, code="education_other")
    for sql, params in (
        ("UPDATE reporting_reportvalue SET amount = 1 WHERE id = %s", [value.pk]),
        ("UPDATE reporting_reportvalue SET comment = 'x' WHERE id = %s", [value.pk]),
        ("DELETE FROM reporting_reportvalue WHERE id = %s", [value.pk]),
        (
            "INSERT INTO reporting_reportvalue (report_id, code, text, comment, version, report_version) VALUES (%s, 'x', 'y', '', 1, 1)",
            [approved.pk],
        ),
    ):
        with pytest.raises(IntegrityError, match="FROZEN"):
            raw(sql, params)
    assert ReportValue.objects.get(pk=value.pk).amount == 200
    assert not ReportValue.objects.filter(report=approved, code="x").exists()


@pytest.mark.usefixtures("require_postgres")
def test_raw_sql_may_change_values_of_a_draft(sth_report):
    raw(
        "INSERT INTO reporting_reportvalue (report_id, code, text, comment, version, report_version) VALUES (%s, 'x', 'y', '', 1, 1)",
        [sth_report.pk],
    )
    raw("UPDATE reporting_reportvalue SET text = 'z' WHERE report_id = %s AND code = 'x'", [sth_report.pk])
    assert ReportValue.objects.get(report=sth_report, code="x").text == "z"


def test_services_check_their_actor_whoever_calls_them(people, sth_report, ore_report):
    version = sth_report.version
    for actor in (people["ore"], people["viewer"], people["guns"], None):
        with pytest.raises(PermissionDenied):
            services.report_update(report=sth_report, values={"doctoral_degrees": "1"}, expected_version=version, actor=actor)
    assert not ReportValue.objects.filter(report=sth_report, code="doctoral_degrees").exists()
    report = services.report_submit(report=fill(sth_report, people["sth"]), actor=people["sth"])
    with pytest.raises(PermissionDenied):
        services.report_approve(report=report, actor=people["sth"])
    with pytest.raises(PermissionDenied):
        services.report_return(report=report, actor=people["sth"], comment="x")
    with pytest.raises(PermissionDenied):
        services.report_submit(report=ore_report, actor=people["sth"])
    with pytest.raises(PermissionDenied):
        services.rule_create(
            data={"name": "r", "left": "doctoral_degrees", "operator": "<=", "right": "1", "severity": "error", "message": "x"},
            actor=people["sth"],
        )
    with pytest.raises(PermissionDenied):
        services.year_open(year=2026, actor=people["sth"])
    assert Report.objects.get(pk=report.pk).state == "submitted"
    assert services.report_approve(report=report, actor=SYSTEM).state == "approved"


def test_the_admin_shows_history_but_never_reverts_or_edits(client, approved):
    from alfadmin.models import User

    boss = User.objects.create_superuser(username="root", password="pw-for-tests-1", email="root@example.se")
    client.force_login(boss)
    history = Report.history.filter(id=approved.pk).order_by("history_date").first()
    history_url = reverse("admin:reporting_report_simple_history", args=[approved.pk, history.history_id])
    assert client.get(reverse("admin:reporting_report_history", args=[approved.pk])).status_code == 200
    assert client.post(history_url, {"state": "draft"}).status_code == 403
    assert client.post(reverse("admin:reporting_report_change", args=[approved.pk]), {"state": "draft"}).status_code == 403
    value = ReportValue.objects.get(report=approved, code="education_other")
    assert client.post(reverse("admin:reporting_reportvalue_change", args=[value.pk]), {"amount": "1"}).status_code == 403
    rule = ValidationRule.objects.first()
    assert client.post(reverse("admin:reporting_validationrule_delete", args=[rule.pk]), {"post": "yes"}).status_code == 403
    assert Report.objects.get(pk=approved.pk).state == "approved"
    assert ReportValue.objects.get(pk=value.pk).amount == 200
