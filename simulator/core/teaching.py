"""Teaching material in a scenario: quiz questions, a facilitator's walk-through, practice
challenges with goals that are checked against the live numbers, and a before/after pair.

Everything here is data from the scenario file plus pure functions; the app only shows it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .grouptable import OVERALL, STATUS_FEW, STATUS_OK
from .thresholds import ALPHA, SUPPRESS_SHARE
from .rules import PROHIBITED, UNLAWFUL_LEVELS
from .texts import integer, number, percent, pick, t
from .world import INTERSECTION_ATTRIBUTES

VIEW_KEYS = ("funnel", "rates", "intersections", "missed", "rules", "candidates", "compare", "review", "study")
STEP_ACTIONS = ("view", "say", "ask", "rule", "freeze", "highlight")
GOAL_KINDS = ("min_selected", "impact_ratio_at_least", "no_significant_gap", "max_missed_share", "lawful")


@dataclass
class QuizQuestion:
    question: dict[str, str]
    options: list[dict[str, str]]
    answer: int  # index into options
    explanation: dict[str, str]
    why: list[dict[str, str]] = field(default_factory=list)  # per option: why it is right or wrong

    def order(self, learner: str) -> list[int]:
        """The options in the order this learner sees them: shuffled, the same for the same learner
        (seeded by learner and question), so a room can still talk about "option B"."""
        import hashlib

        import numpy as np

        digest = hashlib.sha256(f"{learner}|{self.question.get('en', '')}".encode()).digest()
        return [int(i) for i in np.random.default_rng(int.from_bytes(digest[:8], "big")).permutation(len(self.options))]


@dataclass
class Step:
    """One walk-through step. ``text`` is what the facilitator shows or says."""

    action: str
    text: dict[str, str] = field(default_factory=dict)
    view: str | None = None  # action "view": which tab; optional group-by attribute
    attribute: str | None = None
    stage: int | None = None  # action "rule": which rule to switch, and to what
    rule: int | None = None
    enabled: bool | None = None
    answer: dict[str, str] | None = None  # action "ask": hidden until revealed
    group: str | None = None  # action "highlight": the group (and ``attribute``) whose live number is shown


@dataclass
class Goal:
    kind: str
    value: float = 0.0
    attributes: tuple[str, ...] = INTERSECTION_ATTRIBUTES


@dataclass
class Challenge:
    id: str
    title: dict[str, str]
    text: dict[str, str]
    goals: list[Goal]
    hint: dict[str, str] = field(default_factory=dict)


@dataclass
class RuleChange:
    stage: int
    rule: int
    enabled: bool | None = None
    params: dict = field(default_factory=dict)  # parameters to set, as in a scenario file


@dataclass
class BeforeAfter:
    """The scenario's "after": rules switched or changed, shown beside "before" in Compare."""

    label: dict[str, str]
    changes: list[RuleChange]


def apply_changes(pipeline, changes: list[RuleChange]):
    """A copy of the pipeline with the changes made (each changed rule validated as in a file)."""
    import copy

    from .rules import rule_from_dict

    new = copy.deepcopy(pipeline)
    for change in changes:
        stage = new.stages[change.stage]
        rule = stage.rules[change.rule]
        if change.params:
            rule = rule_from_dict({**rule.to_dict(), **change.params}, f"stages[{change.stage}].rules[{change.rule}]")
        if change.enabled is not None:
            rule.enabled = change.enabled
        stage.rules[change.rule] = rule
    return new


# ---------------------------------------------------------------------------------------------
# Checking challenges against a run
# ---------------------------------------------------------------------------------------------

@dataclass
class GoalResult:
    goal: Goal
    met: bool
    message: str  # why it is (not) met, in plain language


def check_goal(goal: Goal, measurement, lang: str) -> GoalResult:
    """Whether a run meets one goal, and a sentence that says why (or why not)."""
    from .verdict import format_p, group_label

    outcome = measurement.outcome
    selected = int(outcome.selected.sum())
    if goal.kind == "min_selected":
        met = selected >= goal.value
        return GoalResult(goal, met, t("teach.goal.min_selected", lang, n=integer(selected, lang),
                                       target=integer(int(goal.value), lang)))
    if goal.kind == "max_missed_share":
        pool = outcome.pool
        qualified = int(pool["qualified"].sum())
        missed = int((pool["qualified"] & ~outcome.selected).sum())
        share = missed / qualified if qualified else 0.0
        return GoalResult(goal, share <= goal.value + 1e-12,
                          t("teach.goal.max_missed_share", lang, share=percent(share, lang, 0),
                            target=percent(goal.value, lang, 0)))
    if goal.kind == "lawful":
        unlawful = [r for _, _, r in outcome.pipeline.flat_rules()
                    if r.enabled and r.legality().level in UNLAWFUL_LEVELS]
        if unlawful:
            key = "teach.goal.prohibited" if unlawful[0].legality().level == PROHIBITED else "teach.goal.unlawful"
            return GoalResult(goal, False, t(key, lang, rule=unlawful[0].describe(lang)))
        return GoalResult(goal, True, t("teach.goal.lawful", lang))
    g = measurement.singles
    # Groups under 2% of the candidates are not judged (too few to tell), as for the reference group.
    rows = g[(g["stage"] == OVERALL) & g["attribute"].isin(goal.attributes) & ~g["reference"]
             & g["status"].isin([STATUS_OK, STATUS_FEW]) & (g["n"] >= SUPPRESS_SHARE * len(outcome.pool))]
    if goal.kind == "impact_ratio_at_least":
        finite = rows[rows["impact_ratio"].notna()]
        if finite.empty:
            return GoalResult(goal, False, t("teach.goal.no_data", lang))
        worst = finite.sort_values("impact_ratio").iloc[0]
        met = worst["impact_ratio"] >= goal.value
        return GoalResult(goal, bool(met), t("teach.goal.ratio", lang,
                                             group=group_label(worst["attribute"], worst["group"], lang),
                                             ratio=number(worst["impact_ratio"], lang),
                                             target=number(goal.value, lang)))
    if goal.kind == "no_significant_gap":
        significant = rows[rows["p_value"] < ALPHA]
        if significant.empty:
            return GoalResult(goal, True, t("teach.goal.no_gap", lang))
        worst = significant.sort_values("p_value").iloc[0]
        return GoalResult(goal, False, t("teach.goal.gap", lang,
                                         group=group_label(worst["attribute"], worst["group"], lang),
                                         p=format_p(worst["p_value"], lang)))
    raise ValueError(f"unknown goal kind {goal.kind!r}")


def check_challenge(challenge: Challenge, measurement, lang: str) -> list[GoalResult]:
    return [check_goal(goal, measurement, lang) for goal in challenge.goals]


def highlight_text(step: Step, measurement, lang: str) -> str:
    """The live number a 'highlight' step points at: a group's rate and impact ratio, from this run."""
    from .verdict import format_p, format_ratio, group_label

    g = measurement.groups
    rows = g[(g["stage"] == OVERALL) & (g["attribute"] == step.attribute) & (g["group"] == step.group)]
    if rows.empty:
        return t("teach.goal.no_data", lang)
    r = rows.iloc[0]
    if r["reference"]:
        return t("teach.highlight.reference", lang, group=group_label(step.attribute, step.group, lang),
                 rate=percent(r["rate"], lang))
    return t("teach.highlight.group", lang, group=group_label(step.attribute, step.group, lang),
             rate=percent(r["rate"], lang), ratio=format_ratio(r["impact_ratio"], lang),
             low=format_ratio(r["impact_ratio_ci_low"], lang), high=format_ratio(r["impact_ratio_ci_high"], lang),
             p=format_p(r["p_value"], lang))


def describe_goal(goal: Goal, lang: str) -> str:
    value = goal.value
    shown = percent(value, lang, 0) if goal.kind == "max_missed_share" else \
        integer(int(value), lang) if goal.kind == "min_selected" else number(value, lang)
    return t(f"teach.goal_text.{goal.kind}", lang, value=shown)


def challenge_title(challenge: Challenge, lang: str) -> str:
    return pick(challenge.title, lang)


__all__ = ["QuizQuestion", "Step", "Goal", "Challenge", "BeforeAfter", "RuleChange", "apply_changes", "GoalResult", "check_goal", "check_challenge",
           "describe_goal", "challenge_title", "highlight_text", "VIEW_KEYS", "STEP_ACTIONS", "GOAL_KINDS"]


# ---------------------------------------------------------------------------------------------
# A 90-minute workshop programme, so a facilitator can run a session from the gallery alone.
# Each part has a heading (text key) and its scenarios with suggested minutes; the remaining
# scenarios are listed after it for longer sessions and practice at home.
@dataclass(frozen=True)
class ProgrammePart:
    heading: str  # text key
    scenarios: tuple[tuple[str, int], ...]  # (scenario id, minutes)

    @property
    def minutes(self) -> int:
        return sum(m for _, m in self.scenarios)


# It opens with the law primer (law.primer: three cases) and then a scenario whose effect is plain
# on screen (dutch-names: names alone, a large gap).
WORKSHOP_PROGRAMME: tuple[ProgrammePart, ...] = (
    ProgrammePart("programme.part_people", (("dutch-names", 12), ("human-override", 10))),
    ProgrammePart("programme.part_rules", (("cv-gap", 10), ("age-knockout", 8), ("taxi-licence", 7))),
    ProgrammePart("programme.part_models", (("biased-history", 10), ("ai-assistant", 10))),
    ProgrammePart("programme.part_numbers", (("berkeley", 8),)),
)
CLOSING_MINUTES = 10


def programme_minutes() -> int:
    """Length of the suggested workshop: the law primer, the parts and the closing debrief."""
    from .law import PRIMER_MINUTES

    return PRIMER_MINUTES + sum(part.minutes for part in WORKSHOP_PROGRAMME) + CLOSING_MINUTES


def programme_order(ids: list[str]) -> tuple[list[tuple[ProgrammePart, list[tuple[str, int]]]], list[str]]:
    """The programme's parts with those of ``ids`` they use, and the ids not in the programme (in
    their given order). Unknown ids in the programme are skipped, so a missing file never breaks it."""
    present = set(ids)
    parts = [(part, [(sid, m) for sid, m in part.scenarios if sid in present]) for part in WORKSHOP_PROGRAMME]
    used = {sid for part in WORKSHOP_PROGRAMME for sid, _ in part.scenarios}
    return parts, [sid for sid in ids if sid not in used]
