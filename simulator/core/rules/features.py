"""Numeric CV features that scoring rules and the learned model can weigh.

Each feature is a function of the pool returning one float per candidate. ``PROXY_FEATURES`` are
neutral-looking features that carry group membership through the structural links; a rule that
weighs them needs an objective justification. ``PROTECTED_FEATURES`` are protected attributes
themselves: weighing them is direct discrimination.
"""

from __future__ import annotations

import numpy as np

from ..world import CONCENTRATION_AREAS, HOBBY_TOKENS, STYLE_TOKENS


def _bit(column: str, tokens: tuple[str, ...], token: str):
    bit = 1 << tokens.index(token)
    return lambda pool: ((pool[column] & bit) > 0).astype(np.float64)


FEATURES = {
    "education": lambda p: p["education"].astype(np.float64),
    "experience_years": lambda p: p["experience_years"].astype(np.float64),
    "skills_count": lambda p: p["skills_count"].astype(np.float64),
    "dutch_level": lambda p: p["dutch_level"].astype(np.float64),
    "driving_licence": lambda p: p["driving_licence"].astype(np.float64),
    "diploma_recognised": lambda p: p["diploma_recognised"].astype(np.float64),
    "foreign_diploma": lambda p: (p["diploma_country"] == 1).astype(np.float64),
    "current_gap_months": lambda p: p["current_gap_months"].astype(np.float64),
    "past_gap_months": lambda p: p["past_gap_months"].astype(np.float64),
    "career_switches": lambda p: p["career_switches"].astype(np.float64),
    "part_time_history": lambda p: p["part_time_history"].astype(np.float64),
    "graduation_year": lambda p: p["graduation_year"].astype(np.float64),
    "concentration_postcode": lambda p: np.isin(p["postcode_area"], CONCENTRATION_AREAS).astype(np.float64),
    "name_non_dutch": lambda p: (p["name_region"] != 0).astype(np.float64),
    **{f"hobby_{tok}": _bit("hobbies", HOBBY_TOKENS, tok) for tok in HOBBY_TOKENS},
    **{f"style_{tok}": _bit("style", STYLE_TOKENS, tok) for tok in STYLE_TOKENS},
    "age": lambda p: p["age"].astype(np.float64),
    "woman": lambda p: (p["gender"] == 0).astype(np.float64),
    "born_abroad": lambda p: (p["origin"] == 2).astype(np.float64),
    "disability": lambda p: (p["disability"] == 1).astype(np.float64),
}

PROTECTED_FEATURES = frozenset({"age", "woman", "born_abroad", "disability"})
PROXY_FEATURES = frozenset(
    {"current_gap_months", "past_gap_months", "career_switches", "part_time_history", "graduation_year",
     "concentration_postcode", "name_non_dutch", "foreign_diploma", "dutch_level"}
    | {f"hobby_{tok}" for tok in HOBBY_TOKENS}
    | {f"style_{tok}" for tok in STYLE_TOKENS}
)
FEATURE_NAMES = tuple(FEATURES)

# How a form groups the features for a recruiter: what the job asks for, then the proxies by where
# they come from on a CV, then the protected attributes themselves.
FEATURE_KINDS: dict[str, tuple[str, ...]] = {
    "job": ("education", "experience_years", "skills_count", "driving_licence", "diploma_recognised"),
    "career": ("current_gap_months", "past_gap_months", "career_switches", "part_time_history",
               "graduation_year", "foreign_diploma", "dutch_level"),
    "name_place": ("name_non_dutch", "concentration_postcode"),
    "hobbies": tuple(f"hobby_{tok}" for tok in HOBBY_TOKENS),
    "style": tuple(f"style_{tok}" for tok in STYLE_TOKENS),
    "protected": ("age", "woman", "born_abroad", "disability"),
}


def feature(pool, name: str) -> np.ndarray:
    return FEATURES[name](pool)


class RowsOf:
    """The columns of some rows of a pool, read like a pool: a feature computed on a block of
    candidates costs that block, not the whole pool (reasons are worded a block at a time)."""

    def __init__(self, pool, rows: np.ndarray):
        self.pool, self.rows = pool, rows

    def __getitem__(self, column: str) -> np.ndarray:
        return self.pool[column][self.rows]
