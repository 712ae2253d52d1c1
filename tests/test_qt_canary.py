"""Canary for the PySide6 6.12.0 reference-count bug on CPython 3.11 (DESIGN.md §3).

That release decremented the refcount of True on every signal emit to a Python slot and of None on
every Python paintEvent; the interpreter aborts after about a thousand. If this test fails, the
installed PySide6 is broken: pin it out in pyproject.toml.
"""

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget


class _Emitter(QObject):
    changed = Signal(bool)


class _Painted(QWidget):
    def __init__(self):
        super().__init__()
        self.paints = 0

    def paintEvent(self, event):  # noqa: N802 (Qt's name)
        self.paints += 1


def test_signal_emits_and_repaints_keep_refcounts(qtbot):
    """1000 signal emits and 50 repaints leave sys.getrefcount(True) and (None) unchanged."""
    emitter = _Emitter()
    received = []
    emitter.changed.connect(received.append)
    widget = _Painted()
    qtbot.addWidget(widget)
    widget.resize(120, 80)
    widget.show()
    qtbot.waitExposed(widget)
    for _ in range(20):  # warm up caches before measuring
        emitter.changed.emit(True)
        widget.grab()
    true_before, none_before = sys.getrefcount(True), sys.getrefcount(None)
    for _ in range(1000):
        emitter.changed.emit(True)
    for _ in range(50):
        widget.grab()
    received.clear()
    assert widget.paints >= 50
    assert abs(sys.getrefcount(True) - true_before) < 20
    assert abs(sys.getrefcount(None) - none_before) < 20
