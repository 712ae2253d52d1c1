"""A short fuzzing run on every test session: damaged scenarios, session files and audit CSVs end
in exit code 0 or 2 with one line naming the file, never a traceback, and NaN is never accepted.

The long run (≥ 10,000 cases per family, counted) is ``benchmarks/fuzz_inputs.py``. This one is
derandomised so that the suite gives the same answer on every machine.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from fuzzing import audit_csvs, check_audit, check_scenario, check_session, scenario_files, session_damage

SHORT = settings(max_examples=60, derandomize=True, deadline=None, database=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@SHORT
@given(scenario_files())
def test_damaged_scenarios_end_in_a_message_or_a_run(data):
    """A damaged built-in scenario runs or is refused in one line naming the file; NaN never passes."""
    with tempfile.TemporaryDirectory() as folder:
        verdict, name = check_scenario(data, Path(folder))
    assert verdict.problems(name) == []


@settings(SHORT, max_examples=15)
@given(session_damage())
def test_damaged_session_files_end_in_a_message_or_a_summary(damage):
    """A damaged session file is summarised and exported, or refused in one line naming the file."""
    with tempfile.TemporaryDirectory() as folder:
        verdicts, name = check_session(damage, Path(folder))
    assert [v.problems(name) for v in verdicts] == [[], []]


@settings(SHORT, max_examples=80)
@given(audit_csvs())
def test_damaged_audit_csvs_end_in_a_message_or_an_audit(case):
    """A damaged decisions CSV is audited or refused in one line naming the file."""
    with tempfile.TemporaryDirectory() as folder:
        verdict, name = check_audit(case, Path(folder))
    assert verdict.problems(name) == []
