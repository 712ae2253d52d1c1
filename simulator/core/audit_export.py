"""An audit's group table as a CSV file (issue 14): ``write_audit_csv``.

The table as the window and ``recruitsim audit`` show it: per column (and intersection) and group
the number of people, how many were selected, the selection rate with its Wilson interval, the
impact ratio with its interval, z, Fisher's p and a status in words. A hidden cell keeps its name
and status and nothing else (``findings.public_groups``), so a small group's counts cannot be read
from the file. Group and column names come from the user's file: every text cell goes through
``export.spreadsheet_safe`` (a group called ``=HYPERLINK(…)`` opens as text, not as a formula);
numbers are written as numbers. The file is written beside the target and renamed at the end, so a
failed write leaves the previous file as it was.
"""

from __future__ import annotations

import math

from .atomic import write_atomically
from .export import spreadsheet_safe
from .findings import public_groups
from .grouptable import OVERALL, STATUS_NOT_ENOUGH, STATUS_SUPPRESSED, STATUS_UNKNOWN
from .texts import t

# (column of the group table, header key); the stage column is added for an audit with stages.
NUMBERS = (("n", "audit.export.n"), ("selected", "audit.export.selected"), ("rate", "audit.export.rate"),
           ("rate_ci_low", "audit.export.rate_ci_low"), ("rate_ci_high", "audit.export.rate_ci_high"),
           ("impact_ratio", "audit.export.impact_ratio"),
           ("impact_ratio_ci_low", "audit.export.impact_ratio_ci_low"),
           ("impact_ratio_ci_high", "audit.export.impact_ratio_ci_high"),
           ("z", "audit.export.z"), ("p_value", "audit.export.p_value"))
COMPARED_ONLY = {"impact_ratio", "impact_ratio_ci_low", "impact_ratio_ci_high", "z", "p_value"}


def _verdict(row, lang: str) -> str:
    """The status column in words (the notes of the printed table, with "compared" for a plain row)."""
    status = row["status"]
    if status == STATUS_UNKNOWN:
        return t("audit.export.verdict.unknown_hidden" if row["hidden"] else "audit.export.verdict.unknown", lang)
    if row["hidden"]:
        if status == STATUS_NOT_ENOUGH:
            return t("audit.export.verdict.not_enough", lang)
        if status == STATUS_SUPPRESSED:
            return t("audit.export.verdict.suppressed", lang)
        return t("audit.export.verdict.complementary", lang)
    if row["reference"]:
        return t("audit.export.verdict.reference", lang)
    if row.get("significant_lower", False):
        return t("audit.export.verdict.significant_below_08" if row.get("below_four_fifths", False)
                 else "audit.export.verdict.significant", lang)
    if row.get("below_four_fifths", False):
        return t("audit.export.verdict.below_08", lang)
    if status == "too_few":
        return t("audit.export.verdict.too_few", lang)
    return t("audit.export.verdict.compared", lang)


# How a spreadsheet in each language opens a CSV by double-click: Dutch Excel splits on semicolons
# and reads a decimal comma; English Excel splits on commas and reads a decimal point.
SEPARATOR = {"nl": ";"}
DECIMAL = {"nl": ","}


def _field(text: str, sep: str) -> str:
    """A text field: formula-safe (``spreadsheet_safe``), quoted where it holds the separator, a
    quote or a line break; NUL characters dropped."""
    text = spreadsheet_safe(text.replace("\0", ""))
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in (sep, '"', "\n", "\r")) else text


def _number(value, whole: bool = False, decimal: str = ".") -> str:
    """A number as a spreadsheet reads it (no thousands separator; the language's decimal mark);
    empty when missing."""
    if value is None:
        return ""
    value = float(value)
    if not math.isfinite(value):
        return ""
    if whole:
        return str(int(round(value)))
    text = f"{value:.6g}" if abs(value) < 1e-4 and value != 0 else f"{value:.4f}"
    return text.replace(".", decimal)


def _stage_name(stage: int, stages, lang: str) -> str:
    if stage == OVERALL or not stages:
        return t("audit.export.overall", lang)
    return t("audit.export.transition", lang, start=str(stages[stage]), end=str(stages[stage + 1]))


def audit_rows(audit, lang: str) -> list[list[str]]:
    """The header and one row per shown group, every field as the CSV holds it (text made safe;
    in Dutch separated by semicolons, with a decimal comma)."""
    sep, decimal = SEPARATOR.get(lang, ","), DECIMAL.get(lang, ".")
    stages = getattr(audit, "stages", None)
    groups = public_groups(audit.groups)
    header = [t("audit.export.column", lang), t("audit.export.group", lang)]
    if stages:
        header.append(t("audit.export.stage", lang))
    header += [t(key, lang) for _, key in NUMBERS] + [t("audit.export.status", lang)]
    # Per stage, each column's rows together (a missing value's row after its column's groups).
    first_seen = {a: i for i, a in reversed(list(enumerate(groups["attribute"])))}
    stage_order = groups["stage"].map(lambda s: -1 if s == OVERALL else int(s)) if "stage" in groups else 0
    order = groups.assign(_stage=stage_order, _attribute=groups["attribute"].map(first_seen))
    order = order.sort_values(["_stage", "_attribute"], kind="stable")
    out = [header]
    for row in order.to_dict("records"):
        unknown = row["status"] == STATUS_UNKNOWN
        compared = not row["reference"] and not unknown
        fields = [str(row["attribute"]), t("audit.export.missing_value", lang) if unknown else str(row["group"])]
        if stages:
            fields.append(_stage_name(int(row.get("stage", OVERALL)), stages, lang))
        fields = [_field(f, sep) for f in fields]
        for column, _ in NUMBERS:
            value = row.get(column)
            if column in COMPARED_ONLY and not compared:
                value = None
            fields.append(_number(value, whole=column in ("n", "selected"), decimal=decimal))
        fields.append(_field(_verdict(row, lang), sep))
        out.append(fields)
    out[0] = [_field(h, sep) for h in header]
    return out


def write_audit_csv(audit, path, lang: str) -> None:
    """The audit's group table as a UTF-8 CSV with a byte-order mark (so Excel reads "×" and "é") at
    ``path`` (see the module's text); written atomically.

    An ``OSError`` (a folder that does not exist, a full disk, no permission) is passed on; the
    previous file at ``path`` is then as it was and no part file is left behind."""
    sep = SEPARATOR.get(lang, ",")
    text = "".join(sep.join(fields) + "\n" for fields in audit_rows(audit, lang)).encode("utf-8-sig")
    write_atomically(path, text)
