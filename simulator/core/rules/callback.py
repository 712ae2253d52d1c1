"""Callback: a recruiter who invites each candidate with a probability, lower or higher for some groups.

This is the mechanism field experiments measure: identical CVs, different names (or a disclosed
disability, or motherhood), different callback rates. The factors are the scenario's visible
data-generating settings; the outcome still varies with the seed, as a real experiment does.
"""

from __future__ import annotations

import zlib
from typing import ClassVar

import numpy as np

from ..texts import number, percent, t
from ..world import CATEGORIES, PROTECTED_ATTRIBUTES, in_category
from .base import DIRECT_DISCRIMINATION, LAWFUL, Legality, Param, Rule, by_value, rule_kind
from .params import Decimal, Factors


@rule_kind
class Callback(Rule):
    """Invite with probability ``base_rate`` x the factors of every group the candidate belongs to."""

    kind: ClassVar[str] = "callback"
    ORDER: ClassVar[int] = 8
    PARAMS: ClassVar[tuple[Param, ...]] = (
        Param("base_rate", Decimal(), 0.3, minimum=0.0, maximum=1.0, slider=(0.0, 1.0)),
        # [{"when": {attribute: [values], ...}, "factor": 0.56}, ...]: all conditions of one entry must hold.
        Param("factors", Factors(), []),
    )
    LEGALITY_EXAMPLES: ClassVar[dict[str, dict]] = {
        "equal": {"factors": []},
        "unequal": {"factors": [{"when": {"name_region": ["morocco"]}, "factor": 0.6}]},
        "not_protected": {"factors": [{"when": {"applied_for": ["vacancy_b"]}, "factor": 0.8}]},
    }
    base_rate: float
    factors: list

    def probability(self, pool) -> np.ndarray:
        p = np.full(len(pool), self.base_rate)
        for entry in self.factors:
            mask = np.ones(len(pool), dtype=bool)
            for attribute, values in entry["when"].items():
                values = [values] if isinstance(values, str) else values
                mask &= in_category(pool[attribute], attribute, [CATEGORIES[attribute].index(v) for v in values])
            p = np.where(mask, p * float(entry["factor"]), p)
        return np.minimum(p, 1.0)

    def passes(self, pool, ctx) -> np.ndarray:
        rng = np.random.default_rng([int(pool.settings.seed) & 0xFFFFFFFF, zlib.crc32(b"callback"),
                                     int(ctx.get("stage_index", 0))])
        return rng.random(len(pool)) < self.probability(pool)

    def describe(self, lang: str) -> str:
        parts = []
        for entry in self.factors:
            groups = " & ".join(", ".join(t(f"label.{a}.{v}", lang) for v in ([vs] if isinstance(vs, str) else vs))
                                for a, vs in entry["when"].items())
            parts.append(f"{groups} × {number(float(entry['factor']), lang)}")
        return self.text("describe", lang, rate=percent(self.base_rate, lang), factors="; ".join(parts) or "—")

    def reason_table(self, lang: str, pool, indices, info: dict | None = None):
        chance = self.probability(pool)[np.asarray(indices, dtype=np.intp)]
        return by_value(chance, lambda c: self.text("reason", lang, chance=percent(float(c), lang)))

    def legality(self) -> Legality:
        unequal = [e for e in self.factors if float(e["factor"]) != 1.0]
        # A name stands in for origin: treating names differently is direct discrimination on origin.
        grounds = set(PROTECTED_ATTRIBUTES) | {"name_region"}
        if any(grounds & set(e["when"]) for e in unequal):
            return self.legal(DIRECT_DISCRIMINATION, "unequal")
        if unequal:
            return self.legal(LAWFUL, "not_protected")
        return self.legal(LAWFUL, "equal")
