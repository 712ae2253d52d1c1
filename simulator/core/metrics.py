"""Who gets filtered out: selection rates, impact ratios and tests per group, stage and intersection.

One ``np.bincount`` over the full cross of the protected attributes (and stage, and ground truth)
gives a small table of counts; every per-attribute or intersectional table is a sum over it. The
statistics then run once, vectorised, over all rows (``stats.compare_many``).

The group tables and their size gates come from ``grouptable`` (shared with audits of real data).
"""

from __future__ import annotations

import itertools
import threading

import numpy as np
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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
    compare_tables_later,
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

class CountCube:
    """Counts of one outcome per cell of the protected-attribute cross x qualified x stop stage.

    A margin (the counts of some of the attributes, summed over the others) is counted the first
    time it is asked for: summed from a margin already made that holds its attributes, else counted
    straight from the candidates (one ``np.bincount``, cheaper than summing the whole cross, which
    has about as many cells as a pool of 100,000 has people). Counts are whole numbers, so every
    way of summing gives the same table.
    """

    def __init__(self, outcome: Outcome, attributes: tuple[str, ...] = GROUP_ATTRIBUTES):
        self.outcome = outcome
        self.attributes = tuple(attributes)
        self.n_stages = outcome.n_stages
        self._margins: dict[tuple[int, ...], np.ndarray] = {}

    @property
    def counts(self) -> np.ndarray:
        """The whole cross: shape (*attribute sizes, 2, n_stages + 1)."""
        return self.margin(self.attributes)

    @property
    def cells(self) -> np.ndarray:
        """Each candidate's cell of the whole attribute cross (per-rule attribution counts by it)."""
        return _cell_codes(self.outcome.pool, self.attributes)

    def margin(self, attributes: tuple[str, ...]) -> np.ndarray:
        """Counts summed over every other attribute: (*kept sizes in cube order, 2, stops); each
        margin is made once and reused for every stage and for the qualified split."""
        keep = tuple(sorted(self.attributes.index(a) for a in attributes))
        cache = self._margins
        if keep not in cache:
            # Sum from the smallest margin already made that holds these attributes (a 2-way table
            # from the 5-way one is a sum over 180 cells), else count the candidates.
            supersets = [k for k in list(cache) if set(keep) <= set(k)]
            if supersets:
                source = min(supersets, key=lambda k: cache[k].size)
                drop = tuple(j for j, i in enumerate(source) if i not in keep)
                cache[keep] = cache[source].sum(axis=drop) if drop else cache[source]
            else:
                cache[keep] = self._count(keep)
        return cache[keep]

    def _count(self, keep: tuple[int, ...]) -> np.ndarray:
        outcome = self.outcome
        kept = tuple(self.attributes[i] for i in keep)
        sizes = [len(CATEGORIES[a]) for a in kept]
        stops = self.n_stages + 1
        code = _stop_codes(outcome.pool, kept, stops) + outcome.stopped_at
        total = int(np.prod(sizes)) * 2 * stops
        return np.bincount(code, minlength=total).reshape(*sizes, 2, stops)

    def table(self, attributes: tuple[str, ...], stage: int, qualified: bool | None = None):
        """(groups, n, selected) for the cross of ``attributes`` at ``stage`` (or OVERALL)."""
        return self.stage_tables(attributes, [stage], qualified)[0]

    def stage_tables(self, attributes: tuple[str, ...], stages,
                     qualified: bool | None = None) -> list[tuple[list[str], np.ndarray, np.ndarray]]:
        """``table(attributes, stage)`` for each of ``stages``, from one margin and one running sum."""
        stops = self._stops(attributes, qualified)
        cumulative = stops[:, ::-1].cumsum(axis=1)[:, ::-1]  # reached_s = sum over stops >= s
        names = _names(attributes)
        out = []
        for stage in stages:
            if stage == OVERALL:
                out.append((names, stops.sum(axis=1), stops[:, self.n_stages]))
            else:
                out.append((names, cumulative[:, stage], cumulative[:, stage + 1]))
        return out

    def _stops(self, attributes: tuple[str, ...], qualified: bool | None) -> np.ndarray:
        """Counts per cell of ``attributes`` (in the order asked) x stop stage."""
        keep = [self.attributes.index(a) for a in attributes]
        cube = self.margin(attributes)  # (*kept sizes, 2, stops)
        if qualified is not None:
            cube = cube[..., int(qualified), :]
        else:
            cube = cube.sum(axis=-2)
        # reorder kept axes to the requested order
        order = [sorted(keep).index(k) for k in keep]
        cube = np.moveaxis(cube, order, list(range(len(order))))
        return cube.reshape(-1, self.n_stages + 1)


# The attribute crosses whose per-candidate codes are kept with the pool (each run counts them).
_KEPT_CROSSES = (GROUP_ATTRIBUTES, INTERSECTION_ATTRIBUTES)


def _names(attributes: tuple[str, ...]) -> list[str]:
    return [" × ".join(combo) for combo in itertools.product(*(CATEGORIES[a] for a in attributes))]


def _stop_codes(pool, attributes: tuple[str, ...], stops: int) -> np.ndarray:
    """(cell of ``attributes`` x 2 + qualified) x ``stops`` per candidate: add the stop stage and
    count. It depends on the pool only, so re-runs on one pool (a slider dragged) make it once."""
    key = ("count_cube.codes", attributes, stops)
    code = pool.draws.get(key)
    if code is None:
        code = (_cell_codes(pool, attributes) * 2 + pool["qualified"]) * stops
        if attributes in _KEPT_CROSSES:  # the crosses every run counts (others are quick to code again)
            pool.draws[key] = code
    return code


def count_cube(outcome: Outcome, attributes: tuple[str, ...] = GROUP_ATTRIBUTES) -> CountCube:
    """The counts of ``outcome`` per cell of the cross of ``attributes`` (margins made on demand)."""
    return CountCube(outcome, attributes)


# ---------------------------------------------------------------------------------------------
# The full measurement of a run
# ---------------------------------------------------------------------------------------------

class Measurement:
    """Everything DESIGN.md §6 asks for, computed from one outcome.

    Single-attribute tables (every stage and overall), ground truth and unusual-CV counts are
    computed at once. Intersections, per-rule attribution, the findings and (lazy) the single
    tables' Fisher p-values are computed the first time they are asked for, so the app pays for
    them only when a view shows them; ``measure(..., lazy=False)`` computes the measurements up front.
    """

    def __init__(self, outcome: Outcome, cube: CountCube, singles: pd.DataFrame, intersections,
                 stage_intersections: bool, attribution: bool, singles_p_values=None, singles_read=None):
        self.outcome = outcome
        self._singles = singles  # one row per (stage, attribute, group) for single attributes
        # Fills in the singles' Fisher p-values when first read (measure(lazy=True)), else None.
        self._singles_p_values = singles_p_values
        self._singles_read = singles_read  # the pool's count of runs since single tables were read
        self.ground_truth = _ground_truth(cube)  # per attribute group: TPR, FPR, precision, missed talent
        self.unusual = _unusual(outcome)  # per unusual-CV type: qualified, rejected, missed share
        self._cube = cube
        self._intersections = tuple(tuple(c) for c in intersections)
        self._stage_intersections = stage_intersections
        self._attribution = attribution
        self._groups: pd.DataFrame | None = None
        self._suppressed: pd.DataFrame | None = None
        self._rules: pd.DataFrame | None = None
        self._ai_audits: dict | None = None
        self._findings = None
        self.scenario = None  # the scenario run (engine.run sets it): its focus heads the verdict
        self.before = None  # the run before the scenario's change, when this is its "after"
        # The window computes findings in a worker while a view may ask for the same tables.
        self._lock = threading.RLock()

    @property
    def singles(self) -> pd.DataFrame:
        """One row per (stage, attribute, group) for single attributes: rates, intervals, tests."""
        if self._singles_read is not None:
            self._singles_read[0] = 0
        if self._singles_p_values is not None:
            with self._lock:
                if self._singles_p_values is not None:
                    self._singles_p_values()
                    self._singles_p_values = None
        return self._singles

    @property
    def cube(self) -> CountCube:
        """The run's counts per cell of the protected-attribute cross (margins made on demand)."""
        return self._cube

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
        import pandas as pd
        with self._lock:
            if self._rules is None:
                cube = self._cube if self._cube.attributes == GROUP_ATTRIBUTES else None
                self._rules = _attribution(self.outcome, cube) if self._attribution else pd.DataFrame()
        return self._rules

    @property
    def ai_audits(self) -> dict:
        """Per AI-screener rule (flat id): its name-swap, order-swap and repeat audits (core.ai_audit)."""
        with self._lock:
            if self._ai_audits is None:
                from .ai_audit import audit_screener, screener_rules

                self._ai_audits = {k: audit_screener(self.outcome, k) for k, _, _ in screener_rules(self.outcome)
                                   if k in self.outcome.rule_info}
        return self._ai_audits

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


# Where a pool counts its runs since one had its single tables read (measure), and how recent a
# read keeps the next run's p-values computed up front (a run is drawn while the next one runs).
_SINGLES_READ = "measure.runs_since_singles_read"
_READ_WITHIN = 3


def measure(outcome: Outcome, intersections=DEFAULT_INTERSECTIONS, attribution: bool = True,
            stage_intersections: bool = True, lazy: bool = False,
            references: dict[str, str] | None = None) -> Measurement:
    """Measure an outcome per stage and overall, per attribute and for the given intersections.

    ``stage_intersections=False`` measures intersections overall only (the app computes a stage's
    intersection grid when it is shown). ``lazy=True`` leaves intersections, attribution and the
    single tables' Fisher p-values until first use (see ``Measurement``). ``references`` names the
    group each attribute is compared with (a scenario's ``[reference]``); otherwise grouptable chooses.
    """
    references = {**NATURAL_REFERENCES, **(references or {})}
    cube = count_cube(outcome)
    cube.margin(INTERSECTION_ATTRIBUTES)  # the crossed attributes' tables are all sums of this one
    stages = [OVERALL] + list(range(outcome.n_stages))
    tables = {a: cube.stage_tables((a,), stages) for a in GROUP_ATTRIBUTES}
    specs = [TableSpec(a, *tables[a][k], False, stage, 1, references.get(a))
             for k, stage in enumerate(stages) for a in GROUP_ATTRIBUTES]
    # Fisher's exact tests take most of a run's statistics at 100,000 people. Lazy, they wait until
    # the single tables are read (a view that shows none of them skips them), unless one of the
    # pool's last runs had its tables read: a view that shows them is up, and this thread (the
    # app's worker) computes them now rather than the window's thread later.
    read = outcome.pool.draws.setdefault(_SINGLES_READ, [_READ_WITHIN])
    if lazy and read[0] >= _READ_WITHIN:
        singles, p_values = compare_tables_later(specs)
    else:
        singles, p_values = compare_tables(specs), None
    read[0] += 1
    m = Measurement(outcome, cube, singles, intersections, stage_intersections, attribution, p_values, read)
    if not lazy:
        m.groups, m.rules  # noqa: B018 (computes them now)
    return m


def _with_intersections(outcome, cube, singles, intersections, stage_intersections):
    """The single-attribute table extended with the intersections, and the suppression disclosure."""
    import pandas as pd
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
    """Per attribute group: qualified, selected among them, missed, TPR, FPR and precision."""
    import pandas as pd
    parts = {key: [] for key in ("attribute", "group", "q_n", "q_sel", "u_n", "u_sel")}
    for attribute in GROUP_ATTRIBUTES:
        names, q_n, q_sel = cube.table((attribute,), OVERALL, qualified=True)
        _, u_n, u_sel = cube.table((attribute,), OVERALL, qualified=False)
        parts["attribute"].append(np.full(len(names), attribute, dtype=object))
        parts["group"].append(np.asarray(names, dtype=object))
        for key, value in (("q_n", q_n), ("q_sel", q_sel), ("u_n", u_n), ("u_sel", u_sel)):
            parts[key].append(np.asarray(value, dtype=np.int64))
    c = {key: np.concatenate(value) for key, value in parts.items()}
    q_n, q_sel, u_n, u_sel = c["q_n"], c["q_sel"], c["u_n"], c["u_sel"]
    selected = q_sel + u_sel
    with np.errstate(divide="ignore", invalid="ignore"):
        frame = pd.DataFrame({
            "attribute": c["attribute"], "group": c["group"], "qualified": q_n, "qualified_selected": q_sel,
            "missed": q_n - q_sel,
            "tpr": np.where(q_n > 0, q_sel / q_n, np.nan),
            "fpr": np.where(u_n > 0, u_sel / u_n, np.nan),
            "precision": np.where(selected > 0, q_sel / selected, np.nan),
        })
    low, high = wilson_interval(q_sel, q_n)
    frame["tpr_ci_low"], frame["tpr_ci_high"] = low, high
    return frame


def _unusual(outcome: Outcome) -> pd.DataFrame:
    """Per unusual-CV type: qualified candidates, how many were rejected, and that share."""
    import pandas as pd
    pool = outcome.pool
    qualified = pool["qualified"]
    rejected = ~outcome.selected
    plain = qualified & ~pool["unusual_any"] & ~pool["unusual_part_time"]
    types, counts, missed_counts = [], [], []
    for flag in UNUSUAL_CV_FLAGS + ("none",):
        mask = plain if flag == "none" else qualified & pool[f"unusual_{flag}"]
        types.append(flag)
        counts.append(int(np.count_nonzero(mask)))
        missed_counts.append(int(np.count_nonzero(mask & rejected)))
    n = np.asarray(counts, dtype=np.int64)
    missed = np.asarray(missed_counts, dtype=np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(n > 0, missed / n, np.nan)
    return pd.DataFrame({"type": np.asarray(types, dtype=object), "qualified": n, "rejected": missed,
                         "missed_share": share})


def _cell_codes(pool, attributes: tuple[str, ...]) -> np.ndarray:
    """One integer per candidate for their cell in the cross of ``attributes`` (int64). A cross of
    the whole or the intersections' attributes is kept with the pool: it depends on the pool only.
    Callers must not change it."""
    key = ("cell_codes", tuple(attributes))
    code = pool.draws.get(key)
    if code is None:
        code = np.zeros(len(pool), dtype=np.int64)
        for a in attributes:
            code = code * len(CATEGORIES[a]) + pool[a]
        if tuple(attributes) in _KEPT_CROSSES:
            pool.draws[key] = code
    return code


def _group_counts(pool, key: np.ndarray, key_size: int, weights: np.ndarray | None = None,
                  rows: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Per attribute of GROUP_ATTRIBUTES: counts (key_size x groups) of candidates by ``key`` and
    group (``weights`` summed instead of counted if given); ``rows``: only these candidates, in
    the order of ``key``. The intersections' attributes are counted once, by their cross, and
    summed from it."""
    out = {}
    crossed = INTERSECTION_ATTRIBUTES
    sizes = [len(CATEGORIES[a]) for a in crossed]
    n_cells = int(np.prod(sizes))
    cells = _cell_codes(pool, crossed)
    cells = cells if rows is None else cells[rows]
    counts = np.bincount(key * n_cells + cells, weights=weights, minlength=key_size * n_cells)
    cube = counts.reshape(key_size, *sizes)
    for i, a in enumerate(crossed):
        out[a] = cube.sum(axis=tuple(j + 1 for j in range(len(crossed)) if j != i))
    for a in GROUP_ATTRIBUTES:
        if a not in out:
            size = len(CATEGORIES[a])
            groups = pool[a] if rows is None else pool[a][rows]
            out[a] = np.bincount(key * size + groups, weights=weights, minlength=key_size * size).reshape(key_size, size)
    return {a: out[a] for a in GROUP_ATTRIBUTES}


def _attribution(outcome: Outcome, cube: CountCube | None = None) -> pd.DataFrame:
    """Per rule: who it removed first, and every group's final rate with the rule switched off.

    Switching a rule off re-runs the pipeline from that rule's stage on, for the candidates who
    reached it (``run_pipeline(resume=...)``): earlier stages cannot change. Counting is by group:
    the rule's re-run changes the decision of few candidates, so only they are counted again.
    """
    import pandas as pd
    pool = outcome.pool
    cube = cube if cube is not None and cube.attributes == GROUP_ATTRIBUTES else count_cube(outcome)
    selected = outcome.selected
    sizes, now = {}, {}
    for a in GROUP_ATTRIBUTES:
        _, sizes[a], now[a] = cube.table((a,), OVERALL)
    flat = outcome.pipeline.flat_rules()
    ids = [rule_id for rule_id, (s, _, rule) in enumerate(flat)
           if rule.enabled and outcome.pipeline.stages[s].enabled]
    if not ids:
        return pd.DataFrame([])
    # Who each rule removed first, for every rule at once: one count per (rule, group).
    removed_all = _group_counts(pool, outcome.rejected_by.astype(np.int64) + 1, len(flat) + 1)
    cache = outcome.cache
    # Selected without a rule = selected now, plus who gets in, minus who drops out: the few whose
    # decision changes are counted, for every rule at once.
    changed, steps = [], []
    for rule_id in ids:
        without = run_pipeline(pool, outcome.pipeline, disabled={rule_id}, cache=cache, resume=outcome,
                               record=False).selected
        moved = np.flatnonzero(without != selected)
        changed.append(moved)
        steps.append(np.where(without[moved], 1.0, -1.0))
    which = np.repeat(np.arange(len(ids), dtype=np.int64), [len(c) for c in changed])
    delta = _group_counts(pool, which, len(ids), weights=np.concatenate(steps), rows=np.concatenate(changed))
    columns = {key: [] for key in ("rule_id", "stage", "kind", "attribute", "group", "n", "removed_first",
                                   "now", "alt")}
    for k, rule_id in enumerate(ids):
        s, _, rule = flat[rule_id]
        for a in GROUP_ATTRIBUTES:
            size = len(CATEGORIES[a])
            columns["rule_id"].append(np.full(size, rule_id, dtype=np.int64))
            columns["stage"].append(np.full(size, s, dtype=np.int64))
            columns["kind"].append(np.full(size, rule.kind, dtype=object))
            columns["attribute"].append(np.full(size, a, dtype=object))
            columns["group"].append(np.asarray(CATEGORIES[a], dtype=object))
            columns["n"].append(np.asarray(sizes[a], dtype=np.int64))
            columns["removed_first"].append(np.asarray(removed_all[a][rule_id + 1], dtype=np.int64))
            columns["now"].append(np.asarray(now[a], dtype=np.int64))
            columns["alt"].append(now[a] + delta[a][k])
    c = {key: np.concatenate(value) for key, value in columns.items()}
    n = c["n"]
    with np.errstate(divide="ignore", invalid="ignore"):
        return pd.DataFrame({
            "rule_id": c["rule_id"], "stage": c["stage"], "kind": c["kind"], "attribute": c["attribute"],
            "group": c["group"], "n": n, "removed_first": c["removed_first"],
            "removed_share": np.where(n > 0, c["removed_first"] / n, np.nan),
            "rate_now": np.where(n > 0, c["now"] / n, np.nan),
            "rate_without": np.where(n > 0, c["alt"] / n, np.nan),
        })


def stratum_counts(outcome: Outcome, strata: str, attribute: str) -> np.ndarray:
    """People per (level of ``strata``, group of ``attribute``, not selected / selected)."""
    pool = outcome.pool
    levels, size = len(CATEGORIES[strata]), len(CATEGORIES[attribute])
    code = (pool[strata].astype(np.int32) * size + pool[attribute]) * 2 + outcome.selected
    return np.bincount(code, minlength=levels * size * 2).reshape(levels, size, 2)


def strata_tables(outcome: Outcome, strata: str, attribute: str, focal: str, reference: str) -> list:
    """One 2x2 table [[ref selected, ref not], [focal selected, focal not]] per level of ``strata``."""
    f = CATEGORIES[attribute].index(focal)
    r = CATEGORIES[attribute].index(reference)
    counts = stratum_counts(outcome, strata, attribute)
    return [[[counts[e, r, 1], counts[e, r, 0]], [counts[e, f, 1], counts[e, f, 0]]] for e in range(len(counts))]
