"""Our intersectional selection-rate audit against fairlearn's MetricFrame on the same 1,000,000 decisions.

Both compute the selection rate for every cell of gender x age band x origin. fairlearn's
MetricFrame does only that; ours also adds Wilson intervals, impact ratios with Katz intervals,
pooled z and Fisher's exact test per cell, and is still timed in full. Bar: ours ≥ 20x faster.
fairlearn is a benchmark-only dependency: pip install -e ".[bench]".

Run: python benchmarks/bench_fairlearn.py
"""

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import best_of, verdict  # noqa: E402

from simulator.core.grouptable import TableSpec, compare_tables  # noqa: E402
from simulator.core.pipeline import run_pipeline  # noqa: E402
from simulator.core.pool import generate_pool  # noqa: E402
from simulator.core.scenario import load  # noqa: E402
from simulator.core.world import CATEGORIES  # noqa: E402

ATTRS = ("gender", "age_band", "origin")


def ours(codes: dict, selected: np.ndarray):
    sizes = [len(CATEGORIES[a]) for a in ATTRS]
    cell = np.zeros(len(selected), dtype=np.int32)
    for a, size in zip(ATTRS, sizes):
        cell = cell * size + codes[a]
    total = int(np.prod(sizes))
    n = np.bincount(cell, minlength=total)
    s = np.bincount(cell[selected], minlength=total)
    names = [" × ".join(c) for c in pd.MultiIndex.from_product([CATEGORIES[a] for a in ATTRS])]
    return compare_tables([TableSpec(" × ".join(ATTRS), names, n, s, True, None, 3)])


def main():
    try:
        from fairlearn.metrics import MetricFrame, selection_rate
    except ImportError:
        print("fairlearn is not installed: pip install -e '.[bench]'")
        return
    scenario = load("cv-gap")
    scenario.pool.size = 1_000_000
    pool = generate_pool(scenario.vacancy, scenario.pool)
    selected = run_pipeline(pool, scenario.pipeline).selected
    codes = {a: pool[a] for a in ATTRS}
    # fairlearn gets the same decisions as labelled columns, as a user would pass them.
    sensitive = pd.DataFrame({a: pd.Categorical.from_codes(pool[a], CATEGORIES[a]) for a in ATTRS})
    y = selected.astype(int)

    def theirs():
        return MetricFrame(metrics=selection_rate, y_true=y, y_pred=y, sensitive_features=sensitive).by_group

    t_ours, table = best_of(lambda: ours(codes, selected), repeat=5)
    t_theirs, by_group = best_of(theirs, repeat=3)
    # Same numbers? Compare the selection rate of every non-empty cell.
    ours_rates = dict(zip(table["group"], table["rate"]))
    worst = max(abs(ours_rates[" × ".join(k)] - v) for k, v in by_group.items() if not np.isnan(v))
    ratio = t_theirs / t_ours
    print(f"ours (rates + intervals + tests): {1000 * t_ours:.1f} ms; fairlearn MetricFrame (rates only): "
          f"{1000 * t_theirs:.1f} ms; ours is {ratio:.0f}x faster (bar 20x) — {verdict(ratio, 20, lower_is_better=False)}")
    print(f"largest difference in any cell's selection rate: {worst:.2e}")


if __name__ == "__main__":
    main()
