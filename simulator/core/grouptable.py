"""Group tables from plain counts: rates, intervals and the comparison with the reference group.

Shared by a simulated run (``metrics``) and an audit of a user's file (``audit``): both count
people per group, per intersection and per stage, and hand the counts to ``compare_tables``.
The gates (DESIGN.md §6, ``thresholds``): a group under MIN_N people is "not enough data" and gets
no statistics; under FEW_N its statistics carry "too few" wording; an intersection cell holding
under SUPPRESS_SHARE of the people compared is hidden, and only the count of hidden cells and
people is disclosed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .stats import compare_many, wilson_interval
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
    """Many group tables at once: one vectorised call of the statistics for all their rows."""
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
        if may_be_reference.any() and np.nanmax(np.where(may_be_reference, rate, np.nan)) > 0:
            ref = int(np.nanargmax(np.where(may_be_reference, rate, -1.0)))
            reference[ref] = True
            rows = np.flatnonzero(eligible)
            focal_rows.append(offset + rows)
            ref_rows.append(np.full(len(rows), offset + ref))
        parts.append((spec, n, selected, rate, status, reference))
        offset += len(n)
    frame = pd.DataFrame({
        "attribute": np.concatenate([np.full(len(p[1]), p[0].attribute, dtype=object) for p in parts]),
        "group": np.concatenate([np.asarray(p[0].groups, dtype=object) for p in parts]),
        "stage": np.concatenate([np.full(len(p[1]), p[0].stage, dtype=object) for p in parts]),
        "depth": np.concatenate([np.full(len(p[1]), p[0].depth) for p in parts]),
        "n": np.concatenate([p[1] for p in parts]),
        "selected": np.concatenate([p[2] for p in parts]),
        "rate": np.concatenate([p[3] for p in parts]),
        "status": np.concatenate([p[4] for p in parts]),
        "reference": np.concatenate([p[5] for p in parts]),
    })
    if all(isinstance(p[0].stage, (int, np.integer)) for p in parts):
        frame["stage"] = frame["stage"].astype(np.int64)
    n_all = frame["n"].to_numpy(dtype=np.int64)
    sel_all = frame["selected"].to_numpy(dtype=np.int64)
    frame["rate_ci_low"], frame["rate_ci_high"] = wilson_interval(sel_all, n_all)
    stats = {col: np.full(len(frame), np.nan) for col in (
        "impact_ratio", "impact_ratio_ci_low", "impact_ratio_ci_high", "z", "p_value", "difference", "shortfall",
        "needed_for_four_fifths")}
    if focal_rows:
        f = np.concatenate(focal_rows)
        r = np.concatenate(ref_rows)
        cmp = compare_many(sel_all[f], n_all[f], sel_all[r], n_all[r])
        stats["impact_ratio"][f] = cmp["impact_ratio"]
        stats["impact_ratio_ci_low"][f], stats["impact_ratio_ci_high"][f] = cmp["impact_ratio_ci"]
        for col in ("z", "p_value", "difference", "shortfall", "needed_for_four_fifths"):
            stats[col][f] = cmp[col]
        is_ref = f == r
        for col in ("z", "difference", "shortfall"):
            stats[col][f[is_ref]] = 0.0
        stats["p_value"][f[is_ref]] = 1.0
        # The reference is compared with nothing: ratio 1 by definition, no interval around it.
        stats["impact_ratio_ci_low"][f[is_ref]] = np.nan
        stats["impact_ratio_ci_high"][f[is_ref]] = np.nan
    for col, values in stats.items():
        frame[col] = values
    frame["hidden"] = frame["status"].isin(HIDDEN_STATUSES).to_numpy()
    compared = ~frame["reference"].to_numpy() & np.isfinite(stats["impact_ratio"])
    frame["below_four_fifths"] = compared & (stats["impact_ratio"] < FOUR_FIFTHS)
    frame["significant_lower"] = compared & (stats["impact_ratio"] < 1) & (stats["p_value"] < ALPHA)
    return frame
