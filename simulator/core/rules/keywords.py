"""Keyword match: required and bonus keywords, matched with or without NL/EN synonyms.

A CV that says "rekenbladen" does not contain "excel". Without synonyms, a keyword matches only
candidates who used that exact wording, so groups that tend to write in another language or
style match less often, although they have the skill.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from ..texts import t
from ..world import find_wording, skills_vocabulary
from .base import LAWFUL, NEEDS_JUSTIFICATION, Legality, Param, Rule, RuleConfigError, by_value


def _all_wordings() -> tuple[str, ...]:
    return tuple(w for s in skills_vocabulary() for w in s.wordings)


@dataclass
class KeywordMatch(Rule):
    """Reject CVs missing a required keyword; give points per bonus keyword found."""

    kind: ClassVar[str] = "keywords"
    PARAMS: ClassVar[tuple[Param, ...]] = (
        Param("required", "str_list", []),
        Param("bonus", "str_list", []),
        Param("synonyms", "bool", True),
        Param("min_required", "optional_int", None, minimum=0),
        Param("bonus_points", "float", 1.0, minimum=0, maximum=100),
    )
    enabled: bool = True
    required: list[str] = field(default_factory=list)
    bonus: list[str] = field(default_factory=list)
    synonyms: bool = True
    min_required: int | None = None
    bonus_points: float = 1.0

    def validate(self, path: str) -> None:
        for name in ("required", "bonus"):
            for term in getattr(self, name):
                if find_wording(term) is None:
                    raise RuleConfigError(f"{path}.{name}", f"unknown keyword {term!r} "
                                                            f"(known: {', '.join(_all_wordings())})")
        if not self.required and not self.bonus:
            raise RuleConfigError(path, "a keyword rule needs at least one required or bonus keyword")
        if self.min_required is not None and self.min_required > len(self.required):
            raise RuleConfigError(f"{path}.min_required", "is larger than the number of required keywords")

    def _matches(self, pool, term: str) -> np.ndarray:
        skill, wording = find_wording(term)
        has = pool.has_skill[:, skill]
        if self.synonyms:
            return has
        return has & (pool.skill_wording[:, skill] == wording)

    def _required_found(self, pool) -> np.ndarray:
        found = np.zeros(len(pool), dtype=np.int16)
        for term in self.required:
            found += self._matches(pool, term)
        return found

    def _needed(self) -> int:
        return len(self.required) if self.min_required is None else self.min_required

    def passes(self, pool, ctx):
        if not self.required:
            return None
        return self._required_found(pool) >= self._needed()

    def points(self, pool, ctx):
        if not self.bonus or self.bonus_points == 0:
            return None
        found = np.zeros(len(pool), dtype=np.float64)
        for term in self.bonus:
            found += self._matches(pool, term)
        return found * self.bonus_points

    def describe(self, lang: str) -> str:
        key = "rule.keywords.describe_synonyms" if self.synonyms else "rule.keywords.describe_exact"
        return t(key, lang, required=", ".join(self.required) or "—", bonus=", ".join(self.bonus) or "—")

    def reason_table(self, lang: str, pool, indices, info: dict | None = None):
        if not self.required:
            return super().reason_table(lang, pool, indices, info)
        indices = np.asarray(indices, dtype=np.intp)
        found = np.column_stack([self._matches(pool, term)[indices] for term in self.required])

        def text(row):
            missing = [term for term, ok in zip(self.required, row) if not ok]
            return t("reason.keywords", lang, missing=", ".join(missing), needed=self._needed(),
                     count=len(self.required))
        return by_value(found, text)

    def legality(self) -> Legality:
        if not self.synonyms:
            return Legality(NEEDS_JUSTIFICATION, "legality.keywords.exact")
        return Legality(LAWFUL, "legality.keywords.synonyms")
