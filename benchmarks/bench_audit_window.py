"""File → Audit my decisions… on a 1,000,000-row CSV: from opening the file to the first chart drawn.

Bar (issue 14): ≤ 3 s, with progress shown while reading. The window runs offscreen in this process;
the clock starts when ``open_file`` is called and stops when the window has drawn the first audit
(``audit_ready``): reading every column, listing each column's values, guessing the mapping,
measuring it and drawing. Beside it, the baseline in the same run: pandas reading the same file
with every column as text. Wall and CPU time (``time.process_time``, which counts the worker
threads too) of the fastest of REPEAT runs, and the median wall time.

Run: python benchmarks/bench_audit_window.py
"""

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_audit import make_file  # noqa: E402  (the same 1,000,000-row export)

REPEAT = 3


def first_chart(path: Path):
    from PySide6.QtCore import QEventLoop, QTimer

    from simulator.gui.audit_window import AuditWindow

    win = AuditWindow("nl")
    win.show()
    progress = []
    win._signals.progress.connect(lambda f, _: progress.append(f))
    loop = QEventLoop()
    win.audit_ready.connect(loop.quit)
    QTimer.singleShot(120_000, loop.quit)
    start, cpu = time.perf_counter(), time.process_time()
    win.open_file(str(path))
    loop.exec()
    wall, used = time.perf_counter() - start, time.process_time() - cpu
    drawn = len(win.rates_chart.drawn["labels"])
    error = win.error
    win.close()
    win.deleteLater()
    return wall, used, len(progress), drawn, error


def main():
    import pandas as pd
    from PySide6.QtWidgets import QApplication

    from simulator.gui.style import configure_pyqtgraph

    app = QApplication.instance() or QApplication([])
    configure_pyqtgraph()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "decisions.csv"
        make_file(path)
        base = []
        for _ in range(REPEAT):
            start, cpu = time.perf_counter(), time.process_time()
            pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
            base.append((time.perf_counter() - start, time.process_time() - cpu))
        base.sort()
        print(f"baseline, pandas reads every column as text: wall {base[0][0]:.2f} s "
              f"(median {base[len(base) // 2][0]:.2f} s), CPU {base[0][1]:.2f} s")
        runs = sorted(first_chart(path) for _ in range(REPEAT))
        wall, used, progress, drawn, error = runs[0]
        print(f"window, open file → first chart: wall {wall:.2f} s (median {runs[len(runs) // 2][0]:.2f} s), "
              f"CPU {used:.2f} s; {progress} progress updates; {drawn} bars drawn; "
              f"{'error: ' + error if error else 'no error'} "
              f"(bar 3 s: {'meets the bar' if wall <= 3 and not error else 'MISSES THE BAR'})")
    app.processEvents()


if __name__ == "__main__":
    main()
