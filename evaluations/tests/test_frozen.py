"""A finalized round is frozen until reopened: the write path refuses it with a clear message,
and on PostgreSQL the database itself refuses a raw UPDATE or DELETE of the round, its
panels, ratings, findings and bibliometric basis; reopening (and nothing else) goes through."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction

from alfadmin.kernel.errors import LockedError
from evaluations import services
from evaluations.models import Bibliometrics, EvaluationRound, Panel, PanelRating, RegionFindings


def _raw(sql, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _refused(sql, params):
    with pytest.raises(IntegrityError) as error:
        _raw(sql, params)
    assert str(error.value).startswith("FROZEN")
    return str(error.value)


@pytest.fixture
def finalized(world):
    return world.finalized


@pytest.mark.usefixtures("require_postgres")
class TestTriggers:
    def test_the_round_row_cannot_be_updated_or_deleted(self, finalized):
        message = _refused("UPDATE evaluations_evaluationround SET name = 'renamed' WHERE id = %s", [finalized.pk])
        assert "evaluations_evaluationround" in message and "finalized" in message
        _refused("DELETE FROM evaluations_evaluationround WHERE id = %s", [finalized.pk])
        # Reopening with another change at the same time is refused too.
        _refused(
            "UPDATE evaluations_evaluationround SET status = 'draft', finalized_at = NULL, finalized_by_id = NULL, name = 'x' WHERE id = %s",
            [finalized.pk],
        )
        assert EvaluationRound.objects.get(pk=finalized.pk).name == "2022/23"

    def test_reopening_is_the_one_change_it_takes(self, finalized):
        _raw(
            "UPDATE evaluations_evaluationround SET status = 'draft', finalized_at = NULL, finalized_by_id = NULL, version = version + 1 WHERE id = %s",
            [finalized.pk],
        )
        assert EvaluationRound.objects.get(pk=finalized.pk).status == "draft"
        rating = PanelRating.objects.filter(evaluation_round=finalized).first()
        _raw("UPDATE evaluations_panelrating SET rating = 'inadequate' WHERE id = %s", [rating.pk])
        assert PanelRating.objects.get(pk=rating.pk).rating == "inadequate"

    @pytest.mark.parametrize(
        ("table", "model", "column"),
        [
            ("evaluations_panelrating", PanelRating, "rating = 'inadequate'"),
            ("evaluations_regionfindings", RegionFindings, "realistic_plans = false"),
            ("evaluations_bibliometrics", Bibliometrics, "highly_cited = 0"),
            ("evaluations_panel", Panel, "name = 'renamed'"),
        ],
    )
    def test_its_children_cannot_be_updated_or_deleted(self, finalized, table, model, column):
        row = model.objects.filter(evaluation_round=finalized).order_by("pk").first()
        before = model.objects.get(pk=row.pk)
        message = _refused(f"UPDATE {table} SET {column} WHERE id = %s", [row.pk])  # noqa: S608 - fixed test SQL
        assert table in message
        _refused(f"DELETE FROM {table} WHERE id = %s", [row.pk])  # noqa: S608
        after = model.objects.get(pk=row.pk)
        assert after.version == before.version

    def test_a_draft_rounds_rows_change_freely(self, world):
        rating = PanelRating.objects.filter(evaluation_round=world.draft, region__code="AAA", panel=1).get()
        _raw("UPDATE evaluations_panelrating SET justification = 'raw' WHERE id = %s", [rating.pk])
        assert PanelRating.objects.get(pk=rating.pk).justification == "raw"


def test_the_write_path_refuses_a_finalized_rounds_rows_with_the_reason(world):
    vr = world.users["vr"]
    aaa = world.regions["AAA"]
    with pytest.raises(LockedError) as error:
        services.rating_set(actor=vr, evaluation_round=world.finalized, region=aaa, panel=1, rating="inadequate", reason="r")
    assert "finalized and locked" in str(error.value)
    basis = Bibliometrics.objects.filter(evaluation_round=world.finalized, region=aaa).get()
    with pytest.raises(LockedError) as error:
        services.bibliometrics_update(actor=vr, bibliometrics=basis, expected_version=None, data={"publications": 1}, reason="r")
    assert "basis of the finalized round 2022/23" in str(error.value)
    with pytest.raises(LockedError):
        services.evaluation_round_update(actor=vr, evaluation_round=world.finalized, expected_version=None, data={"name": "x"})
    assert PanelRating.objects.get(evaluation_round=world.finalized, region=aaa, panel=1).rating == "very_high"


def test_services_check_the_actor_themselves(world):
    with pytest.raises(PermissionDenied):
        services.evaluation_round_finalize(actor=world.users["rep_a"], evaluation_round=world.draft, expected_version=None)
    with pytest.raises(PermissionDenied):
        services.evaluation_round_finalize(actor=None, evaluation_round=world.draft, expected_version=None)
    with pytest.raises(PermissionDenied):
        services.evaluation_round_reopen(actor=world.users["vr"], evaluation_round=world.finalized, reason="why")
    with pytest.raises(PermissionDenied):
        services.rating_set(actor=world.users["guns"], evaluation_round=world.draft, region=world.regions["AAA"], panel=1, rating="very_high")
    assert EvaluationRound.objects.get(pk=world.draft.pk).status == "draft"
    assert EvaluationRound.objects.get(pk=world.finalized.pk).status == "finalized"
