"""Three audits a buyer of an AI screener can demand from the vendor, run on the simulated one.

- **Name swap**: every CV is judged again with a name drawn at random from the candidates of the
  same gender, so name and CV no longer go together. Two results: how many decisions change when
  only the name changes (a paired count, exactly 0 when names play no part), and each name group's
  win share among the swapped judgements (each CV once, its name assigned at random, so a gap
  between name groups is the name's doing), with Wilson intervals, the impact ratio against the
  most-picked name group of at least 10% of the judgements, and Fisher's exact test. Counting the
  judgements with the candidates' own names as well would tie half the names to their own CVs and
  count every CV twice.
- **Order swap**: every batch is judged again in reverse order, with the same randomness per CV:
  how many decisions flip shows how much the order decides.
- **Repeat**: the same batches are judged again with new randomness: how many candidates are
  shortlisted in some runs and not in others (their fate depends on luck).

Each audit re-runs only the screener's own choice among the candidates who reached it, so the
rest of the pipeline stays as it was. Qt-free; the window and ``recruitsim run --ai-audit`` read it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from .stats import compare_many
from .world import CATEGORIES


@dataclass
class ScreenerAudits:
    """The three audits of one AI-screener rule in one run."""

    stage: int
    rule: int
    entering: int  # CVs the screener judged
    name_groups: list[dict]  # per name group, among the swapped judgements: n, selected, rate, interval, ratio, p
    order_flips: int  # decisions that differ when every batch is listed in reverse
    repeats: int
    always: int  # shortlisted in every repeat
    never: int
    sometimes: int  # shortlisted in some repeats, not in others
    shortlisted: int = 0  # CVs the screener shortlisted in the run itself
    name_flips: int = 0  # decisions that differ when only the names are swapped
    name_lost: int = 0  # shortlisted CVs that are no longer shortlisted with the swapped name
    order_lost: int = 0  # shortlisted CVs that are no longer shortlisted in reverse order


def screener_rules(outcome) -> list[tuple[int, int, int]]:
    """(flat rule id, stage, rule) of every enabled AI screener in the run's pipeline."""
    return [(k, s, r) for k, (s, r, rule) in enumerate(outcome.pipeline.flat_rules())
            if rule.kind == "ai_screener" and rule.enabled and outcome.pipeline.stages[s].enabled]


def _swap_names(pool, eligible: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """name_region with the names shuffled among the eligible candidates of each gender."""
    names = pool["name_region"].copy()
    for g in range(len(CATEGORIES["gender"])):
        rows = np.flatnonzero(eligible & (pool["gender"] == g))
        names[rows] = names[rows[rng.permutation(len(rows))]]
    return names


def audit_screener(outcome, flat_id: int, repeats: int = 10) -> ScreenerAudits:
    """Run the three audits on the AI screener with flat rule id ``flat_id`` of ``outcome``."""
    stage, index, rule = outcome.pipeline.flat_rules()[flat_id]
    pool = outcome.pool
    ctx = {"stage_index": stage}
    eligible = outcome.rule_info[flat_id]["eligible"]
    keep, _ = rule.choose(pool, ctx, eligible)

    # Name swap: the same CVs, other names; counted by the name shown.
    rng = np.random.default_rng([int(pool.settings.seed) & 0xFFFFFFFF, 0xA1A5, stage, index])
    swapped_names = _swap_names(pool, eligible, rng)
    swapped_pool = dataclasses.replace(pool, columns={**pool.columns, "name_region": swapped_names}, draws={})
    keep_swapped, _ = rule.choose(swapped_pool, ctx, eligible)
    labels = CATEGORIES["name_region"]
    shown, won = swapped_names[eligible], keep_swapped[eligible]
    n = np.bincount(shown, minlength=len(labels))
    sel = np.bincount(shown, weights=won, minlength=len(labels)).astype(np.int64)
    present = np.flatnonzero(n > 0)
    rates = np.where(n > 0, sel / np.maximum(n, 1), -1.0)
    # Compared with the most-picked name group holding at least 10% of the judgements, as the app's
    # tables do: a small group's rate is too noisy to measure the others by.
    large = present[n[present] >= 0.1 * n.sum()]
    candidates = large if len(large) else present
    ref = int(candidates[np.argmax(rates[candidates])]) if len(candidates) else 0
    cmp = compare_many(sel[present], n[present], np.full(len(present), sel[ref]), np.full(len(present), n[ref]))
    groups = []
    for k, g in enumerate(present):
        groups.append({"group": labels[g], "n": int(n[g]), "selected": int(sel[g]), "rate": float(cmp["rate_focal"][k]),
                       "rate_ci": (float(cmp["rate_ci_focal"][0][k]), float(cmp["rate_ci_focal"][1][k])),
                       "impact_ratio": float(cmp["impact_ratio"][k]), "p_value": float(cmp["p_value"][k]),
                       "reference": bool(g == ref)})

    # Order swap: every batch listed in reverse, the same randomness per CV.
    reversed_rule = dataclasses.replace(rule, reverse_order=not rule.reverse_order)
    keep_reversed, _ = reversed_rule.choose(pool, ctx, eligible)
    flips = int((keep[eligible] != keep_reversed[eligible]).sum())
    order_lost = int((keep & ~keep_reversed)[eligible].sum())
    name_flips = int((keep[eligible] != keep_swapped[eligible]).sum())
    name_lost = int((keep & ~keep_swapped)[eligible].sum())

    # Repeat: the same batches with new randomness.
    times = np.zeros(len(pool), dtype=np.int32)
    for r in range(repeats):
        again, _ = dataclasses.replace(rule, repeat=rule.repeat + r).choose(pool, ctx, eligible)
        times += again
    times = times[eligible]
    return ScreenerAudits(stage, index, int(eligible.sum()), groups, flips, repeats,
                          int((times == repeats).sum()), int((times == 0).sum()),
                          int(((times > 0) & (times < repeats)).sum()), int(keep[eligible].sum()), name_flips,
                          name_lost, order_lost)


def audit_sentences(audit: ScreenerAudits, lang: str) -> list[str]:
    """The name swap's paired result, the order swap and the repeats, in words (window and command line)."""
    from .texts import integer, percent, t

    judged, shortlisted = integer(audit.entering, lang), integer(audit.shortlisted, lang)
    if audit.name_flips:
        names = t("cli.ai.names", lang, lost=integer(audit.name_lost, lang), shortlisted=shortlisted,
                  flips=integer(audit.name_flips, lang), judged=judged)
    else:
        names = t("cli.ai.names_none", lang)
    order = t("cli.ai.order", lang, lost=integer(audit.order_lost, lang), shortlisted=shortlisted,
              flips=integer(audit.order_flips, lang), judged=judged,
              share=percent(audit.order_flips / max(audit.entering, 1), lang))
    repeat = t("cli.ai.repeat", lang, repeats=integer(audit.repeats, lang), sometimes=integer(audit.sometimes, lang),
               always=integer(audit.always, lang), never=integer(audit.never, lang))
    return [names, order, repeat]
