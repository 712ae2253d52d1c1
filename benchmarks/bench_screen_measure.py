"""Screening plus the full measurement of DESIGN.md §6 for 1,000,000 candidates. Bar: ≤ 0.3 s.

"Full measurement" is everything `recruitsim run` reports: per stage and overall, every protected
attribute, the default 2- and 3-way intersections, Wilson and Katz intervals, z and Fisher tests,
ground truth, unusual-CV types, per-rule attribution (each rule switched off) and the stratified
check. A learned model is trained once per pool world and then cached; its training time is
reported separately.

Run: python benchmarks/bench_screen_measure.py
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import best_of, verdict  # noqa: E402

from simulator.core.metrics import measure  # noqa: E402
from simulator.core.pipeline import run_pipeline  # noqa: E402
from simulator.core.pool import generate_pool  # noqa: E402
from simulator.core.scenario import builtin_ids, load  # noqa: E402

SIZE = 1_000_000


def main():
    for sid in builtin_ids():
        scenario = load(sid)
        scenario.pool.size = SIZE
        pool = generate_pool(scenario.vacancy, scenario.pool)
        start = time.perf_counter()
        run_pipeline(pool, scenario.pipeline)  # trains any learned model (once per world)
        first = time.perf_counter() - start

        def screen_and_measure():
            outcome = run_pipeline(pool, scenario.pipeline)
            return measure(outcome)

        seconds, m = best_of(screen_and_measure, repeat=5)
        groups = len(m.groups)
        print(f"{sid:<16} screen + full measurement of {SIZE:,}: {seconds:.3f} s (bar 0.3 s) — {verdict(seconds, 0.3)}"
              f"  [{groups} group rows, {len(m.rules)} attribution rows; first run incl. model training {first:.2f} s]")


if __name__ == "__main__":
    main()
