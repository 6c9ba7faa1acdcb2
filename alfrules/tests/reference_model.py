"""A second, deliberately plain reading of docs/allocation-rules.md §1, §5, §6 (no shared code with
the engine), used to cross-check the engine on generated scenarios."""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

PANELS = ("1", "2", "3")


def _f(value) -> Fraction:
    return Fraction(Decimal(str(value)))


def _largest_remainder(parts: dict[tuple, Fraction], total: int, order: list[tuple]) -> dict[tuple, int]:
    floors = {k: v.numerator // v.denominator for k, v in parts.items()}
    left = total - sum(floors.values())
    rank = sorted(order, key=lambda k: (-(parts[k] - floors[k]), order.index(k)))
    for k in rank[:left]:
        floors[k] += 1
    return floors


def _order(region_keys: list[tuple], other_keys: list[tuple]) -> list[tuple]:
    return sorted(region_keys) + sorted(other_keys)


def education(spec: dict) -> dict:
    hst = {r: _f(v) for r, v in spec["hst"].items()}
    if "rate_per_hst" in spec:
        rate = _f(spec["rate_per_hst"])
        exact_total = rate * sum(hst.values())
        total = int(exact_total + Fraction(1, 2)) if exact_total >= 0 else 0
        parts = {(r,): rate * h for r, h in hst.items()}
    else:
        total = int(spec["appropriation"])
        sum_hst = sum(hst.values())
        parts = {(r,): total * h / sum_hst for r, h in hst.items()}
    rounded = _largest_remainder(parts, total, sorted(parts))
    return {"regions": {k[0]: v for k, v in rounded.items()}, "total": total}


def alf2015(spec: dict) -> dict:
    params = {"base_fraction": "0.80", "guarantee": "0.15", "cap": "0.40"} | {
        k: v for k, v in spec.get("params", {}).items() if k in ("base_fraction", "guarantee", "cap")
    }
    weights = {k: _f(v) for k, v in spec.get("params", {}).get("panel_weights", {"1": "0.5", "2": "0.25", "3": "0.25"}).items()}
    total = int(spec["appropriation"])
    bf, g, cap = (_f(params[k]) for k in ("base_fraction", "guarantee", "cap"))
    base = {r: _f(s) / 100 * bf * total for r, s in spec["shares"].items()}
    pot = total - bf * total
    parts: dict[tuple, Fraction] = {(r, "base"): b for r, b in base.items()}
    other: dict[tuple, Fraction] = {}
    for k in PANELS:
        pot_k = weights[k] * pot
        good = [r for r in base if spec["ratings"][r][k] == "good_high"]
        very = [r for r in base if spec["ratings"][r][k] == "very_high"]
        amount = {r: Fraction(0) for r in base}
        for r in good:
            amount[r] = g * base[r] * weights[k]
        rest = pot_k - sum(amount.values())
        if not good and not very:
            other[(f"panel_{k}",)] = pot_k
            rest = Fraction(0)
        limit = {r: cap * base[r] * weights[k] for r in very}
        open_ = [r for r in very if limit[r] > 0]
        while rest > 0 and open_:
            weight = sum(base[r] for r in open_)
            capped = [r for r in open_ if amount[r] + rest * base[r] / weight >= limit[r]]
            if not capped:
                for r in open_:
                    amount[r] += rest * base[r] / weight
                rest = Fraction(0)
                break
            for r in capped:
                rest -= limit[r] - amount[r]
                amount[r] = limit[r]
                open_.remove(r)
        if rest > 0:
            good_base = sum(base[r] for r in good)
            if good_base > 0:
                for r in good:
                    amount[r] += rest * base[r] / good_base
            else:
                other[(f"panel_{k}",)] = other.get((f"panel_{k}",), Fraction(0)) + rest
        for r in base:
            parts[(r, f"panel_{k}")] = amount[r]
    return _finish(parts, other, total, ("base", "panel_1", "panel_2", "panel_3"))


def ds2024(spec: dict) -> dict:
    total = int(spec["appropriation"])
    gf = _f(spec.get("guns_fraction", "0.01"))
    qf = _f(spec.get("quality_fraction", "0.20"))
    weights = {k: _f(v) for k, v in spec.get("increment_weights", {"hst": "0.5", "citations": "0.5"}).items()}
    level = min(Fraction(total), _f(spec["reference_level"]))
    increment = (total - level) * (1 - gf)
    level_after = level * (1 - gf)
    parts: dict[tuple, Fraction] = {}
    other: dict[tuple, Fraction] = {("guns",): gf * total}
    for r, s in spec["shares"].items():
        share = _f(s) / 100 * level_after
        quality = qf * share
        keeps = bool(spec["plans_ok"][r]) and all(spec["ratings"][r][k] != "inadequate" for k in PANELS)
        parts[(r, "base")] = share - quality
        parts[(r, "quality")] = quality if keeps else Fraction(0)
        parts[(r, "quality_forfeited")] = Fraction(0) if keeps else quality
    for key, source, line in (("hst", "hst", "increment_hst"), ("citations", "highly_cited", "increment_citations")):
        money = weights[key] * increment
        counts = {r: _f(v) for r, v in spec[source].items()}
        whole = sum(counts.values())
        for r in spec["shares"]:
            parts[(r, line)] = money * counts[r] / whole if whole > 0 else Fraction(0)
        if whole == 0 and money > 0:
            other[(line,)] = money
    result = _finish(parts, other, total, ("base", "quality", "increment_hst", "increment_citations"))
    forfeited = sum(result["_rounded"][(r, "quality_forfeited")] for r in spec["shares"])
    set_aside = result["_rounded"][("guns",)]
    result["guns"] = {"set_aside": set_aside, "forfeited": forfeited, "total": set_aside + forfeited}
    for r in spec["shares"]:
        result["regions"][r]["quality_forfeited"] = result["_rounded"][(r, "quality_forfeited")]
    return result


def _finish(parts: dict, other: dict, total: int, total_lines: tuple[str, ...]) -> dict:
    all_parts = {**parts, **other}
    rounded = _largest_remainder(all_parts, total, _order(list(parts), list(other)))
    regions: dict[str, dict[str, int]] = {}
    for (r, line), amount in ((k, v) for k, v in rounded.items() if len(k) == 2):
        regions.setdefault(r, {})[line] = amount
    for lines in regions.values():
        lines["total"] = sum(lines[name] for name in total_lines)
    undistributed = {k[0]: v for k, v in rounded.items() if len(k) == 1 and k[0] != "guns" and v}
    return {"regions": regions, "undistributed": undistributed, "_rounded": rounded}
