"""Selectors: what the allocation gatherer reads (finalized only) and what each user sees."""

from decimal import Decimal

import pytest

from alfadmin.models import Region, Role
from alfadmin.tests.factories import RegionFactory
from evaluations import selectors, services

from .factories import all_yes, bibliometrics, make_round, rate_all


def _finalize(evaluation_round, actor=None):
    return services.evaluation_round_finalize(actor=actor, evaluation_round=evaluation_round, expected_version=None)


@pytest.fixture
def finalized(draft, codes, vr):
    rate_all(
        draft,
        codes,
        very_high={1: ["AAA", "BBB"], 2: ["CCC"], 3: ["AAA"]},
        inadequate={3: ["DDD"]},
        actor=vr,
        findings=all_yes(codes, DDD={"realistic_plans": False}),
    )
    return _finalize(draft, vr)


def test_draft_rounds_are_never_returned(draft, codes, vr):
    rate_all(draft, codes, actor=vr)
    assert selectors.round_for_year(year=2028) is None


def test_the_round_covering_the_year_is_returned(finalized):
    assert selectors.round_for_year(year=2027) is None
    assert [selectors.round_for_year(year=y) for y in (2028, 2031)] == [finalized, finalized]
    assert selectors.round_for_year(year=2032) is None


def test_the_latest_finalized_round_wins_where_periods_overlap(finalized, codes, vr):
    later = make_round(name="extra", applies_from=2030, applies_to=2033, actor=vr)
    rate_all(later, codes, actor=vr)
    assert selectors.round_for_year(year=2030) == finalized  # the later one is a draft
    _finalize(later, vr)
    assert selectors.round_for_year(year=2030) == later
    assert selectors.round_for_year(year=2029) == finalized


def test_ratings_by_region(finalized):
    ratings = selectors.ratings_by_region(evaluation_round=finalized)
    assert ratings["AAA"] == {"1": "very_high", "2": "good_high", "3": "very_high"}
    assert ratings["DDD"] == {"1": "good_high", "2": "good_high", "3": "inadequate"}
    assert set(ratings) == {"AAA", "BBB", "CCC", "DDD"}


def test_plans_ok_needs_all_three_yes(finalized, four_regions):
    RegionFactory(code="EEE")  # a region without findings counts as not ok
    assert selectors.plans_ok_by_region(evaluation_round=finalized) == {"AAA": True, "BBB": True, "CCC": True, "DDD": False, "EEE": False}


def test_highly_cited_by_region(draft, codes, vr, four_regions):
    bibliometrics(four_regions["AAA"], evaluation_round=draft, highly_cited="123.5")
    bibliometrics(four_regions["BBB"], evaluation_round=None, highly_cited="99")  # not the round's basis
    rate_all(draft, codes, actor=vr)
    assert selectors.highly_cited_by_region(evaluation_round=draft) == {code: Decimal("0") for code in codes}  # still a draft
    _finalize(draft, vr)
    assert selectors.highly_cited_by_region(evaluation_round=draft) == {"AAA": Decimal("123.5"), "BBB": 0, "CCC": 0, "DDD": 0}


def test_draft_results_read_as_empty_for_the_gatherer(draft, codes, vr):
    rate_all(draft, codes, actor=vr, findings=all_yes(codes))
    assert selectors.ratings_by_region(evaluation_round=draft) == {}
    assert selectors.plans_ok_by_region(evaluation_round=draft) == {}


@pytest.mark.parametrize(
    ("role", "region", "visible"),
    [
        (Role.VR, None, {"AAA", "BBB", "CCC", "DDD"}),
        (Role.ADMIN, None, {"AAA", "BBB", "CCC", "DDD"}),
        (Role.REPORTER, "BBB", {"BBB"}),
        (Role.VIEWER, None, set()),
        (Role.GUNS, None, set()),
    ],
)
def test_draft_ratings_are_seen_by_vr_admin_and_the_own_reporter(draft, codes, vr, make_user, role, region, visible):
    rate_all(draft, codes, actor=vr, findings=all_yes(codes))
    user = make_user("someone", role, region)
    assert {r.region.code for r in selectors.rating_list(user=user)} == visible
    assert {f.region.code for f in selectors.findings_list(user=user)} == visible


@pytest.mark.parametrize("role", [Role.VIEWER, Role.GUNS, Role.REPORTER])
def test_finalized_results_are_seen_by_everyone(finalized, make_user, role):
    user = make_user("someone", role, "AAA" if role == Role.REPORTER else None)
    assert selectors.rating_list(user=user).count() == 12
    assert selectors.findings_list(user=user).count() == 4


def test_anonymous_sees_nothing(finalized):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert not selectors.rating_list(user=anonymous).exists()
    assert not selectors.round_list(user=anonymous).exists()
    assert not selectors.bibliometrics_list(user=anonymous).exists()


def test_round_matrix_hides_draft_rows_from_others(draft, codes, vr, make_user):
    rate_all(draft, codes, actor=vr)
    reporter = make_user("rep", Role.REPORTER, "CCC")
    matrix = selectors.round_matrix(user=reporter, evaluation_round=draft)
    assert [(r.region.code, r.hidden) for r in matrix.rows] == [("AAA", True), ("BBB", True), ("CCC", False), ("DDD", True)]
    assert all(c is not None for c in matrix.rows[2].cells)


def test_rating_history_lists_each_change(draft, codes, vr, make_user):
    rate_all(draft, codes, actor=vr)
    services.rating_set(actor=vr, evaluation_round=draft, region=Region.objects.get(code="AAA"), panel=1, rating="good_high", reason="changed in a test")
    changes = selectors.rating_history(user=vr, evaluation_round=draft)
    assert len(changes) == 13
    latest = changes[0]
    assert (latest.region, latest.panel, latest.before, latest.after, latest.who) == ("AAA", 1, "very high", "good–high", vr)
    viewer = make_user("v", Role.VIEWER)
    assert selectors.rating_history(user=viewer, evaluation_round=draft) == []
