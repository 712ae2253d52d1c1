"""Audit your own decisions: a CSV or XLSX export measured exactly like a simulated run.

``read_decisions`` reads the file; ``audit_frame`` counts it per group, per two- and three-way
intersection and (optionally) per stratum, runs the same statistics as ``metrics`` and hands the
table to ``findings`` — one verdict path for ``run``, ``audit`` and the window. Because these are
real people, hidden cells are protected against being worked out from totals (``disclosure``).

Counting works on integer codes (``pandas.factorize`` and ``numpy.bincount``), so a file of a
million rows is counted in a fraction of a second and nothing grows with groups × strata.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .disclosure import complementary_hidden, pinned_cells
from .findings import Findings, RawLabels
from .grouptable import OVERALL, STATUS_UNKNOWN, TableSpec, compare_tables
from .stats import stratified_analysis, wilson_interval
from .thresholds import MIN_N

# Every two-way intersection; the three-way one when there are three group columns (with more,
# three-way tables multiply faster than they inform).
MAX_DEPTH = 3
TRUE_VALUES = frozenset({"1", "true", "yes", "ja", "y", "j", "selected", "geselecteerd", "waar", "1.0"})
FALSE_VALUES = frozenset({"0", "false", "no", "nee", "n", "rejected", "afgewezen", "onwaar", "0.0"})


class AuditInputError(ValueError):
    """A file or column that cannot be audited; the message is one line naming what is wrong."""


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------

def read_decisions(path: str, columns: list[str] | None = None) -> pd.DataFrame:
    """Read a CSV (comma or semicolon, UTF-8 with or without BOM) or XLSX file of decisions, as text.

    With ``columns``, only those are read (after checking that the file has them): a million rows
    of a wide export read in a fraction of the time and memory.
    """
    file = Path(path)
    if not file.is_file():
        raise AuditInputError(f"{path}: file not found")
    if file.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            import openpyxl  # noqa: F401
        except ImportError:
            raise AuditInputError(f"{path}: reading .xlsx needs the 'openpyxl' package; "
                                  "install it or save the sheet as CSV") from None
        try:
            frame = pd.read_excel(file, dtype=str).fillna("")
        except Exception as exc:  # openpyxl raises many kinds for damaged files
            raise AuditInputError(f"{path}: cannot be read as an Excel workbook ({exc})") from None
        if frame.empty:
            raise AuditInputError(f"{path}: the sheet has no rows")
        _check_columns(frame.columns, columns, path)
        return frame
    with open(file, "rb") as fh:
        head = fh.read(65536)
    try:
        head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut off at the end of the sample
            raise AuditInputError(f"{path}: is not UTF-8 text (save the file as CSV UTF-8)") from None
    text = head.decode("utf-8-sig", errors="ignore")
    if not text.strip():
        raise AuditInputError(f"{path}: the file is empty")
    header = text.lstrip().splitlines()[0]
    sep = ";" if header.count(";") > header.count(",") else ","
    # Values are stripped when they are counted, so spaces after the separator only matter before a
    # quoted value; skipping them costs a third of the read, so only files that have them pay it.
    # pandas drops a UTF-8 byte-order mark itself.
    options = dict(sep=sep, dtype=str, keep_default_na=False, skipinitialspace=sep + " " in header)
    try:
        names = [str(c).strip() for c in pd.read_csv(file, nrows=0, **options).columns]
        _check_columns(names, columns, path)
        wanted = None if columns is None else [i for i, name in enumerate(names) if name in columns]
        if wanted is not None:  # the columns an audit counts by: read straight into categories
            options["dtype"] = "category"
        frame = pd.read_csv(file, usecols=wanted, **options)
    except UnicodeDecodeError:
        raise AuditInputError(f"{path}: is not UTF-8 text (save the file as CSV UTF-8)") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise AuditInputError(f"{path}: is not a readable CSV file ({str(exc).splitlines()[0]})") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    if frame.empty:
        raise AuditInputError(f"{path}: has a header but no rows")
    return frame


def _check_columns(present, wanted: list[str] | None, path: str) -> None:
    present = [str(c).strip() for c in present]
    for col in wanted or []:
        if col not in present:
            raise AuditInputError(f"{path}: no column '{col}' (columns: {', '.join(present)})")


# ---------------------------------------------------------------------------------------------
# Counting and measuring
# ---------------------------------------------------------------------------------------------

@dataclass
class Audit:
    """A user's decisions measured: the group table, the stratified checks and the findings."""

    file: str
    rows: int
    selected: int
    group_columns: list[str]
    selected_column: str
    strata_column: str | None
    unknown: dict[str, int]
    groups: pd.DataFrame  # every single column, 2- and 3-way intersection; hidden cells flagged
    stratified: list[dict]
    findings: Findings


def _distinct(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(code per row, distinct raw values): each distinct text is cleaned once, not once per row."""
    if isinstance(values.dtype, pd.CategoricalDtype):  # read as categories: the codes are there
        return values.cat.codes.to_numpy(dtype=np.int64), np.asarray(values.cat.categories, dtype=object)
    codes, uniques = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=False)
    return codes, np.asarray(uniques, dtype=object)


def _selected(frame: pd.DataFrame, column: str, file: str) -> np.ndarray:
    codes, raw = _distinct(frame[column])
    clean = [str(v).strip().lower() for v in raw]
    known = np.array([v in TRUE_VALUES or v in FALSE_VALUES for v in clean], dtype=bool)
    if not known.all():
        row = int(np.flatnonzero(~known[codes])[0])
        raise AuditInputError(f"{file}: column '{column}' must be binary (1/0, yes/no, true/false); "
                              f"row {row + 2} has {frame[column].iloc[row]!r}")
    return np.array([v in TRUE_VALUES for v in clean], dtype=bool)[codes]


def _codes(frame: pd.DataFrame, column: str, file: str) -> tuple[np.ndarray, np.ndarray]:
    """(code per row, -1 where the value is missing; the distinct values, sorted)."""
    codes, raw = _distinct(frame[column])
    clean = np.array([str(v).strip() for v in raw], dtype=object)
    values = np.array(sorted({v for v in clean if v != ""}), dtype=object)
    if len(values) < 2:
        shown = f" ('{values[0]}')" if len(values) else ""
        raise AuditInputError(f"{file}: column '{column}' has only one value{shown}; there is nothing to compare")
    position = {v: i for i, v in enumerate(values)}
    remap = np.array([position.get(v, -1) for v in clean], dtype=np.int64)  # "" (missing) -> -1
    return remap[codes], values


def _cross(codes: list[np.ndarray], sizes: list[int], selected: np.ndarray):
    """Counts per observed cell of a cross (in value order); a missing value is a level of its own
    (index = size). One counting pass over the rows."""
    key = np.zeros(len(selected), dtype=np.int64)
    for c, size in zip(codes, sizes):
        key = key * (size + 1) + np.where(c < 0, size, c)
    space = int(np.prod([size + 1 for size in sizes]))
    if space <= max(4 * len(key), 1 << 20):  # few possible cells: count them all, keep the observed
        n_all = np.bincount(key, minlength=space)
        sel_all = np.bincount(key, weights=selected, minlength=space)
        cells = np.flatnonzero(n_all)
        n, sel = n_all[cells], sel_all[cells].astype(np.int64)
    else:
        inverse, cells = pd.factorize(key, sort=True)
        n = np.bincount(inverse, minlength=len(cells))
        sel = np.bincount(inverse, weights=selected, minlength=len(cells)).astype(np.int64)
    parts = []
    rest = np.asarray(cells, dtype=np.int64)
    for size in reversed(sizes):
        parts.append(rest % (size + 1))
        rest = rest // (size + 1)
    parts = np.column_stack(parts[::-1])
    unknown = np.zeros(len(cells), dtype=bool)
    for j, size in enumerate(sizes):
        unknown |= parts[:, j] == size
    return parts, n, sel, unknown


def _coarsen(fine, positions: list[int], sizes: list[int]):
    """A table's cells (in value order, as ``_cross`` gives them) added up from the finest cells."""
    fine_parts, fine_n, fine_sel, _ = fine
    parts, inverse = np.unique(fine_parts[:, positions], axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    n = np.bincount(inverse, weights=fine_n, minlength=len(parts)).astype(np.int64)
    sel = np.bincount(inverse, weights=fine_sel, minlength=len(parts)).astype(np.int64)
    unknown = np.zeros(len(parts), dtype=bool)
    for j, size in enumerate(sizes):
        unknown |= parts[:, j] == size
    return parts, n, sel, unknown


def audit_frame(frame: pd.DataFrame, group_columns: list[str], selected_column: str,
                strata_column: str | None = None, file: str = "") -> Audit:
    """Measure the decisions in ``frame``: every group column, their 2- and 3-way intersections, strata."""
    columns = list(frame.columns)
    for col in [*group_columns, selected_column] + ([strata_column] if strata_column else []):
        if col not in columns:
            raise AuditInputError(f"{file}: no column '{col}' (columns: {', '.join(columns)})")
    if len(set(group_columns)) != len(group_columns):
        raise AuditInputError(f"{file}: a group column is given twice ({', '.join(group_columns)})")
    selected = _selected(frame, selected_column, file)
    coded = {col: _codes(frame, col, file) for col in group_columns}
    unknown = {col: int((coded[col][0] < 0).sum()) for col in group_columns}

    deepest = min(len(group_columns), MAX_DEPTH if len(group_columns) <= MAX_DEPTH else 2)
    combos = [c for depth in range(1, deepest + 1) for c in itertools.combinations(group_columns, depth)]
    # One counting pass over the rows, into the finest cells; every table adds up from those.
    fine = _cross([coded[c][0] for c in group_columns], [len(coded[c][1]) for c in group_columns], selected)
    tables = []
    for combo in combos:
        sizes = [len(coded[c][1]) for c in combo]
        parts, n, sel, missing = _coarsen(fine, [group_columns.index(c) for c in combo], sizes)
        names = [" × ".join(str(coded[c][1][parts[i, j]]) for j, c in enumerate(combo))
                 for i in np.flatnonzero(~missing)]
        tables.append(_Table(combo, parts, n, sel, missing, names))
    groups = compare_tables([TableSpec(tb.attribute, tb.names, tb.n[~tb.missing], tb.sel[~tb.missing],
                                       len(tb.combo) > 1, OVERALL, len(tb.combo)) for tb in tables])

    # Missing values: one counted row per column, never compared; crosses keep them as hidden cells.
    unknown_rows = []
    for tb in tables:
        if len(tb.combo) == 1 and tb.missing.any():
            k = int(np.flatnonzero(tb.missing)[0])
            unknown_rows.append({"attribute": tb.attribute, "group": "", "stage": OVERALL, "depth": 1,
                                 "n": int(tb.n[k]), "selected": int(tb.sel[k]), "rate": tb.sel[k] / tb.n[k],
                                 "status": STATUS_UNKNOWN, "reference": False, "hidden": bool(tb.n[k] < MIN_N),
                                 "below_four_fifths": False, "significant_lower": False})
    if unknown_rows:
        extra = pd.DataFrame(unknown_rows)
        extra["rate_ci_low"], extra["rate_ci_high"] = wilson_interval(extra["selected"], extra["n"])
        groups = pd.concat([groups, extra], ignore_index=True)
    for tb in tables:
        tb.locate(groups)
    _protect(groups, tables, group_columns, fine)

    stratified = _stratified(frame, strata_column, coded, selected, groups) if strata_column else []
    by_pair = {(s["attribute"], s["group"], s["reference_group"]): s for s in stratified}
    singles = groups[groups["depth"] == 1].reset_index(drop=True)
    findings = Findings(singles, RawLabels(strata_column), table=lambda: groups,
                        stratify=(lambda a, g, r: by_pair.get((a, g, r))) if strata_column else None)
    return Audit(file, len(frame), int(selected.sum()), list(group_columns), selected_column, strata_column,
                 unknown, groups, stratified, findings)


class _Table:
    """One table of an audit (a column or a cross of columns) with the cells it adds up from.

    ``parts`` holds each cell's value code per column (the column's size stands for a missing
    value); cells with a missing value are never shown but take part in protecting hidden cells.
    """

    def __init__(self, combo, parts, n, sel, missing, names):
        self.combo, self.parts, self.n, self.sel, self.missing, self.names = combo, parts, n, sel, missing, names
        self.attribute = " × ".join(combo)

    def locate(self, groups: pd.DataFrame) -> None:
        """Which rows of the group table show this table's cells (-1: a cell that is never shown)."""
        mine = (groups["attribute"] == self.attribute).to_numpy()
        known = np.flatnonzero(mine & (groups["status"] != STATUS_UNKNOWN).to_numpy())
        self.row = np.full(len(self.n), -1)
        self.row[~self.missing] = known
        if len(self.combo) == 1 and self.missing.any():
            self.row[self.missing] = np.flatnonzero(mine & (groups["status"] == STATUS_UNKNOWN).to_numpy())

    def hidden(self, groups: pd.DataFrame) -> np.ndarray:
        shown = self.row >= 0
        out = np.ones(len(self.n), dtype=bool)
        out[shown] = groups["hidden"].to_numpy()[self.row[shown]]
        return out

    def reference(self, groups: pd.DataFrame) -> np.ndarray:
        shown = self.row >= 0
        out = np.zeros(len(self.n), dtype=bool)
        out[shown] = groups["reference"].to_numpy()[self.row[shown]]
        return out

    def set_hidden(self, groups: pd.DataFrame, hidden: np.ndarray) -> None:
        shown = self.row >= 0
        groups.loc[self.row[shown], "hidden"] = hidden[shown]


def _protect(groups: pd.DataFrame, tables: list, columns: list[str], fine) -> None:
    """Hide cells until no one's decision can be worked out from what the audit shows (disclosure.py).

    First the line rule, table by table; then an integer program over the finest cells (every
    combination of all group columns) finds decisions that the shown counts pin down together, and
    hides a shown row holding such a cell — the smallest one, never a reference — until none is left.
    """
    for tb in tables:
        tb.set_hidden(groups, complementary_hidden(tb.parts, tb.n, tb.sel, tb.hidden(groups), tb.reference(groups)))
    fine_parts, fine_n, fine_sel, _ = fine
    # For every table, which of its cells each finest cell falls in.
    for tb in tables:
        index = {tuple(p): i for i, p in enumerate(tb.parts)}
        positions = [columns.index(c) for c in tb.combo]
        tb.fine = np.array([index[tuple(p)] for p in fine_parts[:, positions]])
    while True:
        published, told, owners = [np.ones(len(fine_n), dtype=bool)], np.zeros(len(fine_n), dtype=bool), []
        for tb in tables:
            hidden = tb.hidden(groups)
            for cell in np.flatnonzero(~hidden):
                members = tb.fine == cell
                published.append(members)
                if tb.sel[cell] in (0, tb.n[cell]):
                    told |= members
                owners.append((tb, cell, members))
        pinned = pinned_cells(fine_n, fine_sel, published, told)
        if not pinned:
            return
        # For each pinned cell hide one shown row that holds it: the deepest (an intersection
        # before a single column, which the headline needs), then the smallest; never a reference.
        changed = set()
        for f in pinned:
            holding = [(-len(tb.combo), tb.n[cell], k, tb, cell) for k, (tb, cell, members) in enumerate(owners)
                       if members[f] and not tb.reference(groups)[cell] and not tb.hidden(groups)[cell]]
            if not holding:  # nothing but references (or nothing) holds it: widen to every shown row
                holding = [(-len(tb.combo), tb.n[cell], k, tb, cell) for k, (tb, cell, members) in enumerate(owners)
                           if not tb.reference(groups)[cell] and not tb.hidden(groups)[cell]]
            if not holding:
                continue
            _, _, _, tb, cell = min(holding, key=lambda h: h[:3])
            hidden = tb.hidden(groups)
            hidden[cell] = True
            tb.set_hidden(groups, hidden)
            changed.add(id(tb))
        if not changed:  # only references are left to hide: hide everything
            for tb in tables:
                tb.set_hidden(groups, np.ones(len(tb.n), dtype=bool))
            return
        for tb in tables:
            if id(tb) in changed:
                tb.set_hidden(groups, complementary_hidden(tb.parts, tb.n, tb.sel, tb.hidden(groups),
                                                           tb.reference(groups)))


def _stratified(frame, strata_column, coded, selected, groups) -> list[dict]:
    """CMH within strata for every visible group of each column against that column's reference."""
    raw_codes, raw = _distinct(frame[strata_column])
    strata = pd.factorize(np.array([str(v).strip() for v in raw], dtype=object))[0][raw_codes]
    n_strata = int(strata.max()) + 1 if len(strata) else 0
    out = []
    for column, (codes, values) in coded.items():
        table = groups[(groups["attribute"] == column) & (groups["depth"] == 1) & (groups["status"] != STATUS_UNKNOWN)]
        ref_rows = table[table["reference"]]
        if ref_rows.empty:
            continue
        index = {v: i for i, v in enumerate(map(str, values))}
        known = codes >= 0
        size = len(values)
        key = (strata[known] * size + codes[known]) * 2 + selected[known]
        counts = np.bincount(key, minlength=n_strata * size * 2).reshape(n_strata, size, 2)
        ref = index[ref_rows["group"].iloc[0]]
        focal_rows = table[~table["reference"] & ~table["hidden"] & table["impact_ratio"].notna()]
        for focal in focal_rows["group"]:
            # [[ref selected, ref not], [focal selected, focal not]] per stratum
            tables = np.stack([counts[:, ref, ::-1], counts[:, index[focal], ::-1]], axis=1)
            try:
                result = stratified_analysis(tables)
            except ValueError:
                continue
            out.append({"attribute": column, "group": focal, "reference_group": ref_rows["group"].iloc[0],
                        "strata": strata_column, "strata_column": strata_column, **result.as_dict()})
    return out


def audit_file(path: str, group_columns: list[str], selected_column: str, strata_column: str | None = None) -> Audit:
    wanted = list(dict.fromkeys([*group_columns, selected_column] + ([strata_column] if strata_column else [])))
    frame = read_decisions(path, wanted)
    return audit_frame(frame, group_columns, selected_column, strata_column, file=str(path))
