"""Audit errors in the text catalogue: the English as before (command line, tests), Dutch in a Dutch window."""

import pickle
import re
from pathlib import Path

import openpyxl
import pytest

from simulator.core.audit import AuditInputError, read_decisions
from simulator.core.audit_mapping import AuditMapping, check_mapping, load_mapping
from simulator.core.texts import catalogue

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "simulator" / "core" / "audit.py", ROOT / "simulator" / "core" / "audit_mapping.py",
           ROOT / "simulator" / "cli.py"]


def _encrypted_bytes() -> bytes:
    """The start of an OLE compound file with an 'EncryptionInfo' stream, as Excel saves a workbook with a password."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    directory = b"".join(name.encode("utf-16-le").ljust(128, b"\0")
                         for name in ("Root Entry", "EncryptionInfo", "EncryptedPackage"))
    return header + directory + bytes(1024)


def _refusal(work) -> AuditInputError:
    """The AuditInputError ``work()`` raises."""
    with pytest.raises(AuditInputError) as info:
        work()
    return info.value


def _empty(tmp_path):
    """An empty CSV file."""
    path = tmp_path / "leeg.csv"
    path.write_bytes(b"")
    return str(path), lambda: read_decisions(str(path))


def _no_column(tmp_path):
    """A CSV without the column asked for."""
    path = tmp_path / "export.csv"
    path.write_text("geslacht,uitkomst\nvrouw,ja\n", encoding="utf-8")
    return str(path), lambda: read_decisions(str(path), ["geslacht", "Vacature"])


def _three_times(tmp_path):
    """A CSV that has one column three times."""
    path = tmp_path / "dubbel.csv"
    path.write_text("a,a,a,b\n1,2,3,4\n", encoding="utf-8")
    return str(path), lambda: read_decisions(str(path), ["a", "b"])


def _encrypted(tmp_path):
    """A password-protected workbook."""
    path = tmp_path / "geheim.xlsx"
    path.write_bytes(_encrypted_bytes())
    return str(path), lambda: read_decisions(str(path))


def _header_only_sheet(tmp_path):
    """A workbook whose sheet has a header and no rows."""
    path = tmp_path / "kop.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Kop"
    book.active.append(["geslacht", "uitkomst"])
    book.save(path)
    return str(path), lambda: read_decisions(str(path))


def _no_groups(tmp_path):
    """A mapping that names no group column."""
    return "export.csv", lambda: check_mapping(AuditMapping("Status", []), ["Status", "Geslacht"], "export.csv")


def _damaged_json(tmp_path):
    """A saved mapping cut short."""
    path = tmp_path / "indeling.json"
    path.write_text('{\n  "kind": ', encoding="utf-8")
    return str(path), lambda: load_mapping(str(path))


CASES = {
    "empty": (_empty, "{f}: the file is empty", "{f}: het bestand is leeg"),
    "no_column": (_no_column, "{f}: no column 'Vacature' (columns: geslacht, uitkomst)",
                  "{f}: geen kolom 'Vacature' (kolommen: geslacht, uitkomst)"),
    "column_times": (_three_times, "{f}: column 'a' appears 3 times (columns 1, 2 and 3); rename one so it is clear "
                     "which to use", "{f}: kolom 'a' komt 3 keer voor (kolommen 1, 2 en 3); geef ze andere namen, "
                     "zodat duidelijk is welke bedoeld is"),
    "encrypted": (_encrypted, "{f}: is a password-protected (encrypted) workbook; open it in Excel, remove the password "
                  "and save it again, or save the sheet as CSV", "{f}: is een met een wachtwoord beveiligde "
                  "(versleutelde) werkmap; open het bestand in Excel, verwijder het wachtwoord en sla het opnieuw op, "
                  "of sla het werkblad op als CSV"),
    "sheet": (_header_only_sheet, "{f}, sheet 'Kop': has a header but no rows",
              "{f}, werkblad 'Kop': heeft een kopregel maar geen rijen"),
    "no_groups": (_no_groups, "{f}: the mapping names no group column; choose at least one (gender, age, origin, …)",
                  "{f}: de indeling noemt geen groepskolom; kies er minstens één (geslacht, leeftijd, herkomst, …)"),
    "damaged_json": (_damaged_json, "{f}: is not a column mapping (not valid JSON (line 2))",
                     "{f}: is geen kolomindeling (geen geldige JSON (regel 2))"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_an_error_keeps_its_english_and_reads_in_dutch(case, tmp_path):
    """str() is the English message as before; message('nl') is Dutch with the same names and numbers."""
    make, english, dutch = CASES[case]
    name, work = make(tmp_path)
    error = _refusal(work)
    assert str(error) == english.format(f=name) == error.message("en")
    assert error.message("nl") == dutch.format(f=name)


def test_a_sentence_instead_of_a_key_is_shown_as_it_is():
    """An error raised with a written-out message (code older than the catalogue) shows that message in any language."""
    error = AuditInputError("data.csv: something new went wrong")
    assert str(error) == error.message("nl") == "data.csv: something new went wrong"


def test_an_error_pickles_as_its_key_and_values(tmp_path):
    """A pickled error (sent to another process) comes back with its key, values and both languages."""
    error = _refusal(_no_column(tmp_path)[1])
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is AuditInputError and again.key == error.key == "no_column"
    assert str(again) == str(error) and again.message("nl") == error.message("nl")


def test_every_error_text_is_used_and_every_key_raised_exists():
    """Each [audit.error] key is named in the code (none is dead) and each key the code raises has a text."""
    code = "\n".join(path.read_text(encoding="utf-8") for path in SOURCES)
    keys = {k.removeprefix("audit.error.") for k in catalogue("en") if k.startswith("audit.error.")}
    assert len(keys) > 60
    assert sorted(k for k in keys if f'"{k}"' not in code) == []
    raised = set(re.findall(r'(?:AuditInputError|Phrase)\(\s*"([a-z0-9_.]+)"', code))
    assert len(raised) > 50 and raised - keys == set()
    calls = re.findall(r'(?<!class )AuditInputError\(\s*(.{0,30})', code)
    assert len(calls) > 70
    assert [c for c in calls if not re.match(r'("[a-z0-9_]+"|key,)', c)] == []  # a key, never a sentence


def test_the_dutch_window_shows_the_dutch_message(qtbot, tmp_path):
    """An empty file opened in the Dutch audit window is refused in Dutch, naming the file."""
    from simulator.gui.audit_window import AuditWindow

    win = AuditWindow("nl")
    qtbot.addWidget(win)
    path = tmp_path / "leeg.csv"
    path.write_bytes(b"")
    with qtbot.waitSignal(win.audit_ready, timeout=60000):
        win.open_file(str(path))
    assert win.error == f"{path}: het bestand is leeg"
