"""Review speed: the next card appears ≤ 50 ms after a decision, with 100,000 candidates (issue 4).

Times `confirm()`: saving the decision to the session file (committed, synced) and showing the next
card with its machine advice and reason. The last decision of a queue opens the feedback page
instead; that time is reported on its own. Offscreen rendering, a session file in a temporary folder.

Run: python benchmarks/bench_review.py
"""

import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main():
    from PySide6.QtWidgets import QApplication

    from simulator.gui.controller import Controller
    from simulator.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    for sid in ("cv-gap", "biased-history"):
        with tempfile.TemporaryDirectory() as folder:
            window = MainWindow(Controller("en", session_dir=Path(folder)))
            window.load_scenario(sid)
            window.controller.scenario.pool.size = 100_000
            window.controller.run_now()
            window.controller.wait()
            app.processEvents()
            window.resize(1480, 920)
            window.show()
            review = window.view("review")
            window.tabs.setCurrentWidget(review)
            review.participant.setText("bench")
            review.count.setValue(60)
            review.start()
            times = []
            for k in range(60):
                review.decide(k % 3 == 0)
                review.reason.setCurrentIndex(1)
                start = time.perf_counter()
                review.confirm()
                review.card.grab()  # the next card painted
                times.append(time.perf_counter() - start)
            window.close()
        cards, last = times[:-1], times[-1]  # the last decision opens the feedback page instead
        median, worst = statistics.median(cards), max(cards)
        status = "meets the bar" if worst <= 0.05 else "MISSES THE BAR"
        print(f"{sid:<16} decision → next card at 100,000 candidates: median {1000 * median:.1f} ms, "
              f"slowest {1000 * worst:.1f} ms (bar 50 ms) — {status}; last decision → feedback page "
              f"(you and four simulated reviewers): {1000 * last:.0f} ms")


if __name__ == "__main__":
    main()
