"""Group tables from plain counts: rates, intervals and the comparison with the reference group.

Shared by a simulated run (``metrics``) and an audit of a user's file (``audit``): both count
people per group, per intersection and per stage, and hand the counts to ``compare_tables``.
The gates (DESIGN.md §6, ``thresholds``): a group under MIN_N people is "not enough data" and gets
no statistics; under FEW_N its statistics carry "too few" wording; an intersection cell holding
under SUPPRESS_SHARE of the people compared is hidden, and only the count of hidden cells and
people is disclosed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

from .stats import compare_many, fisher_exact_two_sided, wilson_interval
from .thresholds import ALPHA, FEW_N, FOUR_FIFTHS, MIN_N, REFERENCE_SHARE, SUPPRESS_SHARE

OVERALL = -1  # stage index meaning "from application to final selection"

STATUS_OK = "ok"
STATUS_FEW = "too_few"
STATUS_NOT_ENOUGH = "not_enough"
STATUS_SUPPRESSED = "suppressed"
STATUS_UNKNOWN = "unknown"  # people whose group is missing in an audited file: counted, never compared
HIDDEN_STATUSES = (STATUS_NOT_ENOUGH, STATUS_SUPPRESSED)


# ---------------------------------------------------------------------------------------------
# Group tables from plain counts (shared by `run` and `audit`)
# ---------------------------------------------------------------------------------------------

def compare_table(attribute: str, groups: list[str], n: np.ndarray, selected: np.ndarray,
                  intersection: bool, stage: str | None = None) -> pd.DataFrame:
    """Rates, intervals and comparisons with the most-selected group for one attribute's groups.

    ``groups`` are value keys (joined with " × " for intersections); ``n`` and ``selected`` counts.
    The reference is the most-selected group among those holding at least REFERENCE_SHARE of
    the candidates (else at least SUPPRESS_SHARE, NYC LL144's rule for small categories): a small
    group's high rate is too uncertain to compare everyone else against. Small groups are still
    compared with the reference. ``TableSpec.reference`` names the reference instead.
    """
    return compare_tables([TableSpec(attribute, list(groups), n, selected, intersection, stage)])


@dataclass
class TableSpec:
    attribute: str
    groups: list[str]
    n: np.ndarray
    selected: np.ndarray
    intersection: bool
    stage: object = None
    depth: int = 1
    reference: str | None = None  # the group to compare with (when it has enough people), else chosen


def compare_tables(specs: list[TableSpec]) -> pd.DataFrame:
    """Many group tables at once: one vectorised call of the statistics for all their rows.

    The reference group of each table is compared with nothing (ratio 1, p = 1, no interval): only
    the other groups go through ``compare_many``, and the frame is built once from its columns.
    """
    frame, _ = _compare_tables(specs, p_values=True)
    return frame


def compare_tables_later(specs: list[TableSpec]) -> tuple[pd.DataFrame, Callable[[], None]]:
    """``compare_tables`` without Fisher's exact p-values, the costliest statistic (a pool of
    100,000 takes ~0.7 ms a group), and a function that fills them in, in place: ``p_value``
    and ``significant_lower`` are then exactly what ``compare_tables`` gives. Until it is called
    those two columns hold NaN and False; call it before anything reads them."""
    return _compare_tables(specs, p_values=False)


def _compare_tables(specs: list[TableSpec], p_values: bool) -> tuple[pd.DataFrame, Callable[[], None]]:
    import pandas as pd
    parts = []
    focal_rows, ref_rows = [], []
    offset = 0
    for spec in specs:
        n = np.asarray(spec.n, dtype=np.int64)
        selected = np.asarray(spec.selected, dtype=np.int64)
        total = int(n.sum())
        status = np.where(n < MIN_N, STATUS_NOT_ENOUGH, np.where(n < FEW_N, STATUS_FEW, STATUS_OK)).astype(object)
        eligible = n >= MIN_N
        if spec.intersection:
            suppressed = (n < SUPPRESS_SHARE * total) & (n > 0)
            status[suppressed] = STATUS_SUPPRESSED
            eligible &= ~suppressed
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = np.where(n > 0, selected / np.maximum(n, 1), np.nan)
        may_be_reference = eligible & (n >= REFERENCE_SHARE * total)
        if not may_be_reference.any():
            may_be_reference = eligible & (n >= SUPPRESS_SHARE * total)
        if not may_be_reference.any():
            may_be_reference = eligible
        if spec.reference is not None:
            named = np.asarray([g == spec.reference for g in spec.groups], dtype=bool) & eligible
            if named.any() and rate[named][0] > 0:
                may_be_reference = named
        reference = np.zeros(len(n), dtype=bool)
        candidates = np.where(may_be_reference, rate, -1.0)  # rates are >= 0 (NaN only where n == 0)
        if may_be_reference.any() and candidates.max() > 0:
            ref = int(np.argmax(candidates))  # the first of the highest rates, as nanargmax
            reference[ref] = True
            rows = np.flatnonzero(eligible)
            focal_rows.append(offset + rows)
            ref_rows.append(np.full(len(rows), offset + ref))
        parts.append((spec, n, selected, rate, status, reference))
        offset += len(n)
    size = offset
    stages = [p[0].stage for p in parts]
    if all(isinstance(stage, (int, np.integer)) for stage in stages):
        stage_column = np.concatenate([np.full(len(p[1]), p[0].stage, dtype=np.int64) for p in parts])
    else:
        stage_column = np.concatenate([np.full(len(p[1]), p[0].stage, dtype=object) for p in parts])
    n_all = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
    sel_all = np.concatenate([p[2] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
    status_all = np.concatenate([p[4] for p in parts]) if parts else np.zeros(0, dtype=object)
    reference_all = np.concatenate([p[5] for p in parts]) if parts else np.zeros(0, dtype=bool)
    rate_ci_low, rate_ci_high = wilson_interval(sel_all, n_all)
    stats = {col: np.full(size, np.nan) for col in (
        "impact_ratio", "impact_ratio_ci_low", "impact_ratio_ci_high", "z", "p_value", "difference", "shortfall",
        "needed_for_four_fifths")}
    if focal_rows:
        f = np.concatenate(focal_rows)
        r = np.concatenate(ref_rows)
        is_ref = f == r
        fo, ro = f[~is_ref], r[~is_ref]
        cmp = compare_many(sel_all[fo], n_all[fo], sel_all[ro], n_all[ro], p_values=p_values)
        stats["impact_ratio"][fo] = cmp["impact_ratio"]
        stats["impact_ratio_ci_low"][fo], stats["impact_ratio_ci_high"][fo] = cmp["impact_ratio_ci"]
        for col in ("z", "p_value", "difference", "shortfall", "needed_for_four_fifths"):
            stats[col][fo] = cmp[col]
        # The reference is compared with nothing: ratio 1 by definition, no interval around it (the
        # formulas of compare_many, which give exactly these numbers for a group against itself).
        refs = f[is_ref]
        a, n1 = sel_all[refs], n_all[refs]
        with np.errstate(divide="ignore", invalid="ignore"):
            rate_f = np.where(n1 > 0, a / np.maximum(n1, 1), np.nan)
            stats["impact_ratio"][refs] = np.where(rate_f > 0, rate_f / rate_f, np.nan)
        stats["needed_for_four_fifths"][refs] = np.where(np.isfinite(rate_f),
                                                         np.ceil(FOUR_FIFTHS * rate_f * n1 - 1e-9), np.nan)
        for col in ("z", "difference", "shortfall"):
            stats[col][refs] = 0.0
        stats["p_value"][refs] = 1.0
    hidden = np.isin(status_all, HIDDEN_STATUSES) if size else np.zeros(0, dtype=bool)
    compared = ~reference_all & np.isfinite(stats["impact_ratio"])
    with np.errstate(invalid="ignore"):
        below = compared & (stats["impact_ratio"] < FOUR_FIFTHS)
        significant = compared & (stats["impact_ratio"] < 1) & (stats["p_value"] < ALPHA)
    frame = pd.DataFrame({
        "attribute": np.concatenate([np.full(len(p[1]), p[0].attribute, dtype=object) for p in parts]),
        "group": np.concatenate([np.asarray(p[0].groups, dtype=object) for p in parts]),
        "stage": stage_column,
        "depth": np.concatenate([np.full(len(p[1]), p[0].depth) for p in parts]),
        "n": n_all,
        "selected": sel_all,
        "rate": np.concatenate([p[3] for p in parts]),
        "status": status_all,
        "reference": reference_all,
        "rate_ci_low": rate_ci_low,
        "rate_ci_high": rate_ci_high,
        **stats,
        "hidden": hidden,
        "below_four_fifths": below,
        "significant_lower": significant,
    })

    def fill_p_values() -> None:
        if p_values or not focal_rows:
            return
        a, n1, b, n2 = sel_all[fo], n_all[fo], sel_all[ro], n_all[ro]
        p = stats["p_value"].copy()
        p[fo] = fisher_exact_two_sided(a, n1 - a, b, n2 - b)  # as compare_many computes it
        with np.errstate(invalid="ignore"):
            frame["significant_lower"] = compared & (stats["impact_ratio"] < 1) & (p < ALPHA)
        frame["p_value"] = p

    return frame, fill_p_values
