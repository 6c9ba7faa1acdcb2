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
