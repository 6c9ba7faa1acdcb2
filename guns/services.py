"""GUNS writes: members, meetings, decisions through their state graph, payments, minutes.

Every write goes through the kernel's write path (``alfadmin.kernel.writes``): the actor is
checked against GUNS's own predicates (``guns.permissions``) inside the service, whoever calls
it; the row is locked, its version checked (409 naming what changed), frozen rows refused
(adopted and rejected decisions, approved minutes and what they record), then validated and
saved with history. Lock order, always: decision row(s) → pot year row → number counter row →
minutes row; so two adoptions never deadlock and never overspend the pot or share a number,
and minutes are never approved while a decision of their meeting is being decided.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from alfadmin.kernel.versions import check_version
from alfadmin.kernel.writes import SystemActor, authorize, lock_rows, record_create, record_update, refuse_if_frozen
from alfadmin.models import User

from . import permissions
from .models import (
    AgendaItem,
    AnnualReport,
    Decision,
    FollowUpEntry,
    GunsMember,
    GunsSettings,
    Meeting,
    Minutes,
    NumberCounter,
    Payment,
    PotYear,
    year_error,
    year_in_agreement,
)
from .quorum import meeting_quorum, require_quorum
from .selectors import pot_ledger

# Whoever calls a service: a person signed in, or SYSTEM (demo data, commands).
Actor = User | SystemActor
M = TypeVar("M", bound=models.Model)


def _locked(model: type[M], pk: Any) -> M:
    """One row locked through the kernel (several rows at once: ``lock_rows``, in its fixed order)."""
    return cast(M, lock_rows((model, pk))[0])


def _only(predicate: Callable[[Any], bool]) -> Callable[[Any, Any], bool]:
    """A who-predicate of GUNS that does not depend on the row, as the write path's ``permitted``."""
    return lambda actor, _row: predicate(actor)


# --- settings and members ----------------------------------------------------------------


@transaction.atomic
def settings_update(*, actor: Actor, changes: dict[str, Any], expected_version: int | None = None) -> GunsSettings:
    """Quorum and carry-over; quorum within the seats (guns/quorum.py), refused naming the field otherwise."""
    permitted = _only(permissions.can_edit_settings)
    authorize(actor=actor, permitted=permitted)
    current = GunsSettings.objects.filter(pk=1).first()
    if current is None:  # the first write creates the one row (version 1)
        return record_create(instance=GunsSettings(pk=1, **changes), actor=actor, permitted=permitted, reason=_("GUNS settings"))
    return record_update(
        instance=current, actor=actor, permitted=permitted, expected_version=expected_version, changes=changes, reason=_("GUNS settings")
    )


def _unset_other_chair(*, member: GunsMember, actor: Actor) -> None:
    others = GunsMember.objects.filter(is_chair=True, is_active=True).exclude(pk=member.pk).order_by("pk")
    for other in lock_rows(*((GunsMember, pk) for pk in others.values_list("pk", flat=True))):
        record_update(
            instance=other,
            actor=actor,
            permitted=_only(permissions.can_manage_members),
            expected_version=None,
            changes={"is_chair": False},
            reason=_("A new chair was appointed"),
            locked=True,
        )


def _seat_free(member: GunsMember) -> None:
    taken = GunsMember.objects.filter(region=member.region, side=member.side, role=member.role, is_active=True).exclude(pk=member.pk)
    if member.is_active and taken.exists():
        raise ValidationError(
            {"role": _("This seat already has a current %(role)s; end that term first.") % {"role": member.get_role_display()}}
        )


@transaction.atomic
def member_create(*, actor: Actor, **fields: Any) -> GunsMember:
    """Appoint someone to a seat (ordinary member or substitute); a seat has one of each at a time."""
    permitted = _only(permissions.can_manage_members)
    authorize(actor=actor, permitted=permitted)
    member = GunsMember(**fields)
    _seat_free(member)
    if member.is_chair:
        _unset_other_chair(member=member, actor=actor)
    return record_create(instance=member, actor=actor, permitted=permitted, reason=_("Appointed to GUNS"))


@transaction.atomic
def member_update(*, actor: Actor, member: GunsMember, changes: dict[str, Any], expected_version: int | None = None) -> GunsMember:
    permitted = _only(permissions.can_manage_members)
    authorize(actor=actor, permitted=permitted)
    if changes.get("term_end") and changes["term_end"] <= timezone.localdate():
        changes = {**changes, "is_active": False, "is_chair": False}
    if changes.get("is_chair"):
        _unset_other_chair(member=member, actor=actor)
    return record_update(
        instance=member,
        actor=actor,
        permitted=permitted,
        expected_version=expected_version,
        changes=changes,
        reason=_("Member edited"),
        validate=_seat_free,
    )


# --- meetings ----------------------------------------------------------------------------


@transaction.atomic
def meeting_create(*, actor: Actor, date: datetime.date, title: str, attendees: list[GunsMember] | None = None) -> Meeting:
    """A new meeting; the quorum rule in force now is stored with it and judges it for good."""
    permitted = _only(permissions.can_edit_meetings)
    rule = GunsSettings.load()
    meeting = record_create(
        instance=Meeting(date=date, title=title, quorum_seats=rule.quorum_seats, quorum_per_side=rule.quorum_per_side),
        actor=actor,
        permitted=permitted,
        reason=_("Meeting created"),
    )
    if attendees:
        meeting.attendees.set(attendees)
    return meeting


@transaction.atomic
def meeting_update(
    *,
    actor: Actor,
    meeting: Meeting,
    changes: dict[str, Any],
    attendees: list[GunsMember] | None = None,
    expected_version: int | None = None,
) -> Meeting:
    """Edit date, title and attendance.

    Approved minutes freeze the meeting; once a decision was taken there its attendance (which
    made the quorum) cannot change; once one was adopted (numbered for the meeting's year) its
    date cannot change. Attendance is only touched when it differs: an attendee whose term
    has ended since stays on the list.
    """
    new_attendance = None if attendees is None else {m.pk for m in attendees}
    attendance: dict[str, bool] = {}

    def validate(current: Meeting) -> None:
        # Runs on the locked row: the attendance compared is the stored one.
        present = set(current.attendees.values_list("pk", flat=True))
        attendance["changes"] = new_attendance is not None and new_attendance != present
        errors = {}
        if attendance["changes"] and current.decisions.filter(state__in=Decision.FINAL_STATES).exists():
            errors["attendees"] = _("Decisions were taken at this meeting; its attendance can no longer change.")
        if current.date != current.loaded_value("date") and current.decisions.filter(state=Decision.State.ADOPTED).exists():
            errors["date"] = _("Decisions adopted at this meeting are numbered for its year; its date can no longer change.")
        if errors:
            raise ValidationError(errors)

    unknown = set(changes) - {"date", "title"}
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in sorted(unknown)})
    updated = record_update(
        instance=meeting,
        actor=actor,
        permitted=_only(permissions.can_edit_meetings),
        expected_version=expected_version,
        changes=changes,
        reason=_("Meeting edited"),
        validate=validate,
    )
    if attendance.get("changes") and attendees is not None:
        updated.attendees.set(attendees)
    return updated


def _lock_open_meeting(meeting: Meeting) -> Meeting:
    current = _locked(Meeting, meeting.pk)
    refuse_if_frozen(current)
    return current


@transaction.atomic
def agenda_item_add(*, actor: Actor, meeting: Meeting, title: str, decision: Decision | None = None) -> AgendaItem:
    permitted = _only(permissions.can_edit_meetings)
    authorize(actor=actor, permitted=permitted)
    current = _lock_open_meeting(meeting)
    position = (current.agenda.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    return record_create(
        instance=AgendaItem(meeting=current, position=position, title=title, decision=decision), actor=actor, permitted=permitted
    )


# --- decisions ---------------------------------------------------------------------------

EDITABLE_DECISION_FIELDS = (
    "kind",
    "title",
    "text",
    "rationale",
    "amount",
    "pot_year",
    "recipients",
    "period",
    "conditions",
    "amends",
    "effect",
    "evaluation_round",
)


def _check_amends(decision: Decision) -> None:
    amends = decision.amends if decision.amends_id else None
    if amends is not None and amends.state != Decision.State.ADOPTED:
        raise ValidationError({"amends": _("Only an adopted decision can be amended or revoked.")})


def _editable(decision: Decision) -> None:
    _check_amends(decision)
    if decision.state == Decision.State.WITHDRAWN:
        raise ValidationError({"state": _("A withdrawn decision cannot be changed.")})


@transaction.atomic
def decision_create(*, actor: Actor, **fields: Any) -> Decision:
    """A new draft (any GUNS member or an administrator)."""
    permitted = _only(permissions.can_draft)
    authorize(actor=actor, permitted=permitted)
    unknown = set(fields) - set(EDITABLE_DECISION_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be set.") for name in sorted(unknown)})
    decision = Decision(**fields, drafted_by=actor if isinstance(actor, User) else None)
    return record_create(instance=decision, actor=actor, permitted=permitted, reason=_("Drafted"), validate=_check_amends)


@transaction.atomic
def decision_update(*, actor: Actor, decision: Decision, changes: dict[str, Any], expected_version: int | None = None) -> Decision:
    """Edit a draft or an item on the agenda; an adopted or rejected decision refuses (409)."""
    authorize(actor=actor, permitted=permissions.may_edit_decision, row=decision)
    unknown = set(changes) - set(EDITABLE_DECISION_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in sorted(unknown)})
    return record_update(
        instance=decision,
        actor=actor,
        permitted=permissions.may_edit_decision,
        expected_version=expected_version,
        changes=changes,
        reason=_("Edited"),
        validate=_editable,
    )


@dataclass(frozen=True)
class Votes:
    yes: int
    no: int
    abstain: int

    @property
    def adopts(self) -> bool:
        return self.yes > self.no


@dataclass(frozen=True)
class Transition:
    """One edge of the state graph (docs/guns.md): from which states, to which, who may take it."""

    sources: frozenset[str]
    target: str
    allowed: Callable[[Any, Decision], bool]
    reason: str


S = Decision.State
TRANSITIONS: dict[str, Transition] = {
    "schedule": Transition(frozenset({S.DRAFT}), S.ON_AGENDA, permissions.can_schedule, gettext_noop("Put on the agenda")),
    "adopt": Transition(frozenset({S.ON_AGENDA}), S.ADOPTED, permissions.can_decide, gettext_noop("Adopted")),
    "reject": Transition(frozenset({S.ON_AGENDA}), S.REJECTED, permissions.can_decide, gettext_noop("Rejected")),
    "refer_back": Transition(frozenset({S.ON_AGENDA}), S.DRAFT, permissions.can_decide, gettext_noop("Referred back")),
    "withdraw": Transition(frozenset({S.DRAFT, S.ON_AGENDA}), S.WITHDRAWN, permissions.can_withdraw, gettext_noop("Withdrawn")),
}


def available_transitions(*, user: Any, decision: Decision) -> list[str]:
    return [name for name, t in TRANSITIONS.items() if decision.state in t.sources and t.allowed(user, decision)]


def _parse_votes(*, consensus: bool | None, votes: dict[str, Any] | None, present: int) -> Votes | None:
    """None for consensus; the counts otherwise, which must fit the seats present (at least one vote)."""
    if consensus and votes:
        raise ValidationError({"votes": _("Either consensus or votes, not both.")})
    if consensus:
        return None
    if not votes:
        raise ValidationError({"votes": _("Record consensus or the votes (yes, no, abstain).")})
    try:
        counted = Votes(**{key: int(votes.get(key) or 0) for key in ("yes", "no", "abstain")})
    except (TypeError, ValueError) as error:
        raise ValidationError({"votes": _("Votes are whole numbers.")}) from error
    if min(counted.yes, counted.no, counted.abstain) < 0:
        raise ValidationError({"votes": _("Votes cannot be negative.")})
    cast = counted.yes + counted.no + counted.abstain
    if cast == 0:
        raise ValidationError({"votes": _("No votes were recorded: record consensus or the votes cast (yes, no, abstain).")})
    if cast > present:
        raise ValidationError(
            {"votes": _("%(cast)s votes recorded but only %(present)s seats are present.") % {"cast": cast, "present": present}}
        )
    return counted


def _check_pot(*, actor: Actor, decision: Decision) -> None:
    """Lock the pot year, then check the amount fits what is available (docs/guns.md, the pot)."""
    year, amount = decision.pot_year, decision.amount
    if year is None or amount is None:
        # Decision.clean() already demands both of a national initiative; this keeps the lock honest.
        raise ValidationError({"pot_year": _("A national initiative needs an amount and the pot year it draws on.")})
    if not year_in_agreement(year):
        raise ValidationError({"pot_year": year_error(year)})
    PotYear.objects.get_or_create(year=year)
    _locked(PotYear, year)
    figures = pot_ledger(user=actor).for_year(year)
    if amount > figures.available:
        raise ValidationError(
            {
                "amount": _("The pot for %(year)s cannot pay %(amount)s kr: %(available)s kr available.")
                % {"year": decision.pot_year, "amount": decision.amount, "available": figures.available},
                "available": str(figures.available),
            }
        )


def _next_number(year: int) -> int:
    # The counter is bookkeeping, not a record (no version, no history): locked, then bumped.
    NumberCounter.objects.get_or_create(year=year)
    counter = _locked(NumberCounter, year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _lock_minutes_of(meeting: Meeting) -> None:
    """Last in the lock order: minutes are not approved while a decision of their meeting is decided."""
    found = Minutes.objects.filter(meeting=meeting).values_list("pk", flat=True).first()
    if found is not None:
        _locked(Minutes, found)


@transaction.atomic
def decision_transition(
    *,
    actor: Actor,
    decision: Decision,
    action: str,
    meeting: Meeting | None = None,
    consensus: bool | None = None,
    votes: dict[str, Any] | None = None,
    expected_version: int | None = None,
) -> Decision:
    """Move a decision along one edge of TRANSITIONS; refusals name the field (meeting, amount, votes, state)."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise ValidationError({"action": _("Unknown action.")})
    authorize(actor=actor, permitted=transition.allowed, row=decision)
    current = _lock_for_transition(decision=decision, action=action, transition=transition, expected_version=expected_version)
    changes: dict[str, Any] = {"state": transition.target}
    if action == "schedule":
        changes.update(_schedule(actor=actor, decision=current, meeting=meeting))
    elif action in ("adopt", "reject"):
        changes.update(_decide(actor=actor, decision=current, adopt=action == "adopt", consensus=consensus, votes=votes))
    elif action == "refer_back":
        changes["meeting"] = None
    return record_update(
        instance=current,
        actor=actor,
        permitted=transition.allowed,
        expected_version=expected_version,
        changes=changes,
        reason=_(transition.reason),
        locked=True,
    )


def _lock_for_transition(*, decision: Decision, action: str, transition: Transition, expected_version: int | None) -> Decision:
    """The decision locked (first in the lock order), at the expected version, not frozen and
    in a state the transition leaves from."""
    # A revocation or amendment locks the decision it changes too (in the kernel's fixed order),
    # so a payment against the revoked decision waits and then sees it revoked.
    rows = [(Decision, decision.pk)]
    if decision.amends_id and action == "adopt":
        rows.append((Decision, decision.amends_id))
    current = cast(Decision, lock_rows(*rows)[0])
    check_version(current, expected_version)
    refuse_if_frozen(current)
    if current.state not in transition.sources:
        raise ValidationError(
            {"state": _("A decision that is %(state)s cannot be moved this way.") % {"state": current.get_state_display()}}
        )
    return current


def _schedule(*, actor: Actor, decision: Decision, meeting: Meeting | None) -> dict[str, Any]:
    """Put the locked decision on the agenda of a meeting whose minutes are not approved; the
    decision's changes that record it."""
    if meeting is None:
        raise ValidationError({"meeting": _("Name the meeting.")})
    target = _locked(Meeting, meeting.pk)
    if target.frozen_reason():
        raise ValidationError({"meeting": _("The minutes of this meeting are approved.")})
    agenda_item_add(actor=actor, meeting=target, title=decision.title, decision=decision)
    return {"meeting": target}


def _decide(*, actor: Actor, decision: Decision, adopt: bool, consensus: bool | None, votes: dict[str, Any] | None) -> dict[str, Any]:
    """The changes that adopt or reject the locked decision at its meeting: quorum, votes that
    agree with the outcome, and for an adoption the pot (a funding decision) and the next
    number, taking the pot year and number counter locks in the lock order, then the minutes'."""
    held_at = decision.meeting
    if held_at is None:
        raise ValidationError({"meeting": _("The decision is on no meeting's agenda.")})
    quorum = require_quorum(held_at)
    counted = _parse_votes(consensus=consensus, votes=votes, present=quorum.present)
    if counted is not None and adopt and not counted.adopts:
        raise ValidationError({"votes": _("These votes reject the motion (yes must outnumber no); it cannot be recorded as adopted.")})
    if counted is not None and not adopt and counted.adopts:
        raise ValidationError({"votes": _("These votes adopt the motion; it cannot be recorded as rejected.")})
    changes: dict[str, Any] = {}
    if adopt and decision.is_funding:
        _check_pot(actor=actor, decision=decision)
    if adopt:
        changes["number_year"] = held_at.date.year
        changes["number_seq"] = _next_number(held_at.date.year)
    _lock_minutes_of(held_at)
    changes["consensus"] = counted is None
    if counted is not None:
        changes.update(votes_yes=counted.yes, votes_no=counted.no, votes_abstain=counted.abstain)
    changes["decided_at"] = timezone.now()
    return changes


# --- payments ----------------------------------------------------------------------------


@transaction.atomic
def payment_record(*, actor: Actor, decision: Decision, amount: int, paid_on: datetime.date | None = None, note: str = "") -> Payment:
    """An administrator records a payment against an adopted, unrevoked national initiative; all
    payments together never exceed the decision's amount."""
    permitted = _only(permissions.can_record_payment)
    authorize(actor=actor, permitted=permitted)
    current = _locked(Decision, decision.pk)
    if not (current.state == Decision.State.ADOPTED and current.is_funding):
        raise ValidationError({"decision": _("Payments are recorded only against adopted national initiatives.")})
    if current.is_revoked:
        raise ValidationError({"decision": _("This decision is revoked: nothing more is paid against it.")})
    if amount is None or amount <= 0:
        raise ValidationError({"amount": _("The amount must be a positive number of kronor.")})
    paid = sum(current.payments.values_list("amount", flat=True))
    total = current.amount or 0  # a national initiative always carries an amount (DB constraint)
    if paid + amount > total:
        raise ValidationError(
            {
                "amount": _("%(paid)s kr of %(total)s kr is already paid; at most %(left)s kr more.")
                % {"paid": paid, "total": total, "left": total - paid}
            }
        )
    payment = Payment(
        decision=current,
        amount=amount,
        paid_on=paid_on or timezone.localdate(),
        note=note,
        recorded_by=actor if isinstance(actor, User) else None,
    )
    return record_create(instance=payment, actor=actor, permitted=permitted, reason=_("Payment recorded"))


# --- minutes -----------------------------------------------------------------------------


def minutes_text(meeting: Meeting) -> str:
    """The generated draft: attendance and quorum, each agenda item, each decision's outcome and votes."""
    quorum = meeting_quorum(meeting)
    lines = [f"{meeting.title}", f"{_('Date')}: {meeting.date:%Y-%m-%d}", "", _("Present") + ":"]
    for member in meeting.attendees.select_related("region").order_by("side", "region__code"):
        role = _("substitute") if member.role == GunsMember.Role.SUBSTITUTE else (_("chair") if member.is_chair else _("member"))
        lines.append(f"- {member.name} ({member.region.code}, {member.get_side_display()}, {role})")
    lines += ["", quorum.reason, "", _("Agenda") + ":"]
    for item in meeting.agenda.select_related("decision").order_by("position"):
        lines.append(f"{item.position}. {item.title}")
        decision = item.decision
        if decision is None:
            continue
        if decision.is_final:
            outcome = decision.get_state_display()
            if decision.number:
                outcome = f"{outcome} ({decision.number})"
            lines.append(f"   {_('Outcome')}: {outcome}")
            if decision.consensus:
                lines.append(f"   {_('By consensus.')}")
            elif decision.votes_yes is not None:
                lines.append(
                    f"   {_('Votes')}: {_('yes')} {decision.votes_yes}, {_('no')} {decision.votes_no}, {_('abstain')} {decision.votes_abstain}"
                )
            if decision.is_funding:
                lines.append(f"   {_('Amount')}: {decision.amount} kr ({_('pot year')} {decision.pot_year})")
        else:
            lines.append(f"   {_('Outcome')}: {_('not decided')} ({decision.get_state_display()})")
    return "\n".join(lines)


@transaction.atomic
def minutes_generate(*, actor: Actor, meeting: Meeting) -> Minutes:
    permitted = _only(permissions.can_edit_minutes)
    authorize(actor=actor, permitted=permitted)
    current = _locked(Meeting, meeting.pk)
    existing = Minutes.objects.filter(meeting=current).first()
    if existing is not None:
        return record_update(
            instance=existing,
            actor=actor,
            permitted=permitted,
            expected_version=None,
            changes={"text": minutes_text(current)},
            reason=_("Regenerated"),
        )
    return record_create(
        instance=Minutes(meeting=current, text=minutes_text(current)), actor=actor, permitted=permitted, reason=_("Generated")
    )


APPROVALS_CLEARED = {"chair_approved_by": None, "chair_approved_at": None, "adjuster_approved_by": None, "adjuster_approved_at": None}


@transaction.atomic
def minutes_update(*, actor: Actor, minutes: Minutes, changes: dict[str, Any], expected_version: int | None = None) -> Minutes:
    """Edit the text or choose the adjuster (a present member other than the chair, with a user
    account: Minutes.clean); either change clears the approvals given so far."""
    unknown = set(changes) - {"text", "adjuster"}
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in sorted(unknown)})
    return record_update(
        instance=minutes,
        actor=actor,
        permitted=_only(permissions.can_edit_minutes),
        expected_version=expected_version,
        changes={**changes, **APPROVALS_CLEARED} if changes else changes,
        reason=_("Edited"),
    )


@transaction.atomic
def minutes_approve(*, actor: Actor, minutes: Minutes) -> Minutes:
    """The chair and the adjuster, two different people, each approve; with both the minutes are frozen."""
    now = timezone.now()

    def approve(current: Minutes) -> None:
        adjuster = current.adjuster if current.adjuster_id else None
        if adjuster is None:
            raise ValidationError({"adjuster": _("Choose an adjuster among those present first.")})
        user = actor if isinstance(actor, User) else None
        pk = user.pk if user is not None else None
        if pk is not None and pk in (current.chair_approved_by_id, current.adjuster_approved_by_id):
            raise ValidationError({"adjuster": _("You have already approved these minutes; the other approval is someone else's.")})
        if permissions.is_chair(actor) and current.chair_approved_by_id is None:
            current.chair_approved_by, current.chair_approved_at = user, now
        elif user is not None and adjuster.user_id == pk and current.adjuster_approved_by_id is None:
            current.adjuster_approved_by, current.adjuster_approved_at = user, now
        else:
            raise PermissionDenied
        if current.chair_approved_by_id and current.adjuster_approved_by_id:
            current.state = Minutes.State.APPROVED

    return record_update(
        instance=minutes,
        actor=actor,
        permitted=permissions.can_approve_minutes,
        expected_version=None,
        changes=approve,
        reason=_("Approved"),
    )


# --- follow-up of the evaluations ----------------------------------------------------------

FOLLOW_UP_FIELDS = ("kind", "text", "responsible", "due", "done")


@transaction.atomic
def follow_up_entry_create(*, actor: Actor, evaluation_round: Any, region: Any, **fields: Any) -> FollowUpEntry:
    """A GUNS note or action on one region's findings in a round."""
    permitted = _only(permissions.can_write_follow_up)
    authorize(actor=actor, permitted=permitted)
    unknown = set(fields) - set(FOLLOW_UP_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be set.") for name in sorted(unknown)})
    entry = FollowUpEntry(evaluation_round=evaluation_round, region=region, created_by=actor if isinstance(actor, User) else None, **fields)
    return record_create(instance=entry, actor=actor, permitted=permitted, reason=_("Follow-up written"))


@transaction.atomic
def follow_up_entry_update(
    *, actor: Actor, entry: FollowUpEntry, changes: dict[str, Any], expected_version: int | None = None
) -> FollowUpEntry:
    authorize(actor=actor, permitted=permissions.can_edit_follow_up_entry, row=entry)
    unknown = set(changes) - set(FOLLOW_UP_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in sorted(unknown)})
    return record_update(
        instance=entry,
        actor=actor,
        permitted=permissions.can_edit_follow_up_entry,
        expected_version=expected_version,
        changes=changes,
        reason=_("Follow-up edited"),
    )


# --- the annual report -----------------------------------------------------------------------


@transaction.atomic
def annual_report_update(*, actor: Actor, year: int, introduction: str, expected_version: int | None = None) -> AnnualReport:
    """Write the year's introduction; the first write creates the row (version 1), later ones
    are versioned (409 when based on a stale version). Version 0 stands for "no introduction
    yet": a page showing an unsaved report sends it, so a second first-writer meets the row the
    first one created and gets a 409 naming the introduction."""
    permitted = _only(permissions.can_edit_annual_report)
    authorize(actor=actor, permitted=permitted)
    if not year_in_agreement(year):
        raise ValidationError({"year": year_error(year)})
    current = AnnualReport.objects.filter(year=year).first()
    if current is None:
        try:
            with transaction.atomic():  # a savepoint: two first writes at once meet the unique year
                return record_create(
                    instance=AnnualReport(year=year, introduction=introduction),
                    actor=actor,
                    permitted=permitted,
                    reason=_("Introduction written"),
                )
        except (IntegrityError, ValidationError):
            current = AnnualReport.objects.filter(year=year).first()
            if current is None:
                raise
    return record_update(
        instance=current,
        actor=actor,
        permitted=permitted,
        expected_version=expected_version,
        changes={"introduction": introduction},
        reason=_("Introduction edited"),
    )
