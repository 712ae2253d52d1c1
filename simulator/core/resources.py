"""Where built-in scenarios and assets live, in a source checkout and in an installed wheel.

In the repository they sit at the top level (``scenarios/``, ``assets/``) so that a newcomer finds
them at once; the wheel build copies them into ``simulator/_data/`` (see pyproject.toml).
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent.parent
_REPO_DIR = _PACKAGE_DIR.parent


def _data_dir(name: str) -> Path:
    installed = _PACKAGE_DIR / "_data" / name
    if installed.is_dir():
        return installed
    checkout = _REPO_DIR / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"the simulator's '{name}' folder is missing from {installed} and {checkout}")


def scenarios_dir() -> Path:
    """Folder holding the built-in scenario files."""
    return _data_dir("scenarios")


def assets_dir() -> Path:
    """Folder holding name lists, the skills vocabulary and other assets."""
    return _data_dir("assets")
