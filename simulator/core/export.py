"""Candidates with their decision trails as a table (CSV), byte-identical for the same scenario and seed."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .pipeline import Outcome
from .texts import t
from .world import CATEGORIES, UNUSUAL_CV_FLAGS, name_lists

_CATEGORY_COLUMNS = ("gender", "origin", "region", "age_band", "disability", "parent", "education",
                     "diploma_country", "gap_reason", "dutch_level", "postcode_area")


def candidate_names(pool, indices: np.ndarray | None = None) -> np.ndarray:
    """Full names ("first family") for the candidates, drawn from the name lists per region and gender."""
    if indices is None:
        indices = np.arange(len(pool))
    lists = name_lists()
    regions = pool["name_region"][indices]
    genders = pool["gender"][indices]
    family_region = pool["region"][indices]
    first_pick = pool["first_name_pick"][indices]
    family_pick = pool["family_name_pick"][indices]
    first = np.empty(len(indices), dtype=object)
    family = np.empty(len(indices), dtype=object)
    for r, region in enumerate(CATEGORIES["region"]):
        for g, gender in enumerate(CATEGORIES["gender"]):
            rows = np.flatnonzero((regions == r) & (genders == g))
            if len(rows):
                names = lists.first[(region, gender)]
                first[rows] = names[np.minimum((first_pick[rows] * len(names)).astype(int), len(names) - 1)]
        rows = np.flatnonzero(family_region == r)
        if len(rows):
            names = lists.family[region]
            family[rows] = names[np.minimum((family_pick[rows] * len(names)).astype(int), len(names) - 1)]
    return first + " " + family


def candidates_frame(outcome: Outcome, lang: str) -> pd.DataFrame:
    """One row per candidate: who they are, their CV, the ground truth and the decision trail."""
    pool = outcome.pool
    frame = pd.DataFrame({"id": pool["id"], "name": candidate_names(pool)})
    for column in _CATEGORY_COLUMNS:
        labels = np.array([t(f"label.{column}.{v}", lang) for v in CATEGORIES[column]], dtype=object)
        frame[column] = labels[pool[column]]
    frame["age"] = pool["age"]
    for column in ("experience_years", "current_gap_months", "past_gap_months", "career_switches", "graduation_year",
                   "skills_count"):
        frame[column] = pool[column]
    for column in ("diploma_recognised", "part_time_history", "driving_licence"):
        frame[column] = pool[column].astype(bool)
    frame["suitability"] = np.round(pool["suitability"].astype(np.float64), 4)
    frame["qualified"] = pool["qualified"].astype(bool)
    for flag in UNUSUAL_CV_FLAGS:
        frame[f"unusual_{flag}"] = pool[f"unusual_{flag}"].astype(bool)
    stages = outcome.pipeline.stages
    stage_names = np.array([s.title(lang) for s in stages] + [t("stage.selected", lang)], dtype=object)
    frame["selected"] = outcome.selected
    frame["stage_reached"] = stage_names[outcome.stopped_at]
    rules = outcome.pipeline.flat_rules()
    rule_names = np.array([r.describe(lang) for _, _, r in rules] + [""], dtype=object)
    frame["rejected_by"] = rule_names[np.where(outcome.rejected_by >= 0, outcome.rejected_by, len(rules))]
    for s, stage in enumerate(stages):
        if not np.isnan(outcome.scores[:, s]).all():
            frame[f"score_{s + 1}"] = np.round(outcome.scores[:, s].astype(np.float64), 2)
    frame["reason"] = outcome.reasons(lang)
    return frame


def write_csv(frame: pd.DataFrame, path) -> None:
    """UTF-8 CSV with fixed float formatting, so the same run always gives the same bytes."""
    frame.to_csv(path, index=False, float_format="%.4f", lineterminator="\n")
