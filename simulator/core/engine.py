"""One pure entry point for a whole run: scenario in, pool + outcome + measurement out.

``run`` takes plain inputs and an optional ``progress(fraction)`` callback and touches no global
state, so the GUI can call it in a worker thread and the command line calls it directly.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Callable

from .metrics import DEFAULT_INTERSECTIONS, Measurement, measure
from .pipeline import Outcome, run_pipeline
from .pool import Pool, generate_pool
from .scenario import Scenario


@dataclass
class RunResult:
    scenario: Scenario
    pool: Pool
    outcome: Outcome
    measurement: Measurement


def run(scenario: Scenario, *, seed: int | None = None, size: int | None = None,
        progress: Callable[[float], None] | None = None, attribution: bool = True,
        intersections=DEFAULT_INTERSECTIONS, stage_intersections: bool = True, pool: Pool | None = None,
        lazy: bool = False, screened: Callable[[Outcome], None] | None = None,
        before: Measurement | None = None) -> RunResult:
    """Generate the scenario's pool (unless ``pool`` is given), screen it and measure the outcome.

    ``lazy=True`` leaves the costlier measurements until they are first used (see metrics.Measurement).
    ``screened(outcome)`` is called between screening and measuring (the command line starts
    writing the candidates' CSV there, beside the measurement). ``before`` is the run before the
    scenario's before/after change: the verdict then states how the focus measure changed.
    """
    report = progress or (lambda fraction: None)
    settings = copy.deepcopy(scenario.pool)
    if seed is not None:
        settings.seed = seed
    if size is not None:
        settings.size = size
    report(0.0)
    if pool is None:
        pool = generate_pool(scenario.vacancy, settings)
    report(0.4)
    outcome = run_pipeline(pool, scenario.pipeline)
    if screened is not None:
        screened(outcome)
    report(0.6)
    measurement = measure(outcome, intersections=intersections, attribution=attribution,
                          stage_intersections=stage_intersections, lazy=lazy, references=scenario.references)
    measurement.scenario = scenario
    measurement.before = before
    report(1.0)
    return RunResult(scenario, pool, outcome, measurement)
