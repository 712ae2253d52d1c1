"""What the audit window, the command line and the report show of an ``Audit``: rows and lines, formatted.

Everything here reads the audit's public group table (``findings.public_groups``): a hidden cell keeps
its name and why it is hidden, never its counts. Numbers are formatted for the language; nothing is
computed that the audit did not compute.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .findings import public_groups
from .grouptable import OVERALL, STATUS_FEW, STATUS_NOT_ENOUGH, STATUS_SUPPRESSED, STATUS_UNKNOWN
from .limits import shown
from .texts import integer, number, percent, t
from .verdict import format_p, format_ratio


def row_note(row, lang: str) -> str:
    """The last column of a rates table: why a row is special."""
    status = row["status"]
    if status == STATUS_UNKNOWN:
        return t("cli.note.unknown", lang) + (" · " + t("cli.note.hidden", lang) if row["hidden"] else "")
    if row["hidden"]:
        if status == STATUS_NOT_ENOUGH:
            return t("cli.note.not_enough", lang)
        if status == STATUS_SUPPRESSED:
            return t("cli.note.suppressed", lang)
        return t("cli.note.complementary", lang)
    if row["reference"]:
        return t("cli.note.reference", lang)
    if row["significant_lower"]:
        note = t("cli.note.significant", lang)
        return note + (" · " + t("cli.note.below_08", lang) if row["below_four_fifths"] else "")
    if row["below_four_fifths"]:
        return t("cli.note.below_08", lang)
    if status == STATUS_FEW:
        return t("cli.note.too_few", lang)
    return ""


def unknown_label(audit, lang: str) -> str:
    """How the row of people without a group is named: with a mapping that marks values unknown,
    those values are in it too ("Onbekend" marked unknown is not "no value")."""
    marks = audit.mapping is not None and any(not str(n).strip() for v in audit.mapping.group_values.values()
                                               for n in v.values())
    return t("audit.view.unknown_label" if marks else "cli.audit.missing_value", lang)


def _finite(x) -> bool:
    return x is not None and isinstance(x, (int, float, np.floating, np.integer)) and math.isfinite(x)


def table_rows(audit, lang: str, attributes: list[str] | None = None, stage: int = OVERALL) -> tuple[list[str], list[list[str]]]:
    """(headers, rows) of the rates table for the given columns or intersections (all when None):
    group, n, selected, rate, its 95% interval, impact ratio, its interval, Fisher p, note."""
    groups = public_groups(audit.groups)
    groups = groups[groups["stage"] == stage]
    if attributes is not None:
        groups = groups[groups["attribute"].isin(attributes)]
    headers = [t("cli.col.group", lang), "n", t("cli.col.selected", lang), t("cli.col.rate", lang),
               t("cli.col.rate_ci", lang), t("cli.col.ir", lang), t("cli.col.ir_ci", lang), t("cli.col.p", lang),
               t("cli.col.note", lang)]
    rows = []
    several = attributes is None or len(attributes) > 1
    for row in groups.to_dict("records"):
        label = shown(row["group"], None) if row["status"] != STATUS_UNKNOWN else unknown_label(audit, lang)
        if several:
            label = f"{shown(row['attribute'], None)}: {label}"
        compared = not row["reference"] and row["status"] != STATUS_UNKNOWN
        rows.append([
            label,
            integer(row["n"], lang) if _finite(row["n"]) else "—",
            integer(row["selected"], lang) if _finite(row["selected"]) else "—",
            percent(row["rate"], lang) if _finite(row["rate"]) else "—",
            f"{percent(row['rate_ci_low'], lang)}–{percent(row['rate_ci_high'], lang)}"
            if _finite(row["rate_ci_low"]) and _finite(row["rate_ci_high"]) else "—",
            format_ratio(row["impact_ratio"], lang) if compared else "—",
            f"{number(row['impact_ratio_ci_low'], lang)}–{number(row['impact_ratio_ci_high'], lang)}"
            if compared and _finite(row.get("impact_ratio_ci_low")) and _finite(row.get("impact_ratio_ci_high")) else "—",
            format_p(row["p_value"], lang) if compared else "—",
            row_note(row, lang),
        ])
    return headers, rows


def chart_rows(audit, attribute: str, stage: int = OVERALL) -> pd.DataFrame:
    """The bars of one column's rate chart: visible groups only (not hidden, not unknown), with
    rate, interval, n and selected, and whether the group is the reference."""
    groups = audit.groups
    rows = groups[(groups["attribute"] == attribute) & (groups["stage"] == stage) & ~groups["hidden"]
                  & (groups["status"] != STATUS_UNKNOWN)]
    rows = rows[np.isfinite(rows["rate"].to_numpy(dtype=float))]
    return rows[["group", "n", "selected", "rate", "rate_ci_low", "rate_ci_high", "reference", "status"]].reset_index(drop=True)


def hidden_count(audit, attribute: str, stage: int = OVERALL) -> int:
    """How many cells of a column or intersection are hidden (their counts are never shown)."""
    groups = audit.groups
    return int(((groups["attribute"] == attribute) & (groups["stage"] == stage) & groups["hidden"]
                & (groups["status"] != STATUS_UNKNOWN)).sum())


def attributes(audit, depth: int | None = None) -> list[str]:
    """The audit's columns (depth 1) and intersections (depth ≥ 2), in the table's order."""
    groups = audit.groups
    if depth is not None:
        groups = groups[groups["depth"] == depth] if depth == 1 else groups[groups["depth"] >= depth]
    return list(dict.fromkeys(groups["attribute"]))


def data_lines(audit, lang: str) -> list[str]:
    """What was read and what was left out, and why: every row accounted for."""
    read = audit.rows + audit.no_decision + audit.unmapped + audit.left_out
    lines = [t("audit.view.read", lang, rows=integer(read, lang), audited=integer(audit.rows, lang),
               selected=integer(audit.selected, lang))]
    if audit.sheet is not None:
        lines.append(t("cli.audit.sheet", lang, sheet=shown(audit.sheet, None), blank=integer(audit.blank_rows, lang)))
    if audit.encoding:
        lines.append(t("audit.view.encoding", lang, encoding=audit.encoding))
    if audit.no_decision:
        lines.append(t("cli.audit.no_decision", lang, count=integer(audit.no_decision, lang),
                       column=shown(audit.selected_column, None)))
    if audit.unmapped:
        values = ", ".join(f"'{shown(v, None)}' ({integer(c, lang)})" for v, c in audit.unmapped_values[:10])
        lines.append(t("cli.audit.unmapped", lang, count=integer(audit.unmapped, lang),
                       column=shown(audit.selected_column, None), values=values))
    if audit.left_out:
        lines.append(t("audit.view.left_out", lang, count=integer(audit.left_out, lang)))
    for column, count in audit.unknown.items():
        if count:
            marked = audit.mapping is not None and column in audit.mapping.group_values
            lines.append(t("audit.view.unknown_mapped" if marked else "cli.audit.unknown", lang,
                           column=shown(column, None), count=integer(count, lang)))
    return lines
