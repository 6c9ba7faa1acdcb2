"""Time the allocation engine on a 2024-like year: ``python bench/bench_engine.py``.

Builds the demo year of shared/data/alf-figures.md (7 regions, education by rate, FO-ALF
2 020 000 000 kr) once per research model and times ``compute_scenario`` (validation,
allocation, rounding, trace with its English text) per call. Target: under 2 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from allocations.engine import compute_scenario  # noqa: E402  (needs the path above)

TARGET_MICROSECONDS = 2_000
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
    # Informational, not a gate: on a shared machine the times say as much about the machine.
    return 0


if __name__ == "__main__":
    sys.exit(main())
