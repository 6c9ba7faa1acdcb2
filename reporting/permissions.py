"""Who may do what with the annual reports (pages, API and admin alike).

A reporter sees and edits only its own region's reports; administrators approve, return and
reopen (and manage forms and rules); GUNS members, VR and viewers read every report.
"""

from __future__ import annotations

from typing import Any

from alfadmin import permissions as base

from .models import Report


def can_view_reports(user: Any) -> bool:
    return base.is_signed_in(user)


def can_view_report(user: Any, report: Report) -> bool:
    """A reporter sees only its own region's reports; every other signed-in role sees all."""
    if base.is_reporter(user):
        return user.region_id == report.region_id
    return base.is_signed_in(user)


def can_edit_report(user: Any, report: Report) -> bool:
    """Only the region's own reporter (or an administrator) writes its reports."""
    return base.is_admin(user) or (base.is_reporter(user) and user.region_id == report.region_id)


def can_submit_report(user: Any, report: Report) -> bool:
    return base.is_reporter(user) and user.region_id == report.region_id or base.is_admin(user)


def can_review_report(user: Any, report: Report | None = None) -> bool:
    """Approve, return and reopen: the administrators."""
    return base.is_admin(user)


def can_manage_rules(user: Any) -> bool:
    return base.is_admin(user)


def can_view_comparison(user: Any) -> bool:
    return base.is_signed_in(user)


def can_manage_forms(user: Any) -> bool:
    """Open a year, edit its form (fields, deadline) and see the reminders sent: administrators."""
    return base.is_admin(user)
