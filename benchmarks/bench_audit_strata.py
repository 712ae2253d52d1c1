"""`audit --strata` when groups × strata is large: nothing may grow with groups × strata.

Three files of 100,000 rows (seeded), audited in this process by ``core.audit.audit_file`` (reading
the CSV, counting, the statistics, the findings), in the same run:

- baseline: 3 groups × 5 strata;
- 1,000 groups × 1,000 strata (the reliability report of 2026-11: "did not finish in 600 s");
- 1,000 groups × 100,000 strata (a candidate number given as the strata column: one row a stratum).

Wall time (``time.perf_counter``) and CPU time (``time.process_time``) of the fastest of REPEAT
runs, and the number of stratified comparisons made. The statistics libraries are imported before
the first timing (a warm-up audit), so every case pays the same.

Measured on the 2-CPU development machine, fastest of 3 (wall / CPU):

    case                 before (20bed76)        after
    3 × 5                0.05 s / 0.05 s         0.03 s / 0.03 s
    1,000 × 1,000        1.12 s / 1.07 s         0.66 s / 0.65 s
    1,000 × 100,000      31.0 s / 24.6 s         0.31 s / 0.31 s   (peak 1.7 GB before, 165 MB after)

Run: python benchmarks/bench_audit_strata.py [--once]
"""

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROWS = 100_000
REPEAT = 3
CASES = [("baseline: 3 groups × 5 strata", 3, 5), ("1,000 groups × 1,000 strata", 1000, 1000),
         ("1,000 groups × 100,000 strata", 1000, ROWS)]


def make_file(path: Path, groups: int, strata: int, seed: int = 2026) -> None:
    rng = np.random.default_rng(seed)
    group = rng.integers(0, groups, ROWS)
    stratum = np.arange(ROWS) if strata == ROWS else rng.integers(0, strata, ROWS)
    chance = 0.1 + 0.2 * (group % 7) / 7  # real differences between groups, so comparisons are made
    selected = (rng.random(ROWS) < chance).astype(int)
    pd.DataFrame({"group": [f"g{g}" for g in group], "stratum": [f"s{s}" for s in stratum],
                  "selected": selected}).to_csv(path, index=False)


def timed(path: Path, repeat: int) -> tuple[float, float, int]:
    from simulator.core.audit import audit_file

    runs = []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        audit = audit_file(str(path), ["group"], "selected", "stratum")
        runs.append((time.perf_counter() - wall, time.process_time() - cpu, len(audit.stratified)))
    return min(runs)


def main(repeat: int) -> None:
    from simulator.core.audit import audit_frame

    warm = pd.DataFrame({"g": ["a", "b"] * 20, "s": ["x"] * 20 + ["y"] * 20, "selected": ["1", "0", "0", "1"] * 10})
    audit_frame(warm, ["g"], "selected", "s")
    with tempfile.TemporaryDirectory() as folder:
        for name, groups, strata in CASES:
            path = Path(folder) / f"{groups}x{strata}.csv"
            make_file(path, groups, strata)
            wall, cpu, compared = timed(path, repeat)
            print(f"{name} ({ROWS:,} rows): wall {wall:.2f} s, CPU {cpu:.2f} s, {compared} stratified comparisons",
                  flush=True)


if __name__ == "__main__":
    main(1 if "--once" in sys.argv else REPEAT)
