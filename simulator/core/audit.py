"""Audit your own decisions: a CSV or XLSX export measured exactly like a simulated run.

``read_decisions`` reads the file; ``audit_frame`` counts it per group, per two- and three-way
intersection and (optionally) per stratum, runs the same statistics as ``metrics`` and hands the
table to ``findings`` — one verdict path for ``run``, ``audit`` and the window. Because these are
real people, hidden cells are protected against being worked out from totals (``disclosure``).

Counting works on integer codes (``pandas.factorize`` and ``numpy.bincount``), so a file of a
million rows is counted in a fraction of a second and nothing grows with groups × strata.
"""

from __future__ import annotations

import csv
import itertools
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .disclosure import complementary_hidden, pinned_cells
from .findings import Findings, RawLabels
from .limits import os_reason, shown
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
# Missing values and one-line messages
# ---------------------------------------------------------------------------------------------

# How a missing value is spelled in a group or strata column: pandas' default ``na_values`` (what
# Excel, R, SQL exports and pandas itself write), compared case-insensitively after the value is
# stripped, so an empty or whitespace-only cell is missing too. One of pandas' spellings is left out
# on purpose: "None". Python writes it for a missing value, but it is also a real answer
# ("disability: none", "religion: none", "education: none"; the simulator's own data has "none"), and
# counting real people as missing would take a group out of the audit without saying so. A file
# that writes Python's None for a missing value shows a group "None", where it can be seen.
MISSING_VALUES = frozenset(v.lower() for v in (
    "", "NaN", "-NaN", "nan", "-nan", "NA", "N/A", "n/a", "#N/A", "#N/A N/A", "#NA", "<NA>", "NULL", "null",
    "1.#IND", "-1.#IND", "1.#QNAN", "-1.#QNAN"))

LISTED = 20  # column names listed in a message before "… and N more"


def _quoted(name) -> str:
    return f"'{shown(name)}'"


def _listing(names, limit: int = LISTED) -> str:
    """Column names for a message: the first ``limit``, then "… and N more"."""
    names = list(names)
    text = ", ".join(shown(n) for n in names[:limit])
    return text + (f", … and {len(names) - limit:,} more" if len(names) > limit else "")


def _numbers(positions: list[int]) -> str:
    """1-based positions as words: "2 and 5", "2, 5 and 7" (at most ``LISTED``)."""
    words = [str(p + 1) for p in positions[:LISTED]]
    if len(positions) > LISTED:
        return ", ".join(words) + f", … and {len(positions) - LISTED:,} more"
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _text(value) -> str | None:
    """A cell as stripped text, or ``None`` when it is missing (see ``MISSING_VALUES``)."""
    if value is None:
        return None
    if not isinstance(value, str):
        try:
            if pd.isna(value):  # NaN, pd.NA, NaT in a frame handed to ``audit_frame``
                return None
        except (TypeError, ValueError):
            pass
    text = str(value).strip()
    return None if text.lower() in MISSING_VALUES else text


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------

def read_decisions(path: str, columns: list[str] | None = None, sheet: str | None = None) -> pd.DataFrame:
    """Read a CSV (comma or semicolon, UTF-8 with or without BOM) or XLSX file of decisions, as text.

    With ``columns``, only those are read (after checking that the file has each of them exactly
    once: a name that appears twice, after stripping, is refused rather than one of them guessed):
    a million rows of a wide export read in a fraction of the time and memory. Column names are
    stripped. Whatever is wrong with the file (missing, a folder, unreadable, binary, damaged) is an
    ``AuditInputError`` with a one-line message naming the file, never another exception.
    """
    name = shown(path, None)
    try:
        return _read(Path(path), name, columns, sheet)
    except IsADirectoryError:
        raise AuditInputError(f"{name}: is a folder, not a file") from None
    except OSError as exc:
        raise AuditInputError(f"{name}: cannot be read ({os_reason(exc)})") from None
    except MemoryError:
        raise AuditInputError(f"{name}: is too large to read into memory") from None


def _read(file: Path, name: str, columns: list[str] | None, sheet: str | None = None) -> pd.DataFrame:
    if not file.exists():
        raise AuditInputError(f"{name}: file not found")
    if file.is_dir():
        raise AuditInputError(f"{name}: is a folder, not a file")
    if not file.is_file():
        raise AuditInputError(f"{name}: is not a regular file")
    suffix = file.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_workbook(file, name, columns, sheet)
    if sheet is not None:
        raise AuditInputError(f"{name}: is not a workbook, so it has no sheet {_quoted(sheet)} "
                              "(--sheet is for .xlsx files)")
    if suffix == ".xls":
        raise AuditInputError(f"{name}: is an old Excel (.xls) workbook; save it as .xlsx or as CSV UTF-8")
    with open(file, "rb") as fh:
        head = fh.read(65536)
    if head.startswith(b"PK\x03\x04"):
        raise AuditInputError(f"{name}: is a ZIP archive or Excel workbook, not CSV text "
                              "(a workbook needs the .xlsx extension)")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise AuditInputError(f"{name}: is UTF-16 text (save the file as CSV UTF-8)")
    if b"\x00" in head:
        raise AuditInputError(f"{name}: is a binary file, not CSV text (save the file as CSV UTF-8)")
    encoding = "utf-8"
    try:
        head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut off at the end of the sample
            encoding = _fallback(head, name)
    text = head.decode("utf-8-sig" if encoding == "utf-8" else encoding, errors="ignore")
    if not text.strip():
        raise AuditInputError(f"{name}: the file is empty")
    header = text.lstrip().split("\n")[0]  # a quoted carriage return does not end the header here
    sep = ";" if header.count(";") > header.count(",") else ","
    try:
        frame, names, wanted = _read_csv(file, name, columns, sep, header, encoding)
    except UnicodeDecodeError:
        if encoding != "utf-8":
            raise AuditInputError(f"{name}: is neither UTF-8 nor Windows-1252 text (save the file as CSV UTF-8)") from None
        # The first 64 KB were UTF-8 but a later byte is not: an export in the Windows code page.
        encoding = _fallback(file.read_bytes(), name)
        try:
            frame, names, wanted = _read_csv(file, name, columns, sep, header, encoding)
        except UnicodeDecodeError:
            raise AuditInputError(f"{name}: is neither UTF-8 nor Windows-1252 text "
                                  "(save the file as CSV UTF-8)") from None
    if wanted is not None:
        frame.columns = [names[i] for i in wanted]
    elif len(frame.columns) == len(names):
        frame.columns = names
    else:
        frame.columns = [str(c).strip() for c in frame.columns]
    if frame.empty:
        raise AuditInputError(f"{name}: has a header but no rows")
    frame.attrs["encoding"] = "UTF-8" if encoding == "utf-8" else "Windows-1252"
    return frame


def _fallback(data: bytes, name: str) -> str:
    """Windows-1252 (what Excel's plain "CSV" writes on a Western Windows) when ``data`` reads as it."""
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        raise AuditInputError(f"{name}: is neither UTF-8 nor Windows-1252 text (save the file as CSV UTF-8)") from None
    return "cp1252"


def _read_csv(file: Path, name: str, columns, sep: str, header: str, encoding: str):
    """(frame, column names as written, positions read) of a CSV in ``encoding``; UnicodeDecodeError passes."""
    # Values are stripped when they are counted, so spaces after the separator only matter before a
    # quoted value; skipping them costs a third of the read, so only files that have them pay it.
    # pandas drops a UTF-8 byte-order mark itself.
    options = dict(sep=sep, dtype=str, keep_default_na=False, skipinitialspace=sep + " " in header,
                   encoding=encoding)
    try:
        # The header as it is written (pandas would rename a second "gender" to "gender.1").
        names = [str(c).strip() for c in pd.read_csv(file, header=None, nrows=1, **options).iloc[0]]
        wanted = _check_columns(names, columns, name)
        if wanted is not None:  # the columns an audit counts by: read straight into categories
            options["dtype"] = "category"
        frame = pd.read_csv(file, usecols=wanted, **options)
    except (AuditInputError, UnicodeDecodeError):  # ValueErrors too: not to be taken for pandas' own
        raise
    except (ValueError, OverflowError, csv.Error) as exc:  # pandas' ParserError and EmptyDataError among them
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise AuditInputError(f"{name}: is not a readable CSV file ({shown(first, 100)})") from None
    return frame, names, wanted


def _read_workbook(file: Path, name: str, columns: list[str] | None, sheet: str | None = None) -> pd.DataFrame:
    """One sheet of an .xlsx as text (the first, or ``sheet``), read with openpyxl.

    The first non-blank row is the header; later blank rows are skipped and counted
    (``frame.attrs["blank_rows"]``), and each row keeps its number in the sheet
    (``frame.attrs["row_numbers"]``) for messages. A formula is read as the value Excel saved with it;
    a formula without one (a file written by a program that never calculated it) is refused naming
    the sheet, row and column. An encrypted (password-protected) workbook is named as such.
    """
    with open(file, "rb") as fh:
        head = fh.read(8)
    if head == _OLE_MAGIC:  # an OLE compound file: an encrypted workbook, or an old .xls renamed
        if _encrypted(file):
            raise AuditInputError(f"{name}: is a password-protected (encrypted) workbook; open it in Excel, "
                                  "remove the password and save it again, or save the sheet as CSV")
        raise AuditInputError(f"{name}: is an old Excel (.xls) workbook with an .xlsx name; "
                              "save it as .xlsx or as CSV UTF-8")
    damaged = f"{name}: is not a readable Excel workbook (damaged, cut short, or not an .xlsx file)"
    try:
        with zipfile.ZipFile(file) as archive:
            workbook = "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError):
        raise AuditInputError(damaged) from None
    if not workbook:
        raise AuditInputError(damaged)
    try:
        import openpyxl
    except ImportError:
        raise AuditInputError(f"{name}: reading .xlsx needs the 'openpyxl' package; "
                              "install it or save the sheet as CSV") from None
    where = name
    try:
        with warnings.catch_warnings():  # openpyxl warns about styles and extensions it does not read
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(file, read_only=True, data_only=False)
            try:
                names = list(book.sheetnames)
                if not names:
                    raise AuditInputError(f"{name}: the workbook has no sheets")
                title = names[0] if sheet is None else sheet
                if title not in names:
                    raise AuditInputError(f"{name}: no sheet {_quoted(title)} (sheets: {_listing(names)})")
                where = f"{name}, sheet {_quoted(title)}"
                ws = book[title]
                if not hasattr(ws, "iter_rows"):
                    raise AuditInputError(f"{where}: is a chart, not a sheet of rows")
                # Trust the rows, not the size the file claims (often missing or wrong in exports;
                # without it openpyxl would read the whole sheet once more to work it out).
                ws.reset_dimensions()
                rows, formulas = _sheet_rows(ws)
            finally:
                book.close()
            numbers = [r for r, row in rows if any(v is not None for v in row)]
            if not numbers:
                raise AuditInputError(f"{where}: the sheet has no rows")
            header_at = next(i for i, (r, row) in enumerate(rows) if r == numbers[0])
            # A formula matters in the header and in the columns read; elsewhere it is left empty.
            used = _check_columns(_names(rows[header_at][1]), columns, where)
            formulas = [(i, c) for i, c in formulas if i == header_at or used is None or c in used]
            if formulas:
                rows = _cached_values(openpyxl, file, title, rows, formulas, where)
            for _, row in rows:
                row[:] = [None if v is _FORMULA else v for v in row]
    except AuditInputError:
        raise
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for damaged files
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        if where == name:
            raise AuditInputError(f"{name}: cannot be read as an Excel workbook ({shown(first, 100)})") from None
        raise AuditInputError(f"{where}: cannot be read ({shown(first, 100)})") from None
    header = rows[header_at][1]
    body = [(r, row) for r, row in rows[header_at + 1:]]
    kept = [(r, row) for r, row in body if any(v is not None for v in row)]
    width = max([len(header)] + [len(row) for _, row in kept])
    names = _names(header) + [""] * (width - len(header))
    wanted = _check_columns(names, columns, where)
    if not kept:
        raise AuditInputError(f"{where}: has a header but no rows")
    data = [row + [None] * (width - len(row)) for _, row in kept]
    frame = pd.DataFrame(data, columns=range(width), dtype=object).fillna("")
    frame.columns = names
    if wanted is not None:
        frame = frame.iloc[:, wanted]
    frame.attrs["blank_rows"] = len(body) - len(kept)
    frame.attrs["row_numbers"] = tuple(r for r, _ in kept)
    frame.attrs["sheet"] = title
    return frame


_FORMULA = object()  # a formula cell before its saved value is looked up


def _names(header: list) -> list[str]:
    return ["" if v is None or v is _FORMULA else str(v).strip() for v in header]


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _encrypted(file: Path) -> bool:
    """Whether an OLE compound file holds Office encryption (its 'EncryptionInfo' stream)."""
    marker = "EncryptionInfo".encode("utf-16-le")
    tail = b""
    with open(file, "rb") as fh:
        while chunk := fh.read(1 << 20):
            if marker in tail + chunk:
                return True
            tail = chunk[-len(marker):]
    return False


def _cell_text(value) -> str | None:
    """A workbook cell as text: None when empty; a whole float without its '.0' (30.0 → '30')."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if text.strip() else None


def _sheet_rows(ws) -> tuple[list[tuple[int, list]], list[tuple[int, int]]]:
    """(sheet row number, cell texts) per row; and where a formula is (row index, column index)."""
    rows, formulas = [], []
    for r, cells in enumerate(ws.iter_rows(), start=1):
        row = []
        for c, cell in enumerate(cells):
            if getattr(cell, "data_type", None) == "f":
                formulas.append((len(rows), c))
                row.append(_FORMULA)
            else:
                row.append(_cell_text(cell.value))
        rows.append((r, row))
    return rows, formulas


def _cached_values(openpyxl, file: Path, title: str, rows, formulas, where: str):
    """Fill formula cells with the values Excel saved beside them; a formula without one is refused."""
    book = openpyxl.load_workbook(file, read_only=True, data_only=True)
    try:
        values = {}
        wanted = {i for i, _ in formulas}
        for i, cells in enumerate(book[title].iter_rows()):
            if i in wanted:
                values[i] = [cell.value for cell in cells]
    finally:
        book.close()
    for i, c in formulas:
        row_values = values.get(i, [])
        value = _cell_text(row_values[c]) if c < len(row_values) else None
        if value is None:
            from openpyxl.utils import get_column_letter
            raise AuditInputError(f"{where}: cell {get_column_letter(c + 1)}{rows[i][0]} (row {rows[i][0]}, "
                                  f"column {get_column_letter(c + 1)}) holds a formula without a saved value; "
                                  "open the file in Excel and save it again, or paste the values only")
        rows[i][1][c] = value
    return rows


def _check_columns(present, wanted: list[str] | None, file: str) -> list[int] | None:
    """The position of each wanted column, in file order; an error if one is absent or appears twice."""
    if wanted is None:
        return None
    present = [str(c).strip() for c in present]
    return sorted(_position(present, col, file) for col in dict.fromkeys(wanted))


def _position(present: list[str], column: str, file: str) -> int:
    where = [i for i, c in enumerate(present) if c == column]
    if not where:
        raise AuditInputError(f"{file}: no column {_quoted(column)} (columns: {_listing(present)})")
    if len(where) > 1:
        times = "twice" if len(where) == 2 else f"{len(where)} times"
        raise AuditInputError(f"{file}: column {_quoted(column)} appears {times} (columns {_numbers(where)}); "
                              "rename one so it is clear which to use")
    return where[0]


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
    sheet: str | None = None  # the workbook sheet read (None for a CSV or a frame)
    blank_rows: int = 0  # blank rows skipped in a workbook (counted, never audited)
    encoding: str | None = None  # how a CSV was decoded: "UTF-8" or "Windows-1252"
    no_decision: int = 0  # rows without a decision in the selected column: left out of the audit, counted
    mapping: object = None  # the AuditMapping the file was read with (core.audit_mapping), or None
    unmapped: int = 0  # rows whose outcome value the mapping does not place: left out, counted
    unmapped_values: list = field(default_factory=list)  # those values with their row counts


def _distinct(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(code per row, distinct raw values): each distinct text is cleaned once, not once per row.

    A cell with no value at all (NaN or None in a frame handed to ``audit_frame``) has code -1,
    which indexes the last raw value: ``None``."""
    if isinstance(values.dtype, pd.CategoricalDtype):  # read as categories: the codes are there
        codes, raw = values.cat.codes.to_numpy(dtype=np.int64), np.asarray(values.cat.categories, dtype=object)
    else:
        codes, raw = pd.factorize(values.to_numpy(dtype=object))
        raw = np.asarray(raw, dtype=object)
    return codes, np.append(raw, None)


def _selected(values: pd.Series, column: str, file: str, numbers=None) -> tuple[np.ndarray, np.ndarray]:
    """(selected, decided) per row. A row without a decision (empty, NA, null, …) is left out of the
    audit and counted (``Audit.no_decision``), never counted either way: that would invent decisions.
    A value that is not a yes or a no is an error naming the row (there is no mapping for it), and so
    is a column without a single decision."""
    codes, raw = _distinct(values)
    clean = [_text(v) for v in raw]
    lowered = ["" if v is None else v.lower() for v in clean]
    missing = np.array([v is None for v in clean], dtype=bool)
    number = [_number(v) for v in lowered]
    true = np.array([v in TRUE_VALUES or x == 1 for v, x in zip(lowered, number)], dtype=bool)
    false = np.array([v in FALSE_VALUES or x == 0 for v, x in zip(lowered, number)], dtype=bool)
    rows = np.flatnonzero(~(true | false | missing)[codes])
    if len(rows):
        row = int(rows[0])
        raise AuditInputError(f"{file}: column {_quoted(column)} must be binary (1/0, yes/no, true/false); "
                              f"row {_line(row, numbers)} has {_quoted(raw[codes[row]])}")
    decided = ~missing[codes]
    if not decided.any():
        raise AuditInputError(f"{file}: column {_quoted(column)} has no decision in any row (every cell is empty "
                              "or a missing value such as NA); there is nothing to audit")
    return true[codes], decided


_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def _number(text: str) -> float | None:
    """A plain number written with a decimal point or a decimal comma ("1,0", "0.00"), else None."""
    return float(text.replace(",", ".")) if _NUMBER.fullmatch(text) else None


def _line(row: int, numbers) -> int:
    """The row's number as the user sees it: in the sheet (``numbers``), or in the file under its header."""
    return int(numbers[row]) if numbers is not None and row < len(numbers) else row + 2


def _codes(values: pd.Series, column: str, file: str) -> tuple[np.ndarray, np.ndarray]:
    """(code per row, -1 where the value is missing; the distinct values, sorted).

    Values are stripped; a missing value (``MISSING_VALUES``) is never a group of its own."""
    codes, raw = _distinct(values)
    clean = [_text(v) for v in raw]
    values = np.array(sorted({v for v in clean if v is not None}), dtype=object)
    if len(values) == 0:
        raise AuditInputError(f"{file}: column {_quoted(column)} has no values (every cell is empty or a "
                              "missing value such as NA); there is nothing to compare")
    if len(values) < 2:
        raise AuditInputError(f"{file}: column {_quoted(column)} has only one value ({_quoted(values[0])}); "
                              "there is nothing to compare")
    position = {v: i for i, v in enumerate(values)}
    remap = np.array([-1 if v is None else position[v] for v in clean], dtype=np.int64)
    return remap[codes], values


def _strata(values: pd.Series) -> tuple[np.ndarray, int]:
    """(stratum code per row, -1 where the value is missing; the number of strata), strata numbered
    in the order ``pandas.factorize`` meets their stripped values."""
    codes, raw = _distinct(values)
    index: dict[str, int] = {}
    remap = np.array([-1 if v is None else index.setdefault(v, len(index)) for v in map(_text, raw)], dtype=np.int64)
    return remap[codes], len(index)


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
    """Measure the decisions in ``frame``: every group column, their 2- and 3-way intersections, strata.

    Column names are compared stripped; a name the frame holds twice is refused. A missing value
    (``MISSING_VALUES``) in a group or strata column is counted in ``Audit.unknown`` for that column
    and is never a group or a stratum: such rows stay in the other columns' tables, and a row
    without a stratum is left out of the stratified test only. A row without a decision is left out
    of everything and counted in ``Audit.no_decision`` (``_selected``); ``Audit.rows`` counts the rows
    audited. Every message is one line (``shown``).
    """
    name = shown(file, None)
    group_columns = [str(c).strip() for c in group_columns]
    selected_column = str(selected_column).strip()
    strata_column = str(strata_column).strip() if strata_column else None
    twice = next((c for i, c in enumerate(group_columns) if c in group_columns[:i]), None)
    if twice is not None:
        raise AuditInputError(f"{name}: group column {_quoted(twice)} is given twice")
    present = [str(c).strip() for c in frame.columns]
    wanted = [*group_columns, selected_column] + ([strata_column] if strata_column else [])
    column = {col: frame.iloc[:, _position(present, col, name)] for col in dict.fromkeys(wanted)}
    sheet = frame.attrs.get("sheet")
    if sheet is not None:
        name = f"{name}, sheet {_quoted(sheet)}"
    selected, decided = _selected(column[selected_column], selected_column, name, frame.attrs.get("row_numbers"))
    no_decision = int(len(decided) - decided.sum())
    if no_decision:  # left out of every count, and said so (Audit.no_decision)
        column = {col: values[decided] for col, values in column.items()}
        selected = selected[decided]
    coded = {col: _codes(column[col], col, name) for col in group_columns}
    unknown = {col: int((coded[col][0] < 0).sum()) for col in group_columns}
    if strata_column:
        strata = _strata(column[strata_column])
        unknown[strata_column] = int((strata[0] < 0).sum())

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

    stratified = _stratified(strata, strata_column, coded, selected, groups) if strata_column else []
    by_pair = {(s["attribute"], s["group"], s["reference_group"]): s for s in stratified}
    singles = groups[groups["depth"] == 1].reset_index(drop=True)
    findings = Findings(singles, RawLabels(strata_column), table=lambda: groups,
                        stratify=(lambda a, g, r: by_pair.get((a, g, r))) if strata_column else None)
    return Audit(file, len(selected), int(selected.sum()), list(group_columns), selected_column, strata_column,
                 unknown, groups, stratified, findings, sheet, int(frame.attrs.get("blank_rows", 0)),
                 frame.attrs.get("encoding"), no_decision)


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


def _stratified(strata: tuple[np.ndarray, int], strata_column: str, coded, selected, groups) -> list[dict]:
    """CMH within strata for every visible group of each column against that column's reference.

    Counts are kept for the (group, stratum) pairs that occur, not for every group × stratum: time
    and memory grow with the rows, so a thousand groups in a thousand strata, or a stratum per row,
    cost no more than the rows. A focal group's 2×2 tables are those of the strata it occurs in
    (in stratum order); a stratum without it or without the reference carries no information and
    ``stratified_analysis`` leaves it out in any case. Rows without a group or a stratum are left out.
    """
    stratum, n_strata = strata
    out = []
    for column, (codes, values) in coded.items():
        table = groups[(groups["attribute"] == column) & (groups["depth"] == 1) & (groups["status"] != STATUS_UNKNOWN)]
        ref_rows = table[table["reference"]]
        if ref_rows.empty or n_strata == 0:
            continue
        focal_rows = table[~table["reference"] & ~table["hidden"] & table["impact_ratio"].notna()]
        if focal_rows.empty:
            continue
        index = {v: i for i, v in enumerate(map(str, values))}
        known = (codes >= 0) & (stratum >= 0)
        # One key per (group, stratum) pair, ordered by group and then stratum.
        key = codes[known] * np.int64(n_strata) + stratum[known]
        pairs, inverse = np.unique(key, return_inverse=True)
        inverse = inverse.reshape(-1)
        n = np.bincount(inverse, minlength=len(pairs))
        sel = np.bincount(inverse, weights=selected[known], minlength=len(pairs)).astype(np.int64)
        pair_stratum = pairs % n_strata
        bounds = np.searchsorted(pairs // n_strata, np.arange(len(values) + 1))  # each group's run of pairs
        ref = index[ref_rows["group"].iloc[0]]
        ref_n, ref_sel = np.zeros(n_strata, dtype=np.int64), np.zeros(n_strata, dtype=np.int64)
        mine = slice(bounds[ref], bounds[ref + 1])
        ref_n[pair_stratum[mine]], ref_sel[pair_stratum[mine]] = n[mine], sel[mine]
        for focal in focal_rows["group"]:
            f = index[focal]
            mine = slice(bounds[f], bounds[f + 1])
            where = pair_stratum[mine]
            # [[ref selected, ref not], [focal selected, focal not]] per stratum
            tables = np.empty((len(where), 2, 2), dtype=np.int64)
            tables[:, 0, 0], tables[:, 0, 1] = ref_sel[where], ref_n[where] - ref_sel[where]
            tables[:, 1, 0], tables[:, 1, 1] = sel[mine], n[mine] - sel[mine]
            try:
                result = stratified_analysis(tables)
            except ValueError:
                continue
            out.append({"attribute": column, "group": focal, "reference_group": ref_rows["group"].iloc[0],
                        "strata": strata_column, "strata_column": strata_column, **result.as_dict()})
    return out


def audit_file(path: str, group_columns: list[str], selected_column: str, strata_column: str | None = None,
               sheet: str | None = None) -> Audit:
    """Read ``path`` (only the columns named; of a workbook, ``sheet`` or the first) and measure it
    (``read_decisions``, ``audit_frame``)."""
    named = [*group_columns, selected_column] + ([strata_column] if strata_column else [])
    wanted = list(dict.fromkeys(str(c).strip() for c in named))
    frame = read_decisions(path, wanted, sheet)
    return audit_frame(frame, group_columns, selected_column, strata_column, file=str(path))
