"""Selection rates within each stratum (the vacancy applied for): the picture behind Simpson's paradox.

Pooled over vacancies a group can be selected far less often while within every vacancy it is
treated alike, because it applied more to the vacancies that select few. The per-vacancy table is
the same group table as the pooled one (rates, Wilson intervals, impact ratios with MOVER-R
intervals, Fisher's exact test, the same size gates), counted within each vacancy, each compared
with the group the pooled table compares with.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .grouptable import OVERALL, TableSpec, compare_tables
from .metrics import stratum_counts
from .world import CATEGORIES

if TYPE_CHECKING:
    import pandas as pd


def rates_per_stratum(measurement, attribute: str) -> pd.DataFrame:
    """One row per (stratum, group) with at least one person, strata in order, in the columns of
    ``measurement.singles``; ``stage`` holds the stratum's value key (e.g. "vacancy_a")."""
    strata = measurement.strata
    levels, groups = CATEGORIES[strata], CATEGORIES[attribute]
    counts = stratum_counts(measurement.outcome, strata, attribute)
    n, selected = counts.sum(axis=2), counts[:, :, 1]
    pooled = measurement.singles
    named = pooled[(pooled["stage"] == OVERALL) & (pooled["attribute"] == attribute) & pooled["reference"]]
    reference = str(named["group"].iloc[0]) if len(named) else None
    specs = [TableSpec(attribute, list(groups), n[e], selected[e], False, levels[e], 1, reference)
             for e in range(len(levels)) if n[e].sum() > 0]
    if not specs:
        return pooled.iloc[0:0].copy()
    frame = compare_tables(specs)
    return frame[frame["n"] > 0].reset_index(drop=True)
