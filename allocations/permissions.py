"""Who may do what with allocations: predicates over the roles of alfadmin.permissions, used
by the pages, the API and the services alike."""

from __future__ import annotations

from alfadmin import permissions as core


def can_view_allocations(user) -> bool:
    """Allocations are public money: every signed-in user reads every region's figures."""
    return core.is_signed_in(user)


def can_compute_scenarios(user) -> bool:
    """The engine on a scenario of one's own (no stored data involved)."""
    return core.is_signed_in(user)


def can_analyse_allocations(user) -> bool:
    """Projections, diffs, reruns and rating risk read stored data and store nothing."""
    return can_view_allocations(user)


def can_publish(user) -> bool:
    """Publishing a year's allocation (and confirming or reopening one) is for administrators."""
    return core.is_admin(user)


def can_confirm(user, publication) -> bool:
    """A second administrator confirms a publication someone else requested."""
    return (
        can_publish(user)
        and publication is not None
        and publication.is_awaiting
        and publication.requested_by_id != user.pk
    )


def can_reopen(user, publication) -> bool:
    return can_publish(user) and publication is not None and publication.is_published


def can_save_scenarios(user) -> bool:
    """Every signed-in user may save what-if scenarios of their own."""
    return core.is_signed_in(user)


def can_view_saved_scenario(user, saved_scenario=None) -> bool:
    """A saved scenario is shared by its link: every signed-in user reads every one."""
    return core.is_signed_in(user)


def can_edit_saved_scenario(user, saved_scenario) -> bool:
    """Only the owner changes a saved scenario."""
    return core.is_signed_in(user) and saved_scenario is not None and saved_scenario.owner_id == user.pk


def can_delete_saved_scenario(user, saved_scenario) -> bool:
    """The owner, or an administrator tidying up."""
    return can_edit_saved_scenario(user, saved_scenario) or (saved_scenario is not None and core.is_admin(user))
