"""GUNS writes: members, meetings, decisions through their state graph, payments, minutes.

Every write goes through the kernel's history helpers (who, when, why). Lock order, always:
decision row → pot year row → number counter row → minutes row; so two adoptions never
deadlock and never overspend the pot or share a number.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from alfadmin.kernel.errors import ConcurrentEditError, LockedError
from alfadmin.kernel.history import create_with_history, lock_for_update, save_with_history, versioned_update

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
)
from .selectors import meeting_quorum, pot_ledger

# --- settings and members ----------------------------------------------------------------


@transaction.atomic
def settings_update(*, actor, changes: dict[str, Any], expected_version: int | None = None) -> GunsSettings:
    if not permissions.can_edit_settings(actor):
        raise PermissionDenied
    current, _created = GunsSettings.objects.get_or_create(pk=1)
    return versioned_update(instance=current, expected_version=expected_version, changes=changes, actor=actor, reason=_("GUNS settings"))


def _unset_other_chair(*, member: GunsMember, actor) -> None:
    for other in GunsMember.objects.select_for_update().filter(is_chair=True, is_active=True).exclude(pk=member.pk).order_by("pk"):
        other.is_chair = False
        other.version += 1
        save_with_history(instance=other, actor=actor, reason=_("A new chair was appointed"), update_fields=["is_chair", "version"])


@transaction.atomic
def member_create(*, actor, **fields: Any) -> GunsMember:
    """Appoint someone to a seat (ordinary member or substitute); a seat has one of each at a time."""
    if not permissions.can_manage_members(actor):
        raise PermissionDenied
    member = GunsMember(**fields)
    taken = GunsMember.objects.filter(region=member.region, side=member.side, role=member.role, is_active=True)
    if member.is_active and taken.exists():
        raise ValidationError(
            {"role": _("This seat already has a current %(role)s; end that term first.") % {"role": member.get_role_display()}}
        )
    if member.is_chair:
        _unset_other_chair(member=member, actor=actor)
    return create_with_history(instance=member, actor=actor, reason=_("Appointed to GUNS"))


@transaction.atomic
def member_update(*, actor, member: GunsMember, changes: dict[str, Any], expected_version: int | None = None) -> GunsMember:
    if not permissions.can_manage_members(actor):
        raise PermissionDenied
    if changes.get("term_end") and changes["term_end"] <= timezone.localdate():
        changes = {**changes, "is_active": False, "is_chair": False}
    if changes.get("is_chair"):
        _unset_other_chair(member=member, actor=actor)
    return versioned_update(instance=member, expected_version=expected_version, changes=changes, actor=actor, reason=_("Member edited"))


# --- meetings ----------------------------------------------------------------------------


@transaction.atomic
def meeting_create(*, actor, date: datetime.date, title: str, attendees: list[GunsMember] | None = None) -> Meeting:
    if not permissions.can_edit_meetings(actor):
        raise PermissionDenied
    meeting = create_with_history(instance=Meeting(date=date, title=title), actor=actor, reason=_("Meeting created"))
    if attendees:
        meeting.attendees.set(attendees)
    return meeting


def _refuse_if_minutes_approved(meeting: Meeting) -> None:
    if Minutes.objects.filter(meeting=meeting, state=Minutes.State.APPROVED).exists():
        raise LockedError(_("The minutes of this meeting are approved; the meeting can no longer change."))


@transaction.atomic
def meeting_update(
    *, actor, meeting: Meeting, changes: dict[str, Any], attendees: list[GunsMember] | None = None, expected_version: int | None = None
) -> Meeting:
    """Edit date/title and the attendance list; attendance is frozen once a decision was taken there."""
    if not permissions.can_edit_meetings(actor):
        raise PermissionDenied
    current = lock_for_update(Meeting, meeting.pk)
    _refuse_if_minutes_approved(current)
    if attendees is not None:
        decided = current.decisions.filter(state__in=Decision.FINAL_STATES).exists()
        if decided and {m.pk for m in attendees} != set(current.attendees.values_list("pk", flat=True)):
            raise ValidationError({"attendees": _("Decisions were taken at this meeting; its attendance can no longer change.")})
    updated = versioned_update(
        instance=current, expected_version=expected_version, changes=changes, actor=actor, reason=_("Meeting edited")
    )
    if attendees is not None:
        updated.attendees.set(attendees)
    return updated


@transaction.atomic
def agenda_item_add(*, actor, meeting: Meeting, title: str, decision: Decision | None = None) -> AgendaItem:
    if not permissions.can_edit_meetings(actor):
        raise PermissionDenied
    current = lock_for_update(Meeting, meeting.pk)
    _refuse_if_minutes_approved(current)
    position = (current.agenda.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    return create_with_history(instance=AgendaItem(meeting=current, position=position, title=title, decision=decision), actor=actor)


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


def _check_amends(amends: Decision | None) -> None:
    if amends is not None and amends.state != Decision.State.ADOPTED:
        raise ValidationError({"amends": _("Only an adopted decision can be amended or revoked.")})


@transaction.atomic
def decision_create(*, actor, **fields: Any) -> Decision:
    """A new draft (any GUNS member or an administrator)."""
    if not permissions.can_draft(actor):
        raise PermissionDenied
    unknown = set(fields) - set(EDITABLE_DECISION_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be set.") for name in sorted(unknown)})
    _check_amends(fields.get("amends"))
    decision = Decision(**fields, drafted_by=actor if getattr(actor, "is_authenticated", False) else None)
    return create_with_history(instance=decision, actor=actor, reason=_("Drafted"))


@transaction.atomic
def decision_update(*, actor, decision: Decision, changes: dict[str, Any], expected_version: int | None = None) -> Decision:
    """Edit a draft or an item on the agenda; an adopted or rejected decision refuses (409)."""
    current = lock_for_update(Decision, decision.pk)
    if current.is_final:
        raise LockedError(_("An adopted or rejected decision cannot be changed; draft a later decision that amends it."))
    if not permissions.can_edit_decision(actor, current):
        raise PermissionDenied
    unknown = set(changes) - set(EDITABLE_DECISION_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in sorted(unknown)})
    if "amends" in changes:
        _check_amends(changes["amends"])
    return versioned_update(instance=current, expected_version=expected_version, changes=changes, actor=actor, reason=_("Edited"))


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
    """One edge of the state graph (guns.md): from which states, to which, who may take it."""

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


def available_transitions(*, user, decision: Decision) -> list[str]:
    return [name for name, t in TRANSITIONS.items() if decision.state in t.sources and t.allowed(user, decision)]


def _parse_votes(*, consensus: bool | None, votes: dict[str, Any] | None, present: int) -> Votes | None:
    """None for consensus; the counts otherwise, which must fit the seats present."""
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
    if counted.yes + counted.no + counted.abstain > present:
        raise ValidationError(
            {
                "votes": _("%(cast)s votes recorded but only %(present)s seats are present.")
                % {"cast": counted.yes + counted.no + counted.abstain, "present": present}
            }
        )
    return counted


def _check_pot(*, actor, decision: Decision) -> None:
    """Lock the pot year, then check the amount fits what is available (guns.md, the pot)."""
    year, amount = decision.pot_year, decision.amount
    if year is None or amount is None:
        # Decision.clean() already demands both of a national initiative; this keeps the lock honest.
        raise ValidationError({"pot_year": _("A national initiative needs an amount and the pot year it draws on.")})
    PotYear.objects.get_or_create(year=year)
    lock_for_update(PotYear, year)
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
    NumberCounter.objects.get_or_create(year=year)
    counter = lock_for_update(NumberCounter, year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


@transaction.atomic
def decision_transition(
    *,
    actor,
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
    current = lock_for_update(Decision, decision.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConcurrentEditError(current_version=current.version, expected_version=expected_version)
    if not transition.allowed(actor, current):
        raise PermissionDenied
    if current.state not in transition.sources:
        raise ValidationError(
            {"state": _("A decision that is %(state)s cannot be moved this way.") % {"state": current.get_state_display()}}
        )

    if action == "schedule":
        if meeting is None:
            raise ValidationError({"meeting": _("Name the meeting.")})
        if (
            meeting.decisions.filter(state__in=Decision.FINAL_STATES).exists()
            and Minutes.objects.filter(meeting=meeting, state=Minutes.State.APPROVED).exists()
        ):
            raise ValidationError({"meeting": _("The minutes of this meeting are approved.")})
        current.meeting = meeting
        agenda_item_add(actor=actor, meeting=meeting, title=current.title, decision=current)
    elif action in ("adopt", "reject"):
        held_at = current.meeting
        if held_at is None:
            raise ValidationError({"meeting": _("The decision is on no meeting's agenda.")})
        quorum = meeting_quorum(held_at)
        if not quorum.holds:
            raise ValidationError({"meeting": quorum.reason})
        counted = _parse_votes(consensus=consensus, votes=votes, present=quorum.present)
        if counted is not None and action == "adopt" and not counted.adopts:
            raise ValidationError({"votes": _("These votes reject the motion (yes must outnumber no); it cannot be recorded as adopted.")})
        if counted is not None and action == "reject" and counted.adopts:
            raise ValidationError({"votes": _("These votes adopt the motion; it cannot be recorded as rejected.")})
        if action == "adopt" and current.is_funding:
            _check_pot(actor=actor, decision=current)
        if action == "adopt":
            current.number_year = held_at.date.year
            current.number_seq = _next_number(held_at.date.year)
        current.consensus = counted is None
        if counted is not None:
            current.votes_yes, current.votes_no, current.votes_abstain = counted.yes, counted.no, counted.abstain
        current.decided_at = timezone.now()
    elif action == "refer_back":
        current.meeting = None
    current.state = transition.target
    current.full_clean()
    current.version += 1
    return save_with_history(instance=current, actor=actor, reason=_(transition.reason))


# --- payments ----------------------------------------------------------------------------


@transaction.atomic
def payment_record(*, actor, decision: Decision, amount: int, paid_on: datetime.date | None = None, note: str = "") -> Payment:
    """An administrator records a payment; all payments together never exceed the decision's amount."""
    if not permissions.can_record_payment(actor):
        raise PermissionDenied
    current = lock_for_update(Decision, decision.pk)
    if not (current.state == Decision.State.ADOPTED and current.is_funding):
        raise ValidationError({"decision": _("Payments are recorded only against adopted national initiatives.")})
    paid = sum(current.payments.values_list("amount", flat=True))
    total = current.amount or 0  # a national initiative always carries an amount (DB constraint)
    if amount <= 0 or paid + amount > total:
        raise ValidationError(
            {
                "amount": _("%(paid)s kr of %(total)s kr is already paid; at most %(left)s kr more.")
                % {"paid": paid, "total": total, "left": total - paid}
            }
        )
    payment = Payment(decision=current, amount=amount, paid_on=paid_on or timezone.localdate(), note=note, recorded_by=actor)
    return create_with_history(instance=payment, actor=actor, reason=_("Payment recorded"))


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
def minutes_generate(*, actor, meeting: Meeting) -> Minutes:
    if not permissions.can_edit_minutes(actor):
        raise PermissionDenied
    current = lock_for_update(Meeting, meeting.pk)
    existing = Minutes.objects.select_for_update().filter(meeting=current).first()
    if existing is not None:
        if existing.state == Minutes.State.APPROVED:
            raise LockedError(_("Approved minutes cannot change."))
        return versioned_update(
            instance=existing, expected_version=None, changes={"text": minutes_text(current)}, actor=actor, reason=_("Regenerated")
        )
    return create_with_history(instance=Minutes(meeting=current, text=minutes_text(current)), actor=actor, reason=_("Generated"))


@transaction.atomic
def minutes_update(*, actor, minutes: Minutes, changes: dict[str, Any], expected_version: int | None = None) -> Minutes:
    if not permissions.can_edit_minutes(actor):
        raise PermissionDenied
    current = lock_for_update(Minutes, minutes.pk)
    if current.state == Minutes.State.APPROVED:
        raise LockedError(_("Approved minutes cannot change."))
    adjuster = changes.get("adjuster")
    if adjuster is not None and not current.meeting.attendees.filter(pk=adjuster.pk).exists():
        raise ValidationError({"adjuster": _("The adjuster is chosen among those present.")})
    if "text" in changes or "adjuster" in changes:
        changes = {
            **changes,
            "chair_approved_by": None,
            "chair_approved_at": None,
            "adjuster_approved_by": None,
            "adjuster_approved_at": None,
        }
    return versioned_update(instance=current, expected_version=expected_version, changes=changes, actor=actor, reason=_("Edited"))


@transaction.atomic
def minutes_approve(*, actor, minutes: Minutes) -> Minutes:
    """The chair and the adjuster each approve; with both the minutes become immutable."""
    current = lock_for_update(Minutes, minutes.pk)
    if current.state == Minutes.State.APPROVED:
        raise LockedError(_("The minutes are already approved."))
    if current.adjuster_id is None:
        raise ValidationError({"adjuster": _("Choose an adjuster among those present first.")})
    now = timezone.now()
    approved = False
    if permissions.is_chair(actor) and current.chair_approved_by_id is None:
        current.chair_approved_by, current.chair_approved_at, approved = actor, now, True
    elif current.adjuster is not None and current.adjuster.user_id == actor.pk and current.adjuster_approved_by_id is None:
        current.adjuster_approved_by, current.adjuster_approved_at, approved = actor, now, True
    if not approved:
        raise PermissionDenied
    if current.chair_approved_by_id and current.adjuster_approved_by_id:
        current.state = Minutes.State.APPROVED
    current.version += 1
    return save_with_history(instance=current, actor=actor, reason=_("Approved"))


# --- follow-up of the evaluations ----------------------------------------------------------

FOLLOW_UP_FIELDS = ("kind", "text", "responsible", "due", "done")


@transaction.atomic
def follow_up_entry_create(*, actor, evaluation_round, region, **fields: Any) -> FollowUpEntry:
    """A GUNS note or action on one region's findings in a round."""
    if not permissions.can_write_follow_up(actor):
        raise PermissionDenied
    unknown = set(fields) - set(FOLLOW_UP_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be set.") for name in sorted(unknown)})
    entry = FollowUpEntry(evaluation_round=evaluation_round, region=region, created_by=actor, **fields)
    return create_with_history(instance=entry, actor=actor, reason=_("Follow-up written"))


@transaction.atomic
def follow_up_entry_update(*, actor, entry: FollowUpEntry, changes: dict[str, Any], expected_version: int | None = None) -> FollowUpEntry:
    if not permissions.can_edit_follow_up_entry(actor, entry):
        raise PermissionDenied
    unknown = set(changes) - set(FOLLOW_UP_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in sorted(unknown)})
    return versioned_update(instance=entry, expected_version=expected_version, changes=changes, actor=actor, reason=_("Follow-up edited"))


# --- the annual report -----------------------------------------------------------------------


@transaction.atomic
def annual_report_update(*, actor, year: int, introduction: str, expected_version: int | None = None) -> AnnualReport:
    """Write the year's introduction; the first write creates the row (version 1), later ones
    are versioned (409 when based on a stale version)."""
    if not permissions.can_edit_annual_report(actor):
        raise PermissionDenied
    current = AnnualReport.objects.select_for_update().filter(year=year).first()
    if current is None:
        # Version 0 stands for "no introduction yet"; a page showing an unsaved report sends it,
        # so a second first-writer meets the row the first one created and gets a 409.
        if expected_version not in (None, 0):
            raise ConcurrentEditError(current_version=0, expected_version=expected_version)
        try:
            with transaction.atomic():  # a savepoint: two first writes at once meet the unique year
                return create_with_history(
                    instance=AnnualReport(year=year, introduction=introduction), actor=actor, reason=_("Introduction written")
                )
        except IntegrityError as error:
            raise ConcurrentEditError(current_version=1, expected_version=0) from error
    return versioned_update(
        instance=current,
        expected_version=expected_version,
        changes={"introduction": introduction},
        actor=actor,
        reason=_("Introduction edited"),
    )
