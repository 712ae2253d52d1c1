"""Numbers shaped for the views: funnel tables, intersection grids, the missed-talent density,
what-if on one CV, and the comparison of two runs. Qt-free; the GUI only draws what these return.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

from .metrics import OVERALL, Measurement
from .pipeline import Outcome, run_pipeline
from .pool import Pool, _derive
from .thresholds import MIN_N
from .world import CATEGORIES, code_of


# ---------------------------------------------------------------------------------------------
# Funnel
# ---------------------------------------------------------------------------------------------

def funnel(outcome: Outcome, attribute: str) -> pd.DataFrame:
    """Per group: how many applied and how many remain after each stage (columns 0..n_stages)."""
    import pandas as pd
    pool = outcome.pool
    size = len(CATEGORIES[attribute])
    stops = outcome.n_stages + 1
    counts = np.bincount(pool[attribute].astype(np.int64) * stops + outcome.stopped_at, minlength=size * stops)
    counts = counts.reshape(size, stops)
    remaining = counts[:, ::-1].cumsum(axis=1)[:, ::-1]  # remaining[g, s] = reached stage s
    frame = pd.DataFrame(remaining, columns=list(range(stops)))
    frame.insert(0, "group", CATEGORIES[attribute])
    # A group under the size gate is hidden here as in every table (its counts are not shown).
    frame["hidden"] = (remaining[:, 0] > 0) & (remaining[:, 0] < MIN_N)
    return frame


# ---------------------------------------------------------------------------------------------
# Intersections
# ---------------------------------------------------------------------------------------------

@dataclass
class Grid:
    """An intersection table laid out as rows x columns for a heatmap."""

    rows: list[str]
    columns: list[str]
    impact_ratio: np.ndarray
    rate: np.ndarray
    n: np.ndarray
    selected: np.ndarray
    status: np.ndarray  # object array of status strings
    hidden: np.ndarray  # cells that show no numbers (under the size gates)
    below_four_fifths: np.ndarray
    hidden_cells: int
    hidden_candidates: int
    # () -> the p-values: the heatmap shows none, so Fisher's tests wait until ``p_value`` is read.
    p_values: Callable[[], np.ndarray] = field(default=None, repr=False, compare=False)

    @property
    def p_value(self) -> np.ndarray:
        """Each cell's Fisher exact p-value against the reference cell (NaN where not compared)."""
        if not isinstance(self.p_values, np.ndarray):
            self.p_values = self.p_values()
        return self.p_values


def intersection_grid(measurement: Measurement, row_attr: str, col_attr: str, stage: int = OVERALL,
                      third: tuple[str, str] | None = None) -> Grid:
    """Impact ratios of ``row_attr`` x ``col_attr``; ``third`` = (attribute, value) slices a 3-way table.

    Computed once per run and choice (the outcome's ``drawing`` keeps it): the worker thread that
    ran the scenario prepares the grid the view shows, and the window reads it."""
    key = ("grid", row_attr, col_attr, stage, tuple(third) if third else None)
    return _kept(measurement.outcome, key, lambda: _intersection_grid(measurement, row_attr, col_attr, stage, third))


def _intersection_grid(measurement: Measurement, row_attr: str, col_attr: str, stage: int,
                       third: tuple[str, str] | None) -> Grid:
    from .grouptable import TableSpec, compare_tables_later

    cube = measurement.cube  # the run's counts: margins already summed are reused
    attrs = (row_attr, col_attr) + ((third[0],) if third else ())
    names, n, selected = cube.table(attrs, stage)
    table, fill_p_values = compare_tables_later([TableSpec(" × ".join(attrs), names, n, selected, True, stage,
                                                           len(attrs))])
    rows = table["group"].str.endswith(f" × {third[1]}").to_numpy() if third else np.ones(len(table), dtype=bool)
    shape = (len(CATEGORIES[row_attr]), len(CATEGORIES[col_attr]))
    # A row or column nobody belongs to (no non-binary applicants, say) is left out: it would fill
    # the heatmap with "hidden" cells that hide no one.
    everyone = table["n"].to_numpy(dtype=np.int64)[rows].reshape(shape)
    keep_rows, keep_columns = everyone.sum(axis=1) > 0, everyone.sum(axis=0) > 0

    def grid(column, dtype=float):
        return table[column].to_numpy(dtype=dtype)[rows].reshape(shape)[keep_rows][:, keep_columns]

    def p_values():
        fill_p_values()
        return grid("p_value")

    status = grid("status", object)
    n = grid("n", np.int64)
    hidden = grid("hidden", bool)
    hidden_people = hidden & (n > 0)  # an empty cell hides nobody: it is not counted as hidden
    return Grid([v for v, keep in zip(CATEGORIES[row_attr], keep_rows) if keep],
                [v for v, keep in zip(CATEGORIES[col_attr], keep_columns) if keep], grid("impact_ratio"),
                grid("rate"), n, grid("selected", np.int64), status, hidden,
                grid("below_four_fifths", bool), int(hidden_people.sum()), int(n[hidden_people].sum()), p_values)


# ---------------------------------------------------------------------------------------------
# Missed talent
# ---------------------------------------------------------------------------------------------

def screening_score(outcome: Outcome) -> tuple[np.ndarray, str, np.ndarray]:
    """One score per candidate to plot against suitability, what it is, and who has one.

    The score of the last stage that gives scores; if no stage scores, the number of stages passed.
    Candidates rejected before the scoring stage have no score (third value False).
    """
    for s in range(outcome.n_stages - 1, -1, -1):
        column = outcome.scores[:, s] if outcome.scores.shape[1] else None
        if column is not None and not np.isnan(column).all():
            scored = ~np.isnan(column)
            return np.where(scored, column, np.nan).astype(np.float64), "score", scored
    stages = np.minimum(outcome.stopped_at, outcome.n_stages).astype(np.float64)
    return stages, "stages", np.ones(len(stages), dtype=bool)


@dataclass
class Density:
    counts: np.ndarray  # (x bins, y bins)
    x_edges: np.ndarray
    y_edges: np.ndarray
    y_kind: str
    # Where candidates without a score are drawn (a band below the scores), or None.
    unscored_band: tuple[float, float] | None = None


def _kept(outcome: Outcome, key: tuple, compute):
    """``compute()`` once per outcome and key (the outcome's ``drawing`` dict keeps it)."""
    value = outcome.drawing.get(key)
    if value is None:
        value = outcome.drawing[key] = compute()
    return value


def display_scores(outcome: Outcome) -> tuple[np.ndarray, str, tuple[float, float] | None]:
    """Scores placed for drawing (see ``_display_scores``), computed once per outcome."""
    return _kept(outcome, ("display_scores",), lambda: _display_scores(outcome))


def _display_scores(outcome: Outcome) -> tuple[np.ndarray, str, tuple[float, float] | None]:
    """Scores placed for drawing: extreme low scores clipped at the 1st percentile, and candidates
    rejected before scoring put in a separate band below, so they do not stretch the axis."""
    y, kind, scored = screening_score(outcome)
    if kind == "stages" or scored.all():
        return y, kind, None
    values = y[scored]
    low = float(np.quantile(values, 0.01)) if len(values) else 0.0
    high = float(values.max()) if len(values) else 1.0
    span = max(high - low, 1.0)
    band = (low - 0.16 * span, low - 0.06 * span)
    shown = np.where(scored, np.maximum(y, low), (band[0] + band[1]) / 2)
    return shown, kind, band


def missed_talent_density(outcome: Outcome, bins: int = 60) -> Density:
    """A 2-D histogram of suitability (x) against screening score (y) for all candidates."""
    return _kept(outcome, ("density", bins), lambda: _missed_talent_density(outcome, bins))


def _missed_talent_density(outcome: Outcome, bins: int) -> Density:
    pool = outcome.pool
    # Suitability, its bins and each candidate's bin depend on the pool only: kept with it, so a
    # re-run of the same pool (a slider dragged) bins only the scores.
    key = ("missed_talent_density.x", bins)
    if key not in pool.draws:
        x = pool["suitability"].astype(np.float64)
        x_edges = np.linspace(np.floor(x.min()), np.ceil(x.max()), bins + 1) if len(x) else np.linspace(-3, 3, bins + 1)
        pool.draws[key] = (x_edges, _bin_index(x_edges, x))
    x_edges, x_bin = pool.draws[key]
    y, kind, band = display_scores(outcome)
    if kind == "stages":
        y_edges = np.arange(-0.5, outcome.n_stages + 1.5, 1.0)
    else:
        low, high = (float(y.min()), float(y.max())) if len(y) else (0.0, 1.0)
        y_edges = np.linspace(low, high + 1e-9 if high > low else low + 1, bins + 1)
    counts = _histogram2d(x_bin, _bin_index(y_edges, y), len(x_edges), len(y_edges))
    return Density(counts, x_edges, y_edges, kind, band)


def _bin_index(edges: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Each value's bin as ``np.histogram2d`` numbers them (``np.searchsorted(edges, v, "right")``,
    a value on the last edge in the last bin; 0 and len(edges) are the outliers), for increasing
    edges. Evenly spaced edges give a first guess by arithmetic; comparisons with the edges
    themselves then make it exact (a binary search per value takes ten times as long)."""
    edges = np.asarray(edges, dtype=np.float64)
    values = np.asarray(values, dtype=np.float64)
    last = len(edges)
    if last < 2 or not np.all(edges[1:] > edges[:-1]):
        index = np.searchsorted(edges, values, side="right")
    else:
        step = (edges[-1] - edges[0]) / (last - 1)
        with np.errstate(invalid="ignore", over="ignore"):
            guess = np.floor((values - edges[0]) / step) + 1
        guess = np.where(np.isnan(values), last, np.clip(np.nan_to_num(guess, nan=last), 0, last))
        index = guess.astype(np.intp)
        # Move each guess to the one index with edges[i - 1] <= v < edges[i] (searchsorted's answer).
        while True:
            up = np.flatnonzero(index < last)
            up = up[edges[index[up]] <= values[up]]
            down = np.flatnonzero(index > 0)
            down = down[edges[index[down] - 1] > values[down]]
            if not len(up) and not len(down):
                break
            index[up] += 1
            index[down] -= 1
    index[values == edges[-1]] -= 1
    return index


def _histogram2d(x_bin: np.ndarray, y_bin: np.ndarray, x_edges: int, y_edges: int) -> np.ndarray:
    """``np.histogram2d``'s counts from the bins of ``_bin_index`` (same cells, same float array)."""
    shape = (x_edges + 1, y_edges + 1)  # an outlier bin on each end
    counts = np.bincount(x_bin * shape[1] + y_bin, minlength=shape[0] * shape[1]).reshape(shape)
    return counts.astype(float, casting="safe")[1:-1, 1:-1]


def suitable_from(pool: Pool) -> float:
    """The lowest suitability among the suitable (qualified) candidates, 0 if none: where the
    missed-talent picture draws its line. It depends on the pool only, so the pool keeps it."""
    if "suitable_from" not in pool.draws:
        qualified = pool["qualified"]
        pool.draws["suitable_from"] = float(pool["suitability"][qualified].min()) if qualified.any() else 0.0
    return pool.draws["suitable_from"]


def missed_sample(outcome: Outcome, limit: int = 1500, seed: int = 0) -> np.ndarray:
    """Indices of qualified-but-rejected candidates to mark individually (a fixed random sample)."""
    return _kept(outcome, ("sample", limit, seed), lambda: _missed_sample(outcome, limit, seed))


def _missed_sample(outcome: Outcome, limit: int, seed: int) -> np.ndarray:
    idx = np.flatnonzero(outcome.pool["qualified"] & ~outcome.selected)
    if len(idx) > limit:
        idx = np.sort(np.random.default_rng(seed).choice(idx, limit, replace=False))
    return idx


# ---------------------------------------------------------------------------------------------
# What-if on one CV
# ---------------------------------------------------------------------------------------------

WHAT_IFS = ("other_name", "no_gap", "dutch_diploma", "other_age")


def what_if_changes(pool: Pool, index: int, change: str) -> dict:
    """The column changes that make one what-if, for candidate ``index``."""
    if change == "other_name":
        dutch = code_of("region", "netherlands")
        current = int(pool["name_region"][index])
        return {"name_region": code_of("region", "morocco") if current == dutch else dutch}
    if change == "no_gap":
        return {"current_gap_months": 0, "past_gap_months": 0, "gap_reason": 0}
    if change == "dutch_diploma":
        return {"diploma_country": 0, "diploma_recognised": False}
    if change == "other_age":
        age = int(pool["age"][index])
        new_age = 30 if age >= 40 else 55
        # A younger birth date with the same CV: the graduation year moves with it.
        return {"age": new_age, "graduation_year": int(pool["graduation_year"][index]) + (age - new_age)}
    raise ValueError(f"unknown what-if {change!r} (expected one of {', '.join(WHAT_IFS)})")


@dataclass
class WhatIf:
    change: str
    changes: dict
    selected_before: bool
    selected_after: bool
    stage_before: int
    stage_after: int
    outcome_after: Outcome

    @property
    def flipped(self) -> bool:
        return self.selected_before != self.selected_after or self.stage_before != self.stage_after


def what_if(outcome: Outcome, index: int, change: str) -> WhatIf:
    """Change one thing on one CV, re-run the whole pipeline, and see whether the decision flips.

    The full re-run keeps cuts exact: in a top-K shortlist the changed candidate competes with
    everyone else, as in the real run.
    """
    pool = outcome.pool
    changes = what_if_changes(pool, index, change)
    columns = dict(pool.columns)  # shares the unchanged arrays
    for key, value in changes.items():
        columns[key] = columns[key].copy()
        columns[key][index] = value
    _derive(columns, pool.has_skill, pool.vacancy)  # age band, longest gap, unusual-CV flags
    changed = Pool(pool.vacancy, pool.settings, columns, pool.has_skill, pool.skill_wording)
    after = run_pipeline(changed, outcome.pipeline)
    return WhatIf(change, changes, bool(outcome.selected[index]), bool(after.selected[index]),
                  int(outcome.stopped_at[index]), int(after.stopped_at[index]), after)


# ---------------------------------------------------------------------------------------------
# Compare two runs
# ---------------------------------------------------------------------------------------------

@dataclass
class Comparison:
    same_pool: bool
    groups: pd.DataFrame  # attribute, group, rate/impact ratio in A and B
    flipped: np.ndarray  # indices of candidates whose final decision differs (same pool only)
    flip_totals: pd.DataFrame  # per attribute group: newly selected, newly rejected


def compare_runs(a: Measurement, b: Measurement, attributes=("gender", "age_band", "origin", "disability",
                                                                "parent", "name_region", "unusual_cv")) -> Comparison:
    """Set run B beside frozen run A: group rates and ratios, and who flipped."""
    import pandas as pd
    from .findings import public_groups

    ga = public_groups(a.singles[a.singles["stage"] == OVERALL])
    gb = public_groups(b.singles[b.singles["stage"] == OVERALL])
    cols = ["attribute", "group", "n", "selected", "rate", "impact_ratio", "p_value", "status"]
    merged = ga[cols].merge(gb[cols], on=["attribute", "group"], suffixes=("_a", "_b"))
    merged = merged[merged["attribute"].isin(attributes)].reset_index(drop=True)
    pa, pb = a.outcome.pool, b.outcome.pool
    same = (len(pa) == len(pb) and pa.settings.seed == pb.settings.seed
            and np.array_equal(pa["suitability"], pb["suitability"]))
    rows = []
    flipped = np.array([], dtype=np.intp)
    if same:
        sel_a, sel_b = a.outcome.selected, b.outcome.selected
        flipped = np.flatnonzero(sel_a != sel_b)
        up = sel_b & ~sel_a
        down = sel_a & ~sel_b
        for attribute in attributes:
            size = len(CATEGORIES[attribute])
            ups = np.bincount(pb[attribute][up], minlength=size)
            downs = np.bincount(pb[attribute][down], minlength=size)
            for i, value in enumerate(CATEGORIES[attribute]):
                rows.append({"attribute": attribute, "group": value, "newly_selected": int(ups[i]),
                             "newly_rejected": int(downs[i])})
    return Comparison(same, merged, flipped, pd.DataFrame(rows))

