"""Gap penalty: minus points per month out of work, or a knock-out above a number of months."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from ..texts import short_number
from .base import NEEDS_JUSTIFICATION, Legality, Param, Rule, RuleConfigError, by_value, rule_kind
from .params import Decimal, Whole, YesNo


@rule_kind
class GapPenalty(Rule):
    """Penalise CV gaps: ``points_per_month`` off the score and/or reject above ``knockout_months``."""

    kind: ClassVar[str] = "gap_penalty"
    ORDER: ClassVar[int] = 4
    PARAMS: ClassVar[tuple[Param, ...]] = (
        Param("points_per_month", Decimal(), 0.0, minimum=0, maximum=100, slider=(0.0, 3.0)),
        Param("knockout_months", Whole(), None, minimum=0, maximum=600, optional=True, slider=(0, 60)),
        Param("count_current", YesNo(), True),
        Param("count_past", YesNo(), True),
        Param("grace_months", Whole(), 0, minimum=0, maximum=120, slider=(0, 24)),
    )
    STARTER: ClassVar[dict] = {"points_per_month": 1.0}
    LEGALITY_EXAMPLES: ClassVar[dict[str, dict]] = {
        "past": {"knockout_months": 6},
        "current": {"knockout_months": 12, "count_past": False},
    }
    points_per_month: float
    knockout_months: int | None
    count_current: bool
    count_past: bool
    grace_months: int

    def validate(self, path: str) -> None:
        if self.points_per_month == 0 and self.knockout_months is None:
            raise RuleConfigError(path, "set points_per_month above 0 or a knockout_months limit")
        if not (self.count_current or self.count_past):
            raise RuleConfigError(path, "count_current and count_past are both false: the rule would do nothing")

    def months(self, pool) -> np.ndarray:
        total = np.zeros(len(pool), dtype=np.int32)
        if self.count_current:
            total += pool["current_gap_months"]
        if self.count_past:
            total += pool["past_gap_months"]
        return np.maximum(total - self.grace_months, 0)

    def passes(self, pool, ctx):
        if self.knockout_months is None:
            return None
        return self.months(pool) <= self.knockout_months

    def points(self, pool, ctx):
        if self.points_per_month == 0:
            return None
        return -self.points_per_month * self.months(pool)

    def _which(self, lang: str) -> str:
        if self.count_current and self.count_past:
            return self.text("which_all", lang)
        return self.text("which_current" if self.count_current else "which_past", lang)

    def describe(self, lang: str) -> str:
        parts = []
        if self.points_per_month:
            parts.append(self.text("describe_points", lang, points=short_number(self.points_per_month, lang)))
        if self.knockout_months is not None:
            parts.append(self.text("describe_knockout", lang, months=self.knockout_months))
        return self.text("describe", lang, which=self._which(lang), parts="; ".join(parts))

    def reason_table(self, lang: str, pool, indices, info: dict | None = None):
        months = self.months(pool)[np.asarray(indices, dtype=np.intp)]
        which = self._which(lang)
        return by_value(months, lambda m: self.text("reason", lang, months=int(m), limit=self.knockout_months, which=which))

    def legality(self) -> Legality:
        if self.count_past:
            return self.legal(NEEDS_JUSTIFICATION, "past")
        return self.legal(NEEDS_JUSTIFICATION, "current")
