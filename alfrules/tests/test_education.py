"""GU-ALF and the 2024 demo year, checked against the memo's figures (docs/allocation-rules.md §4)."""

from __future__ import annotations

from decimal import Decimal

from alfrules import (
    EducationAppropriation,
    EducationInputs,
    RatePerHst,
    compute_education,
    compute_scenario,
)

# The 2024 demo year (docs/alf-figures.md): planned hst summing to 8 242.
HST_2024 = {
    "STH": 2000,
    "UPP": 1100,
    "OST": 1000,
    "SKA": 1438,
    "VGR": 1294,
    "ORE": 460,
    "VBN": 950,
}
SHARES_2024 = {
    "STH": "30",
    "UPP": "12",
    "OST": "9",
    "SKA": "17.5",
    "VGR": "17.5",
    "ORE": "5",
    "VBN": "9",
}
GH, VH = "good_high", "very_high"
RATINGS_2024 = {
    "STH": {"1": VH, "2": VH, "3": GH},
    "UPP": {"1": VH, "2": GH, "3": GH},
    "OST": {"1": GH, "2": GH, "3": GH},
    "SKA": {"1": VH, "2": GH, "3": VH},
    "VGR": {"1": GH, "2": VH, "3": GH},
    "ORE": {"1": GH, "2": GH, "3": GH},
    "VBN": {"1": GH, "2": GH, "3": GH},
}


def education(**given: object) -> dict[str, object]:
    result = compute_scenario({"year": 2024, "education": given})["education"]
    assert isinstance(result, dict)
    return result


def test_memo_table_6_1_688_hst_at_70_400_kr() -> None:
    # 688 × 70 400 = 48 435 200 kr (≈ 48.4 MSEK).
    assert education(rate_per_hst=70400, hst={"ORE": 688}) == {
        "rate_per_hst": "70400",
        "regions": {"ORE": 48_435_200},
        "total": 48_435_200,
    }


def test_2024_rate_per_hst() -> None:
    # 8 242 hst × 83 475 kr = 688 000 950 kr; every part is whole: 2 000 × 83 475 = 166 950 000…
    result = education(rate_per_hst=83475, hst=HST_2024)
    assert result["regions"] == {region: count * 83475 for region, count in HST_2024.items()}
    assert result["total"] == 688_000_950


def test_2024_appropriation_split_by_hst() -> None:
    # 688 000 000 / 8 242 = 83 474.884736… kr per hst. Exact parts, floor + remainder:
    #   STH 2 000 → 166 949 769 + 1951/4121 (.473)   UPP 1 100 →  91 822 373 + 867/4121 (.210)
    #   OST 1 000 →  83 474 884 + 3036/4121 (.737)   SKA 1 438 → 120 036 884 + 1036/4121 (.251)
    #   VGR 1 294 → 108 016 500 + 3500/4121 (.849)   ORE   460 →  38 398 446 + 4034/4121 (.979)
    #   VBN   950 →  79 301 140 + 2060/4121 (.4999)
    # Floors sum to 687 999 996: the 4 kronor go to the largest remainders, ORE, VGR, OST and
    # VBN (.4999 beats STH's .473).
    result = education(appropriation=688_000_000, hst=HST_2024)
    assert result == {
        "appropriation": 688_000_000,
        "regions": {
            "STH": 166_949_769,
            "UPP": 91_822_373,
            "OST": 83_474_885,
            "SKA": 120_036_884,
            "VGR": 108_016_501,
            "ORE": 38_398_447,
            "VBN": 79_301_141,
        },
        "total": 688_000_000,
    }


def test_2024_education_and_research_make_2_708_msek() -> None:
    research = {
        "model": "alf2015",
        "appropriation": 2_020_000_000,
        "shares": SHARES_2024,
        "ratings": RATINGS_2024,
    }
    by_appropriation = compute_scenario(
        {
            "year": 2024,
            "education": {"appropriation": 688_000_000, "hst": HST_2024},
            "research": research,
        }
    )
    by_rate = compute_scenario({"year": 2024, "education": {"rate_per_hst": 83475, "hst": HST_2024}, "research": research})

    def total(output: dict[str, object]) -> int:
        parts = (output["education"], output["research"])
        return sum(part["total"] for part in parts if isinstance(part, dict))

    assert total(by_appropriation) == 2_708_000_000
    # With the rate the total is 950 kr above: still 2 708 MSEK.
    assert total(by_rate) == 2_708_000_950
    assert round(total(by_rate), -6) == 2_708_000_000
    # FO-ALF base amounts: B = 0.80 × 2 020 000 000 = 1 616 000 000 by share.
    research_regions = by_rate["research"]["regions"]
    assert {region: lines["base"] for region, lines in research_regions.items()} == {
        "STH": 484_800_000,
        "UPP": 193_920_000,
        "OST": 145_440_000,
        "SKA": 282_800_000,
        "VGR": 282_800_000,
        "ORE": 80_800_000,
        "VBN": 145_440_000,
    }


def test_a_fractional_rate_rounds_the_total_half_up_then_the_parts_to_it() -> None:
    # Decision 3. Rate 0.5 kr: parts 0.5 (R2), 0.5 (R10), 0.5 (R3); total 1.5 → 2 kr.
    # Three equal remainders for 2 kronor: R10 and R2 by character order; R3 gets 0.
    result = education(rate_per_hst="0.5", hst={"R2": 1, "R10": 1, "R3": 1})
    assert result == {"rate_per_hst": "0.5", "regions": {"R2": 1, "R10": 1, "R3": 0}, "total": 2}


def test_hst_may_be_fractional() -> None:
    # 10.5 × 100 = 1 050 and 0.25 × 100 = 25.
    assert education(rate_per_hst=100, hst={"A": "10.5", "B": Decimal("0.25")})["regions"] == {
        "A": 1_050,
        "B": 25,
    }


def test_compute_education_takes_typed_inputs() -> None:
    by_rate = compute_education(EducationInputs({"A": Decimal(3)}, RatePerHst(Decimal("2.5"))))
    by_total = compute_education(EducationInputs({"A": Decimal(3)}, EducationAppropriation(7)))
    assert (by_rate.regions, by_rate.total) == ({"A": 8}, 8)  # 7.5 → 8 (half up)
    assert (by_total.regions, by_total.total) == ({"A": 7}, 7)
