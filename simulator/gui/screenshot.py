"""`recruitsim screenshot`: render every view of a scenario to PNG files, headless (hand-outs, slides)."""

from __future__ import annotations

import os
from pathlib import Path


def render_views(scenario: str, out_dir: str | Path, lang: str = "en", size: tuple[int, int] = (1600, 1000)) -> list[Path]:
    """One PNG per view, named after the view (funnel.png, rates.png, ...), each ``size`` pixels."""
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
    window.show()
    window.controller.freeze()  # Compare shows run A beside the same run B
    written = []
    for i, view in enumerate(window.views):
        window.tabs.setCurrentIndex(i)
        app.processEvents()
        view.refresh()
        app.processEvents()
        path = out / f"{view.key}.png"
        window.grab().save(str(path), "PNG")
        written.append(path)
    window.close()
    return written
