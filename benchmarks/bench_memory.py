"""Peak resident memory for 1,000,000 candidates: generate, screen, measure, in a fresh process. Bar: ≤ 600 MB.

Run: python benchmarks/bench_memory.py
"""

import subprocess
import sys

CHILD = r"""
import resource, sys
from simulator.core import engine
from simulator.core.scenario import load
result = engine.run(load(sys.argv[1]), size=1_000_000)
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(peak_kb / 1024)
"""


def main():
    from simulator.core.scenario import builtin_ids

    for sid in builtin_ids():
        out = subprocess.run([sys.executable, "-c", CHILD, sid], capture_output=True, text=True, check=True)
        peak = float(out.stdout.strip())
        status = "meets the bar" if peak <= 600 else "MISSES THE BAR"
        print(f"{sid:<16} peak resident memory for 1,000,000 candidates: {peak:.0f} MB (bar 600 MB) — {status}")


if __name__ == "__main__":
    main()
