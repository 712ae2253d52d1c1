"""Pool generation speed. Bars (DESIGN.md §11): 100,000 candidates ≤ 0.12 s; 1,000,000 ≤ 1.0 s.

Run: python benchmarks/bench_generate.py
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import best_of, verdict  # noqa: E402

from simulator.core.pool import PoolSettings, Vacancy, generate_pool  # noqa: E402


def main():
    generate_pool(Vacancy(), PoolSettings(size=1000))  # load assets and warm caches
    for size, bar in ((100_000, 0.12), (1_000_000, 1.0)):
        seconds, _ = best_of(lambda: generate_pool(Vacancy(), PoolSettings(size=size, seed=7)), repeat=5)
        print(f"generate {size:>9,} candidates: {seconds:.3f} s (bar {bar} s) — {verdict(seconds, bar)}")


if __name__ == "__main__":
    main()
