"""Keyword match: required and bonus keywords, matched with or without NL/EN synonyms.

A CV that says "rekenbladen" does not contain "excel". Without synonyms, a keyword matches only
candidates who used that exact wording, so groups that tend to write in another language or
style match less often, although they have the skill.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from ..limits import excerpt
from ..world import find_wording, skills_vocabulary
from .base import LAWFUL, NEEDS_JUSTIFICATION, Legality, Param, Rule, RuleConfigError, by_value, rule_kind
from .params import Decimal, Whole, Words, YesNo


def _all_wordings() -> tuple[str, ...]:
    return tuple(w for s in skills_vocabulary() for w in s.wordings)


@rule_kind
class KeywordMatch(Rule):
    """Reject CVs missing a required keyword; give points per bonus keyword found."""

    kind: ClassVar[str] = "keywords"
    ORDER: ClassVar[int] = 2
    PARAMS: ClassVar[tuple[Param, ...]] = (
        Param("required", Words(), []),
        Param("bonus", Words(), []),
        Param("synonyms", YesNo(), True),
        Param("min_required", Whole(), None, minimum=0, optional=True),
        Param("bonus_points", Decimal(), 1.0, minimum=0, maximum=100, slider=(0.0, 10.0)),
    )
    STARTER: ClassVar[dict] = {"required": ["excel"]}
    LEGALITY_EXAMPLES: ClassVar[dict[str, dict]] = {
        "exact": {"required": ["excel"], "synonyms": False},
        "synonyms": {"required": ["excel"], "synonyms": True},
    }
    required: list[str]
    bonus: list[str]
    synonyms: bool
    min_required: int | None
    bonus_points: float

    def validate(self, path: str) -> None:
        for name in ("required", "bonus"):
            for term in getattr(self, name):
                if find_wording(term) is None:
                    raise RuleConfigError(f"{path}.{name}", f"unknown keyword {excerpt(term)} "
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
        key = "describe_synonyms" if self.synonyms else "describe_exact"
        return self.text(key, lang, required=", ".join(self.required) or "—", bonus=", ".join(self.bonus) or "—")

    def reason_table(self, lang: str, pool, indices, info: dict | None = None):
        if not self.required:
            return super().reason_table(lang, pool, indices, info)
        indices = np.asarray(indices, dtype=np.intp)
        found = np.column_stack([self._matches(pool, term)[indices] for term in self.required])

        def text(row):
            missing = [term for term, ok in zip(self.required, row) if not ok]
            return self.text("reason", lang, missing=", ".join(missing), needed=self._needed(),
                     count=len(self.required))
        return by_value(found, text)

    def legality(self) -> Legality:
        if not self.synonyms:
            return self.legal(NEEDS_JUSTIFICATION, "exact")
        return self.legal(LAWFUL, "synonyms")
