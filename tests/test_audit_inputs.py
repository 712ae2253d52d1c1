"""`recruitsim audit` on inputs that must not hurt (issue 11; reliability report of 2026-11, row
"audit CSVs"): unreadable files, spellings of a missing value, duplicate column names, names that
would break a message over lines, and groups × strata large enough to blow up a dense count."""

import builtins
import errno
import io
import sys
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator.cli import main

from audit_cli import audit_json
from simulator.core.audit import LISTED, MISSING_VALUES, audit_frame, shown

DATA = Path(__file__).resolve().parent / "data" / "audit_inputs"


def refused(capsys, path, *args) -> str:
    """Run the audit in this process; assert exit code 2 and one line naming the file; return it."""
    code = main(["audit", str(path), *args])
    out, err = capsys.readouterr()
    assert code == 2, (out, err)
    assert len(err.splitlines()) == 1 and err.endswith("\n"), repr(err)
    assert str(path) in err and "Traceback" not in err
    return err


def csv_file(tmp_path, text: str, name: str = "decisions.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def two_groups(group_a="a", group_b="b", rows=10) -> list[str]:
    return [f"{group_a},{i % 2}" for i in range(rows)] + [f"{group_b},{i % 3 == 0:d}" for i in range(rows)]


GROUP_ARGS = ("--group", "g", "--selected", "selected")


# ---------------------------------------------------------------------------------------------
# Files that cannot be read
# ---------------------------------------------------------------------------------------------

def test_unreadable_file_says_permission_denied(capsys, tmp_path, monkeypatch):
    """A file with mode 000 is "cannot be read (permission denied)", not a PermissionError traceback."""
    path = csv_file(tmp_path, "g,selected\n" + "\n".join(two_groups()) + "\n")
    path.chmod(0)
    try:
        if not Path(path).exists() or _can_read(path):  # root reads anything: refuse the way the OS would
            real_open = builtins.open

            def denying_open(file, *args, **kwargs):
                if str(file) == str(path):
                    raise PermissionError(errno.EACCES, "Permission denied", str(file))
                return real_open(file, *args, **kwargs)
            monkeypatch.setattr(builtins, "open", denying_open)
        err = refused(capsys, path, *GROUP_ARGS)
    finally:
        path.chmod(0o644)
    assert "cannot be read (permission denied)" in err


def _can_read(path: Path) -> bool:
    try:
        with open(path, "rb"):
            return True
    except PermissionError:
        return False


def test_a_folder_is_named_a_folder(capsys, tmp_path):
    """A folder given as the file is "is a folder, not a file", not "file not found" or IsADirectoryError."""
    folder = tmp_path / "decisions.csv"
    folder.mkdir()
    assert "is a folder, not a file" in refused(capsys, folder, *GROUP_ARGS)


@pytest.mark.parametrize("content", [bytes(range(256)) * 4, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(100),
                                     b"g,selected\na,1\x00\x00\x00b,0\n"])
def test_a_binary_file_is_refused_in_one_line(capsys, tmp_path, content):
    """Binary data in a .csv (random bytes, a PNG, NUL bytes in text) is one line saying it is not CSV text."""
    path = tmp_path / "decisions.csv"
    path.write_bytes(content)
    assert "is a binary file, not CSV text" in refused(capsys, path, *GROUP_ARGS)


def _workbook_bytes() -> bytes:
    """A ZIP holding xl/workbook.xml: what is checked before openpyxl is asked to read a workbook."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<worksheet>" + "<row/>" * 200 + "</worksheet>")
    return buffer.getvalue()


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 cut short", _workbook_bytes()[:300], b"not a workbook at all",
                                     b"PK\x05\x06" + bytes(18)])
def test_a_damaged_workbook_is_refused_in_one_line(capsys, tmp_path, content):
    """An empty, truncated or corrupt .xlsx (or an empty ZIP) is one line saying it is not a readable workbook."""
    path = tmp_path / "decisions.xlsx"
    path.write_bytes(content)
    assert "is not a readable Excel workbook" in refused(capsys, path, *GROUP_ARGS)


def test_a_workbook_without_openpyxl_says_what_to_install(capsys, tmp_path, monkeypatch):
    """An .xlsx where openpyxl cannot be imported (a broken install) names the package, in one line."""
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # import openpyxl -> ImportError
    path = tmp_path / "decisions.xlsx"
    path.write_bytes(_workbook_bytes())
    assert "needs the 'openpyxl' package" in refused(capsys, path, *GROUP_ARGS)


def test_a_zip_without_a_workbook_part_stays_one_short_line(capsys, tmp_path):
    """A ZIP whose xl/workbook.xml openpyxl cannot use is one short line, not openpyxl's exception."""
    path = tmp_path / "decisions.xlsx"
    path.write_bytes(_workbook_bytes())
    err = refused(capsys, path, *GROUP_ARGS)
    assert "cannot be read as an Excel workbook" in err and len(err) < len(str(path)) + 250


# ---------------------------------------------------------------------------------------------
# Missing values
# ---------------------------------------------------------------------------------------------

SPELLINGS = ["NaN", "nan", "NA", "N/A", "n/a", "null", "NULL", "Null", "#N/A", "<NA>", "", "   ", "\t"]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_missing_spellings_are_unknown_not_groups(capsys, tmp_path, spelling):
    """NaN, NA, N/A, null, #N/A, empty and whitespace (any case) in a group or strata column are
    counted as unknown for that column and never appear as a group or a stratum."""
    lines = ["g,s,selected"]
    for i in range(60):
        group = spelling if i % 6 == 0 else "a" if i % 2 else "b"
        stratum = spelling if i % 5 == 0 else f"v{i % 3}"
        lines.append(f'"{group}",{stratum},{int(i % 4 == 0 or (i % 2 and i % 3 == 0))}')
    path = csv_file(tmp_path, "\n".join(lines) + "\n")
    data = audit_json(capsys, path, *GROUP_ARGS, "--strata", "s")
    assert data["unknown"] == {"g": 10, "s": 12}
    known = {g["group"] for g in data["groups"] if g["status"] != "unknown"}
    assert known == {"a", "b"}
    assert all(st["n_strata"] <= 3 for st in data["stratified"])


def test_the_word_none_stays_a_group(capsys, tmp_path):
    """'None' is a real answer ("disability: none"), so it is a group, not a missing value (the documented choice)."""
    assert "none" not in MISSING_VALUES
    path = csv_file(tmp_path, "g,selected\n" + "\n".join(two_groups("None", "some")) + "\n")
    data = audit_json(capsys, path, *GROUP_ARGS)
    assert data["unknown"] == {"g": 0}
    assert {g["group"] for g in data["groups"]} == {"None", "some"}


def test_a_frame_with_real_nan_and_none_counts_them_as_unknown():
    """A frame handed to audit_frame with NaN or None cells counts them as unknown, not as a group 'nan' or 'None'."""
    frame = pd.DataFrame({"g": ["a", "b", None, np.nan] * 10, "selected": ["1", "0", "1", "0"] * 10})
    audit = audit_frame(frame, ["g"], "selected")
    assert audit.unknown == {"g": 20}
    assert set(audit.groups.loc[audit.groups["status"] != "unknown", "group"]) == {"a", "b"}


@pytest.mark.parametrize("value", ["NA", "", "  ", "null", "#N/A"])
def test_a_missing_decision_is_left_out_and_counted(capsys, tmp_path, value):
    """Rows without a decision are left out of every count and counted in no_decision, never taken as yes or no."""
    lines = two_groups()
    lines[2] = f"a,{value}"
    lines[7] = "a,null"
    path = csv_file(tmp_path, "g,selected\n" + "\n".join(lines) + "\n")
    data = audit_json(capsys, path, *GROUP_ARGS)
    full = pd.read_csv(path, dtype=str, keep_default_na=False)
    decided = full[~full["selected"].str.strip().str.lower().isin(["na", "", "null", "#n/a"])]
    assert data["no_decision"] == 2 and data["rows_read"] == len(full) and data["rows"] == len(decided)
    a = next(g for g in data["groups"] if g["group"] == "a")
    assert a["n"] == int((decided["g"] == "a").sum()) and a["selected"] == int(((decided["g"] == "a")
                                                                                 & (decided["selected"] == "1")).sum())
    assert main(["audit", str(path), *GROUP_ARGS]) == 0
    assert "2 rows have no decision in column “selected” and are left out of the audit." in capsys.readouterr().out


def test_a_selected_column_without_any_decision_is_refused(capsys, tmp_path):
    """A selected column that is empty in every row is one line saying there is nothing to audit."""
    path = csv_file(tmp_path, "g,selected\n" + "\n".join(f"{'ab'[i % 2]},NA" for i in range(10)) + "\n")
    assert "has no decision in any row" in refused(capsys, path, *GROUP_ARGS)


def test_a_column_of_only_missing_values_says_so(capsys, tmp_path):
    """A group column holding nothing but missing values says it has no values (not 'only one value')."""
    path = csv_file(tmp_path, "g,selected\n" + "\n".join(f"NA,{i % 2}" for i in range(10)) + "\n")
    assert "column 'g' has no values" in refused(capsys, path, *GROUP_ARGS)


# ---------------------------------------------------------------------------------------------
# Column names
# ---------------------------------------------------------------------------------------------

def test_a_duplicate_column_is_refused(capsys, tmp_path):
    """Two columns named 'gender' (after stripping) are refused naming both positions, not the first used."""
    rows = [f"m,{i % 2},x,f" for i in range(10)] + [f"f,{i % 3 == 0:d},y,m" for i in range(10)]
    path = csv_file(tmp_path, "gender,selected,other, gender \n" + "\n".join(rows) + "\n")
    err = refused(capsys, path, "--group", "gender", "--selected", "selected")
    assert "column 'gender' appears twice (columns 1 and 4)" in err


def test_a_duplicate_column_that_is_not_used_does_no_harm(capsys, tmp_path):
    """A name that appears twice but is not audited does not stop the audit (only an ambiguous choice does)."""
    path = csv_file(tmp_path, "note,g,selected,note\n" + "\n".join(f"x,{r},y" for r in two_groups()) + "\n")
    assert audit_json(capsys, path, *GROUP_ARGS)["rows"] == 20


def test_a_frame_with_a_duplicate_column_is_refused():
    """audit_frame refuses a frame holding a requested column twice instead of using the first."""
    frame = pd.DataFrame([["a", "1", "b"], ["b", "0", "a"]] * 5, columns=["g", "selected", "g"])
    with pytest.raises(ValueError, match=r"column 'g' appears twice \(columns 1 and 3\)"):
        audit_frame(frame, ["g"], "selected", file="f.csv")


def test_the_cr_in_header_reproducer_gives_one_line(capsys):
    """The reliability report's reproducer (a carriage return in a quoted column name): the column,
    named as it is written, is audited; a name holding a carriage return that is not there is one line."""
    path = DATA / "two_line_message_cr_in_header.csv"
    data = audit_json(capsys, path, "--group", "\r=1", "--selected", "selected")
    assert data["rows"] == 158 and {g["group"] for g in data["groups"]} == {"man", "non-binary", "woman"}
    err = refused(capsys, path, "--group", "x\r=1", "--selected", "selected")
    assert "no column 'x\\r=1' (columns: =1, origin, selected)" in err


@pytest.mark.parametrize("name, escaped", [("a\rb", "a\\rb"), ("x\ny", "x\\ny"), ("t\tu", "t\\tu"),
                                           ("bell\x07", "bell\\x07"), ("rtl\u202eevil", "rtl\\u202eevil")])
def test_control_characters_in_names_are_escaped(capsys, tmp_path, name, escaped):
    """CR, LF, tab, other controls and bidi overrides inside a column name are shown escaped, on one line."""
    path = csv_file(tmp_path, f'"{name}",selected\n' + "\n".join(two_groups()) + "\n")
    err = refused(capsys, path, "--group", "missing", "--selected", "selected")
    assert f"columns: {escaped}, selected" in err


def test_control_characters_in_a_value_are_escaped(capsys, tmp_path):
    """A non-binary decision holding a line break is quoted escaped in the one-line message."""
    lines = two_groups()
    lines[3] = 'a,"ye\r\ns"'
    path = csv_file(tmp_path, "g,selected\n" + "\n".join(lines) + "\n")
    assert "row 5 has 'ye\\r\\ns'" in refused(capsys, path, *GROUP_ARGS)


def test_the_text_report_keeps_file_values_on_their_lines(capsys, tmp_path):
    """Group names holding a line break or carriage return are printed escaped in the text report
    (table, verdict), so a value cannot add or overwrite lines; the JSON keeps them as they are."""
    lines = two_groups('"line\nbreak"', '"carriage\rreturn"', rows=30)
    path = csv_file(tmp_path, "g,selected\n" + "\n".join(lines) + "\n")
    assert main(["audit", str(path), *GROUP_ARGS]) == 0
    out = capsys.readouterr().out
    assert "line\\nbreak" in out and "carriage\\rreturn" in out
    assert "\r" not in out and "line\nbreak" not in out
    groups = {g["group"] for g in audit_json(capsys, path, *GROUP_ARGS)["groups"]}
    assert groups == {"line\nbreak", "carriage\rreturn"}


def test_long_names_are_shortened(capsys, tmp_path):
    """A 5,000-character column name or value is shown as a ~40-character excerpt, not in full."""
    long = "n" * 5000
    path = csv_file(tmp_path, f"{long},selected\n" + "\n".join(two_groups()) + "\n")
    err = refused(capsys, path, "--group", "g" * 5000, "--selected", "selected")
    assert "n" * 40 + "…" in err and "n" * 41 not in err and "g" * 41 not in err
    assert len(err) < len(str(path)) + 200


def test_ten_thousand_columns_are_not_all_listed(capsys, tmp_path):
    """A message listing 10,000 columns lists the first 20 and then "… and 9,980 more"."""
    header = ",".join(f"column_{i}" for i in range(10_000))
    path = csv_file(tmp_path, header + "\n" + ",".join("1" for _ in range(10_000)) + "\n")
    err = refused(capsys, path, "--group", "g", "--selected", "selected")
    assert f"column_{LISTED - 1}, … and 9,980 more)" in err and f"column_{LISTED}," not in err
    assert len(err) < len(str(path)) + 500


def test_shown_escapes_and_cuts_without_splitting_an_escape():
    """shown() escapes line breaks as repr does and never ends an excerpt on half an escape."""
    assert shown("a\r\nb") == "a\\r\\nb"
    cut = shown("x" * 38 + "\x07" * 10)
    assert cut == "x" * 38 + "…" and len(shown("y" * 500)) == 41
    assert shown("p\na/th.csv", None) == "p\\na/th.csv"


# ---------------------------------------------------------------------------------------------
# Strata: vectorised, the same numbers, and nothing that grows with groups × strata
# ---------------------------------------------------------------------------------------------

def test_stratified_numbers_match_statsmodels_directly():
    """The sparse per-stratum counting gives the CMH, Mantel–Haenszel odds ratio and Breslow–Day that
    statsmodels gives on tables counted independently with pandas (strata without the focal group or
    without a stratum value left out)."""
    from scipy.stats import chi2
    from statsmodels.stats.contingency_tables import StratifiedTable

    rng = np.random.default_rng(11)
    n = 3000
    group = rng.choice(["a", "b", "c"], n, p=[0.5, 0.3, 0.2])
    stratum = rng.choice([f"s{i}" for i in range(6)], n).astype(object)
    stratum[(group == "c") & (stratum == "s5")] = "s4"  # a stratum without c
    stratum[rng.random(n) < 0.03] = "NA"  # rows without a stratum
    chance = np.where(group == "a", 0.35, np.where(group == "b", 0.25, 0.3)) + np.char.count(stratum.astype(str), "2") * 0.2
    selected = rng.random(n) < chance
    frame = pd.DataFrame({"g": group, "s": stratum, "selected": np.where(selected, "1", "0")})
    audit = audit_frame(frame, ["g"], "selected", "s")
    assert audit.unknown["s"] == int((stratum == "NA").sum())
    results = {st["group"]: st for st in audit.stratified}
    assert set(results) == {"b", "c"} and all(st["reference_group"] == "a" for st in audit.stratified)
    known = frame[frame["s"] != "NA"]
    for focal, st in results.items():
        tables = []
        for _, part in known.groupby("s", sort=True):
            ref, foc = part[part["g"] == "a"], part[part["g"] == focal]
            table = [[(ref["selected"] == "1").sum(), (ref["selected"] == "0").sum()],
                     [(foc["selected"] == "1").sum(), (foc["selected"] == "0").sum()]]
            if min(np.sum(table, axis=0).min(), np.sum(table, axis=1).min()) > 0:
                tables.append(table)
        expected = StratifiedTable(np.transpose(np.array(tables, dtype=float), (1, 2, 0)))
        assert st["n_strata"] == len(tables) == (5 if focal == "c" else 6)
        assert st["mh_odds_ratio"] == pytest.approx(expected.oddsratio_pooled, rel=1e-12)
        plain = expected.test_null_odds(correction=False).statistic
        assert st["cmh_statistic_uncorrected"] == pytest.approx(plain, rel=1e-12)
        assert st["cmh_p_value_uncorrected"] == pytest.approx(chi2.sf(plain, 1), rel=1e-9)
        bd = expected.test_equal_odds(adjust=True)
        assert st["breslow_day_statistic"] == pytest.approx(bd.statistic, rel=1e-9)
        assert st["breslow_day_p_value"] == pytest.approx(bd.pvalue, rel=1e-9)


def test_a_stratum_per_row_costs_no_groups_times_strata_memory():
    """500 groups × 20,000 strata (a candidate number given as the strata column) is counted without
    a groups × strata array: the audit's peak allocation stays far below the 160 MB a dense count takes."""
    rng = np.random.default_rng(5)
    rows = 20_000
    frame = pd.DataFrame({"g": rng.integers(0, 500, rows).astype(str), "s": np.arange(rows).astype(str),
                          "selected": rng.integers(0, 2, rows).astype(str)})
    audit_frame(frame.head(200), ["g"], "selected", "s")  # imports and caches outside the measurement
    tracemalloc.start()
    try:
        audit = audit_frame(frame, ["g"], "selected", "s")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert audit.unknown["s"] == 0
    assert peak < 60 * 2 ** 20, f"peak {peak / 2 ** 20:.0f} MB"
