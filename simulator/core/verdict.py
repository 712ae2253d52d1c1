"""Plain-language verdicts in Dutch and English, with the legal framing of DESIGN.md §6.

The numbers come from ``metrics``; this module only chooses what matters most and says it.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .metrics import OVERALL, STATUS_FEW, Measurement, headline
from .stats import fisher_exact_two_sided
from .texts import integer, label, number, t


def group_label(attribute: str, group: str, lang: str) -> str:
    """'gender × origin', 'woman × born_abroad' -> 'women × born abroad' (in ``lang``)."""
    attrs = attribute.split(" × ")
    values = group.split(" × ")
    return " × ".join(label(a, v, lang) for a, v in zip(attrs, values))


def attribute_label(attribute: str, lang: str) -> str:
    return " × ".join(t(f"attribute.{a}", lang) for a in attribute.split(" × "))


def format_p(p: float, lang: str) -> str:
    if p is None or not math.isfinite(p):
        return "—"
    if p < 0.001:
        return t("stats.p_below", lang, limit=number(0.001, lang, 3))
    return t("stats.p_equals", lang, p=number(p, lang, 3 if p < 0.1 else 2))


def format_ratio(x: float, lang: str) -> str:
    return "—" if x is None or not math.isfinite(x) else number(x, lang, 2)


def comparison_sentence(row: dict, lang: str, name=group_label) -> str:
    """'Group X is selected at 0.62 times the rate of group Y (95%: 0.51–0.75), Fisher p < 0.001.'

    ``name(attribute, group, lang)`` shows a group; audits of user files pass their raw values.
    """
    return t("verdict.comparison", lang,
             group=name(row["attribute"], row["group"], lang),
             reference=name(row["attribute"], row["reference_group"], lang),
             ratio=format_ratio(row["impact_ratio"], lang),
             low=format_ratio(row["impact_ratio_ci_low"], lang), high=format_ratio(row["impact_ratio_ci_high"], lang),
             p=format_p(row["p_value"], lang),
             selected=integer(row["selected"], lang), n=integer(row["n"], lang),
             ref_selected=integer(row["reference_selected"], lang), ref_n=integer(row["reference_n"], lang))


def disagreement(row: dict, lang: str) -> str | None:
    """Say so when the 0.8 rule of thumb and the significance test point different ways."""
    ratio, p = row["impact_ratio"], row["p_value"]
    if ratio < 0.8 and p >= 0.05:
        return t("verdict.disagree_small", lang)
    if ratio >= 0.8 and p < 0.05:
        return t("verdict.disagree_large", lang)
    return None


def worst_stage(measurement: Measurement, attribute: str, group: str) -> dict | None:
    """The stage where this group's impact ratio is lowest, and the rule that removed most of it."""
    g = measurement.singles if " × " not in attribute else measurement.groups
    rows = g[(g["stage"] != OVERALL) & (g["attribute"] == attribute) & (g["group"] == group)
             & g["impact_ratio"].notna()]
    if rows.empty:
        return None
    row = rows.sort_values("impact_ratio").iloc[0]
    stage = int(row["stage"])
    rule_text = None
    rules = measurement.rules
    if not rules.empty and " × " not in attribute:
        r = rules[(rules["stage"] == stage) & (rules["attribute"] == attribute) & (rules["group"] == group)]
        if not r.empty and r["removed_first"].max() > 0:
            rule_id = int(r.sort_values("removed_share", ascending=False).iloc[0]["rule_id"])
            rule_text = rule_id
    return {"stage": stage, "impact_ratio": float(row["impact_ratio"]), "rule_id": rule_text}


def finding_sentences(finding: dict | None, lang: str, name=group_label) -> list[str]:
    """The headline finding in words: the comparison (or that there is no clear gap) and its caveats."""
    if finding is None:
        return [t("verdict.no_data", lang)]
    out = []
    if finding["impact_ratio"] >= 0.8 and finding["p_value"] >= 0.05:
        out.append(t("verdict.no_clear_gap", lang, group=name(finding["attribute"], finding["group"], lang),
                     ratio=format_ratio(finding["impact_ratio"], lang), p=format_p(finding["p_value"], lang)))
    else:
        out.append(comparison_sentence(finding, lang, name))
    if finding["status"] == STATUS_FEW:
        out.append(t("verdict.too_few", lang, n=integer(finding["n"], lang)))
    return out


def verdict_line(measurement: Measurement, lang: str) -> str:
    """The one sentence that matters most now (cheap: single attributes only)."""
    return finding_sentences(headline(measurement.singles), lang)[0]


def verdict(measurement: Measurement, lang: str) -> list[str]:
    """Sentences, most important first. The first one is the verdict line."""
    finding = headline(measurement.singles)
    out = finding_sentences(finding, lang)
    if finding is None:
        return out
    where = worst_stage(measurement, finding["attribute"], finding["group"])
    if where is not None and measurement.outcome.n_stages > 1:
        stage_name = measurement.stage_label(where["stage"], lang)
        if where["rule_id"] is not None:
            rule = measurement.outcome.rule(where["rule_id"]).describe(lang)
            out.append(t("verdict.stage_rule", lang, stage=stage_name, ratio=format_ratio(where["impact_ratio"], lang),
                         rule=rule))
        else:
            out.append(t("verdict.stage", lang, stage=stage_name, ratio=format_ratio(where["impact_ratio"], lang)))
    extra = disagreement(finding, lang)
    if extra:
        out.append(extra)
    out.extend(within_vacancies(measurement, lang))
    out.extend(_intersection_note(measurement, finding, lang))
    out.extend(_missed_talent(measurement, lang))
    out.append(t("verdict.framing", lang))
    return out


def _intersection_note(measurement: Measurement, finding: dict, lang: str) -> list[str]:
    """Point to an intersection only if it is worse than the headline and survives a Bonferroni
    correction for the number of intersection cells tested (many cells give chance findings)."""
    worst = headline(measurement.groups, max_depth=3)
    if worst is None or worst.get("depth", 1) == 1 or worst["impact_ratio"] >= finding["impact_ratio"] - 0.05:
        return []
    g = measurement.groups
    tested = int(((g["stage"] == OVERALL) & (g["depth"] > 1) & g["p_value"].notna() & ~g["reference"]).sum())
    alpha = 0.05 / max(tested, 1)
    if worst["p_value"] >= alpha or not _worse_than_its_groups(measurement, worst, alpha):
        return []
    return [t("verdict.intersection", lang, group=group_label(worst["attribute"], worst["group"], lang),
              ratio=format_ratio(worst["impact_ratio"], lang), p=format_p(worst["p_value"], lang))]


def _worse_than_its_groups(measurement: Measurement, cell_row, alpha: float) -> bool:
    """Is the intersection itself worse — its rate clearly below the rest of each group it belongs to?
    Without this, the lowest of many cells against the highest one looks 'larger' by chance alone
    whenever a single-attribute gap exists (women × any origin inherit the women's gap)."""
    singles = measurement.singles.set_index(["stage", "attribute", "group"])
    n_cell, s_cell = int(cell_row["n"]), int(cell_row["selected"])
    for attribute, value in zip(cell_row["attribute"].split(" × "), cell_row["group"].split(" × ")):
        group = singles.loc[(OVERALL, attribute, value)]
        n_rest, s_rest = int(group["n"]) - n_cell, int(group["selected"]) - s_cell
        if n_cell == 0 or n_rest == 0 or s_cell / n_cell >= s_rest / n_rest:
            return False
        if fisher_exact_two_sided(s_cell, n_cell - s_cell, s_rest, n_rest - s_rest)[0] >= alpha:
            return False
    return True


def within_vacancies(measurement: Measurement, lang: str) -> list[str]:
    """Where one pool applies for several vacancies, a pooled gap can come from where people applied
    (Simpson's paradox): say what the comparison within vacancies shows."""
    if not measurement.outcome.pool.settings.several_vacancies():
        return []
    st = measurement.stratified
    if not st or st.get("strata") != "applied_for" or not np.isfinite(st.get("cmh_p_value", np.nan)):
        return []
    key = "verdict.within_vacancies_gap" if st["cmh_p_value"] < 0.05 else "verdict.within_vacancies_same"
    return [t(key, lang, group=group_label(st["attribute"], st["group"], lang),
              reference=group_label(st["attribute"], st["reference_group"], lang),
              odds=format_ratio(st["odds_ratio_focal"], lang), p=format_p(st["cmh_p_value"], lang))]


def _missed_talent(measurement: Measurement, lang: str) -> list[str]:
    pool = measurement.outcome.pool
    qualified = int(pool["qualified"].sum())
    if qualified == 0:
        return []
    missed = int((pool["qualified"] & ~measurement.outcome.selected).sum())
    out = [t("verdict.missed", lang, missed=integer(missed, lang), qualified=integer(qualified, lang),
             share=number(100 * missed / qualified, lang, 0))]
    unusual = measurement.unusual
    plain = unusual[unusual["type"] == "none"]["missed_share"].iloc[0]
    types = unusual[(unusual["type"] != "none") & (unusual["qualified"] >= 30)]
    if not types.empty and np.isfinite(plain):
        top = types.sort_values("missed_share", ascending=False).iloc[0]
        if top["missed_share"] > plain + 0.05:
            out.append(t("verdict.unusual", lang, type=t(f"unusual.{top['type']}", lang),
                         share=number(100 * top["missed_share"], lang, 0), plain=number(100 * plain, lang, 0)))
    return out


def groups_for_display(groups: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The group table with translated attribute and group names."""
    out = groups.copy()
    out["group_label"] = [group_label(a, g, lang) for a, g in zip(out["attribute"], out["group"])]
    out["attribute_label"] = [attribute_label(a, lang) for a in out["attribute"]]
    return out
