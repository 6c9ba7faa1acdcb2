"""Who acts in a write: a person signed in, or ``SYSTEM`` for writes no person makes."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser


class SystemActor:
    """The actor of writes no person makes: demo data, management commands, recomputes."""

    is_authenticated = False
    pk = None

    def __repr__(self) -> str:
        return "SYSTEM"

    def __bool__(self) -> bool:
        # History and "changed by" treat the system like no user.
        return False


SYSTEM = SystemActor()

Actor = AbstractBaseUser | SystemActor
"""What every service's ``actor`` is: the kernel knows users only as Django's base user; an app
that reads its own user's fields (role, region) checks them in its predicates."""
