"""The engine's exported predicates (docs/allocation-rules.md §5, §6): one function per rule,
called by the engine and by the registry and evaluations alike."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from alfrules import predicates
from alfrules.results import Alf2015RegionLines, Ds2024RegionLines, GunsPot


def test_shares_must_sum_to_exactly_hundred_without_rounding():
    assert predicates.shares_sum_to_hundred([Decimal("33.3"), Decimal("33.3"), Decimal("33.4")])
    assert not predicates.shares_sum_to_hundred([Decimal("33.33"), Decimal("33.33"), Decimal("33.33")])
    # 28 significant digits would round this to 100 in Decimal; the exact sum does not.
    assert not predicates.shares_sum_to_hundred([Decimal("99.99999999999999999999999999999"), Decimal("0")])


def test_weights_sum_to_exactly_one():
    assert predicates.weights_sum_to_one([Decimal("0.50"), Decimal("0.25"), Decimal("0.25")])
    assert not predicates.weights_sum_to_one([Decimal("0.5"), Decimal("0.3"), Decimal("0.3")])


@pytest.mark.parametrize(("value", "ok"), [(Decimal("0"), True), (Decimal("1"), True), (Decimal("-0.01"), False), (Decimal("1.01"), False)])
def test_is_fraction(value, ok):
    assert predicates.is_fraction(value) is ok


def test_guarantees_fit_in_the_quality_pot():
    assert predicates.guarantees_fit(guarantee=Decimal("0.15"), base_fraction=Decimal("0.80"))
    assert predicates.guarantees_fit(guarantee=Decimal("0.25"), base_fraction=Decimal("0.80"))  # 0.2 == 0.2, fits exactly
    assert not predicates.guarantees_fit(guarantee=Decimal("0.26"), base_fraction=Decimal("0.80"))


@pytest.mark.parametrize(
    ("count", "minimum", "maximum", "ok"),
    [(0, None, 3, True), (3, None, 3, True), (4, None, 3, False), (0, 1, 3, False), (1, 1, 3, True), (9, None, None, True)],
)
def test_very_high_bounds(count, minimum, maximum, ok):
    assert predicates.very_high_count_allowed(count, min_very_high=minimum, max_very_high=maximum) is ok


def test_quality_condition_needs_all_findings_yes_and_no_inadequate_panel():
    assert predicates.findings_all_yes([True, True, True])
    assert not predicates.findings_all_yes([True, None, True])  # unanswered counts as no
    good = ["good_high", "very_high", "good_high"]
    assert predicates.keeps_quality_amount(findings_ok=True, ratings=good)
    assert not predicates.keeps_quality_amount(findings_ok=False, ratings=good)
    assert not predicates.keeps_quality_amount(findings_ok=True, ratings=["good_high", "inadequate", "very_high"])


def test_the_line_names_are_the_result_lines_of_each_model():
    # The engine's one list of line names matches its own result types field for field.
    assert predicates.RESEARCH_LINES["alf2015"] == (*(f.name for f in dataclasses.fields(Alf2015RegionLines)), "total")
    assert predicates.RESEARCH_LINES["ds2024"] == (*(f.name for f in dataclasses.fields(Ds2024RegionLines)), "total")
    assert predicates.GUNS_LINES == (*(f.name for f in dataclasses.fields(GunsPot)), "total")
