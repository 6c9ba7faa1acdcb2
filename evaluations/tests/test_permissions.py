"""The evaluations' permission predicates, as a full matrix of roles × predicates."""

import pytest
from django.contrib.auth.models import AnonymousUser

from alfadmin.models import Region
from evaluations import permissions

ROLES = ["anonymous", "admin", "guns", "vr", "sth", "viewer"]

EXPECTED = {
    "can_view_evaluations": {"anonymous": False, "admin": True, "guns": True, "vr": True, "sth": True, "viewer": True},
    "can_edit_evaluations": {"anonymous": False, "admin": True, "guns": False, "vr": True, "sth": False, "viewer": False},
    "can_reopen_evaluation": {"anonymous": False, "admin": True, "guns": False, "vr": False, "sth": False, "viewer": False},
}


def _user(role_users, role):
    return AnonymousUser() if role == "anonymous" else role_users[role]


@pytest.mark.parametrize("predicate", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_role_predicates(role_users, predicate, role):
    assert getattr(permissions, predicate)(_user(role_users, role)) is EXPECTED[predicate][role]


@pytest.mark.parametrize("role", ROLES)
def test_a_reporter_also_sees_its_own_regions_drafts(role_users, role):
    expected = Region.objects.get(code="STH").pk if role == "sth" else None
    assert permissions.own_region(_user(role_users, role)) == expected


def test_inactive_users_have_no_rights(role_users):
    vr = role_users["vr"]
    vr.is_active = False
    assert not permissions.can_view_evaluations(vr)
    assert not permissions.can_edit_evaluations(vr)
