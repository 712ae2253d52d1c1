"""Positive action (voorkeursbeleid): prefer a group at equal score, or give it bonus points.

Dutch law (AWGB art. 2(3), College rulings, Kalanke/Marschall) allows preference for an
under-represented group only when candidates are equally suitable, the disadvantage is shown and
the policy is stated in the vacancy. A tie-break at equal score fits that; a score bonus gives the
group an advantage at unequal suitability and is direct discrimination.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from ..texts import short_number
from .base import DIRECT_DISCRIMINATION, LAWFUL, GroupSelector, Legality, Param, Rule, RuleConfigError, rule_kind
from .params import Choice, Decimal, Group


@rule_kind
class PositiveAction(Rule):
    """Favour the target group: at equal score only (tie-break) or by bonus points."""

    kind: ClassVar[str] = "positive_action"
    ORDER: ClassVar[int] = 6
    PARAMS: ClassVar[tuple[Param, ...]] = (
        Param("target", Group(), {"attribute": "gender", "values": ["woman"]}),
        Param("mode", Choice(("tie_break", "bonus")), "tie_break"),
        Param("bonus_points", Decimal(), 0.0, minimum=0, maximum=100, slider=(0.0, 10.0)),
    )
    LEGALITY_EXAMPLES: ClassVar[dict[str, dict]] = {
        "tie_break": {"mode": "tie_break"},
        "bonus": {"mode": "bonus", "bonus_points": 5},
    }
    target: GroupSelector
    mode: str
    bonus_points: float

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
            return self.text("describe_bonus", lang, group=self.target.describe(lang),
                             points=short_number(self.bonus_points, lang))
        return self.text("describe_tie", lang, group=self.target.describe(lang))

    def legality(self) -> Legality:
        if self.mode == "bonus":
            return self.legal(DIRECT_DISCRIMINATION, "bonus")
        return self.legal(LAWFUL, "tie_break")
