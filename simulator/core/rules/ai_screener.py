"""AI screener: a language-model assistant that reads the CVs still in the running and shortlists some.

Nothing calls a model: this is a simulation whose every effect is a named parameter, with defaults
and ranges taken from published audits (``../shared/reference/llm-screening-peers-regulation.md``).
As the audits prompt a model, the CVs are listed in batches (Bloomberg 2024: eight at a time) and
the assistant shortlists the best of each batch; or it scores them one by one and keeps a share.

How it chooses (a multinomial-logit choice, the standard model of picking one of several):
each CV gets a value = ``qualification_weight`` × how suitable the CV shows the candidate to be
(standardised) + the effect of the groups its name and content signal (``effects``, in log-odds)
+ ``first_listed`` if it is listed first in its batch, plus random noise (Gumbel, scale
``randomness``). In each batch the ``picks`` highest values are shortlisted. With no noise the
choice is fixed; with noise the same batch can come back in another order, as a model's does.

What the published effect sizes mean here: a first-listed bonus of b gives the first of eight
equal CVs the chance e^b / (e^b + 7). GPT-3.5 picked the first of eight 56.1% of the time, GPT-4
28.3% (Bloomberg 2024; 12.5% by chance): b = 2.19 and b = 1.02.

The prompt changes what the model is shown: ``anonymous`` (names replaced by "Candidate A/B…")
removes the effects a name carries (its origin and gender), not the position effect (Rozado 2025:
"Candidate A/B" labels still favour A); ``ignore_demographics`` ("ignore names and demographics")
removes only ``mitigation`` of them, as the audits report partial mitigation.

What a CV shows besides the name has its own effects in ``effects``, in the same log-odds unit:
``ai_polished`` (models prefer text polished by the same model: 67-82% in pairs, Xu et al. 2025, so
log-odds 0.71-1.52), ``pedigree`` (a prestigious school or employer; over-weighted, as the critics
of Bloomberg's audit found) and ``disability_mention`` (disability-related activities: GPT-4 ranked
such a CV first in 15 of 60 pairs, Glazko et al. 2024, log-odds −1.10). A prompt does not remove
them: they are in the CV, not the name.
"""

from __future__ import annotations

import zlib
from typing import ClassVar

import numpy as np

from ..texts import integer, number
from ..world import CATEGORIES, CV_SIGNALS, PROTECTED_ATTRIBUTES
from .base import DIRECT_DISCRIMINATION, LAWFUL, NEEDS_JUSTIFICATION, Legality, Param, Rule, RuleConfigError, by_value, rule_kind
from .params import Choice, Decimal, Shifts, Whole, YesNo

PROMPTS = ("plain", "ignore_demographics", "anonymous")
MODES = ("batch", "one_by_one")
# What a model reads from a name alone: the region it comes from and the gender it suggests.
NAME_ATTRIBUTES = ("name_region", "gender")
# What else a model reads in a CV: the groups it signals, and three things a CV may show besides the
# name (an AI-polished text, a prestigious school or employer, disability-related activities).
EFFECT_ATTRIBUTES = ("name_region", "gender", "age_band", "disability", "origin", "parent") + CV_SIGNALS


@rule_kind
class AiScreener(Rule):
    """Shortlist ``picks`` of every batch of ``batch_size`` CVs (or the best ``share``, one by one)."""

    kind: ClassVar[str] = "ai_screener"
    ORDER: ClassVar[int] = 9
    PARAMS: ClassVar[tuple[Param, ...]] = (
        Param("mode", Choice(MODES), "batch"),
        Param("batch_size", Whole(), 8, minimum=2, maximum=50),
        Param("picks", Whole(), 1, minimum=1, maximum=49),
        Param("share", Decimal(), 0.125, minimum=0.0, maximum=1.0, slider=(0.0, 1.0)),
        Param("qualification_weight", Decimal(), 1.0, minimum=0.0, maximum=10.0, slider=(0.0, 3.0)),
        Param("first_listed", Decimal(), 0.0, minimum=-5.0, maximum=5.0, slider=(0.0, 3.0)),
        # {attribute: {value: log-odds}}: how much more (or less) often a CV signalling the group is picked.
        Param("effects", Shifts(attributes=EFFECT_ATTRIBUTES, unit="log_odds"), {}),
        Param("prompt", Choice(PROMPTS), "plain"),
        Param("mitigation", Decimal(), 0.5, minimum=0.0, maximum=1.0, slider=(0.0, 1.0)),
        Param("randomness", Decimal(), 1.0, minimum=0.0, maximum=10.0, slider=(0.0, 3.0)),
        Param("reverse_order", YesNo(), False),
        Param("repeat", Whole(), 0, minimum=0, maximum=1_000_000),
    )
    STARTER: ClassVar[dict] = {"first_listed": 1.0}
    LEGALITY_EXAMPLES: ClassVar[dict[str, dict]] = {
        "unequal": {"effects": {"name_region": {"morocco": -0.3}}},
        "signals": {"effects": {"ai_polished": {"yes": 1.0}}},
        "position": {"first_listed": 2.19},
        "even": {},
    }
    mode: str
    batch_size: int
    picks: int
    share: float
    qualification_weight: float
    first_listed: float
    effects: dict
    prompt: str
    mitigation: float
    randomness: float
    reverse_order: bool
    repeat: int

    def validate(self, path: str) -> None:
        if self.mode == "batch" and self.picks >= self.batch_size:
            raise RuleConfigError(f"{path}.picks", f"must be fewer than the batch size ({self.batch_size})")

    def param_applies(self, name: str) -> bool:
        if name in ("batch_size", "picks", "first_listed", "reverse_order"):
            return self.mode == "batch"  # one by one, there are no batches and no places in them
        if name == "share":
            return self.mode == "one_by_one"
        if name == "mitigation":
            return self.prompt == "ignore_demographics"
        return True

    # -- how the assistant values a CV --------------------------------------------------------------
    def effect_scale(self, attribute: str) -> float:
        """How much of a group's effect reaches the model under the chosen prompt."""
        if attribute not in NAME_ATTRIBUTES or self.prompt == "plain":
            return 1.0
        return 0.0 if self.prompt == "anonymous" else 1.0 - self.mitigation

    def value(self, pool) -> np.ndarray:
        """Each CV's value before the position bonus and the noise (log-odds units)."""
        if self.qualification_weight:
            suitability = pool["suitability"].astype(np.float64)
            spread = suitability.std()
            value = self.qualification_weight * (suitability - suitability.mean()) / (spread if spread > 0 else 1.0)
        else:  # qualifications play no part (the audits' equal CVs)
            value = np.zeros(len(pool))
        for attribute, shifts in self.effects.items():
            scale = self.effect_scale(attribute)
            if scale:
                table = np.array([float(shifts.get(v, 0.0)) for v in CATEGORIES[attribute]])
                value = value + scale * table[pool[attribute]]
        return value

    def _streams(self, pool, ctx):
        seed = int(pool.settings.seed) & 0xFFFFFFFF
        stage = int(ctx.get("stage_index", 0))
        # The batches (who is listed with whom, in which order) stay when only the noise is drawn
        # again: a repeat judges the same batches once more.
        batches = np.random.default_rng([seed, zlib.crc32(b"ai_screener.batches"), stage])
        noise = np.random.default_rng([seed, zlib.crc32(b"ai_screener.noise"), stage, int(self.repeat)])
        return batches, noise

    def choose(self, pool, ctx, eligible):
        rows = np.flatnonzero(eligible)
        batches_rng, noise_rng = self._streams(pool, ctx)
        listed = rows[batches_rng.permutation(len(rows))]  # the order the CVs are put to the model
        # The noise belongs to a CV, not to a place in the list: reversing the order changes only
        # the position effect (the order-swap audit).
        value = self.value(pool)[listed] + self.randomness * noise_rng.gumbel(size=len(listed))
        keep = np.zeros(len(pool), dtype=bool)
        position = np.full(len(pool), -1, dtype=np.int16)
        rank = np.full(len(pool), -1, dtype=np.int32)
        if self.mode == "one_by_one":
            order = np.argsort(-value, kind="stable")  # ties: the earlier listed first
            kept = int(round(self.share * len(listed)))
            keep[listed[order[:kept]]] = True
            rank[listed[order]] = np.arange(len(listed))
            return keep, {"mode": "one_by_one", "position": position, "rank": rank, "kept": kept,
                          "entering": len(listed)}
        size = self.batch_size
        n = len(listed)
        slot = np.arange(n)
        batch = slot // size
        in_batch = slot - batch * size
        batch_len = np.minimum(size, n - batch * size)
        place = (batch_len - 1 - in_batch) if self.reverse_order else in_batch
        value[place == 0] += self.first_listed
        # Best first within each batch (ties: the earlier listed); rank 0 is the model's first choice.
        # One row per batch, one column per place (the last batch may be short: -inf fills it), so a
        # stable sort along the rows orders every batch at once: a million CVs in milliseconds, where a
        # lexsort over all of them took half a second.
        batches = -(-n // size)
        short = batches * size - n  # empty places in the last batch
        by_place = np.concatenate([value, np.full(short, -np.inf)]).reshape(batches, size)
        if self.reverse_order:  # place 0 is the last listed; a short last batch starts at its own last CV
            by_place = by_place[:, ::-1].copy()
            if short:
                by_place[-1] = np.roll(by_place[-1], -short)
        order = np.argsort(-by_place, axis=1, kind="stable")  # ties keep the earlier place first
        rank_at = np.empty((batches, size), dtype=np.int32)  # each place's rank in its batch
        np.put_along_axis(rank_at, order, np.arange(size, dtype=np.int32)[None, :], axis=1)
        if self.reverse_order:  # back from places to the listed order: the same steps, undone
            if short:
                rank_at[-1] = np.roll(rank_at[-1], short)
            rank_at = rank_at[:, ::-1]
        batch_rank = rank_at.ravel()[:n]
        chosen = slot[batch_rank < self.picks]
        keep[listed[chosen]] = True
        position[listed] = place
        rank[listed] = batch_rank
        return keep, {"mode": "batch", "position": position, "rank": rank, "entering": len(listed)}

    # -- explanation ----------------------------------------------------------------------------------
    def describe(self, lang: str) -> str:
        prompt = self.text(f"choice.prompt.{self.prompt}", lang)
        if self.mode == "one_by_one":
            return self.text("describe_one_by_one", lang, share=number(self.share * 100, lang, 1), prompt=prompt)
        return self.text("describe", lang, picks=integer(self.picks, lang), size=integer(self.batch_size, lang),
                         prompt=prompt)

    def reason_table(self, lang: str, pool, indices, info: dict | None = None):
        indices = np.asarray(indices, dtype=np.intp)
        if not info:
            return np.zeros(len(indices), dtype=np.int64), [self.text("reason_plain", lang)]
        if info["mode"] == "one_by_one":
            ranks = info["rank"][indices]
            return by_value(ranks, lambda r: self.text("reason_one_by_one", lang, rank=integer(int(r) + 1, lang),
                                                        n=integer(info["entering"], lang),
                                                        kept=integer(info["kept"], lang)))
        keys = np.column_stack([info["rank"][indices], info["position"][indices]])
        return by_value(keys, lambda k: self.text("reason", lang, rank=integer(int(k[0]) + 1, lang),
                                                  position=integer(int(k[1]) + 1, lang),
                                                  size=integer(self.batch_size, lang),
                                                  picks=integer(self.picks, lang)))

    def legality(self) -> Legality:
        # Disability-related activities on a CV reveal the disability itself: a preference on them is
        # a preference on the ground. Polish and pedigree are neutral-looking signals that hit some
        # groups harder (older candidates, people educated abroad).
        grounds = set(PROTECTED_ATTRIBUTES) | set(NAME_ATTRIBUTES) | {"disability_mention"}
        active = [a for a, shifts in self.effects.items()
                  if self.effect_scale(a) and any(float(v) != 0.0 for v in shifts.values())]
        law = {"high_risk": "law:ai_act_high_risk", "deployer": "law:deployer_duties", "automated": "law:gdpr_automated"}
        if any(a in grounds for a in active):
            return self.legal(DIRECT_DISCRIMINATION, "unequal", **law)
        if any(a in ("ai_polished", "pedigree") for a in active):
            return self.legal(NEEDS_JUSTIFICATION, "signals", **law)
        if self.mode == "batch" and self.first_listed != 0.0:
            return self.legal(LAWFUL, "position", **law)
        return self.legal(LAWFUL, "even", **law)
