"""The request seen by pages behind a login (`alfadmin.kernel.views.require`)."""

from django.http import HttpRequest

from .models import User


class AuthenticatedHttpRequest(HttpRequest):
    """An HttpRequest whose user is signed in: for annotating views behind `require(...)`,
    which passes `request.user` on to services as the acting User. Never instantiated."""

    user: User
