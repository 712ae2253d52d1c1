"""How a user's own export is read as decisions: which columns, and what their values mean.

An export from an applicant tracking system rarely says "1/0". Its outcome column says
"uitgenodigd/afgewezen", or the stage each applicant reached; its group columns spell the same
group three ways ("V", "vrouw", "Vrouw ") or hold codes nobody should compare ("onbekend", "X").
An ``AuditMapping`` says, once, what each value means:

- the **outcome**: each value of the outcome column is a yes, a no or "not a decision"; or, with
  ``stages``, the stage the applicant reached (the stages in funnel order, the last one selected);
- the **groups**: per group column, a value can be renamed (two values renamed alike are merged) or
  marked unknown (counted, never compared);
- the **stratum** column (vacancy, round), if any.

A value the mapping does not place is never guessed: its rows are left out of the audit and
counted (``Audit.unmapped``), and the window lists the value so the user can place it. A mapping is
a small JSON file (``save_mapping``/``load_mapping``), reused for next quarter's export; it holds
column names and values, never a row of data. ``suggest_mapping`` proposes one for a new file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .atomic import write_atomically
from .audit import (FALSE_VALUES, TRUE_VALUES, Audit, AuditInputError, _distinct, _number, _quoted, _text, _where,
                    audit_coded)
from .limits import os_reason, shown
from .texts import integer, t

YES, NO, NOT_A_DECISION = "yes", "no", "unknown"
OUTCOMES = (YES, NO, NOT_A_DECISION)
UNKNOWN_GROUP = ""  # a group value mapped to this is unknown: counted, never compared

MAPPING_KIND = "recruitsim-audit-mapping"
MAPPING_VERSION = 1
MAX_MAPPING_BYTES = 5_000_000  # a mapping names columns and values; anything larger is not one

# Outcome words an export uses besides audit.TRUE_VALUES / FALSE_VALUES (compared lower-case).
MORE_YES = frozenset({"uitgenodigd", "invited", "aangenomen", "hired", "door", "passed", "geslaagd", "shortlisted",
                      "positief", "positive", "accepted", "geaccepteerd", "x"})
MORE_NO = frozenset({"niet uitgenodigd", "not invited", "afgewezen", "rejected", "declined", "negatief",
                     "negative", "niet door", "failed", "not selected", "niet geselecteerd", "afwijzing"})

# Group values that say the group is not known (compared lower-case): suggested as unknown.
UNKNOWN_WORDS = frozenset({"onbekend", "unknown", "niet bekend", "not known", "wil ik niet zeggen", "zeg ik liever niet",
                           "prefer not to say", "not disclosed", "niet opgegeven", "not stated", "n.v.t.", "nvt",
                           "n/a", "geen antwoord", "no answer", "?"})

# Column-name hints for a first guess (lower-case words inside the name).
OUTCOME_HINTS = ("selected", "geselecteerd", "uitgenodigd", "invited", "outcome", "uitkomst", "besluit", "decision",
                 "resultaat", "result", "status", "fase", "stage", "hired", "aangenomen")
GROUP_HINTS = ("geslacht", "gender", "sex", "leeftijd", "age", "herkomst", "origin", "afkomst", "nationaliteit",
               "nationality", "beperking", "disability", "etniciteit", "ethnicity", "race")
STRATA_HINTS = ("vacature", "vacancy", "functie", "job", "position", "ronde", "round", "requisition")
MAX_GROUP_VALUES = 30  # a column with more distinct values is unlikely to be a group (an id, a date)
MAX_LISTED_VALUES = 1000  # values listed for a column; more, and it is neither outcome nor group


@dataclass
class AuditMapping:
    """Which columns an audit reads and what their values mean (see the module docstring)."""

    outcome_column: str
    group_columns: list[str]
    strata_column: str | None = None
    outcome_values: dict[str, str] = field(default_factory=dict)  # value → yes/no/unknown, or a stage
    stages: list[str] = field(default_factory=list)  # in funnel order; empty: a yes/no outcome
    group_values: dict[str, dict[str, str]] = field(default_factory=dict)  # column → value → name ("" unknown)
    sheet: str | None = None
    # True: a row whose group is unknown in any group column is left out of the whole audit (and
    # counted), as NYC LL144's audits leave unknowns out; False: it stays in the other columns' tables.
    leave_out_unknown: bool = False

    def columns(self) -> list[str]:
        """Every column the mapping reads, each once, in a stable order."""
        named = [self.outcome_column, *self.group_columns] + ([self.strata_column] if self.strata_column else [])
        return list(dict.fromkeys(named))

    def group_name(self, column: str, value: str) -> str:
        """The name a group value gets in the audit ("" when it is marked unknown)."""
        return self.group_values.get(column, {}).get(value, value)

    def as_dict(self) -> dict:
        return {"kind": MAPPING_KIND, "version": MAPPING_VERSION, "sheet": self.sheet,
                "outcome_column": self.outcome_column, "stages": list(self.stages),
                "outcome_values": dict(self.outcome_values), "group_columns": list(self.group_columns),
                "group_values": {c: dict(v) for c, v in self.group_values.items()},
                "strata_column": self.strata_column, "leave_out_unknown": self.leave_out_unknown}


# ---------------------------------------------------------------------------------------------
# Values and counts
# ---------------------------------------------------------------------------------------------

def value_counts(values: pd.Series, limit: int | None = None) -> list[tuple[str | None, int]] | None:
    """The distinct values of a column, stripped, with how many rows hold each, most frequent first
    (ties in text order); ``None`` stands for a missing value (empty, NA, null, …). With ``limit``,
    a column of more distinct values than that (an id, a date, a free text) gives None: it is no
    outcome or group column, and listing a million values would only cost time."""
    codes, raw = _distinct(values)
    if limit is not None and len(raw) - 1 > limit:
        return None
    counts = np.bincount(np.where(codes < 0, len(raw) - 1, codes), minlength=len(raw))
    merged: dict[str | None, int] = {}
    for value, count in zip(raw, counts):
        if count:
            key = _text(value)
            merged[key] = merged.get(key, 0) + int(count)
    return sorted(merged.items(), key=lambda kv: (-kv[1], kv[0] is None, kv[0] or ""))


def outcome_of(value: str | None, mapping: AuditMapping) -> str | None:
    """What a (stripped) outcome value means under the mapping: yes/no/unknown, a stage name, or
    None when the mapping does not place it."""
    if value is None:
        return NOT_A_DECISION
    return mapping.outcome_values.get(value)


def column_values(frame: pd.DataFrame, limit: int = MAX_LISTED_VALUES) -> dict[str, list | None]:
    """``value_counts`` of every column named once (None for a column of more than ``limit`` values)."""
    names = [str(c).strip() for c in frame.columns]
    return {name: value_counts(frame.iloc[:, i], limit) for i, name in enumerate(names) if names.count(name) == 1}


@dataclass
class MappingCounts:
    """What a mapping makes of a file, before anything is measured: shown live while the user maps."""

    rows: int
    decided: int  # rows with a yes/no (or a stage)
    by_outcome: dict[str, int]  # yes/no or each stage → rows
    not_a_decision: int  # missing, or a value marked "not a decision"
    unmapped: int  # a value the mapping does not place
    unmapped_values: list[tuple[str, int]]
    groups: dict[str, dict[str, int]]  # group column → name in the audit → rows ("" = unknown)


def mapping_counts(frame: pd.DataFrame, mapping: AuditMapping, values: dict | None = None) -> MappingCounts:
    """Count what ``mapping`` makes of ``frame`` (columns it names that are absent are skipped).
    ``values``: the columns' ``value_counts`` when they are known already (``column_values``)."""
    present = {str(c).strip() for c in frame.columns}

    def counts_of(column):
        known = values.get(column) if values is not None else None
        return known if known is not None else value_counts(frame[column])
    targets = mapping.stages if mapping.stages else [YES, NO]
    by_outcome = {s: 0 for s in targets}
    not_a_decision = unmapped = 0
    unmapped_values = []
    if mapping.outcome_column in present:
        for value, count in counts_of(mapping.outcome_column):
            meaning = outcome_of(value, mapping)
            if meaning == NOT_A_DECISION:
                not_a_decision += count
            elif meaning in by_outcome:
                by_outcome[meaning] += count
            else:
                unmapped += count
                unmapped_values.append((value, count))
    groups = {}
    for column in mapping.group_columns:
        if column not in present:
            continue
        named: dict[str, int] = {}
        for value, count in counts_of(column):
            name = UNKNOWN_GROUP if value is None else (_text(mapping.group_name(column, value)) or UNKNOWN_GROUP)
            named[name] = named.get(name, 0) + count
        groups[column] = named
    decided = sum(by_outcome.values())
    return MappingCounts(len(frame), decided, by_outcome, not_a_decision, unmapped, unmapped_values, groups)


# ---------------------------------------------------------------------------------------------
# A first guess
# ---------------------------------------------------------------------------------------------

def _yes_no(value: str) -> str | None:
    """YES or NO for a word or number that says so ("ja", "Afgewezen", "1,0"), else None."""
    low = value.lower()
    number = _number(low)  # read as the audit reads a selected column: "1,0" and "0.00" too
    if low in TRUE_VALUES or low in MORE_YES or number == 1:
        return YES
    if low in FALSE_VALUES or low in MORE_NO or number == 0:
        return NO
    return None


def _hinted(name: str, hints) -> bool:
    low = name.lower()
    return any(h in low for h in hints)


def suggest_mapping(frame: pd.DataFrame, sheet: str | None = None, values: dict | None = None) -> AuditMapping:
    """A first mapping for a new file: the user checks and corrects it in the window.

    The outcome column is one whose values all read as yes/no (preferring a name that says so),
    else one whose name says outcome, stage or status; group columns have a name that says gender,
    age, origin or disability and a handful of values; the stratum column a name that says vacancy
    or round. Outcome values that read as yes or no are placed; anything else is left for the user.
    ``values``: ``column_values(frame)`` when it is known already.
    """
    names = [str(c).strip() for c in frame.columns]
    counted = values if values is not None else column_values(frame)
    binary = [n for n, c in counted.items() if c and 2 <= len([v for v, _ in c if v is not None]) <= 3
              and all(v is None or _yes_no(v) for v, _ in c)]
    hinted = [n for n in counted if _hinted(n, OUTCOME_HINTS)]
    outcome = next((n for n in binary if n in hinted), None) or (binary[0] if binary else None) or \
        (hinted[0] if hinted else (names[-1] if names else ""))
    groups = [n for n, c in counted.items() if n != outcome and c is not None and _hinted(n, GROUP_HINTS)
              and 2 <= len([v for v, _ in c if v is not None]) <= MAX_GROUP_VALUES]
    strata = next((n for n, c in counted.items() if n != outcome and n not in groups and _hinted(n, STRATA_HINTS)
                   and c is not None), None)
    values = {}
    for value, _ in counted.get(outcome) or []:
        if value is not None and _yes_no(value):
            values[value] = _yes_no(value)
    return AuditMapping(outcome, groups, strata, values, [], {g: _suggest_names(counted[g]) for g in groups
                                                              if _suggest_names(counted[g])}, sheet)


def _suggest_names(counts) -> dict[str, str]:
    """Spellings of one value that differ only in capitals are merged under the most frequent one;
    a value that says it is unknown ("onbekend", "prefer not to say") is marked unknown."""
    names, first = {}, {}
    for value, _ in counts:  # most frequent first
        if value is None:
            continue
        if value.lower() in UNKNOWN_WORDS:
            names[value] = UNKNOWN_GROUP
            continue
        key = value.casefold()
        if key in first:
            names[value] = first[key]
        else:
            first[key] = value
    return names


# ---------------------------------------------------------------------------------------------
# Applying a mapping
# ---------------------------------------------------------------------------------------------

def check_mapping(mapping: AuditMapping, columns, file: str = "") -> None:
    """One line naming what is wrong when ``mapping`` cannot be applied to a file with ``columns``."""
    name = shown(file, None)
    present = [str(c).strip() for c in columns]
    if not mapping.outcome_column:
        raise AuditInputError("mapping_no_outcome", file=name)
    if not mapping.group_columns:
        raise AuditInputError("mapping_no_groups", file=name)
    for column in mapping.columns():
        if column not in present:
            listed = ", ".join(shown(c) for c in present[:20]) + (", …" if len(present) > 20 else "")
            raise AuditInputError("mapping_no_column", file=name, column=_quoted(column), columns=listed)
    if mapping.outcome_column in mapping.group_columns:
        raise AuditInputError("mapping_outcome_is_group", file=name, column=_quoted(mapping.outcome_column))
    if mapping.strata_column and mapping.strata_column in (mapping.outcome_column, *mapping.group_columns):
        raise AuditInputError("mapping_strata_reused", file=name, column=_quoted(mapping.strata_column))
    if mapping.stages and len(mapping.stages) < 2:
        raise AuditInputError("mapping_few_stages", file=name, count=len(mapping.stages))


def _renamed(values: pd.Series, column: str, mapping: AuditMapping) -> pd.Series:
    """The column with its values renamed as the mapping says (a category per distinct value; the
    rows are not touched one by one). A value renamed to "" is missing, i.e. unknown."""
    renames = mapping.group_values.get(column)
    codes, raw = _distinct(values)
    names = [None if (v := _text(r)) is None else (renames.get(v, v) if renames else v) for r in raw]
    names = [None if n is None or not str(n).strip() else str(n).strip() for n in names]
    kept = sorted({n for n in names if n is not None})
    index = {n: i for i, n in enumerate(kept)}
    remap = np.array([-1 if n is None else index[n] for n in names], dtype=np.int64)
    return pd.Series(pd.Categorical.from_codes(remap[codes], categories=kept), index=values.index, name=column)


def reached_of(values: pd.Series, mapping: AuditMapping) -> tuple[np.ndarray, int, list[tuple[str, int]]]:
    """(stage reached per row: 0/1 for no/yes or the stage's index, -1 for no decision or a value the
    mapping does not place; how many rows hold a value it does not place; those values with counts)."""
    codes, raw = _distinct(values)
    order = {s: i for i, s in enumerate(mapping.stages)} if mapping.stages else {NO: 0, YES: 1}
    meaning = [outcome_of(_text(r), mapping) for r in raw]
    per_value = np.array([order.get(m, -1) for m in meaning], dtype=np.int64)
    unplaced = np.array([m is None for m in meaning], dtype=bool)
    reached = per_value[codes]
    rows_unplaced = unplaced[codes]
    counts = np.bincount(codes[rows_unplaced], minlength=len(raw)) if rows_unplaced.any() else np.zeros(len(raw), int)
    values_unplaced = sorted(((str(_text(raw[i])), int(counts[i])) for i in np.flatnonzero(counts)),
                             key=lambda kv: (-kv[1], kv[0]))
    return reached, int(rows_unplaced.sum()), values_unplaced


def audit_mapped(frame: pd.DataFrame, mapping: AuditMapping, file: str = "") -> Audit:
    """Measure ``frame`` as ``mapping`` reads it: ``audit.audit_coded`` on the renamed group columns
    and the outcome as stages reached. Rows whose outcome the mapping does not place are left out
    and counted in ``Audit.unmapped``; rows without a decision in ``Audit.no_decision``."""
    check_mapping(mapping, frame.columns, file)
    present = [str(c).strip() for c in frame.columns]
    column = {c: frame.iloc[:, present.index(c)] for c in mapping.columns()}
    reached, unmapped, unmapped_values = reached_of(column[mapping.outcome_column], mapping)
    name = shown(file, None)
    if not (reached >= 0).any():
        raise AuditInputError("mapping_nothing_placed", file=_where(name, frame.attrs.get("sheet")),
                              column=_quoted(mapping.outcome_column))
    groups = {c: _renamed(column[c], c, mapping) for c in mapping.group_columns}
    left_out = 0
    if mapping.leave_out_unknown:
        unknown = np.zeros(len(reached), dtype=bool)
        for values in groups.values():
            unknown |= values.cat.codes.to_numpy() < 0
        drop = unknown & (reached >= 0)  # rows without a decision are counted as such already
        left_out = int(drop.sum())
        if left_out:
            keep = ~drop
            if not keep.any() or not (reached[keep] >= 0).any():
                raise AuditInputError("mapping_all_unknown", file=name)
            groups = {c: v[keep] for c, v in groups.items()}
            column = {c: v[keep] for c, v in column.items()}
            reached = reached[keep]
    if mapping.strata_column:
        groups[mapping.strata_column] = column[mapping.strata_column]
    attrs = {**frame.attrs, "selected_column": mapping.outcome_column}
    audit = audit_coded(groups, list(mapping.group_columns), reached, list(mapping.stages) or None,
                        mapping.strata_column, file, attrs=attrs)
    audit.mapping = mapping
    audit.unmapped = unmapped
    audit.unmapped_values = unmapped_values
    audit.left_out = left_out
    audit.no_decision -= unmapped  # audit_coded counts every -1; those the mapping did not place are apart
    return audit


# ---------------------------------------------------------------------------------------------
# Describing, saving and opening a mapping
# ---------------------------------------------------------------------------------------------

def describe_mapping(mapping: AuditMapping, lang: str) -> list[str]:
    """The mapping in lines a report can print (values as the file writes them)."""
    lines = [t("audit.mapping.line.outcome", lang, column=shown(mapping.outcome_column, None))]
    if mapping.stages:
        lines.append(t("audit.mapping.line.stages", lang, stages=" → ".join(shown(s, None) for s in mapping.stages)))
    for meaning in (YES, NO, NOT_A_DECISION) if not mapping.stages else (*mapping.stages, NOT_A_DECISION):
        values = [shown(v, None) for v, m in mapping.outcome_values.items() if m == meaning]
        if mapping.stages and values == [shown(meaning, None)]:
            continue  # a stage named by its only value: the stages line says it already
        if values:
            label = t(f"audit.mapping.outcome.{meaning}", lang) if meaning in OUTCOMES else shown(meaning, None)
            lines.append(t("audit.mapping.line.values", lang, meaning=label, values=", ".join(values)))
    lines.append(t("audit.mapping.line.groups", lang, columns=", ".join(shown(c, None) for c in mapping.group_columns)))
    for column in mapping.group_columns:
        for value, name in (mapping.group_values.get(column) or {}).items():
            if name == value:
                continue
            if _text(name) is None:
                lines.append(t("audit.mapping.line.unknown", lang, column=shown(column, None), value=shown(value, None)))
            else:
                lines.append(t("audit.mapping.line.renamed", lang, column=shown(column, None),
                               value=shown(value, None), name=shown(name, None)))
    if mapping.strata_column:
        lines.append(t("audit.mapping.line.strata", lang, column=shown(mapping.strata_column, None)))
    if mapping.leave_out_unknown:
        lines.append(t("audit.mapping.line.leave_out", lang))
    return lines


def save_mapping(mapping: AuditMapping, path) -> None:
    """Write the mapping as JSON, atomically (a failed write leaves any earlier file as it was)."""
    target = Path(path)
    name = shown(str(path), None)
    text = json.dumps(mapping.as_dict(), ensure_ascii=False, indent=2) + "\n"
    try:
        write_atomically(target, text.encode("utf-8"))
    except OSError as exc:
        raise AuditInputError("not_written", file=name, reason=os_reason(exc)) from None


def _strings(value, what: str, name: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise AuditInputError("field_texts", file=name, field=what)
    return [v.strip() for v in value]


def _string_map(value, what: str, name: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise AuditInputError("field_text_map", file=name, field=what)
    return {k.strip(): v.strip() for k, v in value.items()}


def mapping_from_dict(data, name: str = "") -> AuditMapping:
    """A mapping from its JSON form, checked field by field; one line naming the field when wrong."""
    name = shown(name, None)
    if not isinstance(data, dict) or data.get("kind") != MAPPING_KIND:
        raise AuditInputError("mapping_kind", file=name)
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise AuditInputError("field_version", file=name)
    if version > MAPPING_VERSION:
        raise AuditInputError("mapping_newer", file=name, version=version, supported=MAPPING_VERSION)
    outcome = data.get("outcome_column")
    if not isinstance(outcome, str) or not outcome.strip():
        raise AuditInputError("field_outcome_column", file=name)
    groups = _strings(data.get("group_columns"), "group_columns", name)
    if not groups or any(not g for g in groups):
        raise AuditInputError("field_group_columns", file=name)
    strata = data.get("strata_column")
    if strata is not None and (not isinstance(strata, str) or not strata.strip()):
        raise AuditInputError("field_strata_column", file=name)
    sheet = data.get("sheet")
    if sheet is not None and not isinstance(sheet, str):
        raise AuditInputError("field_sheet", file=name)
    stages = _strings(data.get("stages", []), "stages", name)
    if len(set(stages)) != len(stages) or any(not s for s in stages):
        raise AuditInputError("field_stages_distinct", file=name)
    if len(stages) == 1:
        raise AuditInputError("field_stages_two", file=name)
    values = _string_map(data.get("outcome_values", {}), "outcome_values", name)
    allowed = set(stages) | {NOT_A_DECISION} if stages else set(OUTCOMES)
    wrong = next((v for v in values.values() if v not in allowed), None)
    if wrong is not None:
        raise AuditInputError("field_outcome_stage" if stages else "field_outcome_yes_no", file=name, value=_quoted(wrong))
    raw_groups = data.get("group_values", {})
    if not isinstance(raw_groups, dict):
        raise AuditInputError("field_group_values", file=name)
    group_values = {str(c).strip(): _string_map(v, f"group_values.{c}", name) for c, v in raw_groups.items()}
    leave_out = data.get("leave_out_unknown", False)
    if not isinstance(leave_out, bool):
        raise AuditInputError("mapping_leave_out_bool", file=name)
    return AuditMapping(outcome.strip(), groups, strata.strip() if strata else None, values, stages, group_values,
                        sheet, leave_out)


def load_mapping(path) -> AuditMapping:
    """Open a saved mapping; anything wrong is one line naming the file (and the field)."""
    name = shown(str(path), None)
    file = Path(path)
    try:
        if file.is_dir():
            raise AuditInputError("mapping_folder", file=name)
        if file.stat().st_size > MAX_MAPPING_BYTES:
            raise AuditInputError("mapping_too_large", file=name)
        text = file.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise AuditInputError("not_found", file=name) from None
    except UnicodeDecodeError:
        raise AuditInputError("mapping_not_utf8", file=name) from None
    except OSError as exc:
        raise AuditInputError("unreadable", file=name, reason=os_reason(exc)) from None
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        if isinstance(exc, json.JSONDecodeError):
            raise AuditInputError("mapping_json_line", file=name, line=exc.lineno) from None
        raise AuditInputError("mapping_json", file=name) from None
    return mapping_from_dict(data, str(path))


def summary_line(counts: MappingCounts, lang: str) -> str:
    """One line of live counts: rows, decided, not a decision, not placed."""
    return t("audit.mapping.counts", lang, rows=integer(counts.rows, lang), decided=integer(counts.decided, lang),
             none=integer(counts.not_a_decision, lang), unmapped=integer(counts.unmapped, lang))
