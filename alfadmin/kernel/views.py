"""The page toolkit every app's views use: access, navigation and the edit flow."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .errors import ConcurrentEditError, LockedError


def section(name: str) -> Callable:
    """Marks the navigation section a view belongs to."""

    def mark(view: Callable) -> Callable:
        view.nav_section = name  # type: ignore[attr-defined]
        return view

    return mark


def require(predicate: Callable[[Any], bool]) -> Callable:
    """Signed in and allowed by a permission predicate, else 403 (anonymous: to the login page)."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def edit_flow(
    request: HttpRequest, *, form: Any, save: Callable[[Any], object], template: str, context: dict[str, Any], success_url: str
) -> HttpResponse:
    """The shared POST flow: parse, call the service, show field errors or a 409 message.

    A refused save re-renders the form with the user's input kept: 400 for invalid input, 409
    for a stale version or a locked record.
    """
    if request.method == "POST" and form.is_valid():
        try:
            save(form)
        except ValidationError as error:
            add_service_errors(form, error)
        except (ConcurrentEditError, LockedError) as error:
            messages.error(request, str(error))
            return render(request, template, {**context, "form": form}, status=409)
        else:
            messages.success(request, _("Saved."))
            return redirect(success_url)
    status = 400 if request.method == "POST" else 200
    return render(request, template, {**context, "form": form}, status=status)


def add_service_errors(form: Any, error: ValidationError) -> None:
    """Show a service's errors at the fields they name; those the form lacks, above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def form_version(form: Any) -> int | None:
    """The version the user's form was based on (hidden field `version`)."""
    return form.cleaned_data.get("version")
