"""The human in the loop: review queues, decisions, and what the human's overrides did.

The machine's advice for a candidate is the pipeline's outcome (advance if selected). A reviewer
goes through a queue of candidates and advances or rejects each with a reason. The feedback sets
the machine alone beside the machine plus the human: group ratios, suitable people recovered or
lost (the simulator knows who was suitable), and override rates and directions per group.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import numpy as np
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

from .decision import Decision
from .grouptable import OVERALL, TableSpec, compare_tables
from .pipeline import Outcome
from .rules.reviewer import PROFILES, SimulatedReviewer
from .world import CATEGORIES

QUEUE_KINDS = ("near_threshold", "unusual", "random", "shortlist")
REASONS = ("experience", "skills", "education", "motivation", "cv_quality", "potential", "gap", "other")
RUBBER_STAMP_RATE = 0.02  # override rate below which oversight is flagged as rubber-stamping
MIN_DECISIONS_FOR_FLAGS = 10
WIDENED_BY = 0.02  # a group's impact ratio must fall at least this much to count as a widened gap


def build_queue(outcome: Outcome, kind: str, size: int, seed: int = 0) -> np.ndarray:
    """Indices of the candidates to review, in review order.

    - near_threshold: rejected candidates who came closest: furthest in the funnel, then the
      smallest gap between their score and the lowest score that got through;
    - unusual: candidates with an unusual CV, in random order, whatever the outcome;
    - random: a random sample of everyone;
    - shortlist: the selected candidates (the whole shortlist if ``size`` allows).
    """
    if kind not in QUEUE_KINDS:
        raise ValueError(f"unknown queue {kind!r} (expected one of {', '.join(QUEUE_KINDS)})")
    pool = outcome.pool
    rng = np.random.default_rng([int(pool.settings.seed) & 0xFFFFFFFF, zlib.crc32(kind.encode()), int(seed)])
    size = max(int(size), 0)
    if kind == "near_threshold":
        rejected = np.flatnonzero(~outcome.selected)
        stage = outcome.stopped_at[rejected].astype(np.int64)
        gap = np.zeros(len(rejected))
        for rule_id, info in outcome.rule_info.items():
            floor = info.get("floor")
            if floor is None or not np.isfinite(floor):
                continue
            mine = outcome.rejected_by[rejected] == rule_id
            gap[mine] = floor - info["score"][rejected[mine]]
        # Furthest stage first, then closest below the cut, then a seeded random order.
        order = np.lexsort((rng.random(len(rejected)), np.nan_to_num(gap, nan=np.inf), -stage))
        return rejected[order][:size]
    if kind == "unusual":
        idx = np.flatnonzero(pool["unusual_any"])
    elif kind == "shortlist":
        idx = np.flatnonzero(outcome.selected)
    else:
        idx = np.arange(len(pool))
    if len(idx) > size:
        idx = rng.choice(idx, size, replace=False)
    return rng.permutation(idx)


def rubber_stamped(reviewed: int, overrides: int) -> bool:
    """Oversight flagged as rubber-stamping: at least MIN_DECISIONS_FOR_FLAGS cards reviewed with the
    machine's advice shown, and an override rate under RUBBER_STAMP_RATE (the feedback's flag and the
    class view's count use this one definition)."""
    return reviewed >= MIN_DECISIONS_FOR_FLAGS and overrides / reviewed < RUBBER_STAMP_RATE


def apply_decisions(outcome: Outcome, decisions: list[Decision]) -> np.ndarray:
    """Final selection with the human's decisions applied to the candidates they reviewed."""
    selected = outcome.selected.copy()
    for d in decisions:
        selected[d.candidate] = d.human_decision
    return selected


def _group_table(pool, selected: np.ndarray, rows: np.ndarray, attributes, label: str) -> pd.DataFrame:
    specs = []
    for a in attributes:
        size = len(CATEGORIES[a])
        n = np.bincount(pool[a][rows], minlength=size)
        s = np.bincount(pool[a][rows], weights=selected[rows], minlength=size).astype(np.int64)
        specs.append(TableSpec(a, list(CATEGORIES[a]), n, s, False, OVERALL, 1))
    table = compare_tables(specs)
    table.insert(0, "who", label)
    return table


@dataclass
class Feedback:
    """Machine alone against machine plus human, after a review."""

    decisions: int
    overrides: int
    override_rate: float
    rubber_stamp: bool
    recovered: int  # suitable, rejected by the machine, advanced by the human
    lost: int  # suitable, advanced by the machine, rejected by the human
    wrongly_advanced: int  # not suitable, rejected by the machine, advanced by the human
    groups: pd.DataFrame  # attribute, group: rate and impact ratio, machine and with human
    per_group: pd.DataFrame  # attribute, group: reviewed, overrides up/down, override rate, agreement
    widened: list[dict] = field(default_factory=list)  # groups whose impact ratio fell after overrides


def feedback(outcome: Outcome, decisions: list[Decision],
             attributes=("gender", "age_band", "origin", "disability", "parent")) -> Feedback:
    """What the reviewer's decisions did to who gets selected, per group."""
    import pandas as pd
    decisions = [d for d in decisions if not d.versus]
    pool = outcome.pool
    everyone = np.arange(len(pool))
    machine = outcome.selected
    final = apply_decisions(outcome, decisions)
    a = _group_table(pool, machine, everyone, attributes, "machine")
    b = _group_table(pool, final, everyone, attributes, "machine_and_human")
    cols = ["attribute", "group", "n", "selected", "rate", "impact_ratio", "impact_ratio_ci_low", "impact_ratio_ci_high",
            "p_value", "status", "reference"]
    groups = a[cols].merge(b[cols], on=["attribute", "group", "n"], suffixes=("_machine", "_human"))
    qualified = pool["qualified"]
    idx = np.array([d.candidate for d in decisions], dtype=np.intp)
    advice = np.array([d.machine_advice for d in decisions], dtype=bool)
    human = np.array([d.human_decision for d in decisions], dtype=bool)
    q = qualified[idx] if len(idx) else np.zeros(0, dtype=bool)
    recovered = int((q & ~advice & human).sum())
    lost = int((q & advice & ~human).sum())
    wrongly = int((~q & ~advice & human).sum())
    overrides = int((advice != human).sum())
    rows = []
    for attr in attributes:
        codes = pool[attr][idx] if len(idx) else np.zeros(0, dtype=np.int8)
        for i, value in enumerate(CATEGORIES[attr]):
            mine = codes == i
            n = int(mine.sum())
            up = int((mine & ~advice & human).sum())
            down = int((mine & advice & ~human).sum())
            rows.append({"attribute": attr, "group": value, "reviewed": n, "overrides_up": up, "overrides_down": down,
                         "override_rate": (up + down) / n if n else np.nan,
                         "agreement": (n - up - down) / n if n else np.nan})
    widened = []
    for row in groups.itertuples():
        before, after = row.impact_ratio_machine, row.impact_ratio_human
        if np.isfinite(before) and np.isfinite(after) and after <= before - WIDENED_BY and after < 1:
            widened.append({"attribute": row.attribute, "group": row.group, "before": float(before),
                            "after": float(after)})
    n = len(decisions)
    rate = overrides / n if n else float("nan")
    return Feedback(n, overrides, rate, rubber_stamped(n, overrides), recovered, lost,
                    wrongly, groups, pd.DataFrame(rows), widened)


def simulated_decisions(outcome: Outcome, queue: np.ndarray, profile: str, strength: float | None = None,
                        seed: int = 0) -> list[Decision]:
    """What a simulated reviewer profile would decide on the same queue (for side-by-side feedback)."""
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}")
    defaults = {"rubber_stamp": 0.98, "affinity_bias": 0.8, "selective_adherence": 0.6, "judge_first": 0.7}
    reviewer = SimulatedReviewer(profile=profile, strength=defaults[profile] if strength is None else strength)
    n = len(outcome.pool)
    reviewed = np.zeros(n, dtype=bool)
    reviewed[queue] = True
    advice = outcome.selected & reviewed
    decision = reviewer.review(outcome.pool, {"stage_index": 1000 + seed}, reviewed, advice)
    return [Decision(int(i), bool(advice[i]), bool(decision[i]), f"simulated_{profile}", queue="simulated")
            for i in queue]


def versus(outcome: Outcome, decisions: list[Decision],
           attributes=("gender", "age_band", "origin")) -> pd.DataFrame:
    """You versus the machine: your selection rates per group beside the machine's, on the same CVs."""
    import pandas as pd
    mine = [d for d in decisions if d.versus]
    pool = outcome.pool
    if not mine:
        return pd.DataFrame()
    idx = np.array([d.candidate for d in mine], dtype=np.intp)
    yours = np.zeros(len(pool), dtype=bool)
    yours[idx] = [d.human_decision for d in mine]
    you = _group_table(pool, yours, idx, attributes, "you")
    machine = _group_table(pool, outcome.selected, idx, attributes, "machine")
    cols = ["attribute", "group", "n", "selected", "rate", "impact_ratio", "p_value", "status", "reference"]
    return you[cols].merge(machine[cols], on=["attribute", "group", "n"], suffixes=("_you", "_machine"))


# ---------------------------------------------------------------------------------------------
# A session file, summarised (recruitsim session summary|export)
# ---------------------------------------------------------------------------------------------

EXPORT_COLUMNS = ("participant", "time", "candidate_id", "queue", "machine_advice", "human_decision", "first_decision",
                  "overridden", "reason_code", "reason", "reason_text", "blind", "judge_first", "versus", "seconds")


def session_summary(session, lang: str) -> dict:
    """Everything `session summary` shows, as plain data: who, which scenario, and the before/after."""
    from . import engine

    scenario = session.scenario()
    result = engine.run(scenario, attribution=False, lazy=True)
    decisions = session.decisions()
    fb = feedback(result.outcome, decisions)
    vs = versus(result.outcome, decisions)
    queues: dict[str, int] = {}
    for d in decisions:
        queues[d.queue] = queues.get(d.queue, 0) + 1
    return {
        "file": str(session.path),
        "participant": session.participant,
        "created": session.meta("created"),
        "scenario": scenario.id,
        "title": scenario.title.get(lang, scenario.title.get("en")),
        "seed": scenario.pool.seed,
        "size": scenario.pool.size,
        "decisions": len(decisions),
        "reviewed": fb.decisions,
        "versus_decisions": sum(d.versus for d in decisions),
        "queues": queues,
        "blind": sum(d.blind for d in decisions),
        "judge_first": sum(d.judge_first for d in decisions),
        "overrides": fb.overrides,
        "override_rate": fb.override_rate,
        "rubber_stamp": fb.rubber_stamp,
        "recovered": fb.recovered,
        "lost": fb.lost,
        "wrongly_advanced": fb.wrongly_advanced,
        "widened": fb.widened,
        "groups": fb.groups.to_dict("records"),
        "overrides_per_group": fb.per_group.to_dict("records"),
        "versus": vs.to_dict("records") if len(vs) else [],
        "notes": [{"time": time, "text": text} for time, text in session.notes()],
    }


def decision_rows(session, lang: str) -> list[list]:
    """One row per review decision, in the order of EXPORT_COLUMNS.

    Every text a participant typed or a file stored (participant, time, queue, reason code, reason,
    reason text) goes through ``spreadsheet_safe``: a cell such as ``=HYPERLINK(…)`` opens in a
    spreadsheet as text, not as a formula. A carriage return inside a text becomes a line feed
    afterwards (a CSV writer ending lines with ``\n`` would not quote a lone ``\r``, and the row would
    break in two). Numbers (candidate id, seconds) are written as numbers.
    """
    from .export import spreadsheet_safe
    from .texts import has_text, t

    def safe(text: str) -> str:
        return spreadsheet_safe(text).replace("\r\n", "\n").replace("\r", "\n")

    def yes_no(value: bool) -> str:
        return "yes" if value else "no"

    def reason(code: str) -> str:
        key = f"review.reason.{code}"
        return t(key, lang) if has_text(key, lang) else code

    participant = safe(session.participant)
    return [[participant, safe(d.time), d.candidate + 1, safe(d.queue), yes_no(d.machine_advice),
             yes_no(d.human_decision), "" if d.first_decision is None else yes_no(d.first_decision),
             yes_no(d.overridden), safe(d.reason_code), safe(reason(d.reason_code)), safe(d.reason_text),
             yes_no(d.blind), yes_no(d.judge_first), yes_no(d.versus),
             "" if d.seconds is None else f"{d.seconds:.1f}"] for d in session.decisions()]
