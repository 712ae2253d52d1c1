"""Shared test set-up: headless Qt, isolated user folders, and small helpers."""

import os

# Must be set before anything imports Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import QStandardPaths  # noqa: E402

# Tests never read or write the user's real application-data folders.
QStandardPaths.setTestModeEnabled(True)


@pytest.fixture
def small_scenario():
    """A fresh copy of the cv-gap scenario with a small pool (fast to run)."""
    from simulator.core.scenario import load

    scenario = load("cv-gap")
    scenario.pool.size = 3000
    return scenario


@pytest.fixture
def show_window(qtbot):
    """Show a main window at the size the GUI tests assume; presentation mode is reset afterwards."""
    from simulator.gui.style import STYLE

    def show(window):
        qtbot.addWidget(window)
        window.resize(1480, 920)
        window.show()
        qtbot.waitExposed(window)
        return window

    yield show
    STYLE.presentation = False


@pytest.fixture
def window(show_window):
    """The app's main window with the default scenario (cv-gap) run, shown."""
    from simulator.gui.app import create_window

    w = show_window(create_window("en", "cv-gap"))
    yield w
    w.controller.wait()


def wait_for_run(qtbot, window, action, timeout=20000):
    """Do ``action`` and wait until the window's run has finished, texts included. A run is drawn as
    soon as it arrives and again when its texts are ready, so an earlier run is finished first:
    its second arrival must not pass for this action's run."""
    window.controller.wait()
    with qtbot.waitSignal(window.controller.result_ready, timeout=timeout):
        action()
    window.controller.wait()
