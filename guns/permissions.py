"""Who may do what in GUNS (docs/guns.md, the "who" column): used by pages, the API and the admin alike."""

from __future__ import annotations

from typing import Any

from alfadmin.permissions import is_admin, is_guns, is_signed_in

from .models import Decision, FollowUpEntry, GunsMember, Minutes


def is_guns_member(user: Any) -> bool:
    """A signed-in user with the GUNS role (a seat holder or the secretariat acting for GUNS)."""
    return is_guns(user)


def can_manage_guns(user: Any) -> bool:
    """Administrators and GUNS members run GUNS's day-to-day work (meetings, drafts, follow-up)."""
    return is_admin(user) or is_guns_member(user)


def is_chair(user: Any) -> bool:
    if not is_guns_member(user):
        return False
    cached = getattr(user, "_guns_is_chair", None)
    if cached is None:
        cached = GunsMember.objects.filter(user=user, is_active=True, is_chair=True).exists()
        user._guns_is_chair = cached
    return cached


def can_view_guns(user: Any) -> bool:
    """GUNS's work is open to every signed-in user (the parties follow it)."""
    return is_signed_in(user)


def can_manage_members(user: Any) -> bool:
    return is_admin(user)


def can_edit_settings(user: Any) -> bool:
    return is_admin(user)


def can_edit_meetings(user: Any) -> bool:
    return is_admin(user) or is_guns_member(user)


def can_draft(user: Any) -> bool:
    return is_admin(user) or is_guns_member(user)


def may_edit_decision(user: Any, decision: Decision) -> bool:
    """Who edits a decision's content: its drafter, the chair or an administrator (whatever its
    state: a frozen one is refused by the write path with its own reason)."""
    return is_admin(user) or is_chair(user) or (is_guns_member(user) and decision.drafted_by_id == user.pk)


def can_edit_decision(user: Any, decision: Decision) -> bool:
    """A draft is edited by its drafter, the chair or an administrator; a final one by nobody."""
    if decision.is_final or decision.state == Decision.State.WITHDRAWN:
        return False
    return may_edit_decision(user, decision)


def can_schedule(user: Any, decision: Decision | None = None) -> bool:
    return is_admin(user) or is_chair(user)


def can_decide(user: Any, decision: Decision | None = None) -> bool:
    """Adopt, reject or refer back: any GUNS member or an administrator."""
    return is_admin(user) or is_guns_member(user)


def can_withdraw(user: Any, decision: Decision) -> bool:
    return is_admin(user) or is_chair(user) or (is_guns_member(user) and decision.drafted_by_id == user.pk)


def can_record_payment(user: Any) -> bool:
    return is_admin(user)


def can_edit_minutes(user: Any) -> bool:
    return is_admin(user) or is_guns_member(user)


def can_approve_minutes(user: Any, minutes: Minutes) -> bool:
    """The chair, or the user holding the adjuster's membership."""
    if is_chair(user):
        return True
    adjuster = minutes.adjuster if minutes.adjuster_id else None
    return adjuster is not None and adjuster.user_id is not None and adjuster.user_id == getattr(user, "pk", None)


def can_write_follow_up(user: Any) -> bool:
    """GUNS's notes and actions on a round's findings: GUNS members and administrators."""
    return can_manage_guns(user)


def can_edit_follow_up_entry(user: Any, entry: FollowUpEntry) -> bool:
    return can_write_follow_up(user)


def can_edit_annual_report(user: Any) -> bool:
    """The introduction of the annual report to the parties: the chair and administrators."""
    return is_admin(user) or is_chair(user)
