"""Model "alf2015", worked by hand to the krona (docs/allocation-rules.md §5).

Defaults unless a test says otherwise: base_fraction 0.80, panel weights 0.50/0.25/0.25,
guarantee 0.15, cap 0.40.
"""

from __future__ import annotations

from decimal import Decimal

from alfrules import (
    Alf2015Inputs,
    Alf2015RegionLines,
    Rating,
    compute_alf2015,
    compute_scenario,
)

VH, GH, NO = "very_high", "good_high", "inadequate"


def allocate(research: dict[str, object]) -> dict[str, object]:
    output = compute_scenario({"year": 2024, "research": {"model": "alf2015", **research}})
    research_output = output["research"]
    assert isinstance(research_output, dict)
    research_output["notes"] = output["notes"]
    return research_output


def panels(one: str, two: str, three: str) -> dict[str, str]:
    return {"1": one, "2": two, "3": three}


def test_a_capped_very_high_region_spills_over_to_good_high_by_base() -> None:
    # The scenario of docs/allocation-scenario.md. T = 1 000 000 000.
    # B = 0.80 T = 800 000 000: STH 50 % = 400 000 000, SKA 35 % = 280 000 000,
    # ORE 15 % = 120 000 000. P = 200 000 000: P1 = 100 000 000, P2 = P3 = 50 000 000.
    result = allocate(
        {
            "appropriation": 1_000_000_000,
            "shares": {"STH": "50", "SKA": "35", "ORE": "15"},
            "ratings": {
                "STH": panels(VH, GH, GH),
                "SKA": panels(GH, VH, GH),
                "ORE": panels(GH, GH, NO),
            },
        }
    )
    # Panel 1 (w 0.5): guarantees SKA 0.15 × 280M × 0.5 = 21 000 000, ORE 0.15 × 120M × 0.5
    # = 9 000 000; left 100M − 30M = 70 000 000 to STH alone, under its cap
    # 0.40 × 400M × 0.5 = 80 000 000.
    # Panel 2 (w 0.25): guarantees STH 0.15 × 400M × 0.25 = 15 000 000, ORE 4 500 000;
    # left 50M − 19.5M = 30 500 000 for SKA, capped at 0.40 × 280M × 0.25 = 28 000 000.
    # The 2 500 000 over the cap spills to the good_high regions by base (400M + 120M):
    # STH 2.5M × 400/520 = 1 923 076.923…, ORE 2.5M × 120/520 = 576 923.076…
    # so STH 16 923 076.923…, ORE 5 076 923.076…
    # Panel 3 (w 0.25): no very_high region. Guarantees STH 15 000 000, SKA 10 500 000;
    # the 24 500 000 left goes to them by base (400M + 280M): STH 14 411 764.705…,
    # SKA 10 088 235.294…, so STH 29 411 764.705…, SKA 20 588 235.294…
    # Rounding: floors sum to 999 999 998; the 2 kronor go to the largest remainders,
    # STH panel_2 (.923) and STH panel_3 (.705); ORE panel_2 (.077), SKA panel_3 (.294) stay.
    assert result["regions"] == {
        "STH": {
            "base": 400_000_000,
            "panel_1": 70_000_000,
            "panel_2": 16_923_077,
            "panel_3": 29_411_765,
            "total": 516_334_842,
        },
        "SKA": {
            "base": 280_000_000,
            "panel_1": 21_000_000,
            "panel_2": 28_000_000,
            "panel_3": 20_588_235,
            "total": 349_588_235,
        },
        "ORE": {
            "base": 120_000_000,
            "panel_1": 9_000_000,
            "panel_2": 5_076_923,
            "panel_3": 0,
            "total": 134_076_923,
        },
    }
    assert result["undistributed"] == []
    assert result["total"] == 1_000_000_000
    assert result["notes"] == [
        "panel 2: money left after the caps went to good_high regions by base",
        "panel 3: warning: no region is rated very_high",
        "panel 3: with no very_high region, the money after the guarantees went to good_high regions by base",
    ]


def test_three_very_high_regions_under_their_caps_share_by_base() -> None:
    # T = 1 000 000 000; B = 800 000 000: A 40 % = 320M, B 30 % = 240M, C 20 % = 160M,
    # D 10 % = 80M. P1 = 100 000 000, P2 = P3 = 50 000 000.
    result = allocate(
        {
            "appropriation": 1_000_000_000,
            "shares": {"A": "40", "B": "30", "C": "20", "D": "10"},
            "ratings": {
                "A": panels(VH, GH, GH),
                "B": panels(VH, GH, GH),
                "C": panels(VH, GH, GH),
                "D": panels(GH, GH, GH),
            },
        }
    )
    # Panel 1: D's guarantee 0.15 × 80M × 0.5 = 6 000 000; 94 000 000 left for A, B, C by
    # base (720M): A 94M × 320/720 = 41 777 777.777…, B 94M × 240/720 = 31 333 333.333…,
    # C 94M × 160/720 = 20 888 888.888…; caps 0.40 × base × 0.5 = 64M, 48M, 32M: none hit.
    # Panels 2 and 3: everyone good_high, guarantees 0.15 × base × 0.25 = 12M, 9M, 6M, 3M
    # (30M); the 20M left goes by base (800M): 8M, 6M, 4M, 2M, so 20M, 15M, 10M, 5M.
    # Rounding: remainders A .777…, B .333…, C .888… sum to 2: C and A get one krona each.
    assert {region: lines["panel_1"] for region, lines in result["regions"].items()} == {
        "A": 41_777_778,
        "B": 31_333_333,
        "C": 20_888_889,
        "D": 6_000_000,
    }
    assert {region: lines["total"] for region, lines in result["regions"].items()} == {
        "A": 320_000_000 + 41_777_778 + 20_000_000 + 20_000_000,
        "B": 240_000_000 + 31_333_333 + 15_000_000 + 15_000_000,
        "C": 160_000_000 + 20_888_889 + 10_000_000 + 10_000_000,
        "D": 80_000_000 + 6_000_000 + 5_000_000 + 5_000_000,
    }
    assert result["notes"] == [
        "panel 2: warning: no region is rated very_high",
        "panel 2: with no very_high region, the money after the guarantees went to good_high regions by base",
        "panel 3: warning: no region is rated very_high",
        "panel 3: with no very_high region, the money after the guarantees went to good_high regions by base",
    ]


def test_no_eligible_region_and_capped_money_with_nowhere_to_go_are_undistributed() -> None:
    # T = 10 000 000; B = 8 000 000: X 60 % = 4 800 000, Y 40 % = 3 200 000.
    # P = 2 000 000: P1 = 1 000 000, P2 = P3 = 500 000.
    result = allocate(
        {
            "appropriation": 10_000_000,
            "shares": {"X": "60", "Y": "40"},
            "ratings": {"X": panels(VH, NO, GH), "Y": panels(NO, NO, NO)},
        }
    )
    # Panel 1: X alone, capped at 0.40 × 4.8M × 0.5 = 960 000; the 40 000 over the cap has
    # no good_high region to go to: undistributed.
    # Panel 2: nobody eligible: the whole 500 000 is undistributed.
    # Panel 3: X's guarantee 0.15 × 4.8M × 0.25 = 180 000, and with no very_high region the
    # 320 000 left goes to X as well: 500 000.
    assert result["regions"] == {
        "X": {
            "base": 4_800_000,
            "panel_1": 960_000,
            "panel_2": 0,
            "panel_3": 500_000,
            "total": 6_260_000,
        },
        "Y": {"base": 3_200_000, "panel_1": 0, "panel_2": 0, "panel_3": 0, "total": 3_200_000},
    }
    assert result["undistributed"] == [
        {"line": "panel_1", "amount": 40_000, "reason": "no eligible region"},
        {"line": "panel_2", "amount": 500_000, "reason": "no eligible region"},
    ]
    assert result["total"] == 6_260_000 + 3_200_000 + 40_000 + 500_000 == 10_000_000


def test_good_high_regions_without_base_cannot_take_the_leftover() -> None:
    # Decision 5. T = 1 000: B = 800, all to X. P3 = 0.25 × 200 = 50. In panel 3 X is
    # inadequate and Z (share 0) is good_high: its guarantee is 0 and the 50 left has no
    # base to be split by, so it is undistributed.
    result = allocate(
        {
            "appropriation": 1_000,
            "shares": {"X": "100", "Z": "0"},
            "ratings": {"X": panels(GH, GH, NO), "Z": panels(GH, GH, GH)},
        }
    )
    assert result["regions"]["Z"]["total"] == 0
    assert result["regions"]["X"]["panel_3"] == 0
    assert result["undistributed"] == [{"line": "panel_3", "amount": 50, "reason": "no eligible region"}]


def test_a_very_high_region_with_no_base_counts_as_capped() -> None:
    # T = 1 000, B = 800 all to X. Panel 1 (pot 100): Z is very_high with base 0, so cap 0;
    # X is good_high: guarantee 0.15 × 800 × 0.5 = 60, plus the 40 that Z cannot take.
    result = allocate(
        {
            "appropriation": 1_000,
            "shares": {"X": "100", "Z": "0"},
            "ratings": {"X": panels(GH, GH, GH), "Z": panels(VH, NO, NO)},
        }
    )
    assert result["regions"]["X"]["panel_1"] == 100
    assert result["regions"]["Z"]["panel_1"] == 0


def test_equal_remainders_go_to_region_lines_first_then_by_code_in_character_order() -> None:
    # Decision 2. T = 3 with base_fraction 0.5 and all the quality pot in panel 1:
    # B = 1.5 split R10 / R2 50 % each = 0.75 and 0.75; P1 = 1.5, both inadequate, so
    # panel_1 (undistributed) = 1.5. Floors 0 + 0 + 1 = 1; two kronor for three remainders
    # of .75, .75, .5: R10 base and R2 base.
    # With T = 1: bases 0.25 each and undistributed 0.5: the krona goes to the largest
    # remainder, the undistributed line.
    # With T = 2: bases 0.5 each and undistributed 1.0: one krona for two equal remainders;
    # "R10" sorts before "R2" in character order, so R10 gets it.
    params = {"base_fraction": "0.5", "panel_weights": {"1": "1", "2": "0", "3": "0"}}
    ratings = {"R10": panels(NO, NO, NO), "R2": panels(NO, NO, NO)}
    shares = {"R2": "50", "R10": "50"}

    def bases_and_undistributed(appropriation: int) -> tuple[int, int, list[object]]:
        result = allocate({"appropriation": appropriation, "shares": shares, "ratings": ratings, "params": params})
        regions = result["regions"]
        return regions["R10"]["base"], regions["R2"]["base"], result["undistributed"]

    assert bases_and_undistributed(3) == (
        1,
        1,
        [{"line": "panel_1", "amount": 1, "reason": "no eligible region"}],
    )
    assert bases_and_undistributed(1) == (
        0,
        0,
        [{"line": "panel_1", "amount": 1, "reason": "no eligible region"}],
    )
    assert bases_and_undistributed(2)[:2] == (1, 0)


def test_region_line_beats_a_line_of_its_own_on_an_equal_remainder() -> None:
    # T = 1, base_fraction 0.5: X's base 0.5, the panel 1 pot 0.5 undistributed (X is
    # inadequate). Equal remainders: the region line sorts first and gets the krona.
    result = allocate(
        {
            "appropriation": 1,
            "shares": {"X": "100"},
            "ratings": {"X": panels(NO, NO, NO)},
            "params": {"base_fraction": "0.5", "panel_weights": {"1": "1", "2": "0", "3": "0"}},
        }
    )
    assert result["regions"]["X"]["base"] == 1
    assert result["undistributed"] == [{"line": "panel_1", "amount": 0, "reason": "no eligible region"}]


def test_compute_alf2015_takes_typed_inputs() -> None:
    inputs = Alf2015Inputs(
        appropriation=1_000,
        shares={"X": Decimal("100")},
        ratings={"X": dict.fromkeys((1, 2, 3), Rating.GOOD_HIGH)},
    )
    result = compute_alf2015(inputs)
    # X is the only region: everything is its own, 800 base and 100/50/50 by panel.
    assert result.regions == {"X": Alf2015RegionLines(base=800, panel_1=100, panel_2=50, panel_3=50)}
    assert result.regions["X"].total == 1_000
