"""The request seen by pages behind a login (`alfadmin.kernel.views.require`)."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from .models import User


class AuthenticatedHttpRequest(HttpRequest):
    """An HttpRequest whose user is signed in: for annotating views behind `require(...)`,
    which passes `request.user` on to services as the acting User. Never instantiated."""

    user: User


def acting_user(user: object) -> User:
    """``request.user`` as the acting User, for code behind a permission that admits only
    signed-in users (the API's write permissions); anyone else is refused, never passed on."""
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied
    return user
