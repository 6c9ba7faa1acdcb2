"""Workflow, concurrency, history, prefill, computed fields and reminders."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from alfadmin.kernel.errors import ConcurrentEditError, LockedError
from alfadmin.models import Role, StudentCount
from reporting import selectors, services
from reporting.models import FormDefinition, FormField, ReminderSent, ReportValue

from .conftest import fill
from .factories import UserFactory

pytestmark = pytest.mark.django_db


def values(report):
    return {v.code: v.value for v in ReportValue.objects.filter(report=report)}


def test_prefill_planned_hst_from_the_registry(people, region_pair):
    StudentCount.objects.create(region=region_pair[0], year=2025, planned_hst="123.5")
    report = services.report_open(region=region_pair[0], year=2025, actor=people["admin"])
    assert values(report)["planned_hst"] == "123.5"
    assert services.report_open(region=region_pair[0], year=2025, actor=people["admin"]).pk == report.pk


def test_results_and_repayment_date_are_computed(sth_report, people):
    report = fill(sth_report, people["sth"], education_personnel="600")
    stored = values(report)
    assert stored["education_result"] == "100" and stored["research_result"] == "0"
    assert stored["repayment_due"] == "2025-03-31"
    report = services.report_update(
        report=report,
        values={"carry_over_requested": "100", "carry_over_justification": "x"},
        expected_version=report.version,
        actor=people["sth"],
    )
    assert values(report)["repayment_due"] == ""


def test_draft_saves_whatever_is_typed_but_not_type_errors(sth_report, people):
    report = services.report_update(report=sth_report, values={"research_open_calls_pct": "120"}, expected_version=1, actor=people["sth"])
    assert values(report)["research_open_calls_pct"] == "120"
    with pytest.raises(ValidationError) as raised:
        services.report_update(
            report=report,
            values={"education_personnel": "abc", "doctoral_degrees": "1,5"},
            expected_version=report.version,
            actor=people["sth"],
        )
    assert set(raised.value.message_dict) == {"education_personnel", "doctoral_degrees"}
    with pytest.raises(ValidationError):
        services.report_update(report=report, values={"education_received": "1"}, expected_version=report.version, actor=people["sth"])


def test_stale_save_names_the_fields_changed_meanwhile_and_by_whom(sth_report, people):
    base = sth_report.version
    services.report_update(report=sth_report, values={"education_personnel": "5"}, expected_version=base, actor=people["admin"])
    with pytest.raises(ConcurrentEditError) as raised:
        services.report_update(report=sth_report, values={"education_other": "7"}, expected_version=base, actor=people["sth"])
    assert set(raised.value.changed) == {"education_personnel", "education_result"}
    assert raised.value.changed["education_personnel"]["by"] == "t-admin"
    assert "education_other" not in values(sth_report)


def test_workflow_submit_return_resubmit_approve_lock_reopen(sth_report, people):
    report = fill(sth_report, people["sth"])
    report = services.report_submit(report=report, actor=people["sth"])
    assert report.state == "submitted" and report.submitted_at
    with pytest.raises(LockedError):
        services.report_update(report=report, values={"education_other": "1"}, expected_version=report.version, actor=people["sth"])
    with pytest.raises(ValidationError):
        services.report_return(report=report, actor=people["admin"], comment="  ")
    report = services.report_return(report=report, actor=people["admin"], comment="Check premises")
    assert report.state == "returned" and report.return_comment == "Check premises"
    report = services.report_update(
        report=report, values={"education_premises": "110", "education_other": "190"}, expected_version=report.version, actor=people["sth"]
    )
    report = services.report_submit(report=report, actor=people["sth"])
    report = services.report_approve(report=report, actor=people["admin"])
    assert report.state == "approved"
    with pytest.raises(LockedError):
        services.report_update(report=report, values={"education_other": "1"}, expected_version=report.version, actor=people["admin"])
    with pytest.raises(ValidationError):
        services.report_reopen(report=report, actor=people["admin"], reason="")
    report = services.report_reopen(report=report, actor=people["admin"], reason="Wrong premises")
    assert report.state == "returned"
    assert selectors.changed_since_approval(report=report) == {}
    report = services.report_update(
        report=report, values={"education_premises": "150", "education_other": "150"}, expected_version=report.version, actor=people["sth"]
    )
    changed = selectors.changed_since_approval(report=report)
    assert {code: (c["before"], c["after"]) for code, c in changed.items()} == {
        "education_premises": ("110", "150"),
        "education_other": ("190", "150"),
    }
    assert changed["education_premises"]["by"] == people["sth"]


def test_every_value_keeps_its_history(sth_report, people):
    report = services.report_update(report=sth_report, values={"doctoral_degrees": "3"}, expected_version=1, actor=people["sth"])
    services.report_update(report=report, values={"doctoral_degrees": "4"}, expected_version=report.version, actor=people["admin"])
    rows = [
        (h.value, h.history_user.username)
        for h in ReportValue.history.filter(report_id=report.pk, code="doctoral_degrees").order_by("history_date")
    ]
    assert rows == [("3", "t-sth"), ("4", "t-admin")]


def test_a_later_definition_may_rename_and_drop_fields_earlier_answers_stay(sth_report, people, region_pair):
    fill(sth_report, people["sth"], doctoral_degrees="12")
    later = FormDefinition.objects.create(year=2030, deadline=datetime.date(2031, 1, 25))
    for f in FormField.objects.filter(definition__year=2024).exclude(code__in=["doctoral_degrees", "scb_rd_alf"]):
        f.pk, f.definition = None, later
        f.save()
    FormField.objects.create(
        definition=later,
        code="phd_degrees",
        kind="integer",
        label="PhD degrees",
        section="Facts",
        order=999,
        renamed_from="doctoral_degrees",
    )
    new = services.report_open(region=region_pair[0], year=2030, actor=people["admin"])
    assert "phd_degrees" in {f.code for f in new.definition.fields.all()}
    assert values(sth_report)["doctoral_degrees"] == "12"


def test_reminders_are_sent_once_per_due_date(sth_report, ore_report, people):
    deadline = sth_report.definition.deadline
    fill(ore_report, people["ore"])
    services.report_submit(report=ore_report, actor=people["ore"])
    due = deadline - datetime.timedelta(days=14)
    assert services.reminders_send(today=due) == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["t-sth@example.se"]
    assert services.reminders_send(today=due) == 0
    assert len(mail.outbox) == 1
    assert services.reminders_send(today=deadline - datetime.timedelta(days=5)) == 0
    for offset in (-3, 1, 2, 3):
        assert services.reminders_send(today=deadline + datetime.timedelta(days=offset)) == 1
    assert services.reminders_send(today=deadline + datetime.timedelta(days=4)) == 0
    assert len(mail.outbox) == 5
    assert ReminderSent.objects.filter(report=sth_report).count() == 5


def test_reminder_task_runs_the_service(sth_report, eager):
    from reporting.tasks import send_reminders

    due = sth_report.definition.deadline - datetime.timedelta(days=3)
    assert send_reminders.delay(due.isoformat()).get() == 1
    assert send_reminders.delay(due.isoformat()).get() == 0


def test_completeness_and_timeliness(sth_report, ore_report, people):
    fill(sth_report, people["sth"])
    services.report_submit(report=sth_report, actor=people["sth"])
    status = {s.year: s for s in selectors.year_status(user=people["viewer"])}[2024]
    # Submitted today, long after 25 January 2025: complete but late.
    assert (status.submitted, status.on_time, status.regions) == (1, 0, 7)
    assert status.completeness == pytest.approx(1 / 7)
    FormDefinition.objects.filter(year=2024).update(deadline=datetime.date(2099, 1, 25))
    status = {s.year: s for s in selectors.year_status(user=people["viewer"])}[2024]
    assert (status.submitted, status.on_time) == (1, 1)
    assert status.timeliness == pytest.approx(1 / 7)


def test_reminders_reach_reporters_with_addresses_and_show_in_the_log(client, people, region_pair):
    opened = services.year_open(year=2026, actor=people["admin"])
    deadline = opened.definition.deadline
    UserFactory(username="t-sth-no-mail", role=Role.REPORTER, region=region_pair[0], email="")
    sent = services.reminders_send(today=services.reminder_dates(deadline)[0])
    assert sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["t-ore@example.se", "t-sth@example.se"]
    client.force_login(people["admin"])
    body = client.get(reverse("reporting:year", args=[2026])).content.decode()
    assert body.count('data-testid="reminder-row"') == 2
    assert ReminderSent.objects.filter(report__definition=opened.definition, recipients=1).count() == 2
