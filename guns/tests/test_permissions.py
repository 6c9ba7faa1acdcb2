"""GUNS's own predicates (guns/permissions.py), as a full matrix of roles; built on the
registry's role tests, with can_manage_guns now living here rather than in alfadmin."""

import pytest
from django.contrib.auth.models import AnonymousUser

from alfadmin import permissions as registry_permissions
from guns import permissions

ROLES = ["anonymous", "admin", "guns", "guns2", "vr", "sth", "viewer"]
EVERYONE_SIGNED_IN = {r: r != "anonymous" for r in ROLES}
ADMIN_AND_GUNS = {r: r in ("admin", "guns", "guns2") for r in ROLES}

EXPECTED = {
    "is_guns_member": {r: r in ("guns", "guns2") for r in ROLES},
    "can_manage_guns": ADMIN_AND_GUNS,
    "can_view_guns": EVERYONE_SIGNED_IN,
    "can_write_follow_up": ADMIN_AND_GUNS,
    "can_edit_annual_report": {r: r in ("admin", "guns") for r in ROLES},  # guns chairs in the demo
    "can_manage_members": {r: r == "admin" for r in ROLES},
}


@pytest.mark.parametrize("predicate", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_guns_predicates(role_users, predicate, role):
    user = AnonymousUser() if role == "anonymous" else role_users[role]
    assert getattr(permissions, predicate)(user) is EXPECTED[predicate][role]


def test_the_registry_no_longer_holds_guns_predicates():
    assert not hasattr(registry_permissions, "can_manage_guns")
