"""Who may do what with the annual reports (pages, API and admin alike).

A reporter sees and edits only its own region's reports; administrators approve, return and
reopen (and manage forms and rules); GUNS members, VR and viewers read every report.

**Who may edit a report: this is the one place.** Editing a report's values and comments (on
its page, by uploading its workbook, or through the API) needs both:

- *who* — ``can_edit_report``: the region's own reporter, or an administrator;
- *when* — ``EDITABLE_STATES``: the report is a draft, or was returned for changes. A submitted
  report waits for an administrator's review; an approved one is frozen until reopened.

``may_edit_report_now`` asks both (a page shows the edit form only then). The services ask the
same two: the kernel's write path checks ``can_edit_report`` on every write
(``reporting.services._may_edit``) and ``refuse_unless_editable`` the locked row's state. Below
them, an approved report and its values are refused by the database as well
(``Report.frozen_reason`` and the triggers declared on ``reporting.models``, where Django reads
them). Submitting takes the same who and when (``can_submit_report``, ``may_submit_report_now``).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from alfadmin import permissions as base
from alfadmin.kernel.errors import LockedError

from .models import Report

EDITABLE_STATES = (Report.State.DRAFT, Report.State.RETURNED)


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
    """Whoever may write the report submits it."""
    return can_edit_report(user, report)


def refuse_unless_editable(report: Report) -> None:
    """``LockedError`` naming the state unless `report` is a draft or returned."""
    if report.state not in EDITABLE_STATES:
        raise LockedError(_("This report is %(state)s and cannot be edited.") % {"state": report.get_state_display()})


def may_edit_report_now(user: Any, report: Report) -> bool:
    """`user` may edit the report and it is in a state that takes edits."""
    return can_edit_report(user, report) and report.state in EDITABLE_STATES


def may_submit_report_now(user: Any, report: Report) -> bool:
    return can_submit_report(user, report) and report.state in EDITABLE_STATES


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
