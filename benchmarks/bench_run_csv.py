"""`recruitsim run SCENARIO --size 1000000 --csv FILE`, end to end, for every built-in scenario. Bar: ≤ 10 s.

Each run is a fresh process (imports included, as a user runs it), timed for wall and CPU time
(children's user + system); peak memory is reported beside them. `run --csv` must be linear in the
pool size: a 100,000-candidate run is timed too, for the ratio.

With ``--size 5000000`` (issue 11: ≤ 60 s) the large run is 5,000,000 candidates and the ratio is
taken against 500,000; the peak RSS column is then the largest child so far.

Run: python benchmarks/bench_run_csv.py [--size N] [scenario ...]
"""

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from simulator.core.scenario import builtin_ids

BAR = 10.0


def timed(args) -> tuple[float, float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "simulator.cli", *args], check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss // 1024


def main():
    args = sys.argv[1:]
    big = 1_000_000
    if args[:1] == ["--size"]:
        big, args = int(args[1]), args[2:]
    bar = BAR if big <= 1_000_000 else 60.0
    ids = args or builtin_ids()
    worst = 0.0
    with tempfile.TemporaryDirectory() as folder:
        target = str(Path(folder) / "candidates.csv")
        for sid in ids:
            small_wall, small_cpu, _ = timed(["run", sid, "--size", str(big // 10), "--csv", target])
            wall, cpu, peak = timed(["run", sid, "--size", str(big), "--csv", target])
            size = os.path.getsize(target) / 1e6
            worst = max(worst, wall)
            print(f"{sid:<20} {big:,}: wall {wall:5.1f} s, CPU {cpu:5.1f} s, CSV {size:4.0f} MB, peak RSS so far "
                  f"{peak} MB | {big // 10:,}: wall {small_wall:4.1f} s, CPU {small_cpu:4.1f} s | CPU ratio "
                  f"{cpu / small_cpu:4.1f}", flush=True)
    print(f"slowest: {worst:.1f} s wall (bar ≤ {bar:.0f} s): {'meets the bar' if worst <= bar else 'MISSES THE BAR'}")


if __name__ == "__main__":
    main()
