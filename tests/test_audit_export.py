"""`recruitsim audit --csv` and core.audit_export.write_audit_csv (issue 14): the group table as the app
shows it, hidden cells without their numbers, and group or column names that look like spreadsheet
formulas written as text, never as formulas (numbers stay numbers)."""

import csv
import io

import numpy as np
import pandas as pd
import pytest

from simulator.cli import main
from simulator.core.audit import audit_file
from simulator.core.audit_export import write_audit_csv

# A leading tab or carriage return does not survive reading (values are stripped); spreadsheet_safe
# covers them where a text keeps them (tests/test_export.py).
RISKY = ['=HYPERLINK("http://evil.example","klik")', "+1", "@SUM(A1)", "-2", "-", "=1+1 × 2"]


def decisions(path, groups=RISKY, rows=120, seed=1, column="herkomst", extra=None):
    """A semicolon CSV: one group column whose values are ``groups`` (about ``rows`` each), and ja/nee."""
    rng = np.random.default_rng(seed)
    values = [g for g in groups for _ in range(rows)] + list(extra or [])
    chosen = rng.random(len(values)) < np.where(np.array(values) == groups[0], 0.25, 0.45)
    frame = pd.DataFrame({column: values, "uitgenodigd": np.where(chosen, "ja", "nee")})
    frame.to_csv(path, sep=";", index=False)
    return frame


def read_back(path) -> list[list[str]]:
    """The CSV's rows as a spreadsheet in the file's language splits them (Dutch: semicolons)."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        text = fh.read()
    return list(csv.reader(text.splitlines(), delimiter=";" if text.split("\n")[0].count(";") else ","))


def runs_as_formula(cell: str) -> bool:
    """Whether a spreadsheet would take the cell for a formula: it starts with =, +, -, @, tab or CR and
    is not a plain number."""
    if cell[:1] not in ("=", "+", "-", "@", "\t", "\r"):
        return False
    try:
        float(cell)
    except ValueError:
        return True
    return False


def test_formula_like_group_names_are_written_as_text(capsys, tmp_path):
    """Groups named =HYPERLINK(…), +1, @SUM, -2, -: each cell in the CSV starts with an apostrophe;
    no cell of the file would run as a formula, and a negative z stays a plain number."""
    source, out = tmp_path / "export.csv", tmp_path / "groepen.csv"
    decisions(source)
    assert main(["audit", str(source), "--group", "herkomst", "--selected", "uitgenodigd", "--csv", str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    rows = read_back(out)
    cells = [cell for row in rows for cell in row]
    assert [c for c in cells if runs_as_formula(c)] == []
    groups = [row[1] for row in rows[1:]]
    assert sorted(groups) == sorted("'" + g for g in RISKY)
    z = [float(row[rows[0].index("z")]) for row in rows[1:] if row[rows[0].index("z")]]
    assert any(v < 0 for v in z)  # written as numbers, a minus sign and all


def test_a_formula_like_column_name_is_written_as_text(tmp_path):
    """A column called "=cmd|' /C calc'!A0" is written with an apostrophe in front, in every row."""
    source, out = tmp_path / "export.csv", tmp_path / "groepen.csv"
    decisions(source, groups=["a", "b"], column="=cmd|' /C calc'!A0")
    write_audit_csv(audit_file(str(source), ["=cmd|' /C calc'!A0"], "uitgenodigd"), out, "en")
    assert {row[0] for row in read_back(out)[1:]} == {"'=cmd|' /C calc'!A0"}


def test_numbers_match_an_independent_count_and_hidden_cells_have_none(tmp_path):
    """n and selected per group equal pandas' own count; a group of 3 is listed with its status and no numbers."""
    source, out = tmp_path / "export.csv", tmp_path / "groepen.csv"
    frame = decisions(source, groups=["NL", "TR", "MA"], rows=150, extra=["SR"] * 3)
    audit = audit_file(str(source), ["herkomst"], "uitgenodigd")
    write_audit_csv(audit, out, "en")
    header, *rows = read_back(out)
    assert header[:5] == ["column", "group", "n", "selected", "selection rate"] and header[-1] == "status"
    table = {row[1]: dict(zip(header, row)) for row in rows}
    want = frame.assign(sel=frame["uitgenodigd"].eq("ja")).groupby("herkomst")["sel"].agg(["size", "sum"])
    shown = [g for g in ("NL", "TR", "MA") if table[g]["n"]]
    assert len(shown) >= 2  # one may be hidden too, so that SR cannot be worked out from the total
    for group in shown:
        assert (int(table[group]["n"]), int(table[group]["selected"])) == tuple(want.loc[group])
        assert float(table[group]["selection rate"]) == pytest.approx(want.loc[group, "sum"] / want.loc[group, "size"],
                                                                      abs=1e-4)
    for hidden in [table["SR"]] + [table[g] for g in ("NL", "TR", "MA") if g not in shown]:
        assert hidden["status"].startswith("hidden") and all(hidden[h] == "" for h in header[2:-1])
    reference = next(r for r in table.values() if r["status"] == "reference group")
    assert reference["impact ratio"] == reference["Fisher p"] == ""


def test_dutch_header_and_status_words(tmp_path):
    """With lang nl the header and the status column are in Dutch."""
    source, out = tmp_path / "export.csv", tmp_path / "groepen.csv"
    decisions(source, groups=["man", "vrouw"], extra=["X"] * 2)
    write_audit_csv(audit_file(str(source), ["herkomst"], "uitgenodigd"), out, "nl")
    header, *rows = read_back(out)
    assert header[:5] == ["kolom", "groep", "n", "geselecteerd", "selectiepercentage"]
    statuses = {row[-1] for row in rows}
    assert "vergelijkingsgroep" in statuses and "verborgen: minder dan 5 mensen" in statuses


def test_the_audited_file_is_never_overwritten(capsys, tmp_path):
    """--csv naming the file being audited is refused in one line and the file stays as it was."""
    source = tmp_path / "export.csv"
    decisions(source, groups=["a", "b"])
    before = source.read_bytes()
    code = main(["audit", str(source), "--group", "herkomst", "--selected", "uitgenodigd", "--csv", str(source)])
    err = capsys.readouterr().err
    assert code == 2 and "file being audited" in err and len(err.splitlines()) == 1
    assert source.read_bytes() == before


def test_a_failed_write_is_one_line_and_leaves_no_part_file(capsys, tmp_path, monkeypatch):
    """A write that fails half-way is one line; the previous table stays and no .part file is left."""
    import os

    source, out = tmp_path / "export.csv", tmp_path / "groepen.csv"
    decisions(source, groups=["a", "b"])
    out.write_text("vorige tabel\n", encoding="utf-8")

    def full_disk(*args):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "replace", full_disk)
    code = main(["audit", str(source), "--group", "herkomst", "--selected", "uitgenodigd", "--csv", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and "cannot write the CSV file" in err and len(err.splitlines()) == 1
    assert out.read_text(encoding="utf-8") == "vorige tabel\n" and list(tmp_path.glob("*.part")) == []


def test_a_missing_value_row_and_intersections_are_listed(tmp_path):
    """Rows without a group value get a '(no value)' row per column; intersections are listed after the columns."""
    source, out = tmp_path / "export.csv", tmp_path / "groepen.csv"
    rng = np.random.default_rng(3)
    n = 600
    pd.DataFrame({"g": rng.choice(["a", "b", ""], n, p=[0.45, 0.45, 0.1]), "h": rng.choice(["x", "y"], n),
                  "s": rng.choice(["ja", "nee"], n)}).to_csv(source, sep=";", index=False)
    write_audit_csv(audit_file(str(source), ["g", "h"], "s"), out, "en")
    rows = read_back(out)[1:]
    columns = [row[0] for row in rows]
    assert columns == sorted(columns, key=["g", "h", "g × h"].index)
    assert ["g", "(no value)"] == rows[columns.index("h") - 1][:2]
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    assert "a × x" in text.getvalue()


def test_dutch_table_opens_in_dutch_excel(tmp_path):
    """In Dutch the table is written as Dutch Excel opens a CSV: semicolons, a decimal comma and a
    byte-order mark; in English commas, a decimal point and the mark too."""
    source, out = tmp_path / "d.csv", tmp_path / "nl.csv"
    decisions(source, groups=["man", "vrouw"])
    audit = audit_file(str(source), ["herkomst"], "uitgenodigd")
    write_audit_csv(audit, out, "nl")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header, *rows = read_back(out)
    rate = rows[0][header.index("selectiepercentage")]
    assert "," in rate and "." not in rate
    write_audit_csv(audit, tmp_path / "en.csv", "en")
    header, *rows = read_back(tmp_path / "en.csv")
    assert "." in rows[0][header.index("selection rate")]
