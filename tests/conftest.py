"""Shared test set-up: headless Qt, and small helpers for building pools and runs."""

import os

# Must be set before anything imports Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402


@pytest.fixture
def small_scenario():
    """A fresh copy of the cv-gap scenario with a small pool (fast to run)."""
    from simulator.core.scenario import load

    scenario = load("cv-gap")
    scenario.pool.size = 3000
    return scenario
