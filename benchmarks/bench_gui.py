"""Interactive speed of the app. Bars (DESIGN.md §11, issue 10): a parameter change redraws the
visible view in ≤ 100 ms at 100,000 candidates and ≤ 30 ms at 10,000 (run in the worker included);
launch to the window ≤ 1.0 s CPU; launch to the first chart ≤ 2.5 s CPU (≤ 3 s wall for every
scenario). Dragging a slider: benchmarks/bench_slider.py.

Start-up is measured on the real entry point (``recruitsim`` = ``simulator.cli.main([])``) in a fresh
process: "window" is when the main window's first paint is done, "first chart" is when the visible
view has been painted with the default scenario's run (the verdict's details, computed afterwards
in a worker, are not waited for). Times run from just before the process is started, so they
include the interpreter's own start; CPU is ``time.process_time()`` (every thread of the process).
The same run measures a baseline: a bare ``python -c "import PySide6.QtWidgets"``.

Python's compiled bytecode is cached, as it is for an installed app (pip compiles it; an editable
install writes it on the first start): the children write and read it in a private folder
(PYTHONPYCACHEPREFIX), warmed by one untimed start, so an environment with PYTHONDONTWRITEBYTECODE=1
does not compile the app's 60-odd modules (0.3 s CPU) at every start. ``--compile`` measures that
case instead.

A "parameter change" here is the gap limit of the cv-gap scenario's first knock-out, changed through
its spin box; the time runs from the change to the visible view having been repainted (the pool is
already generated; the debounce pause is not counted). Measured for every view; offscreen rendering.

Run: python benchmarks/bench_gui.py                (everything)
     python benchmarks/bench_gui.py --startup      (only launch → window and → first chart, default scenario)
     python benchmarks/bench_gui.py --startup -n 9 (more runs: the best and the median are reported)
     python benchmarks/bench_gui.py --startup --compile  (no bytecode cache: the source is compiled at every start)
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# The app's own start: `recruitsim` with no arguments. A QApplication subclass lends its exec() to
# watch the event loop: an application-wide event filter notes the main window's first paint and the
# first paint inside the visible view once a run has arrived; each time is read once that paint is
# done (a zero-delay timer), then the loop quits and main() returns.
STARTUP = r"""
import sys, time
start = float(sys.argv[1])
scenario = sys.argv[2]
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

marks = {}

def mark(name):
    if name not in marks:
        marks[name] = (time.time() - start, time.process_time())
    if name == "chart":
        QApplication.instance().quit()

class Probe(QObject):
    window = None

    def eventFilter(self, obj, event):
        if event.type() != QEvent.Type.Paint:
            return False
        if self.window is None:
            from simulator.gui.main_window import MainWindow
            if isinstance(obj, MainWindow):
                self.window = obj
                QTimer.singleShot(0, lambda: mark("window"))
            return False
        view = self.window.tabs.currentWidget()
        if "window" in marks and self.window.controller.result is not None and \
                (obj is view or (isinstance(obj, QWidget) and view.isAncestorOf(obj))):
            QTimer.singleShot(0, lambda: mark("chart"))
        return False

class App(QApplication):
    def exec(self):
        QTimer.singleShot(60_000, self.quit)  # never hang
        return super().exec()

app = App([])
probe = Probe()
app.installEventFilter(probe)
if scenario:
    import simulator.gui.main_window
    simulator.gui.main_window.DEFAULT_SCENARIO = scenario
from simulator.cli import main
main([])
probe.window.controller.cancel()
probe.window.controller.wait()
print(*marks["window"], *marks["chart"])
"""

BASELINE = "import time, sys; import PySide6.QtWidgets; print(time.time() - float(sys.argv[1]), time.process_time())"


COMPILE = "--compile" in sys.argv  # measure without a bytecode cache


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    if COMPILE:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.pop("PYTHONPYCACHEPREFIX", None)
    else:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = os.path.join(tempfile.gettempdir(), "recruitsim-bench-pycache")
    return env


def _runs(code: str, args: list[str], repeat: int) -> list[list[float]]:
    env = _environment()
    if not COMPILE:  # an untimed start writes the bytecode cache
        subprocess.run([sys.executable, "-c", code, repr(time.time()), *args], capture_output=True, env=env)
    runs = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", code, repr(time.time()), *args], capture_output=True, text=True,
                             env=env)
        if out.returncode:
            raise RuntimeError(out.stderr)
        runs.append([float(x) for x in out.stdout.strip().splitlines()[-1].split()])
    return runs


def _summary(values: list[float]) -> str:
    return f"best {min(values):.2f}, median {statistics.median(values):.2f}"


def startup(scenario: str = "", repeat: int = 5) -> list[list[float]]:
    """Per run: seconds from launching Python to the window painted (wall, CPU) and to the first chart
    painted (wall, CPU)."""
    return _runs(STARTUP, [scenario], repeat)


def baseline(repeat: int = 5) -> list[list[float]]:
    """Per run: seconds (wall, CPU) of a bare ``python -c "import PySide6.QtWidgets"``."""
    return _runs(BASELINE, [], repeat)


def report_startup(repeat: int = 5) -> None:
    base = baseline(repeat)
    runs = startup(repeat=repeat)
    print("bytecode: " + ("not cached, compiled at every start (--compile)" if COMPILE else
                          "cached, as for an installed app (--compile: compiled at every start)"))
    print(f"baseline, bare `import PySide6.QtWidgets` ({repeat} runs): wall {_summary([r[0] for r in base])} s, "
          f"CPU {_summary([r[1] for r in base])} s")
    shown_cpu, chart_cpu = [r[1] for r in runs], [r[3] for r in runs]
    print(f"launch → window painted ({repeat} runs): wall {_summary([r[0] for r in runs])} s, "
          f"CPU {_summary(shown_cpu)} s (bar 1.0 s CPU) — "
          f"{'meets the bar' if statistics.median(shown_cpu) <= 1.0 else 'MISSES THE BAR'} (median)")
    print(f"launch → first chart of the default scenario ({repeat} runs): wall {_summary([r[2] for r in runs])} s, "
          f"CPU {_summary(chart_cpu)} s (bar 2.5 s CPU) — "
          f"{'meets the bar' if statistics.median(chart_cpu) <= 2.5 else 'MISSES THE BAR'} (median)")


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
        times, cpu = [], []
        for k in range(6):
            shown = []

            def arrived(_, shown=shown):
                shown.append(True)

            window.controller.result_ready.connect(arrived)
            start, start_cpu = time.perf_counter(), time.process_time()
            spin.setValue(6 + (k % 2) * 6)  # alternate 6 and 12 months
            window.controller.run_now()  # skip the debounce pause
            while not shown:  # the run happens in a worker thread; the window draws when it arrives
                app.processEvents()
                time.sleep(0.0005)
            view.grab()  # forces the repaint
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
            window.controller.result_ready.disconnect(arrived)
            window.controller.wait()  # the verdict's findings follow in the background: not part of the redraw
        results[view.key] = (statistics.median(times[1:]), statistics.median(cpu[1:]))
    window.close()
    return results


def main(argv: list[str]) -> None:
    repeat = int(argv[argv.index("-n") + 1]) if "-n" in argv else 5
    if "--redraw" not in argv:
        report_startup(repeat)
    if "--startup" in argv:
        return
    from simulator.core.scenario import builtin_ids

    charts = {} if "--redraw" in argv else \
        {sid: statistics.median(r[2] for r in startup(sid, repeat=3)) for sid in builtin_ids()}
    slowest = max(charts, key=charts.get) if charts else None
    print() if not charts else print("launch → first chart per scenario, median wall of 3 (bar 3 s): "
          + ", ".join(f"{k} {v:.2f}" for k, v in charts.items())
          + f"; slowest {slowest} {charts[slowest]:.2f} s — {'meets the bar' if charts[slowest] <= 3 else 'MISSES THE BAR'}")
    for size, bar in ((10_000, 0.030), (100_000, 0.100)):
        results = redraw(size)
        worst = max(results, key=lambda k: results[k][0])
        detail = ", ".join(f"{k} {1000 * wall:.0f} ({1000 * cpu:.0f} CPU)" for k, (wall, cpu) in results.items())
        status = "meets the bar" if results[worst][0] <= bar else "MISSES THE BAR"
        print(f"{size:>7,} candidates: change → redraw, median ms per view, wall (CPU): {detail}; "
              f"slowest {worst} {1000 * results[worst][0]:.0f} ms (bar {1000 * bar:.0f} ms) — {status}")


if __name__ == "__main__":
    main(sys.argv[1:])
