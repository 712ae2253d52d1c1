"""Peak resident memory of the app with 1,000,000 candidates. Bar (issue 10): ≤ 600 MB.

What is measured, in a fresh process per scenario: the main window is created and shown, the
scenario is loaded with its pool set to 1,000,000 candidates, its run (in the worker thread, with the
texts and the verdict's findings) finishes and the visible view is drawn; then the process's peak
resident set (``resource.getrusage(...).ru_maxrss``) is read. Offscreen rendering. The core alone
(no window) is measured by benchmarks/bench_memory.py.

Run: python benchmarks/bench_gui_memory.py                 (the default scenario, cv-gap)
     python benchmarks/bench_gui_memory.py --all           (every built-in scenario)
     python benchmarks/bench_gui_memory.py ID [ID ...]     (the scenarios named)
     python benchmarks/bench_gui_memory.py --trace ID      (also the 25 largest allocation sites, tracemalloc)
"""

import os
import subprocess
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SIZE = 1_000_000
BAR_MB = 600

CHILD = r"""
import resource, sys, time
scenario_id, size, trace = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
if trace:
    import tracemalloc
    tracemalloc.start(12)
from PySide6.QtWidgets import QApplication
app = QApplication([])
from simulator.core.scenario import load
from simulator.gui.app import create_window
window = create_window(load=False)
window.show()
app.processEvents()
scenario = load(scenario_id)
scenario.pool.size = size
window.controller.load(scenario)
window.controller.wait(600_000)
app.processEvents()
window.tabs.currentWidget().grab()
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
if trace:
    current, peak = tracemalloc.get_traced_memory()
    print(f"tracemalloc: now {current / 2**20:.0f} MB, peak {peak / 2**20:.0f} MB", file=sys.stderr)
    for stat in tracemalloc.take_snapshot().statistics("traceback")[:25]:
        print(f"{stat.size / 2**20:8.1f} MB", file=sys.stderr)
        for line in stat.traceback.format()[-8:]:
            print("    " + line, file=sys.stderr)
assert len(window.controller.result.pool) == size
print(peak_mb)
"""


def peak(scenario_id: str, size: int = SIZE, trace: bool = False) -> float:
    """Peak resident megabytes of a fresh app process that ran ``scenario_id`` at ``size`` candidates."""
    out = subprocess.run([sys.executable, "-c", CHILD, scenario_id, str(size), "1" if trace else "0"],
                         capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(out.stderr)
    if trace:
        sys.stderr.write(out.stderr)
    return float(out.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> None:
    from simulator.core.scenario import builtin_ids
    from simulator.gui.main_window import DEFAULT_SCENARIO

    trace = "--trace" in argv
    argv = [a for a in argv if a != "--trace"]
    ids = builtin_ids() if argv == ["--all"] else argv or [DEFAULT_SCENARIO]
    for sid in ids:
        mb = peak(sid, trace=trace)
        status = "meets the bar" if mb <= BAR_MB else "MISSES THE BAR"
        print(f"{sid:<18} app peak resident memory, {SIZE:,} candidates: {mb:.0f} MB (bar {BAR_MB} MB) — {status}",
              flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
