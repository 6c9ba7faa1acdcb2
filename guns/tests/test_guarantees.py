"""GUNS's promises hold per record, whatever the path (page, API, admin, a service, raw SQL):
adopted and rejected decisions and approved minutes (with what they record) never change, a
stale save is refused naming what changed, only the right actor writes, and bad settings and
input are refused naming the field."""

import datetime
import importlib
import re

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from alfadmin.kernel.errors import LockedError
from alfadmin.kernel.writes import SYSTEM
from guns import services
from guns.models import AgendaItem, Decision, GunsMember, GunsSettings, Meeting, Minutes, Payment
from guns.quorum import meeting_quorum
from guns.selectors import pot_year

from .factories import DecisionFactory, funding, pot_income

FINAL = "An adopted or rejected decision cannot be changed; draft a later decision that amends it."
MINUTES_FROZEN = "The minutes of this meeting are approved; its decisions can no longer change."
MEETING_FROZEN = "The minutes of this meeting are approved; the meeting can no longer change."
POSITIVE = "The amount must be a positive number of kronor."


@pytest.fixture
def users(role_users):
    return role_users


def on_agenda(users, meeting, **kwargs):
    decision = kwargs.pop("decision", None) or DecisionFactory(**kwargs)
    return services.decision_transition(actor=users["guns"], decision=decision, action="schedule", meeting=meeting)


def adopted(users, meeting, **kwargs):
    decision = on_agenda(users, meeting, **kwargs)
    return services.decision_transition(actor=users["guns"], decision=decision, action="adopt", consensus=True)


def adjuster_member():
    return GunsMember.objects.get(user__username="guns2", is_active=True)


@pytest.fixture
def approved(users, meeting_with):
    """A meeting whose minutes are approved: one adopted decision, one left on the agenda."""
    meeting = meeting_with(5, 3)
    meeting.attendees.add(adjuster_member())
    decided = adopted(users, meeting, title="Beslutat")
    undecided = on_agenda(users, meeting, title="Ej beslutat")
    minutes = services.minutes_generate(actor=users["guns"], meeting=meeting)
    minutes = services.minutes_update(actor=users["guns"], minutes=minutes, changes={"adjuster": adjuster_member()})
    minutes = services.minutes_approve(actor=users["guns"], minutes=minutes)
    minutes = services.minutes_approve(actor=users["guns2"], minutes=minutes)
    assert minutes.state == Minutes.State.APPROVED
    return {"meeting": meeting, "decided": decided, "undecided": undecided, "minutes": minutes}


def snapshot(model, pk):
    row = model.objects.get(pk=pk)
    return {f.attname: getattr(row, f.attname) for f in model._meta.concrete_fields}


def raw(sql, params):
    with pytest.raises(IntegrityError, match="FROZEN"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


# --- break 1: the admin's history revert -------------------------------------------------


def test_admin_history_revert_changes_nothing(client, users, meeting_with):
    pot_income(2025, set_aside=20_000_000)
    decision = adopted(users, meeting_with(5, 3), decision=funding(10_000_000))
    first = decision.history.order_by("history_date", "history_id").first()
    before, committed = snapshot(Decision, decision.pk), pot_year(user=users["admin"], year=2025).committed
    client.force_login(users["admin"])
    url = f"/admin/guns/decision/{decision.pk}/history/{first.history_id}/"
    assert client.get(url).status_code == 200  # the history is shown
    response = client.post(url, {"title": first.title, "kind": first.kind, "text": first.text, "_save": "Save"})
    assert response.status_code == 403
    assert snapshot(Decision, decision.pk) == before
    assert pot_year(user=users["admin"], year=2025).committed == committed == 10_000_000
    assert client.post(f"/admin/guns/decision/{decision.pk}/change/", {"title": "x"}).status_code == 403
    assert client.post(f"/admin/guns/decision/{decision.pk}/delete/", {"post": "yes"}).status_code == 403


@pytest.mark.usefixtures("require_postgres")
@pytest.mark.parametrize("state", ["adopted", "rejected"])
def test_database_refuses_changing_a_final_decision(users, meeting_with, state):
    decision = on_agenda(users, meeting_with(5, 3))
    action = "adopt" if state == "adopted" else "reject"
    services.decision_transition(actor=users["guns"], decision=decision, action=action, consensus=True)
    before = snapshot(Decision, decision.pk)
    raw("UPDATE guns_decision SET state = 'draft', number_seq = NULL, number_year = NULL WHERE id = %s", [decision.pk])
    raw("UPDATE guns_decision SET title = 'x' WHERE id = %s", [decision.pk])
    raw("DELETE FROM guns_decision WHERE id = %s", [decision.pk])
    assert snapshot(Decision, decision.pk) == before


# --- break 2: approved minutes freeze what they record ------------------------------------


def test_decisions_of_approved_minutes_refuse_every_path(api_client, client, users, approved):
    undecided, decided = approved["undecided"], approved["decided"]
    before = snapshot(Decision, undecided.pk)
    api_client.force_authenticate(users["admin"])
    for action in ("adopt", "reject", "refer-back", "withdraw"):
        response = api_client.post(f"/api/v1/guns/decisions/{undecided.pk}/{action}/", {"consensus": True}, format="json")
        assert (response.status_code, response.json()["detail"]) == (409, MINUTES_FROZEN)
    response = api_client.patch(f"/api/v1/guns/decisions/{undecided.pk}/", {"title": "Ändrad"}, format="json")
    assert (response.status_code, response.json()["detail"]) == (409, MINUTES_FROZEN)
    client.force_login(users["guns"])
    response = client.post(f"/guns/decisions/{undecided.pk}/adopt/", {"consensus": "on", "version": undecided.version})
    assert response.status_code == 409
    assert MINUTES_FROZEN in response.content.decode()
    with pytest.raises(LockedError, match="minutes of this meeting are approved"):
        services.decision_transition(actor=SYSTEM, decision=undecided, action="adopt", consensus=True)
    assert snapshot(Decision, undecided.pk) == before
    assert Decision.objects.get(pk=decided.pk).state == "adopted"


def test_approved_meeting_refuses_edits_agenda_and_scheduling(api_client, users, approved):
    meeting = approved["meeting"]
    before, attendance = snapshot(Meeting, meeting.pk), set(meeting.attendees.values_list("pk", flat=True))
    api_client.force_authenticate(users["admin"])
    response = api_client.patch(f"/api/v1/guns/meetings/{meeting.pk}/", {"title": "Nytt"}, format="json")
    assert (response.status_code, response.json()["detail"]) == (409, MEETING_FROZEN)
    with pytest.raises(LockedError, match="meeting can no longer change"):
        services.agenda_item_add(actor=users["admin"], meeting=meeting, title="Övrigt")
    with pytest.raises(ValidationError) as refused:
        services.decision_transition(actor=users["admin"], decision=DecisionFactory(), action="schedule", meeting=meeting)
    assert refused.value.message_dict == {"meeting": ["The minutes of this meeting are approved."]}
    assert snapshot(Meeting, meeting.pk) == before
    assert set(meeting.attendees.values_list("pk", flat=True)) == attendance
    assert meeting.agenda.count() == 2


@pytest.mark.usefixtures("require_postgres")
def test_database_refuses_changing_approved_minutes_and_what_they_record(users, approved):
    meeting, minutes, undecided = approved["meeting"], approved["minutes"], approved["undecided"]
    member = GunsMember.objects.filter(is_active=True).exclude(pk__in=meeting.attendees.all()).first()
    raw("UPDATE guns_minutes SET text = 'x' WHERE id = %s", [minutes.pk])
    raw("UPDATE guns_minutes SET state = 'draft' WHERE id = %s", [minutes.pk])
    raw("DELETE FROM guns_minutes WHERE id = %s", [minutes.pk])
    raw("UPDATE guns_meeting SET title = 'x' WHERE id = %s", [meeting.pk])
    raw("UPDATE guns_meeting SET date = '2027-01-15' WHERE id = %s", [meeting.pk])
    raw("UPDATE guns_decision SET state = 'adopted' WHERE id = %s", [undecided.pk])
    raw("UPDATE guns_agendaitem SET title = 'x' WHERE meeting_id = %s", [meeting.pk])
    raw("DELETE FROM guns_agendaitem WHERE meeting_id = %s", [meeting.pk])
    raw("INSERT INTO guns_agendaitem (meeting_id, position, title) VALUES (%s, 99, 'x')", [meeting.pk])
    raw("DELETE FROM guns_meeting_attendees WHERE meeting_id = %s", [meeting.pk])
    raw("INSERT INTO guns_meeting_attendees (meeting_id, gunsmember_id) VALUES (%s, %s)", [meeting.pk, member.pk])
    assert Minutes.objects.get(pk=minutes.pk).state == "approved"
    assert Decision.objects.get(pk=undecided.pk).state == "on_agenda"
    assert AgendaItem.objects.filter(meeting=meeting).count() == 2


@pytest.mark.usefixtures("require_postgres")
def test_database_refuses_changing_the_attendance_of_a_meeting_that_decided(users, meeting_with, seats):
    meeting = meeting_with(5, 3)
    adopted(users, meeting)
    raw("DELETE FROM guns_meeting_attendees WHERE meeting_id = %s", [meeting.pk])
    raw("INSERT INTO guns_meeting_attendees (meeting_id, gunsmember_id) VALUES (%s, %s)", [meeting.pk, seats["university"][5].pk])
    assert meeting_quorum(Meeting.objects.get(pk=meeting.pk)).present == 8


# --- break 3: a meeting with numbered decisions keeps its date -----------------------------


def test_meeting_with_adopted_decisions_keeps_its_date(api_client, client, users, meeting_with):
    meeting = meeting_with(5, 3, date=datetime.date(2026, 3, 1))
    for _ in range(3):
        adopted(users, meeting)
    api_client.force_authenticate(users["admin"])
    response = api_client.patch(f"/api/v1/guns/meetings/{meeting.pk}/", {"date": "2027-01-15"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"date": ["Decisions adopted at this meeting are numbered for its year; its date can no longer change."]}
    client.force_login(users["admin"])
    attendees = [str(pk) for pk in meeting.attendees.values_list("pk", flat=True)]
    page = client.post(
        f"/guns/meetings/{meeting.pk}/edit/",
        {"date": "2027-01-15", "title": meeting.title, "attendees": attendees, "version": Meeting.objects.get(pk=meeting.pk).version},
    )
    assert page.status_code == 400
    assert "numbered for its year" in page.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).date == datetime.date(2026, 3, 1)
    assert sorted(Decision.objects.filter(meeting=meeting).values_list("number_year", flat=True)) == [2026, 2026, 2026]
    # The title may still change.
    response = api_client.patch(f"/api/v1/guns/meetings/{meeting.pk}/", {"title": "Vårmöte"}, format="json")
    assert (response.status_code, response.json()["date"]) == (200, "2026-03-01")


@pytest.mark.usefixtures("require_postgres")
def test_database_refuses_moving_a_meeting_with_adopted_decisions(users, meeting_with):
    meeting = meeting_with(5, 3, date=datetime.date(2026, 3, 1))
    adopted(users, meeting)
    raw("UPDATE guns_meeting SET date = '2027-01-15' WHERE id = %s", [meeting.pk])
    with connection.cursor() as cursor:
        cursor.execute("UPDATE guns_meeting SET title = 'Nytt namn' WHERE id = %s", [meeting.pk])
    assert (Meeting.objects.get(pk=meeting.pk).date, Meeting.objects.get(pk=meeting.pk).title) == (datetime.date(2026, 3, 1), "Nytt namn")


# --- break 4: the adjuster -------------------------------------------------------------------


def test_chair_cannot_adjust_the_minutes_alone(client, users, meeting_with):
    meeting = meeting_with(5, 3)
    chair = GunsMember.objects.get(user__username="guns", is_active=True, is_chair=True)
    meeting.attendees.add(chair, adjuster_member())
    minutes = services.minutes_generate(actor=users["guns"], meeting=meeting)
    with pytest.raises(ValidationError) as refused:
        services.minutes_update(actor=users["guns"], minutes=minutes, changes={"adjuster": chair})
    assert refused.value.message_dict == {
        "adjuster": ["The chair approves the minutes anyway; choose another of those present as adjuster."]
    }
    without_account = GunsMember.objects.filter(pk__in=meeting.attendees.all(), user__isnull=True, is_chair=False).first()
    with pytest.raises(ValidationError) as refused:
        services.minutes_update(actor=users["guns"], minutes=minutes, changes={"adjuster": without_account})
    assert refused.value.message_dict == {"adjuster": ["The adjuster needs a user account to approve the minutes."]}
    # The page offers neither.
    client.force_login(users["guns"])
    page = client.get(f"/guns/meetings/{meeting.pk}/minutes/").content.decode()
    assert f'value="{adjuster_member().pk}"' in page
    assert f'value="{chair.pk}"' not in page and f'value="{without_account.pk}"' not in page
    # The chair approving twice is not the adjuster's approval.
    minutes = services.minutes_update(actor=users["guns"], minutes=minutes, changes={"adjuster": adjuster_member()})
    minutes = services.minutes_approve(actor=users["guns"], minutes=minutes)
    with pytest.raises(ValidationError, match="already approved"):
        services.minutes_approve(actor=users["guns"], minutes=minutes)
    assert Minutes.objects.get(pk=minutes.pk).state == "draft"


def test_a_stored_chair_adjuster_cannot_approve(users, meeting_with):
    meeting = meeting_with(5, 3)
    chair = GunsMember.objects.get(user__username="guns", is_active=True, is_chair=True)
    meeting.attendees.add(chair)
    minutes = services.minutes_generate(actor=users["guns"], meeting=meeting)
    Minutes.objects.filter(pk=minutes.pk).update(adjuster=chair)  # as the old code let it be stored
    with pytest.raises(ValidationError, match="choose another of those present"):
        services.minutes_approve(actor=users["guns"], minutes=Minutes.objects.get(pk=minutes.pk))
    assert Minutes.objects.get(pk=minutes.pk).chair_approved_by_id is None


# --- break 5: quorum settings and the rule in force at the meeting ----------------------------


@pytest.mark.parametrize(
    ("seats_", "per_side", "errors"),
    [
        (
            0,
            0,
            {
                "quorum_seats": ["Between 1 and 14 seats (the seats of GUNS)."],
                "quorum_per_side": ["Between 1 and 7 seats (the seats of one side)."],
            },
        ),
        (15, 3, {"quorum_seats": ["Between 1 and 14 seats (the seats of GUNS)."]}),
        (8, 8, {"quorum_per_side": ["Between 1 and 7 seats (the seats of one side)."]}),
    ],
)
def test_quorum_settings_within_the_seats(client, users, seats_, per_side, errors):
    GunsSettings.objects.get_or_create(pk=1)
    with pytest.raises(ValidationError) as refused:
        services.settings_update(actor=users["admin"], changes={"quorum_seats": seats_, "quorum_per_side": per_side})
    assert refused.value.message_dict == errors
    client.force_login(users["admin"])
    page = client.post("/guns/settings/", {"quorum_seats": seats_, "quorum_per_side": per_side, "carry_over": "on", "version": 1})
    assert page.status_code == 400
    for messages in errors.values():
        assert messages[0] in page.content.decode()
    stored = GunsSettings.load()
    assert (stored.quorum_seats, stored.quorum_per_side, stored.version) == (8, 3, 1)


def test_nobody_present_decides_nothing_and_a_meeting_keeps_its_rule(users, meeting_with):
    empty = meeting_with(0, 0)
    with pytest.raises(ValidationError) as refused:
        services.decision_transition(actor=users["guns"], decision=on_agenda(users, empty), action="adopt", consensus=True)
    assert refused.value.message_dict == {"meeting": ["No quorum: 0 seats present, at least 8 needed."]}
    held = meeting_with(5, 3)
    decision = adopted(users, held)
    services.settings_update(actor=users["admin"], changes={"quorum_seats": 12, "quorum_per_side": 6})
    held = Meeting.objects.get(pk=held.pk)
    assert (held.quorum_seats, held.quorum_per_side, meeting_quorum(held).holds) == (8, 3, True)
    assert Decision.objects.get(pk=decision.pk).state == "adopted"
    later = services.meeting_create(
        actor=users["admin"], date=datetime.date(2025, 9, 1), title="Senare", attendees=list(held.attendees.all())
    )
    assert (later.quorum_seats, later.quorum_per_side, meeting_quorum(later).holds) == (12, 6, False)


# --- break 6: an attendee whose term has ended stays ---------------------------------------


def test_title_change_keeps_an_attendee_whose_term_ended(api_client, client, users, meeting_with, seats):
    leaving = seats["university"][4]
    meeting = meeting_with(5, 3)
    meeting.attendees.add(leaving)
    services.member_update(actor=users["admin"], member=leaving, changes={"term_end": datetime.date(2025, 6, 30)})
    assert GunsMember.objects.get(pk=leaving.pk).is_active is False
    client.force_login(users["admin"])
    page = client.get(f"/guns/meetings/{meeting.pk}/edit/").content.decode()
    # The browser sends back what the form shows: the leaver's box is there and ticked.
    assert re.search(rf'<input type="checkbox" name="attendees" value="{leaving.pk}"[^>]*checked', page)
    attendees = [str(m.pk) for m in meeting.attendees.all()]
    response = client.post(
        f"/guns/meetings/{meeting.pk}/edit/",
        {"date": "2025-03-01", "title": "Nytt namn", "attendees": attendees, "version": meeting.version},
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(pk=meeting.pk)
    assert meeting.title == "Nytt namn" and leaving in meeting.attendees.all() and meeting.attendees.count() == 9
    api_client.force_authenticate(users["admin"])
    response = api_client.patch(f"/api/v1/guns/meetings/{meeting.pk}/", {"title": "Via API", "version": meeting.version}, format="json")
    assert response.status_code == 200
    assert leaving.pk in response.json()["attendees"] and len(response.json()["attendees"]) == 9


# --- break 7: a rejection needs votes that fit or consensus ----------------------------------


def test_empty_vote_form_and_consensus_with_counts_are_refused(api_client, client, users, meeting_with):
    decision = on_agenda(users, meeting_with(5, 3))
    client.force_login(users["guns"])
    response = client.post(f"/guns/decisions/{decision.pk}/reject/", {"version": decision.version}, follow=True)
    assert "Record consensus or the votes (yes, no, abstain)." in response.content.decode()
    response = client.post(
        f"/guns/decisions/{decision.pk}/reject/", {"consensus": "on", "yes": 2, "no": 5, "version": decision.version}, follow=True
    )
    assert "Either consensus or votes, not both." in response.content.decode()
    api_client.force_authenticate(users["guns"])
    response = api_client.post(f"/api/v1/guns/decisions/{decision.pk}/reject/", {"votes": {"yes": 0, "no": 0}}, format="json")
    assert (response.status_code, response.json()) == (
        400,
        {"votes": ["No votes were recorded: record consensus or the votes cast (yes, no, abstain)."]},
    )
    response = api_client.post(
        f"/api/v1/guns/decisions/{decision.pk}/reject/", {"consensus": True, "votes": {"yes": 2, "no": 5}}, format="json"
    )
    assert (response.status_code, response.json()) == (400, {"votes": ["Either consensus or votes, not both."]})
    stored = Decision.objects.get(pk=decision.pk)
    assert (stored.state, stored.votes_yes, stored.consensus, stored.version) == ("on_agenda", None, None, decision.version)
    # Votes that fit are recorded.
    response = client.post(f"/guns/decisions/{decision.pk}/reject/", {"yes": 2, "no": 5, "abstain": 1, "version": decision.version})
    stored = Decision.objects.get(pk=decision.pk)
    assert (response.status_code, stored.state, stored.votes_yes, stored.votes_no, stored.votes_abstain) == (302, "rejected", 2, 5, 1)


# --- break 8: payments against revoked decisions; revoking frees the remainder ----------------


def test_revoking_frees_the_unpaid_remainder_and_stops_payments(client, users, meeting_with):
    pot_income(2025, set_aside=20_000_000)
    meeting = meeting_with(5, 3)
    grant = adopted(users, meeting, decision=funding(10_000_000))
    services.payment_record(actor=users["admin"], decision=grant, amount=4_000_000)
    assert pot_year(user=users["admin"], year=2025).available == 10_000_000
    adopted(users, meeting, decision=DecisionFactory(amends=grant, effect=Decision.Effect.REVOKES))
    figures = pot_year(user=users["admin"], year=2025)
    assert (figures.committed, figures.paid, figures.available) == (4_000_000, 4_000_000, 16_000_000)
    with pytest.raises(ValidationError) as refused:
        services.payment_record(actor=users["admin"], decision=grant, amount=1_000_000)
    assert refused.value.message_dict == {"decision": ["This decision is revoked: nothing more is paid against it."]}
    client.force_login(users["admin"])
    response = client.post(f"/guns/decisions/{grant.pk}/payments/", {"amount": 1_000_000, "paid_on": "2025-06-01"}, follow=True)
    assert "This decision is revoked: nothing more is paid against it." in response.content.decode()
    assert Payment.objects.filter(decision=grant).count() == 1


def test_negative_payment_is_a_field_error(client, users, meeting_with):
    pot_income(2025, set_aside=20_000_000)
    grant = adopted(users, meeting_with(5, 3), decision=funding(1_000_000))
    with pytest.raises(ValidationError) as refused:
        services.payment_record(actor=users["admin"], decision=grant, amount=-5)
    assert refused.value.message_dict == {"amount": [POSITIVE]}
    client.force_login(users["admin"])
    response = client.post(f"/guns/decisions/{grant.pk}/payments/", {"amount": -5, "paid_on": "2025-06-01"}, follow=True)
    assert "Ensure this value is greater than or equal to 1." in response.content.decode()
    assert not Payment.objects.filter(decision=grant).exists()


# --- break 9: years and amounts ---------------------------------------------------------------


def test_bad_years_are_404_or_400_naming_the_year(api_client, client, users):
    client.force_login(users["viewer"])
    for url in ("/guns/pot/?year=abc", "/guns/pot/?year=99999", "/guns/annual-report/99999/", "/guns/annual-report/99999/report.xlsx"):
        assert client.get(url).status_code == 404, url
    assert client.get("/guns/pot/?year=2025").status_code == 200
    api_client.force_authenticate(users["viewer"])
    response = api_client.get("/api/v1/guns/pot/?year=40000")
    assert (response.status_code, response.json()) == (400, {"year": ["The year must be within the agreement's years, 2015–2031."]})


OUTSIDE = "The year must be within the agreement's years, 2015–2031."


@pytest.mark.parametrize(
    ("year", "message"),
    [
        (99999, "Ensure this value is less than or equal to 32767."),
        (40000, "Ensure this value is less than or equal to 32767."),
        (1900, OUTSIDE),
        (2032, OUTSIDE),
    ],
)
def test_pot_years_outside_the_agreement_are_refused(api_client, users, year, message):
    api_client.force_authenticate(users["guns"])
    body = {"title": "Satsning", "kind": "national_initiative", "amount": 1_000_000, "pot_year": year}
    response = api_client.post("/api/v1/guns/decisions/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"pot_year": [message]}
    assert not Decision.objects.filter(title="Satsning").exists()


def test_negative_amount_is_a_field_error(api_client, client, users):
    api_client.force_authenticate(users["guns"])
    body = {"title": "Satsning", "kind": "national_initiative", "amount": -5, "pot_year": 2025}
    response = api_client.post("/api/v1/guns/decisions/", body, format="json")
    assert (response.status_code, response.json()) == (400, {"amount": [POSITIVE]})
    client.force_login(users["guns"])
    page = client.post("/guns/decisions/new/", {"title": "Satsning", "kind": "national_initiative", "amount": -5, "pot_year": 2025})
    assert page.status_code == 400
    assert POSITIVE in page.content.decode() and "guns_decision_amount_positive" not in page.content.decode()
    assert not Decision.objects.filter(title="Satsning").exists()


# --- break 15: the decision page's 409 names fields, values and author ------------------------


def test_decision_page_conflict_names_fields_values_and_author(client, users):
    decision = services.decision_create(actor=users["guns2"], title="Första", kind="other", text="Text")
    client.force_login(users["admin"])
    opened = client.get(f"/guns/decisions/{decision.pk}/edit/").context["form"].initial["version"]
    services.decision_update(actor=users["guns"], decision=decision, changes={"title": "Andras titel"}, expected_version=opened)
    mine = {"kind": "other", "title": "Min titel", "text": "Text", "version": opened}
    response = client.post(f"/guns/decisions/{decision.pk}/edit/", mine)
    page = response.content.decode()
    assert response.status_code == 409
    row = page[page.index('data-field="title"') : page.index("</tr>", page.index('data-field="title"'))]
    assert "Första" in row and "Min titel" in row and "Andras titel" in row and users["guns"].get_full_name() in row
    # A blind second save is refused again; nothing of theirs is lost.
    assert client.post(f"/guns/decisions/{decision.pk}/edit/", mine).status_code == 409
    assert Decision.objects.get(pk=decision.pk).title == "Andras titel"
    # Keeping mine after seeing theirs saves.
    chosen = {**mine, "conflict_version": opened + 1, "conflict_fields": "title", "resolve_title": "mine"}
    assert client.post(f"/guns/decisions/{decision.pk}/edit/", chosen).status_code == 302
    assert Decision.objects.get(pk=decision.pk).title == "Min titel"


def test_decision_transition_page_conflict_names_what_changed(client, users, meeting_with):
    decision = on_agenda(users, meeting_with(5, 3), title="Före")
    client.force_login(users["guns"])
    services.decision_update(actor=users["admin"], decision=decision, changes={"title": "Efter"}, expected_version=decision.version)
    response = client.post(f"/guns/decisions/{decision.pk}/adopt/", {"consensus": "on", "version": decision.version})
    page = response.content.decode()
    assert response.status_code == 409
    row = page[page.index('data-field="title"') : page.index("</tr>", page.index('data-field="title"'))]
    assert "Före" in row and "Efter" in row and users["admin"].get_full_name() in row
    assert Decision.objects.get(pk=decision.pk).state == "on_agenda"


# --- deliverable 1: the actor is checked inside every service ------------------------------


@pytest.mark.parametrize("actor", [None, "viewer"])
def test_services_refuse_a_missing_or_forbidden_actor(users, meeting_with, actor):
    who = users[actor] if actor else None
    meeting = meeting_with(5, 3)
    decision = on_agenda(users, meeting)
    minutes = services.minutes_generate(actor=users["guns"], meeting=meeting)
    member = GunsMember.objects.filter(is_active=True).first()
    calls = [
        lambda: services.settings_update(actor=who, changes={"quorum_seats": 9}),
        lambda: services.member_create(actor=who, name="X", region=member.region, side="region", role="substitute"),
        lambda: services.member_update(actor=who, member=member, changes={"name": "X"}),
        lambda: services.meeting_create(actor=who, date=datetime.date(2025, 5, 1), title="X"),
        lambda: services.meeting_update(actor=who, meeting=meeting, changes={"title": "X"}),
        lambda: services.agenda_item_add(actor=who, meeting=meeting, title="X"),
        lambda: services.decision_create(actor=who, title="X"),
        lambda: services.decision_update(actor=who, decision=decision, changes={"title": "X"}),
        lambda: services.decision_transition(actor=who, decision=decision, action="adopt", consensus=True),
        lambda: services.payment_record(actor=who, decision=decision, amount=1),
        lambda: services.minutes_generate(actor=who, meeting=meeting),
        lambda: services.minutes_update(actor=who, minutes=minutes, changes={"text": "X"}),
        lambda: services.minutes_approve(actor=who, minutes=minutes),
        lambda: services.annual_report_update(actor=who, year=2025, introduction="X"),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert Decision.objects.get(pk=decision.pk).state == "on_agenda"
    assert Meeting.objects.get(pk=meeting.pk).title == meeting.title


def test_system_actor_writes(db):
    # Demo data and commands act as SYSTEM: allowed, recorded without a user.
    decision = services.decision_create(actor=SYSTEM, kind="other", title="Ok")
    assert (decision.drafted_by, decision.history.get().history_user) == (None, None)


def test_migration_gives_existing_meetings_the_settings_in_force(users, meeting_with):
    migration = importlib.import_module("guns.migrations.0003_frozen_records_and_meeting_quorum")
    meeting = meeting_with(5, 3)
    Meeting.objects.filter(pk=meeting.pk).update(quorum_seats=1, quorum_per_side=1)
    GunsSettings.objects.update_or_create(pk=1, defaults={"quorum_seats": 10, "quorum_per_side": 4})
    migration.fill_meeting_quorum(django_apps, None)
    assert Meeting.objects.values_list("quorum_seats", "quorum_per_side").get(pk=meeting.pk) == (10, 4)
    GunsSettings.objects.filter(pk=1).update(quorum_seats=15, quorum_per_side=8)  # positive, but more than there are
    migration.settings_within_seats(django_apps, None)
    assert GunsSettings.objects.values_list("quorum_seats", "quorum_per_side").get(pk=1) == (8, 3)
