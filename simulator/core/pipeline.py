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

from dataclasses import dataclass, field

import numpy as np

from .pool import Pool
from .rules import Rule
from .rules.params import REACHED_RANGE
from .rules.weighted_score import CUT_PARAMS
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

    def same_rules(self, other: "Pipeline") -> bool:
        """Whether ``other`` switches the same stages and holds the same rules with the same settings."""
        def rules(pipeline):
            return [(stage.enabled, [rule.to_dict() for rule in stage.rules]) for stage in pipeline.stages]

        return rules(self) == rules(other)


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
    # Rule outputs of this run, reusable by re-runs on the same pool and pipeline (see run_pipeline).
    cache: dict = field(default_factory=dict, repr=False)
    # Picture data computed from this outcome (core/report.py): kept, so the worker thread that
    # ran it and the window that draws it compute each once.
    drawing: dict = field(default_factory=dict, repr=False)

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

    def slider_range(self, stage: int, what: str) -> tuple[float, float] | None:
        """The range a slider for a cut at ``stage`` covers in this run: the scores there
        (SCORE_RANGE: from the 0.5th to the 99.5th percentile, whole numbers) or 1 to the number of
        people who reach the stage (REACHED_RANGE). None when the stage has no scores or nobody
        reaches it."""
        if not 0 <= stage < self.n_stages:
            return None
        reached = self.reached(stage)
        count = int(np.count_nonzero(reached))
        if what == REACHED_RANGE:
            return (1, count) if count > 1 else None
        # A sample of at most ~100,000 people sets the range: the window asks for it in its thread.
        step = max(1, count // 100_000)
        column = self.scores[:, stage]
        if step == 1:  # everyone who reached the stage, in pool order (one pass, no index list)
            sample = column[reached & np.isfinite(column)].astype(np.float64)
        else:
            sample = column[np.flatnonzero(reached)[::step]].astype(np.float64)
            sample = sample[np.isfinite(sample)]
        if not len(sample):
            return None
        low, high = np.percentile(sample, [0.5, 99.5])
        low, high = float(np.floor(low)), float(np.ceil(high))
        return (low, high) if high > low else (low - 1, high + 1)

    # -- explanation ------------------------------------------------------------------------------
    def reasons(self, lang: str, indices: np.ndarray | None = None) -> list[str]:
        """The plain-language reason for each candidate (all, or those in ``indices``)."""
        codes, texts = self.reason_table(lang, indices)
        return np.array(texts, dtype=object)[codes].tolist()

    def reason_table(self, lang: str, indices: np.ndarray | None = None) -> tuple[np.ndarray, list[str]]:
        """The reasons as (a code per candidate, the distinct texts): each rule words each distinct
        case once, so a million candidates cost array operations, not a million sentences."""
        if indices is None:
            indices = np.arange(len(self.pool))
        indices = np.asarray(indices, dtype=np.intp)
        codes = np.zeros(len(indices), dtype=np.int64)
        texts = [t("reason.selected", lang)]
        by = self.rejected_by[indices]
        flat = self.pipeline.flat_rules()
        for rule_id in np.unique(by[by >= 0]):
            rows = np.flatnonzero(by == rule_id)
            rule = self.rule(int(rule_id))
            stage = self.pipeline.stages[flat[int(rule_id)][0]]
            rule_codes, rule_texts = rule.reason_table(lang, self.pool, indices[rows], self.rule_info.get(int(rule_id)))
            prefix = t("reason.rejected_at", lang, stage=stage.title(lang))
            codes[rows] = len(texts) + np.asarray(rule_codes, dtype=np.int64)
            texts.extend(f"{prefix} {text}" for text in rule_texts)
        return codes, texts

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


def _sort_key(score, priority, tiebreak):
    """One sortable number: whole score steps first, then positive-action priority, then the seeded
    random tie-break (scores are rounded to 0.01, so score * 100 is an exact integer)."""
    return np.round(score * 100) * 4 + priority * 2 + tiebreak


def _apply_cut(cut, score, key, eligible, entering, floor: bool = True):
    """Mask of candidates kept by a cut, and the lowest score kept (NaN unless ``floor``)."""
    if cut.threshold is not None:
        keep = eligible & (score >= cut.threshold)
    else:
        k = cut.top_k if cut.top_k is not None else int(round(cut.top_share * entering))
        candidates = np.compress(eligible, key)  # (the same as key[eligible], nearly twice as fast)
        if k >= len(candidates):
            keep = eligible
        elif k <= 0:
            keep = np.zeros(len(score), dtype=bool)
        else:
            # The k-th highest key is the bar (keys hold a seeded random tie-break, so they differ;
            # should two equal the bar, the first ones in the pool are kept: exactly k either way).
            bar = np.partition(candidates, len(candidates) - k)[len(candidates) - k]
            keep = eligible & (key > bar)
            at_bar = np.flatnonzero(eligible & (key == bar))
            keep[at_bar[: k - int(keep.sum())]] = True
    if not floor or not keep.any():
        return keep, float("nan")
    return keep, float(np.compress(keep, score).min())  # (twice as fast as a masked min)


# CUT_PARAMS set only a rule's cut (rules/weighted_score.py ``cut_params``): a rule's knock-outs,
# points and tie-break priority never read them, so what a rule computed for one cut serves every
# other cut (tests/test_live_updates.py checks this for every rule kind).

# Where a pool keeps the rule outputs of its two latest full runs (``run_pipeline``), for the next ones.
_KEPT_OUTPUTS = "run_pipeline.outputs"


def _canonical(value):
    """A hashable, type-exact form of a parameter value (dicts in key order, lists as tuples)."""
    if isinstance(value, dict):
        return ("dict", tuple(sorted((repr(k), _canonical(v)) for k, v in value.items())))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(_canonical(v) for v in value))
    if isinstance(value, (set, frozenset)):
        return (type(value).__name__, tuple(sorted(repr(v) for v in value)))
    return (type(value).__name__, repr(value))


def outputs_key(rule: Rule) -> tuple:
    """What a rule's ``passes``, ``points`` and ``tie_break_priority`` depend on besides the pool
    and the stage: its kind and parameters, less those that only set its cut (CUT_PARAMS). Two
    rules with the same key compute the same arrays on the same pool and stage."""
    data = rule.to_dict()
    data.pop("enabled", None)
    if type(rule).cut is not Rule.cut:  # the rule has a cut, set by CUT_PARAMS
        for name in CUT_PARAMS:
            data.pop(name, None)
    return (type(rule).__module__, type(rule).__qualname__, _canonical(data))


def run_pipeline(pool: Pool, pipeline: Pipeline, *, disabled: set[int] | frozenset = frozenset(),
                 cache: dict | None = None, resume: Outcome | None = None, record: bool = True) -> Outcome:
    """Screen every candidate of ``pool`` through ``pipeline``.

    ``disabled`` switches rules off by id without copying the pipeline. ``cache`` (a dict shared
    between runs on the same pool) keeps each rule's knock-out mask and points, and each stage's
    score and sort order, which depend only on the pool and the rules' settings (``outputs_key``),
    so "what if rule X were off" re-runs only redo the cuts and reviews. The pool keeps its latest
    run's cache too: the next run on it (a slider dragged) reuses what its rules' settings leave
    unchanged — a cut moved recomputes no points.
    ``resume`` is an earlier outcome of the same pool and pipeline: stages before the first
    disabled rule's stage are taken from it instead of recomputed. ``record=False`` skips the
    per-stage scores, rule details and which rule rejected whom (for re-runs that only need who was
    selected: per-rule attribution); its ``stopped_at`` then only tells selected (``n_stages``)
    from not selected (0).
    """
    n = len(pool)
    n_stages = len(pipeline.stages)
    flat = pipeline.flat_rules()
    first_stage = 0
    if resume is not None and disabled:
        first_stage = min(flat[r][0] for r in disabled)
    # Column-major: each stage writes one contiguous column.
    scores = np.full((n, n_stages if record else 0), np.nan, dtype=np.float32, order="F")
    if first_stage > 0 and not record:
        # Only who is selected is wanted: stopped_at holds "still in" (n_stages) or "out" (0) and is
        # filled in at the end, instead of a stage number written at every stage.
        stopped_at = np.empty(0, dtype=np.int16)
        rejected_by = resume.rejected_by
        alive = resume.stopped_at >= first_stage
    elif first_stage > 0:
        earlier = resume.stopped_at < first_stage
        stopped_at = np.where(earlier, resume.stopped_at, n_stages).astype(np.int16)
        rejected_by = np.where(earlier, resume.rejected_by, -1).astype(np.int16)
        scores[:, :first_stage] = resume.scores[:, :first_stage]
    elif not record:
        stopped_at = np.empty(0, dtype=np.int16)
        rejected_by = np.empty(0, dtype=np.int16)
        alive = np.ones(n, dtype=bool)
    else:
        stopped_at = np.full(n, n_stages, dtype=np.int16)
        rejected_by = np.full(n, -1, dtype=np.int16) if record else np.empty(0, dtype=np.int16)
    # The outputs of the pool's two latest full runs: a run's "rule off" re-runs (attribution) come
    # after the next full run has started, and find theirs in the one before.
    kept = [c for c in pool.draws.get(_KEPT_OUTPUTS, ()) if c is not cache]
    if cache is None:
        cache = {}
        if not disabled and resume is None:  # a full run: from now on its outputs are the latest
            pool.draws[_KEPT_OUTPUTS] = (cache, *kept[:1])
    outcome = Outcome(pool, pipeline, stopped_at, rejected_by, scores, cache=cache)
    tiebreak = pool["tiebreak"]

    def rule_key(rule):
        # Worked out once per rule and cache (the cache serves one pipeline, whose rules it holds).
        known = cache.get(("outputs_key", id(rule)))
        if known is None or known[0] is not rule:
            known = cache[("outputs_key", id(rule))] = (rule, outputs_key(rule))
        return known[1]

    keys = [rule_key(rule) if rule.enabled and rid not in disabled else None for rid, (_, _, rule) in enumerate(flat)]

    def cached(name, what, compute):
        key = (name, what)
        if key not in cache:
            for earlier in kept:
                if key in earlier:
                    cache[key] = earlier[key]
                    break
            else:
                cache[key] = compute()
        return cache[key]

    def blame(rid, where, first_time=True):
        if not record:
            return
        if first_time:
            # Everyone in ``where`` still holds -1 (each candidate is rejected once): adding is an
            # order of magnitude faster than a masked store over a million candidates.
            np.add(rejected_by, (rid + 1) * where.astype(np.int16), out=rejected_by)
        else:
            np.copyto(rejected_by, rid, where=where)

    if record:
        alive = stopped_at == n_stages  # still in the running; updated at the end of every stage
    rule_id = 0
    for s, stage in enumerate(pipeline.stages):
        first_id = rule_id
        rule_id += len(stage.rules)
        active = [(first_id + i, rule) for i, rule in enumerate(stage.rules) if rule.enabled and first_id + i not in disabled]
        if not stage.enabled or not active or s < first_stage:
            continue
        entering = int(np.count_nonzero(alive))
        ctx = {"stage_index": s}
        reject = np.zeros(n, dtype=bool)

        for rid, rule in active:
            mask = cached((keys[rid], s), "passes", lambda: rule.passes(pool, ctx))
            if mask is not None:
                fail = alive & ~reject & ~mask
                blame(rid, fail)
                reject |= fail

        def stage_score():
            total = None
            for rid, rule in active:
                pts = cached((keys[rid], s), "points", lambda: rule.points(pool, ctx))
                if pts is not None:
                    total = pts.astype(np.float64) if total is None else total + pts
            return None if total is None else np.round(total, 2)

        # The stage's rules in order (points are added in that order) stand for the stage.
        stage_key = ("stage", s, tuple(keys[rid] for rid, _ in active))
        score = cached(stage_key, "score", stage_score)
        if score is not None:
            if record:
                scores[:, s] = np.where(alive, score, np.nan)

        priority = np.zeros(n, dtype=np.int8)
        for rid, rule in active:
            extra = cached((keys[rid],), "priority", lambda: rule.tie_break_priority(pool))
            if extra is not None:
                priority = np.maximum(priority, extra)

        for rid, rule in active:
            cut = rule.cut
            if cut is None or not cut.active or score is None:
                continue
            eligible = alive & ~reject
            key = cached(stage_key, "sort_key", lambda: _sort_key(score, priority, tiebreak))
            keep, floor = _apply_cut(cut, score, key, eligible, entering, floor=record)
            fail = eligible & ~keep
            blame(rid, fail)
            reject |= fail
            if record:
                outcome.rule_info[rid] = {"score": score, "floor": floor}

        for rid, rule in active:
            # A rule that picks among the candidates still in (an AI assistant ranking them in
            # batches): its choice depends on who is still in, so it is never cached.
            eligible = alive & ~reject
            chosen = rule.choose(pool, ctx, eligible)
            if chosen is None:
                continue
            keep, info = chosen
            fail = eligible & ~keep
            blame(rid, fail)
            reject |= fail
            if record:
                outcome.rule_info[rid] = {**info, "eligible": eligible}  # whom it judged: for its audits

        for rid, rule in active:
            advice = alive & ~reject
            decision = rule.review(pool, ctx, alive, advice)
            if decision is None:
                continue
            outcome.advice[s] = advice
            overruled_down = alive & advice & ~decision
            overruled_up = alive & ~advice & decision
            blame(rid, overruled_down)
            blame(-1, overruled_up, first_time=False)  # taken back in: they were blamed above
            reject = alive & ~decision
            outcome.rule_info[rid] = {"advice": advice, "score": score}

        if record:
            # reject holds only candidates still in (stopped_at == n_stages): subtracting sets them
            # to s, far faster than a masked store.
            stopped_at -= (n_stages - s) * reject.astype(np.int16)
        alive &= ~reject
    if not record:
        outcome.stopped_at = np.multiply(alive, np.int16(n_stages), dtype=np.int16)
    return outcome
