"""simulator.core must never import Qt: the command line and tests work without a GUI."""

import subprocess
import sys

CODE = """
import importlib, pkgutil, sys
import simulator.core
for m in pkgutil.walk_packages(simulator.core.__path__, "simulator.core."):
    importlib.import_module(m.name)
import simulator.cli
bad = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "pyqtgraph", "shiboken6"))
print(",".join(bad))
"""


def test_core_imports_no_qt():
    """Importing every core module in a fresh interpreter loads no PySide6, shiboken6 or pyqtgraph."""
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_core_start_up_skips_heavy_imports():
    """scikit-learn is loaded only when a learned model is trained, not on import."""
    out = subprocess.run([sys.executable, "-c", "import simulator.core.engine, sys; print('sklearn' in sys.modules)"],
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
