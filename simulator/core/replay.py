"""Replays of published studies: the published counts exactly, with the simulator's statistics of them.

A scenario's ``[replay]`` (or several ``[[replay]]``) lists the published numbers per group (and per
stratum where the study has strata, such as Berkeley's departments). ``replay_report`` computes the
same statistics as for a simulated run: pooled over strata, per stratum, and the
Cochran–Mantel–Haenszel analysis across strata. Each group may name the pool group that plays it in
the simulation (``sim``), so the simulated rates can be set beside the published ones.

A *ranking* replay (``ranking = true``: each stratum's selections are picks among its groups, one per
ranking) is read per stratum only: a chi-square test of equal shares and the lowest impact ratio.
Its strata may be quite different settings (Bloomberg 2024: four jobs × two models), so it gets no
pooled table and no Cochran–Mantel–Haenszel test across them; ``ranking_table`` is its one table.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

from .grouptable import compare_table
from .rules.base import GroupSelector
from .stats import stratified_analysis
from .thresholds import ALPHA, FOUR_FIFTHS
from .texts import pick


@dataclass
class ReplayRow:
    group: dict[str, str]
    n: int
    selected: int
    stratum: str = ""
    sim: GroupSelector | None = None
    stratum_label: dict[str, str] = field(default_factory=dict)  # the stratum's name per language


@dataclass
class Replay:
    study: dict[str, str]
    outcome: dict[str, str]  # what "selected" means: callback, admitted…
    rows: list[ReplayRow]
    citation: str | dict[str, str] = ""  # one text, or one per language
    # True when each stratum's selections are picks among its groups, one per ranking (Bloomberg
    # 2024: one of eight CVs ranked first, 1,000 times): the shares are then tested for equality.
    ranking: bool = False

    def group_names(self, lang: str) -> list[str]:
        seen = []
        for row in self.rows:
            name = pick(row.group, lang)
            if name not in seen:
                seen.append(name)
        return seen

    def strata(self) -> list[str]:
        return sorted({row.stratum for row in self.rows if row.stratum})

    def ranking_strata(self) -> list[str]:
        """The strata of a ranking replay in file order; one unnamed stratum ("") when it has none."""
        seen = []
        for row in self.rows:
            if row.stratum not in seen:
                seen.append(row.stratum)
        return seen

    def stratum_name(self, stratum: str, lang: str) -> str:
        """A stratum as a reader sees it: its label in ``lang`` where the file gives one (the study's
        "all" for the one unnamed stratum of a ranking replay without strata)."""
        if not stratum:
            from .texts import t
            return t("cli.replay.all", lang)
        for row in self.rows:
            if row.stratum == stratum and row.stratum_label:
                return pick(row.stratum_label, lang)
        return stratum


@dataclass
class ReplayReport:
    pooled: pd.DataFrame
    per_stratum: dict[str, pd.DataFrame] = field(default_factory=dict)
    stratified: list[dict] = field(default_factory=list)
    # Ranking replays: per stratum, the chi-square test of equal shares and the lowest impact ratio.
    equal_shares: dict[str, dict] = field(default_factory=dict)

    def ranking_summary(self) -> dict | None:
        """How many strata fall below the 0.8 line, and how many show unequal shares (p < 0.05): the
        two need not agree, which is the point of showing both."""
        if not self.equal_shares:
            return None
        tests = self.equal_shares.values()
        return {"strata": len(self.equal_shares),
                "below_four_fifths": sum(1 for e in tests if e["lowest_impact_ratio"] < FOUR_FIFTHS),
                "significant": sum(1 for e in tests if e["p_value"] < ALPHA)}


def equal_shares_test(n, selected) -> dict:
    """Chi-square goodness of fit of a stratum's picks against shares proportional to how often each
    group appeared (equal appearances: equal shares), with k − 1 degrees of freedom."""
    from scipy.stats import chisquare

    n = np.asarray(n, dtype=float)
    selected = np.asarray(selected, dtype=float)
    expected = selected.sum() * n / n.sum()
    result = chisquare(selected, expected)
    return {"chi2": float(result.statistic), "df": len(n) - 1, "p_value": float(result.pvalue)}


def replay_report(replay: Replay, lang: str) -> ReplayReport:
    """The published figures and their statistics: pooled, per stratum, and across strata."""
    names = replay.group_names(lang)

    def table(rows, label):
        n = np.array([sum(r.n for r in rows if pick(r.group, lang) == g) for g in names])
        s = np.array([sum(r.selected for r in rows if pick(r.group, lang) == g) for g in names])
        frame = compare_table(label, names, n, s, intersection=False)
        frame["depth"] = 1
        return frame

    pooled = table(replay.rows, pick(replay.study, lang))
    report = ReplayReport(pooled)
    if replay.ranking:
        # Per stratum only: pooling rankings of different jobs and models would mix what they measure.
        for stratum in replay.ranking_strata():
            frame = table([r for r in replay.rows if r.stratum == stratum], stratum)
            report.per_stratum[stratum] = frame
            report.equal_shares[stratum] = {**equal_shares_test(frame["n"], frame["selected"]),
                                            "lowest_impact_ratio": float(frame["impact_ratio"].min())}
        return report
    strata = replay.strata()
    for stratum in strata:
        report.per_stratum[stratum] = table([r for r in replay.rows if r.stratum == stratum], stratum)
    if len(strata) > 1 and pooled["reference"].any():
        ref = pooled.loc[pooled["reference"], "group"].iloc[0]
        for focal in [g for g in names if g != ref]:
            tables = []
            for stratum in strata:
                rows = [r for r in replay.rows if r.stratum == stratum]
                a = [(r.selected, r.n - r.selected) for r in rows if pick(r.group, lang) == ref]
                b = [(r.selected, r.n - r.selected) for r in rows if pick(r.group, lang) == focal]
                if a and b:
                    tables.append([list(a[0]), list(b[0])])
            try:
                result = stratified_analysis(tables)
            except ValueError:
                continue
            report.stratified.append({"group": focal, "reference_group": ref, **result.as_dict()})
    return report


def ranking_table(replay: Replay, report: ReplayReport, lang: str) -> tuple[list[str], list[list[str]]]:
    """A ranking replay as one row per stratum: the most and least picked group with their share of
    the picks, the lowest impact ratio, whether it falls below 0.8, and the chi-square test of equal
    shares. Headers and cells as text (the command line and the Study view show the same table)."""
    from .texts import integer, number, percent, t
    from .verdict import format_p, format_ratio

    headers = [t("replay.ranking.col.stratum", lang), t("replay.ranking.col.most", lang), t("replay.ranking.col.least", lang),
               t("replay.ranking.col.ratio", lang), t("replay.ranking.col.below", lang),
               t("replay.ranking.col.chi2", lang), t("replay.ranking.col.p", lang)]
    rows = []
    for stratum, test in report.equal_shares.items():
        frame = report.per_stratum[stratum]
        most = frame.loc[frame["rate"].idxmax()]
        least = frame.loc[frame["rate"].idxmin()]
        below = test["lowest_impact_ratio"] < FOUR_FIFTHS
        rows.append([replay.stratum_name(stratum, lang),
                     t("replay.ranking.group", lang, group=most["group"], rate=percent(most["rate"], lang)),
                     t("replay.ranking.group", lang, group=least["group"], rate=percent(least["rate"], lang)),
                     format_ratio(test["lowest_impact_ratio"], lang),
                     t("common.yes", lang) if below else t("common.no", lang),
                     t("replay.ranking.chi2", lang, chi2=number(test["chi2"], lang), df=integer(test["df"], lang)),
                     format_p(test["p_value"], lang)])
    return headers, rows


def ranking_summary_sentence(report: ReplayReport, lang: str) -> str:
    """How many strata of a ranking replay fall below 0.8 and how many are statistically clear ("" for
    a replay that is not a ranking, and for one stratum, whose one row says it)."""
    from .texts import integer, t

    summary = report.ranking_summary()
    if not summary or summary["strata"] < 2:
        return ""
    return t("cli.replay.ranking_summary", lang, below=integer(summary["below_four_fifths"], lang),
             significant=integer(summary["significant"], lang), strata=integer(summary["strata"], lang))


def simulated_rates(replay: Replay, outcome, lang: str) -> pd.DataFrame:
    """Published rate beside the simulation's rate for every group that names its pool group."""
    import pandas as pd
    rows = []
    selected = outcome.selected
    for name in replay.group_names(lang):
        members = [r for r in replay.rows if pick(r.group, lang) == name]
        sim = next((r.sim for r in members if r.sim is not None), None)
        if sim is None:
            continue
        n = sum(r.n for r in members)
        published = sum(r.selected for r in members) / n if n else np.nan
        mask = sim.mask(outcome.pool)
        sim_n = int(mask.sum())
        sim_rate = float(selected[mask].mean()) if sim_n else np.nan
        se = np.sqrt(published * (1 - published) / sim_n) if sim_n else np.nan
        rows.append({"group": name, "published_rate": published, "published_n": n, "simulated_rate": sim_rate,
                     "simulated_n": sim_n, "standard_error": se,
                     "z": (sim_rate - published) / se if se else np.nan})
    return pd.DataFrame(rows)
