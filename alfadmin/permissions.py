"""The one permission layer: predicates used by pages, the API and the admin alike.

Each predicate takes the acting user (possibly anonymous) and, where access depends on the
object, the object. Object scoping for lists lives in the selectors, which call these.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeGuard

from .models import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import User

    # None: no user at all (a command or task); every predicate refuses it.
    Actor = User | AnonymousUser | None


def _role(user: Any) -> str | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return Role.ADMIN
    return user.role


def is_signed_in(user: Actor) -> bool:
    return _role(user) is not None


def is_admin(user: Actor) -> bool:
    return _role(user) == Role.ADMIN


def is_vr(user: Actor) -> bool:
    return _role(user) == Role.VR


def is_guns_member(user: Actor) -> bool:
    return _role(user) == Role.GUNS


def is_reporter(user: Actor) -> TypeGuard[User]:
    return _role(user) == Role.REPORTER


def can_view_registry(user: Actor) -> bool:
    """Regions, years, appropriations and students are open to every signed-in user."""
    return is_signed_in(user)


def can_edit_registry(user: Actor) -> bool:
    """Appropriations, shares, students, PLO and parameters are the ministry's."""
    return is_admin(user)


def can_edit_evaluations(user: Actor) -> bool:
    return _role(user) in (Role.ADMIN, Role.VR)


def can_reopen_evaluation(user: Actor) -> bool:
    return is_admin(user)


def can_manage_guns(user: Actor) -> bool:
    return _role(user) in (Role.ADMIN, Role.GUNS)


def can_publish_allocations(user: Actor) -> bool:
    return is_admin(user)


def region_scope(user: Actor) -> int | None:
    """The one region a reporter is bound to; None means every region (or none if anonymous)."""
    return user.region_id if is_reporter(user) else None


def can_view_region_data(user: Actor, region_id: int) -> bool:
    """Region-owned records (reports): a reporter sees only its own region; other roles all."""
    if not is_signed_in(user):
        return False
    if is_reporter(user):
        return user.region_id == region_id
    return True


def can_edit_region_report(user: Actor, region_id: int) -> bool:
    """Only the region's own reporter (or an administrator) writes its reports."""
    if is_admin(user):
        return True
    return is_reporter(user) and user.region_id == region_id
