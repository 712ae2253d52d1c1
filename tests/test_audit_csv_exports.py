"""`recruitsim audit` on CSV files as they are exported in practice (issue 14): comma or semicolon,
UTF-8 with or without a byte-order mark, Windows-1252 from Excel's plain "CSV", and a decimal comma in
the selected column. Counts are compared with a direct computation over the rows written."""


import pytest

from simulator.cli import main

from audit_cli import audit_json

ROWS = [("José", "ja"), ("Zoë", "nee"), ("Ahmed", "ja"), ("Ahmed", "nee")] * 15 + [("René", "nee")] * 12


def write(path, rows, sep: str, encoding: str, bom: bool = False, header=("naam", "uitgenodigd")):
    """The rows as a CSV in the separator and encoding given."""
    text = sep.join(header) + "\r\n" + "".join(f"{a}{sep}{b}\r\n" for a, b in rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding))
    return path


def counts(data) -> dict:
    """{group: (n, selected)} of the single-column rows of an audit's JSON."""
    return {g["group"]: (g["n"], g["selected"]) for g in data["groups"] if g["status"] != "unknown"}


def direct(rows) -> dict:
    """{group: (n, selected)} counted straight from the rows."""
    out = {}
    for name, decision in rows:
        n, s = out.get(name, (0, 0))
        out[name] = (n + 1, s + (decision in ("ja", "1,0", "1")))
    return out


@pytest.mark.parametrize("sep", [",", ";"])
@pytest.mark.parametrize("encoding, bom", [("utf-8", False), ("utf-8", True), ("cp1252", False)])
def test_accented_names_read_in_every_encoding(capsys, tmp_path, sep, encoding, bom):
    """José, Zoë and René come out right from UTF-8 (with or without BOM) and Windows-1252, comma or semicolon."""
    path = write(tmp_path / "export.csv", ROWS, sep, encoding, bom)
    data = audit_json(capsys, path, "--group", "naam", "--selected", "uitgenodigd")
    assert counts(data) == direct(ROWS)
    assert data["encoding"] == ("Windows-1252" if encoding == "cp1252" else "UTF-8")


def test_windows_1252_after_the_first_64_kb_is_still_read(capsys, tmp_path):
    """A Windows-1252 file whose first accented letter comes after the sample that is checked reads right."""
    rows = [("Ahmed", "ja"), ("Anna", "nee")] * 4000 + [("José", "ja"), ("José", "nee")] * 5
    path = write(tmp_path / "export.csv", rows, ";", "cp1252")
    assert path.stat().st_size > 65536
    data = audit_json(capsys, path, "--group", "naam", "--selected", "uitgenodigd")
    assert counts(data)["José"] == (10, 5) and data["encoding"] == "Windows-1252"


def test_a_file_neither_utf8_nor_windows_1252_is_one_line(capsys, tmp_path):
    """Bytes that no Windows-1252 text holds (0x81) in a non-UTF-8 file give one line naming the file."""
    path = tmp_path / "export.csv"
    path.write_bytes(b"naam,uitgenodigd\r\n" + b"A\x81\xe9,ja\r\nB,nee\r\n" * 10)
    code = main(["audit", str(path), "--group", "naam", "--selected", "uitgenodigd"])
    err = capsys.readouterr().err
    assert code == 2 and len(err.splitlines()) == 1 and str(path) in err
    assert "neither UTF-8 nor Windows-1252" in err


@pytest.mark.parametrize("yes, no", [("1,0", "0,0"), ("1,00", "0,00"), ("1.0", "0.0"), ("+1", "-0")])
def test_a_decimal_comma_in_the_selected_column(capsys, tmp_path, yes, no):
    """A numeric selected column written with a decimal comma (as a Dutch Excel saves 1 and 0) is read as decisions."""
    rows = [(name, yes if d == "ja" else no) for name, d in ROWS]
    path = write(tmp_path / "export.csv", rows, ";", "utf-8")
    data = audit_json(capsys, path, "--group", "naam", "--selected", "uitgenodigd")
    assert counts(data) == direct([(n, "ja" if v == yes else "nee") for n, v in rows])


@pytest.mark.parametrize("value", ["0,5", "2", "1,5"])
def test_another_number_is_not_a_decision(capsys, tmp_path, value):
    """A number other than 1 or 0 in the selected column is refused naming the row, not rounded."""
    rows = ROWS[:10] + [("Ahmed", value)] + ROWS[10:]
    path = write(tmp_path / "export.csv", rows, ";", "utf-8")
    code = main(["audit", str(path), "--group", "naam", "--selected", "uitgenodigd"])
    err = capsys.readouterr().err
    assert code == 2 and f"row 12 has '{value}'" in err and len(err.splitlines()) == 1
