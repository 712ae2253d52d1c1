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
import datetime
import io
import itertools
import os
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .disclosure import complementary_hidden, pinned_cells, pinned_stage_cells
from .findings import Findings, RawLabels, RunExtras
from .limits import os_reason, shown
from .grouptable import OVERALL, STATUS_FEW, STATUS_OK, STATUS_UNKNOWN, TableSpec, compare_tables
from .stats import stratified_analysis, wilson_interval
from .texts import DEFAULT_LANGUAGE, has_text, integer, t
from .thresholds import MIN_N, REFERENCE_SHARE, SUPPRESS_SHARE

# Every two-way intersection; the three-way one when there are three group columns (with more,
# three-way tables multiply faster than they inform).
MAX_DEPTH = 3
TRUE_VALUES = frozenset({"1", "true", "yes", "ja", "y", "j", "selected", "geselecteerd", "waar", "1.0"})
FALSE_VALUES = frozenset({"0", "false", "no", "nee", "n", "rejected", "afgewezen", "onwaar", "0.0"})


class Phrase:
    """Words inside an audit error (``audit.error.KEY`` in the text catalogue, filled in with ``values``),
    put in the language the message is shown in; ``str()`` is the English."""

    __slots__ = ("key", "values")

    def __init__(self, key: str, **values):
        self.key, self.values = key, values

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return t(f"audit.error.{self.key}", lang, **{k: _in(v, lang) for k, v in self.values.items()})

    def __str__(self) -> str:
        return self.text()

    def __repr__(self) -> str:
        return f"Phrase({self.key!r}, {self.values!r})"


class _Whole(int):
    """A whole number in a message: 1,234 in English, 1.234 in Dutch."""

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return integer(self, lang)


def _in(value, lang: str):
    """A value of a message as the language shows it: words (``Phrase``) and numbers translated, names as they are."""
    return value.text(lang) if isinstance(value, (Phrase, _Whole)) else value


class AuditInputError(ValueError):
    """A file or column that cannot be audited; the message is one line naming what is wrong.

    ``key`` names the text (``audit.error.KEY``) and ``values`` fill it in: names, paths and numbers
    as the message shows them. ``str(error)`` is the English message (the command line and logs);
    ``error.message(lang)`` is the same message in ``lang``, for the window."""

    def __init__(self, key: str, **values):
        self.key, self.values = key, values
        super().__init__(self.message())

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        if not self.values and not has_text(f"audit.error.{self.key}"):
            return self.key  # a message written out rather than a key (code older than the catalogue): as it is
        return Phrase(self.key, **self.values).text(lang)

    def __reduce__(self):  # pickled (e.g. to another process) as key and values, not as its English text
        return _audit_input_error, (type(self), self.key, self.values)


def _audit_input_error(cls, key: str, values: dict) -> AuditInputError:
    return cls(key, **values)


def _where(name: str, sheet) -> str | Phrase:
    """The file and, for a workbook, the sheet a message is about: "data.xlsx, sheet 'Q1'"."""
    return name if sheet is None else Phrase("part.where_sheet", file=name, sheet=_quoted(sheet))


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


def _listing(names, limit: int = LISTED) -> str | Phrase:
    """Column names for a message: the first ``limit``, then "… and N more"."""
    names = list(names)
    text = ", ".join(shown(n) for n in names[:limit])
    return Phrase("part.more", names=text, more=_Whole(len(names) - limit)) if len(names) > limit else text


def _numbers(positions: list[int]) -> str | Phrase:
    """1-based positions as words: "2 and 5", "2, 5 and 7" (at most ``LISTED``)."""
    words = [str(p + 1) for p in positions[:LISTED]]
    if len(positions) > LISTED:
        return Phrase("part.more", names=", ".join(words), more=_Whole(len(positions) - LISTED))
    return words[0] if len(words) == 1 else Phrase("part.and", first=", ".join(words[:-1]), last=words[-1])


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

PROGRESS_STEP = 0.02  # progress is reported at most every 2% of the file


def read_decisions(path: str, columns: list[str] | None = None, sheet: str | None = None,
                   progress=None) -> pd.DataFrame:
    """Read a CSV (comma or semicolon, UTF-8 with or without BOM) or XLSX file of decisions, as text.

    With ``columns``, only those are read (after checking that the file has each of them exactly
    once: a name that appears twice, after stripping, is refused rather than one of them guessed):
    a million rows of a wide export read in a fraction of the time and memory. Without, every column
    is read; a column with few distinct values (judged on the file's first 64 KB) as a pandas
    category, which is faster to read and to count. Column names are stripped. ``progress``, when
    given, is called now and then with the fraction of the file read (0.0 … 1.0, never going back),
    from the thread that reads; what it raises (to cancel) comes out of ``read_decisions`` as it was
    raised. Whatever is wrong with the file (missing, a folder, unreadable, binary, damaged) is
    an ``AuditInputError`` with a one-line message naming the file, never another exception.
    """
    name = shown(path, None)
    report = None if progress is None else _Reporter(progress)
    try:
        frame = _guarded(name, lambda: _read(Path(path), name, columns, sheet, progress=report))
    except _Interrupted as stop:  # what ``progress`` raised (to cancel a read), as it raised it
        raise stop.raised from None
    if progress is not None:
        progress(1.0)
    return frame


class _Interrupted(Exception):
    """Carries what a progress callback raised past the readers' own error handling."""

    def __init__(self, raised: BaseException):
        super().__init__(repr(raised))
        self.raised = raised


class _Reporter:
    """``progress`` as the readers call it: fractions that never go back, anything it raises carried out."""

    def __init__(self, progress):
        self.progress, self.last = progress, 0.0

    def __call__(self, fraction: float) -> None:
        fraction = min(max(float(fraction), self.last), 1.0)
        self.last = fraction
        try:
            self.progress(fraction)
        except BaseException as exc:  # noqa: BLE001 - handed back unchanged by read_decisions
            raise _Interrupted(exc) from None


def preview(path: str, sheet: str | None = None, rows: int = 50) -> pd.DataFrame:
    """The first ``rows`` rows of every column, read and checked as ``read_decisions`` reads them
    (same messages), without reading the rest of the file: for a preview before the mapping."""
    name = shown(path, None)
    return _guarded(name, lambda: _read(Path(path), name, None, sheet, limit=max(int(rows), 1)))


def sheet_names(path: str) -> list[str]:
    """The sheets of a workbook, in order ([] for a CSV file); a file that cannot be read is one line."""
    name = shown(path, None)
    return _guarded(name, lambda: _sheet_names(Path(path), name))


def _guarded(name: str, work):
    """``work()``, with the operating system's refusals as one-line ``AuditInputError``s."""
    try:
        return work()
    except IsADirectoryError:
        raise AuditInputError("folder", file=name) from None
    except OSError as exc:
        raise AuditInputError("unreadable", file=name, reason=os_reason(exc)) from None
    except MemoryError:
        raise AuditInputError("too_large", file=name) from None


def _regular_file(file: Path, name: str) -> None:
    if not file.exists():
        raise AuditInputError("not_found", file=name)
    if file.is_dir():
        raise AuditInputError("folder", file=name)
    if not file.is_file():
        raise AuditInputError("not_regular", file=name)


def _is_workbook(file: Path) -> bool:
    return file.suffix.lower() in (".xlsx", ".xlsm")


def _sheet_names(file: Path, name: str) -> list[str]:
    _regular_file(file, name)
    if not _is_workbook(file):
        return []
    _check_workbook_file(file, name)
    calamine = _calamine()
    if calamine is not None:
        try:
            with calamine.CalamineWorkbook.from_path(str(file)) as book:
                return [m.name for m in book.sheets_metadata if not _is_chart(m.typ)]
        except Exception:  # noqa: BLE001 - openpyxl below gives the established message
            pass
    openpyxl = _openpyxl(name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(file, read_only=True, data_only=True)
            try:
                return [ws.title for ws in book.worksheets]
            finally:
                book.close()
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for damaged files
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise AuditInputError("workbook_unreadable", file=name, detail=shown(first, 100)) from None


def _read(file: Path, name: str, columns: list[str] | None, sheet: str | None = None, *,
          limit: int | None = None, progress=None) -> pd.DataFrame:
    _regular_file(file, name)
    suffix = file.suffix.lower()
    if _is_workbook(file):
        return _read_workbook(file, name, columns, sheet, limit=limit, progress=progress)
    if sheet is not None:
        raise AuditInputError("sheet_of_text", file=name, sheet=_quoted(sheet))
    if suffix == ".xls":
        raise AuditInputError("old_xls", file=name)
    with open(file, "rb") as fh:
        head = fh.read(65536)
    if head.startswith(b"PK\x03\x04"):
        raise AuditInputError("zip", file=name)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise AuditInputError("utf16", file=name)
    if b"\x00" in head:
        raise AuditInputError("binary", file=name)
    encoding = "utf-8"
    try:
        head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut off at the end of the sample
            encoding = _fallback(head, name)
    text = head.decode("utf-8-sig" if encoding == "utf-8" else encoding, errors="ignore")
    if not text.strip():
        raise AuditInputError("empty", file=name)
    header = text.lstrip().split("\n")[0]  # a quoted carriage return does not end the header here
    sep = ";" if header.count(";") > header.count(",") else ","
    reading = dict(limit=limit, progress=progress, sample=text if len(head) == 65536 else text + "\n")
    try:
        frame, names, wanted = _read_csv(file, name, columns, sep, header, encoding, **reading)
    except UnicodeDecodeError:
        if encoding != "utf-8":
            raise AuditInputError("encoding", file=name) from None
        # The first 64 KB were UTF-8 but a later byte is not: an export in the Windows code page.
        encoding = _fallback(file.read_bytes(), name)
        try:
            frame, names, wanted = _read_csv(file, name, columns, sep, header, encoding, **reading)
        except UnicodeDecodeError:
            raise AuditInputError("encoding", file=name) from None
    if wanted is not None:
        frame.columns = [names[i] for i in wanted]
    elif len(frame.columns) == len(names):
        frame.columns = names
    else:
        frame.columns = [str(c).strip() for c in frame.columns]
    if frame.empty:
        raise AuditInputError("no_rows", file=name)
    frame.attrs["encoding"] = "UTF-8" if encoding == "utf-8" else "Windows-1252"
    return frame


def _fallback(data: bytes, name: str) -> str:
    """Windows-1252 (what Excel's plain "CSV" writes on a Western Windows) when ``data`` reads as it."""
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        raise AuditInputError("encoding", file=name) from None
    return "cp1252"


class _Reporting(io.FileIO):
    """A file that says how far it has been read (``report(fraction)``), at most every ``PROGRESS_STEP``:
    pandas reads it in blocks of a few hundred KB, so this costs nothing measurable."""

    def __init__(self, path: Path, report):
        super().__init__(path, "rb")
        self._report, self._size = report, max(os.fstat(self.fileno()).st_size, 1)
        self._next = 0

    def _advanced(self) -> None:
        done = self.tell()
        if done >= self._next:
            self._next = done + int(self._size * PROGRESS_STEP)
            self._report(min(done / self._size, 1.0))

    def read(self, size=-1):
        data = super().read(size)
        self._advanced()
        return data

    def readinto(self, buffer):
        count = super().readinto(buffer)
        self._advanced()
        return count


def _category_positions(sample: str, sep: str, options: dict) -> dict[int, str]:
    """Columns to read as categories, judged on the file's first 64 KB: those where at most a
    quarter of the rows bring a new value (a million ids as categories would be slower than text)."""
    lines = sample[:sample.rfind("\n") + 1]  # whole lines only
    try:
        head = pd.read_csv(io.StringIO(lines), header=None, skiprows=1, **{**options, "encoding": None, "sep": sep})
    except Exception:  # noqa: BLE001 - the real read reports what is wrong with the file
        return {}
    if head.empty:
        return {}
    return {j: "category" for j in range(head.shape[1]) if head.iloc[:, j].nunique() * 4 <= len(head)}


def _read_csv(file: Path, name: str, columns, sep: str, header: str, encoding: str, *, sample: str = "",
              limit: int | None = None, progress=None):
    """(frame, column names as written, positions read) of a CSV in ``encoding``; UnicodeDecodeError passes."""
    # Values are stripped when they are counted, so spaces after the separator only matter before a
    # quoted value; skipping them costs a third of the read, so only files that have them pay it.
    # pandas drops a UTF-8 byte-order mark itself.
    options = dict(sep=sep, dtype=str, keep_default_na=False, skipinitialspace=sep + " " in header,
                   encoding=encoding)
    try:
        # The header as it is written (pandas would rename a second "gender" to "gender.1").
        names = [str(c).strip() for c in pd.read_csv(file, header=None, nrows=1, **options).iloc[0]]
        wanted = _check_columns(names, columns, name, text=True)
        if limit is not None:
            return pd.read_csv(file, usecols=wanted, nrows=limit, **options), names, wanted
        if wanted is not None:  # the columns an audit counts by: read straight into categories
            options["dtype"] = "category"
        else:  # every column: those with few values as categories (faster), the others as text
            options["dtype"] = {j: str for j in range(len(names))} | _category_positions(sample, sep, options)
        if progress is None:
            frame = pd.read_csv(file, usecols=wanted, **options)
        else:
            with _Reporting(file, progress) as fh:
                frame = pd.read_csv(fh, usecols=wanted, **options)
    except (AuditInputError, UnicodeDecodeError, _Interrupted):  # ValueErrors too: not to be taken for pandas' own
        raise
    except (ValueError, OverflowError, csv.Error) as exc:  # pandas' ParserError and EmptyDataError among them
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise AuditInputError("csv_unreadable", file=name, detail=shown(first, 100)) from None
    return frame, names, wanted


# ---------------------------------------------------------------------------------------------
# Reading a workbook
# ---------------------------------------------------------------------------------------------

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _check_workbook_file(file: Path, name: str) -> None:
    """Refuse, in one line, what is not an .xlsx: an encrypted workbook, an old .xls, a damaged file."""
    with open(file, "rb") as fh:
        head = fh.read(8)
    if head == _OLE_MAGIC:  # an OLE compound file: an encrypted workbook, or an old .xls renamed
        if _encrypted(file):
            raise AuditInputError("encrypted", file=name)
        raise AuditInputError("xls_renamed", file=name)
    try:
        with zipfile.ZipFile(file) as archive:
            workbook = "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError):
        raise AuditInputError("workbook_damaged", file=name) from None
    if not workbook:
        raise AuditInputError("workbook_damaged", file=name)


def _calamine():
    """The python-calamine module (a fast reader of .xlsx, in Rust), or None when it is not installed."""
    try:
        import python_calamine
    except ImportError:
        return None
    return python_calamine


def _openpyxl(name: str):
    try:
        import openpyxl
    except ImportError:
        raise AuditInputError("openpyxl", file=name) from None
    return openpyxl


def _read_workbook(file: Path, name: str, columns: list[str] | None, sheet: str | None = None, *,
                   limit: int | None = None, progress=None) -> pd.DataFrame:
    """One sheet of an .xlsx as text (the first, or ``sheet``).

    The first non-blank row is the header; later blank rows are skipped and counted
    (``frame.attrs["blank_rows"]``), and each row keeps its number in the sheet
    (``frame.attrs["row_numbers"]``) for messages. A formula is read as the value Excel saved with it;
    a formula without one (a file written by a program that never calculated it) is refused naming
    the sheet, row and column. An encrypted (password-protected) workbook is named as such.

    The sheet is read by python-calamine (100,000 rows in about a second); openpyxl reads it when
    calamine is not installed, when calamine cannot read the file (openpyxl then gives its one-line
    message) and when the sheet holds a formula without a saved value (calamine reads that as an
    empty cell; openpyxl names it). With ``limit``, only the first rows are made into a frame.
    """
    _check_workbook_file(file, name)
    calamine = _calamine()
    if calamine is not None:
        frame = _read_with_calamine(calamine, file, name, columns, sheet, limit, progress)
        if frame is not None:
            return frame
    return _read_with_openpyxl(file, name, columns, sheet, limit, progress)


def _pick_sheet(names: list[str], sheet: str | None, name: str, charts=frozenset()) -> str:
    """``sheet``, or the first sheet of rows (a chart sheet is skipped); one line when there is none."""
    rows = [n for n in names if n not in charts]
    if not rows:
        raise AuditInputError("only_charts" if names else "no_sheets", file=name)
    title = rows[0] if sheet is None else sheet
    if title not in names:
        raise AuditInputError("no_sheet", file=name, sheet=_quoted(title), sheets=_listing(rows))
    return title


def _is_chart(kind) -> bool:
    """Whether calamine's sheet type is anything but a sheet of rows (a chart sheet, a macro sheet)."""
    return str(kind).rsplit(".", 1)[-1] not in ("WorkSheet", "None")


def _read_with_calamine(calamine, file: Path, name: str, columns, sheet, limit: int | None,
                        progress) -> pd.DataFrame | None:
    """The sheet read by python-calamine, or None where openpyxl is to read it (see ``_read_workbook``)."""
    try:
        book = calamine.CalamineWorkbook.from_path(str(file))
    except Exception:  # noqa: BLE001 - openpyxl gives the established one-line message
        return None
    with book:
        try:
            names = list(book.sheet_names)
            charts = {m.name for m in book.sheets_metadata if _is_chart(m.typ)}
        except Exception:  # noqa: BLE001
            return None
        title = _pick_sheet(names, sheet, name, charts)
        where = _where(name, title)
        if title in charts:
            raise AuditInputError("chart", file=where)
        if _uncalculated_formulas(file, title):
            return None
        if progress is not None:
            progress(0.0)
        try:
            found = book.get_sheet_by_name(title)
            if limit is None:
                rows = found.to_python(skip_empty_area=False)
            else:  # enough rows for ``limit`` below the header, blank rows among them
                wanted_rows = 2 * limit + 20
                while True:
                    rows = found.to_python(skip_empty_area=False, nrows=wanted_rows)
                    if len(rows) < wanted_rows or sum(any(v != "" for v in row) for row in rows) > limit:
                        break
                    wanted_rows *= 4
        except Exception:  # noqa: BLE001
            return None
    if progress is not None:
        progress(0.8)
    if not rows:
        raise AuditInputError("empty_sheet", file=where)
    cells = np.array(rows, dtype=object)  # calamine's rows are all as wide as the sheet
    if cells.ndim != 2:  # should they ever not be
        width = max(len(row) for row in rows)
        cells = np.array([row + [""] * (width - len(row)) for row in rows], dtype=object)
    del rows
    width = cells.shape[1]
    # Each column as codes into its distinct texts (-1: empty): every distinct value is made text once.
    coded = [_column_texts(cells[:, j]) for j in range(width)]
    del cells
    filled = np.zeros(len(coded[0][0]) if coded else 0, dtype=bool)
    for codes, _ in coded:
        filled |= codes >= 0
    numbers = np.flatnonzero(filled)
    if not len(numbers):
        raise AuditInputError("empty_sheet", file=where)
    header_at = int(numbers[0])
    header = [None if codes[header_at] < 0 else texts[codes[header_at]] for codes, texts in coded]
    names_ = _names(header)
    wanted = _check_columns(names_, columns, where)
    kept = numbers[1:] if limit is None else numbers[1:limit + 1]
    if not len(kept):
        raise AuditInputError("no_rows", file=where)
    positions = range(width) if wanted is None else wanted
    data = {}
    for j in positions:
        codes, texts = coded[j]
        codes = codes[kept]
        empty = codes < 0
        if empty.any():  # an empty cell reads "", as in a CSV
            texts = [*texts, ""]
            codes = np.where(empty, len(texts) - 1, codes)
        data[j] = pd.Categorical.from_codes(codes, categories=pd.Index(texts, dtype=object),
                                            validate=False).remove_unused_categories()
    frame = pd.DataFrame(data)
    frame.columns = [names_[j] for j in positions]
    last = len(filled) if limit is None else int(kept[-1]) + 1
    frame.attrs["blank_rows"] = int(last - header_at - 1 - len(kept))
    frame.attrs["row_numbers"] = tuple((kept + 1).tolist())
    frame.attrs["sheet"] = title
    return frame


def _column_texts(values: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """(code per cell, -1 when empty; the distinct texts) of a column of workbook values."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    # True == 1 and False == 0 in Python, so factorize may have put TRUE and 1 together (under either):
    # where a 0 or 1 is among the values and a TRUE or FALSE among the cells, cell by cell.
    if any(type(u) is not str and u in (0, 1) for u in uniques) and any(type(v) is bool for v in values):
        codes, uniques = pd.factorize(np.array([_cell_text(v) for v in values], dtype=object))
    texts = [_cell_text(u) for u in uniques]
    # Different values may read as one text (30.0 and "30"), and an empty text is no value.
    inverse, distinct = pd.factorize(np.array(texts + [None], dtype=object), use_na_sentinel=True)
    remap = inverse.astype(np.int64)
    return remap[codes], list(distinct)


_FORMULA_START = re.compile(rb"<(?:\w+:)?f[\s>/]")
_FORMULA = re.compile(rb"<(?:\w+:)?f(?:\s[^>]*)?(?:/>|>[^<]*</(?:\w+:)?f>)")
_SAVED_VALUE = re.compile(rb"\s*<(?:\w+:)?v(?:\s[^>]*)?>[^<]+</(?:\w+:)?v>")


def _sheet_part(archive: zipfile.ZipFile, title: str) -> str | None:
    """The ZIP member holding sheet ``title`` (through the workbook and its relationships), or None."""
    import xml.etree.ElementTree as ET

    relations = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    try:
        workbook = ET.fromstring(archive.read("xl/workbook.xml"))
        target = next(s.get(relations) for s in workbook.iter() if s.tag.rsplit("}", 1)[-1] == "sheet" and s.get("name") == title)
        rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        path = next(r.get("Target") for r in rels.iter() if r.get("Id") == target)
    except (KeyError, StopIteration, ET.ParseError, ValueError):
        return None
    path = path.lstrip("/") if path.startswith("/") else "xl/" + path
    return path if path in archive.namelist() else None


def _uncalculated_formulas(file: Path, title: str) -> bool:
    """Whether the sheet may hold a formula without a saved value (calamine reads it as an empty cell).

    The sheet's XML is scanned as it is unpacked (a tenth of a second for 100,000 rows); only when
    it holds a formula at all is each formula checked for the value saved after it. When the sheet
    cannot be found, the answer is yes (and openpyxl reads the sheet)."""
    try:
        with zipfile.ZipFile(file) as archive:
            part = _sheet_part(archive, title)
            if part is None:
                return True
            tail = b""
            with archive.open(part) as fh:
                while chunk := fh.read(1 << 20):
                    text = tail + chunk
                    if (b"<f" in text or b":f" in text) and _FORMULA_START.search(text):
                        break
                    tail = chunk[-16:]
                else:
                    return False
            data = archive.read(part)
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError, OSError, KeyError):
        return True
    return any(_SAVED_VALUE.match(data, m.end()) is None for m in _FORMULA.finditer(data))


def _read_with_openpyxl(file: Path, name: str, columns, sheet, limit: int | None, progress) -> pd.DataFrame:
    """The sheet read cell by cell with openpyxl (see ``_read_workbook``); ``limit``: the first rows only."""
    openpyxl = _openpyxl(name)
    where = name
    try:
        with warnings.catch_warnings():  # openpyxl warns about styles and extensions it does not read
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(file, read_only=True, data_only=False)
            try:
                charts = set(book.sheetnames) - {ws.title for ws in book.worksheets}
                title = _pick_sheet(list(book.sheetnames), sheet, name, charts)
                where = _where(name, title)
                ws = book[title]
                if not hasattr(ws, "iter_rows"):
                    raise AuditInputError("chart", file=where)
                claimed = ws.max_row if progress is not None else None
                # Trust the rows, not the size the file claims (often missing or wrong in exports;
                # without it openpyxl would read the whole sheet once more to work it out).
                ws.reset_dimensions()
                rows, formulas = _sheet_rows(ws, limit, progress, claimed)
            finally:
                book.close()
            numbers = [r for r, row in rows if any(v is not None for v in row)]
            if not numbers:
                raise AuditInputError("empty_sheet", file=where)
            header_at = next(i for i, (r, row) in enumerate(rows) if r == numbers[0])
            # A formula matters in the header and in the columns read; elsewhere it is left empty.
            used = _check_columns(_names(rows[header_at][1]), columns, where)
            formulas = [(i, c) for i, c in formulas if i == header_at or used is None or c in used]
            if formulas:
                rows = _cached_values(openpyxl, file, title, rows, formulas, where)
            for _, row in rows:
                row[:] = [None if v is _FORMULA_CELL else v for v in row]
    except (AuditInputError, _Interrupted, MemoryError):
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for damaged files
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        if where == name:
            raise AuditInputError("workbook_unreadable", file=name, detail=shown(first, 100)) from None
        raise AuditInputError("unreadable", file=where, reason=shown(first, 100)) from None
    header = rows[header_at][1]
    body = [(r, row) for r, row in rows[header_at + 1:]]
    kept = [(r, row) for r, row in body if any(v is not None for v in row)]
    width = max([len(header)] + [len(row) for _, row in kept])
    names = _names(header) + [""] * (width - len(header))
    wanted = _check_columns(names, columns, where)
    if not kept:
        raise AuditInputError("no_rows", file=where)
    data = [row + [None] * (width - len(row)) for _, row in kept]
    frame = pd.DataFrame(data, columns=range(width), dtype=object).fillna("")
    frame.columns = names
    if wanted is not None:
        frame = frame.iloc[:, wanted]
    frame.attrs["blank_rows"] = len(body) - len(kept)
    frame.attrs["row_numbers"] = tuple(r for r, _ in kept)
    frame.attrs["sheet"] = title
    return frame


_FORMULA_CELL = object()  # a formula cell before its saved value is looked up


def _names(header: list) -> list[str]:
    return ["" if v is None or v is _FORMULA_CELL else str(v).strip() for v in header]


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
    """A workbook cell as text: None when empty; a whole float without its '.0' (30.0 → '30'); a
    date as 2024-03-01, a date with a time of day as 2024-03-01 09:30:00."""
    if value is None:
        return None
    if isinstance(value, float):
        if value != value:  # NaN
            return None
        if value.is_integer():
            return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    text = str(value)
    return text if text.strip() else None


def _sheet_rows(ws, limit: int | None = None, progress=None,
                claimed: int | None = None) -> tuple[list[tuple[int, list]], list[tuple[int, int]]]:
    """(sheet row number, cell texts) per row; and where a formula is (row index, column index).
    With ``limit``, reading stops after that many non-blank rows below the header."""
    rows, formulas = [], []
    filled = 0
    for r, cells in enumerate(ws.iter_rows(), start=1):
        row = []
        for c, cell in enumerate(cells):
            if getattr(cell, "data_type", None) == "f":
                formulas.append((len(rows), c))
                row.append(_FORMULA_CELL)
            else:
                row.append(_cell_text(cell.value))
        rows.append((r, row))
        if limit is not None and any(v is not None for v in row):
            filled += 1
            if filled > limit:
                break
        if progress is not None and claimed and r % 5000 == 0:
            progress(min(r / claimed, 0.99))
    return rows, formulas


def _cached_values(openpyxl, file: Path, title: str, rows, formulas, where: str):
    """Fill formula cells with the values Excel saved beside them; a formula without one is refused."""
    book = openpyxl.load_workbook(file, read_only=True, data_only=True)
    try:
        values = {}
        wanted = {i for i, _ in formulas}
        last = max(wanted)
        for i, cells in enumerate(book[title].iter_rows()):
            if i in wanted:
                values[i] = [cell.value for cell in cells]
            if i >= last:
                break
    finally:
        book.close()
    for i, c in formulas:
        row_values = values.get(i, [])
        value = _cell_text(row_values[c]) if c < len(row_values) else None
        if value is None:
            from openpyxl.utils import get_column_letter
            letter = get_column_letter(c + 1)
            raise AuditInputError("formula", file=where, cell=f"{letter}{rows[i][0]}", row=rows[i][0], column=letter)
        rows[i][1][c] = value
    return rows


def _check_columns(present, wanted: list[str] | None, file: str, text: bool = False) -> list[int] | None:
    """The position of each wanted column, in file order; an error if one is absent or appears twice.

    A file of one column is named as such (``text``: a CSV, where it mostly means another separator)."""
    if wanted is None:
        return None
    present = [str(c).strip() for c in present]
    if len(present) == 1 and any(col != present[0] for col in wanted):
        key = "one_column" if not text else "one_column_tabs" if "\t" in present[0] else "one_column_separator"
        raise AuditInputError(key, file=file, column=_quoted(present[0]))
    return sorted(_position(present, col, file) for col in dict.fromkeys(wanted))


def _position(present: list[str], column: str, file: str) -> int:
    where = [i for i, c in enumerate(present) if c == column]
    if not where:
        raise AuditInputError("no_column", file=file, column=_quoted(column), columns=_listing(present))
    if len(where) > 1:
        raise AuditInputError("column_twice" if len(where) == 2 else "column_times", file=file, column=_quoted(column),
                              count=len(where), positions=_numbers(where))
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
    stages: list[str] | None = None  # the stages reached, in order (None: a yes/no decision); see audit_coded
    mapping: object = None  # the AuditMapping the file was read with (core.audit_mapping), or None
    unmapped: int = 0  # rows whose outcome value the mapping does not place: left out, counted
    unmapped_values: list = field(default_factory=list)  # those values with their row counts
    left_out: int = 0  # rows with a decision but an unknown group, left out when the mapping says so


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
        raise AuditInputError("not_binary", file=file, column=_quoted(column), row=_line(row, numbers),
                              value=_quoted(raw[codes[row]]))
    decided = ~missing[codes]
    if not decided.any():
        raise AuditInputError("column_undecided", file=file, column=_quoted(column))
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
        raise AuditInputError("no_values", file=file, column=_quoted(column))
    if len(values) < 2:
        raise AuditInputError("one_value", file=file, column=_quoted(column), value=_quoted(values[0]))
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


def _cross(codes: list[np.ndarray], sizes: list[int], reached: np.ndarray, levels: int):
    """Counts per observed cell of a cross (in value order); a missing value is a level of its own
    (index = size). ``reach[cell, j]`` counts the cell's rows that reached level ``j`` or further
    (``reached >= j``; for a yes/no decision level 0 is everyone, level 1 the selected). One
    counting pass over the rows."""
    key = np.zeros(len(reached), dtype=np.int64)
    for c, size in zip(codes, sizes):
        key = key * (size + 1) + np.where(c < 0, size, c)
    space = int(np.prod([size + 1 for size in sizes]))
    if space * levels <= max(4 * len(key), 1 << 20):  # few possible cells: count them all, keep the observed
        counts = np.bincount(key * levels + reached, minlength=space * levels).reshape(space, levels)
        cells = np.flatnonzero(counts.any(axis=1))
        counts = counts[cells]
    else:
        inverse, cells = pd.factorize(key, sort=True)
        counts = np.bincount(inverse * levels + reached, minlength=len(cells) * levels).reshape(-1, levels)
    reach = counts[:, ::-1].cumsum(axis=1)[:, ::-1].astype(np.int64)  # furthest level → reached each level
    parts = []
    rest = np.asarray(cells, dtype=np.int64)
    for size in reversed(sizes):
        parts.append(rest % (size + 1))
        rest = rest // (size + 1)
    parts = np.column_stack(parts[::-1])
    unknown = np.zeros(len(cells), dtype=bool)
    for j, size in enumerate(sizes):
        unknown |= parts[:, j] == size
    return parts, reach, unknown


def _coarsen(fine, positions: list[int], sizes: list[int]):
    """A table's cells (in value order, as ``_cross`` gives them) added up from the finest cells."""
    fine_parts, fine_reach, _ = fine
    parts, inverse = np.unique(fine_parts[:, positions], axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    reach = np.column_stack([np.bincount(inverse, weights=fine_reach[:, j], minlength=len(parts))
                             for j in range(fine_reach.shape[1])]).astype(np.int64)
    unknown = np.zeros(len(parts), dtype=bool)
    for j, size in enumerate(sizes):
        unknown |= parts[:, j] == size
    return parts, reach, unknown


def audit_frame(frame: pd.DataFrame, group_columns: list[str], selected_column: str,
                strata_column: str | None = None, file: str = "") -> Audit:
    """Measure the yes/no decisions in ``frame``: every group column, their 2- and 3-way intersections, strata.

    Column names are compared stripped; a name the frame holds twice is refused. A missing value
    (``MISSING_VALUES``) in a group or strata column is counted in ``Audit.unknown`` for that column
    and is never a group or a stratum: such rows stay in the other columns' tables, and a row
    without a stratum is left out of the stratified test only. A row without a decision is left out
    of everything and counted in ``Audit.no_decision`` (``_selected``); ``Audit.rows`` counts the rows
    audited. Every message is one line (``shown``). The counting is ``audit_coded``'s.
    """
    name = shown(file, None)
    group_columns = [str(c).strip() for c in group_columns]
    selected_column = str(selected_column).strip()
    strata_column = str(strata_column).strip() if strata_column else None
    twice = next((c for i, c in enumerate(group_columns) if c in group_columns[:i]), None)
    if twice is not None:
        raise AuditInputError("group_twice", file=name, column=_quoted(twice))
    present = [str(c).strip() for c in frame.columns]
    wanted = [*group_columns, selected_column] + ([strata_column] if strata_column else [])
    column = {col: frame.iloc[:, _position(present, col, name)] for col in dict.fromkeys(wanted)}
    where = _where(name, frame.attrs.get("sheet"))
    selected, decided = _selected(column[selected_column], selected_column, where, frame.attrs.get("row_numbers"))
    reached = np.where(decided, selected.astype(np.int64), -1)
    columns = {col: column[col] for col in dict.fromkeys([*group_columns] + ([strata_column] if strata_column else []))}
    attrs = {**frame.attrs, "selected_column": selected_column}
    return audit_coded(columns, group_columns, reached, None, strata_column, file, attrs=attrs)


def audit_coded(columns: dict[str, pd.Series], group_columns, reached: np.ndarray, stages: list[str] | None,
                strata_column: str | None = None, file: str = "", *, attrs: dict | None = None) -> Audit:
    """Measure decisions given as the furthest stage each row reached, per group and intersection.

    ``columns`` holds each group (and strata) column's values per row, in the order of ``reached``.
    ``reached[i]`` is the index of the furthest stage row i reached (0..len(stages) - 1), or -1 when
    the row has no decision (left out and counted in ``Audit.no_decision``). ``stages=None`` is a
    plain yes/no decision: 0 is no, 1 is yes.

    The group table holds, for every single column and the same 2- and 3-way intersections, the
    OVERALL rows (n = every decided row, selected = who reached the last stage) and, with stages,
    one row per stage transition k = 0..len(stages) - 2 ("passed from stages[k] to stages[k + 1]":
    n = rows that reached stage k, selected = rows that reached stage k + 1). Every table at every
    stage goes through the same gates, references and tests (``compare_tables``); hidden cells are
    protected across stages (``_protect``). The stratified test (CMH) is of OVERALL only.

    ``attrs`` (a frame's ``attrs``) may give ``sheet``, ``blank_rows``, ``encoding``, ``row_numbers``
    and ``selected_column`` (the column the decisions came from, for the report).
    """
    attrs = dict(attrs or {})
    name = shown(file, None)
    name = _where(name, attrs.get("sheet"))
    group_columns = [str(c).strip() for c in group_columns]
    strata_column = str(strata_column).strip() if strata_column else None
    columns = {str(c).strip(): v for c, v in columns.items()}
    for col in [*group_columns] + ([strata_column] if strata_column else []):
        if col not in columns:
            raise AuditInputError("no_column", file=name, column=_quoted(col), columns=_listing(columns))
    twice = next((c for i, c in enumerate(group_columns) if c in group_columns[:i]), None)
    if twice is not None:
        raise AuditInputError("group_twice", file=name, column=_quoted(twice))
    if stages is not None:
        stages = [str(s) for s in stages]
        if len(stages) < 2:
            raise AuditInputError("few_stages", file=name, count=len(stages))
        double = next((s for i, s in enumerate(stages) if s in stages[:i]), None)
        if double is not None:
            raise AuditInputError("stage_twice", file=name, stage=_quoted(double))
    levels = 2 if stages is None else len(stages)
    reached = np.asarray(reached)
    if reached.ndim != 1 or any(len(v) != len(reached) for v in columns.values()):
        raise ValueError("reached and every column must have one value per row")
    reached = reached.astype(np.int64)
    if len(reached) and (reached.min() < -1 or reached.max() >= levels):
        raise ValueError(f"reached must lie in -1..{levels - 1}")
    decided = reached >= 0
    no_decision = int(len(reached) - decided.sum())
    if not decided.any():
        raise AuditInputError("no_decision", file=name)
    if no_decision:  # left out of every count, and said so (Audit.no_decision)
        columns = {col: values[decided] for col, values in columns.items()}
        reached = reached[decided]
    coded = {col: _codes(columns[col], col, name) for col in group_columns}
    unknown = {col: int((coded[col][0] < 0).sum()) for col in group_columns}
    if strata_column:
        strata = _strata(columns[strata_column])
        unknown[strata_column] = int((strata[0] < 0).sum())
    selected = reached == levels - 1  # the final decision: reached the last stage

    deepest = min(len(group_columns), MAX_DEPTH if len(group_columns) <= MAX_DEPTH else 2)
    combos = [c for depth in range(1, deepest + 1) for c in itertools.combinations(group_columns, depth)]
    # One counting pass over the rows, into the finest cells; every table adds up from those.
    fine = _cross([coded[c][0] for c in group_columns], [len(coded[c][1]) for c in group_columns], reached, levels)
    tables = []
    for combo in combos:
        sizes = [len(coded[c][1]) for c in combo]
        parts, reach, missing = _coarsen(fine, [group_columns.index(c) for c in combo], sizes)
        names = [" × ".join(str(coded[c][1][parts[i, j]]) for j, c in enumerate(combo))
                 for i in np.flatnonzero(~missing)]
        tables.append(_Table(combo, parts, reach, missing, names))
    published = [OVERALL] + (list(range(levels - 1)) if stages is not None else [])
    groups = _group_table(tables, published)
    for tb in tables:
        tb.locate(groups, published)
    if stages is not None:
        groups = _references_shown(groups, tables, published)
    _protect(groups, tables, group_columns, fine, published)

    stratified = _stratified(strata, strata_column, coded, selected, groups) if strata_column else []
    by_pair = {(s["attribute"], s["group"], s["reference_group"]): s for s in stratified}
    singles = groups[groups["depth"] == 1].reset_index(drop=True)
    extras = None
    if stages is not None:
        extras = RunExtras(stage_note=lambda h: _worst_stage(groups, h["attribute"], h["group"]),
                           n_stages=levels - 1)
    findings = Findings(singles, RawLabels(strata_column, stages), table=lambda: groups,
                        stratify=(lambda a, g, r: by_pair.get((a, g, r))) if strata_column else None,
                        extras=extras)
    return Audit(file, len(reached), int(selected.sum()), list(group_columns), str(attrs.get("selected_column", "")),
                 strata_column, unknown, groups, stratified, findings, attrs.get("sheet"),
                 int(attrs.get("blank_rows", 0)), attrs.get("encoding"), no_decision, stages)


def _group_table(tables: list, published: list[int]) -> pd.DataFrame:
    """Every table at every published stage through ``compare_tables``, then the missing-value rows."""
    groups = compare_tables([TableSpec(tb.attribute, tb.names, tb.n(s)[~tb.missing], tb.sel(s)[~tb.missing],
                                       len(tb.combo) > 1, s, len(tb.combo), tb.references.get(s))
                             for s in published for tb in tables])
    # Missing values: one counted row per column, never compared; crosses keep them as hidden cells.
    unknown_rows = []
    for s in published:
        for tb in tables:
            if len(tb.combo) == 1 and tb.missing.any():
                k = int(np.flatnonzero(tb.missing)[0])
                n, sel = int(tb.n(s)[k]), int(tb.sel(s)[k])
                unknown_rows.append({"attribute": tb.attribute, "group": "", "stage": s, "depth": 1,
                                     "n": n, "selected": sel, "rate": sel / n if n else np.nan,
                                     "status": STATUS_UNKNOWN, "reference": False, "hidden": bool(n < MIN_N),
                                     "below_four_fifths": False, "significant_lower": False})
    if unknown_rows:
        extra = pd.DataFrame(unknown_rows)
        extra["rate_ci_low"], extra["rate_ci_high"] = wilson_interval(extra["selected"], extra["n"])
        groups = pd.concat([groups, extra], ignore_index=True)
    return groups


class _Table:
    """One table of an audit (a column or a cross of columns) with the cells it adds up from.

    ``parts`` holds each cell's value code per column (the column's size stands for a missing
    value); cells with a missing value are never shown but take part in protecting hidden cells.
    ``reach[cell, j]``: the cell's people who reached level j (see ``_cross``).
    """

    def __init__(self, combo, parts, reach, missing, names):
        self.combo, self.parts, self.reach, self.missing, self.names = combo, parts, reach, missing, names
        self.attribute = " × ".join(combo)
        self.references: dict[int, str] = {}  # a reference named per stage (``_references_shown``)

    def n(self, stage: int) -> np.ndarray:
        """People per cell at a published stage: everyone (OVERALL) or who reached stage k."""
        return self.reach[:, 0 if stage == OVERALL else stage]

    def sel(self, stage: int) -> np.ndarray:
        """Selected per cell: who reached the last stage (OVERALL) or stage k + 1."""
        return self.reach[:, -1 if stage == OVERALL else stage + 1]

    def locate(self, groups: pd.DataFrame, published: list[int]) -> None:
        """Which rows of the group table show this table's cells per stage (-1: a cell never shown)."""
        mine = (groups["attribute"] == self.attribute).to_numpy()
        unknown = (groups["status"] == STATUS_UNKNOWN).to_numpy()
        stage = groups["stage"].to_numpy()
        self.rows = {}
        for s in published:
            here = mine & (stage == s)
            row = np.full(len(self.missing), -1)
            row[~self.missing] = np.flatnonzero(here & ~unknown)
            if len(self.combo) == 1 and self.missing.any():
                row[self.missing] = np.flatnonzero(here & unknown)
            self.rows[s] = row

    def column(self, groups: pd.DataFrame, name: str, stage: int, default: bool) -> np.ndarray:
        row = self.rows[stage]
        shown = row >= 0
        out = np.full(len(row), default, dtype=bool)
        out[shown] = groups[name].to_numpy(dtype=bool)[row[shown]]
        return out


def _order(published: list[int]) -> list[int]:
    """Published stages in the order that hiding runs forward: the transitions, then OVERALL (whose
    selected count is the last transition's)."""
    return [s for s in published if s != OVERALL] + [OVERALL]


def _close(hidden: dict[int, np.ndarray], published: list[int]) -> None:
    """Hidden at one stage → hidden at every later stage and OVERALL; OVERALL ↔ the last transition."""
    order = _order(published)
    if len(order) == 1:
        return
    hidden[order[-2]] |= hidden[OVERALL]
    for before, after in zip(order, order[1:]):
        hidden[after] |= hidden[before]


def _references_shown(groups: pd.DataFrame, tables: list, published: list[int]) -> pd.DataFrame:
    """Choose again, before protecting, a reference that hiding at an earlier stage would hide.

    A reference's rate can be worked out from every other row's impact ratio, so it must stay
    shown. A group too small at a later stage is hidden from that stage on (``_close``), also at
    OVERALL, where it may have been the most-selected group: its table is then compared with the
    most-selected group that stays shown (by the same share rule as ``compare_tables``), and when
    there is none, the table is hidden at that stage.
    """
    again = False
    for tb in tables:
        hidden = {s: tb.column(groups, "hidden", s, True) & ((tb.n(s) > 0) | (tb.rows[s] < 0)) for s in published}
        _close(hidden, published)
        for s in published:
            ref = tb.column(groups, "reference", s, False)
            if not (ref & hidden[s]).any():
                continue
            n, sel = tb.n(s), tb.sel(s)
            status = np.full(len(n), "", dtype=object)
            status[tb.rows[s] >= 0] = groups["status"].to_numpy()[tb.rows[s][tb.rows[s] >= 0]]
            eligible = np.isin(status, (STATUS_OK, STATUS_FEW)) & ~hidden[s] & ~tb.missing
            total = n[~tb.missing].sum()
            rate = np.where(n > 0, sel / np.maximum(n, 1), -1.0)
            choice = -1
            for share in (REFERENCE_SHARE, SUPPRESS_SHARE, 0.0):
                able = eligible & (n >= share * total)
                if able.any():
                    choice = int(np.flatnonzero(able)[np.argmax(rate[able])])
                    break
            if choice >= 0 and rate[choice] > 0:
                tb.references[s] = tb.names[int(np.flatnonzero(~tb.missing).tolist().index(choice))]
            else:
                tb.references[s] = None
                tb.unshowable = getattr(tb, "unshowable", set()) | {s}
            again = True
    if not again:
        return groups
    groups = _group_table(tables, published)
    for tb in tables:
        tb.locate(groups, published)
        for s in getattr(tb, "unshowable", ()):
            groups.loc[tb.rows[s][tb.rows[s] >= 0], "hidden"] = True
    return groups


def _protect(groups: pd.DataFrame, tables: list, columns: list[str], fine, published: list[int]) -> None:
    """Hide cells until no one's decision can be worked out from what the audit shows (disclosure.py).

    First the line rule, table by table; then an integer program over the finest cells (every
    combination of all group columns) finds decisions that the shown counts pin down together, and
    hides a shown row holding such a cell — the smallest one, never a reference — until none is left.

    With stages, each transition k is protected as a yes/no audit of the people who reached stage
    k (their number per cell taken as known, as a yes/no audit takes the group sizes as known; the
    secret is who passed). What ties the stages together: the number who passed stage k is stage
    k + 1's n, and OVERALL shows the last stage's selected count. So a cell hidden at stage k is
    hidden at every later stage and at OVERALL (``_close``): no later row shows its secret, and an
    earlier row only shows how many of it reached stage k, which is taken as known. The shown cells
    then shrink from stage to stage, so everything published about who passed stage k — its own
    shown rows, the n of later rows, OVERALL — adds up over the cells shown at stage k, and each
    stage's line rule and integer program see all of it (the integer program also sees every later
    stage's shown counts, since they bound who can have passed stage k). A cell with nobody at a
    stage hides nobody there: it is not hidden for that (its 0 is the earlier stage's selected
    count) and it does not count as a hidden cell that would cover another (``_line_rule``).
    See docs/design/0018-audit-stages.md.
    """
    order = _order(published)
    for tb in tables:
        tb.hidden = {s: tb.column(groups, "hidden", s, True) & ((tb.n(s) > 0) | (tb.rows[s] < 0)) for s in order}
        # A reference at this stage or a later one is never chosen to hide (hiding runs forward).
        tb.keep = {}
        later = np.zeros(len(tb.missing), dtype=bool)
        for s in reversed(order):
            later = later | tb.column(groups, "reference", s, False)
            tb.keep[s] = later.copy()
        _close(tb.hidden, published)
    for tb in tables:
        _line_rule(tb, order)
    fine_parts, fine_reach, _ = fine
    # For every table, which of its cells each finest cell falls in.
    for tb in tables:
        index = {tuple(p): i for i, p in enumerate(tb.parts)}
        positions = [columns.index(c) for c in tb.combo]
        tb.fine = np.array([index[tuple(p)] for p in fine_parts[:, positions]])
    transitions = [OVERALL] if len(order) == 1 else order[:-1]
    # Stage by stage: hiding at stage k changes nothing published before it, and only takes away
    # what bounds an earlier stage's decisions, so a stage once protected stays protected.
    for s in transitions:
        while True:
            pinned, owners = _pinned(tables, fine_reach, s, order)
            if not pinned:
                break
            # For each pinned cell hide one shown row that holds it: the deepest (an intersection
            # before a single column, which the headline needs), then the smallest; never a reference.
            changed = set()
            for f in pinned:
                holding = [(-len(tb.combo), tb.n(s)[cell], k, tb, cell) for k, (tb, cell, members) in enumerate(owners)
                           if members[f] and not tb.keep[s][cell] and not tb.hidden[s][cell]]
                if not holding:  # nothing but references (or nothing) holds it: widen to every shown row
                    holding = [(-len(tb.combo), tb.n(s)[cell], k, tb, cell) for k, (tb, cell, members)
                               in enumerate(owners) if not tb.keep[s][cell] and not tb.hidden[s][cell]]
                if not holding:
                    continue
                _, _, _, tb, cell = min(holding, key=lambda h: h[:3])
                tb.hidden[s][cell] = True
                _close(tb.hidden, published)
                changed.add(id(tb))
            if not changed:  # only references are left to hide: hide everything from this stage on
                for tb in tables:
                    tb.hidden[s][:] = True
                    _close(tb.hidden, published)
                break
            for tb in tables:
                if id(tb) in changed:
                    _line_rule(tb, order)
    for tb in tables:
        for s in order:
            row = tb.rows[s]
            shown = row >= 0
            groups.loc[row[shown], "hidden"] = tb.hidden[s][shown]


def _line_rule(tb, order: list[int]) -> None:
    """The line rule (``complementary_hidden``) at every stage, with hiding carried forward, until stable.

    Only cells holding someone at a stage take part there: an empty cell hidden beside a small one
    would otherwise count as the second cell that keeps the small one from being worked out."""
    while True:
        before = [h.copy() for h in tb.hidden.values()]
        for s in order:
            n = tb.n(s)
            some = n > 0
            if not some.any():
                continue
            hidden = tb.hidden[s].copy()
            hidden[some] = complementary_hidden(tb.parts[some], n[some], tb.sel(s)[some], hidden[some],
                                                tb.keep[s][some])
            tb.hidden[s] = hidden
            _close(tb.hidden, order)
        if all((a == b).all() for a, b in zip(before, tb.hidden.values())):
            return


def _pinned(tables: list, fine_reach: np.ndarray, stage: int, order: list[int]):
    """Finest cells whose decisions at ``stage`` follow from everything shown (``pinned_cells``, or
    ``pinned_stage_cells`` with the later stages), and the shown rows that hold each finest cell."""
    owners = []
    if stage == OVERALL:  # a yes/no audit: what it always was
        n, sel = fine_reach[:, 0], fine_reach[:, -1]
        published, told = [np.ones(len(n), dtype=bool)], np.zeros(len(n), dtype=bool)
        for tb in tables:
            for cell in np.flatnonzero(~tb.hidden[OVERALL]):
                members = tb.fine == cell
                published.append(members)
                if tb.sel(OVERALL)[cell] in (0, tb.n(OVERALL)[cell]):
                    told |= members
                owners.append((tb, cell, members))
        return pinned_cells(n, sel, published, told), owners
    # Who passed stage k is published by the rows shown at stage k; each later level j by the rows
    # shown at stage j - 1 (which hold the rows shown at stage j and OVERALL).
    levels = fine_reach.shape[1]
    told = np.zeros(len(fine_reach), dtype=bool)
    published = {}
    for j in range(stage + 1, levels):
        masks = [np.ones(len(fine_reach), dtype=bool)]
        for tb in tables:
            for cell in np.flatnonzero(~tb.hidden[j - 1]):
                members = tb.fine == cell
                masks.append(members)
                if j == stage + 1:
                    owners.append((tb, cell, members))
                    if tb.sel(stage)[cell] in (0, tb.n(stage)[cell]):
                        told |= members
        published[j] = masks
    return pinned_stage_cells(fine_reach, stage, published, told), owners


def _worst_stage(groups: pd.DataFrame, attribute: str, group: str) -> dict | None:
    """The stage transition where this group's impact ratio is lowest (shown rows only)."""
    rows = groups[(groups["stage"] != OVERALL) & (groups["attribute"] == attribute) & (groups["group"] == group)
                  & groups["impact_ratio"].notna() & ~groups["hidden"]]
    if rows.empty:
        return None
    row = rows.sort_values("impact_ratio", kind="stable").iloc[0]
    return {"stage": int(row["stage"]), "impact_ratio": float(row["impact_ratio"]), "rule_id": None}


def audit_funnel(audit: Audit, attribute: str) -> pd.DataFrame:
    """Per group of one column: how many reached each stage (the shape of ``report.funnel`` for a run).

    One row per group (index = group, in the table's order; people without a value are not a
    group), columns 0..len(stages) - 1 = how many of the group reached at least that stage (for a
    yes/no audit 0 = everyone, 1 = selected), then "group" and "hidden". Read from the protected
    group table, so a count is there only where the table shows it: stage k's count is stage k's n
    (or stage k - 1's selected), and a group hidden from some stage on has NaN from the stage whose
    count would give away who passed; "hidden" is True for a group with any count withheld.
    """
    g = audit.groups
    mine = g[(g["attribute"] == attribute) & (g["depth"] == 1) & (g["status"] != STATUS_UNKNOWN)]
    if mine.empty:
        raise KeyError(f"no group column {attribute!r} in this audit")
    levels = 2 if audit.stages is None else len(audit.stages)
    names = list(mine[mine["stage"] == OVERALL]["group"])
    counts = np.full((len(names), levels), np.nan)
    if audit.stages is None:
        rows = mine[mine["stage"] == OVERALL].set_index("group").loc[names]
        shown = ~rows["hidden"].to_numpy(dtype=bool)
        counts[shown, 0] = rows["n"].to_numpy()[shown]
        counts[shown, 1] = rows["selected"].to_numpy()[shown]
    else:
        for k in range(levels - 1):
            rows = mine[mine["stage"] == k].set_index("group").loc[names]
            shown = ~rows["hidden"].to_numpy(dtype=bool)
            counts[shown, k] = rows["n"].to_numpy()[shown]
            counts[shown, k + 1] = rows["selected"].to_numpy()[shown]
    frame = pd.DataFrame(counts, columns=list(range(levels)), index=pd.Index(names, name=None))
    frame.insert(0, "group", names)
    frame["hidden"] = np.isnan(counts).any(axis=1)
    return frame


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
        table = groups[(groups["attribute"] == column) & (groups["depth"] == 1) & (groups["stage"] == OVERALL)
                       & (groups["status"] != STATUS_UNKNOWN)]
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
