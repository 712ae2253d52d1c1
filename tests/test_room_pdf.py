"""The room's one-page summary and a room's participation records as PDF: pages, text, names, errors."""

import sqlite3

import pytest
from pypdf import PdfReader

from rooms import make_room
from simulator.cli import main
from simulator.core.classroom import read_room
from simulator.core.room_summary import room_summary
from simulator.core.texts import percent, pick, t
from test_handout import pages, pdf_text, same


@pytest.fixture(scope="module")
def room_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("room-pdf") / "room"
    truth = make_room(folder)
    return folder, truth


@pytest.fixture(scope="module")
def files(room_folder):
    return read_room([room_folder[0]])


def _write(qapp, room, lang, path, attribute="gender"):
    from simulator.gui.handout import write_room_summary

    return write_room_summary(room_summary(room, lang, attribute), path)


def _a4(path) -> bool:
    box = PdfReader(path).pages[0].mediabox
    return [round(float(v)) for v in (box.left, box.bottom, box.right, box.top)] == [0, 0, 595, 842]


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_room_summary_is_one_a4_page_with_core_numbers(qapp, files, tmp_path, lang):
    """One A4 page with the scenario's title, the participant count, each group's room rate as core formats it, and each quiz question's share right."""
    room = files.room()
    target = tmp_path / "room.pdf"
    assert _write(qapp, room, lang, target) == 1
    assert pages(target) == 1 and _a4(target)
    text = pdf_text(target)
    assert same(pick(room.title, lang)) in text
    assert same(t("summary.meta", lang, date="", participants="30", files="30", skipped="4").split("·")[1]) in text
    rows = room.unaided[(room.unaided["attribute"] == "gender") & (room.unaided["side"] == "room")
                        & (room.unaided["n"] > 0)]
    assert len(rows) >= 2
    for r in rows.to_dict("records"):
        assert same(f"{percent(r['rate'], lang)} ({r['selected']}/{r['n']})") in text
    for q in room.quiz:
        share = t("summary.share", lang, part=str(q["correct"]), whole=str(q["answered"]),
                  percent=percent(q["correct"] / q["answered"], lang, 0))
        assert same(share) in text


def test_room_summary_names_only_when_asked(qapp, files, room_folder, tmp_path):
    """Without names asked for, no participant's name is on the page; with them, every name is."""
    _, truth = room_folder
    anonymous, named = tmp_path / "a.pdf", tmp_path / "n.pdf"
    _write(qapp, files.room(), "en", anonymous)
    _write(qapp, files.room(names=True), "en", named)
    assert not any(same(name) in pdf_text(anonymous) for name in truth.names)
    assert all(same(name) in pdf_text(named) for name in truth.names)
    assert pages(named) == 1


def test_room_summary_stays_on_one_page_for_every_attribute(qapp, files, tmp_path):
    """The longest layouts (Dutch, names shown, the attribute with most groups) still fit one page."""
    room = files.room(names=True)
    for attribute in ("gender", "age_band", "origin", "disability", "parent"):
        for lang in ("en", "nl"):
            target = tmp_path / f"{attribute}-{lang}.pdf"
            assert _write(qapp, room, lang, target, attribute) == 1, (attribute, lang)


def test_cli_class_pdf(capsys, room_folder, tmp_path):
    """`recruitsim class PATH --pdf FILE` writes the one-page summary and says so; skipped files still get their line."""
    folder, _ = room_folder
    target = tmp_path / "groep.pdf"
    code = main(["class", str(folder), "--pdf", str(target), "--lang", "nl"])
    out, err = capsys.readouterr()
    assert code == 0
    assert out.rstrip().splitlines()[-1] == t("cli.class.pdf_written", "nl", path=str(target))
    assert err.count("\n") == 4 and pages(target) == 1
    assert same(t("summary.title", "nl", title="")) in pdf_text(target)


@pytest.mark.parametrize("where, expected", [
    ("missing/room.pdf", "cannot write the PDF file (the folder"),
    (".", "is a folder"),
])
def test_cli_class_pdf_bad_path_is_one_line(capsys, room_folder, tmp_path, where, expected):
    """A PDF path that cannot be written is one line naming it, exit 2, before any session file is read."""
    folder, _ = room_folder
    target = tmp_path / where
    code = main(["class", str(folder), "--pdf", str(target)])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and err.count("\n") == 1
    assert str(target) in err and expected in err


# ---------------------------------------------------------------------------------------------
# Participation records of a room
# ---------------------------------------------------------------------------------------------

def _latest_quiz(path):
    """Right answers and questions answered, from the file's own rows (the latest answer per question)."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    latest = {}
    for question, correct in db.execute("SELECT question, correct FROM quiz ORDER BY id"):
        latest[question] = bool(correct)
    db.close()
    return sum(latest.values()), len(latest)


def test_one_record_per_participant_with_their_quiz_score(qapp, files, room_folder, tmp_path):
    """A room of 30 gives 30 one-page records named after the participants, each with the quiz score their session file holds."""
    from simulator.core.record import room_records
    from simulator.gui.handout import write_records

    folder, truth = room_folder
    written = write_records(room_records(files.sessions, "en"), tmp_path)
    assert sorted(p.name for p in written) == sorted(f"{n.replace(' ', '-')}.pdf" for n in truth.names)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in written)  # no temporary files left
    for k, name in enumerate(truth.names):
        right, answered = _latest_quiz(folder / f"p{k:02d}.rbsession")
        target = tmp_path / f"{name.replace(' ', '-')}.pdf"
        text = pdf_text(target)
        assert same(name) in text and pages(target) == 1
        assert same(t("record.quiz_score", "en", right=str(right), total=str(answered))) in text


def test_record_cli_counts_the_session_quiz(capsys, room_folder, tmp_path):
    """`recruitsim record --session FILE` counts the quiz answers and challenges stored in a schema-2 session file."""
    from simulator.core.record import from_session
    from simulator.core.session import read

    folder, truth = room_folder
    session = folder / "p05.rbsession"  # answered twice: the latest answer counts
    right, answered = _latest_quiz(session)
    work = from_session(read(session))
    assert (work.quiz_right, work.quiz_answered) == (right, answered)
    assert work.challenges == int(truth.challenges[5])
    target = tmp_path / "r.pdf"
    assert main(["record", "--session", str(session), "--out", str(target)]) == 0
    capsys.readouterr()
    assert same(t("record.quiz_score", "en", right=str(right), total=str(answered))) in pdf_text(target)


def test_record_file_names_are_safe_and_distinct():
    """Names become safe file names (no folders, no reserved names), and two alike get -2."""
    from simulator.core.record import file_stem, unique_stems

    assert file_stem("../../etc/passwd") == "etc-passwd"
    assert file_stem("Zoë d’Ancona") == "Zoë-d-Ancona"
    assert file_stem("CON") == "CON-" and file_stem("???") == "participant"
    assert unique_stems(["Ann", "ann", "Bo"]) == ["Ann", "ann-2", "Bo"]


def test_record_write_failure_keeps_no_half_file(qapp, files, tmp_path, monkeypatch):
    """When the disk fills on the third record, two whole files remain, no part-file, and the error names the third."""
    from pathlib import Path

    from simulator.core.record import room_records
    from simulator.gui.handout import RecordsError, write_records

    real = Path.write_bytes
    calls = []

    def failing(self, data):
        calls.append(self)
        if len(calls) == 3:
            real(self, data[: len(data) // 2])
            raise OSError(28, "No space left on device")
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing)
    records = room_records(files.sessions, "en")
    with pytest.raises(RecordsError) as info:
        write_records(records, tmp_path)
    assert len(info.value.written) == 2 and info.value.path.name == f"{records[2][0]}.pdf"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in info.value.written)


# ---------------------------------------------------------------------------------------------
# The class view's buttons
# ---------------------------------------------------------------------------------------------

def _view(qtbot, folder, lang="en"):
    from simulator.gui.class_view import ClassView
    from simulator.gui.style import configure_pyqtgraph

    configure_pyqtgraph()
    view = ClassView(lang)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.room_ready, timeout=30000):
        view.open_paths([folder])
    return view


def test_class_view_exports_summary_and_records(qtbot, room_folder, tmp_path):
    """Both exports run in a worker and report one line: the summary of the room on screen, and 30 records in the folder."""
    folder, truth = room_folder
    view = _view(qtbot, folder, "nl")
    target = tmp_path / "groep.pdf"
    with qtbot.waitSignal(view.exported, timeout=30000) as signal:
        assert view.export_summary(str(target))
    message, problem = signal.args
    assert problem == "" and str(target) in message and pages(target) == 1
    assert not any(same(n) in pdf_text(target) for n in truth.names)
    out = tmp_path / "bewijzen"
    out.mkdir()
    with qtbot.waitSignal(view.exported, timeout=60000) as signal:
        assert view.export_records(str(out))
    message, problem = signal.args
    assert problem == "" and message == t("gui.class.records_saved", "nl", count=30, path=str(out))
    assert len(list(out.glob("*.pdf"))) == 30
    with qtbot.waitSignal(view.exported, timeout=30000) as signal:
        assert view.export_records(str(tmp_path / "gone"))
    message, problem = signal.args
    assert "\n" not in problem and problem.startswith("0 van 30") and str(tmp_path / "gone") in problem
