"""The categories of the synthetic world: every coded column and the values its codes stand for.

Columns hold small integer codes; ``CATEGORIES[column][code]`` is the value's stable key, and the
text catalogue (``label.<column>.<key>``) gives its name in Dutch and English.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .resources import assets_dir

CURRENT_YEAR = 2026

CATEGORIES: dict[str, tuple[str, ...]] = {
    "gender": ("woman", "man", "non_binary"),
    # CBS "herkomst" since 2022: Dutch origin / born in NL with a parent born abroad / born abroad.
    "origin": ("dutch", "second_gen", "born_abroad"),
    "region": ("netherlands", "europe", "turkey", "morocco", "suriname", "caribbean", "indonesia", "other"),
    "age_band": ("under_25", "25_34", "35_44", "45_54", "55_plus"),
    "disability": ("none", "disclosed"),
    "parent": ("no", "yes"),
    "education": ("none", "vmbo", "mbo", "hbo", "wo"),
    "diploma_country": ("nl", "abroad"),
    "gap_reason": ("none", "care", "illness", "study", "unemployment"),
    "dutch_level": ("a2", "b1", "b2", "c1", "native"),
    "postcode_area": tuple(f"area_{i}" for i in range(1, 11)),
}
# The region a candidate's name comes from (a second-generation candidate may have a Dutch name).
CATEGORIES["name_region"] = CATEGORIES["region"]
# What an AI screener reads in a CV besides the name (issue 12): a CV polished with a generative-AI
# tool, a prestigious school or employer ("pedigree"), and disability-related activities (an award,
# a network), as in Glazko et al. 2024.
CV_SIGNALS: tuple[str, ...] = ("ai_polished", "pedigree", "disability_mention")
for _cv_signal in CV_SIGNALS:
    CATEGORIES[_cv_signal] = ("no", "yes")
# Which of several vacancies (departments, job families) a candidate applied for; one by default.
CATEGORIES["applied_for"] = tuple(f"vacancy_{c}" for c in "abcdef")

# Attributes a screening decision must not turn on; the audit groups by these.
PROTECTED_ATTRIBUTES: tuple[str, ...] = ("gender", "age_band", "origin", "region", "disability", "parent")

# Attributes crossed for the default intersectional tables (region is too fine for most pools).
INTERSECTION_ATTRIBUTES: tuple[str, ...] = ("gender", "age_band", "origin", "disability", "parent")

AGE_BAND_EDGES = (18, 25, 35, 45, 55, 68)  # lower edges; ages run 18..67

# Postcode areas 8-10 are the "concentration neighbourhoods" of the postcode link.
CONCENTRATION_AREAS = (7, 8, 9)

UNUSUAL_CV_FLAGS: tuple[str, ...] = (
    "long_gap",
    "career_switcher",
    "foreign_diploma",
    "self_taught",
    "non_linear",
    "part_time",
)

# A candidate's unusual CV as one group: none, the one feature they have, or several. A non-linear
# career (three or more switches) is one feature, not also "career switcher".
CATEGORIES["unusual_cv"] = ("none", *UNUSUAL_CV_FLAGS, "several")

# Everything the verdict and the views can group by: the protected grounds, the origin a name
# suggests (what a name-based rule or reader reacts to), the unusual CV, and a CV polished with AI
# (what an AI screener may prefer; its uptake differs by age).
GROUP_ATTRIBUTES: tuple[str, ...] = PROTECTED_ATTRIBUTES + ("name_region", "unusual_cv", "ai_polished")

# Groups compared with by default where the most-selected group would mislead: unusual CVs are
# compared with plain CVs. A scenario's [reference] table can name others.
NATURAL_REFERENCES: dict[str, str] = {"unusual_cv": "none"}

HOBBY_TOKENS: tuple[str, ...] = (
    "womens_club",  # "captain women's chess club" / "aanvoerder damesschaakteam"
    "football",
    "parents_council",
    "volunteering",
    "student_rowing",
    "cultural_association",
    "gaming",
)

STYLE_TOKENS: tuple[str, ...] = (
    "executed",  # male-typed action verbs: "executed", "led" / "gerealiseerd", "aangestuurd"
    "led",
    "supported",  # female-typed: "supported", "collaborated" / "ondersteund", "samengewerkt"
    "collaborated",
)

# Fields a knock-out rule may test, with their kind. "category" fields compare by value key.
FIELD_KINDS: dict[str, str] = {
    "gender": "category",
    "age": "number",
    "age_band": "category",
    "origin": "category",
    "region": "category",
    "disability": "category",
    "parent": "category",
    "education": "ordinal",
    "diploma_country": "category",
    "diploma_recognised": "bool",
    "experience_years": "number",
    "current_gap_months": "number",
    "past_gap_months": "number",
    "longest_gap_months": "number",
    "gap_reason": "category",
    "career_switches": "number",
    "part_time_history": "bool",
    "dutch_level": "ordinal",
    "driving_licence": "bool",
    "postcode_area": "category",
    "graduation_year": "number",
    "skills_count": "number",
    "applied_for": "category",
    "ai_polished": "category",
    "pedigree": "category",
    "disability_mention": "category",
}


@dataclass(frozen=True)
class Skill:
    key: str
    en: str
    nl: str
    alt: str

    @property
    def wordings(self) -> tuple[str, str, str]:
        return (self.en, self.nl, self.alt)


@lru_cache(maxsize=1)
def skills_vocabulary() -> tuple[Skill, ...]:
    """All skills, in file order (the column order of the pool's skill matrices)."""
    with open(assets_dir() / "skills.toml", "rb") as fh:
        data = tomllib.load(fh)
    return tuple(Skill(key, v["en"], v["nl"], v["alt"]) for key, v in data.items())


def skill_index(key: str) -> int:
    for i, skill in enumerate(skills_vocabulary()):
        if skill.key == key:
            return i
    raise KeyError(key)


def find_wording(term: str) -> tuple[int, int] | None:
    """The (skill index, wording index) a keyword refers to, or None if no skill uses it."""
    needle = term.strip().lower()
    for i, skill in enumerate(skills_vocabulary()):
        for w, wording in enumerate(skill.wordings):
            if wording.lower() == needle:
                return i, w
        if skill.key == needle:
            return i, 0
    return None


@dataclass(frozen=True)
class NameLists:
    """First names per (region, gender) and family names per region, as numpy string arrays."""

    first: dict[tuple[str, str], np.ndarray]
    family: dict[str, np.ndarray]


@lru_cache(maxsize=1)
def name_lists() -> NameLists:
    import csv

    first: dict[tuple[str, str], list[str]] = {}
    family: dict[str, list[str]] = {}
    with open(assets_dir() / "names" / "names.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["kind"] == "family":
                family.setdefault(row["region"], []).append(row["name"])
            else:
                first.setdefault((row["region"], row["kind"]), []).append(row["name"])
    for region in CATEGORIES["region"]:
        women = first.get((region, "woman"), [])
        men = first.get((region, "man"), [])
        # Non-binary candidates get a unisex name where the list has one, else any name.
        first[(region, "non_binary")] = first.get((region, "unisex")) or women + men
    return NameLists(
        first={k: np.array(v, dtype=object) for k, v in first.items()},
        family={k: np.array(v, dtype=object) for k, v in family.items()},
    )


def code_of(column: str, value: str) -> int:
    """The integer code of a category value key, e.g. code_of('gender', 'woman') == 0."""
    try:
        return CATEGORIES[column].index(value)
    except ValueError:
        raise KeyError(f"{column} has no value '{value}' (expected one of {', '.join(CATEGORIES[column])})")


def in_category(column: np.ndarray, attribute: str, codes) -> np.ndarray:
    """Who in a category column holds one of ``codes`` (a table look-up: a million small codes in
    a few milliseconds, where ``np.isin`` sorts and takes ten times as long)."""
    member = np.zeros(len(CATEGORIES[attribute]), dtype=bool)
    member[list(codes)] = True
    return np.take(member, column)
