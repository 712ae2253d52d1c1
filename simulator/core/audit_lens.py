"""The legal lens of an audit: the same counts read the way a Dutch/EU or a New York City reader needs.

Two lenses (``LENSES``), chosen by the user and never mixed:

- ``"nl"`` — Dutch and EU law. There is no fixed threshold: a neutral rule that hits one group
  *clearly* harder is indirect discrimination unless it is objectively justified. So this lens
  reports the findings' clear-gap test per group column (chi-square per column, Holm over the
  columns, then Fisher per group, Holm within the column: ``findings.clear_gaps``) and the dated
  legal facts of ``law`` (equal treatment, burden of proof, the AI Act's high-risk duties with their
  dates, GDPR art. 22). It has no table of its own (``lens_table`` returns None): the report's group
  tables are the numbers.
- ``"nyc"`` — New York City Local Law 144 and the DCWP rules (6 RCNY § 5-300). Per group column and
  per intersection: every category's n, share of the data, selected, selection rate and impact ratio
  = rate ÷ the highest rate among the categories that are not excluded. A category under 2% of the
  data may be excluded from the impact ratios; it is then listed with its n and rate and the reason.
  The number of people in an unknown category is reported per column. LL144 sets no pass/fail
  threshold, so this lens gives none (the 0.8 figure is named only as the EEOC's rule of thumb).

Hidden cells (``Audit.groups["hidden"]``, docs/design/0008) stay hidden here too: a hidden category is
listed by name as hidden, with no number, is never the reference (its rate would follow from every
impact ratio), and only the number of hidden categories is said. Why: docs/design/0019.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .findings import (EVERYONE_SELECTED, NOBODY_SELECTED, NOTHING_TO_COMPARE, clear_gaps, comparison_family)
from .grouptable import OVERALL, STATUS_UNKNOWN
from .law import fact
from .texts import integer, number, percent, t
from .thresholds import FOUR_FIFTHS, SUPPRESS_SHARE

LENSES = ("nl", "nyc")

# The DCWP rule: a category under 2% of the data may be left out of the impact ratios. Compared in
# whole numbers (n × 50 < total), so a category of exactly 2% is never excluded by rounding.
EXCLUDE_DIVISOR = round(1 / SUPPRESS_SHARE)  # 50

# Row kinds of the NYC table.
REFERENCE = "reference"
COMPARED = "compared"
EXCLUDED = "excluded"  # under 2% of the data: n and rate shown, no impact ratio
HIDDEN = "hidden"  # protected: no numbers at all
UNKNOWN = "unknown"  # people without a value in the column(s): counted, left out
NO_RATIO = "no_ratio"  # nobody selected in the categories that count: no impact ratio can be computed

# The legal facts the Dutch/EU lens cites, in this order (law.py holds them, dated).
NL_FACTS = ("equal_treatment", "burden_of_proof", "ai_act_high_risk", "deployer_duties", "gdpr_automated",
            "right_to_explanation")

# Excluded categories named one by one in the sentences; more are counted in one sentence (the
# table lists each with its n and rate).
EXCLUDED_NAMED = 3

NYC_COLUMNS = ["attribute", "depth", "category", "kind", "n", "share", "selected", "rate", "impact_ratio"]


def _check(lens: str) -> None:
    if lens not in LENSES:
        raise ValueError(f"unknown lens {lens!r} (expected one of {', '.join(LENSES)})")


def _overall(audit) -> pd.DataFrame:
    g = audit.groups
    return g[g["stage"] == OVERALL]


def _attributes(audit) -> list[str]:
    """The tables of the audit in their order: the group columns, then the intersections."""
    return list(dict.fromkeys(_overall(audit)["attribute"]))


# ---------------------------------------------------------------------------------------------
# NYC Local Law 144
# ---------------------------------------------------------------------------------------------

def nyc_table(audit) -> pd.DataFrame:
    """One row per category of every group column and intersection (at OVERALL), plus one row per
    table for its unknown category; see the module docstring. Hidden rows carry NaN in every number."""
    total = int(audit.rows)
    out = []
    overall = _overall(audit)
    for attribute in _attributes(audit):
        rows = overall[overall["attribute"] == attribute]
        depth = int(rows["depth"].iloc[0])
        known = rows[rows["status"] != STATUS_UNKNOWN]
        n = known["n"].to_numpy(dtype=np.int64)
        sel = known["selected"].to_numpy(dtype=np.int64)
        hidden = known["hidden"].to_numpy(dtype=bool)
        excluded = ~hidden & (n * EXCLUDE_DIVISOR < total)
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = np.where(n > 0, sel / np.maximum(n, 1), np.nan)
        counts = ~hidden & ~excluded & (n > 0)
        best = float(np.max(rate[counts])) if counts.any() else float("nan")
        reference = -1
        if counts.any() and best > 0:
            reference = int(np.flatnonzero(counts & (rate == best))[0])
        for k, group in enumerate(known["group"]):
            if n[k] == 0 and not hidden[k]:
                continue
            if hidden[k]:
                out.append([attribute, depth, group, HIDDEN] + [math.nan] * 5)
                continue
            if excluded[k]:
                kind, ratio = EXCLUDED, math.nan
            elif reference < 0:
                kind, ratio = NO_RATIO, math.nan
            else:
                kind, ratio = (REFERENCE if k == reference else COMPARED), float(rate[k] / best)
            out.append([attribute, depth, group, kind, int(n[k]), n[k] / total if total else math.nan, int(sel[k]),
                        float(rate[k]), ratio])
        # The unknown category: people without a value in (one of) the column(s) of this table. For a
        # single column this is Audit.unknown; for a cross, the people outside its known cells (the
        # column counts and the hidden cells' people are published already, so this discloses nothing new).
        missing = audit.unknown.get(attribute) if depth == 1 else total - int(known["n"].sum())
        if missing:
            out.append([attribute, depth, "", UNKNOWN, int(missing), missing / total if total else math.nan] + [math.nan] * 3)
    return pd.DataFrame(out, columns=NYC_COLUMNS)


def lens_table(audit, lens: str) -> pd.DataFrame | None:
    """The lens's table (``NYC_COLUMNS``) or None when the lens has none (``"nl"``)."""
    _check(lens)
    return nyc_table(audit) if lens == "nyc" else None


def _name(text) -> str:
    return str(text)


def _nyc_sentences(audit, lang: str) -> list[str]:
    table = nyc_table(audit)
    out = []
    for attribute in _attributes(audit):
        rows = table[table["attribute"] == attribute]
        label = _name(attribute)
        ref = rows[rows["kind"] == REFERENCE]
        compared = rows[rows["kind"] == COMPARED]
        if not ref.empty:
            r = ref.iloc[0]
            if compared.empty:
                out.append(t("audit.lens.nyc.reference_only", lang, table=label, reference=_name(r["category"]),
                             rate=percent(r["rate"], lang)))
            else:
                low = compared.sort_values("impact_ratio", kind="stable").iloc[0]
                out.append(t("audit.lens.nyc.summary", lang, table=label, reference=_name(r["category"]),
                             rate=percent(r["rate"], lang), group=_name(low["category"]),
                             ratio=number(low["impact_ratio"], lang, 2)))
        elif (rows["kind"] == NO_RATIO).any():
            out.append(t("audit.lens.nyc.none_selected", lang, table=label))
        else:
            out.append(t("audit.lens.nyc.no_reference", lang, table=label))
        excluded = rows[rows["kind"] == EXCLUDED]
        if len(excluded) > EXCLUDED_NAMED:  # the table lists each with its n and rate
            out.append(t("audit.lens.nyc.excluded_many", lang, table=label, count=len(excluded)))
        else:
            for r in excluded.to_dict("records"):
                out.append(t("audit.lens.nyc.excluded", lang, table=label, group=_name(r["category"]),
                             n=integer(r["n"], lang), share=percent(r["share"], lang, 2), rate=percent(r["rate"], lang)))
        hidden = int((rows["kind"] == HIDDEN).sum())
        if hidden:
            out.append(t("audit.lens.nyc.hidden", lang, table=label, count=hidden))
        unknown = rows[rows["kind"] == UNKNOWN]
        if not unknown.empty:
            out.append(t("audit.lens.nyc.unknown", lang, table=label, count=int(unknown["n"].iloc[0]),
                         n=integer(unknown["n"].iloc[0], lang)))
    return out


# ---------------------------------------------------------------------------------------------
# Dutch and EU law
# ---------------------------------------------------------------------------------------------

def clear_gap_table(audit) -> pd.DataFrame:
    """Per group column at OVERALL: the reference, the visible groups clearly selected less often, and
    whether a hidden group is (the findings' clear-gap test over every column at once)."""
    groups = audit.groups
    family, visible = comparison_family(groups, OVERALL)
    at_stage = groups[(groups["stage"] == OVERALL) & (groups["depth"] == 1)]
    clear = clear_gaps(family, at_stage) if len(family) else np.zeros(0, dtype=bool)
    out = []
    for attribute in dict.fromkeys(at_stage["attribute"]):
        rows = at_stage[at_stage["attribute"] == attribute]
        ref = rows[rows["reference"]]
        mine = (family["attribute"] == attribute).to_numpy(dtype=bool) if len(family) else np.zeros(0, dtype=bool)
        shown = family[mine & clear & visible]
        shown = shown.sort_values("impact_ratio", kind="stable")
        out.append({"attribute": attribute, "reference": ref["group"].iloc[0] if len(ref) else None,
                    "compared": int(mine.sum()), "clear": list(shown["group"]),
                    "ratios": [float(x) for x in shown["impact_ratio"]],
                    "hidden_clear": bool((mine & clear & ~visible).any())})
    return pd.DataFrame(out, columns=["attribute", "reference", "compared", "clear", "ratios", "hidden_clear"])


def _nl_sentences(audit, lang: str) -> list[str]:
    out = [t("audit.lens.nl.no_threshold", lang)]
    kind = audit.findings.kind
    if kind == NOBODY_SELECTED:
        out.append(t("audit.lens.nl.nobody_selected", lang))
    elif kind == EVERYONE_SELECTED:
        out.append(t("audit.lens.nl.everyone_selected", lang))
    elif kind == NOTHING_TO_COMPARE:
        out.append(t("audit.lens.nl.nothing_to_compare", lang))
    else:
        for row in clear_gap_table(audit).to_dict("records"):
            table = _name(row["attribute"])
            if row["reference"] is None or row["compared"] == 0:
                out.append(t("audit.lens.nl.column_not_compared", lang, table=table))
                continue
            reference = _name(row["reference"])
            if row["clear"]:
                groups = ", ".join(t("audit.lens.nl.group_ratio", lang, group=_name(g), ratio=number(r, lang, 2))
                                   for g, r in zip(row["clear"], row["ratios"]))
                out.append(t("audit.lens.nl.column_clear", lang, table=table, reference=reference, groups=groups,
                             count=len(row["clear"])))
            else:
                out.append(t("audit.lens.nl.column_none", lang, table=table, reference=reference))
            if row["hidden_clear"]:
                out.append(t("audit.lens.nl.column_hidden", lang, table=table))
    out.append(t("audit.lens.nl.as_of", lang, date=fact("as_of", lang)))
    out.extend(fact(key, lang) for key in NL_FACTS)
    return out


# ---------------------------------------------------------------------------------------------
# Both
# ---------------------------------------------------------------------------------------------

def lens_sentences(audit, lens: str, lang: str) -> list[str]:
    """What the lens says about this audit, in plain sentences with its numbers filled in."""
    _check(lens)
    return _nyc_sentences(audit, lang) if lens == "nyc" else _nl_sentences(audit, lang)


def lens_notes(lens: str, lang: str) -> list[str]:
    """What the lens is and is not (no threshold, what is excluded and why), independent of the data."""
    _check(lens)
    if lens == "nyc":
        return [t("audit.lens.nyc.note_scope", lang), t("audit.lens.nyc.note_threshold", lang,
                                                          line=number(FOUR_FIFTHS, lang, 1)),
                t("audit.lens.nyc.note_excluded", lang), t("audit.lens.nyc.note_unknown", lang),
                t("audit.lens.nyc.note_hidden", lang), t("audit.lens.nyc.note_independent", lang)]
    return [t("audit.lens.nl.note_threshold", lang, line=number(FOUR_FIFTHS, lang, 1)),
            t("audit.lens.nl.note_test", lang), t("audit.lens.nl.note_advice", lang)]


def lens_title(lens: str, lang: str) -> str:
    """The lens's name as a heading."""
    _check(lens)
    return t(f"audit.lens.{lens}.title", lang)


def lens_headers(lang: str) -> list[str]:
    """The NYC table's column headings, in ``NYC_COLUMNS`` order from "category" on (the table is
    shown per attribute)."""
    return [t("audit.lens.col.category", lang), "n", t("audit.lens.col.share", lang), t("audit.lens.col.selected", lang),
            t("audit.lens.col.rate", lang), t("audit.lens.col.ratio", lang)]


def lens_rows(table: pd.DataFrame, attribute: str, lang: str) -> list[list[str]]:
    """The NYC table's rows of one attribute as text (hidden rows without numbers, a note per kind)."""
    out = []
    for r in table[table["attribute"] == attribute].to_dict("records"):
        kind = r["kind"]
        if kind == HIDDEN:
            out.append([_name(r["category"]), "—", "—", "—", "—", t("audit.lens.kind.hidden", lang)])
            continue
        if kind == UNKNOWN:
            out.append([t("audit.lens.kind.unknown", lang), integer(r["n"], lang), percent(r["share"], lang, 2),
                        "—", "—", t("audit.lens.kind.left_out", lang)])
            continue
        if kind == REFERENCE:
            ratio = number(1.0, lang, 2) + " · " + t("audit.lens.kind.reference", lang)
        elif kind == COMPARED:
            ratio = number(r["impact_ratio"], lang, 2)
        elif kind == EXCLUDED:
            ratio = t("audit.lens.kind.excluded", lang)
        else:
            ratio = "—"
        out.append([_name(r["category"]), integer(r["n"], lang), percent(r["share"], lang, 2),
                    integer(r["selected"], lang), percent(r["rate"], lang), ratio])
    return out


def _plain(key: str, value):
    """A table cell for JSON: NaN (a hidden or left-out number) as null, counts as whole numbers."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        if key in ("n", "selected", "depth"):
            return int(value)
    return value


def lens_json(audit, lens: str, lang: str) -> dict:
    """The lens as plain data for the JSON export (hidden rows carry null numbers)."""
    table = lens_table(audit, lens)
    records = None
    if table is not None:
        records = [{k: _plain(k, v) for k, v in row.items()} for row in table.to_dict("records")]
    return {"name": lens, "table": records, "sentences": lens_sentences(audit, lens, lang),
            "notes": lens_notes(lens, lang)}
