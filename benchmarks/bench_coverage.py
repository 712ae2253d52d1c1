"""Coverage of the 95% impact-ratio interval over small groups and extreme rates. Bar: ≥ 93% everywhere.

Coverage is computed *exactly*, not sampled: for true rates p1 (focal) and p2 (reference) and group
sizes n1, n2, every possible outcome (a of n1, b of n2 selected) is weighted by its binomial
probability, and the weights of the outcomes whose interval contains p1/p2 are added up. Outcomes
where the reference has nobody selected have no ratio and are left out (their probability is
printed). A Monte Carlo run through the app's own ``compare_many`` confirms a few grid points.

The grid is DESIGN.md's edge cases: n1 in 5…100, n2 in 10…300, rates 0, 2%, 5%, 10% … 95%, 100%.
The plain Katz log interval (what the app used before) is measured beside it for comparison.

Run: python benchmarks/bench_coverage.py
"""

import sys
import time
from pathlib import Path

import numpy as np
from scipy.stats import binom, norm

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import verdict  # noqa: E402

from simulator.core.stats import compare_many, impact_ratio_interval  # noqa: E402

N1 = (5, 10, 20, 30, 50, 100)
N2 = (10, 30, 100, 300)
P1 = (0.0, 0.02, 0.05, 0.1, 0.3, 0.5, 0.7, 0.9, 0.95, 1.0)
P2 = (0.1, 0.3, 0.5, 0.7, 0.9, 0.95, 1.0)
BAR = 0.93


def katz(a, n1, b, n2):
    """The plain Katz log interval, with 0.5 added to every count where a cell is 0 or full."""
    edge = (a == 0) | (a == n1) | (b == n2)
    a_, b_ = np.where(edge, a + 0.5, a), np.where(edge, b + 0.5, b)
    n1_, n2_ = np.where(edge, n1 + 0.5, n1), np.where(edge, n2 + 0.5, n2)
    ratio = (a_ / n1_) / (b_ / n2_)
    se = np.sqrt(np.maximum(1 / a_ - 1 / n1_ + 1 / b_ - 1 / n2_, 0))
    z = norm.isf(0.025)
    return ratio * np.exp(-z * se), ratio * np.exp(z * se)


def exact_coverage(interval, n1, n2, p1, p2):
    a = np.arange(n1 + 1)
    b = np.arange(1, n2 + 1)
    grid_a, grid_b = (x.ravel() for x in np.meshgrid(a, b, indexing="ij"))
    low, high = interval(grid_a, np.full(grid_a.size, n1), grid_b, np.full(grid_a.size, n2))
    theta = p1 / p2
    covered = ((low <= theta * (1 + 1e-9) + 1e-12) & (high >= theta * (1 - 1e-9))).reshape(len(a), len(b))
    weight = binom.pmf(a, n1, p1)[:, None] * binom.pmf(b, n2, p2)[None, :]
    defined = weight.sum()
    return float((weight * covered).sum() / defined), float(defined)


def main():
    start, cpu = time.perf_counter(), time.process_time()
    for name, interval in (("MOVER-R, Clopper–Pearson (the app)", impact_ratio_interval), ("Katz log (before)", katz)):
        results = []
        for n1 in N1:
            for n2 in N2:
                for p1 in P1:
                    for p2 in P2:
                        coverage, defined = exact_coverage(interval, n1, n2, p1, p2)
                        results.append((coverage, n1, n2, p1, p2, defined))
        values = np.array([r[0] for r in results])
        worst = min(results)
        print(f"{name}: {len(results)} grid points, coverage min {values.min():.4f} "
              f"(n1={worst[1]}, n2={worst[2]}, p1={worst[3]}, p2={worst[4]}), mean {values.mean():.4f}, "
              f"below {BAR:.0%}: {int((values < BAR).sum())} points")
        if name.endswith("(the app)"):
            print(f"  bar ≥ {BAR:.0%} at every point: {verdict(values.min(), BAR, lower_is_better=False)}")
    # Monte Carlo through the app's own path, at the hardest points of the grid.
    rng = np.random.default_rng(2026)
    for n1, n2, p1, p2 in ((5, 10, 1.0, 0.9), (10, 300, 0.9, 1.0), (10, 30, 0.05, 0.9), (30, 100, 0.1, 1.0)):
        sims = 20_000
        a = rng.binomial(n1, p1, sims)
        b = rng.binomial(n2, p2, sims)
        keep = b > 0
        result = compare_many(a[keep], np.full(keep.sum(), n1), b[keep], np.full(keep.sum(), n2))
        low, high = result["impact_ratio_ci"]
        theta = p1 / p2
        covered = np.mean((low <= theta * (1 + 1e-9) + 1e-12) & (high >= theta * (1 - 1e-9)))
        print(f"  simulated through compare_many: n1={n1} n2={n2} p1={p1} p2={p2}: {covered:.4f} of {keep.sum():,}")
    print(f"wall {time.perf_counter() - start:.1f} s, CPU {time.process_time() - cpu:.1f} s")


if __name__ == "__main__":
    main()
