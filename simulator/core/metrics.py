"""Who gets filtered out: selection rates, impact ratios and tests per group, stage and intersection.

One ``np.bincount`` over the full cross of the protected attributes (and stage, and ground truth)
gives a small table of counts; every per-attribute or intersectional table is a sum over it. The
statistics then run once, vectorised, over all rows (``stats.compare_many``).

The group tables and their size gates come from ``grouptable`` (shared with audits of real data).
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .grouptable import (  # noqa: F401 (re-exported: tests and older callers import them from here)
    OVERALL,
    STATUS_FEW,
    STATUS_NOT_ENOUGH,
    STATUS_OK,
    STATUS_SUPPRESSED,
    TableSpec,
    compare_table,
    compare_tables,
)
from .pipeline import Outcome, run_pipeline
from .stats import wilson_interval
from .texts import t
from .world import CATEGORIES, GROUP_ATTRIBUTES, INTERSECTION_ATTRIBUTES, NATURAL_REFERENCES, UNUSUAL_CV_FLAGS

DEFAULT_INTERSECTIONS: tuple[tuple[str, ...], ...] = tuple(itertools.combinations(INTERSECTION_ATTRIBUTES, 2)) + (
    ("gender", "age_band", "origin"),
)


# ---------------------------------------------------------------------------------------------
# Counting an outcome
# ---------------------------------------------------------------------------------------------

@dataclass
class CountCube:
    """Counts per cell of the full protected-attribute cross x qualified x stop stage."""

    counts: np.ndarray  # shape: (*attribute sizes, 2, n_stages + 1)
    attributes: tuple[str, ...]
    n_stages: int

    def margin(self, attributes: tuple[str, ...]) -> np.ndarray:
        """Counts summed over every other attribute: (*kept sizes in cube order, 2, stops); each
        margin is summed once and reused for every stage and for the qualified split."""
        keep = tuple(sorted(self.attributes.index(a) for a in attributes))
        cache = self.__dict__.setdefault("_margins", {})
        if keep not in cache:
            # Sum from the smallest margin already made that holds these attributes (a 2-way table
            # from the 5-way one is a sum over 180 cells, not over the whole cube).
            supersets = [k for k in cache if set(keep) <= set(k)]
            source = min(supersets, key=lambda k: cache[k].size) if supersets else tuple(range(len(self.attributes)))
            base = cache[source] if supersets else self.counts
            drop = tuple(j for j, i in enumerate(source) if i not in keep)
            cache[keep] = base.sum(axis=drop)
        return cache[keep]

    def table(self, attributes: tuple[str, ...], stage: int, qualified: bool | None = None):
        """(groups, n, selected) for the cross of ``attributes`` at ``stage`` (or OVERALL)."""
        keep = [self.attributes.index(a) for a in attributes]
        cube = self.margin(attributes)  # (*kept sizes, 2, stops)
        if qualified is not None:
            cube = cube[..., int(qualified), :]
        else:
            cube = cube.sum(axis=-2)
        # reorder kept axes to the requested order
        order = [sorted(keep).index(k) for k in keep]
        cube = np.moveaxis(cube, order, list(range(len(order))))
        stops = cube.reshape(-1, self.n_stages + 1)
        cumulative = stops[:, ::-1].cumsum(axis=1)[:, ::-1]  # reached_s = sum over stops >= s
        if stage == OVERALL:
            n = stops.sum(axis=1)
            selected = stops[:, self.n_stages]
        else:
            n = cumulative[:, stage]
            selected = cumulative[:, stage + 1]
        names = [" × ".join(combo) for combo in itertools.product(*(CATEGORIES[a] for a in attributes))]
        return names, n, selected


def count_cube(outcome: Outcome, attributes: tuple[str, ...] = GROUP_ATTRIBUTES) -> CountCube:
    pool = outcome.pool
    sizes = [len(CATEGORIES[a]) for a in attributes]
    cells = np.zeros(len(pool), dtype=np.int64)
    for a, size in zip(attributes, sizes):
        cells = cells * size + pool[a]
    stops = outcome.n_stages + 1
    code = (cells * 2 + pool["qualified"]) * stops + outcome.stopped_at
    total = int(np.prod(sizes)) * 2 * stops
    counts = np.bincount(code, minlength=total).reshape(*sizes, 2, stops)
    cube = CountCube(counts, tuple(attributes), outcome.n_stages)
    cube.cells = cells  # each candidate's cell of the attribute cross (per-rule attribution reuses it)
    return cube


# ---------------------------------------------------------------------------------------------
# The full measurement of a run
# ---------------------------------------------------------------------------------------------

class Measurement:
    """Everything DESIGN.md §6 asks for, computed from one outcome.

    Single-attribute tables (every stage and overall), ground truth and unusual-CV counts are
    computed at once. Intersections, per-rule attribution and the findings are computed the first
    time they are asked for, so the app pays for them only when a view shows them;
    ``measure(..., lazy=False)`` computes the measurements up front.
    """

    def __init__(self, outcome: Outcome, cube: CountCube, singles: pd.DataFrame, intersections,
                 stage_intersections: bool, attribution: bool):
        self.outcome = outcome
        self.singles = singles  # one row per (stage, attribute, group) for single attributes
        self.ground_truth = _ground_truth(cube)  # per attribute group: TPR, FPR, precision, missed talent
        self.unusual = _unusual(outcome)  # per unusual-CV type: qualified, rejected, missed share
        self._cube = cube
        self._intersections = tuple(tuple(c) for c in intersections)
        self._stage_intersections = stage_intersections
        self._attribution = attribution
        self._groups: pd.DataFrame | None = None
        self._suppressed: pd.DataFrame | None = None
        self._rules: pd.DataFrame | None = None
        self._findings = None
        self.scenario = None  # the scenario run (engine.run sets it): its focus heads the verdict
        self.before = None  # the run before the scenario's change, when this is its "after"
        # The window computes findings in a worker while a view may ask for the same tables.
        self._lock = threading.RLock()

    @property
    def groups(self) -> pd.DataFrame:
        """One row per (stage, attribute or intersection, group)."""
        with self._lock:
            if self._groups is None:
                self._groups, self._suppressed = _with_intersections(self.outcome, self._cube, self.singles,
                                                                      self._intersections,
                                                                      self._stage_intersections)
        return self._groups

    @property
    def suppressed(self) -> pd.DataFrame:
        """Per (stage, intersection): hidden cells and the candidates in them."""
        self.groups  # noqa: B018 (computes both)
        return self._suppressed

    @property
    def rules(self) -> pd.DataFrame:
        """Per rule and group: removed first, final rate now, final rate without the rule."""
        with self._lock:
            if self._rules is None:
                cube = self._cube if self._cube.attributes == GROUP_ATTRIBUTES else None
                self._rules = _attribution(self.outcome, cube) if self._attribution else pd.DataFrame()
        return self._rules

    @property
    def findings(self):
        """What these numbers mean (core.findings): the headline, strata, intersections, what was hidden."""
        with self._lock:
            if self._findings is None:
                from .findings import for_run

                self._findings = for_run(self)
        return self._findings

    @property
    def stratified(self) -> dict:
        """CMH check of the headline comparison within strata (vacancies applied for, else education levels)."""
        return self.findings.stratified or {}

    @property
    def strata(self) -> str:
        """What the stratified check groups by: the vacancies applied for when there are several."""
        return "applied_for" if self.outcome.pool.settings.several_vacancies() else "education"

    def stage_label(self, stage: int, lang: str) -> str:
        if stage == OVERALL:
            return t("stage.overall", lang)
        return self.outcome.pipeline.stages[stage].title(lang)


def measure(outcome: Outcome, intersections=DEFAULT_INTERSECTIONS, attribution: bool = True,
            stage_intersections: bool = True, lazy: bool = False,
            references: dict[str, str] | None = None) -> Measurement:
    """Measure an outcome per stage and overall, per attribute and for the given intersections.

    ``stage_intersections=False`` measures intersections overall only (the app computes a stage's
    intersection grid when it is shown). ``lazy=True`` leaves intersections and attribution until
    first use (see ``Measurement``). ``references`` names the group each attribute is compared
    with (a scenario's ``[reference]``); otherwise grouptable chooses.
    """
    references = {**NATURAL_REFERENCES, **(references or {})}
    cube = count_cube(outcome)
    cube.margin(INTERSECTION_ATTRIBUTES)  # the crossed attributes' tables are all sums of this one
    specs = [TableSpec(a, *cube.table((a,), stage), False, stage, 1, references.get(a))
             for stage in [OVERALL] + list(range(outcome.n_stages)) for a in GROUP_ATTRIBUTES]
    m = Measurement(outcome, cube, compare_tables(specs), intersections, stage_intersections, attribution)
    if not lazy:
        m.groups, m.rules  # noqa: B018 (computes them now)
    return m


def _with_intersections(outcome, cube, singles, intersections, stage_intersections):
    """The single-attribute table extended with the intersections, and the suppression disclosure."""
    specs = []
    for stage in [OVERALL] + list(range(outcome.n_stages)):
        if stage != OVERALL and not stage_intersections:
            continue
        for combo in intersections:
            names, n, selected = cube.table(combo, stage)
            specs.append(TableSpec(" × ".join(combo), names, n, selected, True, stage, len(combo)))
    if not specs:
        empty = pd.DataFrame(columns=["stage", "attribute", "cells", "candidates", "cells_total"])
        return singles, empty
    crossed = compare_tables(specs)
    hidden = (crossed["status"] == STATUS_SUPPRESSED).to_numpy()
    counts = crossed["n"].to_numpy()
    disclosed = []
    start = 0
    for spec in specs:  # each table's rows are contiguous, in spec order
        end = start + len(spec.groups)
        mask = hidden[start:end]
        disclosed.append({"stage": spec.stage, "attribute": spec.attribute, "cells": int(mask.sum()),
                          "candidates": int(counts[start:end][mask].sum()), "cells_total": end - start})
        start = end
    groups = pd.concat([singles, crossed], ignore_index=True)
    return groups, pd.DataFrame(disclosed, columns=["stage", "attribute", "cells", "candidates", "cells_total"])


def _ground_truth(cube: CountCube) -> pd.DataFrame:
    rows = []
    for attribute in GROUP_ATTRIBUTES:
        names, q_n, q_sel = cube.table((attribute,), OVERALL, qualified=True)
        _, u_n, u_sel = cube.table((attribute,), OVERALL, qualified=False)
        for i, name in enumerate(names):
            selected = q_sel[i] + u_sel[i]
            rows.append({
                "attribute": attribute, "group": name, "qualified": int(q_n[i]), "qualified_selected": int(q_sel[i]),
                "missed": int(q_n[i] - q_sel[i]),
                "tpr": q_sel[i] / q_n[i] if q_n[i] else np.nan,
                "fpr": u_sel[i] / u_n[i] if u_n[i] else np.nan,
                "precision": q_sel[i] / selected if selected else np.nan,
            })
    frame = pd.DataFrame(rows)
    low, high = wilson_interval(frame["qualified_selected"], frame["qualified"])
    frame["tpr_ci_low"], frame["tpr_ci_high"] = low, high
    return frame


def _unusual(outcome: Outcome) -> pd.DataFrame:
    pool = outcome.pool
    qualified = pool["qualified"]
    rejected = ~outcome.selected
    plain = qualified & ~pool["unusual_any"] & ~pool["unusual_part_time"]
    rows = []
    for flag in UNUSUAL_CV_FLAGS + ("none",):
        mask = plain if flag == "none" else qualified & pool[f"unusual_{flag}"]
        n = int(mask.sum())
        missed = int((mask & rejected).sum())
        rows.append({"type": flag, "qualified": n, "rejected": missed,
                     "missed_share": missed / n if n else np.nan})
    return pd.DataFrame(rows)


def _cell_codes(pool, attributes: tuple[str, ...]) -> np.ndarray:
    """One integer per candidate for their cell in the cross of ``attributes``."""
    code = np.zeros(len(pool), dtype=np.int32)
    for a in attributes:
        code = code * len(CATEGORIES[a]) + pool[a]
    return code


def _marginals(cell_counts: np.ndarray) -> dict[str, np.ndarray]:
    """Counts per group of every attribute, from counts per cell of their cross."""
    cube = cell_counts.reshape([len(CATEGORIES[a]) for a in GROUP_ATTRIBUTES])
    axes = range(len(GROUP_ATTRIBUTES))
    return {a: cube.sum(axis=tuple(j for j in axes if j != i)) for i, a in enumerate(GROUP_ATTRIBUTES)}


def _selected_counts(cells: np.ndarray, selected: np.ndarray, n_cells: int) -> np.ndarray:
    """Selected candidates per cell (one counting pass; no copy of the selected candidates' cells)."""
    return np.bincount(cells * 2 + selected, minlength=2 * n_cells)[1::2]


def _attribution(outcome: Outcome, cube: CountCube | None = None) -> pd.DataFrame:
    """Per rule: who it removed first, and every group's final rate with the rule switched off.

    Switching a rule off re-runs the pipeline from that rule's stage on, for the candidates who
    reached it (``run_pipeline(resume=...)``): earlier stages cannot change.
    """
    pool = outcome.pool
    n_cells = int(np.prod([len(CATEGORIES[a]) for a in GROUP_ATTRIBUTES]))
    selected = outcome.selected
    if cube is not None:  # the measurement's count cube already holds people and selections per cell
        cells = cube.cells
        per_cell = cube.counts.reshape(n_cells, 2, outcome.n_stages + 1)
        sizes = _marginals(per_cell.sum(axis=(1, 2)))
        selected_cells = per_cell[:, :, outcome.n_stages].sum(axis=1)
    else:
        cells = _cell_codes(pool, GROUP_ATTRIBUTES)
        sizes = _marginals(np.bincount(cells, minlength=n_cells))
        selected_cells = _selected_counts(cells, selected, n_cells)
    now = _marginals(selected_cells)
    flat = outcome.pipeline.flat_rules()
    # Who each rule removed first, for every rule at once: one count per (rule, cell).
    removed_all = np.bincount((outcome.rejected_by.astype(np.int64) + 1) * n_cells + cells,
                              minlength=(len(flat) + 1) * n_cells).reshape(len(flat) + 1, n_cells)
    rows = []
    cache = outcome.cache
    for rule_id, (s, _, rule) in enumerate(flat):
        if not rule.enabled or not outcome.pipeline.stages[s].enabled:
            continue
        removed = _marginals(removed_all[rule_id + 1])
        without = run_pipeline(pool, outcome.pipeline, disabled={rule_id}, cache=cache, resume=outcome,
                               record=False).selected
        # Selected without the rule = selected now, plus who gets in, minus who drops out (few).
        changed = np.flatnonzero(without != selected)
        delta = np.bincount(cells[changed], weights=np.where(without[changed], 1.0, -1.0), minlength=n_cells)
        alt = _marginals(selected_cells + delta)
        for a in GROUP_ATTRIBUTES:
            for i, value in enumerate(CATEGORIES[a]):
                n = int(sizes[a][i])
                rows.append({
                    "rule_id": rule_id, "stage": s, "kind": rule.kind, "attribute": a, "group": value, "n": n,
                    "removed_first": int(removed[a][i]),
                    "removed_share": removed[a][i] / n if n else np.nan,
                    "rate_now": now[a][i] / n if n else np.nan,
                    "rate_without": alt[a][i] / n if n else np.nan,
                })
    return pd.DataFrame(rows)


def strata_tables(outcome: Outcome, strata: str, attribute: str, focal: str, reference: str) -> list:
    """One 2x2 table [[ref selected, ref not], [focal selected, focal not]] per level of ``strata``."""
    pool = outcome.pool
    f = CATEGORIES[attribute].index(focal)
    r = CATEGORIES[attribute].index(reference)
    levels = len(CATEGORIES[strata])
    size = len(CATEGORIES[attribute])
    code = (pool[strata].astype(np.int32) * size + pool[attribute]) * 2 + outcome.selected
    counts = np.bincount(code, minlength=levels * size * 2).reshape(levels, size, 2)
    return [[[counts[e, r, 1], counts[e, r, 0]], [counts[e, f, 1], counts[e, f, 0]]] for e in range(levels)]
