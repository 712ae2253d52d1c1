"""`recruitsim audit FILE.xlsx` on workbooks shaped like real exports (issue 14): several sheets, blank
rows, Dutch ja/nee, numbers stored as numbers, formulas with and without a saved value, a password-
protected workbook and a damaged sheet. Counts are compared with an independent pandas computation."""

import re
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest

from simulator.cli import main

from audit_cli import audit_json
from simulator.core.audit import AuditInputError, audit_file, read_decisions

ARGS = ("--group", "geslacht", "--group", "leeftijd", "--selected", "uitgenodigd")


def refused(capsys, path, *args) -> str:
    """Run the audit; assert exit code 2 and one line naming the file; return the line."""
    code = main(["audit", str(path), *args])
    out, err = capsys.readouterr()
    assert code == 2, (out, err)
    assert len(err.splitlines()) == 1 and str(path) in err and "Traceback" not in err, err
    return err


def export_rows(n: int, seed: int) -> list[list]:
    """Rows like an ATS export: gender text, age band as a number, Dutch ja/nee, sometimes a missing group."""
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(n):
        gender = rng.choice(["man", "vrouw", "X", ""], p=[0.45, 0.45, 0.05, 0.05])
        age = int(rng.choice([25, 35, 45, 55]))
        chosen = rng.random() < (0.5 if gender == "man" else 0.35)
        rows.append([gender or None, age, rng.choice(["ja", "Ja", "JA"]) if chosen else rng.choice(["nee", "Nee"])])
    return rows


def write_book(path, sheets: dict[str, list[list]]) -> None:
    """A workbook with the sheets given, in order (the first replaces openpyxl's default sheet)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    book.save(path)


def expected(rows: list[list]) -> dict:
    """The counts per gender computed directly with pandas from the rows written (blank rows dropped)."""
    frame = pd.DataFrame([r for r in rows if any(v is not None for v in r)], columns=["g", "age", "sel"])
    frame["sel"] = frame["sel"].str.lower().eq("ja")
    known = frame[frame["g"].notna()]
    return {"rows": len(frame), "selected": int(frame["sel"].sum()), "unknown": int(frame["g"].isna().sum()),
            "n": known.groupby("g").size().to_dict(), "sel": known.groupby("g")["sel"].sum().astype(int).to_dict()}


def test_a_chosen_sheet_with_blank_rows_matches_pandas(capsys, tmp_path):
    """--sheet reads that sheet; blank rows are skipped and counted; counts per group equal pandas' own."""
    rows = export_rows(600, 1)
    body = []
    for i, row in enumerate(rows):
        body.append(row)
        if i % 97 == 0:
            body.append([None, None, None])
    path = tmp_path / "export.xlsx"
    write_book(path, {"Toelichting": [["Export van het ATS"], ["kolommen: zie tabblad 2"]],
                      "Besluiten": [["geslacht", "leeftijd", "uitgenodigd"], *body]})
    data = audit_json(capsys, path, *ARGS, "--sheet", "Besluiten")
    want = expected(body)
    assert data["sheet"] == "Besluiten" and data["blank_rows"] == body.count([None, None, None]) > 0
    assert (data["rows"], data["selected"], data["unknown"]["geslacht"]) == (want["rows"], want["selected"],
                                                                             want["unknown"])
    singles = {g["group"]: g for g in data["groups"] if g["attribute"] == "geslacht" and g["status"] != "unknown"}
    assert {g: v["n"] for g, v in singles.items()} == want["n"]
    assert {g: v["selected"] for g, v in singles.items() if v.get("selected") is not None} == \
        {g: v for g, v in want["sel"].items() if singles[g].get("selected") is not None}
    ages = {g["group"] for g in data["groups"] if g["attribute"] == "leeftijd"}
    assert ages == {"25", "35", "45", "55"}  # numbers read as numbers, written without '.0'


def test_the_first_sheet_is_the_default(capsys, tmp_path):
    """Without --sheet the first sheet is read, whatever the others hold."""
    first, second = export_rows(200, 2), export_rows(300, 3)
    path = tmp_path / "export.xlsx"
    header = ["geslacht", "leeftijd", "uitgenodigd"]
    write_book(path, {"Q1": [header, *first], "Q2": [header, *second]})
    data = audit_json(capsys, path, *ARGS)
    assert data["sheet"] == "Q1" and data["rows"] == 200 and data["selected"] == expected(first)["selected"]


def test_a_missing_sheet_names_the_sheets_there_are(capsys, tmp_path):
    """--sheet with a name the workbook lacks lists the sheets it has, in one line."""
    path = tmp_path / "export.xlsx"
    write_book(path, {"Q1": [["geslacht", "leeftijd", "uitgenodigd"], ["man", 25, "ja"]], "Q2": [["x"]]})
    err = refused(capsys, path, *ARGS, "--sheet", "Q3")
    assert "no sheet 'Q3' (sheets: Q1, Q2)" in err


def test_sheet_is_refused_for_a_csv(capsys, tmp_path):
    """--sheet on a CSV file says a CSV has no sheets instead of ignoring the option."""
    path = tmp_path / "export.csv"
    path.write_text("geslacht,leeftijd,uitgenodigd\nman,25,ja\n", encoding="utf-8")
    assert "--sheet is for .xlsx files" in refused(capsys, path, *ARGS, "--sheet", "Q1")


def test_a_bad_decision_names_the_sheet_row(capsys, tmp_path):
    """A value that is no decision is reported at its row in the sheet, blank rows above it included."""
    path = tmp_path / "export.xlsx"
    rows = [["geslacht", "leeftijd", "uitgenodigd"], ["man", 25, "ja"], [None, None, None], [None, None, None],
            ["vrouw", 35, "misschien"], ["man", 45, "nee"]]
    write_book(path, {"Data": rows})
    err = refused(capsys, path, *ARGS)
    assert "sheet 'Data'" in err and "row 5 has 'misschien'" in err


def _with_cached(path, cached: dict[str, str]) -> None:
    """Write into a saved workbook the value Excel would save beside each formula (openpyxl never does)."""
    with zipfile.ZipFile(path) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    for ref, value in cached.items():
        sheet, count = re.subn(rf'(<c r="{ref}"[^>]*>)(<f>[^<]*</f>)<v\s*/?>(</v>)?', rf"\1\2<v>{value}</v>", sheet)
        assert count == 1, (ref, sheet[:500])
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as archive:
        for n, data in parts.items():
            archive.writestr(n, data)


def test_a_formula_is_read_as_its_saved_value(capsys, tmp_path):
    """A formula cell with a saved value counts as that value (here a decision computed from a score)."""
    path = tmp_path / "export.xlsx"
    rows = [["geslacht", "leeftijd", "uitgenodigd", "score"]] + [["man", 25, "=IF(D2>5,1,0)", 7]] + \
        [["vrouw", 35, "nee", 3], ["man", 45, "ja", 8]] * 6
    write_book(path, {"Data": rows})
    _with_cached(path, {"C2": "1"})
    data = audit_json(capsys, path, *ARGS)
    assert data["rows"] == 13 and data["selected"] == 7


def test_a_formula_without_a_saved_value_is_named(capsys, tmp_path):
    """A formula nobody calculated (no saved value) in a column that is read: one line naming sheet, row and column."""
    path = tmp_path / "export.xlsx"
    rows = [["geslacht", "leeftijd", "uitgenodigd"], ["man", 25, "ja"], ["vrouw", 35, "=1-1"], ["man", 45, "nee"]]
    write_book(path, {"Data": rows})
    err = refused(capsys, path, *ARGS)
    assert "sheet 'Data': cell C3 (row 3, column C) holds a formula without a saved value" in err


def test_a_formula_in_a_column_not_read_does_no_harm(capsys, tmp_path):
    """An uncalculated formula outside the columns audited does not stop the audit."""
    path = tmp_path / "export.xlsx"
    rows = [["geslacht", "leeftijd", "uitgenodigd", "notitie"], ["man", 25, "ja", "=A2&B2"],
            ["vrouw", 35, "nee", None]] * 5
    write_book(path, {"Data": [rows[0]] + [r for r in rows if r[0] != "geslacht"]})
    assert audit_json(capsys, path, *ARGS)["rows"] == 10


def _encrypted_bytes() -> bytes:
    """The start of an OLE compound file holding an 'EncryptionInfo' stream, as Excel writes a workbook
    saved with a password (enough for the check; a real one needs an encryption library to make)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    directory = "Root Entry".encode("utf-16-le").ljust(128, b"\0") + \
        "EncryptionInfo".encode("utf-16-le").ljust(128, b"\0") + "EncryptedPackage".encode("utf-16-le").ljust(128, b"\0")
    return header + directory + bytes(1024)


def test_a_password_protected_workbook_says_so(capsys, tmp_path):
    """An encrypted workbook is named password-protected in one line, not 'damaged'."""
    path = tmp_path / "export.xlsx"
    path.write_bytes(_encrypted_bytes())
    assert "password-protected" in refused(capsys, path, *ARGS)


def test_an_old_xls_renamed_to_xlsx_says_so(capsys, tmp_path):
    """An OLE file without encryption under an .xlsx name is called an old .xls workbook."""
    path = tmp_path / "export.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2048))
    assert "old Excel (.xls)" in refused(capsys, path, *ARGS)


def test_an_unreadable_sheet_names_file_and_sheet(capsys, tmp_path):
    """A sheet whose XML is damaged is one line naming the file and the sheet."""
    path = tmp_path / "export.xlsx"
    write_book(path, {"Data": [["geslacht", "leeftijd", "uitgenodigd"], ["man", 25, "ja"]]})
    with zipfile.ZipFile(path) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"][:200]  # cut off mid-element
    with zipfile.ZipFile(path, "w") as archive:
        for n, data in parts.items():
            archive.writestr(n, data)
    err = refused(capsys, path, *ARGS)
    assert "sheet 'Data'" in err and "cannot be read" in err


def test_an_empty_sheet_and_a_header_only_sheet_are_named(capsys, tmp_path):
    """An empty sheet and a sheet with only a header each get one line naming the sheet."""
    path = tmp_path / "export.xlsx"
    write_book(path, {"Leeg": [], "Kop": [["geslacht", "leeftijd", "uitgenodigd"], [None, None, None]]})
    assert "sheet 'Leeg': the sheet has no rows" in refused(capsys, path, *ARGS)
    assert "sheet 'Kop': has a header but no rows" in refused(capsys, path, *ARGS, "--sheet", "Kop")


def test_booleans_and_whole_numbers_are_decisions(tmp_path):
    """Excel TRUE/FALSE and 1/0 (stored as numbers, 1.0 included) are read as decisions."""
    path = tmp_path / "export.xlsx"
    write_book(path, {"Data": [["g", "s"], ["a", True], ["a", False], ["b", 1], ["b", 0.0], ["b", 1.0]]})
    audit = audit_file(str(path), ["g"], "s")
    assert (audit.rows, audit.selected, audit.sheet, audit.blank_rows) == (5, 3, "Data", 0)


def test_read_decisions_reads_only_the_columns_asked(tmp_path):
    """read_decisions with columns returns those, stripped, with the sheet's row numbers kept for messages."""
    path = tmp_path / "export.xlsx"
    write_book(path, {"Data": [[" g ", "x", "s"], ["a", "q", "ja"], [None, None, None], ["b", "r", "nee"]]})
    frame = read_decisions(str(path), ["g", "s"])
    assert list(frame.columns) == ["g", "s"] and frame["g"].tolist() == ["a", "b"]
    assert frame.attrs["row_numbers"] == (2, 4) and frame.attrs["blank_rows"] == 1
    with pytest.raises(AuditInputError, match="no column 'y'"):
        read_decisions(str(path), ["y"])


def test_the_text_report_names_the_sheet_and_blank_rows(capsys, tmp_path):
    """The printed report says which sheet was read and how many blank rows were skipped, in Dutch too."""
    path = tmp_path / "export.xlsx"
    rows = export_rows(100, 4)
    write_book(path, {"Besluiten": [["geslacht", "leeftijd", "uitgenodigd"], *rows[:50], [], *rows[50:]]})
    assert main(["audit", str(path), *ARGS, "--lang", "nl"]) == 0
    out = capsys.readouterr().out
    assert "Werkblad ‘Besluiten’; lege rijen overgeslagen: 1." in out


def _both_readers(monkeypatch, path, **kwargs):
    """read_decisions of ``path`` with python-calamine and again with openpyxl alone."""
    from simulator.core import audit

    fast = read_decisions(str(path), **kwargs)
    monkeypatch.setattr(audit, "_calamine", lambda: None)
    slow = read_decisions(str(path), **kwargs)
    monkeypatch.undo()
    return fast, slow


def test_calamine_and_openpyxl_read_a_sheet_alike(monkeypatch, tmp_path):
    """The fast reader and openpyxl agree: header = first non-blank row, texts (dates, TRUE, 30.0, -2.5), row numbers, blank rows."""
    import datetime

    path = tmp_path / "export.xlsx"
    rows = [[None], ["Toelichting boven de kop"], [None, None],
            ["geslacht", "datum", "score", "uitgenodigd", "leeg"],
            ["man", datetime.datetime(2024, 3, 1), 30.0, True, None],
            [None, None, None, None, None],
            ["vrouw", datetime.datetime(2024, 3, 1, 9, 30), -2.5, False, None],
            ["=1+1", datetime.date(2024, 3, 2), 1, 1, None],
            ["X", None, "30", "ja", "  "]]
    write_book(path, {"Data": rows})
    _with_cached(path, {"A8": "2"})
    fast, slow = _both_readers(monkeypatch, path)
    assert {k: fast.attrs[k] for k in ("row_numbers", "blank_rows", "sheet")} == \
        {k: slow.attrs[k] for k in ("row_numbers", "blank_rows", "sheet")} == \
        {"row_numbers": (4, 5, 7, 8, 9), "blank_rows": 2, "sheet": "Data"}
    assert list(fast.columns) == list(slow.columns) == ["Toelichting boven de kop", "", "", "", ""]
    as_text = lambda frame: frame.astype(str).to_numpy().tolist()  # noqa: E731
    assert as_text(fast) == as_text(slow)
    assert as_text(fast)[1:4] == [["man", "2024-03-01", "30", "True", ""], ["vrouw", "2024-03-01 09:30:00", "-2.5", "False", ""],
                                  ["2", "2024-03-02", "1", "1", ""]]


def test_true_and_one_stay_apart_in_one_column(tmp_path):
    """A column holding both TRUE and 1 keeps them as two texts (Python counts True == 1)."""
    path = tmp_path / "export.xlsx"
    write_book(path, {"Data": [["g", "s"], [True, 1], [1, 0], [False, True], [0, False]]})
    frame = read_decisions(str(path))
    assert frame["g"].astype(str).tolist() == ["True", "1", "False", "0"]
    assert frame["s"].astype(str).tolist() == ["1", "0", "True", "False"]


def test_preview_reads_the_first_rows_and_lists_the_sheets(tmp_path):
    """preview gives the first rows of every column below the header; sheet_names lists a workbook's sheets, [] for CSV."""
    from simulator.core.audit import preview, sheet_names

    path = tmp_path / "export.xlsx"
    body = export_rows(300, 5)
    write_book(path, {"Uitleg": [["lees mij"]], "Besluiten": [["geslacht", "leeftijd", "uitgenodigd"], [None] * 3, *body]})
    assert sheet_names(str(path)) == ["Uitleg", "Besluiten"]
    frame = preview(str(path), sheet="Besluiten", rows=20)
    assert list(frame.columns) == ["geslacht", "leeftijd", "uitgenodigd"] and len(frame) == 20
    assert frame["uitgenodigd"].astype(str).tolist() == [r[2] for r in body[:20]]
    assert frame.attrs["row_numbers"][0] == 3 and frame.attrs["blank_rows"] == 1
    csv_path = tmp_path / "export.csv"
    csv_path.write_text("a;b\n" + "x;1\n" * 100, encoding="utf-8")
    assert sheet_names(str(csv_path)) == [] and len(preview(str(csv_path), rows=7)) == 7
    with pytest.raises(AuditInputError, match="no sheet 'Q9'"):
        preview(str(path), sheet="Q9")


def test_a_header_only_sheet_is_refused_by_preview_too(tmp_path):
    """preview gives the same one-line message as the full read for a sheet with a header but no rows."""
    from simulator.core.audit import preview

    path = tmp_path / "export.xlsx"
    write_book(path, {"Kop": [["geslacht", "uitgenodigd"]]})
    with pytest.raises(AuditInputError, match="sheet 'Kop': has a header but no rows"):
        preview(str(path))


def test_progress_is_reported_and_ends_at_one(tmp_path):
    """read_decisions calls progress with rising fractions between 0 and 1, the last one 1.0, for CSV and XLSX."""
    path = tmp_path / "export.xlsx"
    write_book(path, {"Data": [["geslacht", "leeftijd", "uitgenodigd"], *export_rows(200, 6)]})
    csv_path = tmp_path / "export.csv"
    csv_path.write_text("g;s\n" + "a;ja\nb;nee\n" * 200_000, encoding="utf-8")
    for file in (path, csv_path):
        seen = []
        read_decisions(str(file), progress=seen.append)
        assert seen == sorted(seen) and seen[-1] == 1.0 and all(0 <= f <= 1 for f in seen)
    assert len(seen) > 5  # the CSV of 2.4 MB reports on the way, not only at the end


def test_a_chart_sheet_is_named_and_skipped_by_default(capsys, tmp_path):
    """A chart sheet chosen with --sheet is one line; without --sheet the first sheet of rows is read,
    and sheet_names lists only sheets of rows."""
    from openpyxl.chart import BarChart, Reference

    from simulator.core.audit import sheet_names

    path = tmp_path / "export.xlsx"
    book = openpyxl.Workbook()
    data = book.active
    data.title = "Data"
    for row in [["geslacht", "leeftijd", "uitgenodigd"], *export_rows(60, 7)]:
        data.append(row)
    chart = book.create_chartsheet("Grafiek", 0)
    bars = BarChart()
    bars.add_data(Reference(data, min_col=2, min_row=1, max_row=10))
    chart.add_chart(bars)
    book.save(path)
    assert "sheet 'Grafiek': is a chart, not a sheet of rows" in refused(capsys, path, *ARGS, "--sheet", "Grafiek")
    assert audit_json(capsys, path, *ARGS)["sheet"] == "Data"
    assert sheet_names(str(path)) == ["Data"]


@pytest.mark.parametrize("text, words", [
    ("geslacht,uitgenodigd\n", None),
    ("geslacht\tuitgenodigd\nman\tja\nvrouw\tnee\n", "it looks separated by tabs"),
    ("geslacht|uitgenodigd\nman|ja\nvrouw|nee\n", "separated by commas or semicolons"),
    ("geslacht\nman\nvrouw\n", "separated by commas or semicolons"),
])
def test_a_file_of_one_column_says_so(capsys, tmp_path, text, words):
    """A CSV that reads as one column (tabs, pipes, or truly one column) is one line saying so and why;
    a header without rows says that instead."""
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    err = refused(capsys, path, "--group", "geslacht", "--selected", "uitgenodigd")
    assert ("has only one column" in err and words in err) if words else "has a header but no rows" in err


def test_a_sheet_of_one_column_says_so(capsys, tmp_path):
    """A sheet with one column names the sheet and the column, in one line."""
    path = tmp_path / "export.xlsx"
    write_book(path, {"Data": [["geslacht"], ["man"], ["vrouw"]]})
    err = refused(capsys, path, *ARGS)
    assert "sheet 'Data': has only one column ('geslacht'); an audit needs a group column and a decision column" in err


def test_a_selected_column_with_three_values_names_the_sheet_row(capsys, tmp_path):
    """ja / nee / onbekend in a workbook's selected column: one line naming sheet, column and the row of the third value."""
    path = tmp_path / "export.xlsx"
    rows = [["geslacht", "leeftijd", "uitgenodigd"]] + [["man", 25, "ja"], ["vrouw", 35, "nee"]] * 10 + \
        [["man", 45, "onbekend"]]
    write_book(path, {"Besluiten": rows})
    err = refused(capsys, path, *ARGS)
    assert "sheet 'Besluiten': column 'uitgenodigd' must be binary" in err and "row 22 has 'onbekend'" in err


def test_one_group_only_in_a_workbook_names_the_column(capsys, tmp_path):
    """A group column with one value in a workbook is one line naming the sheet, the column and the value."""
    path = tmp_path / "export.xlsx"
    write_book(path, {"Data": [["geslacht", "leeftijd", "uitgenodigd"]] + [["vrouw", 25, "ja"], ["vrouw", 35, "nee"]] * 5})
    err = refused(capsys, path, *ARGS)
    assert "sheet 'Data': column 'geslacht' has only one value ('vrouw')" in err


class _Cancelled(Exception):
    """What a window's progress callback raises to stop a read."""


@pytest.mark.parametrize("kind", ["csv", "xlsx", "xlsx-openpyxl"])
def test_what_progress_raises_stops_the_read_unchanged(monkeypatch, tmp_path, kind):
    """An exception raised by the progress callback (a cancel) comes out of read_decisions as it was raised."""
    from simulator.core import audit

    if kind == "csv":
        path = tmp_path / "export.csv"
        path.write_text("g;s\n" + "a;ja\nb;nee\n" * 200_000, encoding="utf-8")
    else:
        path = tmp_path / "export.xlsx"
        write_book(path, {"Data": [["geslacht", "leeftijd", "uitgenodigd"], *export_rows(12_000, 8)]})
        if kind == "xlsx-openpyxl":
            monkeypatch.setattr(audit, "_calamine", lambda: None)
    seen = []

    def cancel(fraction):
        seen.append(fraction)
        if fraction > 0:
            raise _Cancelled("stop")
    with pytest.raises(_Cancelled, match="stop"):
        read_decisions(str(path), progress=cancel)
    assert seen[-1] < 1.0


def test_saved_formula_values_are_read_by_the_fast_reader(monkeypatch, tmp_path):
    """A sheet whose formulas all have saved values is read by python-calamine (openpyxl is not needed),
    shared formulas with a namespace prefix included; one without a saved value goes to openpyxl."""
    from simulator.core import audit

    path = tmp_path / "export.xlsx"
    rows = [["geslacht", "leeftijd", "uitgenodigd", "score"], ["man", 25, "=IF(D2>5,1,0)", 7]] + \
        [["vrouw", 35, "nee", 3], ["man", 45, "ja", 8]] * 6
    write_book(path, {"Data": rows})
    _with_cached(path, {"C2": "1"})
    monkeypatch.setattr(audit, "_read_with_openpyxl", lambda *a: pytest.fail("openpyxl was asked"))
    assert read_decisions(str(path), ["uitgenodigd"])["uitgenodigd"].tolist()[0] == "1"
    assert not audit._uncalculated_formulas(path, "Data")
    with zipfile.ZipFile(path) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    parts["xl/worksheets/sheet1.xml"] = sheet.replace('<v>1</v>', '<x:v></x:v>').replace("<f>", '<x:f t="shared" si="0">') \
        .replace("</f>", "</x:f>").replace("<worksheet ", '<worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ').encode()
    with zipfile.ZipFile(path, "w") as archive:
        for n, data in parts.items():
            archive.writestr(n, data)
    assert audit._uncalculated_formulas(path, "Data")
