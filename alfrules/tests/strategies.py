"""Hypothesis strategies for random but valid scenarios (docs/allocation-scenario.md)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

RATINGS = ("inadequate", "good_high", "very_high")
PANEL_KEYS = ("1", "2", "3")
# Invented codes in plain character order, so "R10" and "R2" both turn up.
REGION_CODES = st.lists(st.text(alphabet="ABRSTZ0129", min_size=1, max_size=3), min_size=1, max_size=10, unique=True)
MONEY = st.integers(min_value=0, max_value=10**10)


def as_written(value: Decimal, draw: st.DrawFn) -> object:
    """A number as a scenario may hold it: a JSON string, or a decoded JSON number."""
    text = format(value, "f")
    return draw(st.sampled_from([text, Decimal(text)]))


@st.composite
def parts_of(draw: st.DrawFn, count: int, whole: int, decimals: int) -> list[Decimal]:
    """``count`` non-negative decimals with ``decimals`` places summing exactly to ``whole``."""
    scale = 10**decimals
    units = whole * scale
    cuts = sorted(draw(st.lists(st.integers(0, units), min_size=count - 1, max_size=count - 1)))
    bounds = [0, *cuts, units]
    return [Decimal(high - low) / scale for low, high in zip(bounds, bounds[1:], strict=False)]


@st.composite
def fraction(draw: st.DrawFn, decimals: int = 2) -> Decimal:
    scale = 10**decimals
    return Decimal(draw(st.integers(0, scale))) / scale


@st.composite
def shares(draw: st.DrawFn, regions: list[str]) -> dict[str, object]:
    decimals = draw(st.sampled_from([0, 1, 2, 4]))
    values = draw(parts_of(len(regions), 100, decimals))
    return {region: as_written(value, draw) for region, value in zip(regions, values, strict=True)}


@st.composite
def ratings(draw: st.DrawFn, regions: list[str], max_very_high: int | None) -> dict[str, object]:
    by_region = {region: {panel: draw(st.sampled_from(RATINGS)) for panel in PANEL_KEYS} for region in regions}
    if max_very_high is not None:
        # alf2015 rejects more than max_very_high per panel; demote the extra ones.
        for panel in PANEL_KEYS:
            very_high = [r for r in regions if by_region[r][panel] == "very_high"]
            for region in very_high[max_very_high:]:
                by_region[region][panel] = "good_high"
    return dict(by_region)


@st.composite
def alf2015_params(draw: st.DrawFn) -> object:
    weights = draw(parts_of(3, 1, 2))
    params: dict[str, object] = {
        "base_fraction": draw(fraction()),
        "panel_weights": dict(zip(PANEL_KEYS, weights, strict=True)),
        "guarantee": draw(fraction()),
        "cap": draw(fraction()),
        "max_very_high": draw(st.integers(0, 4)),
    }
    # params may be partial: missing keys take the defaults.
    keep = draw(st.sets(st.sampled_from(sorted(params))))
    params = {key: value for key, value in params.items() if key in keep}
    base_fraction = Decimal(str(params.get("base_fraction", "0.80")))
    guarantee = Decimal(str(params.get("guarantee", "0.15")))
    if guarantee * base_fraction > 1 - base_fraction:
        # Keep the guarantees inside the pot (docs/allocation-rules.md §5.4): the largest such value.
        params["guarantee"] = ((1 - base_fraction) / base_fraction).quantize(Decimal("0.01"), "ROUND_DOWN")
    return _written(params, draw)


def _written(value: object, draw: st.DrawFn) -> object:
    if isinstance(value, dict):
        return {key: _written(item, draw) for key, item in value.items()}
    if isinstance(value, Decimal):
        return as_written(value, draw)
    return value


@st.composite
def alf2015_research(draw: st.DrawFn, regions: list[str]) -> dict[str, object]:
    research: dict[str, object] = {
        "model": "alf2015",
        "appropriation": draw(MONEY),
        "shares": draw(shares(regions)),
    }
    params = draw(st.none() | alf2015_params())
    max_very_high = 3
    if params is not None:
        research["params"] = params
        max_very_high = int(str(params.get("max_very_high", 3)))
    research["ratings"] = draw(ratings(regions, max_very_high))
    return research


@st.composite
def counts(draw: st.DrawFn, regions: list[str]) -> dict[str, object]:
    if draw(st.integers(0, 5)) == 0:
        return dict.fromkeys(regions, 0)  # no data for the key (§6.6)
    return {region: as_written(Decimal(draw(st.integers(0, 5000))) / 10, draw) for region in regions}


@st.composite
def ds2024_research(draw: st.DrawFn, regions: list[str]) -> dict[str, object]:
    research: dict[str, object] = {
        "model": "ds2024",
        "appropriation": draw(MONEY),
        "reference_level": draw(MONEY),
        "shares": draw(shares(regions)),
        "ratings": draw(ratings(regions, None)),
        "plans_ok": {region: draw(st.booleans()) for region in regions},
        "hst": draw(counts(regions)),
        "highly_cited": draw(counts(regions)),
    }
    if draw(st.booleans()):
        research["guns_fraction"] = as_written(draw(fraction(3)), draw)
    if draw(st.booleans()):
        research["quality_fraction"] = as_written(draw(fraction(3)), draw)
    if draw(st.booleans()):
        hst_weight, citations_weight = draw(parts_of(2, 1, 3))
        research["increment_weights"] = {
            "hst": as_written(hst_weight, draw),
            "citations": as_written(citations_weight, draw),
        }
    return research


@st.composite
def education(draw: st.DrawFn, regions: list[str]) -> dict[str, object]:
    hst = {region: as_written(Decimal(draw(st.integers(0, 30000))) / 10, draw) for region in regions}
    if draw(st.booleans()):
        rate = Decimal(draw(st.integers(0, 10**9))) / 100
        return {"rate_per_hst": as_written(rate, draw), "hst": hst}
    if all(Decimal(str(count)) == 0 for count in hst.values()):
        hst[regions[0]] = 1  # an appropriation needs some hst to split by (decision 5)
    return {"appropriation": draw(MONEY), "hst": hst}


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, object]:
    regions = draw(REGION_CODES)
    scenario: dict[str, object] = {"year": draw(st.integers(2019, 2040))}
    parts = draw(st.sampled_from(["education", "research", "both"]))
    if parts in ("education", "both"):
        scenario["education"] = draw(education(regions))
    if parts in ("research", "both"):
        model = draw(st.sampled_from([alf2015_research, ds2024_research]))
        scenario["research"] = draw(model(regions))
    return scenario
