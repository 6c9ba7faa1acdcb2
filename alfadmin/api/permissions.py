"""DRF adapters over the one permission layer (alfadmin.permissions)."""

from collections.abc import Callable

from rest_framework import permissions as drf

from alfadmin import permissions


def predicate_permission(*, read: Callable, write: Callable) -> type[drf.BasePermission]:
    """A DRF permission class: `read(user)` for safe methods, `write(user)` for the rest."""

    class PredicatePermission(drf.BasePermission):
        def has_permission(self, request, view) -> bool:
            check = read if request.method in drf.SAFE_METHODS else write
            return bool(check(request.user))

    return PredicatePermission


RegistryPermission = predicate_permission(read=permissions.can_view_registry, write=permissions.can_edit_registry)
