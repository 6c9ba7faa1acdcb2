"""The scenarios of the golden file: the memo's worked figures, then generated ones.

The generator is seeded, so regenerating gives the same scenarios; the scenarios are also
written into the golden file, so the comparison does not depend on the generator. It draws
what ``strategies.py`` draws (both research models, both ways of funding education, partial
parameters, keys without data, invented region codes that sort as text) with Python's
``random.Random``, whose sequence for a fixed seed does not change between runs.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from decimal import Decimal

from ..test_education import HST_2024, RATINGS_2024, SHARES_2024

SEED = 20240
GENERATED = 300
RATINGS = ("inadequate", "good_high", "very_high")
PANEL_KEYS = ("1", "2", "3")
REGION_ALPHABET = "ABRSTZ0129"

Scenario = dict[str, object]


def golden_cases() -> Iterator[tuple[str, Scenario]]:
    """(name, scenario) for every case, the memo's first."""
    yield from memo_cases()
    draw = random.Random(SEED)
    for number in range(GENERATED):
        yield f"generated-{number:03d}", _scenario(draw, number)


def memo_cases() -> Iterator[tuple[str, Scenario]]:
    """The memo's worked figures (also checked by ``test_education`` and ``test_ds2024``)."""
    # Table 6.1: 688 hst × 70 400 kr = 48 435 200 kr.
    yield "memo-table-6-1", {"year": 2024, "education": {"rate_per_hst": 70400, "hst": {"ORE": 688}}}
    alf2015 = {"model": "alf2015", "appropriation": 2_020_000_000, "shares": SHARES_2024, "ratings": RATINGS_2024}
    # BP 2024: 2 708 MSEK = 688 MSEK education + 2 020 MSEK research.
    yield "memo-bp-2024-alf2015", {
        "year": 2024,
        "education": {"appropriation": 688_000_000, "hst": HST_2024},
        "research": alf2015,
    }
    yield "memo-bp-2024-alf2015-rate", {"year": 2024, "education": {"rate_per_hst": 83475, "hst": HST_2024}, "research": alf2015}
    # The same year under ds2024: 1 % of 2 020 MSEK to GUNS is 20 200 000 kr.
    yield "memo-bp-2024-ds2024", {
        "year": 2024,
        "education": {"appropriation": 688_000_000, "hst": HST_2024},
        "research": {
            "model": "ds2024",
            "appropriation": 2_020_000_000,
            "reference_level": 2_000_000_000,
            "shares": SHARES_2024,
            "ratings": RATINGS_2024,
            "plans_ok": dict.fromkeys(HST_2024, True) | {"ORE": False},
            "hst": HST_2024,
            "highly_cited": {"STH": 410, "UPP": 160, "OST": 90, "SKA": 230, "VGR": 250, "ORE": 40, "VBN": 80},
        },
    }


def _scenario(draw: random.Random, number: int) -> Scenario:
    regions = _regions(draw)
    scenario: Scenario = {"year": draw.randint(2019, 2040)}
    # Every third case each: education only, research only, both; the models alternate.
    parts = ("education", "research", "both")[number % 3]
    if parts in ("education", "both"):
        scenario["education"] = _education(draw, regions)
    if parts in ("research", "both"):
        model = _alf2015 if (number // 3) % 2 == 0 else _ds2024
        scenario["research"] = model(draw, regions)
    return scenario


def _regions(draw: random.Random) -> list[str]:
    codes: set[str] = set()
    count = draw.randint(1, 8)
    while len(codes) < count:
        codes.add("".join(draw.choice(REGION_ALPHABET) for _ in range(draw.randint(1, 3))))
    return sorted(codes)


def _money(draw: random.Random) -> int:
    # Mostly realistic sizes, sometimes tiny ones where rounding decides every krona.
    return draw.choice([draw.randint(0, 100), draw.randint(0, 10**6), draw.randint(10**8, 5 * 10**9)])


def _decimal_text(value: Decimal) -> str:
    return format(value, "f")


def _parts(draw: random.Random, count: int, whole: int, decimals: int) -> list[str]:
    """``count`` non-negative decimals with ``decimals`` places summing exactly to ``whole``."""
    scale = 10**decimals
    cuts = sorted(draw.randint(0, whole * scale) for _ in range(count - 1))
    bounds = [0, *cuts, whole * scale]
    return [_decimal_text(Decimal(high - low) / scale) for low, high in zip(bounds, bounds[1:], strict=False)]


def _fraction(draw: random.Random, decimals: int = 2) -> Decimal:
    scale = 10**decimals
    return Decimal(draw.randint(0, scale)) / scale


def _shares(draw: random.Random, regions: list[str]) -> dict[str, str]:
    return dict(zip(regions, _parts(draw, len(regions), 100, draw.choice([0, 1, 2, 4])), strict=True))


def _ratings(draw: random.Random, regions: list[str], max_very_high: int | None) -> dict[str, dict[str, str]]:
    by_region = {region: {panel: draw.choice(RATINGS) for panel in PANEL_KEYS} for region in regions}
    if max_very_high is not None:
        # alf2015 rejects more than max_very_high per panel; demote the extra ones.
        for panel in PANEL_KEYS:
            very_high = [region for region in regions if by_region[region][panel] == "very_high"]
            for region in very_high[max_very_high:]:
                by_region[region][panel] = "good_high"
    return by_region


def _alf2015(draw: random.Random, regions: list[str]) -> Scenario:
    research: Scenario = {"model": "alf2015", "appropriation": _money(draw), "shares": _shares(draw, regions)}
    max_very_high = 3
    if draw.random() < 0.5:
        params = _alf2015_params(draw)
        research["params"] = params
        max_very_high = int(str(params.get("max_very_high", 3)))
    research["ratings"] = _ratings(draw, regions, max_very_high)
    return research


def _alf2015_params(draw: random.Random) -> dict[str, object]:
    params: dict[str, object] = {
        "base_fraction": _fraction(draw),
        "panel_weights": dict(zip(PANEL_KEYS, _parts(draw, 3, 1, 2), strict=True)),
        "guarantee": _fraction(draw),
        "cap": _fraction(draw),
        "max_very_high": draw.randint(0, 4),
    }
    # params may be partial: missing keys take the defaults.
    params = {key: value for key, value in params.items() if draw.random() < 0.6}
    base_fraction = Decimal(str(params.get("base_fraction", "0.80")))
    guarantee = Decimal(str(params.get("guarantee", "0.15")))
    if guarantee * base_fraction > 1 - base_fraction:
        # Keep the guarantees inside the pot (docs/allocation-rules.md §5.4): the largest such value.
        params["guarantee"] = ((1 - base_fraction) / base_fraction).quantize(Decimal("0.01"), "ROUND_DOWN")
    return {key: _decimal_text(value) if isinstance(value, Decimal) else value for key, value in params.items()}


def _counts(draw: random.Random, regions: list[str]) -> dict[str, object]:
    if draw.randint(0, 5) == 0:
        return dict.fromkeys(regions, 0)  # no data for the key (§6.6)
    return {region: _decimal_text(Decimal(draw.randint(0, 5000)) / 10) for region in regions}


def _ds2024(draw: random.Random, regions: list[str]) -> Scenario:
    appropriation = _money(draw)
    # The reference level near the appropriation, above or below it: with or without an increment.
    reference_level = draw.choice([appropriation, max(0, appropriation - draw.randint(0, 10**8)), appropriation + draw.randint(0, 10**8)])
    research: Scenario = {
        "model": "ds2024",
        "appropriation": appropriation,
        "reference_level": reference_level,
        "shares": _shares(draw, regions),
        "ratings": _ratings(draw, regions, None),
        "plans_ok": {region: draw.random() < 0.8 for region in regions},
        "hst": _counts(draw, regions),
        "highly_cited": _counts(draw, regions),
    }
    if draw.random() < 0.3:
        research["guns_fraction"] = _decimal_text(_fraction(draw, 3))
    if draw.random() < 0.3:
        research["quality_fraction"] = _decimal_text(_fraction(draw, 3))
    if draw.random() < 0.3:
        hst_weight, citations_weight = _parts(draw, 2, 1, 3)
        research["increment_weights"] = {"hst": hst_weight, "citations": citations_weight}
    return research


def _education(draw: random.Random, regions: list[str]) -> Scenario:
    hst: dict[str, object] = {region: _decimal_text(Decimal(draw.randint(0, 30000)) / 10) for region in regions}
    if draw.random() < 0.5:
        return {"rate_per_hst": _decimal_text(Decimal(draw.randint(0, 10**9)) / 100), "hst": hst}
    if all(Decimal(str(count)) == 0 for count in hst.values()):
        hst[regions[0]] = 1  # an appropriation needs some hst to split by (decision 5)
    return {"appropriation": _money(draw), "hst": hst}
