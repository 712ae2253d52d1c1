"""The screening pipeline: ordered stages of rules, run over a pool, with a decision trail per candidate.

Within a stage, for the candidates still in the running:
1. knock-outs (``passes``) are checked in rule order; the first one a candidate fails rejects them;
2. all points (``points``) are added into the stage score;
3. cuts (threshold / top-K / top share) keep the best of those who passed the knock-outs; at equal
   score a positive-action tie-break goes first, then a fixed random order from the seed;
4. a reviewer, if any, decides on everyone who reached the stage, with the machine's result as advice.
A candidate who fails a stage stops there.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np

from .pool import Pool
from .rules import Rule
from .texts import pick, t


@dataclass
class Stage:
    name: dict[str, str]
    rules: list[Rule] = field(default_factory=list)
    enabled: bool = True

    def title(self, lang: str) -> str:
        return pick(self.name, lang)


@dataclass
class Pipeline:
    stages: list[Stage] = field(default_factory=list)

    def flat_rules(self) -> list[tuple[int, int, Rule]]:
        """Every rule with its stage index and position: its index here is its stable rule id."""
        return [(s, r, rule) for s, stage in enumerate(self.stages) for r, rule in enumerate(stage.rules)]

    def without_rule(self, rule_id: int) -> "Pipeline":
        """A copy with one rule switched off (for "what if this rule were gone")."""
        clone = copy.deepcopy(self)
        s, r, _ = clone.flat_rules()[rule_id]
        clone.stages[s].rules[r].enabled = False
        return clone


@dataclass
class Outcome:
    """What the pipeline did to every candidate of a pool."""

    pool: Pool
    pipeline: Pipeline
    stopped_at: np.ndarray  # stage index where rejected; len(stages) if selected
    rejected_by: np.ndarray  # flat rule id that rejected the candidate; -1 if selected
    scores: np.ndarray  # float32 (candidates x stages); NaN where the stage gave no score
    rule_info: dict[int, dict] = field(default_factory=dict)
    advice: dict[int, np.ndarray] = field(default_factory=dict)  # stage -> machine advice (reviewer stages)

    @property
    def n_stages(self) -> int:
        return len(self.pipeline.stages)

    @property
    def selected(self) -> np.ndarray:
        return self.stopped_at == self.n_stages

    def reached(self, stage: int) -> np.ndarray:
        return self.stopped_at >= stage

    def passed(self, stage: int) -> np.ndarray:
        return self.stopped_at > stage

    def rule(self, rule_id: int) -> Rule:
        return self.pipeline.flat_rules()[rule_id][2]

    # -- explanation ------------------------------------------------------------------------------
    def reasons(self, lang: str, indices: np.ndarray | None = None) -> list[str]:
        """The plain-language reason for each candidate (all, or those in ``indices``)."""
        if indices is None:
            indices = np.arange(len(self.pool))
        indices = np.asarray(indices, dtype=np.intp)
        out = np.empty(len(indices), dtype=object)
        selected_text = t("reason.selected", lang)
        by = self.rejected_by[indices]
        out[by < 0] = selected_text
        for rule_id in np.unique(by[by >= 0]):
            rows = np.flatnonzero(by == rule_id)
            rule = self.rule(int(rule_id))
            stage = self.pipeline.stages[self.pipeline.flat_rules()[int(rule_id)][0]]
            texts = rule.reasons(lang, self.pool, indices[rows], self.rule_info.get(int(rule_id)))
            prefix = t("reason.rejected_at", lang, stage=stage.title(lang))
            out[rows] = [f"{prefix} {text}" for text in texts]
        return list(out)

    def trail(self, index: int, lang: str) -> dict:
        """The decision trail of one candidate: stage reached, rule, scores and reason."""
        stages = self.pipeline.stages
        stop = int(self.stopped_at[index])
        rule_id = int(self.rejected_by[index])
        return {
            "id": int(self.pool["id"][index]),
            "selected": stop == len(stages),
            "stage_reached": stages[min(stop, len(stages) - 1)].title(lang) if stages else "",
            "stages_passed": stop,
            "rejected_by": self.rule(rule_id).describe(lang) if rule_id >= 0 else None,
            "scores": {stages[s].title(lang): (None if np.isnan(self.scores[index, s]) else float(self.scores[index, s]))
                       for s in range(len(stages))},
            "reason": self.reasons(lang, np.array([index]))[0],
        }


def _apply_cut(cut, score, eligible, entering, priority, tiebreak):
    """Mask of candidates kept by a cut, and the lowest score kept."""
    if cut.threshold is not None:
        keep = eligible & (score >= cut.threshold)
    else:
        k = cut.top_k if cut.top_k is not None else int(round(cut.top_share * entering))
        idx = np.flatnonzero(eligible)
        if k >= len(idx):
            keep = eligible
        else:
            keep = np.zeros(len(score), dtype=bool)
            if k > 0:
                # One sortable key: whole score steps first, then positive-action priority, then the
                # seeded random tie-break (scores are rounded to 0.01, so *100 is an exact integer).
                key = np.round(score[idx] * 100) * 4 + priority[idx] * 2 + tiebreak[idx]
                top = np.argpartition(-key, k - 1)[:k]
                keep[idx[top]] = True
    floor = float(score[keep].min()) if keep.any() else float("nan")
    return keep, floor


def run_pipeline(pool: Pool, pipeline: Pipeline) -> Outcome:
    """Screen every candidate of ``pool`` through ``pipeline``."""
    n = len(pool)
    n_stages = len(pipeline.stages)
    stopped_at = np.full(n, n_stages, dtype=np.int16)
    rejected_by = np.full(n, -1, dtype=np.int16)
    scores = np.full((n, n_stages), np.nan, dtype=np.float32)
    outcome = Outcome(pool, pipeline, stopped_at, rejected_by, scores)
    tiebreak = pool["tiebreak"]
    rule_id = 0
    for s, stage in enumerate(pipeline.stages):
        first_id = rule_id
        rule_id += len(stage.rules)
        active = [(first_id + i, rule) for i, rule in enumerate(stage.rules) if rule.enabled]
        if not stage.enabled or not active:
            continue
        alive = stopped_at == n_stages
        entering = int(alive.sum())
        ctx = {"stage_index": s}
        reject = np.zeros(n, dtype=bool)

        for rid, rule in active:
            mask = rule.passes(pool, ctx)
            if mask is not None:
                fail = alive & ~reject & ~mask
                rejected_by[fail] = rid
                reject |= fail

        score = None
        for rid, rule in active:
            pts = rule.points(pool, ctx)
            if pts is not None:
                score = pts.astype(np.float64) if score is None else score + pts
        if score is not None:
            score = np.round(score, 2)
            scores[:, s] = np.where(alive, score, np.nan)

        priority = np.zeros(n, dtype=np.int8)
        for _, rule in active:
            extra = rule.tie_break_priority(pool)
            if extra is not None:
                priority = np.maximum(priority, extra)

        for rid, rule in active:
            cut = rule.cut
            if cut is None or not cut.active or score is None:
                continue
            eligible = alive & ~reject
            keep, floor = _apply_cut(cut, score, eligible, entering, priority, tiebreak)
            fail = eligible & ~keep
            rejected_by[fail] = rid
            reject |= fail
            outcome.rule_info[rid] = {"score": score, "floor": floor}

        for rid, rule in active:
            advice = alive & ~reject
            decision = rule.review(pool, ctx, alive, advice)
            if decision is None:
                continue
            outcome.advice[s] = advice
            overruled_down = alive & advice & ~decision
            overruled_up = alive & ~advice & decision
            rejected_by[overruled_down] = rid
            rejected_by[overruled_up] = -1
            reject = alive & ~decision
            outcome.rule_info[rid] = {"advice": advice, "score": score}

        stopped_at[alive & reject] = s
    return outcome
