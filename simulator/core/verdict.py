"""Words for numbers: group and attribute names, p-values and ratios as a reader should see them.

What the numbers *mean* is decided in ``findings``; this module only formats.
"""

from __future__ import annotations

import math

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

from .texts import label, number, t
from .thresholds import ALPHA, FOUR_FIFTHS


def group_label(attribute: str, group: str, lang: str) -> str:
    """'gender × origin', 'woman × born_abroad' -> 'women × born abroad' (in ``lang``)."""
    attrs = attribute.split(" × ")
    values = group.split(" × ")
    return " × ".join(label(a, v, lang) for a, v in zip(attrs, values))


def attribute_label(attribute: str, lang: str) -> str:
    return " × ".join(t(f"attribute.{a}", lang) for a in attribute.split(" × "))


P_FLOOR = 0.001


def p_digits(p: float) -> int:
    """Decimals that show ``p`` with two significant digits, more where rounding would carry it
    across the significance level (0.0498 is shown as 0.0498, never as 0.050)."""
    shown = float(f"{p:.2g}")  # 0.996 -> 1.0: the rounded value sets the magnitude
    decimals = max(1 - math.floor(math.log10(shown)), 1)
    while decimals < 12 and (round(p, decimals) < ALPHA) != (p < ALPHA):
        decimals += 1
    return decimals


def format_p(p: float, lang: str) -> str:
    """'p < 0.001', or p with two significant digits ('p = 0.034', 'p = 0.0498', 'p = 0.21')."""
    if p is None or not math.isfinite(p):
        return "—"
    if p < P_FLOOR:
        return t("stats.p_below", lang, limit=number(P_FLOOR, lang, 3))
    return t("stats.p_equals", lang, p=number(p, lang, p_digits(p)))


def format_ratio(x: float, lang: str) -> str:
    """An impact or odds ratio with two decimals, more where rounding would carry it across the 0.8
    line (0.7996 is shown as 0.7996, never as 0.80 beside a 'below 0.8' note)."""
    if x is None or not math.isfinite(x):
        return "—"
    decimals = 2
    while decimals < 8 and (round(x, decimals) < FOUR_FIFTHS) != (x < FOUR_FIFTHS):
        decimals += 1
    return number(x, lang, decimals)


def groups_for_display(groups: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The group table with translated attribute and group names."""
    out = groups.copy()
    out["group_label"] = [group_label(a, g, lang) for a, g in zip(out["attribute"], out["group"])]
    out["attribute_label"] = [attribute_label(a, lang) for a in out["attribute"]]
    return out
