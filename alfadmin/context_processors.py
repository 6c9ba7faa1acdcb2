"""What every page may show: the main navigation, marked with the section the current page
belongs to, and the budget years the registry accepts (for year inputs' bounds)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import permissions
from .validation import FIRST_YEAR, LAST_YEAR

SECTIONS = (
    ("overview", _("Overview"), "overview"),
    ("allocations", _("Allocation"), "allocations:overview"),
    ("evaluations", _("Evaluations"), "evaluations:index"),
    ("guns", _("GUNS"), "guns:index"),
    ("reporting", _("Reporting"), "reporting:index"),
    ("data", _("Data"), "data"),
)


def navigation(request):
    if not permissions.is_signed_in(request.user):
        return {"nav_sections": []}
    current = getattr(request, "nav_section", None)
    if current is None and request.resolver_match is not None:
        current = getattr(request.resolver_match.func, "nav_section", None) or getattr(
            getattr(request.resolver_match.func, "view_class", None), "nav_section", None
        )
    return {
        "nav_sections": [
            {"key": key, "label": label, "url": reverse(url_name), "current": key == current} for key, label, url_name in SECTIONS
        ]
    }


def year_bounds(request):
    return {"first_year": FIRST_YEAR, "last_year": LAST_YEAR}
