"""Time the rating-risk Monte Carlo: ``python bench/bench_risk.py``.

On the demo year of bench_engine.py, with rating probabilities from two rounds
(``default_probabilities``), times ``simulate_ratings`` for 10 000 outcomes (draw, exact
per-state amounts, vectorised rounding) against the scalar engine looped over the same
outcomes. The scalar loop is timed on the first few hundred outcomes and scaled per
outcome. Targets: 10 000 outcomes under 1 s, at least 50 times faster than the loop.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_engine import demo_year  # noqa: E402

from alfrules import Rating, parse_scenario  # noqa: E402  (needs the path above)
from alfrules.risk import default_probabilities, ratings_of, research_for_ratings, simulate_ratings  # noqa: E402

TARGET_SECONDS = 1.0
TARGET_RATIO = 50


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outcomes", type=int, default=10_000)
    parser.add_argument("--scalar-outcomes", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; {args.outcomes} outcomes, median of {args.repeats} runs")
    for model in ("alf2015", "ds2024"):
        inputs = parse_scenario(demo_year(model)).research
        assert inputs is not None
        # The round before: every region good_high everywhere; the latest: the demo ratings.
        previous = {region: dict.fromkeys((1, 2, 3), Rating.GOOD_HIGH) for region in inputs.shares}
        probabilities = default_probabilities([previous, inputs.ratings])
        timings = []
        for seed in range(args.repeats):
            start = time.perf_counter()
            simulation = simulate_ratings(inputs, probabilities, outcomes=args.outcomes, seed=seed)
            timings.append(time.perf_counter() - start)
        vectorised = statistics.median(timings)
        start = time.perf_counter()
        for codes in simulation.codes[: args.scalar_outcomes]:
            research_for_ratings(inputs, ratings_of(codes, simulation.regions))
        scalar = (time.perf_counter() - start) / args.scalar_outcomes * args.outcomes
        ratio = scalar / vectorised
        print(
            f"{model}: vectorised {vectorised * 1000:.0f} ms, scalar loop {scalar * 1000:.0f} ms "
            f"(scaled from {args.scalar_outcomes} outcomes): {ratio:.0f}× "
            f"({'under' if vectorised < TARGET_SECONDS else 'OVER'} {TARGET_SECONDS:.0f} s; "
            f"{'meets' if ratio >= TARGET_RATIO else 'BELOW'} the {TARGET_RATIO}× target); "
            f"{simulation.redrawn} panel columns redrawn for the very-high limit"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
