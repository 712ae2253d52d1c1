"""Simulated human reviewer: decides on every candidate who reached the stage, given the machine's advice.

The machine's advice is the outcome of the stage's automated rules. The reviewer also forms an
own view: the candidate's true suitability seen through noise (``accuracy``), so a human can spot
talent the rules missed. The profile decides how the two combine (reference/domain-facts.md §6):

- rubber_stamp: follows the advice with probability ``strength`` (e.g. 0.98), else own view.
- affinity_bias: own view favours candidates like the reviewer (``group``) by ``strength`` SD;
  follows the advice with probability ``adherence``, else own view.
- selective_adherence: follows *negative* advice more and positive advice less for a stereotyped
  ``group`` (Alon-Barkat & Busuioc 2023), by ``strength``; base adherence ``adherence``.
- judge_first: decides on the own view first; on disagreement switches to the advice with
  probability 1 - ``strength`` (cognitive forcing, Buçinca et al. 2021).

All draws come from the pool's seed, so a run is reproducible.
"""

from __future__ import annotations

import zlib
from typing import ClassVar

import numpy as np

from ..texts import short_number
from .base import DIRECT_DISCRIMINATION, LAWFUL, NEEDS_JUSTIFICATION, GroupSelector, Legality, Param, Rule, by_value, rule_kind
from .params import Choice, Decimal, Group

PROFILES = ("rubber_stamp", "affinity_bias", "selective_adherence", "judge_first")

_DEFAULT_GROUPS = {
    "affinity_bias": {"attribute": "origin", "values": ["dutch"]},
    "selective_adherence": {"attribute": "origin", "values": ["second_gen", "born_abroad"]},
}


@rule_kind
class SimulatedReviewer(Rule):
    """A human reviewer with a behavioural profile, deciding on the machine's advice."""

    kind: ClassVar[str] = "reviewer"
    ORDER: ClassVar[int] = 7
    PARAMS: ClassVar[tuple[Param, ...]] = (
        Param("profile", Choice(PROFILES), "rubber_stamp"),
        Param("strength", Decimal(), 0.98, minimum=0.0, maximum=3.0, slider=(0.0, 3.0)),
        Param("adherence", Decimal(), 0.7, minimum=0.0, maximum=1.0, slider=(0.0, 1.0)),
        Param("accuracy", Decimal(), 1.0, minimum=0.05, maximum=10.0),
        Param("group", Group(), None),
    )
    LEGALITY_EXAMPLES: ClassVar[dict[str, dict]] = {
        "rubber_stamp": {"profile": "rubber_stamp"},
        "biased": {"profile": "affinity_bias", "strength": 0.5},
        "judge_first": {"profile": "judge_first", "strength": 0.7},
    }
    profile: str
    strength: float
    adherence: float
    accuracy: float
    group: GroupSelector | None

    def _group(self) -> GroupSelector | None:
        if self.group is not None:
            return self.group
        default = _DEFAULT_GROUPS.get(self.profile)
        return GroupSelector(default["attribute"], list(default["values"])) if default else None

    def review(self, pool, ctx, reviewed: np.ndarray, advice: np.ndarray) -> np.ndarray:
        n = len(pool)
        stage = int(ctx.get("stage_index", 0))
        key = ("reviewer", stage, self.accuracy)
        if key not in pool.draws:
            rng = np.random.default_rng([int(pool.settings.seed) & 0xFFFFFFFF, zlib.crc32(b"reviewer"), stage])
            u_follow = rng.random(n)
            noise = rng.standard_normal(n) / self.accuracy
            pool.draws[key] = (u_follow, pool["suitability"].astype(np.float64) + noise)
        u_follow, view = pool.draws[key]
        group = self._group()
        in_group = group.mask(pool) if group is not None else np.zeros(n, dtype=bool)
        if self.profile == "affinity_bias":
            view = view + self.strength * in_group
        # The reviewer advances about as many people as the machine advises.
        share = advice[reviewed].mean() if reviewed.any() else 0.0
        own = np.zeros(n, dtype=bool)
        if reviewed.any() and 0 < share < 1:
            own = view >= np.quantile(view[reviewed], 1 - share)
        elif share >= 1:
            own = np.ones(n, dtype=bool)

        if self.profile == "rubber_stamp":
            follow = u_follow < min(self.strength, 1.0)
        elif self.profile == "affinity_bias":
            follow = u_follow < self.adherence
        elif self.profile == "selective_adherence":
            s = min(self.strength, 1.0)
            a = self.adherence
            p_follow = np.where(in_group & ~advice, a + s * (1 - a), np.where(in_group & advice, a * (1 - s), a))
            follow = u_follow < p_follow
        else:  # judge_first: keep the own decision unless persuaded by disagreeing advice
            follow = (own != advice) & (u_follow < 1 - min(self.strength, 1.0))
        return np.where(follow, advice, own) & reviewed

    def describe(self, lang: str) -> str:
        group = self._group()
        return self.text(f"describe.{self.profile}", lang, strength=short_number(self.strength, lang), percent=short_number(round(100 * min(self.strength, 1.0), 1), lang),
                 adherence=short_number(100 * self.adherence, lang), group=group.describe(lang) if group else "—")

    def reason_table(self, lang: str, pool, indices, info: dict | None = None):
        indices = np.asarray(indices, dtype=np.intp)
        advised = info["advice"][indices] if info and "advice" in info else np.zeros(len(indices), dtype=bool)
        # The profile's name only: its full description names the group the profile concerns, which
        # read as the reason for someone outside that group.
        profile = self.choice_label("profile", self.profile, lang)
        return by_value(advised.astype(np.int8), lambda a: self.text("reason.against_advice" if a else
                                                                      "reason.with_advice", lang, profile=profile))

    def legality(self) -> Legality:
        if self.profile == "rubber_stamp":
            return self.legal(NEEDS_JUSTIFICATION, "rubber_stamp")
        if self.profile in ("affinity_bias", "selective_adherence"):
            return self.legal(DIRECT_DISCRIMINATION, "biased")
        return self.legal(LAWFUL, "judge_first")
