"""The permission layer, tested as a full matrix of roles × predicates."""

import pytest
from django.contrib.auth.models import AnonymousUser

from alfadmin import permissions

ROLES = ["anonymous", "admin", "guns", "vr", "sth", "viewer"]

EXPECTED = {
    "is_signed_in": {"anonymous": False, "admin": True, "guns": True, "vr": True, "sth": True, "viewer": True},
    "can_view_registry": {"anonymous": False, "admin": True, "guns": True, "vr": True, "sth": True, "viewer": True},
    "can_edit_registry": {"anonymous": False, "admin": True, "guns": False, "vr": False, "sth": False, "viewer": False},
    "can_edit_evaluations": {"anonymous": False, "admin": True, "guns": False, "vr": True, "sth": False, "viewer": False},
    "can_reopen_evaluation": {"anonymous": False, "admin": True, "guns": False, "vr": False, "sth": False, "viewer": False},
    "can_manage_guns": {"anonymous": False, "admin": True, "guns": True, "vr": False, "sth": False, "viewer": False},
    "can_publish_allocations": {"anonymous": False, "admin": True, "guns": False, "vr": False, "sth": False, "viewer": False},
}


def _user(role_users, role):
    return AnonymousUser() if role == "anonymous" else role_users[role]


@pytest.mark.parametrize("predicate", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_role_predicates(role_users, predicate, role):
    assert getattr(permissions, predicate)(_user(role_users, role)) is EXPECTED[predicate][role]


@pytest.mark.parametrize("role", ROLES)
def test_region_data_is_scoped_to_the_reporters_region(role_users, role):
    from alfadmin.models import Region

    sth, ore = Region.objects.get(code="STH"), Region.objects.get(code="ORE")
    user = _user(role_users, role)
    can_see = {"anonymous": (False, False), "sth": (True, False)}.get(role, (True, True))
    assert (permissions.can_view_region_data(user, sth.pk), permissions.can_view_region_data(user, ore.pk)) == can_see
    can_edit = {"admin": (True, True), "sth": (True, False)}.get(role, (False, False))
    assert (permissions.can_edit_region_report(user, sth.pk), permissions.can_edit_region_report(user, ore.pk)) == can_edit


def test_inactive_users_have_no_rights(role_users):
    admin = role_users["admin"]
    admin.is_active = False
    assert not permissions.is_signed_in(admin)
    assert not permissions.can_edit_registry(admin)
