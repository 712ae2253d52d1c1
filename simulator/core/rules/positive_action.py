"""Positive action (voorkeursbeleid): prefer a group at equal score, or give it bonus points.

Dutch law (AWGB art. 2(3), College rulings, Kalanke/Marschall) allows preference for an
under-represented group only when candidates are equally suitable, the disadvantage is shown and
the policy is stated in the vacancy. A tie-break at equal score fits that; a score bonus gives the
group an advantage at unequal suitability and is direct discrimination.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from ..texts import short_number, t
from .base import DIRECT_DISCRIMINATION, LAWFUL, GroupSelector, Legality, Param, Rule, RuleConfigError


@dataclass
class PositiveAction(Rule):
    """Favour the target group: at equal score only (tie-break) or by bonus points."""

    kind: ClassVar[str] = "positive_action"
    PARAMS: ClassVar[tuple[Param, ...]] = (
        Param("target", "group", {"attribute": "gender", "values": ["woman"]}),
        Param("mode", "choice", "tie_break", choices=("tie_break", "bonus")),
        Param("bonus_points", "float", 0.0, minimum=0, maximum=100),
    )
    enabled: bool = True
    target: GroupSelector = field(default_factory=lambda: GroupSelector("gender", ["woman"]))
    mode: str = "tie_break"
    bonus_points: float = 0.0

    def validate(self, path: str) -> None:
        if self.mode == "bonus" and self.bonus_points <= 0:
            raise RuleConfigError(f"{path}.bonus_points", "a bonus needs a number of points above 0")

    def points(self, pool, ctx):
        if self.mode != "bonus":
            return None
        return self.bonus_points * self.target.mask(pool)

    def tie_break_priority(self, pool) -> np.ndarray | None:
        if self.mode != "tie_break":
            return None
        return self.target.mask(pool).astype(np.int8)

    def describe(self, lang: str) -> str:
        if self.mode == "bonus":
            return t("rule.positive.describe_bonus", lang, group=self.target.describe(lang),
                     points=short_number(self.bonus_points, lang))
        return t("rule.positive.describe_tie", lang, group=self.target.describe(lang))

    def legality(self) -> Legality:
        if self.mode == "bonus":
            return Legality(DIRECT_DISCRIMINATION, "legality.positive.bonus")
        return Legality(LAWFUL, "legality.positive.tie_break")
