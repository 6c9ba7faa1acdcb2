"""Who may edit a report (reporting/permissions.py): the region's own reporter or an
administrator, and only while the report is a draft or returned."""

import pytest

from alfadmin.kernel.errors import LockedError
from reporting import permissions, services
from reporting.models import Report

from .conftest import fill

pytestmark = pytest.mark.django_db


def test_only_the_regions_reporter_and_administrators_may_edit(people, sth_report):
    may = {name: permissions.can_edit_report(user, sth_report) for name, user in people.items()}
    assert may == {"admin": True, "guns": False, "vr": False, "viewer": False, "sth": True, "ore": False}
    assert {name: permissions.can_submit_report(user, sth_report) for name, user in people.items()} == may


def test_a_report_takes_edits_only_as_a_draft_or_returned(people, sth_report):
    assert permissions.may_edit_report_now(people["sth"], sth_report)
    submitted = services.report_submit(report=fill(sth_report, people["sth"]), actor=people["sth"])
    assert submitted.state == Report.State.SUBMITTED
    assert not permissions.may_edit_report_now(people["sth"], submitted)
    assert not permissions.may_submit_report_now(people["admin"], submitted)
    with pytest.raises(LockedError):
        permissions.refuse_unless_editable(submitted)
    returned = services.report_return(report=submitted, actor=people["admin"], comment="Lokalerna saknas")
    assert returned.state == Report.State.RETURNED
    assert permissions.may_edit_report_now(people["sth"], returned)
    assert not permissions.may_edit_report_now(people["ore"], returned)
