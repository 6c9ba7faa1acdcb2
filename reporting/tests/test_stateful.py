"""Two editors (the region's reporter and an administrator) interleave saves of one report through
the page, the API and an XLSX upload, while the report is approved and reopened.

Invariants after every step: no committed value is overwritten by an editor who was not shown it
(the value they replaced is the value they last saw: on the page, in a 409's conflict table, in
the API's 409, or on reloading), and an approved report's values never change.
"""

from __future__ import annotations

import itertools
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test
from openpyxl import load_workbook
from rest_framework.test import APIClient

from alfadmin.models import Role
from reporting import permissions, services, xlsx
from reporting.models import Report, ReportValue

from .conftest import GOOD
from .factories import RegionFactory, UserFactory

pytestmark = pytest.mark.django_db

# Fields whose edits keep the report valid, so it can always be submitted and approved.
EDITED = {
    "doctoral_degrees": st.integers(min_value=0, max_value=500).map(str),
    "education_own_funding": st.integers(min_value=0, max_value=10**9).map(lambda n: f"{n:,}".replace(",", " ")),
    "research_own_funding": st.integers(min_value=0, max_value=10**6).map(str),
    "use_narrative": st.sampled_from(["Enligt avtalet.", "Som planerat.", ""]),
}
EDITORS = ("reporter", "admin")
REGION_CODES = (f"H{n}" for n in itertools.count())


def stored(report: Report) -> dict[str, str]:
    return {v.code: v.value for v in ReportValue.objects.filter(report=report)}


class Editor:
    """What one person's open page (and workbook) holds: the version and the values they saw."""

    def __init__(self, user, report: Report):
        self.user = user
        self.page = Client()
        self.page.force_login(user)
        self.api = APIClient()
        self.api.force_authenticate(user)
        self.reload(report)

    def reload(self, report: Report) -> None:
        report.refresh_from_db()
        self.version = report.version
        self.seen = stored(report)
        self.conflict: dict | None = None
        self.workbook = xlsx.report_workbook(report)
        self.workbook_version = report.version
        self.inputs = page_inputs(self.page.get(reverse("reporting:report", args=[report.pk])))


def page_inputs(response) -> dict[str, str]:
    """The value inputs of a rendered report page, as the browser posts them back."""
    return {
        f"value-{row['field'].code}": row["value"]
        for _section, rows in response.context["sections"]
        for row in rows
        if row["field"].editable
    }


class TwoEditors(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        region = RegionFactory(code=next(REGION_CODES))
        admin = UserFactory(username=f"admin-{region.code}", role=Role.ADMIN)
        reporter = UserFactory(username=f"rep-{region.code}", role=Role.REPORTER, region=region)
        report = services.report_open(region=region, year=2024, actor=admin)
        for code, columns in (
            ("education_received", {"amount": 1000}),
            ("research_received", {"amount": 2000}),
            ("planned_hst", {"number": 100}),
        ):
            ReportValue.objects.update_or_create(report=report, code=code, defaults=columns)
        self.report = services.report_update(report=report, values=GOOD, expected_version=report.version, actor=admin)
        self.editors = {"reporter": Editor(reporter, self.report), "admin": Editor(admin, self.report)}
        self.approved_values: dict[str, str] | None = None

    # --- the saves -----------------------------------------------------------------------

    def _committed(self, editor: Editor, before: dict[str, str]) -> None:
        """After a successful save: every value it replaced is one the editor had seen."""
        after = stored(self.report)
        computed = {f.code for f in self.report.definition.fields.all() if f.source == "computed"}
        for code in set(before) | set(after):
            if code in computed or before.get(code, "") == after.get(code, ""):
                continue
            assert before.get(code, "") == editor.seen.get(code, ""), f"{code} overwritten unseen"
        editor.reload(self.report)

    @rule(who=st.sampled_from(EDITORS), code=st.sampled_from(sorted(EDITED)), data=st.data())
    def save_page(self, who: str, code: str, data) -> None:
        editor = self.editors[who]
        value = data.draw(EDITED[code])
        form = {"version": editor.version, "action": "save", **editor.inputs, f"value-{code}": value}
        if editor.conflict:
            form.update(
                conflict_version=editor.conflict["version"],
                conflict_fields=[r["name"] for r in editor.conflict["rows"] if r["choosable"]],
                **{f"resolve_{r['name']}": "mine" for r in editor.conflict["rows"] if r["choosable"]},
            )
        before = stored(self.report)
        response = editor.page.post(reverse("reporting:report", args=[self.report.pk]), form)
        if response.status_code == 302:
            self._committed(editor, before)
            return
        assert response.status_code == 409
        assert stored(self.report) == before
        conflict = response.context.get("conflict")
        if conflict is None:
            # Refused without a conflict: the report is not editable now (approved or submitted).
            assert Report.objects.get(pk=self.report.pk).state not in permissions.EDITABLE_STATES
            editor.reload(self.report)
            return
        # The page keeps the input and the version it posts back; the conflict table showed
        # each stored value, so the editor has now seen them.
        editor.inputs = page_inputs(response)
        editor.version = response.context["form_version"]
        for row in conflict["rows"]:
            editor.seen[row["name"]] = row["theirs"]
        editor.conflict = conflict

    @rule(who=st.sampled_from(EDITORS), code=st.sampled_from(sorted(EDITED)), data=st.data())
    def save_api(self, who: str, code: str, data) -> None:
        editor = self.editors[who]
        value = data.draw(EDITED[code])
        before = stored(self.report)
        response = editor.api.patch(
            f"/api/v1/reports/{self.report.pk}/", {"values": {code: value}, "version": editor.version}, format="json"
        )
        if response.status_code == 200:
            self._committed(editor, before)
            return
        assert response.status_code == 409
        assert stored(self.report) == before
        body = response.json()
        if "changed" in body:
            for name, change in body["changed"].items():
                editor.seen[name] = change["new"]
            editor.version = body["current_version"]
        else:
            editor.reload(self.report)

    @rule(who=st.sampled_from(EDITORS), code=st.sampled_from(sorted(EDITED)), data=st.data())
    def save_workbook(self, who: str, code: str, data) -> None:
        editor = self.editors[who]
        value = data.draw(EDITED[code])
        book = load_workbook(BytesIO(editor.workbook))
        for row in book.active.iter_rows(min_row=2):
            if row[0].value == code:
                row[2].value = value
        out = BytesIO()
        book.save(out)
        out.seek(0)
        out.name = "report.xlsx"
        url = reverse("reporting:upload", args=[self.report.pk])
        before = stored(self.report)
        preview = editor.page.post(url, {"file": out})
        if preview.status_code != 200:
            # Refused at preview, nothing read: a stale workbook is a 400 naming what changed since;
            # a current one is refused only because the report is no longer editable (409).
            current = Report.objects.get(pk=self.report.pk)
            if editor.workbook_version != current.version:
                assert preview.status_code == 400
            else:
                assert (preview.status_code, current.state in permissions.EDITABLE_STATES) == (409, False)
            assert stored(self.report) == before
            editor.reload(self.report)
            return
        applied = editor.page.post(url, {"confirm": "1", "preview": preview.context["token"]})
        if applied.status_code == 302:
            self._committed(editor, before)
            return
        assert applied.status_code == 409
        assert stored(self.report) == before
        editor.reload(self.report)

    # --- the workflow ------------------------------------------------------------------

    @precondition(lambda self: self.approved_values is None)
    @rule()
    def approve(self) -> None:
        report = Report.objects.get(pk=self.report.pk)
        report = services.report_submit(report=report, actor=self.editors["reporter"].user)
        services.report_approve(report=report, actor=self.editors["admin"].user)
        self.approved_values = stored(self.report)

    @precondition(lambda self: self.approved_values is not None)
    @rule()
    def reopen(self) -> None:
        services.report_reopen(report=Report.objects.get(pk=self.report.pk), actor=self.editors["admin"].user, reason="Rättelse")
        self.approved_values = None

    @invariant()
    def approved_values_never_change(self) -> None:
        if self.approved_values is not None:
            assert Report.objects.get(pk=self.report.pk).state == Report.State.APPROVED
            assert stored(self.report) == self.approved_values


def test_two_editors_lose_nothing_and_approved_values_stay(people):
    run_state_machine_as_test(
        TwoEditors,
        settings=settings(
            max_examples=6,
            stateful_step_count=10,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
