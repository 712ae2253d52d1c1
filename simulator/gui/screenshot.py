"""`recruitsim screenshot`: render every view of a scenario to PNG files, headless (hand-outs, slides)."""

from __future__ import annotations

import os
from pathlib import Path


def render_views(scenario: str, out_dir: str | Path, lang: str = "en", size: tuple[int, int] = (1600, 1000),
                 slides: bool = False) -> list[Path]:
    """One PNG per view, named after the view (funnel.png, rates.png, ...), each ``size`` pixels;
    ``slides``: at the presentation scale (as F11 in the app), readable on a projector."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from .app import create_window

    app = QApplication.instance() or QApplication([])
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    window = create_window(lang, scenario)
    window.controller.wait()
    app.processEvents()
    # A slide shows the verdict and the view: no editors, menus or status bar.
    window.left.hide()
    window.menuBar().hide()
    window.statusBar().hide()
    window.resize(*size)
    if slides:  # after the resize: the presentation scale depends on the size (smaller at 1280×720)
        window.apply_presentation_scale(True)
    window.show()
    written = []

    def shoot(view) -> None:
        window.tabs.setCurrentWidget(view)
        app.processEvents()
        view.refresh()
        app.processEvents()
        path = out / f"{view.key}.png"
        window.grab().save(str(path), "PNG")
        written.append(path)

    scenario_obj = window.controller.scenario
    for view in window.views:
        # Views with nothing to show on a slide are skipped: Review needs a person reviewing, Study a
        # replayed study, Compare a change (shot below, after the scenario's before/after switch).
        if view.key in ("review", "compare") or (view.key == "study" and scenario_obj.replay is None):
            continue
        shoot(view)
    if scenario_obj.before_after is not None:
        window.walkthrough.toggle_before_after()  # freezes "before" as A and runs the "after" as B
        window.controller.wait()
        app.processEvents()
        shoot(window.view("compare"))
    if slides:
        window.apply_presentation_scale(False)  # the next window in this process is not a slide
    window.close()
    return written

