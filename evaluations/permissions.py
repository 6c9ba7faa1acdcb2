"""Who may do what with evaluation rounds: predicates used by the pages, the API, the admin
and the services alike (built on the roles of alfadmin.permissions).

Which rows a user sees (drafts, a reporter's own region) is scoped in `selectors`, which call
these predicates.
"""

from __future__ import annotations

from typing import Any

from alfadmin import permissions as core


def can_view_evaluations(user: Any) -> bool:
    """Finalized (published) results are open to every signed-in user."""
    return core.is_signed_in(user)


def can_edit_evaluations(user: Any) -> bool:
    """Vetenskapsrådet's staff and administrators enter rounds, ratings, findings and bibliometrics."""
    return core.is_admin(user) or core.is_vr(user)


def can_reopen_evaluation(user: Any) -> bool:
    """Reopening a finalized round (with a reason) is an administrator's decision."""
    return core.is_admin(user)


def own_region(user: Any) -> int | None:
    """The one region whose draft ratings and findings a reporter also sees; None otherwise."""
    return core.region_scope(user)
