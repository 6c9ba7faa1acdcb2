"""Model "ds2024", worked by hand to the krona (docs/allocation-rules.md §6).

Defaults unless a test says otherwise: guns_fraction 0.01, quality_fraction 0.20,
increment weights 0.5 / 0.5.
"""

from __future__ import annotations

from alfrules import compute_scenario

GOOD = {"1": "good_high", "2": "very_high", "3": "good_high"}


def allocate(research: dict[str, object]) -> dict[str, object]:
    output = compute_scenario({"year": 2026, "research": {"model": "ds2024", **research}})
    research_output = output["research"]
    assert isinstance(research_output, dict)
    research_output["notes"] = output["notes"]
    return research_output


def test_an_increment_and_one_region_forfeiting_its_quality_amount() -> None:
    # T = 1 100 000 000 above the reference level 1 000 000 000.
    # GUNS set-aside G = 0.01 T = 11 000 000. L = min(T, ref) = 1 000 000 000,
    # Δ = 100 000 000; after the set-aside L' = 990 000 000, Δ' = 99 000 000.
    # Level: A 60 % = 594 000 000 → quality 0.20 × = 118 800 000, base 475 200 000;
    #        B 40 % = 396 000 000 → quality 79 200 000, base 316 800 000.
    # B is inadequate in panel 2, so it forfeits its 79 200 000 to GUNS.
    # Increment: 49 500 000 by hst (A 300, B 100 of 400): 37 125 000 and 12 375 000;
    #            49 500 000 by highly cited (A 30, B 70 of 100): 14 850 000 and 34 650 000.
    result = allocate(
        {
            "appropriation": 1_100_000_000,
            "reference_level": 1_000_000_000,
            "shares": {"A": "60", "B": "40"},
            "ratings": {"A": GOOD, "B": {"1": "good_high", "2": "inadequate", "3": "very_high"}},
            "plans_ok": {"A": True, "B": True},
            "hst": {"A": 300, "B": 100},
            "highly_cited": {"A": 30, "B": 70},
        }
    )
    assert result["regions"] == {
        "A": {
            "base": 475_200_000,
            "quality": 118_800_000,
            "quality_forfeited": 0,
            "increment_hst": 37_125_000,
            "increment_citations": 14_850_000,
            "total": 645_975_000,
        },
        "B": {
            "base": 316_800_000,
            "quality": 0,
            "quality_forfeited": 79_200_000,
            "increment_hst": 12_375_000,
            "increment_citations": 34_650_000,
            "total": 363_825_000,
        },
    }
    assert result["guns"] == {"set_aside": 11_000_000, "forfeited": 79_200_000, "total": 90_200_000}
    assert result["undistributed"] == []
    # 645 975 000 + 363 825 000 + 90 200 000 = 1 100 000 000.
    assert result["total"] == 1_100_000_000


def test_plans_not_approved_forfeit_and_a_key_without_data_is_undistributed() -> None:
    # T = 1 000 000, ref 900 000: G = 10 000, L = 900 000, Δ = 100 000; L' = 891 000,
    # Δ' = 99 000. Level 50 / 50: 445 500 each → quality 89 100, base 356 400.
    # A's plans were not approved: it forfeits 89 100 although rated good_high everywhere.
    # Increment by hst 49 500: A 1 of 3 = 16 500, B 2 of 3 = 33 000. Nobody has highly
    # cited publications: the other 49 500 is undistributed.
    result = allocate(
        {
            "appropriation": 1_000_000,
            "reference_level": 900_000,
            "shares": {"A": "50", "B": "50"},
            "ratings": {"A": GOOD, "B": GOOD},
            "plans_ok": {"A": False, "B": True},
            "hst": {"A": 1, "B": 2},
            "highly_cited": {"A": 0, "B": 0},
        }
    )
    assert {region: lines["total"] for region, lines in result["regions"].items()} == {
        "A": 356_400 + 16_500,
        "B": 356_400 + 89_100 + 33_000,
    }
    assert result["regions"]["A"]["quality_forfeited"] == 89_100
    assert result["guns"] == {"set_aside": 10_000, "forfeited": 89_100, "total": 99_100}
    assert result["undistributed"] == [{"line": "increment_citations", "amount": 49_500, "reason": "no data for the key"}]
    assert result["notes"] == [
        "increment by highly cited publications: every region's count is zero; that part of the increment is undistributed"
    ]
    # 372 900 + 478 500 + 99 100 + 49 500 = 1 000 000.
    assert result["total"] == 1_000_000


def test_no_increment_when_the_appropriation_does_not_grow() -> None:
    # T = 1 000 below the reference level: Δ = 0, so nothing is undistributed even though
    # every count is zero. G = 10; L' = 990: A 40 % = 396 → quality 79.2, base 316.8;
    # B 60 % = 594 → quality 118.8, base 475.2.
    # Rounding: remainders .2 (A quality), .8 (A base), .8 (B quality), .2 (B base); the
    # floors sum to 998, so A base and B quality get one krona each.
    result = allocate(
        {
            "appropriation": 1_000,
            "reference_level": 5_000,
            "shares": {"A": "40", "B": "60"},
            "ratings": {"A": GOOD, "B": GOOD},
            "plans_ok": {"A": True, "B": True},
            "hst": {"A": 0, "B": 0},
            "highly_cited": {"A": 0, "B": 0},
        }
    )
    assert result["regions"]["A"] == {
        "base": 317,
        "quality": 79,
        "quality_forfeited": 0,
        "increment_hst": 0,
        "increment_citations": 0,
        "total": 396,
    }
    assert result["regions"]["B"]["base"] == 475
    assert result["regions"]["B"]["quality"] == 119
    assert result["guns"] == {"set_aside": 10, "forfeited": 0, "total": 10}
    assert result["undistributed"] == []
    assert result["notes"] == []
