"""Claims: what a scenario's texts say about its numbers, checked against the run on screen.

A lesson that says "women fall out more often" or "the gap shrinks after the change" states a
finding. Each such finding is written down in the scenario file as a claim — a metric of one group,
at a stage, before or after the scenario's change, compared with a value or another claim — so a
test can hold the text to it over many seeds (tests/test_claims.py), and the app can fill the live
number into the text where it says ``{claim.ID}``.

The scenario's *focus* is the claim its lesson is about. The headline states it first (``focus``
below): the scenario's own sentence when the claim holds in this run, otherwise a plain sentence
with the live number that says the run does not show it. Nothing here is scripted: every value is
computed from the run with the same statistics the tables show.
"""

from __future__ import annotations

import math
import operator
import re
from dataclasses import dataclass, field

import numpy as np

from .grouptable import OVERALL
from .texts import integer, percent, pick, t
from .thresholds import ALPHA
from .verdict import attribute_label, format_p, format_ratio, group_label
from .world import CATEGORIES

# metric -> (how its value is written, whether it compares a group with a reference)
METRICS: dict[str, tuple[str, bool]] = {
    "impact_ratio": ("ratio", True),  # the group's selection rate / the reference's
    "p_value": ("p", True),  # Fisher's exact test of the group against the reference
    "rate": ("percent", False),  # share of the group selected (at the stage: of those who reached it)
    "selected": ("count", False),
    "n": ("count", False),
    "missed_share": ("percent", False),  # share of the group's truly suitable candidates rejected
    "rejected_by_rule": ("count", False),  # candidates of the group a rule removed first (``rule``)
    "rejected_by_rule_share": ("percent", False),  # ... as a share of the group
    "advice_impact_ratio": ("ratio", True),  # the machine's advice at a reviewer stage, before the human
    "cmh_odds_ratio": ("ratio", True),  # Mantel–Haenszel odds ratio within the run's strata
    "cmh_p_value": ("p", True),
    "breslow_day_p_value": ("p", True),
    # At a stage with an AI screener (batches): of the group's CVs it shortlisted, the share that was
    # listed first in its batch. By chance 1 in the batch size; the position effect lifts it.
    "first_listed_share": ("percent", False),
}
RUNS = ("before", "after", "change")
COMPARISONS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
PLACEHOLDER = re.compile(r"\{claim\.([A-Za-z0-9_-]+)(?:\.(before|after|p|group|reference))?\}")
MISSING = "…"
# The run's own size, where a text says how many candidates were screened: "{run.size} CVs".
RUN_PLACEHOLDER = re.compile(r"\{run\.size\}")


class ClaimError(ValueError):
    """A claim that cannot be read or computed; ``path`` names the field."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")
        self.path, self.message = path, message


@dataclass(frozen=True)
class Claim:
    id: str
    metric: str
    attribute: str
    group: str
    reference: str | None = None
    stage: int = OVERALL
    run: str = "before"
    compare: str | None = None
    value: float | None = None
    than: str | None = None  # another claim's id: compare with its value
    significant: bool | None = None  # True: p < ALPHA as well; False: p >= ALPHA
    rule: tuple[int, int] | None = None  # (stage, rule) for rejected_by_rule
    backs: tuple[str, ...] = ()  # where the scenario's texts state this (documentation, checked to exist)


@dataclass
class Focus:
    claim: str
    headline: dict[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------

def _groups_of(attribute: str, group: str, path: str) -> list[tuple[str, int]]:
    attrs = attribute.split(" × ")
    values = group.split(" × ")
    if len(attrs) != len(values):
        raise ClaimError(path, f"group '{group}' needs one value per attribute of '{attribute}'")
    out = []
    for a, v in zip(attrs, values):
        if a not in CATEGORIES:
            raise ClaimError(path, f"unknown attribute '{a}' (expected one of {', '.join(CATEGORIES)})")
        if v not in CATEGORIES[a]:
            raise ClaimError(path, f"{a} has no value '{v}' (expected one of {', '.join(CATEGORIES[a])})")
        out.append((a, CATEGORIES[a].index(v)))
    return out


def parse_claims(items, pipeline, path: str = "claims") -> list[Claim]:
    """Claims from a scenario file's ``[[claims]]`` tables; a ClaimError names the bad field."""
    if not isinstance(items, list):
        raise ClaimError(path, "expected a list of [[claims]] tables")
    known = {"id", "metric", "attribute", "group", "reference", "stage", "run", "compare", "value", "than",
             "significant", "rule", "backs"}
    claims: list[Claim] = []
    for k, item in enumerate(items):
        where = f"{path}[{k}]"
        if not isinstance(item, dict):
            raise ClaimError(where, "expected a table")
        for key in item:
            if key not in known:
                raise ClaimError(f"{where}.{key}", f"unknown field (expected one of {', '.join(sorted(known))})")
        cid = item.get("id")
        if not isinstance(cid, str) or not re.fullmatch(r"[A-Za-z0-9_-]+", cid or ""):
            raise ClaimError(f"{where}.id", "expected a short name of letters, digits, - and _")
        if any(c.id == cid for c in claims):
            raise ClaimError(f"{where}.id", f"'{cid}' is used twice")
        metric = item.get("metric")
        if not isinstance(metric, str) or metric not in METRICS:
            raise ClaimError(f"{where}.metric", f"expected one of {', '.join(METRICS)}")
        attribute, group = item.get("attribute"), item.get("group")
        if not isinstance(attribute, str) or not isinstance(group, str):
            raise ClaimError(where, "needs an attribute and a group, e.g. attribute = \"gender\", group = \"woman\"")
        _groups_of(attribute, group, f"{where}.group")
        reference = item.get("reference")
        if reference is not None:
            if not isinstance(reference, str):
                raise ClaimError(f"{where}.reference", "expected a group of the same attribute")
            _groups_of(attribute, reference, f"{where}.reference")
        stage = item.get("stage", "overall")
        if stage == "overall":
            stage = OVERALL
        elif isinstance(stage, bool) or not isinstance(stage, int) or not 0 <= stage < len(pipeline.stages):
            raise ClaimError(f"{where}.stage", f"expected \"overall\" or a stage number 0 to {len(pipeline.stages) - 1}")
        if metric == "advice_impact_ratio" and (stage == OVERALL or not any(
                r.kind == "reviewer" for r in pipeline.stages[stage].rules)):
            raise ClaimError(f"{where}.stage", "advice_impact_ratio needs the number of a stage with a reviewer rule")
        if metric == "first_listed_share" and (stage == OVERALL or not any(
                r.kind == "ai_screener" and r.mode == "batch" for r in pipeline.stages[stage].rules)):
            raise ClaimError(f"{where}.stage", "first_listed_share needs the number of a stage with an AI screener "
                                               "that reads CVs in batches")
        run = item.get("run", "before")
        if not isinstance(run, str) or run not in RUNS:
            raise ClaimError(f"{where}.run", f"expected one of {', '.join(RUNS)}")
        compare = item.get("compare")
        if compare is not None and (not isinstance(compare, str) or compare not in COMPARISONS):
            raise ClaimError(f"{where}.compare", f"expected one of {', '.join(COMPARISONS)}")
        value, than = item.get("value"), item.get("than")
        if compare is not None and (value is None) == (than is None):
            raise ClaimError(where, "a comparison needs either a value or than = another claim's id")
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))
                                  or not math.isfinite(value)):
            raise ClaimError(f"{where}.value", "expected a finite number")
        if than is not None and not isinstance(than, str):
            raise ClaimError(f"{where}.than", "expected the id of another claim")
        significant = item.get("significant")
        if significant is not None and not isinstance(significant, bool):
            raise ClaimError(f"{where}.significant", "expected true or false")
        if compare is None and significant is None:
            raise ClaimError(where, "states nothing: give compare with a value (or than), or significant")
        rule = item.get("rule")
        if metric.startswith("rejected_by_rule"):
            flat = [(s, r) for s, r, _ in pipeline.flat_rules()]
            if not (isinstance(rule, list) and len(rule) == 2 and tuple(rule) in flat):
                raise ClaimError(f"{where}.rule", "expected [stage, rule] of a rule in this scenario")
            rule = (int(rule[0]), int(rule[1]))
        elif rule is not None:
            raise ClaimError(f"{where}.rule", "only the rejected_by_rule metrics take a rule")
        backs = item.get("backs", [])
        if not isinstance(backs, list) or not all(isinstance(b, str) for b in backs):
            raise ClaimError(f"{where}.backs", "expected a list of text places, e.g. [\"lesson\", \"quiz[1]\"]")
        claims.append(Claim(cid, metric, attribute, group, reference, stage, run, compare,
                            None if value is None else float(value), than, significant, rule, tuple(backs)))
    ids = {c.id for c in claims}
    for k, c in enumerate(claims):
        if c.than is not None and c.than not in ids:
            raise ClaimError(f"{path}[{k}].than", f"no claim '{c.than}' in this scenario")
    return claims


def parse_focus(data, claims: list[Claim], path: str = "focus") -> Focus | None:
    if data is None:
        return None
    if not isinstance(data, dict):
        raise ClaimError(path, "expected a table with claim = \"id\" and a headline")
    for key in data:
        if key not in ("claim", "headline"):
            raise ClaimError(f"{path}.{key}", "unknown field (expected claim, headline)")
    cid = data.get("claim")
    claim = next((c for c in claims if c.id == cid), None)
    if claim is None:
        raise ClaimError(f"{path}.claim", "expected the id of one of this scenario's [[claims]]")
    if claim.run != "before":
        raise ClaimError(f"{path}.claim", "the focus is a finding of the scenario as it starts (run = \"before\")")
    headline = data.get("headline", {})
    if not isinstance(headline, dict) or not all(isinstance(v, str) for v in headline.values()):
        raise ClaimError(f"{path}.headline", "expected { en = \"...\", nl = \"...\" }")
    return Focus(cid, dict(headline))


def claim_to_dict(c: Claim) -> dict:
    out = {"id": c.id, "metric": c.metric, "attribute": c.attribute, "group": c.group}
    if c.reference is not None:
        out["reference"] = c.reference
    if c.stage != OVERALL:
        out["stage"] = c.stage
    if c.run != "before":
        out["run"] = c.run
    for key in ("compare", "value", "than", "significant"):
        if getattr(c, key) is not None:
            out[key] = getattr(c, key)
    if c.rule is not None:
        out["rule"] = list(c.rule)
    if c.backs:
        out["backs"] = list(c.backs)
    return out


# ---------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------

@dataclass
class ClaimValue:
    claim: Claim
    value: float  # for run = "change": after - before
    p_value: float = math.nan
    reference: str | None = None  # the reference group the value was compared with
    before: float = math.nan
    after: float = math.nan


def _mask(pool, parts: list[tuple[str, int]]) -> np.ndarray:
    mask = np.ones(len(pool), dtype=bool)
    for a, code in parts:
        mask &= pool[a] == code
    return mask


def _reference_group(measurement, claim: Claim) -> str | None:
    """The group the claim compares with: its own ``reference``, else the table's reference group in
    this run (None when the run has none, e.g. nobody reached the stage: the claim then measures NaN)."""
    if claim.reference is not None:
        return claim.reference
    g = measurement.groups if " × " in claim.attribute else measurement.singles
    rows = g[(g["stage"] == claim.stage) & (g["attribute"] == claim.attribute) & g["reference"].astype(bool)]
    return None if rows.empty else str(rows["group"].iloc[0])


def _counts(outcome, mask: np.ndarray, stage: int, chosen: np.ndarray | None = None) -> tuple[int, int]:
    if stage == OVERALL:
        n, sel = mask, (outcome.selected if chosen is None else chosen) & mask
    else:
        n = mask & outcome.reached(stage)
        sel = (outcome.passed(stage) if chosen is None else chosen) & n
    return int(n.sum()), int(sel.sum())


def _first_listed_share(outcome, mask: np.ndarray, stage: int) -> float:
    """Of the group's CVs the stage's AI screener shortlisted, the share listed first in its batch
    (NaN when the screener did not run, or shortlisted nobody of the group)."""
    for flat_id, (s, _, rule) in enumerate(outcome.pipeline.flat_rules()):
        info = outcome.rule_info.get(flat_id)
        if s == stage and rule.kind == "ai_screener" and info and info.get("mode") == "batch":
            shortlisted = mask & (info["rank"] >= 0) & (info["rank"] < rule.picks)
            return float((info["position"][shortlisted] == 0).mean()) if shortlisted.any() else math.nan
    return math.nan


def measure_claim(claim: Claim, measurement, reference: str | None = None) -> ClaimValue:
    """One claim's value in one run (``run`` is resolved by ``evaluate``); ``reference`` fixes the
    group compared with (the "after" keeps the "before" run's reference: the same comparison)."""
    from .stats import compare_many

    outcome, pool = measurement.outcome, measurement.outcome.pool
    mask = _mask(pool, _groups_of(claim.attribute, claim.group, claim.id))
    metric = claim.metric
    if not METRICS[metric][1]:
        n, sel = _counts(outcome, mask, claim.stage)
        if metric == "rate":
            value = sel / n if n else math.nan
        elif metric == "selected":
            value = float(sel)
        elif metric == "n":
            value = float(n)
        elif metric == "first_listed_share":
            value = _first_listed_share(outcome, mask, claim.stage)
        elif metric == "missed_share":
            qualified = mask & pool["qualified"]
            value = float((qualified & ~outcome.selected).sum() / qualified.sum()) if qualified.any() else math.nan
        else:  # rejected_by_rule(_share)
            rule_id = [(s, r) for s, r, _ in outcome.pipeline.flat_rules()].index(claim.rule)
            removed = int((mask & (outcome.rejected_by == rule_id)).sum())
            value = float(removed) if metric == "rejected_by_rule" else (removed / int(mask.sum()) if mask.any() else math.nan)
        return ClaimValue(claim, value)
    reference = reference or _reference_group(measurement, claim)
    if reference is None:  # no group to compare with in this run: nothing to measure, the claim does not hold
        return ClaimValue(claim, math.nan, math.nan, None)
    ref_mask = _mask(pool, _groups_of(claim.attribute, reference, claim.id))
    if metric.startswith("cmh") or metric.startswith("breslow"):
        from .metrics import strata_tables
        from .stats import stratified_analysis

        if " × " in claim.attribute:
            raise ClaimError(claim.id, "the stratified metrics compare groups of one attribute")
        try:
            result = stratified_analysis(strata_tables(outcome, measurement.strata, claim.attribute, claim.group,
                                                       reference)).as_dict()
        except ValueError:  # no stratum holds both groups and both outcomes: nothing to measure
            return ClaimValue(claim, math.nan, math.nan, reference)
        key = {"cmh_odds_ratio": "odds_ratio_focal", "cmh_p_value": "cmh_p_value",
               "breslow_day_p_value": "breslow_day_p_value"}[metric]
        return ClaimValue(claim, float(result[key]), float(result["cmh_p_value"]), reference)
    chosen = None
    if metric == "advice_impact_ratio":
        if claim.stage not in outcome.advice:  # the stage's reviewer is switched off: there is no advice
            return ClaimValue(claim, math.nan, math.nan, reference)
        chosen = outcome.advice[claim.stage]
    n1, a = _counts(outcome, mask, claim.stage, chosen)
    n2, b = _counts(outcome, ref_mask, claim.stage, chosen)
    cmp = compare_many(np.array([a]), np.array([n1]), np.array([b]), np.array([n2]))
    p = float(cmp["p_value"][0])
    value = p if metric == "p_value" else float(cmp["impact_ratio"][0])
    return ClaimValue(claim, value, p, reference)


@dataclass
class ClaimResults:
    """Every claim's value and whether it holds, for one seed (before and, where asked, after)."""

    values: dict[str, ClaimValue]

    def holds(self, cid: str) -> bool:
        v = self.values[cid]
        c = v.claim
        if not math.isfinite(v.value):
            return False
        ok = True
        if c.compare is not None:
            other = self.values[c.than].value if c.than is not None else c.value
            ok = math.isfinite(other) and COMPARISONS[c.compare](v.value, other)
        if c.significant is not None and c.run != "change":
            ok = ok and math.isfinite(v.p_value) and (v.p_value < ALPHA) == c.significant
        return ok


def evaluate(claims: list[Claim], before, after=None) -> ClaimResults:
    """Claims against a run (``before``, a Measurement) and the scenario's "after" (``after``).

    Claims of the after run (or the change) are left out when ``after`` is None.
    """
    values = {}
    for c in claims:
        if c.run == "before":
            values[c.id] = measure_claim(c, before)
        elif after is not None:
            b = measure_claim(c, before)
            a = measure_claim(c, after, b.reference)
            if c.run == "after":
                values[c.id] = ClaimValue(c, a.value, a.p_value, a.reference, b.value, a.value)
            else:
                values[c.id] = ClaimValue(c, a.value - b.value, math.nan, a.reference, b.value, a.value)
    return ClaimResults(values)


def check_scenario(scenario, seed: int | None = None) -> ClaimResults:
    """Run a scenario (and its "after", when a claim needs it) at a seed and evaluate its claims."""
    from . import engine

    before = engine.run(scenario, seed=seed, attribution=False, lazy=True).measurement
    return evaluate(scenario.claims, before, _after_of(scenario, before))


def _with_pipeline(scenario, pipeline):
    import copy

    changed = copy.copy(scenario)
    changed.pipeline = pipeline
    return changed


# ---------------------------------------------------------------------------------------------
# Words
# ---------------------------------------------------------------------------------------------

def format_value(metric: str, value: float, lang: str) -> str:
    kind = METRICS[metric][0]
    if value is None or not math.isfinite(value):
        return "—"
    if kind == "ratio":
        return format_ratio(value, lang)
    if kind == "p":
        return format_p(value, lang)
    if kind == "percent":
        return percent(value, lang)
    return integer(int(round(value)), lang)


def placeholder_values(results: ClaimResults | None, lang: str) -> dict[str, str]:
    """What each ``{claim.ID...}`` placeholder shows in this run."""
    out: dict[str, str] = {}
    if results is None:
        return out
    for cid, v in results.values.items():
        c = v.claim
        if c.run == "change":
            before, after = format_value(c.metric, v.before, lang), format_value(c.metric, v.after, lang)
            out[cid] = f"{before} → {after}"
            out[f"{cid}.before"], out[f"{cid}.after"] = before, after
        else:
            out[cid] = format_value(c.metric, v.value, lang)
            if c.run == "after":
                out[f"{cid}.before"] = format_value(c.metric, v.before, lang)
                out[f"{cid}.after"] = out[cid]
        out[f"{cid}.p"] = format_p(v.p_value, lang)
        out[f"{cid}.group"] = group_label(c.attribute, c.group, lang)
        if v.reference is not None:
            out[f"{cid}.reference"] = group_label(c.attribute, v.reference, lang)
    return out


def fill(text: str, values: dict[str, str], lang: str) -> str:
    """A scenario text with its placeholders filled: ``{claim.ID}`` (and .before/.after/.p/.group/
    .reference) from the run, ``{run.size}`` (the candidates screened), ``{law.KEY}`` from the dated
    table of legal facts. A claim the run has not measured shows "…"."""
    from .law import fill_law

    def claim(match: re.Match) -> str:
        key = match.group(1) + (f".{match.group(2)}" if match.group(2) else "")
        return values.get(key, MISSING)

    text = RUN_PLACEHOLDER.sub(lambda m: values.get("run.size", MISSING), PLACEHOLDER.sub(claim, text))
    return fill_law(text, lang)


def fill_texts(texts: dict[str, str] | str, lang: str, values: dict[str, str] | None = None) -> str:
    """A scenario text in ``lang`` with its placeholders filled (``values``: placeholder_values)."""
    return fill(pick(texts, lang), values or {}, lang)


def placeholders_in(text: str) -> set[str]:
    return {m.group(1) for m in PLACEHOLDER.finditer(text)}


def focus_sentence(scenario, results: ClaimResults, lang: str, stage_label=None) -> str | None:
    """The headline for a scenario with a focus: its own sentence when the focus claim (and every
    claim the sentence fills in) holds in this run, else what this run shows instead."""
    focus = scenario.focus
    if focus is None or focus.claim not in results.values:
        return None
    values = placeholder_values(results, lang)
    v = results.values[focus.claim]
    used = placeholders_in(pick(focus.headline, lang)) if focus.headline else set()
    if focus.headline and results.holds(focus.claim) and all(cid in results.values and results.holds(cid)
                                                              for cid in used):
        return fill(pick(focus.headline, lang), values, lang)
    return t("focus.not_shown", lang, what=describe(v, lang, stage_label), value=values[focus.claim])


def describe(v: ClaimValue, lang: str, stage_label=None) -> str:
    """A claim's measure in words: 'the impact ratio of “women” against “men”', with the stage when
    it is not the whole process (``stage_label(stage, lang)`` names it)."""
    c = v.claim
    group = group_label(c.attribute, c.group, lang)
    reference = group_label(c.attribute, v.reference, lang) if v.reference else "—"
    what = t(f"claim.metric.{c.metric}", lang, group=group, reference=reference if METRICS[c.metric][1] else "")
    if c.stage != OVERALL and stage_label is not None:
        what = t("claim.at_stage", lang, what=what, stage=stage_label(c.stage, lang))
    return what


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def change_sentence(scenario, before_results: ClaimResults, after_results: ClaimResults, lang: str,
                    label: str, stage_label=None) -> str | None:
    """After the before/after switch: the focus claim's measure before and after, for the same group."""
    focus = scenario.focus
    if focus is None or focus.claim not in before_results.values or focus.claim not in after_results.values:
        return None
    b, a = before_results.values[focus.claim], after_results.values[focus.claim]
    metric = b.claim.metric
    return t("focus.change", lang, what=_sentence(describe(a, lang, stage_label)), before=format_value(metric, b.value, lang),
             after=format_value(metric, a.value, lang), label=label, attribute=attribute_label(b.claim.attribute, lang))


def focus_lines(scenario, measurement, lang: str, before=None, label: str = "") -> list[str]:
    """The focus sentence of a run; when ``before`` (the run before the scenario's change) is given,
    the change of the focus measure for the same group first. Empty without a focus."""
    focus = scenario.focus
    if focus is None:
        return []
    results = _focus_results(scenario, measurement)
    out = []
    if before is not None:
        before_results = _focus_results(scenario, before)
        # The "after" keeps the "before" run's reference group, so both numbers compare the same groups.
        claim = scenario.focus_claim()
        b = before_results.values[claim.id]
        after = ClaimResults({claim.id: measure_claim(claim, measurement, b.reference)})
        line = change_sentence(scenario, before_results, after, lang, label, measurement.stage_label)
        if line:
            out.append(line)
    sentence = focus_sentence(scenario, results, lang, measurement.stage_label)
    if sentence and before is None:
        out.append(sentence)
    return out


def _focus_results(scenario, measurement) -> ClaimResults:
    """The focus claim and the claims its headline fills in, for one run (cached on the run)."""
    cache = getattr(measurement, "_focus_results", None)
    if cache is not None:
        return cache
    used = {scenario.focus.claim}
    for text in scenario.focus.headline.values():
        used |= placeholders_in(text)
    # The window evaluates every claim first (results_for): reuse that rather than measure again.
    everything = getattr(measurement, "_claim_results", {}).get(None)
    # (Only for a run that is not the "after" of a switch: there the before claims were measured
    # on the run before.)
    if everything is not None and getattr(measurement, "before", None) is None and used <= set(everything.values):
        measurement._focus_results = everything
        return everything
    wanted = [c for c in scenario.claims if c.id in used and c.run == "before"]
    for c in list(wanted):
        if c.than is not None and c.than not in {w.id for w in wanted}:
            wanted.append(next(o for o in scenario.claims if o.id == c.than))
    results = evaluate(wanted, measurement)
    measurement._focus_results = results
    return results


def results_for(measurement, frozen=None) -> ClaimResults | None:
    """Every claim of the run's scenario that this run can answer (cached on the run): claims of the
    scenario as it starts on the "before" run, claims of the "after" and the change when this run
    is the after of a before/after switch (``measurement.before``). When the rules on screen are
    already in the "after" state (a walk-through switched them), the frozen run A (``frozen``, a
    Measurement of the same pool) is the before, and without one the change is not stated ("…").
    None without claims."""
    scenario = getattr(measurement, "scenario", None)
    if scenario is None or not scenario.claims:
        return None
    cache = measurement.__dict__.setdefault("_claim_results", {})
    before = getattr(measurement, "before", None)
    after_state = before is None and _already_after(scenario)
    # Only in the "already after" state does run A matter; elsewhere one result serves every caller.
    key = id(frozen) if after_state and frozen is not None else None
    if key not in cache:
        if before is not None:
            cache[key] = evaluate(scenario.claims, before, measurement)
        elif after_state:
            same_pool = frozen is not None and frozen.outcome.pool is measurement.outcome.pool
            cache[key] = evaluate(scenario.claims, frozen, measurement) if same_pool else \
                evaluate([c for c in scenario.claims if c.run == "before"], measurement)
        else:
            cache[key] = evaluate(scenario.claims, measurement, _after_of(scenario, measurement))
    return cache[key]


def _already_after(scenario) -> bool:
    """Whether applying the scenario's change would change nothing: its rules are already switched."""
    from .teaching import apply_changes

    if scenario.before_after is None:
        return False
    try:
        changed = apply_changes(scenario.pipeline, scenario.before_after.changes)
    except Exception:
        return False
    return changed.same_rules(scenario.pipeline)


def _after_of(scenario, measurement):
    """The scenario's "after" on the same pool, when a claim needs it (None when the rules were
    edited so far that the change no longer applies)."""
    from . import engine
    from .teaching import apply_changes

    if scenario.before_after is None or all(c.run == "before" for c in scenario.claims):
        return None
    try:
        pipeline = apply_changes(scenario.pipeline, scenario.before_after.changes)
    except Exception:  # the user removed the rule the change switches: nothing to compare
        return None
    return engine.run(_with_pipeline(scenario, pipeline), pool=measurement.outcome.pool, attribution=False,
                      lazy=True).measurement


def text_values(result, lang: str, frozen=None) -> dict[str, str]:
    """Placeholder values for the texts shown beside a run (``result``: engine.RunResult or None;
    ``frozen``: the frozen run A, if any)."""
    if result is None:
        return {}
    values = placeholder_values(results_for(result.measurement, frozen.measurement if frozen is not None else None),
                                lang)
    values["run.size"] = integer(len(result.measurement.outcome.pool), lang)
    return values
