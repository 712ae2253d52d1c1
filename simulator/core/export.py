"""Candidates with their decision trails as a table (CSV), byte-identical for the same scenario and seed.

pandas is imported by the functions that build or write the table, not with this module: the
window imports ``candidate_names`` and opens before pandas is loaded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .atomic import atomic_write
from .pipeline import Outcome
from .texts import t
from .world import CATEGORIES, UNUSUAL_CV_FLAGS, name_lists

if TYPE_CHECKING:
    import pandas as pd

_CATEGORY_COLUMNS = ("gender", "origin", "region", "age_band", "disability", "parent", "education",
                     "diploma_country", "gap_reason", "dutch_level", "postcode_area")


def _name_codes(pool, indices: np.ndarray):
    """Per candidate: an index into a list of first names and one into a list of family names,
    drawn from the name lists per region and gender; and those two lists."""
    lists = name_lists()
    regions = pool["name_region"][indices]
    genders = pool["gender"][indices]
    family_region = pool["region"][indices]
    first_pick = pool["first_name_pick"][indices]
    family_pick = pool["family_name_pick"][indices]
    first_codes = np.zeros(len(indices), dtype=np.int32)
    family_codes = np.zeros(len(indices), dtype=np.int32)
    first_names: list[str] = []
    family_names: list[str] = []
    for r, region in enumerate(CATEGORIES["region"]):
        for g, gender in enumerate(CATEGORIES["gender"]):
            rows = np.flatnonzero((regions == r) & (genders == g))
            names = lists.first[(region, gender)]
            if len(rows):
                first_codes[rows] = len(first_names) + np.minimum((first_pick[rows] * len(names)).astype(int),
                                                                  len(names) - 1)
            first_names.extend(names)
        rows = np.flatnonzero(family_region == r)
        names = lists.family[region]
        if len(rows):
            family_codes[rows] = len(family_names) + np.minimum((family_pick[rows] * len(names)).astype(int),
                                                                len(names) - 1)
        family_names.extend(names)
    return first_codes, family_codes, first_names, family_names


def candidate_names(pool, indices: np.ndarray | None = None) -> np.ndarray:
    """Full names ("first family") for the candidates, drawn from the name lists per region and gender."""
    if indices is None:
        indices = np.arange(len(pool))
    first_codes, family_codes, first_names, family_names = _name_codes(pool, indices)
    return np.array(first_names, dtype=object)[first_codes] + " " + np.array(family_names, dtype=object)[family_codes]


def _names_categorical(pool) -> pd.Categorical:
    """Every candidate's name as a categorical: each distinct name is written once (a million
    names as strings would take a few hundred megabytes on the way)."""
    import pandas as pd

    first_codes, family_codes, first_names, family_names = _name_codes(pool, np.arange(len(pool)))
    codes, pairs = pd.factorize(first_codes.astype(np.int64) * len(family_names) + family_codes)
    names = [f"{first_names[p // len(family_names)]} {family_names[p % len(family_names)]}" for p in pairs]
    inverse, unique = pd.factorize(np.array(names, dtype=object))  # two pairs may spell one name
    return pd.Categorical.from_codes(inverse[codes], categories=list(unique))


def candidates_frame(outcome: Outcome, lang: str) -> pd.DataFrame:
    """One row per candidate: who they are, their CV, the ground truth and the decision trail."""
    import pandas as pd

    pool = outcome.pool
    frame = pd.DataFrame({"id": pool["id"], "name": _names_categorical(pool)})
    for column in _CATEGORY_COLUMNS:
        # Categorical: a million rows hold small codes, not a million strings.
        labels = [t(f"label.{column}.{v}", lang) for v in CATEGORIES[column]]
        frame[column] = pd.Categorical.from_codes(pool[column].astype(np.int16), categories=labels)
    frame["age"] = pool["age"]
    for column in ("experience_years", "current_gap_months", "past_gap_months", "career_switches", "graduation_year",
                   "skills_count"):
        frame[column] = pool[column]
    for column in ("diploma_recognised", "part_time_history", "driving_licence"):
        frame[column] = pool[column].astype(bool)
    for column in ("ai_polished", "pedigree", "disability_mention"):
        frame[column] = pool[column].astype(bool)
    frame["suitability"] = np.round(pool["suitability"].astype(np.float64), 4)
    frame["qualified"] = pool["qualified"].astype(bool)
    for flag in UNUSUAL_CV_FLAGS:
        frame[f"unusual_{flag}"] = pool[f"unusual_{flag}"].astype(bool)
    stages = outcome.pipeline.stages
    stage_names = [s.title(lang) for s in stages] + [t("stage.selected", lang)]
    frame["selected"] = outcome.selected
    frame["stage_reached"] = _labelled(outcome.stopped_at, stage_names)
    rules = outcome.pipeline.flat_rules()
    rule_names = [r.describe(lang) for _, _, r in rules] + [""]
    frame["rejected_by"] = _labelled(np.where(outcome.rejected_by >= 0, outcome.rejected_by, len(rules)), rule_names)
    for s, stage in enumerate(stages):
        if not np.isnan(outcome.scores[:, s]).all():
            frame[f"score_{s + 1}"] = np.round(outcome.scores[:, s].astype(np.float64), 2)
    codes, texts = outcome.reason_table(lang)
    frame["reason"] = _labelled(codes, texts)
    return frame


def _labelled(codes: np.ndarray, labels: list[str]) -> pd.Categorical:
    """Codes with their labels as a categorical column (labels may repeat: two stages with one name)."""
    import pandas as pd

    inverse, unique = pd.factorize(np.array(labels, dtype=object))
    return pd.Categorical.from_codes(inverse[codes], categories=list(unique))


CSV_CHUNK = 50_000  # rows laid out at a time: bounded memory (two threads, one chunk waiting), still whole-array operations
LOOKUP_LIMIT = 1 << 16  # a column with at most this many distinct values is written by lookup


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """A text cell a spreadsheet will not run: one starting with =, +, -, @, tab or carriage return
    gets a leading apostrophe (OWASP, "CSV injection"). Excel and LibreOffice then show it as text;
    the apostrophe is visible in a text editor, which is the price of safety. Numbers are never
    passed through here, so a negative number stays a number."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_text(text: str) -> str:
    """A text field as CSV writes it: formula-safe (``spreadsheet_safe``), quoted where it holds a
    comma, quote or line break. NUL characters (which the writer uses as padding) are dropped."""
    text = spreadsheet_safe(text.replace("\0", ""))
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\n\r') else text


def _float_fields(values: np.ndarray) -> np.ndarray:
    """Floats with four decimals as C's %.4f writes them (-0.0000 included); NaN as an empty field."""
    text_type = np.dtypes.StringDType()
    finite = np.isfinite(values)
    magnitude = np.round(np.abs(np.where(finite, values, 0.0)) * 10_000).astype(np.int64)
    text = (np.where(np.signbit(values), "-", "").astype(text_type) + (magnitude // 10_000).astype(text_type) + "."
            + np.strings.zfill((magnitude % 10_000).astype(text_type), 4))
    return np.where(finite, text, "").astype(text_type)


def _as_bytes(texts) -> np.ndarray:
    """UTF-8 encoded, as a fixed-width byte array (shorter texts padded with NUL)."""
    return np.array([t.encode("utf-8") for t in texts], dtype=np.bytes_) if len(texts) else np.zeros(0, "S1")


def _small(codes: np.ndarray, count: int) -> np.ndarray:
    """Codes in the smallest integer type that holds ``count`` values (a million rows of 35 columns)."""
    return codes.astype(np.int8 if count <= 127 else np.int16 if count <= 32767 else np.int32)


class _Column:
    """One CSV column: distinct texts encoded once and looked up by code, or values formatted chunk
    by chunk when nearly every row differs (ids, names)."""

    def __init__(self, values):
        import pandas as pd

        self.values, self.lookup, self.codes = values, None, None
        if isinstance(values, pd.Categorical):
            words = [_csv_text(str(c)) for c in values.categories] + [""]
            self.codes = _small(np.where(values.codes < 0, len(words) - 1, values.codes), len(words))
            self.lookup = _as_bytes(words)
            return
        if values.dtype == bool:
            self.codes, self.lookup = values.astype(np.int8), _as_bytes(["False", "True"])
            return
        if values.dtype.kind in "iu" and len(values):
            low, high = int(values.min()), int(values.max())
            if high - low <= LOOKUP_LIMIT:  # small whole numbers: the value is its own code
                self.codes = _small(values.astype(np.int64) - low, high - low + 1)
                self.lookup = _as_bytes([str(v) for v in range(low, high + 1)])
                return
        # Floats by their bits, so that -0.0 (written "-0.0000") stays apart from 0.0.
        keys = values.astype(np.float64).view(np.int64) if values.dtype.kind == "f" else values
        codes, uniques = pd.factorize(keys, use_na_sentinel=True)
        if len(uniques) > LOOKUP_LIMIT:
            return
        if values.dtype.kind == "f":
            words = _float_fields(np.asarray(uniques, dtype=np.int64).view(np.float64)).tolist()
        elif values.dtype.kind in "iu":
            words = [str(int(u)) for u in uniques]
        else:
            words = [_csv_text(str(u)) for u in uniques]
        self.codes = _small(np.where(codes < 0, len(words), codes), len(words) + 1)
        self.lookup = _as_bytes(words + [""])

    def merge(self, other: "_Column") -> "_Column | None":
        """This column, a comma and the next as one looked-up field, where few pairs can occur:
        fewer, wider copies when rows are laid out (the texts of every pair are encoded once)."""
        if self.lookup is None or other.lookup is None or len(self.lookup) * len(other.lookup) > 4096:
            return None
        merged = _Column.__new__(_Column)
        merged.values = None
        merged.codes = self.codes.astype(np.int64) * len(other.lookup) + other.codes
        merged.lookup = np.array([a.rstrip(b"\0") + b"," + b for a in self.lookup for b in other.lookup], dtype=np.bytes_)
        return merged

    def fields(self, start: int, stop: int) -> np.ndarray:
        """The fields of rows start..stop as UTF-8 bytes (a fixed-width array)."""
        if self.lookup is not None:
            return self.lookup[self.codes[start:stop]]
        values = self.values[start:stop]
        if values.dtype.kind == "f":  # more distinct floats than a lookup takes (millions of candidates)
            return np.strings.encode(_float_fields(values), "utf-8")
        if values.dtype.kind in "iu":
            return values.astype(np.bytes_)
        return _as_bytes([_csv_text(str(v)) for v in values])


def write_csv(frame: pd.DataFrame, path) -> None:
    """UTF-8 CSV, the same bytes for the same run (and as pandas' ``to_csv`` would write them).

    pandas formats every cell in Python (12 s for a million candidates). Here each column's distinct
    texts are encoded once and looked up by code; a chunk of rows is laid out as a byte matrix, one
    fixed-width slot per field padded with NUL and followed by its comma or line break, and written
    with the padding removed: array copies only (DESIGN.md §11: linear, and fast).
    """
    import pandas as pd

    columns = []
    for name in frame.columns:
        series = frame[name]
        column = _Column(series.array if isinstance(series.dtype, pd.CategoricalDtype) else series.to_numpy())
        merged = columns[-1].merge(column) if columns else None
        columns[-1:] = [merged] if merged is not None else columns[-1:] + [column]

    def chunk(start: int) -> np.ndarray:
        stop = min(start + CSV_CHUNK, len(frame))
        parts = [column.fields(start, stop) for column in columns]
        widths = [p.dtype.itemsize for p in parts]
        # Every byte is written below (field, NUL padding or separator), so no zeroing is needed.
        layout = np.empty((stop - start, sum(widths) + len(parts)), dtype=np.uint8)
        offset = 0
        for k, (part, width) in enumerate(zip(parts, widths)):
            layout[:, offset:offset + width] = part.view(np.uint8).reshape(stop - start, width)
            layout[:, offset + width] = ord("\n") if k == len(parts) - 1 else ord(",")
            offset += width + 1
        flat = layout.reshape(-1)
        return flat[flat != 0]

    # numpy releases the interpreter lock while copying, so two threads lay out chunks side by side;
    # they are written in order, with at most a few chunks in memory.
    from collections import deque
    from concurrent.futures import ThreadPoolExecutor

    # Written whole or not at all (core.atomic).
    with atomic_write(path) as fh, ThreadPoolExecutor(max_workers=2) as pool:
        fh.write((",".join(_csv_text(str(c)) for c in frame.columns) + "\n").encode("utf-8"))
        pending: deque = deque()
        for start in range(0, len(frame), CSV_CHUNK):
            pending.append(pool.submit(chunk, start))
            if len(pending) > 1:
                fh.write(pending.popleft().result().data)
        while pending:
            fh.write(pending.popleft().result().data)
