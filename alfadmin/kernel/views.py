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
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from .errors import ConcurrentEditError, LockedError


def section(name: str) -> Callable:
    """Marks the navigation section a view belongs to."""

    def mark(view: Callable) -> Callable:
        view.nav_section = name  # type: ignore[attr-defined]  # a function attribute the navigation reads
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
    """The shared POST flow: parse, call the service, show field errors or the conflict page.

    A refused save re-renders the form with the user's input kept: 400 for invalid input, 409
    for a locked record or a stale version. A stale version shows, per field, the user's value,
    the stored one and who stored it when, with a choice (keep mine / take theirs); the form
    keeps the version it was based on, so saving again without choosing is refused again.
    """
    if request.method == "POST" and form.is_valid():
        apply_conflict_choices(request, form)
        try:
            save(form)
        except ValidationError as error:
            add_service_errors(form, error)
        except ConcurrentEditError as error:
            messages.error(request, _("Someone else saved this record after you opened it. Nothing of yours was saved: choose below."))
            return render(request, template, {**context, "form": form, "conflict": conflict_rows(form, error)}, status=409)
        except LockedError as error:
            messages.error(request, str(error))
            return render(request, template, {**context, "form": form}, status=409)
        else:
            messages.success(request, _("Saved."))
            return redirect(success_url)
    status = 400 if request.method == "POST" else 200
    return render(request, template, {**context, "form": form}, status=status)


MINE, THEIRS = "mine", "theirs"


def conflict_rows(form: Any, error: ConcurrentEditError, *, shown_input: Callable[[Any, str], str] | None = None) -> dict[str, Any]:
    """What the conflict page shows: per changed field, yours, theirs, who and when.

    A field the user left as it was (their value is the value they loaded) is preselected
    "take theirs": only fields both people changed need a choice. A change outside the form
    (a state) is shown without a choice. `shown_input(form, name)` renders the user's value as
    the stored ones are shown (a grid's yes/no findings), when the form's own text does not.
    """
    rows = []
    for name, change in error.changed.items():
        in_form = name in form.fields
        yours = (shown_input or _shown_input)(form, name) if in_form else ""
        rows.append(
            {
                "name": name,
                "label": change.get("label") or (form.fields[name].label if in_form else name),
                "then": change.get("old", ""),
                "yours": yours,
                "theirs": change.get("new", ""),
                "by": change.get("by", ""),
                "at": parse_datetime(change["at"]) if change.get("at") else None,
                "choosable": in_form,
                "choice": THEIRS if in_form and yours == change.get("old", "") else "",
                # Both changed it, to different values: only these need the user's choice.
                "conflicting": in_form and yours not in (change.get("old", ""), change.get("new", "")),
            }
        )
    return {"rows": rows, "version": error.current_version}


def _shown_input(form: Any, name: str) -> str:
    value = form.cleaned_data.get(name, form.data.get(name, "")) if hasattr(form, "cleaned_data") else form.data.get(name, "")
    if hasattr(value, "all"):
        value = list(value.all())
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def apply_conflict_choices(request: HttpRequest, form: Any) -> None:
    """After a conflict: the user's per-field choices, then the save is based on the stored version.

    Only when every field of the conflict has a choice does the form move to the version the
    conflict page showed (``conflict_version``); otherwise it keeps its old version and the
    service refuses it again, showing the conflict anew. "Take theirs" puts the stored value
    into the form's data, "keep mine" keeps the user's.
    """
    version = request.POST.get("conflict_version", "")
    names = request.POST.getlist("conflict_fields")
    if not version.isdigit() or not names:
        return
    choices = {name: request.POST.get(f"resolve_{name}", "") for name in names}
    if any(choice not in (MINE, THEIRS) for choice in choices.values()):
        return
    instance = getattr(form, "instance", None)
    theirs = [name for name, choice in choices.items() if choice == THEIRS and name in form.cleaned_data]
    if theirs and instance is not None and instance.pk is not None:
        stored = type(instance)._default_manager.get(pk=instance.pk)
        for name in theirs:
            value = getattr(stored, name)
            form.cleaned_data[name] = list(value.all()) if hasattr(value, "all") else value
    form.cleaned_data["version"] = int(version)


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
