"""Time the explanation diff: ``python bench/bench_shapley.py``.

Two versions of the demo year of bench_engine.py that differ in every group that can
differ within one model (ds2024: 7 groups, 128 hybrid scenarios), and an alf2015 year
against a ds2024 year that differ in the model and the groups both models share.
Target: under 1 s for a year.
"""

from __future__ import annotations

import copy
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_engine import demo_year  # noqa: E402

from alfrules.shapley import explain_difference  # noqa: E402  (needs the path above)

TARGET_SECONDS = 1.0
REPEATS = 5


def changed(model: str) -> dict[str, object]:
    """The demo year with every group of its model changed."""
    year = copy.deepcopy(demo_year(model))
    education, research = year["education"], year["research"]
    assert isinstance(education, dict) and isinstance(research, dict)
    education["rate_per_hst"] = 85_000
    education["hst"] = {**education["hst"], "ORE": 500}
    research["appropriation"] = 2_100_000_000
    research["shares"] = {**research["shares"], "STH": "29", "UPP": "13"}
    research["ratings"] = {**research["ratings"], "ORE": {"1": "good_high", "2": "good_high", "3": "good_high"}}
    if model == "ds2024":
        research["plans_ok"] = {**research["plans_ok"], "UPP": False}
        research["hst"] = {**research["hst"], "ORE": 500}
        research["highly_cited"] = {**research["highly_cited"], "STH": 1000}
        research["quality_fraction"] = "0.25"
    else:
        research["params"] = {"guarantee": "0.10"}
    return year


def main() -> int:
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; median of {REPEATS} runs")
    for label, before, after in (
        ("ds2024 → ds2024", demo_year("ds2024"), changed("ds2024")),
        ("alf2015 → alf2015", demo_year("alf2015"), changed("alf2015")),
        ("alf2015 → ds2024", demo_year("alf2015"), changed("ds2024")),
    ):
        timings = []
        for _ in range(REPEATS):
            start = time.perf_counter()
            result = explain_difference(before, after)
            timings.append(time.perf_counter() - start)
        median = statistics.median(timings)
        verdict = "under" if median < TARGET_SECONDS else "OVER"
        print(
            f"{label}: {len(result.differing)} groups differ ({2 ** len(result.differing)} hybrid years): "
            f"median {median * 1000:.0f} ms ({verdict} the {TARGET_SECONDS:.0f} s target)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
