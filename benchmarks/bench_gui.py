"""Interactive speed of the app. Bars (DESIGN.md §11, issue 10): a parameter change redraws the
visible view in ≤ 100 ms at 100,000 candidates and ≤ 30 ms at 10,000 (run in the worker included);
launch to the window ≤ 1.0 s CPU; launch to the first chart ≤ 2.5 s CPU (≤ 3 s wall for every
scenario). Dragging a slider: benchmarks/bench_slider.py.

A "parameter change" here is the gap limit of the cv-gap scenario's first knock-out, changed through
its spin box; the time runs from the change to the visible view having been repainted (the pool is
already generated; the debounce pause is not counted). Measured for every view; offscreen rendering.

Run: python benchmarks/bench_gui.py
"""

import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# The same steps as simulator.gui.app.main: open the window, then load the default scenario.
STARTUP = r"""
import time, sys
start = float(sys.argv[1])
scenario = sys.argv[2]
from PySide6.QtWidgets import QApplication
app = QApplication([])
from simulator.gui.app import create_window
from simulator.gui.main_window import DEFAULT_SCENARIO
w = create_window(load=False)
w.show()
app.processEvents()
w.grab()
shown = time.time() - start
shown_cpu = time.process_time()  # CPU since the interpreter started (every thread)
w.load_scenario(scenario or DEFAULT_SCENARIO)
app.processEvents()
w.controller.wait()
w.tabs.currentWidget().grab()
print(shown, time.time() - start, shown_cpu, time.process_time())
"""


def startup(scenario: str = "", repeat: int = 3) -> tuple[float, float, float, float]:
    """Seconds from launching Python to (window shown, first chart drawn), wall and CPU; best of ``repeat``."""
    runs = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", STARTUP, repr(time.time()), scenario], capture_output=True,
                             text=True, check=True)
        runs.append(tuple(float(x) for x in out.stdout.strip().splitlines()[-1].split()))
    return tuple(min(run[i] for run in runs) for i in range(4))


def redraw(size: int) -> dict[str, float]:
    from PySide6.QtWidgets import QApplication

    from simulator.gui.app import create_window

    app = QApplication.instance() or QApplication([])
    window = create_window()
    window.resize(1480, 920)
    window.show()
    window.controller.scenario.pool.size = size
    window.controller.run_now()
    app.processEvents()
    editor = window.pipeline_editor
    editor.select(0, 1)
    spin = editor.form.widgets["knockout_months"]
    results = {}
    for i, view in enumerate(window.views):
        window.tabs.setCurrentIndex(i)
        app.processEvents()
        times = []
        for k in range(6):
            start = time.perf_counter()
            spin.setValue(6 + (k % 2) * 6)  # alternate 6 and 12 months
            window.controller.run_now()  # skip the debounce pause
            window.controller.wait()  # the run happens in a worker thread
            view.grab()  # forces the repaint
            times.append(time.perf_counter() - start)
        results[view.key] = statistics.median(times[1:])
    window.close()
    return results


def main():
    shown, chart, shown_cpu, chart_cpu = startup()
    print(f"launch → window shown and responsive: wall {shown:.2f} s, CPU {shown_cpu:.2f} s (bar 1.0 s CPU) — "
          f"{'meets the bar' if shown_cpu <= 1.0 else 'MISSES THE BAR'}")
    print(f"launch → first chart of the default scenario: wall {chart:.2f} s, CPU {chart_cpu:.2f} s (bar 2.5 s CPU) — "
          f"{'meets the bar' if chart_cpu <= 2.5 else 'MISSES THE BAR'}")
    from simulator.core.scenario import builtin_ids

    charts = {sid: startup(sid, repeat=2)[1] for sid in builtin_ids()}
    slowest = max(charts, key=charts.get)
    print("launch → first chart per scenario (bar 3 s): " + ", ".join(f"{k} {v:.2f}" for k, v in charts.items())
          + f"; slowest {slowest} {charts[slowest]:.2f} s — {'meets the bar' if charts[slowest] <= 3 else 'MISSES THE BAR'}")
    for size, bar in ((10_000, 0.030), (100_000, 0.100)):
        results = redraw(size)
        worst = max(results, key=results.get)
        detail = ", ".join(f"{k} {1000 * v:.0f}" for k, v in results.items())
        status = "meets the bar" if results[worst] <= bar else "MISSES THE BAR"
        print(f"{size:>7,} candidates: change → redraw, median ms per view: {detail}; "
              f"slowest {worst} {1000 * results[worst]:.0f} ms (bar {1000 * bar:.0f} ms) — {status}")


if __name__ == "__main__":
    main()
