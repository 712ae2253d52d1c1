"""How often the verdict makes a false claim, and how often it finds a real one (many generated files).

- *False intersection claims*: files where only gender changes the chance of selection, audited with
  two and with three group columns. Bar (the test of interaction's own level): at most 5% of files.
- *Real intersections found*: files where mothers are selected at a lower rate than being a woman
  and being a parent explain (power, reported, no bar).
- *False clear gaps*: files where no column matters at all (the headline would call a chance
  difference a clear gap). Bar: at most 5% of files, thanks to the Holm correction.

Run: python benchmarks/bench_claims.py [files per setting, default 1000]
"""

import sys
import time

import numpy as np
import pandas as pd

from simulator.core.audit import audit_frame
from simulator.core.findings import GAP


def frame(seed: int, n: int, effect: str) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    gender = rng.choice(["woman", "man"], n)
    origin = rng.choice(["dutch", "second_gen", "born_abroad"], n, p=[0.7, 0.15, 0.15])
    parent = rng.choice(["yes", "no"], n, p=[0.3, 0.7])
    chance = np.full(n, 0.2)
    if effect == "gender":
        chance = np.where(gender == "woman", 0.14, 0.22)
    elif effect == "mothers":
        chance = np.where((gender == "woman") & (parent == "yes"), 0.11, 0.2)
    selected = np.where(rng.random(n) < chance, "1", "0")
    return pd.DataFrame({"gender": gender, "origin": origin, "parent": parent, "selected": selected})


def rate(count: int, total: int) -> str:
    return f"{count} of {total} files ({100 * count / total:.1f}%)"


def main():
    files = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    start, cpu = time.perf_counter(), time.process_time()
    for columns in (["gender", "origin"], ["gender", "origin", "parent"]):
        claims = sum(audit_frame(frame(s, 4000, "gender"), columns, "selected").findings.intersection is not None
                     for s in range(files))
        print(f"gender only, columns {' + '.join(columns)}: intersection claimed in {rate(claims, files)} "
              f"(bar ≤ 5%: {'meets the bar' if claims <= 0.05 * files else 'MISSES THE BAR'})")
    found = 0
    for s in range(files):
        cell = audit_frame(frame(s, 4000, "mothers"), ["gender", "parent"], "selected").findings.intersection
        found += cell is not None and cell["group"] == "woman × yes"
    print(f"mothers fare worse than their groups explain: found in {rate(found, files)}")
    gaps = sum(audit_frame(frame(s, 4000, "none"), ["gender", "origin", "parent"], "selected").findings.kind == GAP
               for s in range(files))
    print(f"no effect at all: a clear gap claimed in {rate(gaps, files)} "
          f"(bar ≤ 5%: {'meets the bar' if gaps <= 0.05 * files else 'MISSES THE BAR'})")
    print(f"wall {time.perf_counter() - start:.1f} s, CPU {time.process_time() - cpu:.1f} s")


if __name__ == "__main__":
    main()
