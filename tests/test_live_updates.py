"""What a slider drag leans on: numbers kept between runs of one pool, and statistics computed only
when read, must equal the numbers computed afresh."""

from __future__ import annotations

import copy
import itertools

import numpy as np
import pandas as pd
import pytest

from simulator.core import engine
from simulator.core.grouptable import (
    OVERALL,
    TableSpec,
    compare_tables,
    compare_tables_later,
)
from simulator.core.metrics import _KEPT_CROSSES, _cell_codes, count_cube, measure
from simulator.core.pipeline import CUT_PARAMS, outputs_key, run_pipeline
from simulator.core.pool import generate_pool
from simulator.core.report import (
    _bin_index,
    _histogram2d,
    _intersection_grid,
    display_scores,
    intersection_grid,
    missed_talent_density,
    suitable_from,
)
from simulator.core.rules import RULE_KINDS
from simulator.core.scenario import load
from simulator.core.world import CATEGORIES, GROUP_ATTRIBUTES

GRID_FIELDS = ("rows", "columns", "impact_ratio", "rate", "n", "selected", "p_value", "status", "hidden",
               "below_four_fifths", "hidden_cells", "hidden_candidates")


def _fresh_pool(pool):
    """The same candidates in a new pool object: nothing kept from earlier runs."""
    return generate_pool(pool.vacancy, copy.deepcopy(pool.settings))


def _same_outcome(a, b):
    assert np.array_equal(a.stopped_at, b.stopped_at)
    assert np.array_equal(a.rejected_by, b.rejected_by)
    assert np.array_equal(a.scores, b.scores, equal_nan=True)
    assert a.rule_info.keys() == b.rule_info.keys()
    for rid, info in a.rule_info.items():
        for key, value in info.items():
            other = b.rule_info[rid][key]
            if isinstance(value, np.ndarray):
                assert np.array_equal(value, other, equal_nan=True)
            else:
                assert value == other or (np.isnan(value) and np.isnan(other))


@pytest.fixture(scope="module")
def gap():
    """cv-gap at 4,000 candidates, run once up front."""
    scenario = load("cv-gap")
    scenario.pool.size = 4000
    return scenario, engine.run(scenario, lazy=True, stage_intersections=False)


@pytest.mark.parametrize("scenario_id", ["cv-gap", "biased-history", "age-knockout", "human-override"])
def test_runs_reusing_a_pools_rule_outputs_equal_fresh_runs(scenario_id):
    """Runs reusing a pool's kept rule outputs (cut moved, rule off) equal runs on a fresh pool."""
    scenario = load(scenario_id)
    scenario.pool.size = 3000
    pool = engine.run(scenario, lazy=True).pool
    changes = []
    for s, stage in enumerate(scenario.pipeline.stages):
        for r, rule in enumerate(stage.rules):
            for name, value in (("top_share", 0.2), ("top_share", 0.45), ("top_k", 300), ("threshold", 2.0)):
                if getattr(rule, name, "absent") is not None and getattr(rule, name, "absent") != "absent":
                    changes.append((s, r, name, value))
            changes.append((s, r, "enabled", False))
    assert changes
    for s, r, name, value in changes:
        changed = copy.deepcopy(scenario)
        setattr(changed.pipeline.stages[s].rules[r], name, value)
        kept = engine.run(changed, lazy=True, stage_intersections=False, pool=pool)
        fresh = engine.run(changed, lazy=True, stage_intersections=False, pool=_fresh_pool(pool))
        _same_outcome(kept.outcome, fresh.outcome)
        pd.testing.assert_frame_equal(kept.measurement.rules, fresh.measurement.rules, check_exact=True)
        pd.testing.assert_frame_equal(kept.measurement.singles, fresh.measurement.singles, check_exact=True)


def _configurations(kind):
    yield kind.starter()
    for values in kind.LEGALITY_EXAMPLES.values():
        yield kind.from_dict({"kind": kind.kind, **copy.deepcopy(kind.STARTER), **copy.deepcopy(values)}, "rule")


def test_cut_parameters_never_change_what_a_rule_computes(gap):
    """For every rule kind, CUT_PARAMS set its cut and change none of its knock-outs, points or priority."""
    pool = gap[1].pool
    checked = 0
    for kind in RULE_KINDS.values():
        names = {p.name for p in kind.PARAMS} & set(CUT_PARAMS)
        if not names:
            continue
        assert names == set(CUT_PARAMS)
        for rule in _configurations(kind):
            ctx = {"stage_index": 1}
            before = (rule.passes(pool, ctx), rule.points(pool, ctx), rule.tie_break_priority(pool))
            for name, value in (("top_share", 0.15), ("top_k", 77), ("threshold", 3.5)):
                other = copy.deepcopy(rule)
                for cleared in CUT_PARAMS:
                    setattr(other, cleared, None)
                setattr(other, name, value)
                assert getattr(other.cut, name) == value and outputs_key(other) == outputs_key(rule)
                after = (other.passes(pool, ctx), other.points(pool, ctx), other.tie_break_priority(pool))
                for x, y in zip(before, after):
                    assert (x is None and y is None) or np.array_equal(x, y)
                checked += 1
    assert checked


def test_outputs_key_tells_settings_apart():
    """Rules differing in anything but their cut get different keys; copies get the same key."""
    rule = RULE_KINDS["weighted_score"].starter()
    assert outputs_key(copy.deepcopy(rule)) == outputs_key(rule)
    heavier = copy.deepcopy(rule)
    heavier.weights = {**rule.weights, "education": 2.5}
    assert outputs_key(heavier) != outputs_key(rule)
    as_float = copy.deepcopy(rule)
    as_float.weights = {k: float(v) + 0.0 for k, v in rule.weights.items()}
    integer = copy.deepcopy(rule)
    integer.weights = {k: int(v) for k, v in rule.weights.items()}
    assert outputs_key(as_float) != outputs_key(integer)  # 2 and 2.0: told apart, never confused
    knockout = RULE_KINDS["knockout"].starter()
    assert outputs_key(knockout) != outputs_key(rule)


def test_lazy_single_tables_equal_tables_computed_up_front(gap):
    """Fisher p-values filled in when the single tables are first read equal those computed at once."""
    outcome = gap[1].outcome
    lazy = measure(engine.run(gap[0], lazy=True, pool=_fresh_pool(outcome.pool)).outcome, lazy=True)
    assert lazy._singles_p_values is not None  # nothing read them yet
    eager = measure(outcome, lazy=False)
    pd.testing.assert_frame_equal(lazy.singles, eager.singles, check_exact=True)
    assert lazy._singles_p_values is None


def test_compare_tables_later_equals_compare_tables():
    """compare_tables_later plus its filling-in gives compare_tables' frame, p-values included."""
    rng = np.random.default_rng(3)
    specs = []
    for depth, stage in ((1, OVERALL), (2, 0), (1, "application")):
        n = rng.integers(0, 4000, 7)
        n[0] = 3
        specs.append(TableSpec("x", [f"g{i}" for i in range(7)], n, rng.binomial(n, 0.3), depth == 2, stage, depth))
    frame, fill = compare_tables_later(specs)
    assert frame["p_value"][~frame["reference"]].isna().all()
    fill()
    pd.testing.assert_frame_equal(frame, compare_tables(specs), check_exact=True)


def test_single_tables_read_by_the_last_runs_are_computed_up_front(gap):
    """After a run's single tables were read, the next runs compute p-values at once; unread, they wait."""
    scenario = gap[0]
    pool = _fresh_pool(gap[1].pool)
    first = engine.run(scenario, lazy=True, pool=pool).measurement
    assert first._singles_p_values is not None
    first.singles  # noqa: B018 (read)
    assert engine.run(scenario, lazy=True, pool=pool).measurement._singles_p_values is None
    for _ in range(3):
        last = engine.run(scenario, lazy=True, pool=pool).measurement
    assert last._singles_p_values is not None


def _old_grid(measurement, rows, cols, stage, third):
    """The grid as it was computed before it was kept: a new count of the outcome, all statistics."""
    cube = count_cube(measurement.outcome)
    attrs = (rows, cols) + ((third[0],) if third else ())
    names, n, selected = cube.table(attrs, stage)
    table = compare_tables([TableSpec(" × ".join(attrs), names, n, selected, True, stage, len(attrs))])
    if third:
        table = table[table["group"].str.endswith(f" × {third[1]}")].reset_index(drop=True)
    shape = (len(CATEGORIES[rows]), len(CATEGORIES[cols]))
    full_n = table["n"].to_numpy(np.int64).reshape(shape)
    # rows and columns nobody belongs to are left out; an empty cell is not a hidden one
    keep_r = [r for r in range(shape[0]) if full_n[r].sum() > 0]
    keep_c = [c for c in range(shape[1]) if full_n[:, c].sum() > 0]

    def cells(column, dtype):
        return table[column].to_numpy(dtype).reshape(shape)[np.ix_(keep_r, keep_c)]

    hidden, n = cells("hidden", bool), cells("n", np.int64)
    return {"rows": [CATEGORIES[rows][r] for r in keep_r], "columns": [CATEGORIES[cols][c] for c in keep_c],
            "impact_ratio": cells("impact_ratio", float), "rate": cells("rate", float), "n": n,
            "selected": cells("selected", np.int64), "p_value": cells("p_value", float),
            "status": cells("status", object), "hidden": hidden,
            "below_four_fifths": cells("below_four_fifths", bool),
            "hidden_cells": int((hidden & (n > 0)).sum()), "hidden_candidates": int(n[hidden].sum())}


@pytest.mark.parametrize("rows, cols, stage, third", [
    ("gender", "age_band", OVERALL, None), ("age_band", "gender", 0, None), ("region", "unusual_cv", 1, None),
    ("gender", "parent", OVERALL, ("origin", "dutch")), ("disability", "name_region", OVERALL, ("gender", "woman")),
])
def test_kept_intersection_grid_equals_a_fresh_one(gap, rows, cols, stage, third):
    """The grid kept with the run (its p-values computed when read) equals one computed afresh."""
    measurement = gap[1].measurement
    grid = intersection_grid(measurement, rows, cols, stage, third)
    assert intersection_grid(measurement, rows, cols, stage, third) is grid
    expected = _old_grid(measurement, rows, cols, stage, third)
    fresh = _intersection_grid(measurement, rows, cols, stage, third)
    for name in GRID_FIELDS:
        for value in (getattr(grid, name), getattr(fresh, name)):
            if isinstance(value, np.ndarray):
                assert value.dtype == expected[name].dtype and value.shape == expected[name].shape
                assert np.array_equal(value, expected[name], equal_nan=value.dtype.kind == "f"), name
            else:
                assert value == expected[name], name


def test_count_cube_margins_equal_sums_of_the_whole_cross(gap):
    """Margins counted straight from the candidates equal sums over the whole attribute cross."""
    outcome = gap[1].outcome
    whole = count_cube(outcome).counts
    cube = count_cube(outcome)
    for size in (1, 2, 3):
        for attrs in itertools.islice(itertools.combinations(GROUP_ATTRIBUTES, size), 12):
            keep = [GROUP_ATTRIBUTES.index(a) for a in attrs]
            expected = whole.sum(axis=tuple(i for i in range(len(GROUP_ATTRIBUTES)) if i not in keep))
            assert np.array_equal(count_cube(outcome).margin(attrs), expected)
            assert np.array_equal(cube.margin(attrs), expected)  # from a margin already made, if any
    for attrs in _KEPT_CROSSES:
        kept = _cell_codes(outcome.pool, attrs)
        fresh = np.zeros(len(outcome.pool), dtype=np.int64)
        for a in attrs:
            fresh = fresh * len(CATEGORIES[a]) + outcome.pool[a]
        assert np.array_equal(kept, fresh) and _cell_codes(outcome.pool, attrs) is kept


def test_attribution_equals_rerunning_without_each_rule(gap):
    """Per rule and group: removed first, and the final rate with the rule off as a full fresh re-run gives it."""
    scenario, result = gap
    rules = result.measurement.rules
    outcome = result.outcome
    for rule_id, (s, r, rule) in enumerate(outcome.pipeline.flat_rules()):
        without = copy.deepcopy(scenario.pipeline)
        without.stages[s].rules[r].enabled = False
        selected = run_pipeline(_fresh_pool(outcome.pool), without).selected
        mine = rules[rules["rule_id"] == rule_id]
        for a in GROUP_ATTRIBUTES:
            rows = mine[mine["attribute"] == a]
            n = np.bincount(outcome.pool[a], minlength=len(CATEGORIES[a]))
            removed = np.bincount(outcome.pool[a][outcome.rejected_by == rule_id], minlength=len(n))
            kept = np.bincount(outcome.pool[a][selected], minlength=len(n))
            assert rows["group"].tolist() == list(CATEGORIES[a])
            assert rows["n"].tolist() == n.tolist() and rows["removed_first"].tolist() == removed.tolist()
            with np.errstate(invalid="ignore", divide="ignore"):
                assert np.array_equal(rows["rate_without"].to_numpy(), np.where(n > 0, kept / n, np.nan), equal_nan=True)


def test_density_bins_equal_numpy_histogram2d():
    """The missed-talent picture's binning gives np.histogram2d's counts, values on edges included."""
    rng = np.random.default_rng(7)
    for trial in range(60):
        n = int(rng.integers(1, 2000))
        x = rng.normal(size=n) * rng.uniform(0.1, 50)
        y = np.round(rng.normal(size=n) * 10, int(rng.integers(0, 3)))
        bins = int(rng.integers(1, 70))
        x_edges = np.linspace(np.floor(x.min()), np.ceil(x.max()), bins + 1)
        y_edges = np.linspace(y.min(), y.max() + 1e-9, bins + 1) if trial % 3 else np.arange(-0.5, 4.5, 1.0)
        x[: min(n, 5)] = x_edges[rng.integers(0, len(x_edges), min(n, 5))]
        y[: min(n, 5)] = y_edges[rng.integers(0, len(y_edges), min(n, 5))]
        expected, _, _ = np.histogram2d(x, y, bins=[x_edges, y_edges])
        counts = _histogram2d(_bin_index(x_edges, x), _bin_index(y_edges, y), len(x_edges), len(y_edges))
        assert counts.dtype == expected.dtype and np.array_equal(counts, expected)


def test_kept_density_and_suitability_line_equal_fresh_ones(gap):
    """The density (suitability bins kept with the pool) and the suitable-from line equal fresh numpy results."""
    outcome = gap[1].outcome
    density = missed_talent_density(outcome)
    x = outcome.pool["suitability"].astype(np.float64)
    y, _, _ = display_scores(outcome)
    expected, _, _ = np.histogram2d(x, y, bins=[density.x_edges, density.y_edges])
    assert np.array_equal(density.counts, expected)
    assert np.array_equal(density.x_edges, np.linspace(np.floor(x.min()), np.ceil(x.max()), 61))
    again = engine.run(gap[0], lazy=True, pool=outcome.pool).outcome  # the pool's kept bins
    assert np.array_equal(missed_talent_density(again).x_edges, density.x_edges)
    qualified = outcome.pool["qualified"]
    assert suitable_from(outcome.pool) == float(outcome.pool["suitability"][qualified].min())


def test_slider_range_equals_percentiles_of_the_reached_scores(gap):
    """A score slider's range is the 0.5th-99.5th percentile of the scores of those who reached the stage."""
    outcome = gap[1].outcome
    for stage in range(outcome.n_stages):
        reached = np.flatnonzero(outcome.reached(stage))
        sample = outcome.scores[reached, stage].astype(np.float64)
        sample = sample[np.isfinite(sample)]
        if not len(sample):
            assert outcome.slider_range(stage, "score") is None
            continue
        low, high = np.percentile(sample, [0.5, 99.5])
        low, high = float(np.floor(low)), float(np.ceil(high))
        assert outcome.slider_range(stage, "score") == ((low, high) if high > low else (low - 1, high + 1))
        assert outcome.slider_range(stage, "reached") == (1, len(reached))
