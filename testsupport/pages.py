"""What the tests expect of pages."""

from __future__ import annotations

from urllib.parse import quote

# The login page's address (settings.LOGIN_URL names the route; its path is part of the contract).
LOGIN_PATH = "/login/"


def login_redirect(path: str) -> str:
    """Where a page sends a visitor who is not signed in: the login page, coming back to ``path``
    (Django's redirect_to_login quotes everything in ``next`` but slashes)."""
    return f"{LOGIN_PATH}?next={quote(path, safe='/')}"
