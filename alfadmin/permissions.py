"""The roles, and the registry's permission predicates, used by its pages, API and admin.

Each app keeps its own predicates in its own `permissions.py` (evaluations.permissions,
allocations.permissions, ...), built on the role tests here. Each predicate takes the acting
user (possibly anonymous) and, where access depends on the object, the object. Object scoping
for lists lives in the selectors, which call these.
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


def can_manage_guns(user: Actor) -> bool:
    # Belongs in guns/permissions.py; stays here while guns/ is being rewritten (it imports it).
    return _role(user) in (Role.ADMIN, Role.GUNS)


def region_scope(user: Actor) -> int | None:
    """The one region a reporter is bound to; None means every region (or none if anonymous)."""
    return user.region_id if is_reporter(user) else None
