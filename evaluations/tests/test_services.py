"""Services: the grid, finalizing (refusals naming the panel), locking, reopening, versions."""

from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from alfadmin.kernel.errors import ConcurrentEditError, LockedError
from alfadmin.models import AgreementPeriod, Role
from allocations.models import RecomputeRequest
from evaluations import services
from evaluations.models import Bibliometrics, EvaluationRound, PanelRating, RegionFindings, RoundReopening

from .factories import all_yes, basis, bibliometrics, make_round, rate, rate_all


def _fresh(evaluation_round):
    return EvaluationRound.objects.get(pk=evaluation_round.pk)


def test_a_new_round_is_a_draft_with_three_named_panels(draft):
    assert draft.status == "draft"
    assert [p.number for p in draft.panels.all()] == [1, 2, 3]
    assert all(p.name for p in draft.panels.all())
    assert draft.history.first().history_user.username == "vr-user"


def test_every_panel_needs_a_name(four_regions):
    panels = {1: {"name": "A"}, 2: {"name": " "}, 3: {"name": "C"}}
    with pytest.raises(ValidationError) as error:
        services.evaluation_round_create(
            actor=None,
            data={"name": "x", "evaluation_year_from": 2026, "evaluation_year_to": 2027, "applies_from": 2028, "applies_to": 2031},
            panels=panels,
        )
    assert "panels.2.name" in error.value.message_dict
    assert not EvaluationRound.objects.exists()


def test_application_years_must_be_ordered(four_regions):
    with pytest.raises(ValidationError) as error:
        make_round(applies_from=2031, applies_to=2028)
    assert "applies_to" in error.value.message_dict


def test_grid_saves_ratings_and_findings_with_history_of_who(draft, codes, vr):
    rate_all(draft, codes, actor=vr, findings=all_yes(codes))
    assert PanelRating.objects.filter(evaluation_round=draft).count() == 12
    assert RegionFindings.objects.filter(evaluation_round=draft).count() == 4
    rating = PanelRating.objects.get(evaluation_round=draft, region__code="AAA", panel=1)
    assert rating.rating == "very_high"
    assert rating.history.first().history_user == vr


def test_changing_a_rating_records_before_and_after(draft, codes, vr, make_user):
    rate_all(draft, codes, actor=vr)
    other = make_user("vr2", Role.VR)
    rate(draft, {("AAA", 1): "good_high"}, actor=other)
    rating = PanelRating.objects.get(evaluation_round=draft, region__code="AAA", panel=1)
    latest, previous = rating.history.all()[:2]
    assert (previous.rating, latest.rating) == ("very_high", "good_high")
    assert latest.history_user == other
    assert latest.history_date >= previous.history_date


def test_unchanged_cells_write_no_history(draft, codes, vr):
    rate_all(draft, codes, actor=vr)
    before = PanelRating.history.count()
    rate_all(draft, codes, actor=vr)
    assert PanelRating.history.count() == before


def test_clearing_a_cell_removes_the_rating_and_records_who(draft, codes, vr):
    rate_all(draft, codes, actor=vr)
    rate(draft, {("BBB", 2): ""}, actor=vr)
    assert not PanelRating.objects.filter(evaluation_round=draft, region__code="BBB", panel=2).exists()
    removed = PanelRating.history.filter(history_type="-").get()
    assert removed.history_user == vr


def test_unknown_rating_is_refused_and_nothing_changes(draft, codes):
    with pytest.raises(ValidationError) as error:
        rate(draft, {("AAA", 1): "excellent"})
    assert "ratings.AAA.1" in error.value.message_dict
    assert not PanelRating.objects.exists()
    assert _fresh(draft).version == draft.version


def test_a_stale_grid_is_refused_with_409(draft, codes, vr):
    version = draft.version
    rate_all(draft, codes, actor=vr)
    with pytest.raises(ConcurrentEditError):
        services.round_grid_save(
            actor=vr, evaluation_round=draft, expected_version=version, cells={("AAA", 1): services.CellInput("inadequate")}
        )
    assert PanelRating.objects.get(evaluation_round=draft, region__code="AAA", panel=1).rating == "very_high"


def test_finalize_is_refused_naming_the_panel_with_four_very_high(draft, codes, vr):
    rate_all(draft, codes, very_high={1: codes[:1], 2: codes, 3: codes[:2]}, actor=vr)
    with pytest.raises(ValidationError) as error:
        services.evaluation_round_finalize(actor=vr, evaluation_round=draft, expected_version=None)
    messages = " ".join(error.value.message_dict["ratings"])
    assert "Panel 2" in messages and "4 regions rated very high" in messages and "1–3" in messages
    assert "Panel 1" not in messages and "Panel 3" not in messages
    assert _fresh(draft).status == "draft"
    assert not RecomputeRequest.objects.exists()


def test_finalize_is_refused_when_a_panel_has_no_very_high_region(draft, codes, vr):
    rate_all(draft, codes, very_high={1: codes[:1], 2: [], 3: codes[:1]}, actor=vr)
    with pytest.raises(ValidationError) as error:
        services.evaluation_round_finalize(actor=vr, evaluation_round=draft, expected_version=None)
    assert "Panel 2" in " ".join(error.value.message_dict["ratings"])


def test_bounds_come_from_the_agreement_period(draft, codes, vr):
    AgreementPeriod.objects.update(max_very_high=4)
    rate_all(draft, codes, very_high={1: codes, 2: codes[:1], 3: codes[:1]}, actor=vr)
    finalized = services.evaluation_round_finalize(actor=vr, evaluation_round=draft, expected_version=None)
    assert finalized.status == "finalized"


def test_finalize_requires_every_region_rated_in_every_panel(draft, codes, vr):
    rate_all(draft, codes, actor=vr)
    rate(draft, {("DDD", 3): ""}, actor=vr)
    with pytest.raises(ValidationError) as error:
        services.evaluation_round_finalize(actor=vr, evaluation_round=draft, expected_version=None)
    assert "DDD" in " ".join(error.value.message_dict["ratings"])


def test_ds2024_has_no_limit_but_needs_the_findings(four_regions, codes, vr):
    evaluation_round = make_round(model="ds2024", actor=vr)
    rate_all(evaluation_round, codes, very_high={1: codes, 2: codes, 3: []}, actor=vr)
    with pytest.raises(ValidationError) as error:
        services.evaluation_round_finalize(actor=vr, evaluation_round=evaluation_round, expected_version=None)
    problems = " ".join(error.value.message_dict["ratings"])
    assert "findings" in problems and "Panel" not in problems
    services.round_grid_save(actor=vr, evaluation_round=evaluation_round, expected_version=None, cells={}, findings=all_yes(codes), reason="changed in a test")
    basis(evaluation_round)  # a Ds 2024 round also needs every region's bibliometrics
    assert services.evaluation_round_finalize(actor=vr, evaluation_round=evaluation_round, expected_version=None).status == "finalized"


def test_finalize_locks_and_requests_a_recompute_of_every_year(draft, codes, vr, django_capture_on_commit_callbacks):
    rate_all(draft, codes, actor=vr)
    with django_capture_on_commit_callbacks():
        finalized = services.evaluation_round_finalize(actor=vr, evaluation_round=draft, expected_version=draft.version + 1)
    assert finalized.status == "finalized" and finalized.finalized_by == vr and finalized.finalized_at
    requests = RecomputeRequest.objects.order_by("year")
    assert [r.year for r in requests] == [2028, 2029, 2030, 2031]
    assert all("2026/27" in r.reason and r.requested_by == vr for r in requests)
    assert "finalized" in finalized.history.first().history_change_reason


def test_a_published_year_refuses_the_finalize_and_nothing_changes(draft, codes, vr):
    rate_all(draft, codes, actor=vr)
    with mock.patch("allocations.watched_inputs.recompute_request", side_effect=LockedError("2029 is published")):
        with pytest.raises(LockedError):
            services.evaluation_round_finalize(actor=vr, evaluation_round=draft, expected_version=None)
    assert _fresh(draft).status == "draft"


@pytest.fixture
def finalized(draft, codes, vr):
    rate_all(draft, codes, actor=vr, findings=all_yes(codes))
    return services.evaluation_round_finalize(actor=vr, evaluation_round=draft, expected_version=None)


def test_a_finalized_round_refuses_every_edit(finalized, codes, vr, four_regions):
    with pytest.raises(LockedError):
        rate(finalized, {("AAA", 1): "good_high"}, actor=vr)
    with pytest.raises(LockedError):
        services.rating_set(actor=vr, evaluation_round=finalized, region=four_regions["AAA"], panel=1, rating="good_high", reason="changed in a test")
    with pytest.raises(LockedError):
        services.evaluation_round_update(actor=vr, evaluation_round=finalized, expected_version=None, data={"name": "other"}, reason="changed in a test")
    with pytest.raises(LockedError):
        services.findings_set(actor=vr, evaluation_round=finalized, region=four_regions["AAA"], values={"realistic_plans": False}, reason="changed in a test")
    with pytest.raises(LockedError):
        services.evaluation_round_finalize(actor=vr, evaluation_round=finalized, expected_version=None)
    assert PanelRating.objects.get(evaluation_round=finalized, region__code="AAA", panel=1).rating == "very_high"


def test_the_basis_of_a_finalized_round_is_locked(finalized, four_regions, vr):
    row = bibliometrics(four_regions["AAA"], evaluation_round=finalized)
    with pytest.raises(LockedError):
        services.bibliometrics_update(actor=vr, bibliometrics=row, expected_version=None, data={"highly_cited": Decimal("1")}, reason="changed in a test")
    with pytest.raises(LockedError):
        services.bibliometrics_create(
            actor=vr,
            data={
                "region": four_regions["BBB"],
                "period_start": 2022,
                "period_end": 2025,
                "evaluation_round": finalized,
                "publications": 1,
                "highly_cited": 0,
                "citation_impact": 0,
                "uncited_share": 0,
            },
        )
    assert Bibliometrics.objects.get(pk=row.pk).highly_cited == Decimal("100")


def test_only_an_administrator_reopens(finalized, vr):
    with pytest.raises(PermissionDenied):
        services.evaluation_round_reopen(actor=vr, evaluation_round=finalized, reason="typo")
    assert _fresh(finalized).status == "finalized"


@pytest.mark.parametrize("reason", ["", "   "])
def test_reopening_needs_a_reason(finalized, admin_user, reason):
    with pytest.raises(ValidationError) as error:
        services.evaluation_round_reopen(actor=admin_user, evaluation_round=finalized, reason=reason)
    assert "reason" in error.value.message_dict
    assert _fresh(finalized).status == "finalized"


def test_reopening_is_recorded_and_recomputes(finalized, admin_user, codes):
    RecomputeRequest.objects.all().delete()
    reopened = services.evaluation_round_reopen(actor=admin_user, evaluation_round=finalized, reason="Panel 2 of CCC mistyped")
    assert reopened.status == "draft" and reopened.finalized_at is None
    log = RoundReopening.objects.get()
    assert (log.reopened_by, log.reason) == (admin_user, "Panel 2 of CCC mistyped")
    assert "Panel 2 of CCC mistyped" in reopened.history.first().history_change_reason
    assert reopened.history.first().history_user == admin_user
    assert sorted(RecomputeRequest.objects.values_list("year", flat=True)) == [2028, 2029, 2030, 2031]
    # A draft again: editable.
    rate(reopened, {("CCC", 2): "very_high"}, actor=admin_user)


def test_a_draft_cannot_be_reopened(draft, admin_user):
    with pytest.raises(ValidationError):
        services.evaluation_round_reopen(actor=admin_user, evaluation_round=draft, reason="why")


def test_rating_set_creates_updates_and_checks_the_rating_version(draft, four_regions, vr):
    created = services.rating_set(actor=vr, evaluation_round=draft, region=four_regions["AAA"], panel=2, rating="good_high", reason="changed in a test")
    updated = services.rating_set(
        actor=vr, evaluation_round=draft, region=four_regions["AAA"], panel=2, rating="very_high", expected_version=created.version,
        reason="changed in a test",
    )
    assert updated.version == created.version + 1
    with pytest.raises(ConcurrentEditError):
        services.rating_set(
            actor=vr, evaluation_round=draft, region=four_regions["AAA"], panel=2, rating="inadequate", expected_version=created.version,
            reason="changed in a test",
        )
    assert PanelRating.objects.get(pk=created.pk).rating == "very_high"


def test_a_rating_change_bumps_the_round_version(draft, four_regions, vr):
    services.rating_set(actor=vr, evaluation_round=draft, region=four_regions["AAA"], panel=2, rating="good_high", reason="changed in a test")
    assert _fresh(draft).version == draft.version + 1


def test_co_publications_are_stored_once_per_pair(four_regions, vr):
    a, b = four_regions["AAA"], four_regions["BBB"]
    first = services.co_publication_set(actor=vr, period_start=2018, period_end=2021, region_a=b, region_b=a, publications=Decimal("5"))
    second = services.co_publication_set(actor=vr, period_start=2018, period_end=2021, region_a=a, region_b=b, publications=Decimal("7"))
    assert first.pk == second.pk and second.publications == Decimal("7")
    with pytest.raises(ValidationError):
        services.co_publication_set(actor=vr, period_start=2018, period_end=2021, region_a=a, region_b=a, publications=Decimal("1"))
