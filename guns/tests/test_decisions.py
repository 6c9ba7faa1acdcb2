"""Decisions through the state graph: who, quorum, votes, numbers, immutability, amendments, the pot."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from alfadmin.kernel.errors import LockedError
from guns import services
from guns.models import Decision, GunsMember, Payment
from guns.selectors import pot_year

from .factories import DecisionFactory, funding, pot_income


@pytest.fixture
def users(role_users):
    return role_users


def scheduled(users, meeting, **kwargs):
    decision = kwargs.pop("decision", None) or DecisionFactory(**kwargs)
    return services.decision_transition(actor=users["guns"], decision=decision, action="schedule", meeting=meeting)


def test_draft_to_adopted_by_consensus_gets_a_number(users, meeting_with):
    meeting = meeting_with(5, 3, date=datetime.date(2025, 4, 1))
    decision = services.decision_create(actor=users["guns2"], title="Uppföljning", kind="follow_up_agreement")
    assert decision.state == "draft" and decision.drafted_by == users["guns2"]
    decision = services.decision_transition(actor=users["guns"], decision=decision, action="schedule", meeting=meeting)
    assert decision.state == "on_agenda" and meeting.agenda.get().decision == decision
    decision = services.decision_transition(actor=users["guns2"], decision=decision, action="adopt", consensus=True)
    assert (decision.state, decision.number, decision.consensus) == ("adopted", "GUNS 2025:1", True)
    assert [h.history_change_reason for h in decision.history.order_by("history_id")] == ["Drafted", "Put on the agenda", "Adopted"]


def test_only_chair_or_admin_schedules(users, meeting_with):
    meeting = meeting_with(5, 3)
    decision = DecisionFactory()
    with pytest.raises(PermissionDenied):
        services.decision_transition(actor=users["guns2"], decision=decision, action="schedule", meeting=meeting)
    assert services.decision_transition(actor=users["admin"], decision=decision, action="schedule", meeting=meeting).state == "on_agenda"


def test_no_quorum_refuses_adoption_naming_meeting(users, meeting_with):
    decision = scheduled(users, meeting_with(4, 3))
    with pytest.raises(ValidationError) as refused:
        services.decision_transition(actor=users["guns"], decision=decision, action="adopt", consensus=True)
    assert "meeting" in refused.value.message_dict
    assert Decision.objects.get(pk=decision.pk).state == "on_agenda"


def test_votes_above_attendance_refused(users, meeting_with):
    decision = scheduled(users, meeting_with(5, 3))
    with pytest.raises(ValidationError) as refused:
        services.decision_transition(actor=users["guns"], decision=decision, action="adopt", votes={"yes": 6, "no": 2, "abstain": 1})
    assert "votes" in refused.value.message_dict
    adopted = services.decision_transition(actor=users["guns"], decision=decision, action="adopt", votes={"yes": 6, "no": 2, "abstain": 0})
    assert (adopted.votes_yes, adopted.votes_no, adopted.votes_abstain, adopted.consensus) == (6, 2, 0, False)


@pytest.mark.parametrize(("yes", "no"), [(3, 3), (2, 5)])
def test_votes_saying_rejected_cannot_adopt(users, meeting_with, yes, no):
    decision = scheduled(users, meeting_with(5, 3))
    with pytest.raises(ValidationError) as refused:
        services.decision_transition(actor=users["guns"], decision=decision, action="adopt", votes={"yes": yes, "no": no, "abstain": 0})
    assert "votes" in refused.value.message_dict
    rejected = services.decision_transition(
        actor=users["guns"], decision=decision, action="reject", votes={"yes": yes, "no": no, "abstain": 0}
    )
    assert (rejected.state, rejected.number) == ("rejected", None)


def test_refer_back_returns_to_draft_and_withdraw_by_drafter(users, meeting_with):
    decision = scheduled(users, meeting_with(5, 3), drafted_by=users["guns2"])
    decision = services.decision_transition(actor=users["guns2"], decision=decision, action="refer_back")
    assert (decision.state, decision.meeting) == ("draft", None)
    other = DecisionFactory(drafted_by=users["admin"])
    with pytest.raises(PermissionDenied):
        services.decision_transition(actor=users["guns2"], decision=other, action="withdraw")
    assert services.decision_transition(actor=users["guns2"], decision=decision, action="withdraw").state == "withdrawn"
    with pytest.raises(ValidationError) as refused:
        services.decision_transition(actor=users["admin"], decision=decision, action="schedule", meeting=meeting_with(5, 3))
    assert "state" in refused.value.message_dict


@pytest.mark.parametrize("role", ["vr", "sth", "viewer"])
def test_other_roles_can_neither_draft_nor_decide(users, meeting_with, role):
    with pytest.raises(PermissionDenied):
        services.decision_create(actor=users[role], title="x")
    decision = scheduled(users, meeting_with(5, 3))
    for action in ("adopt", "reject", "refer_back", "withdraw"):
        with pytest.raises(PermissionDenied):
            services.decision_transition(actor=users[role], decision=decision, action=action, consensus=True)


@pytest.mark.parametrize("outcome", ["adopt", "reject"])
def test_final_decisions_are_immutable_in_services(users, meeting_with, outcome):
    decision = scheduled(users, meeting_with(5, 3))
    decision = services.decision_transition(actor=users["guns"], decision=decision, action=outcome, consensus=True)
    before = Decision.objects.get(pk=decision.pk)
    with pytest.raises(LockedError):
        services.decision_update(actor=users["admin"], decision=decision, changes={"title": "Ändrad"})
    for action in ("schedule", "adopt", "reject", "refer_back", "withdraw"):
        with pytest.raises(LockedError):
            services.decision_transition(actor=users["admin"], decision=decision, action=action, consensus=True, meeting=decision.meeting)
    after = Decision.objects.get(pk=decision.pk)
    assert (after.title, after.state, after.version) == (before.title, before.state, before.version)


def test_numbers_count_within_the_meeting_year(users, meeting_with):
    first = meeting_with(5, 3, date=datetime.date(2025, 12, 1))
    second = meeting_with(5, 3, date=datetime.date(2026, 1, 20))
    numbers = []
    for meeting in (first, first, second, first, second):
        decision = scheduled(users, meeting)
        numbers.append(services.decision_transition(actor=users["guns"], decision=decision, action="adopt", consensus=True).number)
    assert numbers == ["GUNS 2025:1", "GUNS 2025:2", "GUNS 2026:1", "GUNS 2025:3", "GUNS 2026:2"]


def test_amendment_links_back(users, meeting_with):
    meeting = meeting_with(5, 3)
    original = services.decision_transition(actor=users["guns"], decision=scheduled(users, meeting), action="adopt", consensus=True)
    with pytest.raises(ValidationError):
        services.decision_create(actor=users["guns2"], title="x", amends=DecisionFactory())
    amendment = services.decision_create(actor=users["guns2"], title="Upphävande", amends=original, effect="revokes")
    amendment = services.decision_transition(
        actor=users["guns"], decision=scheduled(users, meeting, decision=amendment), action="adopt", consensus=True
    )
    assert [d.number for d in original.amended_by.filter(state="adopted")] == [amendment.number]
    assert Decision.objects.get(pk=original.pk).state == "adopted"


def test_pot_refuses_overspending_with_the_figures(users, meeting_with):
    pot_income(2025, set_aside=1_000_000, forfeited=500_000)
    meeting = meeting_with(5, 3)
    first = scheduled(users, meeting, decision=funding(1_000_000))
    services.decision_transition(actor=users["guns"], decision=first, action="adopt", consensus=True)
    second = scheduled(users, meeting, decision=funding(600_000))
    with pytest.raises(ValidationError) as refused:
        services.decision_transition(actor=users["guns"], decision=second, action="adopt", consensus=True)
    assert "500000" in refused.value.message_dict["amount"][0] and refused.value.message_dict["available"] == ["500000"]
    figures = pot_year(user=users["viewer"], year=2025)
    assert (figures.income, figures.committed, figures.available) == (1_500_000, 1_000_000, 500_000)
    assert Decision.objects.get(pk=second.pk).state == "on_agenda"


def test_carry_over_and_deficit(users, meeting_with):
    pot_income(2024, set_aside=300)
    pot_income(2025, set_aside=1_000)
    meeting = meeting_with(5, 3)
    services.decision_transition(
        actor=users["guns"], decision=scheduled(users, meeting, decision=funding(1_200)), action="adopt", consensus=True
    )
    assert pot_year(user=users["viewer"], year=2025).as_api() == {
        "year": 2025,
        "set_aside": 1_000,
        "forfeited": 0,
        "carried_over": 300,
        "income": 1_300,
        "committed": 1_200,
        "paid": 0,
        "available": 100,
    }
    pot_income(2025, set_aside=700)  # the allocation changes later: a deficit, nothing deleted
    figures = pot_year(user=users["viewer"], year=2025)
    assert (figures.available, figures.deficit) == (-200, 200)
    assert Decision.objects.filter(state="adopted").count() == 1


def test_payments_never_exceed_the_amount(users, meeting_with):
    pot_income(2025, set_aside=1_000_000)
    decision = scheduled(users, meeting_with(5, 3), decision=funding(100_000))
    decision = services.decision_transition(actor=users["guns"], decision=decision, action="adopt", consensus=True)
    with pytest.raises(PermissionDenied):
        services.payment_record(actor=users["guns"], decision=decision, amount=10)
    services.payment_record(actor=users["admin"], decision=decision, amount=60_000)
    with pytest.raises(ValidationError) as refused:
        services.payment_record(actor=users["admin"], decision=decision, amount=40_001)
    assert "amount" in refused.value.message_dict
    services.payment_record(actor=users["admin"], decision=decision, amount=40_000)
    assert Payment.objects.count() == 2 and pot_year(user=users["admin"], year=2025).paid == 100_000


def test_minutes_generated_approved_then_immutable(users, meeting_with, seats):
    meeting = meeting_with(5, 3)
    guns2_member = GunsMember.objects.get(user__username="guns2", is_active=True)
    absent = scheduled(users, meeting_with(5, 3), title="Annat möte")
    services.decision_transition(actor=users["guns"], decision=absent, action="adopt", consensus=True)
    with pytest.raises(ValidationError):
        services.minutes_update(
            actor=users["guns"],
            minutes=services.minutes_generate(actor=users["guns2"], meeting=absent.meeting),
            changes={"adjuster": guns2_member},
        )  # not present
    meeting.attendees.add(guns2_member)
    decision = scheduled(users, meeting, title="Registerbeslut")
    services.decision_transition(actor=users["guns"], decision=decision, action="adopt", votes={"yes": 5, "no": 1, "abstain": 2})
    minutes = services.minutes_generate(actor=users["guns2"], meeting=meeting)
    assert "Registerbeslut" in minutes.text and "GUNS 2025:2" in minutes.text
    assert re.search(r"\w+ 5, \w+ 1, \w+ 2", minutes.text)  # the votes (words depend on the language)
    minutes = services.minutes_update(
        actor=users["guns"], minutes=minutes, changes={"adjuster": guns2_member, "text": minutes.text + "\nSlut."}
    )
    with pytest.raises(PermissionDenied):
        services.minutes_approve(actor=users["viewer"], minutes=minutes)
    minutes = services.minutes_approve(actor=users["guns"], minutes=minutes)
    assert minutes.state == "draft"
    minutes = services.minutes_approve(actor=users["guns2"], minutes=minutes)
    assert minutes.state == "approved"
    with pytest.raises(LockedError):
        services.minutes_update(actor=users["admin"], minutes=minutes, changes={"text": "x"})
    with pytest.raises(LockedError):
        services.meeting_update(actor=users["admin"], meeting=meeting, changes={"title": "x"})
