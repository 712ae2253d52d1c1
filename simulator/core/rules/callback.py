"""Callback: a recruiter who invites each candidate with a probability, lower or higher for some groups.

This is the mechanism field experiments measure: identical CVs, different names (or a disclosed
disability, or motherhood), different callback rates. The factors are the scenario's visible
data-generating settings; the outcome still varies with the seed, as a real experiment does.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from ..texts import number, percent, t
from ..world import CATEGORIES, PROTECTED_ATTRIBUTES
from .base import DIRECT_DISCRIMINATION, LAWFUL, Legality, Param, Rule, RuleConfigError, by_value, parse_group


@dataclass
class Callback(Rule):
    """Invite with probability ``base_rate`` x the factors of every group the candidate belongs to."""

    kind: ClassVar[str] = "callback"
    PARAMS: ClassVar[tuple[Param, ...]] = (
        Param("base_rate", "float", 0.3, minimum=0.0, maximum=1.0),
        Param("factors", "any", []),
    )
    enabled: bool = True
    base_rate: float = 0.3
    # [{"when": {attribute: [values], ...}, "factor": 0.56}, ...]: all conditions of one entry must hold.
    factors: list = field(default_factory=list)

    def validate(self, path: str) -> None:
        if not isinstance(self.factors, list):
            raise RuleConfigError(f"{path}.factors", "expected a list of {when = {...}, factor = number}")
        for k, entry in enumerate(self.factors):
            epath = f"{path}.factors[{k}]"
            if not isinstance(entry, dict) or set(entry) - {"when", "factor"} or "when" not in entry:
                raise RuleConfigError(epath, "expected {when = {attribute = [values]}, factor = number}")
            factor = entry.get("factor")
            if isinstance(factor, bool) or not isinstance(factor, (int, float)) or factor < 0:
                raise RuleConfigError(f"{epath}.factor", "expected a number of 0 or more")
            when = entry["when"]
            if not isinstance(when, dict) or not when:
                raise RuleConfigError(f"{epath}.when", "expected a table {attribute = [values]}")
            for attribute, values in when.items():
                parse_group({"attribute": attribute, "values": values}, f"{epath}.when.{attribute}")

    def probability(self, pool) -> np.ndarray:
        p = np.full(len(pool), self.base_rate)
        for entry in self.factors:
            mask = np.ones(len(pool), dtype=bool)
            for attribute, values in entry["when"].items():
                values = [values] if isinstance(values, str) else values
                mask &= np.isin(pool[attribute], [CATEGORIES[attribute].index(v) for v in values])
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
        return t("rule.callback.describe", lang, rate=percent(self.base_rate, lang), factors="; ".join(parts) or "—")

    def reason_table(self, lang: str, pool, indices, info: dict | None = None):
        chance = self.probability(pool)[np.asarray(indices, dtype=np.intp)]
        return by_value(chance, lambda c: t("reason.callback", lang, chance=percent(float(c), lang)))

    def legality(self) -> Legality:
        unequal = [e for e in self.factors if float(e["factor"]) != 1.0]
        # A name stands in for origin: treating names differently is direct discrimination on origin.
        grounds = set(PROTECTED_ATTRIBUTES) | {"name_region"}
        if any(grounds & set(e["when"]) for e in unequal):
            return Legality(DIRECT_DISCRIMINATION, "legality.callback.unequal")
        if unequal:
            return Legality(LAWFUL, "legality.callback.not_protected")
        return Legality(LAWFUL, "legality.callback.equal")
