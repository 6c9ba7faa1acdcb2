"""The registry's permission layer, tested as a full matrix of roles × predicates.

The apps' own predicates are tested beside them (evaluations/tests/test_permissions.py,
allocations/tests/test_permissions.py)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from alfadmin import permissions

ROLES = ["anonymous", "admin", "guns", "vr", "sth", "viewer"]

EXPECTED = {
    "is_signed_in": {"anonymous": False, "admin": True, "guns": True, "vr": True, "sth": True, "viewer": True},
    "can_view_registry": {"anonymous": False, "admin": True, "guns": True, "vr": True, "sth": True, "viewer": True},
    "can_edit_registry": {"anonymous": False, "admin": True, "guns": False, "vr": False, "sth": False, "viewer": False},
    "is_guns": {"anonymous": False, "admin": False, "guns": True, "vr": False, "sth": False, "viewer": False},
}


def _user(role_users, role):
    return AnonymousUser() if role == "anonymous" else role_users[role]


@pytest.mark.parametrize("predicate", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_role_predicates(role_users, predicate, role):
    assert getattr(permissions, predicate)(_user(role_users, role)) is EXPECTED[predicate][role]


@pytest.mark.parametrize("role", ROLES)
def test_only_a_reporter_is_scoped_to_a_region(role_users, role):
    from alfadmin.models import Region

    user = _user(role_users, role)
    expected = Region.objects.get(code="STH").pk if role == "sth" else None
    assert permissions.region_scope(user) == expected


def test_inactive_users_have_no_rights(role_users):
    admin = role_users["admin"]
    admin.is_active = False
    assert not permissions.is_signed_in(admin)
    assert not permissions.can_edit_registry(admin)
