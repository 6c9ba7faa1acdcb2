"""Two editors interleave saves of a decision and a meeting through the pages and the API.

Whatever the interleaving: a save succeeds only when it is based on the version stored at that
moment (its editor has seen every committed value), else it is refused with 409 and changes
nothing; the stored value is always the last successful save; a frozen row (an adopted
decision; a meeting, its attendance and agenda and its decisions once its minutes are
approved) never changes, whichever path tries.
"""

import datetime

import pytest
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from rest_framework.test import APIClient

from alfadmin.models import User
from guns import services
from guns.models import Decision, GunsMember, Meeting, Minutes

EDITORS = ("admin", "guns")
RECORDS = ("decision", "meeting")
VIAS = ("page", "api")


def _row(record: str, pk: int):
    return (Decision if record == "decision" else Meeting).objects.get(pk=pk)


class TwoEditors(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.users = {name: User.objects.get(username=name) for name in EDITORS}
        self.pages, self.apis = {}, {}
        for name, user in self.users.items():
            self.pages[name] = Client()
            self.pages[name].force_login(user)
            self.apis[name] = APIClient()
            self.apis[name].force_authenticate(user)
        admin = self.users["admin"]
        present = GunsMember.objects.filter(is_active=True, role="member").order_by("side", "region__code")
        adjuster = GunsMember.objects.get(user__username="guns2", is_active=True)
        attendees = [m for m in present if m.side == "region"][:5] + [m for m in present if m.side == "university"][:3]
        attendees = [*[m for m in attendees if m.pk != adjuster.pk], adjuster]
        meeting = services.meeting_create(actor=admin, date=datetime.date(2025, 4, 1), title="M0", attendees=attendees)
        decision = services.decision_create(actor=admin, kind="other", title="D0", text="Text")
        decision = services.decision_transition(actor=admin, decision=decision, action="schedule", meeting=meeting)
        settled = services.decision_create(actor=admin, kind="other", title="Fast", text="Text")
        settled = services.decision_transition(actor=admin, decision=settled, action="schedule", meeting=meeting)
        settled = services.decision_transition(actor=admin, decision=settled, action="adopt", consensus=True)
        self.pks = {"decision": decision.pk, "meeting": meeting.pk}
        self.committed = {"decision": "D0", "meeting": "M0"}
        # Both editors start with both records open, as stored now.
        self.opened: dict[tuple[str, str], int] = {
            (editor, record): _row(record, pk).version for editor in EDITORS for record, pk in self.pks.items()
        }
        self.frozen = {(Decision, settled.pk): self._snapshot(Decision, settled.pk)}
        self.minutes_approved = False
        self.attendees = [str(m.pk) for m in attendees]
        self.counter = 0

    @staticmethod
    def _snapshot(model, pk: int) -> dict:
        row = model.objects.get(pk=pk)
        values = {f.attname: getattr(row, f.attname) for f in model._meta.concrete_fields}
        if model is Meeting:
            values["attendees"] = sorted(row.attendees.values_list("pk", flat=True))
            values["agenda"] = list(row.agenda.values_list("pk", "position", "title", "decision_id"))
        return values

    def _url(self, record: str, via: str) -> str:
        pk = self.pks[record]
        if via == "api":
            return f"/api/v1/guns/{record}s/{pk}/"
        return f"/guns/{record}s/{pk}/edit/"

    @rule(editor=st.sampled_from(EDITORS), record=st.sampled_from(RECORDS), via=st.sampled_from(VIAS))
    def open(self, editor: str, record: str, via: str) -> None:
        """The editor loads the record: what they are shown is the stored value and version."""
        if via == "api":
            body = self.apis[editor].get(self._url(record, via)).json()
            version, title = body["version"], body["title"]
        else:
            response = self.pages[editor].get(self._url(record, via))
            if response.status_code != 200:  # an adopted decision has no edit form
                assert (record, response.status_code) == ("decision", 409)
                return
            form = response.context["form"]
            version, title = form.initial["version"], form.initial["title"]
        assert title == self.committed[record]
        self.opened[(editor, record)] = version

    @rule(editor=st.sampled_from(EDITORS), record=st.sampled_from(RECORDS), via=st.sampled_from(VIAS))
    def save(self, editor: str, record: str, via: str) -> None:
        base = self.opened[(editor, record)]
        self.counter += 1
        title = f"{editor}-{via}-{self.counter}"
        stored = _row(record, self.pks[record])
        frozen = self.minutes_approved or (record == "decision" and stored.state == Decision.State.ADOPTED)
        if via == "api":
            response = self.apis[editor].patch(self._url(record, via), {"title": title, "version": base}, format="json")
            ok = 200
        else:
            data = {"title": title, "version": base}
            if record == "decision":
                data.update(kind="other", text="Text")
            else:
                data.update(date="2025-04-01", attendees=self.attendees)
            response = self.pages[editor].post(self._url(record, via), data)
            ok = 302
        if base == stored.version and not frozen:
            assert response.status_code == ok, response.content[:500]
            self.committed[record] = title
            if via == "api":
                self.opened[(editor, record)] = response.json()["version"]
            else:
                self.opened[(editor, record)] = _row(record, self.pks[record]).version
        else:
            assert response.status_code == 409

    @rule(via=st.sampled_from(VIAS))
    def adopt(self, via: str) -> None:
        decision = Decision.objects.get(pk=self.pks["decision"])
        if decision.state != Decision.State.ON_AGENDA:
            return
        if via == "api":
            response = self.apis["guns"].post(f"/api/v1/guns/decisions/{decision.pk}/adopt/", {"consensus": True}, format="json")
            ok = 200
        else:
            response = self.pages["guns"].post(f"/guns/decisions/{decision.pk}/adopt/", {"consensus": "on", "version": decision.version})
            ok = 302
        if self.minutes_approved:  # the minutes say it was not decided: so it stays
            assert response.status_code == 409
            return
        assert response.status_code == ok
        self.frozen[(Decision, decision.pk)] = self._snapshot(Decision, decision.pk)

    @rule()
    def approve_minutes(self) -> None:
        """The chair and the adjuster approve the meeting's minutes on the page: the meeting and
        its decisions are frozen from then on."""
        if self.minutes_approved:
            return
        meeting = Meeting.objects.get(pk=self.pks["meeting"])
        minutes = services.minutes_generate(actor=self.users["guns"], meeting=meeting)
        adjuster = GunsMember.objects.get(user__username="guns2", is_active=True)
        services.minutes_update(actor=self.users["guns"], minutes=minutes, changes={"adjuster": adjuster})
        url = f"/guns/meetings/{meeting.pk}/minutes/"
        assert self.pages["guns"].post(url, {"action": "approve"}).status_code == 302
        second = Client()
        second.force_login(User.objects.get(username="guns2"))
        assert second.post(url, {"action": "approve"}).status_code == 302
        assert Minutes.objects.get(meeting=meeting).state == Minutes.State.APPROVED
        self.minutes_approved = True
        self.frozen[(Meeting, meeting.pk)] = self._snapshot(Meeting, meeting.pk)
        self.frozen[(Decision, self.pks["decision"])] = self._snapshot(Decision, self.pks["decision"])

    @invariant()
    def nothing_lost(self) -> None:
        for record, pk in self.pks.items():
            assert _row(record, pk).title == self.committed[record]

    @invariant()
    def frozen_rows_never_change(self) -> None:
        for (model, pk), before in self.frozen.items():
            assert self._snapshot(model, pk) == before


@pytest.mark.usefixtures("registry_demo")
def test_two_editors_interleaving_lose_nothing():
    run_state_machine_as_test(
        TwoEditors,
        settings=settings(
            max_examples=15, stateful_step_count=15, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
        ),
    )
