"""What the numbers mean: one findings layer for ``run``, ``audit``, the window and every export.

``metrics`` (a simulated run) and ``audit`` (a user's own decisions) both produce a *group table*:
counts, rates, intervals and tests per group, per stage and per intersection. This module decides
what such a table says, and nothing else does:

- the **headline**: the single-attribute comparison that matters most, or why there is none
  (nobody selected, everyone selected, nothing to compare, no group lower than the reference);
- whether a gap is **clear**: the attribute's groups differ at all (chi-square, Holm over the
  attributes) and the group's Fisher test against the reference stays below 0.05 after Holm within
  the attribute — so that the lowest of twenty chance differences is not called a gap;
- the **stratified** check of a clear headline (Cochran–Mantel–Haenszel within strata);
- whether an **intersection** fares worse than its groups explain: likelihood-ratio tests of
  logistic models with and without the interaction, Bonferroni-corrected over the tables;
- what was **hidden** (cells under the size gates), disclosed only as counts of cells and people.

``Findings.sentences(lang)`` words them in Dutch or English; views and the command line only
format a ``Findings``. The rules and their reasons: docs/design/0006, 0008 and 0009.
"""

from __future__ import annotations

import gc
import math
import warnings
from dataclasses import dataclass
from typing import Callable, Protocol

import numpy as np
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

from .grouptable import OVERALL, STATUS_FEW, STATUS_OK, STATUS_UNKNOWN
from .stats import IMPACT_RATIO_CI_METHOD, stratified_analysis
from .threads import with_one_blas_thread
from .texts import integer, number, t
from .thresholds import ALPHA, CONFIDENCE, FOUR_FIFTHS, MIN_N, UNUSUAL_MARGIN, UNUSUAL_MIN_QUALIFIED
from .verdict import attribute_label, format_p, format_ratio, group_label

# What the headline says.
GAP = "gap"  # a group is selected at a clearly lower rate (see clear_gaps)
NO_CLEAR_GAP = "no_clear_gap"  # no group is clearly lower; the headline row is the lowest ratio
NONE_LOWER = "none_lower"  # no group is selected less often than the reference
NOBODY_SELECTED = "nobody_selected"
EVERYONE_SELECTED = "everyone_selected"
NOTHING_TO_COMPARE = "nothing_to_compare"  # fewer than two groups above the size gate
HIDDEN_GAP = "hidden_gap"  # the only clear gap is in a group hidden to protect individuals
HIDDEN_ONLY = "hidden_only"  # every group large enough to compare is hidden to protect individuals

INTERVALS = {
    "confidence": CONFIDENCE,
    "rate": "Wilson score",
    "impact_ratio": IMPACT_RATIO_CI_METHOD,
    "p_value": "Fisher exact, two-sided",
    "clear_gap": f"chi-square per attribute (Holm over attributes), then Fisher p below {ALPHA} after Holm "
                 "within the attribute",
    "intersection": "likelihood-ratio tests of a logistic model with and without the interaction (Bonferroni "
                    "over the tables), then of the cell itself",
}


class Labels(Protocol):
    """How a findings' groups, attributes, stages and strata are named in sentences."""

    def group(self, attribute: str, group: str, lang: str) -> str: ...

    def attribute(self, attribute: str, lang: str) -> str: ...

    def stage(self, stage: int, lang: str) -> str: ...

    def strata(self, lang: str) -> str: ...


class RawLabels:
    """Groups as they are written in a user's own file (an audit); stage k of an audit by stages is
    the passage from ``stages[k]`` into ``stages[k + 1]``, named by both."""

    def __init__(self, strata_column: str | None = None, stages: list[str] | None = None):
        self.strata_column = strata_column or ""
        self.stages = list(stages) if stages else None

    def group(self, attribute: str, group: str, lang: str) -> str:
        return group

    def attribute(self, attribute: str, lang: str) -> str:
        return attribute

    def stage(self, stage: int, lang: str) -> str:
        if self.stages is None or stage == OVERALL:
            return t("stage.overall", lang)
        return t("audit.stages.passage", lang, before=self.stages[stage], into=self.stages[stage + 1])

    def strata(self, lang: str) -> str:
        return self.strata_column


# ---------------------------------------------------------------------------------------------
# Deciding
# ---------------------------------------------------------------------------------------------

def compared_rows(groups: pd.DataFrame, stage: int = OVERALL, max_depth: int = 1,
                  attributes: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Visible groups compared with their reference: above the size gate, not hidden, a ratio."""
    rows = groups[(groups["stage"] == stage) & (groups["depth"] <= max_depth)
                  & groups["status"].isin([STATUS_OK, STATUS_FEW]) & ~groups["reference"]
                  & ~groups["hidden"] & np.isfinite(groups["impact_ratio"].to_numpy(dtype=float))]
    if attributes is not None:
        keep = [all(a in attributes for a in attr.split(" × ")) for attr in rows["attribute"]]
        rows = rows[np.asarray(keep, dtype=bool)]
    return rows


def holm_clear(p_values: np.ndarray) -> np.ndarray:
    """Which of these p-values stay below ALPHA after Holm's correction (statsmodels)."""
    from statsmodels.stats.multitest import multipletests

    p = np.asarray(p_values, dtype=float)
    if len(p) == 0:
        return np.zeros(0, dtype=bool)
    # statsmodels' Holm branch calls gc.collect(), which walks every object alive (a million-row
    # audit: ~45 ms a call); frozen objects are skipped, and unfreezing puts them back as they were.
    gc.freeze()
    try:
        return multipletests(np.nan_to_num(p, nan=1.0), alpha=ALPHA, method="holm")[0]
    finally:
        gc.unfreeze()


def attribute_test(n: np.ndarray, selected: np.ndarray) -> float:
    """Do the groups of one attribute differ at all? Pearson's chi-square test of the groups × outcome
    table (scipy); NaN when there is nothing to test (one group, or one outcome for everyone)."""
    from scipy.stats import chi2_contingency

    table = np.column_stack([selected, np.asarray(n) - np.asarray(selected)]).astype(float)
    table = table[table.sum(axis=1) > 0]
    if len(table) < 2 or (table.sum(axis=0) == 0).any():
        return float("nan")
    return float(chi2_contingency(table, correction=False).pvalue)


def clear_gaps(family: pd.DataFrame, at_stage: pd.DataFrame) -> np.ndarray:
    """Which compared groups are *clearly* selected less often than their reference.

    Two steps, so that the chance of calling any difference clear when none exists stays at ALPHA:
    first, per attribute, a test that its groups differ at all (chi-square over every group above
    the size gate; for two groups, Fisher's test itself), Holm-corrected over the attributes; then,
    within an attribute that passes, each group's Fisher test against the reference, Holm-corrected
    over that attribute's groups. (Comparing with the most-selected group alone would let chance
    pick the reference and make every other group look lower.)
    """
    clear = np.zeros(len(family), dtype=bool)
    if family.empty:
        return clear
    attributes = list(dict.fromkeys(family["attribute"]))
    omnibus = []
    for attribute in attributes:
        rows = family[family["attribute"] == attribute]
        if len(rows) == 1:
            omnibus.append(float(rows["p_value"].iloc[0]))
            continue
        table = at_stage[(at_stage["attribute"] == attribute) & at_stage["status"].isin([STATUS_OK, STATUS_FEW])]
        omnibus.append(attribute_test(table["n"].to_numpy(), table["selected"].to_numpy()))
    passing = holm_clear(np.array(omnibus))
    for attribute, ok in zip(attributes, passing):
        if not ok:
            continue
        rows = np.flatnonzero((family["attribute"] == attribute).to_numpy())
        clear[rows] = holm_clear(family["p_value"].to_numpy(dtype=float)[rows])
    return clear & (family["impact_ratio"].to_numpy(dtype=float) < 1)


def _reference_of(groups: pd.DataFrame, row) -> dict:
    ref = groups[(groups["stage"] == row["stage"]) & (groups["attribute"] == row["attribute"]) & groups["reference"]]
    r = ref.iloc[0]
    return {"reference_group": r["group"], "reference_rate": float(r["rate"]), "reference_n": int(r["n"]),
            "reference_selected": int(r["selected"])}


def _row_dict(groups: pd.DataFrame, row) -> dict:
    out = {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
    out.update(_reference_of(groups, row))
    return out


def comparison_family(groups: pd.DataFrame, stage: int = OVERALL,
                      attributes: tuple[str, ...] | None = None) -> tuple[pd.DataFrame, np.ndarray]:
    """Every single-attribute group compared with its reference at ``stage``, and which are visible.

    Groups above the size gate that are hidden (so that no one's decision can be worked out) are
    never named, but they count among the comparisons, and a clear gap among them is not denied.
    """
    import pandas as pd
    rows = compared_rows(groups, stage, 1, attributes)
    hidden_big = groups[(groups["stage"] == stage) & (groups["depth"] == 1) & groups["hidden"]
                        & groups["status"].isin([STATUS_OK, STATUS_FEW]) & ~groups["reference"]
                        & np.isfinite(groups["impact_ratio"].to_numpy(dtype=float))]
    if attributes is not None:
        hidden_big = hidden_big[hidden_big["attribute"].isin(attributes)]
    family = pd.concat([rows, hidden_big])
    return family, np.arange(len(family)) < len(rows)


def decide_headline(groups: pd.DataFrame, stage: int = OVERALL,
                    attributes: tuple[str, ...] | None = None) -> tuple[str, dict | None, dict]:
    """(kind, the headline comparison or None, facts about the choice) for one stage.

    The headline is the clearly-lower group with the lowest impact ratio; without one, the group
    with the lowest ratio, with the finding that no group is clearly lower. A group selected
    *more* often than the reference is never the headline of a gap. Groups under the size gate
    and hidden groups are never named.
    """
    at_stage = groups[(groups["stage"] == stage) & (groups["depth"] == 1)]
    if attributes is not None:
        at_stage = at_stage[at_stage["attribute"].isin(attributes)]
    counted = at_stage[at_stage["status"] != STATUS_UNKNOWN]
    facts: dict = {"compared": 0, "raw_significant": 0}
    if len(counted):
        # Every attribute's groups hold the same people, so one attribute gives the totals.
        first = counted[counted["attribute"] == counted["attribute"].iloc[0]]
        n_total, sel_total = int(first["n"].sum()), int(first["selected"].sum())
        facts.update(n=n_total, selected=sel_total)
        if n_total > 0 and sel_total == 0:
            return NOBODY_SELECTED, None, facts
        if n_total > 0 and sel_total == n_total:
            return EVERYONE_SELECTED, None, facts
    family, visible = comparison_family(groups, stage, attributes)
    rows = family[visible]
    facts["compared"] = len(family)
    if len(family) == 0:
        return NOTHING_TO_COMPARE, None, facts
    ratio = family["impact_ratio"].to_numpy(dtype=float)
    p = family["p_value"].to_numpy(dtype=float)
    clear = clear_gaps(family, at_stage)
    facts["raw_significant"] = int(((p < ALPHA) & (ratio < 1)).sum())
    if (clear & visible).any():
        chosen = np.flatnonzero(clear & visible)
        best = chosen[np.argmin(ratio[chosen])]
        return GAP, {**_row_dict(groups, family.iloc[best]), "clear": True}, facts
    if (clear & ~visible).any():
        return HIDDEN_GAP, None, facts
    if len(rows) == 0:
        return HIDDEN_ONLY, None, facts
    rratio = rows["impact_ratio"].to_numpy(dtype=float)
    best = int(np.argmin(rratio))
    row = {**_row_dict(groups, rows.iloc[best]), "clear": False}
    if rratio[best] >= 1:
        return NONE_LOWER, row, facts
    return NO_CLEAR_GAP, row, facts


def lowest_ratio(groups: pd.DataFrame, stage: int, attributes: tuple[str, ...] | None = None) -> dict | None:
    """The visible single-attribute group with the lowest impact ratio at ``stage`` (a plain fact)."""
    rows = compared_rows(groups, stage, 1, attributes)
    if rows.empty:
        return None
    best = rows.iloc[int(np.argmin(rows["impact_ratio"].to_numpy(dtype=float)))]
    return _row_dict(groups, best)


def flagged_rows(groups: pd.DataFrame, stage: int = OVERALL, depth: int | None = None) -> pd.DataFrame:
    """Visible compared groups selected less often: below the 0.8 line, or significantly lower."""
    rows = compared_rows(groups, stage, max_depth=99)
    if depth is not None:
        rows = rows[rows["depth"] == depth] if depth > 1 else rows[rows["depth"] == 1]
    return rows[rows["below_four_fifths"] | rows["significant_lower"]]


# ---------------------------------------------------------------------------------------------
# Intersections: worse than the groups explain?
# ---------------------------------------------------------------------------------------------

def _design(levels: list[np.ndarray], depth: int) -> np.ndarray:
    """Intercept, one dummy per non-first level, and every interaction of order below ``depth``."""
    import itertools

    dummies = []
    for codes in levels:
        values = np.unique(codes)
        dummies.append([(codes == v).astype(float) for v in values[1:]])
    columns = [np.ones(len(levels[0]))]
    for order in range(1, depth):
        for combo in itertools.combinations(range(len(levels)), order):
            for parts in itertools.product(*(dummies[i] for i in combo)):
                columns.append(np.prod(parts, axis=0))
    return np.column_stack(columns)


def _fit_deviance(selected, n, design) -> tuple[float, np.ndarray] | None:
    # The GLM module itself: `statsmodels.api` would import a second of plotting and more.
    from statsmodels.genmod.families import Binomial
    from statsmodels.genmod.generalized_linear_model import GLM

    endog = np.column_stack([selected, n - selected]).astype(float)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            fit = GLM(endog, design, family=Binomial()).fit()
        except Exception:  # perfect separation or a singular design: not testable
            return None
    return float(fit.deviance), np.asarray(fit.fittedvalues, dtype=float)


@with_one_blas_thread  # the GLM fits' last digits, and so every p-value, independent of the thread count
def interaction_tests(groups: pd.DataFrame, stage: int = OVERALL) -> pd.DataFrame:
    """Which intersection cells fare worse than their groups explain (one row per candidate cell).

    Two steps, each a likelihood-ratio test of binomial logistic models fitted to the visible cells
    of one intersection table (depth d; hidden cells are left out, they are never named):

    1. *The table*: the null model holds the main effects and every interaction of order below d;
       the alternative adds the d-way interaction. A table is significant when its p-value is below
       ALPHA divided by the number of tables that have a cell to name (Bonferroni).
    2. *The cell*: within a significant table, a cell is ``claimed`` when it is above the size gates,
       selected less often than its reference and than the null model predicts, and the null model
       with that cell fitted on its own improves with p below ALPHA over the number of such cells.

    So "fares worse than its groups explain" is said only after a test of interaction, corrected
    for every table that could have produced the claim.
    """
    import pandas as pd
    from scipy.stats import chi2

    columns = ["attribute", "group", "impact_ratio", "rate", "expected_rate", "table_p", "table_df", "p_interaction",
               "tested", "alpha", "claimed"]
    crossed = groups[(groups["stage"] == stage) & (groups["depth"] > 1) & ~groups["hidden"]
                     & groups["status"].isin([STATUS_OK, STATUS_FEW]) & (groups["n"] > 0)]
    named = ((crossed["status"] == STATUS_OK) & ~crossed["reference"]
             & (crossed["impact_ratio"].to_numpy(dtype=float) < 1))
    tables = [(attribute, table) for attribute, table in crossed.groupby("attribute", sort=False)
              if named.loc[table.index].any()]
    tested = len(tables)
    if tested == 0:
        return pd.DataFrame(columns=columns)
    alpha = ALPHA / tested
    out = []
    for attribute, table in tables:
        depth = int(table["depth"].iloc[0])
        parts = [g.split(" × ") for g in table["group"]]
        if any(len(p) != depth for p in parts) or len(table) < 3:
            continue
        levels = [np.unique([p[i] for p in parts], return_inverse=True)[1] for i in range(depth)]
        n = table["n"].to_numpy(dtype=float)
        sel = table["selected"].to_numpy(dtype=float)
        null_design = _design(levels, depth)
        full_design = _design(levels, depth + 1)
        df = int(np.linalg.matrix_rank(full_design) - np.linalg.matrix_rank(null_design))
        null = _fit_deviance(sel, n, null_design)
        full = _fit_deviance(sel, n, full_design)
        if null is None or full is None or df < 1:
            continue
        deviance, fitted = null
        table_p = float(chi2.sf(max(deviance - full[0], 0.0), df))
        candidates = [k for k in np.flatnonzero(named.loc[table.index].to_numpy()) if sel[k] < n[k] * fitted[k]]
        for k in candidates:
            p_cell = np.nan
            if table_p < alpha:
                keep = np.arange(len(n)) != k
                alt = _fit_deviance(sel[keep], n[keep], null_design[keep])
                if alt is not None:
                    p_cell = float(chi2.sf(max(deviance - alt[0], 0.0), 1))
            row = table.iloc[k]
            out.append({"attribute": attribute, "group": row["group"], "impact_ratio": float(row["impact_ratio"]),
                        "rate": float(row["rate"]), "expected_rate": float(fitted[k]), "table_p": table_p,
                        "table_df": df, "p_interaction": p_cell, "tested": tested, "alpha": alpha,
                        "claimed": bool(table_p < alpha and p_cell < ALPHA / len(candidates))})
    return pd.DataFrame(out, columns=columns)


# ---------------------------------------------------------------------------------------------
# The findings object
# ---------------------------------------------------------------------------------------------

@dataclass
class RunExtras:
    """What only a simulated run knows: stages and rules, ground truth."""

    stage_note: Callable[[dict], dict | None] | None = None  # headline -> {stage, impact_ratio, rule_id}
    rule_text: Callable[[int, str], str] | None = None
    n_stages: int = 1
    missed: dict | None = None  # {missed, qualified, unusual: {type, share, plain} | None}
    focus: Callable[[str], list[str]] | None = None  # lang -> the scenario's focus sentences (claims.py)
    direct: bool = False  # a rule treats people differently on a protected ground or their name itself
    focus_group: tuple[str, str] | None = None  # (attribute, group) of the focus claim


@dataclass
class Findings:
    """What a group table means. Cheap to build; the costlier parts are computed on first use.

    ``singles`` holds the single-attribute rows (enough for the headline); ``table()`` returns the
    whole table with intersections, which the intersection test and the disclosure of hidden cells
    need (a run computes it only when asked).
    """

    singles: pd.DataFrame
    labels: Labels
    table: Callable[[], pd.DataFrame] | None = None
    stage: int = OVERALL
    attributes: tuple[str, ...] | None = None
    stratify: Callable[[str, str, str], dict | None] | None = None  # (attribute, focal, reference) -> CMH
    extras: RunExtras | None = None

    def __post_init__(self):
        self.kind, self.headline, self.facts = decide_headline(self.singles, self.stage, self.attributes)
        self._stratified: dict | None | bool = False
        self._interactions: pd.DataFrame | None = None
        self._stage_note: dict | None | bool = False

    @property
    def groups(self) -> pd.DataFrame:
        return self.table() if self.table is not None else self.singles

    # -- lazily computed parts ----------------------------------------------------------------
    @property
    def stratified(self) -> dict | None:
        """CMH within strata for the headline comparison (None without strata or a headline)."""
        if self._stratified is False:
            h = self.headline
            self._stratified = None
            if self.kind == GAP and self.stratify is not None:
                self._stratified = self.stratify(h["attribute"], h["group"], h["reference_group"])
        return self._stratified

    @property
    def interactions(self) -> pd.DataFrame:
        """The interaction test of every intersection cell below its reference (see interaction_tests)."""
        if self._interactions is None:
            self._interactions = interaction_tests(self.groups, self.stage)
        return self._interactions

    @property
    def intersection(self) -> dict | None:
        """The intersection claimed to fare worse than its groups explain (lowest ratio), or None."""
        tests = self.interactions
        claimed = tests[tests["claimed"].astype(bool)] if len(tests) else tests
        if claimed.empty:
            return None
        best = claimed.sort_values(["impact_ratio", "table_p"]).iloc[0]
        g = self.groups
        row = g[(g["stage"] == self.stage) & (g["attribute"] == best["attribute"])
                & (g["group"] == best["group"])].iloc[0]
        return {**_row_dict(g, row), "p_interaction": float(best["table_p"]), "p_cell": float(best["p_interaction"]),
                "tested": int(best["tested"]), "expected_rate": float(best["expected_rate"]),
                "claimed_cells": int(len(claimed))}

    @property
    def hidden(self) -> pd.DataFrame:
        """Per stage and table: how many cells are hidden and how many people they hold."""
        return hidden_counts(self.groups)

    def stage_note(self) -> dict | None:
        if self.extras is None or self.extras.stage_note is None or self.kind != GAP:
            return None
        if self._stage_note is False:
            self._stage_note = self.extras.stage_note(self.headline)
        return self._stage_note

    def compute(self) -> "Findings":
        """Compute every lazy part now (in a worker thread, before the window shows it)."""
        self.stratified  # noqa: B018
        self.interactions  # noqa: B018
        self.stage_note()
        return self

    # -- sentences --------------------------------------------------------------------------
    def headline_sentences(self, lang: str) -> list[str]:
        """The headline and its caveats (cheap: no intersections, no strata). A scenario with a
        focus states it first (claims.focus_lines); the general verdict follows."""
        focus = self.extras.focus(lang) if self.extras is not None and self.extras.focus is not None else []
        if focus and self.kind == GAP and self.extras.focus_group == (self.headline["attribute"], self.headline["group"]):
            return focus  # the general verdict would only repeat the focus finding
        return focus + self._verdict_sentences(lang)

    def _verdict_sentences(self, lang: str) -> list[str]:
        name = self.labels.group
        h = self.headline
        f = self.facts
        if self.kind == NOBODY_SELECTED:
            return [t("verdict.nobody_selected", lang, n=integer(f["n"], lang))]
        if self.kind == EVERYONE_SELECTED:
            return [t("verdict.everyone_selected", lang, n=integer(f["n"], lang))]
        if self.kind == NOTHING_TO_COMPARE:
            return [t("verdict.no_data", lang, min_n=integer(MIN_N, lang))]
        if self.kind in (HIDDEN_GAP, HIDDEN_ONLY):
            return [t(f"verdict.{self.kind}", lang)]
        values = dict(group=name(h["attribute"], h["group"], lang),
                      reference=name(h["attribute"], h["reference_group"], lang),
                      ratio=format_ratio(h["impact_ratio"], lang), p=format_p(h["p_value"], lang),
                      low=format_ratio(h["impact_ratio_ci_low"], lang), high=format_ratio(h["impact_ratio_ci_high"], lang),
                      selected=integer(h["selected"], lang), n=integer(h["n"], lang),
                      ref_selected=integer(h["reference_selected"], lang), ref_n=integer(h["reference_n"], lang),
                      count=f["compared"])
        if self.kind == NONE_LOWER:
            return [t("verdict.none_lower", lang, reference=values["reference"])]
        if self.kind == NO_CLEAR_GAP:
            key = "verdict.no_clear_gap_multiple" if f["raw_significant"] else "verdict.no_clear_gap"
            out = [t(key, lang, **values)]
            if h["impact_ratio"] < FOUR_FIFTHS and h["p_value"] >= ALPHA:
                out.append(t("verdict.disagree_small", lang))
            return out
        out = [t("verdict.comparison", lang, **values)]
        if h["status"] == STATUS_FEW:
            out.append(t("verdict.few_but_clear", lang, n=values["n"]))
        elif h["impact_ratio"] >= FOUR_FIFTHS:
            out.append(t("verdict.disagree_large", lang))
        return out

    def sentences(self, lang: str) -> list[str]:
        """Everything the verdict says, most important first; the first sentence is the verdict line."""
        out = self.headline_sentences(lang)
        name = self.labels.group
        note = self.stage_note()
        if note is not None and self.extras.n_stages > 1:
            stage = self.labels.stage(note["stage"], lang)
            if note["rule_id"] is not None:
                out.append(t("verdict.stage_rule", lang, stage=stage, ratio=format_ratio(note["impact_ratio"], lang),
                             rule=self.extras.rule_text(note["rule_id"], lang)))
            else:
                out.append(t("verdict.stage", lang, stage=stage, ratio=format_ratio(note["impact_ratio"], lang)))
        out.extend(self.stratified_sentences(lang))
        cell = self.intersection
        if cell is not None:
            out.append(t("verdict.intersection", lang, group=name(cell["attribute"], cell["group"], lang),
                         reference=name(cell["attribute"], cell["reference_group"], lang),
                         ratio=format_ratio(cell["impact_ratio"], lang), p=format_p(cell["p_value"], lang),
                         p_interaction=format_p(cell["p_interaction"], lang), tested=cell["tested"]))
        out.extend(self._missed_sentences(lang))
        direct = self.extras is not None and self.extras.direct
        out.append(t("verdict.framing_direct" if direct else "verdict.framing", lang))
        return out

    def stratified_sentences(self, lang: str) -> list[str]:
        st = self.stratified
        if not st:
            return []
        name = self.labels.group
        sentence = stratified_sentence(st, lang, name(st["attribute"], st["group"], lang),
                                       name(st["attribute"], st["reference_group"], lang), self.labels.strata(lang))
        return [sentence] if sentence else []

    def _missed_sentences(self, lang: str) -> list[str]:
        m = self.extras.missed if self.extras is not None else None
        if not m or m["qualified"] == 0:
            return []
        out = [t("verdict.missed", lang, missed=integer(m["missed"], lang), qualified=integer(m["qualified"], lang),
                 share=number(100 * m["missed"] / m["qualified"], lang, 0))]
        if m.get("selected", m["qualified"]) < m["qualified"]:
            # With fewer places than suitable people, most of the miss is arithmetic, not bias.
            out.append(t("verdict.missed_places", lang, selected=integer(m["selected"], lang),
                         qualified=integer(m["qualified"], lang), least=integer(m["qualified"] - m["selected"], lang)))
        u = m.get("unusual")
        if u is not None:
            out.append(t("verdict.unusual", lang, type=t(f"unusual.{u['type']}", lang),
                         share=number(100 * u["share"], lang, 0), plain=number(100 * u["plain"], lang, 0)))
        return out

    def hidden_lines(self, lang: str, stage: int | None = None) -> list[str]:
        """What was hidden: a sentence, then one line per table with its hidden cells and people."""
        hidden = self.hidden if stage is None else self.hidden[self.hidden["stage"] == stage]
        if hidden.empty or int(hidden["cells"].sum()) == 0:
            return []
        out = [t("verdict.hidden", lang, count=int(hidden["cells"].sum()))]
        out += [t("verdict.hidden_table", lang, table=self.labels.attribute(r["attribute"], lang), count=int(r["cells"]),
                  people=integer(int(r["people"]), lang)) for r in hidden.to_dict("records")]
        return out

    # -- data ---------------------------------------------------------------------------------
    def as_dict(self, lang: str) -> dict:
        """The findings as plain data for JSON exports (numbers of hidden cells never appear)."""
        cell = self.intersection
        tests = self.interactions
        return {
            "kind": self.kind,
            "headline": _public(self.headline),
            "compared": self.facts.get("compared", 0),
            "verdict": self.sentences(lang),
            "stratified": self.stratified,
            "intersection": _public(cell),
            "interaction_tests": tests.to_dict("records") if len(tests) else [],
            "hidden": self.hidden.to_dict("records"),
            "methods": INTERVALS,
        }


def stratified_sentence(st: dict, lang: str, group: str, reference: str, strata: str) -> str | None:
    """What a Cochran–Mantel–Haenszel check says, in one sentence that fits its numbers: whether the
    gap remains within the strata, turns round, or differs between them (Breslow–Day)."""
    if not st or not np.isfinite(st.get("cmh_p_value", np.nan)):
        return None
    values = dict(group=group, reference=reference, strata=strata, odds=format_ratio(st["odds_ratio_focal"], lang),
                  gloss=odds_gloss(st["odds_ratio_focal"], lang), p=format_p(st["cmh_p_value"], lang),
                  bd=format_p(st["breslow_day_p_value"], lang))
    clear = st["cmh_p_value"] < ALPHA
    if clear and st["odds_ratio_focal"] > 1:
        sentence = t("verdict.within_strata_reversed", lang, **values)
    elif st.get("strata") == "applied_for":
        sentence = t("verdict.within_vacancies_gap" if clear else "verdict.within_vacancies_same", lang, **values)
    else:
        sentence = t("verdict.within_strata_gap" if clear else "verdict.within_strata_same", lang, **values)
    bd = st.get("breslow_day_p_value", np.nan)
    if bd is not None and np.isfinite(bd) and bd < ALPHA:
        sentence += " " + t("verdict.strata_differ", lang, **values)
    return sentence


def hidden_counts(groups: pd.DataFrame) -> pd.DataFrame:
    """Hidden cells and the people in them, per stage and table (the only numbers disclosed)."""
    import pandas as pd
    hidden = groups[groups["hidden"]]
    if hidden.empty:
        return pd.DataFrame(columns=["stage", "attribute", "cells", "people"])
    out = hidden.groupby(["stage", "attribute"], sort=False).agg(cells=("n", "size"), people=("n", "sum"))
    return out.reset_index()


def odds_gloss(odds: float, lang: str) -> str:
    """The words after an odds ratio, matching its value."""
    if odds is None or not math.isfinite(odds):
        return ""
    if odds < 1:
        return t("verdict.odds_lower", lang)
    if odds > 1:
        return t("verdict.odds_higher", lang)
    return t("verdict.odds_same", lang)


def _public(row: dict | None) -> dict | None:
    if row is None:
        return None
    keep = ("attribute", "group", "stage", "depth", "n", "selected", "rate", "rate_ci_low", "rate_ci_high",
            "impact_ratio", "impact_ratio_ci_low", "impact_ratio_ci_high", "z", "p_value", "status",
            "reference_group", "reference_n", "reference_selected", "reference_rate", "clear", "p_interaction",
            "tested", "expected_rate", "claimed_cells", "p_cell")
    return {k: row[k] for k in keep if k in row}


# ---------------------------------------------------------------------------------------------
# Unusual CVs (run only)
# ---------------------------------------------------------------------------------------------

def unusual_note(unusual: pd.DataFrame) -> dict | None:
    """The unusual-CV type whose suitable people were missed most, if clearly more than plain CVs."""
    plain = unusual[unusual["type"] == "none"]["missed_share"].iloc[0]
    types = unusual[(unusual["type"] != "none") & (unusual["qualified"] >= UNUSUAL_MIN_QUALIFIED)]
    if types.empty or not np.isfinite(plain):
        return None
    top = types.sort_values("missed_share", ascending=False).iloc[0]
    if top["missed_share"] > plain + UNUSUAL_MARGIN:
        return {"type": top["type"], "share": float(top["missed_share"]), "plain": float(plain)}
    return None


# ---------------------------------------------------------------------------------------------
# A simulated run
# ---------------------------------------------------------------------------------------------

class RunLabels:
    """Groups, stages and strata of a simulated run, named in the chosen language."""

    def __init__(self, measurement):
        self.measurement = measurement

    def group(self, attribute: str, group: str, lang: str) -> str:
        return group_label(attribute, group, lang)

    def attribute(self, attribute: str, lang: str) -> str:
        return attribute_label(attribute, lang)

    def stage(self, stage: int, lang: str) -> str:
        return self.measurement.stage_label(stage, lang)

    def strata(self, lang: str) -> str:
        return t(f"field.{self.measurement.strata}", lang)


def worst_stage(measurement, attribute: str, group: str) -> dict | None:
    """The stage where this group's impact ratio is lowest, and the rule that removed most of it first."""
    g = measurement.singles
    rows = g[(g["stage"] != OVERALL) & (g["attribute"] == attribute) & (g["group"] == group)
             & g["impact_ratio"].notna() & ~g["hidden"]]
    if rows.empty:
        return None
    row = rows.sort_values("impact_ratio").iloc[0]
    stage = int(row["stage"])
    rule_id = None
    rules = measurement.rules
    if not rules.empty:
        r = rules[(rules["stage"] == stage) & (rules["attribute"] == attribute) & (rules["group"] == group)]
        if not r.empty and r["removed_first"].max() > 0:
            rule_id = int(r.sort_values("removed_share", ascending=False).iloc[0]["rule_id"])
    return {"stage": stage, "impact_ratio": float(row["impact_ratio"]), "rule_id": rule_id}


def _direct(pipeline) -> bool:
    """Whether an active rule treats people differently by a protected ground or their name itself."""
    from .rules.base import DIRECT_DISCRIMINATION

    return any(rule.enabled and pipeline.stages[s].enabled and rule.legality().level == DIRECT_DISCRIMINATION
               for s, _, rule in pipeline.flat_rules())


def for_run(measurement) -> Findings:
    """The findings of a simulated run: every protected attribute, the strata of measurement.strata."""
    from .metrics import strata_tables

    outcome = measurement.outcome
    strata = measurement.strata

    def stratify(attribute: str, focal: str, reference: str) -> dict | None:
        if attribute == strata:
            return None
        try:
            result = stratified_analysis(strata_tables(outcome, strata, attribute, focal, reference))
        except ValueError:
            return None
        return {"attribute": attribute, "group": focal, "reference_group": reference, "strata": strata,
                **result.as_dict()}

    pool = outcome.pool
    qualified = int(pool["qualified"].sum())
    missed = {"missed": int((pool["qualified"] & ~outcome.selected).sum()), "qualified": qualified,
              "selected": int(outcome.selected.sum()),
              "unusual": unusual_note(measurement.unusual)}
    focus, focus_group = None, None
    scenario = getattr(measurement, "scenario", None)
    if scenario is not None and scenario.focus is not None:
        from .claims import focus_lines
        from .texts import pick

        before = getattr(measurement, "before", None)
        label = (lambda lang: pick(scenario.before_after.label, lang)) if scenario.before_after else (lambda lang: "")
        focus = lambda lang: focus_lines(scenario, measurement, lang, before, label(lang))  # noqa: E731
        claim = next(c for c in scenario.claims if c.id == scenario.focus.claim)
        focus_group = (claim.attribute, claim.group)
    extras = RunExtras(stage_note=lambda h: worst_stage(measurement, h["attribute"], h["group"]),
                       rule_text=lambda rule_id, lang: outcome.rule(rule_id).describe(lang),
                       n_stages=outcome.n_stages, missed=missed, focus=focus, direct=_direct(outcome.pipeline),
                       focus_group=focus_group)
    return Findings(measurement.singles, RunLabels(measurement), table=lambda: measurement.groups,
                    stratify=stratify, extras=extras)


# ---------------------------------------------------------------------------------------------
# What may be shown
# ---------------------------------------------------------------------------------------------

PRIVATE_COLUMNS = ("n", "selected", "rate", "rate_ci_low", "rate_ci_high", "impact_ratio", "impact_ratio_ci_low",
                   "impact_ratio_ci_high", "z", "p_value", "difference", "shortfall", "needed_for_four_fifths")


def public_groups(groups: pd.DataFrame) -> pd.DataFrame:
    """The group table as every output shows it: hidden rows keep their name and status, nothing else.

    Text, JSON, CSV and the window all print from this, so a hidden cell's size, selections, rate
    or interval cannot leak through one of them.
    """
    out = groups.copy()
    hidden = out["hidden"].to_numpy(dtype=bool)
    if hidden.any():
        for column in PRIVATE_COLUMNS:
            if column in out:
                out[column] = out[column].astype(float)
                out.loc[hidden, column] = np.nan
        for column in ("below_four_fifths", "significant_lower"):
            if column in out:
                out.loc[hidden, column] = False
    return out
