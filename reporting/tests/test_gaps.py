"""The smaller gaps: a state-only stale save names the state change, warnings say whether they
are commented, the demo reporters have addresses, and the admin is read-only."""

import pytest
from django.core import mail
from django.urls import reverse

from alfadmin.kernel.errors import ConcurrentEditError
from alfadmin.models import Role, User
from reporting import services
from reporting.models import FormDefinition, ReminderSent

from .conftest import fill
from .factories import UserFactory

pytestmark = pytest.mark.django_db


def test_stale_save_after_a_state_change_alone_names_the_state_and_who(sth_report, people):
    report = services.report_submit(report=fill(sth_report, people["sth"]), actor=people["sth"])
    base = report.version
    services.report_return(report=report, actor=people["admin"], comment="Check premises")
    with pytest.raises(ConcurrentEditError) as raised:
        services.report_update(report=report, values={"education_other": "7"}, expected_version=base, actor=people["sth"])
    state = raised.value.changed["state"]
    assert set(raised.value.changed) == {"state"}
    assert (state["label"], state["by"], state["old"], state["new"]) == ("status", "t-admin", "submitted", "returned")
    assert state["at"]


def test_stale_api_save_after_a_state_change_is_409_naming_the_state(api_client, sth_report, people):
    report = services.report_submit(report=fill(sth_report, people["sth"]), actor=people["sth"])
    base = report.version
    services.report_return(report=report, actor=people["admin"], comment="Check premises")
    api_client.force_authenticate(people["sth"])
    stale = api_client.patch(f"/api/v1/reports/{report.pk}/", {"values": {"doctoral_degrees": "8"}, "version": base}, format="json")
    assert stale.status_code == 409
    state = stale.json()["changed"]["state"]
    assert {k: state[k] for k in ("by", "old", "new")} == {"by": "t-admin", "old": "submitted", "new": "returned"}


def test_stale_page_save_after_a_state_change_shows_who(client, sth_report, people):
    report = services.report_submit(report=fill(sth_report, people["sth"]), actor=people["sth"])
    base = report.version
    services.report_return(report=report, actor=people["admin"], comment="Check premises")
    client.force_login(people["sth"])
    response = client.post(reverse("reporting:report", args=[report.pk]), {"version": base, "value-doctoral_degrees": "6"})
    body = response.content.decode()
    assert response.status_code == 409
    assert 'data-testid="state-conflict"' in body and "t-admin" in body


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


def test_demo_reporters_get_example_org_addresses(db, people):
    from reporting.demo import _reporter_addresses

    User.objects.filter(role=Role.REPORTER).update(email="")
    User.objects.filter(username="t-ore").update(email="kept@region.example")
    _reporter_addresses(actor=people["admin"])
    _reporter_addresses(actor=people["admin"])  # idempotent
    emails = dict(User.objects.filter(role=Role.REPORTER).values_list("username", "email"))
    assert emails["t-ore"] == "kept@region.example"
    assert emails["t-sth"].endswith("@example.org") and "@" in emails["t-sth"]


def test_admin_lists_reporting_models_read_only(client, people, sth_report):
    superuser = UserFactory(username="t-super", role=Role.ADMIN, is_staff=True, is_superuser=True)
    client.force_login(superuser)
    definition = FormDefinition.objects.get(year=2024)
    for name in ("formdefinition", "formfield", "report", "reportvalue", "validationrule", "remindersent"):
        assert client.get(reverse(f"admin:reporting_{name}_changelist")).status_code == 200, name
        assert client.get(reverse(f"admin:reporting_{name}_add")).status_code == 403, name
    page = client.get(reverse("admin:reporting_formdefinition_change", args=[definition.pk]))
    assert page.status_code == 200 and b'name="deadline"' not in page.content
    assert client.post(reverse("admin:reporting_report_delete", args=[sth_report.pk]), {"post": "yes"}).status_code == 403
