"""Start-up (issue 10): the window opens before the statistics libraries are loaded."""

import subprocess
import sys

import pytest

IMPORTED = "import sys, {module}; print(' '.join(m for m in {libraries} if m in sys.modules))"



def _imported(module: str, libraries: tuple[str, ...]) -> list[str]:
    code = IMPORTED.format(module=module, libraries=libraries)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.split()


def test_window_module_does_not_import_statsmodels_or_sklearn():
    """Importing the main window (and the controller) loads neither statsmodels nor scikit-learn."""
    assert _imported("simulator.gui.main_window", ("statsmodels", "sklearn")) == []


@pytest.mark.parametrize("library", ["pandas", "scipy"])
def test_window_module_does_not_import_pandas_or_scipy(library):
    """Importing the main window loads neither pandas nor scipy: the first run imports them, in the worker."""
    assert _imported("simulator.gui.main_window", (library,)) == []


def test_export_and_pool_leave_pandas_and_scipy_to_their_functions():
    """core.export imports pandas and core.pool imports scipy only when a table is built or a pool drawn."""
    assert _imported("simulator.core.export", ("pandas",)) == []
    assert _imported("simulator.core.pool", ("pandas", "scipy")) == []


def test_default_scenario_loads_after_the_first_paint(qtbot):
    """The app starts loading its default scenario (and the libraries its run imports) only once the window is painted."""
    from PySide6.QtWidgets import QWidget

    from simulator.gui.app import after_first_paint

    order = []

    class Window(QWidget):
        def paintEvent(self, event):  # noqa: N802 (Qt name)
            order.append("paint")
            super().paintEvent(event)

    window = Window()
    qtbot.addWidget(window)
    after_first_paint(window, lambda: order.append("load"))
    window.show()
    qtbot.waitUntil(lambda: "load" in order, timeout=5000)
    assert order[0] == "paint" and order.count("load") == 1
