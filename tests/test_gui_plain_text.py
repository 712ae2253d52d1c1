"""Texts from a scenario file are shown as plain text: HTML in a title, lesson, stage name, quiz or
walk-through never formats the window, and ``<img src='file:///…'>`` never makes it open a file."""

from __future__ import annotations

import tomllib

import pytest
import tomli_w
from PySide6.QtWidgets import QAbstractItemView, QApplication, QGraphicsTextItem, QGraphicsView, QLabel, QTextEdit

from conftest import wait_for_run

from simulator.core.progress import Progress
from simulator.core.scenario import scenarios_dir
from simulator.gui.controller import Controller
from simulator.gui.main_window import MainWindow
from simulator.gui.practice import QuizDialog

PAYLOAD = "<img src='file:///etc/hostname'><b>INJ</b> "


def _inject(value):
    """Every {en, nl} text of a scenario with the payload in front."""
    if isinstance(value, dict):
        if set(value) == {"en", "nl"} and all(isinstance(v, str) for v in value.values()):
            return {k: PAYLOAD + v for k, v in value.items()}
        return {k: _inject(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_inject(v) for v in value]
    return value


@pytest.fixture
def injected(tmp_path):
    data = tomllib.loads((scenarios_dir() / "cv-gap.toml").read_text(encoding="utf-8"))
    path = tmp_path / "injected.toml"
    path.write_text(tomli_w.dumps(_inject(data)), encoding="utf-8")
    return path


def _rendered_html(where: str, text: str, rich: bool) -> list[str]:
    """The payload, where a widget renders its text as HTML (escaped it reads &lt;img, and is safe)."""
    return [f"{where}: {text[:80]!r}"] if rich and "<img" in text else []


def _scan(app) -> list[str]:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import Qt as GuiQt

    found = []
    for widget in app.allWidgets():
        name = f"{type(widget).__name__} {widget.objectName()}"
        if isinstance(widget, QLabel):
            rich = widget.textFormat() == Qt.TextFormat.RichText or (
                widget.textFormat() == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(widget.text()))
            found += _rendered_html(name, widget.text(), rich)
        if isinstance(widget, QTextEdit):
            found += _rendered_html(name, widget.toHtml(), True)
        tip = widget.toolTip()
        found += _rendered_html(f"{name} tooltip", tip, GuiQt.mightBeRichText(tip))
        if isinstance(widget, QGraphicsView) and widget.scene() is not None:
            for item in widget.scene().items():
                if isinstance(item, QGraphicsTextItem):
                    found += _rendered_html(f"{name} chart text", item.toHtml(), True)
        model = widget.model() if isinstance(widget, QAbstractItemView) else None
        if model is not None and widget.isVisible():
            for r in range(min(model.rowCount(), 50)):
                for c in range(min(model.columnCount(), 30)):
                    tip = model.data(model.index(r, c), Qt.ItemDataRole.ToolTipRole)
                    if isinstance(tip, str):
                        found += _rendered_html(f"{name} cell tooltip", tip, GuiQt.mightBeRichText(tip))
    return found


def test_scenario_texts_are_never_rendered_as_html(qtbot, show_window, tmp_path, injected, monkeypatch):
    """With HTML in every text of a scenario, no label, text box, tooltip or chart text in any view,
    the walk-through, the practice tab or the quiz renders it."""
    window = MainWindow(Controller("en", session_dir=tmp_path / "s", progress_path=tmp_path / "p.json"))
    show_window(window)
    wait_for_run(qtbot, window, lambda: window.load_scenario(str(injected)))
    app = QApplication.instance()
    assert window.controller.scenario.lesson["en"].startswith(PAYLOAD)  # the file was read as written
    found = []
    for k in range(window.tabs.count()):
        window.tabs.setCurrentIndex(k)
        qtbot.wait(10)
        found += _scan(app)
    window.show_walkthrough()
    for _ in range(len(window.controller.scenario.walkthrough)):
        window.walkthrough.forward()
        window.controller.wait()
        qtbot.wait(10)
        found += _scan(app)
    for k in range(window.editor_tabs.count()):
        window.editor_tabs.setCurrentIndex(k)
        qtbot.wait(10)
        found += _scan(app)
    quiz = QuizDialog(window.controller.scenario, Progress(tmp_path / "q.json"), "en", parent=window)
    qtbot.addWidget(quiz)
    quiz.show()
    found += _scan(app)
    for lang in ("nl", "en"):
        window.controller.set_language(lang)
        window.controller.wait()
        found += _scan(app)
    assert "\n".join(sorted(set(found))) == ""
