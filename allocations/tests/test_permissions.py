"""The allocations' permission predicates, as a full matrix of roles × predicates."""

import pytest
from django.contrib.auth.models import AnonymousUser

from allocations import permissions

ROLES = ["anonymous", "admin", "guns", "vr", "sth", "viewer"]
SIGNED_IN = {"anonymous": False, "admin": True, "guns": True, "vr": True, "sth": True, "viewer": True}

EXPECTED = {
    "can_view_allocations": SIGNED_IN,
    "can_compute_scenarios": SIGNED_IN,
    "can_publish": {"anonymous": False, "admin": True, "guns": False, "vr": False, "sth": False, "viewer": False},
}


def _user(role_users, role):
    return AnonymousUser() if role == "anonymous" else role_users[role]


@pytest.mark.parametrize("predicate", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_role_predicates(role_users, predicate, role):
    assert getattr(permissions, predicate)(_user(role_users, role)) is EXPECTED[predicate][role]
