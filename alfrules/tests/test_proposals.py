"""The memo's education proposals (allocation-rules §4) as switches on one year's inputs."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alfrules import compute_scenario
from alfrules.proposals import EducationProposals, proposals_in_force, proposed_hst, proposed_rate

ORE_ONLY = {"ORE": 688}


def education_total(*, rate: Decimal, hst: dict) -> int:
    result = compute_scenario({"year": 2027, "education": {"rate_per_hst": str(rate), "hst": {k: str(v) for k, v in hst.items()}}})
    return result["education"]["total"]


def test_the_memo_arithmetic_688_students_at_70_400_kr():
    assert education_total(rate=Decimal("70400"), hst=ORE_ONLY) == 48_435_200


def test_twelve_terms_from_2027_multiply_by_12_11_half_up():
    proposals = EducationProposals(twelfth_term_from=2027)
    assert proposed_hst(ORE_ONLY, year=2026, proposals=proposals) == {"ORE": 688}
    later = proposed_hst(ORE_ONLY, year=2027, proposals=proposals)
    assert later == {"ORE": 751}  # 688 × 12/11 = 750.545… → 751
    assert education_total(rate=Decimal("70400"), hst=later) == 751 * 70_400


def test_twelve_terms_round_to_the_nearest_whole_student():
    proposals = EducationProposals(twelfth_term_from=2027)
    assert proposed_hst({"A": 5}, year=2027, proposals=proposals) == {"A": 5}  # 5.4545… → 5
    assert proposed_hst({"A": 6}, year=2027, proposals=proposals) == {"A": 7}  # 6.5454… → 7
    assert proposed_hst({"A": Decimal("10.0625")}, year=2027, proposals=proposals) == {"A": 11}  # exactly 10.977… → 11
    assert proposed_hst({"A": Decimal("5.5")}, year=2027, proposals=proposals) == {"A": 6}  # exactly 6.0
    # A decimal number of students × 12/11 never lands exactly on a half (it would need 11/24), so
    # the half-up tie rule of the memo never has to decide here.


def test_a_region_paid_for_what_it_educates_then_twelve_terms():
    proposals = EducationProposals(educated_hst_region="ORE", educated_hst_from=2026, twelfth_term_from=2027)
    hst = {"ORE": 460, "STH": 2000}
    assert proposed_hst(hst, year=2025, proposals=proposals, educated={"ORE": 782}) == hst
    assert proposed_hst(hst, year=2026, proposals=proposals, educated={"ORE": 782}) == {"ORE": 782, "STH": 2000}
    assert proposed_hst(hst, year=2027, proposals=proposals, educated={"ORE": 782}) == {"ORE": 853, "STH": 2182}


def test_an_explicit_educated_figure_wins_over_the_statistics():
    proposals = EducationProposals(educated_hst_region="ORE", educated_hst_from=2026, educated_hst=Decimal("800"))
    assert proposed_hst({"ORE": 460}, year=2026, proposals=proposals, educated={"ORE": 782}) == {"ORE": 800}


def test_a_fixed_raise_phased_over_six_years_reaches_16_734_kr():
    proposals = EducationProposals(rate_raise_from=2022, rate_raise_per_hst=Decimal("16734"), rate_raise_phase_years=6)
    steps = [proposed_rate(Decimal("70400"), year=y, proposals=proposals) - 70400 for y in range(2021, 2029)]
    assert steps == [0, 2789, 5578, 8367, 11156, 13945, 16734, 16734]


def test_a_percentage_raise_applies_in_full_without_phasing():
    proposals = EducationProposals(rate_raise_from=2026, rate_raise_percent=Decimal("25"))
    assert proposed_rate(Decimal("83475"), year=2026, proposals=proposals) == Decimal("104343.75")
    assert proposals_in_force(year=2026, proposals=proposals) == ["rate_raise"]
    assert proposals_in_force(year=2025, proposals=proposals) == []


@pytest.mark.parametrize(
    "kwargs",
    [
        {"educated_hst_region": "ORE"},
        {"rate_raise_percent": Decimal("1"), "rate_raise_per_hst": Decimal("1")},
        {"rate_raise_phase_years": 0},
        {"educated_hst_region": "ORE", "educated_hst_from": 2026, "educated_hst": Decimal("-1")},
    ],
)
def test_contradictory_switches_are_refused(kwargs):
    with pytest.raises(ValueError):
        EducationProposals(**kwargs)


@given(
    hst=st.dictionaries(st.sampled_from(["A", "B", "C"]), st.integers(min_value=0, max_value=5000), min_size=1),
    year=st.integers(min_value=2020, max_value=2035),
)
def test_twelve_terms_never_lower_a_region_and_stay_whole(hst, year):
    after = proposed_hst(hst, year=year, proposals=EducationProposals(twelfth_term_from=2027))
    assert all(isinstance(v, int) and v >= hst[k] for k, v in after.items())
    assert all(abs(v * 11 - hst[k] * 12) <= 6 for k, v in after.items() if year >= 2027)  # within half a student
