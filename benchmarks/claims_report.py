"""How often each scenario's claims hold: the own seed and 20 others (tests/test_claims.py's bar:
the own seed and at least 18 of 20). Prints one line per claim with its value on the own seed and
the range over the other seeds, so a scenario writer sees how firm a sentence is.

Run: python benchmarks/claims_report.py [scenario-id-or-file ...]
"""

import sys
import time

from simulator.core.claims import check_scenario
from simulator.core.scenario import builtin_ids, load

SEEDS = range(101, 121)
BAR = 18


def report(ref: str) -> bool:
    scenario = load(ref)
    if not scenario.claims:
        print(f"{scenario.id}: no claims")
        return False
    start, cpu = time.perf_counter(), time.process_time()
    own = check_scenario(scenario)
    others = [check_scenario(scenario, seed) for seed in SEEDS]
    ok = True
    focus = scenario.focus.claim if scenario.focus else None
    print(f"{scenario.id}: {len(scenario.claims)} claims, focus {focus} "
          f"({time.perf_counter() - start:.1f} s wall, {time.process_time() - cpu:.1f} s CPU)")
    for c in scenario.claims:
        held = sum(r.holds(c.id) for r in others)
        values = [r.values[c.id].value for r in others]
        good = own.holds(c.id) and held >= BAR
        ok &= good
        print(f"  {'ok  ' if good else 'FAIL'} {c.id:28s} own {own.values[c.id].value:9.4g} "
              f"({'holds' if own.holds(c.id) else 'fails'}), {held}/20 seeds "
              f"[{min(values):.3g} … {max(values):.3g}]")
    return ok


if __name__ == "__main__":
    ids = sys.argv[1:] or builtin_ids()
    results = [report(i) for i in ids]
    print(f"{sum(results)} of {len(results)} scenarios: every claim holds on its own seed and on ≥ {BAR} of 20")
