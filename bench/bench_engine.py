"""Time the allocation engine on a 2024-like year: ``python bench/bench_engine.py``.

Builds the demo year of docs/alf-figures.md (7 regions, education by rate, FO-ALF
2 020 000 000 kr) once per research model and times ``compute_scenario`` (validation,
allocation, rounding, trace with its English text) per call. Target: under 2 ms.

Then the fast path: a parsed year computed with its trace (steps and their English text,
as a reader of the trace gets it) against ``trace=False``, and the same for the whole
``compute_scenario`` call, whose validation of the JSON is the same work either way. The
two sides of each pair are timed in alternation.
Target: the year without its trace at least 3 times faster.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from alfrules import Scenario, compute_scenario, compute_year, parse_scenario, render_step  # noqa: E402  (needs the path above)

TARGET_MICROSECONDS = 2_000
TARGET_TRACE_RATIO = 3
REGIONS = ("STH", "UPP", "OST", "SKA", "VGR", "ORE", "VBN")
SHARES = dict(zip(REGIONS, ("30", "12", "9", "17.5", "17.5", "5", "9"), strict=True))
HST = dict(zip(REGIONS, (2000, 1100, 1000, 1438, 1294, 460, 950), strict=True))
HIGHLY_CITED = dict(zip(REGIONS, (900, 300, 150, 450, 400, 60, 180), strict=True))
GH, VH, NO = "good_high", "very_high", "inadequate"
# Four regions very high in at least one panel, as in the 2022/23 round (alf-figures.md).
RATINGS = {
    "STH": {"1": VH, "2": VH, "3": GH},
    "UPP": {"1": VH, "2": GH, "3": GH},
    "OST": {"1": GH, "2": GH, "3": GH},
    "SKA": {"1": VH, "2": GH, "3": VH},
    "VGR": {"1": GH, "2": VH, "3": GH},
    "ORE": {"1": GH, "2": GH, "3": NO},
    "VBN": {"1": GH, "2": GH, "3": GH},
}


def demo_year(model: str) -> dict[str, object]:
    research: dict[str, object] = {
        "model": model,
        "appropriation": 2_020_000_000,
        "shares": SHARES,
        "ratings": RATINGS,
    }
    if model == "ds2024":
        # ORE is inadequate in panel 3, so it forfeits its quality amount to GUNS.
        research |= {
            "reference_level": 2_000_000_000,
            "plans_ok": dict.fromkeys(REGIONS, True),
            "hst": HST,
            "highly_cited": HIGHLY_CITED,
        }
    return {
        "year": 2024,
        "education": {"rate_per_hst": 83475, "hst": HST},
        "research": research,
    }


def time_model(model: str, iterations: int, warm_up: int) -> list[float]:
    """Microseconds per ``compute_scenario`` call, wall clock."""
    scenario = demo_year(model)
    for _ in range(warm_up):
        compute_scenario(scenario)
    microseconds: list[float] = []
    for _ in range(iterations):
        start = time.perf_counter_ns()
        compute_scenario(scenario)
        microseconds.append((time.perf_counter_ns() - start) / 1_000)
    return microseconds


def paired_medians(first: Callable[[], object], second: Callable[[], object], iterations: int, warm_up: int) -> tuple[float, float]:
    """Median microseconds of two calls timed in alternation (the order swapped each time), so
    that a noisy spell of a shared machine slows both alike instead of skewing their ratio."""
    for _ in range(warm_up):
        first()
        second()
    timings: tuple[list[float], list[float]] = ([], [])
    for iteration in range(iterations):
        order = (0, 1) if iteration % 2 == 0 else (1, 0)
        for index in order:
            run = first if index == 0 else second
            start = time.perf_counter_ns()
            run()
            timings[index].append((time.perf_counter_ns() - start) / 1_000)
    return statistics.median(timings[0]), statistics.median(timings[1])


def with_trace_text(scenario: Scenario) -> list[str]:
    year = compute_year(scenario)
    steps = [*(year.education.trace if year.education else ()), *(year.research.trace if year.research else ())]
    return [render_step(step.as_dict(), "en") for step in steps]


def print_trace_ratio(model: str, iterations: int, warm_up: int) -> None:
    data = demo_year(model)
    scenario = parse_scenario(data)
    with_trace, without = paired_medians(lambda: with_trace_text(scenario), lambda: compute_year(scenario, trace=False), iterations, warm_up)
    ratio = with_trace / without
    verdict = "meets" if ratio >= TARGET_TRACE_RATIO else "BELOW"
    print(
        f"{model}: parsed year with trace text median {with_trace:.0f} µs, without {without:.0f} µs: "
        f"{ratio:.2f}× ({verdict} the {TARGET_TRACE_RATIO}× target)"
    )
    with_trace, without = paired_medians(lambda: compute_scenario(data), lambda: compute_scenario(data, trace=False), iterations, warm_up)
    print(f"{model}: compute_scenario (with JSON validation) median {with_trace:.0f} µs, trace=False {without:.0f} µs: {with_trace / without:.2f}×")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=2_000)
    parser.add_argument("--warm-up", type=int, default=200)
    args = parser.parse_args()
    # Other work on the machine (or a hypervisor's steal) inflates the times; the minimum is
    # the least disturbed run, the load average says how busy the machine was.
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; {args.iterations} runs per model after {args.warm_up} warm-up")
    for model in ("alf2015", "ds2024"):
        timings = time_model(model, args.iterations, args.warm_up)
        median = statistics.median(timings)
        p95 = statistics.quantiles(timings, n=100)[94]
        verdict = "under" if median < TARGET_MICROSECONDS else "OVER"
        print(
            f"{model}: median {median:.0f} µs, p95 {p95:.0f} µs, min {min(timings):.0f} µs per allocation "
            f"(education + research + trace); median {verdict} the {TARGET_MICROSECONDS} µs target"
        )
    for model in ("alf2015", "ds2024"):
        print_trace_ratio(model, args.iterations, args.warm_up)
    # Informational, not a gate: on a shared machine the times say as much about the machine.
    return 0


if __name__ == "__main__":
    sys.exit(main())
