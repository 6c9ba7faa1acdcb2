"""Two VR editors interleave saves of one Ds 2024 round's ratings through the grid page and the
API, and one of them may finalize it. Invariants after every step:

- a committed rating is never replaced unless the editor whose save replaced it had been shown
  it (loaded it, or was shown it on a conflict page or in an API 409);
- a refused save (409) changes nothing;
- once finalized, the round's ratings never change.
"""

from __future__ import annotations

from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test
from rest_framework.test import APIClient

from alfadmin.models import Role
from alfadmin.tests.factories import AgreementPeriodFactory, RegionFactory
from evaluations import services
from evaluations.models import EvaluationRound, PanelRating

from .factories import all_yes, basis, make_round, rate_all

CODES = ["AAA", "BBB"]
CELLS = [("AAA", 1), ("BBB", 1)]
VALUES = ["good_high", "very_high", "inadequate"]
FINDINGS = ("development_areas", "realistic_plans", "previous_acted_on")


def _stored() -> dict[tuple[str, int], str]:
    return {(r.region.code, r.panel): r.rating for r in PanelRating.objects.select_related("region")}


class Editor:
    def __init__(self, user):
        self.user = user
        self.page = Client()
        self.page.force_login(user)
        self.api = APIClient()
        self.api.force_authenticate(user)
        self.seen: dict[tuple[str, int], set[str]] = {}
        self.grid: dict[str, object] = {}
        self.versions: dict[tuple[str, int], tuple[int, int, str]] = {}  # cell → (rating pk, version, value then)
        self.conflict: dict | None = None

    def show(self, cell, value):
        self.seen.setdefault(cell, set()).add(value)

    def load_grid(self, evaluation_round):
        self.conflict = None
        data: dict[str, object] = {"version": EvaluationRound.objects.get(pk=evaluation_round.pk).version, "reason": "stateful test"}
        for rating in PanelRating.objects.filter(evaluation_round=evaluation_round).select_related("region"):
            data[f"rating-{rating.region.code}-{rating.panel}"] = rating.rating
            data[f"justification-{rating.region.code}-{rating.panel}"] = rating.justification
            self.show((rating.region.code, rating.panel), rating.rating)
        for code in CODES:
            for finding in FINDINGS:
                data[f"{finding}-{code}"] = "yes"
                data[f"{finding}_comment-{code}"] = ""
        self.grid = data

    def load_rating(self, cell):
        rating = PanelRating.objects.get(region__code=cell[0], panel=cell[1])
        self.versions[cell] = (rating.pk, rating.version, rating.rating)
        self.show(cell, rating.rating)


class TwoEditors(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        from django.contrib.auth import get_user_model

        AgreementPeriodFactory()
        for code in CODES:
            RegionFactory(code=code)
        users = [
            get_user_model().objects.create_user(username=f"editor-{n}", password="pw-for-tests-1", role=Role.VR) for n in (1, 2)
        ]
        self.round = make_round(name="stateful", applies_from=2031, applies_to=2032, model="ds2024", actor=users[0])
        rate_all(self.round, CODES, very_high={1: [], 2: CODES, 3: []}, actor=users[0], findings=all_yes(CODES))
        basis(self.round)
        self.editors = [Editor(u) for u in users]
        for editor in self.editors:
            editor.load_grid(self.round)
            for cell in CELLS:
                editor.load_rating(cell)
        self.finalized_ratings: dict | None = None

    def teardown(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    def _check_overwrites(self, editor, before, after):
        for cell, old in before.items():
            if after.get(cell) != old:
                assert old in editor.seen.get(cell, set()), f"{editor.user} replaced {cell}={old} without having been shown it"

    @rule(who=st.sampled_from([0, 1]))
    def reload_grid(self, who):
        self.editors[who].load_grid(self.round)

    @rule(who=st.sampled_from([0, 1]), cell=st.sampled_from(CELLS), value=st.sampled_from(VALUES))
    def save_grid(self, who, cell, value):
        editor = self.editors[who]
        data = {**editor.grid, f"rating-{cell[0]}-{cell[1]}": value}
        if editor.conflict is not None:
            data.update(editor.conflict)
        before = _stored()
        response = editor.page.post(f"/evaluations/rounds/{self.round.pk}/grid/", data)
        after = _stored()
        if self.finalized_ratings is not None:
            assert response.status_code == 302 and after == before
            return
        if response.status_code == 302:
            self._check_overwrites(editor, before, after)
            editor.load_grid(self.round)
            return
        assert response.status_code == 409, response.status_code
        assert after == before
        rows = response.context["conflict"]["rows"]
        for row in rows:
            if row["name"].startswith("rating-"):
                _, code, panel = row["name"].split("-")
                editor.show((code, int(panel)), after[(code, int(panel))])
        # The editor keeps their values where both changed, and takes the rest as stored.
        editor.grid = data
        editor.conflict = {
            "conflict_version": response.context["conflict"]["version"],
            "conflict_fields": [row["name"] for row in rows if row["choosable"]],
            **{f"resolve_{row['name']}": "mine" if row["conflicting"] else "theirs" for row in rows if row["choosable"]},
        }

    @rule(who=st.sampled_from([0, 1]), cell=st.sampled_from(CELLS), value=st.sampled_from(VALUES))
    def save_api(self, who, cell, value):
        editor = self.editors[who]
        pk, version, loaded = editor.versions[cell]
        before = _stored()
        response = editor.api.patch(f"/api/v1/ratings/{pk}/", {"rating": value, "version": version, "reason": "stateful test"}, format="json")
        after = _stored()
        if self.finalized_ratings is not None:
            assert response.status_code == 409 and after == before
            return
        if response.status_code == 200:
            self._check_overwrites(editor, before, after)
            editor.versions[cell] = (pk, response.json()["version"], value)
            editor.show(cell, value)
            return
        assert response.status_code == 409, response.content
        assert after == before
        changed = response.json()["changed"]
        if after[cell] != loaded:
            # The 409 names the stored value (changed back to what the editor loaded, it is not named).
            assert changed["rating"]["new"] == after[cell]
            editor.show(cell, after[cell])
        else:
            assert "rating" not in changed
        editor.load_rating(cell)

    @precondition(lambda self: self.finalized_ratings is None)
    @rule()
    def finalize(self):
        finalized = services.evaluation_round_finalize(actor=self.editors[0].user, evaluation_round=self.round, expected_version=None)
        assert finalized.status == "finalized"
        self.finalized_ratings = _stored()

    @invariant()
    def finalized_ratings_never_change(self):
        if self.finalized_ratings is not None:
            assert _stored() == self.finalized_ratings


def test_two_editors_never_lose_a_value_unseen(db):
    run_state_machine_as_test(
        TwoEditors,
        settings=settings(max_examples=8, stateful_step_count=8, deadline=None, suppress_health_check=list(HealthCheck)),
    )
