"""Session files: one SQLite file per review session that never loses an acknowledged decision.

The file holds the scenario as run (TOML text, with its seed and size), the participant's name,
every review decision and notes, and (since schema 2) the participant's quiz answers, challenge results
and self-check ratings, so a facilitator can collect the files and show the room's results. It runs in WAL mode with ``synchronous=FULL``; ``record()``
commits each decision before it returns, so a decision the app has acknowledged survives a killed
process. The pool is not stored: it is regenerated from the scenario and seed, bit for bit.

Files carry a ``schema_version`` in their ``meta`` table and load through ``MIGRATIONS``; a file from
a newer version is refused with a clear message, and a foreign or damaged file never crashes.
Files are data: nothing in them is executed.

Opening a file reads and checks all of it at once (``PRAGMA quick_check``, the tables and their
columns, every meta value, decision and note, and the stored scenario through the scenario
loader), so whatever is wrong is found there and reported as one ``SessionError`` line naming the
file, the record and the field; afterwards ``meta()``, ``decisions()`` and ``notes()`` answer from
what was checked and cannot fail. ``read(path)`` does the same for a reader that only looks (the
command line, a class overview): it needs no write access and closes the file again. A file or
folder that cannot be written opens read-only, and writing to it says so ("is read-only").
"""

from __future__ import annotations

import datetime as _dt
import math
import os
import re
import shutil
import sqlite3
import stat
import tempfile
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Callable

from .decision import ChallengeResult, Decision, QuizAnswer, SelfCheckRating
from .limits import excerpt, os_reason, shown

SCHEMA_VERSION = 2
APPLICATION_ID = 0x52425331  # "RBS1": marks the SQLite file as ours (PRAGMA application_id)
SUFFIX = ".rbsession"
MIN_SIZE = 10  # as for a scenario's pool.size (the maximum is scenario.MAX_POOL_SIZE)
MAX_SCENARIO_CHARS = 1_000_000  # the stored scenario's TOML text, as large as a scenario file may be

# The self-check before and after a workshop: statements a participant rates from 1 (not at all) to 5
# (fully). Their texts are ``selfcheck.statement.<key>`` in the catalogue.
SELF_CHECK_STATEMENTS = ("spot_proxy", "read_ratio", "small_numbers", "law", "oversight")
SELF_CHECK_PHASES = ("before", "after")
RATING_MIN, RATING_MAX = 1, 5

_RESULT_TABLES = """
CREATE TABLE quiz (id INTEGER PRIMARY KEY AUTOINCREMENT, time TEXT NOT NULL, question INTEGER NOT NULL,
                   option INTEGER NOT NULL, correct INTEGER NOT NULL);
CREATE TABLE challenges (id INTEGER PRIMARY KEY AUTOINCREMENT, time TEXT NOT NULL, challenge TEXT NOT NULL,
                         met INTEGER NOT NULL);
CREATE TABLE self_check (id INTEGER PRIMARY KEY AUTOINCREMENT, time TEXT NOT NULL, phase TEXT NOT NULL,
                         statement TEXT NOT NULL, rating INTEGER NOT NULL);
"""


def _v1_to_v2(db: sqlite3.Connection) -> None:
    """Schema 2 adds the participant's quiz answers, challenge results and self-check (all empty)."""
    for statement in filter(str.strip, _RESULT_TABLES.split(";")):
        db.execute(statement)


# Migrations from version N to N+1, applied in place on an open connection (on a copy in memory
# when the file is opened read-only).
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {1: _v1_to_v2}

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    time TEXT NOT NULL,
    candidate INTEGER NOT NULL,
    queue TEXT NOT NULL,
    machine_advice INTEGER NOT NULL,
    human_decision INTEGER NOT NULL,
    first_decision INTEGER,
    reason_code TEXT NOT NULL,
    reason_text TEXT NOT NULL,
    blind INTEGER NOT NULL,
    judge_first INTEGER NOT NULL,
    versus INTEGER NOT NULL,
    seconds REAL
);
CREATE TABLE notes (id INTEGER PRIMARY KEY AUTOINCREMENT, time TEXT NOT NULL, text TEXT NOT NULL);
""" + _RESULT_TABLES

_DECISION_COLUMNS = ("id", "time", "candidate", "queue", "machine_advice", "human_decision", "first_decision",
                     "reason_code", "reason_text", "blind", "judge_first", "versus", "seconds")
_NOTE_COLUMNS = ("id", "time", "text")
_QUIZ_COLUMNS = ("id", "time", "question", "option", "correct")
_CHALLENGE_COLUMNS = ("id", "time", "challenge", "met")
_SELF_CHECK_COLUMNS = ("id", "time", "phase", "statement", "rating")
_REQUIRED_META = ("scenario", "seed", "size")  # besides schema_version; participant, created, lang may be absent
_META_NAMES = {"scenario": "the stored scenario", "participant": "the participant's name", "seed": "seed", "size": "size",
               "created": "created", "lang": "lang", "schema_version": "schema_version",
               "learner": "the learner id"}  # as messages name them


class SessionError(ValueError):
    """A session file cannot be used; the message names the file and says why, on one line."""


# ---------------------------------------------------------------------------------------------
# How messages name files and quote stored values
# ---------------------------------------------------------------------------------------------

def _name(path) -> str:
    """A file name as a message shows it: on one line, whatever characters the name holds."""
    return shown(path, None)


def _one_line(text, limit: int = 120) -> str:
    """Text from elsewhere (SQLite, a parser) on one line, cut to ``limit`` characters."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


class _RawText(bytes):
    """A TEXT value as stored (SQLite's text_factory while checking): decoded, strictly, by ``_text``;
    a BLOB comes back as plain ``bytes``, so the two can be told apart."""


def _excerpt(value) -> str:
    """A stored value as a message quotes it: at most a short excerpt, on one line."""
    if isinstance(value, _RawText):
        value = value.decode("utf-8", "replace")
    elif isinstance(value, bytes):
        return f"binary data ({len(value):,} bytes)"
    if value is None:
        return "nothing (NULL)"
    return excerpt(value)


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).astimezone().isoformat(timespec="seconds")


# ---------------------------------------------------------------------------------------------
# Checking what a file holds
# ---------------------------------------------------------------------------------------------

def _text(value, where: str, field: str) -> str:
    if not isinstance(value, _RawText):
        raise SessionError(f"{where}: {field} must be text, got {_excerpt(value)}")
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        raise SessionError(f"{where}: {field} is damaged (its bytes are not UTF-8 text)") from None


def _whole(value, where: str, field: str, low: int, high: int) -> int:
    if type(value) is not int or not low <= value <= high:
        raise SessionError(f"{where}: {field} must be a whole number from {low:,} to {high:,}, got {_excerpt(value)}")
    return value


def _whole_text(text: str, where: str, field: str, low: int, high: int) -> int:
    """A whole number stored as text in the meta table (digits only: no sign, no spaces, no exponent)."""
    if not re.fullmatch(r"[0-9]{1,20}", text) or not low <= int(text) <= high:
        raise SessionError(f"{where}: {field} must be a whole number from {low:,} to {high:,}, got {_excerpt(text)}")
    return int(text)


def _flag(value, where: str, field: str, optional: bool = False) -> bool | None:
    if value is None and optional:
        return None
    if type(value) is not int or value not in (0, 1):
        allowed = "0, 1 or empty" if optional else "0 or 1"
        raise SessionError(f"{where}: {field} must be {allowed}, got {_excerpt(value)}")
    return bool(value)


def _seconds(value, where: str) -> float | None:
    if value is None:
        return None
    if type(value) not in (int, float) or not math.isfinite(value) or value < 0:
        raise SessionError(f"{where}: seconds must be a number of 0 or more (or empty), got {_excerpt(value)}")
    return float(value)


def _decision(row, size: int, name: str) -> tuple[int, Decision]:
    (rowid, time, candidate, queue, advice, human, first, code, text, blind, judge_first, versus, seconds) = row
    where = f"{name}: decision {rowid}"
    decision = Decision(
        candidate=_whole(candidate, where, "candidate", 0, size - 1),
        machine_advice=_flag(advice, where, "machine_advice"), human_decision=_flag(human, where, "human_decision"),
        reason_code=_text(code, where, "reason_code"), reason_text=_text(text, where, "reason_text"),
        queue=_text(queue, where, "queue"), blind=_flag(blind, where, "blind"),
        judge_first=_flag(judge_first, where, "judge_first"), versus=_flag(versus, where, "versus"),
        first_decision=_flag(first, where, "first_decision", optional=True), time=_text(time, where, "time"),
        seconds=_seconds(seconds, where))
    return rowid, decision


def _parse_scenario(text: str, name: str) -> dict:
    """The stored scenario's TOML, parsed (not yet checked field by field: see ``_build_scenario``)."""
    if len(text) > MAX_SCENARIO_CHARS:
        raise SessionError(f"{name}: the stored scenario is longer than {MAX_SCENARIO_CHARS:,} characters; "
                           "a scenario is a few tens of kilobytes")
    if not text.strip():
        raise SessionError(f"{name}: the stored scenario is empty")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SessionError(f"{name}: the stored scenario is damaged (not valid TOML: {_one_line(exc, 80)})") from None
    except RecursionError:
        raise SessionError(f"{name}: the stored scenario is damaged (nested too deeply to be a scenario)") from None


def _build_scenario(text: str, name: str, seed: int, size: int):
    """The stored scenario through the scenario loader, with the session's seed and pool size."""
    from .errors import ScenarioError
    from .scenario import from_dict

    data = _parse_scenario(text, name)
    try:
        scenario = from_dict(data, f"{name} (stored scenario)")
    except ScenarioError as exc:
        raise SessionError(_one_line(exc, 300)) from None
    except (RecursionError, TypeError, AttributeError, KeyError, IndexError, ValueError, OverflowError) as exc:
        # from_dict checks every field it knows; a stored scenario it did not foresee still ends in
        # a message about this file, not a traceback (a class overview reads many files in a row)
        raise SessionError(f"{name}: the stored scenario cannot be read ({type(exc).__name__}: "
                           f"{_one_line(exc, 60)})") from None
    scenario.pool.seed = seed
    scenario.pool.size = size
    return scenario


def _check_structure(db: sqlite3.Connection, name: str) -> None:
    """Ours (application id), undamaged (quick_check), with a meta table to read the schema version from."""
    if db.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
        raise SessionError(f"{name}: not a Recruitment Bias Simulator session (an SQLite file of another program)")
    problems = [bytes(row[0]).decode("utf-8", "replace") for row in db.execute("PRAGMA quick_check(3)")]
    if problems != ["ok"]:
        found = "; ".join(line for p in problems for line in p.splitlines() if line and not line.startswith("***"))
        raise SessionError(f"{name}: the session file is damaged (SQLite's check found: {_one_line(found, 100)})")
    _check_table(db, name, "meta", ("key", "value"))


def _check_table(db: sqlite3.Connection, name: str, table: str, wanted) -> None:
    kind = db.execute("SELECT type FROM sqlite_master WHERE name=?", (table,)).fetchone()
    if kind is None or bytes(kind[0]) != b"table":
        raise SessionError(f"{name}: the session file is damaged (its {table} table is missing)")
    have = {bytes(row[1]).decode("utf-8", "replace") for row in db.execute(f"PRAGMA table_info({table})")}
    missing = [c for c in wanted if c not in have]
    if missing:
        raise SessionError(f"{name}: the session file is damaged (its {table} table lacks the column"
                           f"{'s' if len(missing) > 1 else ''} {', '.join(missing)})")


def _schema_version(db: sqlite3.Connection, name: str) -> int:
    row = db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    if row is None:
        raise SessionError(f"{name}: the session file is damaged (its schema version is missing)")
    text = _text(row[0], name, "schema_version")
    if re.fullmatch(r"[0-9]{1,20}", text) and int(text) > SCHEMA_VERSION:
        raise SessionError(f"{name}: this session was saved by a newer version of the simulator "
                           f"(session schema {int(text)}); this version reads up to schema {SCHEMA_VERSION}. "
                           "Please update the app to open it.")
    if not re.fullmatch(r"[0-9]{1,20}", text) or int(text) < 1:
        raise SessionError(f"{name}: the session file is damaged (schema_version must be a whole number of 1 or more, "
                           f"got {_excerpt(text)})")
    return int(text)


def _read_contents(db: sqlite3.Connection, path: Path, name: str) -> "SessionContents":
    """Every meta value, decision and note, checked (the schema is current)."""
    from .scenario import MAX_POOL_SIZE, MAX_SEED

    meta: dict[str, str] = {}
    for key, value in db.execute("SELECT key, value FROM meta"):
        key = _text(key, name, "a meta key")
        meta[key] = _text(value, name, _META_NAMES.get(key, f"meta value {_excerpt(key)}"))
    for key in _REQUIRED_META:
        if key not in meta:
            raise SessionError(f"{name}: the session file is damaged (its {key} is missing)")
    seed = _whole_text(meta["seed"], name, "seed", 0, MAX_SEED)
    size = _whole_text(meta["size"], name, "size", MIN_SIZE, MAX_POOL_SIZE)
    ids: list[int] = []
    decisions: list[Decision] = []
    for row in db.execute(f"SELECT {', '.join(_DECISION_COLUMNS)} FROM decisions ORDER BY id"):
        rowid, decision = _decision(row, size, name)
        ids.append(rowid)
        decisions.append(decision)
    notes = []
    for rowid, time, text in db.execute("SELECT id, time, text FROM notes ORDER BY id"):
        where = f"{name}: note {rowid}"
        notes.append((_text(time, where, "time"), _text(text, where, "text")))
    scenario = _build_scenario(meta["scenario"], name, seed, size)  # refused here, with the field, if it is wrong
    results = _read_results(db, name, scenario)
    return SessionContents(path, meta, ids, decisions, notes, *results)


def _quiz_answer(row, scenario, name: str) -> QuizAnswer:
    rowid, time, question, option, correct = row
    where = f"{name}: quiz answer {rowid}"
    if not scenario.quiz:
        raise SessionError(f"{where}: the stored scenario has no quiz, yet an answer is stored")
    question = _whole(question, where, "question", 0, len(scenario.quiz) - 1)
    options = scenario.quiz[question].options
    option = _whole(option, where, "option", 0, max(len(options) - 1, 0))
    correct = _flag(correct, where, "correct")
    if correct != (option == scenario.quiz[question].answer):
        raise SessionError(f"{where}: correct is {int(correct)}, but option {option} is "
                           f"{'' if option == scenario.quiz[question].answer else 'not '}the stored scenario's answer")
    return QuizAnswer(question, option, correct, _text(time, where, "time"))


def _challenge_result(row, scenario, name: str) -> ChallengeResult:
    rowid, time, challenge, met = row
    where = f"{name}: challenge result {rowid}"
    challenge = _text(challenge, where, "challenge")
    known = [c.id for c in scenario.challenges]
    if challenge not in known:
        raise SessionError(f"{where}: challenge must be one of the stored scenario's challenges "
                           f"({', '.join(known) or 'it has none'}), got {_excerpt(challenge)}")
    return ChallengeResult(challenge, _flag(met, where, "met"), _text(time, where, "time"))


def _self_check_rating(row, name: str) -> SelfCheckRating:
    rowid, time, phase, statement, rating = row
    where = f"{name}: self-check rating {rowid}"
    phase = _text(phase, where, "phase")
    if phase not in SELF_CHECK_PHASES:
        raise SessionError(f"{where}: phase must be {' or '.join(SELF_CHECK_PHASES)}, got {_excerpt(phase)}")
    statement = _text(statement, where, "statement")
    if statement not in SELF_CHECK_STATEMENTS:
        raise SessionError(f"{where}: statement must be one of {', '.join(SELF_CHECK_STATEMENTS)}, "
                           f"got {_excerpt(statement)}")
    return SelfCheckRating(phase, statement, _whole(rating, where, "rating", RATING_MIN, RATING_MAX),
                           _text(time, where, "time"))


def _read_results(db: sqlite3.Connection, name: str, scenario):
    """Quiz answers, challenge results and self-check ratings, each checked against the stored scenario."""
    quiz = [_quiz_answer(row, scenario, name)
            for row in db.execute(f"SELECT {', '.join(_QUIZ_COLUMNS)} FROM quiz ORDER BY id")]
    challenges = [_challenge_result(row, scenario, name)
                  for row in db.execute(f"SELECT {', '.join(_CHALLENGE_COLUMNS)} FROM challenges ORDER BY id")]
    ratings = [_self_check_rating(row, name)
               for row in db.execute(f"SELECT {', '.join(_SELF_CHECK_COLUMNS)} FROM self_check ORDER BY id")]
    return quiz, challenges, ratings


def _sqlite_problem(name: str, exc: Exception) -> str:
    """What an SQLite error while reading means for the user, on one line."""
    message = _one_line(exc, 100) if not isinstance(exc, UnicodeDecodeError) else "its structure holds bytes that are not text"
    lower = message.lower()
    if "locked" in lower or "busy" in lower:
        return f"{name}: is in use by another program and cannot be read now ({message})"
    if "readonly" in lower or "read-only" in lower:
        return f"{name}: cannot be read in this read-only place ({message})"
    if "unable to open" in lower or "disk i/o" in lower or "permission" in lower:
        return f"{name}: cannot be read ({message})"
    return f"{name}: the session file is damaged ({message})"


# ---------------------------------------------------------------------------------------------
# Connecting: writable where allowed, read-only where not
# ---------------------------------------------------------------------------------------------

def _connect(target, **kwargs) -> sqlite3.Connection:
    """The one place a session file is connected to (tests replace it to simulate a full disk)."""
    return sqlite3.connect(target, isolation_level=None, **kwargs)


def _not_writable(path: Path) -> str | None:
    """Why the session file cannot be written (its -wal and -shm files sit in the same folder), or None."""
    if not os.access(path, os.W_OK):
        return "is read-only"
    if not os.access(path.parent if str(path.parent) else Path("."), os.W_OK):
        return "cannot be written (read-only folder)"
    return None


def _configure(db: sqlite3.Connection) -> None:
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")  # a committed decision is on disk, not only in the OS cache
    db.execute("PRAGMA foreign_keys=ON")


def _connect_read_only(path: Path) -> tuple[sqlite3.Connection, tempfile.TemporaryDirectory | None]:
    """A connection that never changes the session, for a file or folder that may be read-only.

    A WAL database normally needs its -shm file, which a read-only folder cannot hold. When no
    decisions wait in a -wal file, the database file alone is the whole session and SQLite can read it
    as immutable; when some do, it reads them in place if it can, or else from a private copy.
    """
    if _not_writable(path) is None:  # an ordinary connection that changes nothing (and tidies the WAL on close)
        db = _connect(path)
        db.execute("PRAGMA query_only=ON")
        return db, None
    uri = path.resolve().as_uri()
    wal = Path(f"{path}-wal")
    try:
        waiting = wal.stat().st_size > 0
    except OSError:
        waiting = False
    if not waiting:
        return _connect(f"{uri}?mode=ro&immutable=1", uri=True), None
    db = _connect(f"{uri}?mode=ro", uri=True)
    try:
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return db, None
    except sqlite3.OperationalError:
        db.close()
    temp = tempfile.TemporaryDirectory(prefix="recruitsim-session-")
    try:
        copy = Path(temp.name) / f"session{SUFFIX}"
        shutil.copyfile(path, copy)
        shutil.copyfile(wal, f"{copy}-wal")
        db = _connect(copy)
        db.execute("PRAGMA query_only=ON")
    except BaseException:
        temp.cleanup()
        raise
    return db, temp


# ---------------------------------------------------------------------------------------------
# The contents and the open file
# ---------------------------------------------------------------------------------------------

class SessionContents:
    """What a session file holds, checked: participant, scenario, decisions and notes.

    ``read(path)`` returns one (the file is closed again); an open ``Session`` is one too. Nothing
    here reads the file, so nothing here can fail on a damaged one.
    """

    def __init__(self, path: Path, meta: dict[str, str], ids: list[int], decisions: list[Decision],
                 notes: list[tuple[str, str]], quiz: list[QuizAnswer] | None = None,
                 challenges: list[ChallengeResult] | None = None, self_check: list[SelfCheckRating] | None = None):
        self.path = path
        self._meta = meta
        self._ids = ids
        self._decisions = decisions
        self._notes = notes
        self._quiz = quiz if quiz is not None else []
        self._challenges = challenges if challenges is not None else []
        self._self_check = self_check if self_check is not None else []

    def meta(self, key: str, default: str = "") -> str:
        return self._meta.get(key, default)

    @property
    def participant(self) -> str:
        return self.meta("participant")

    @property
    def seed(self) -> int:
        return int(self._meta["seed"])

    @property
    def size(self) -> int:
        return int(self._meta["size"])

    def scenario_toml(self) -> str:
        return self._meta["scenario"]

    def scenario(self):
        """The scenario as run, with the session's seed and pool size (a fresh object each time)."""
        return _build_scenario(self.scenario_toml(), _name(self.path), self.seed, self.size)

    def _stored_scenario(self):
        """The stored scenario, built once, for checking new records against (never handed out)."""
        if getattr(self, "_scenario_cache", None) is None:
            self._scenario_cache = self.scenario()
        return self._scenario_cache

    def decisions(self) -> list[Decision]:
        return [replace(d) for d in self._decisions]

    def decision_ids(self) -> list[int]:
        return list(self._ids)

    def notes(self) -> list[tuple[str, str]]:
        return list(self._notes)

    @property
    def learner(self) -> str:
        """The learner's random id (from their progress file), or "": tells one participant's files apart
        from another's without a name."""
        return self.meta("learner")

    def quiz_answers(self) -> list[QuizAnswer]:
        """Every answer given, in the order given (a question answered twice appears twice)."""
        return [replace(a) for a in self._quiz]

    def challenge_results(self) -> list[ChallengeResult]:
        return [replace(c) for c in self._challenges]

    def self_check(self) -> list[SelfCheckRating]:
        return [replace(r) for r in self._self_check]

    def latest_challenges(self) -> dict[str, bool]:
        """Each challenge's latest result: met or not."""
        return {c.challenge: c.met for c in self._challenges}

    def latest_self_check(self) -> dict[tuple[str, str], int]:
        """The latest rating per (phase, statement)."""
        return {(r.phase, r.statement): r.rating for r in self._self_check}


class Session(SessionContents):
    """An open session file. Use ``Session.create`` or ``Session.open``; close it when done.

    ``read_only_reason`` is None when decisions and notes can be added, else why not ("is read-only",
    "cannot be written (read-only folder)", "was opened read-only").
    """

    def __init__(self, connection: sqlite3.Connection, contents: SessionContents, read_only_reason: str | None = None,
                 temp: tempfile.TemporaryDirectory | None = None):
        super().__init__(contents.path, contents._meta, contents._ids, contents._decisions, contents._notes,
                         contents._quiz, contents._challenges, contents._self_check)
        self._db = connection
        self._temp = temp
        self.read_only_reason = read_only_reason

    # -- opening -------------------------------------------------------------------------------
    @classmethod
    def create(cls, path, scenario_toml: str, seed: int, size: int, participant: str = "",
               lang: str = "en", learner: str = "") -> "Session":
        """A new session file (an existing file at ``path`` is refused, never overwritten).

        If anything fails on the way (a full disk, a read-only folder), what was created is removed
        again, so a second try starts clean.
        """
        from .scenario import MAX_POOL_SIZE, MAX_SEED

        path = Path(path)
        name = _name(path)
        seed = _whole(int(seed), name, "seed", 0, MAX_SEED)
        size = _whole(int(size), name, "size", MIN_SIZE, MAX_POOL_SIZE)
        sides = [Path(f"{path}{end}") for end in ("-wal", "-shm", "-journal")]
        there = [p for p in sides if p.exists()]
        try:
            with open(path, "xb"):  # claims the name: a file that appears meanwhile is never overwritten
                pass
        except FileExistsError:
            raise SessionError(f"{name}: a file with this name already exists; choose another name") from None
        except OSError as exc:
            raise SessionError(_create_problem(path, exc)) from None
        meta = {"schema_version": str(SCHEMA_VERSION), "created": _now(), "participant": participant,
                "scenario": scenario_toml, "seed": str(seed), "size": str(size), "lang": lang}
        if learner:
            meta["learner"] = learner
        db = None
        try:
            db = _connect(path)
            _configure(db)
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            db.execute("BEGIN")
            for statement in filter(str.strip, _SCHEMA.split(";")):
                db.execute(statement)
            db.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", list(meta.items()))
            db.execute("COMMIT")
        except (sqlite3.Error, OSError) as exc:
            if db is not None:
                try:
                    db.close()
                except sqlite3.Error:
                    pass
            for created in [path] + [p for p in sides if p not in there]:
                try:
                    created.unlink(missing_ok=True)
                except OSError:
                    pass
            raise SessionError(_create_problem(path, exc)) from None
        return cls(db, SessionContents(path, meta, [], [], []))

    @classmethod
    def open(cls, path, read_only: bool = False) -> "Session":
        """Open an existing session file, check all of it, and migrate it if it is older.

        ``read_only=True`` never writes to the file (and needs no write access). Otherwise a file or
        folder that cannot be written still opens, read-only, with ``read_only_reason`` saying why.
        Anything wrong with the file raises ``SessionError`` here, never later.
        """
        path = Path(path)
        name = _name(path)
        try:
            kind = os.stat(path).st_mode
            if stat.S_ISDIR(kind):
                raise SessionError(f"{name}: is a folder, not a session file")
            if not stat.S_ISREG(kind):  # a pipe or a device would never end, or change as it is read
                raise SessionError(f"{name}: not a session file (it is not a regular file)")
            with open(path, "rb") as fh:
                header = fh.read(16)
        except FileNotFoundError:
            raise SessionError(f"{name}: file not found") from None
        except OSError as exc:
            raise SessionError(f"{name}: cannot be read ({os_reason(exc)})") from None
        if header != b"SQLite format 3\x00":
            raise SessionError(f"{name}: not a session file (it is not an SQLite database)")
        reason = "was opened read-only" if read_only else _not_writable(path)
        db = temp = None
        try:
            if reason is None:
                db = _connect(path)
                try:
                    _configure(db)
                except sqlite3.OperationalError as exc:
                    if "readonly" not in str(exc).lower():
                        raise
                    db.close()  # a read-only file system, or access control that os.access did not see
                    db, reason = None, "is read-only"
            if db is None:
                db, temp = _connect_read_only(path)
            db.text_factory = _RawText
            _check_structure(db, name)
            version = _schema_version(db, name)
            if version < SCHEMA_VERSION:
                if reason is not None:  # never write a file opened read-only: migrate a copy in memory
                    memory = sqlite3.connect(":memory:", isolation_level=None)
                    db.backup(memory)
                    db.close()
                    db = memory
                db.text_factory = str  # migrations read and write ordinary text
                while version < SCHEMA_VERSION:
                    if version not in MIGRATIONS:
                        raise SessionError(f"{name}: session schema {version} cannot be upgraded by this version")
                    db.execute("BEGIN")
                    MIGRATIONS[version](db)
                    version += 1
                    db.execute("UPDATE meta SET value=? WHERE key='schema_version'", (str(version),))
                    db.execute("COMMIT")
                db.text_factory = _RawText
            _check_table(db, name, "decisions", _DECISION_COLUMNS)
            _check_table(db, name, "notes", _NOTE_COLUMNS)
            _check_table(db, name, "quiz", _QUIZ_COLUMNS)
            _check_table(db, name, "challenges", _CHALLENGE_COLUMNS)
            _check_table(db, name, "self_check", _SELF_CHECK_COLUMNS)
            contents = _read_contents(db, path, name)
            db.text_factory = str
        except BaseException as exc:
            if db is not None:
                db.close()
            if temp is not None:
                temp.cleanup()
            if isinstance(exc, SessionError):
                raise
            if isinstance(exc, (sqlite3.Error, UnicodeDecodeError)):
                raise SessionError(_sqlite_problem(name, exc)) from None
            if isinstance(exc, OSError):
                raise SessionError(f"{name}: cannot be read ({os_reason(exc)})") from None
            raise
        return cls(db, contents, reason, temp)

    def close(self) -> None:
        self._db.close()
        if self._temp is not None:
            self._temp.cleanup()
            self._temp = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- writing ---------------------------------------------------------------------------------
    def check_writable(self) -> None:
        """Raise SessionError (e.g. "…: is read-only") if decisions and notes cannot be added."""
        if self.read_only_reason is not None:
            raise SessionError(f"{_name(self.path)}: {self.read_only_reason}")

    def _write(self, what: str, sql: str, values: tuple) -> sqlite3.Cursor:
        self.check_writable()
        try:
            return self._db.execute(sql, values)
        except sqlite3.Error as exc:
            raise SessionError(f"{_name(self.path)}: {what} could not be saved ({_one_line(exc, 80)})") from None

    def set_meta(self, key: str, value: str) -> None:
        self._write("the session details", "INSERT INTO meta (key, value) VALUES (?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET value=excluded.value", (key, value))
        self._meta[key] = value

    def record(self, d: Decision) -> int:
        """Store one decision and commit it before returning its id (the acknowledgement).

        The connection is in autocommit mode: the INSERT is its own transaction, written to the WAL
        and synced before ``execute`` returns. The caller takes the candidate from the session's
        pool; every open checks it against the stored pool size.
        """
        try:
            seconds = None if d.seconds is None else float(d.seconds)
        except (TypeError, ValueError):
            seconds = d.seconds  # refused just below, with the value
        seconds = _seconds(seconds, f"{_name(self.path)}: new decision")
        stored = replace(d, candidate=int(d.candidate), machine_advice=bool(d.machine_advice),
                         human_decision=bool(d.human_decision), blind=bool(d.blind), judge_first=bool(d.judge_first),
                         versus=bool(d.versus), first_decision=None if d.first_decision is None else bool(d.first_decision),
                         time=d.time or _now(), seconds=seconds)
        cur = self._write(
            "the decision",
            "INSERT INTO decisions (time, candidate, queue, machine_advice, human_decision, first_decision, "
            "reason_code, reason_text, blind, judge_first, versus, seconds) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (stored.time, stored.candidate, stored.queue, int(stored.machine_advice), int(stored.human_decision),
             None if stored.first_decision is None else int(stored.first_decision), stored.reason_code,
             stored.reason_text, int(stored.blind), int(stored.judge_first), int(stored.versus), seconds))
        rowid = int(cur.lastrowid)
        self._ids.append(rowid)
        self._decisions.append(stored)
        return rowid

    def add_note(self, text: str) -> None:
        time = _now()
        self._write("the note", "INSERT INTO notes (time, text) VALUES (?, ?)", (time, text))
        self._notes.append((time, text))

    def record_quiz_answer(self, question: int, option: int) -> None:
        """Store one quiz answer (right or not follows from the stored scenario's answer)."""
        quiz = self._stored_scenario().quiz
        name = _name(self.path)
        if not quiz:
            raise SessionError(f"{name}: the scenario has no quiz")
        question = _whole(int(question), f"{name}: new quiz answer", "question", 0, len(quiz) - 1)
        option = _whole(int(option), f"{name}: new quiz answer", "option", 0, len(quiz[question].options) - 1)
        answer = QuizAnswer(question, option, option == quiz[question].answer, _now())
        self._write("the quiz answer", "INSERT INTO quiz (time, question, option, correct) VALUES (?, ?, ?, ?)",
                    (answer.time, question, option, int(answer.correct)))
        self._quiz.append(answer)

    def record_challenge(self, challenge: str, met: bool) -> None:
        """Store a challenge's result, when it differs from the latest one stored."""
        if challenge not in [c.id for c in self._stored_scenario().challenges]:
            raise SessionError(f"{_name(self.path)}: the scenario has no challenge {_excerpt(challenge)}")
        if self.latest_challenges().get(challenge) == bool(met):
            return
        result = ChallengeResult(challenge, bool(met), _now())
        self._write("the challenge result", "INSERT INTO challenges (time, challenge, met) VALUES (?, ?, ?)",
                    (result.time, challenge, int(result.met)))
        self._challenges.append(result)

    def record_self_check(self, phase: str, ratings: dict[str, int]) -> None:
        """Store a self-check (some or all statements rated 1–5) in one transaction."""
        name = _name(self.path)
        if phase not in SELF_CHECK_PHASES:
            raise SessionError(f"{name}: a self-check phase must be {' or '.join(SELF_CHECK_PHASES)}, got {_excerpt(phase)}")
        rows = []
        for statement, rating in ratings.items():
            if statement not in SELF_CHECK_STATEMENTS:
                raise SessionError(f"{name}: unknown self-check statement {_excerpt(statement)}")
            rows.append(SelfCheckRating(phase, statement,
                                        _whole(int(rating) if isinstance(rating, int) else rating,
                                               f"{name}: new self-check", "rating", RATING_MIN, RATING_MAX),
                                        _now()))
        if not rows:
            return
        self.check_writable()
        try:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany("INSERT INTO self_check (time, phase, statement, rating) VALUES (?, ?, ?, ?)",
                                 [(r.time, r.phase, r.statement, r.rating) for r in rows])
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            try:
                self._db.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            raise SessionError(f"{name}: the self-check could not be saved ({_one_line(exc, 80)})") from None
        self._self_check.extend(rows)

    def integrity(self) -> str:
        return self._db.execute("PRAGMA integrity_check").fetchone()[0]

    def snapshot(self) -> SessionContents:
        """The checked contents, detached from the open file."""
        return SessionContents(self.path, dict(self._meta), list(self._ids), self.decisions(), list(self._notes),
                               self.quiz_answers(), self.challenge_results(), self.self_check())


def save_copy(session: "Session", folder) -> Path:
    """Copy an open session into ``folder`` (a USB stick, a shared drive) for the facilitator, atomically.

    The copy is a consistent snapshot (SQLite's backup, every committed record included) written to a
    temporary file in ``folder``, synced, checked by reading it back, and only then renamed to
    ``<the session's file name>``: a copy saved there before of the same session is replaced, a
    different file of that name never is (the copy gets a number). Nothing is sent over a network.
    Raises ``SessionError`` (one line) when the folder cannot be written; no half file is left.
    """
    folder = Path(folder)
    name = _name(folder)
    if not folder.is_dir():
        raise SessionError(f"{name}: cannot save the session there (the folder does not exist)")
    target = folder / session.path.name
    if target.resolve() == session.path.resolve():
        return target  # it is already there
    k = 1
    while target.exists():
        try:
            there = read(target)
            if (there.meta("created"), there.participant, there.scenario_toml()) == (
                    session.meta("created"), session.participant, session.scenario_toml()):
                break  # an earlier copy of this very session: replaced by the new one
        except SessionError:
            pass
        k += 1
        target = folder / f"{session.path.stem} ({k}){SUFFIX}"
    temp = None
    try:
        handle, temp_name = tempfile.mkstemp(prefix=".recruitsim-", suffix=".part", dir=folder)
        os.close(handle)
        temp = Path(temp_name)
        copy = sqlite3.connect(temp, isolation_level=None)
        try:
            session._db.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        finally:
            copy.close()
        with open(temp, "rb+") as fh:
            os.fsync(fh.fileno())
        read(temp)  # the copy opens and holds what the session holds, or nothing is replaced
        os.replace(temp, target)
        temp = None
    except SessionError as exc:
        raise SessionError(f"{name}: the copy could not be checked ({_one_line(exc, 120)})") from None
    except (OSError, sqlite3.Error) as exc:
        reason = os_reason(exc) if isinstance(exc, OSError) else _one_line(exc, 80)
        raise SessionError(f"{name}: cannot save the session there ({reason})") from None
    finally:
        if temp is not None:
            try:
                temp.unlink(missing_ok=True)
            except OSError:
                pass
    return target


def read(path) -> SessionContents:
    """A session file's checked contents, read without writing to it (``SessionError`` if it is unusable).

    The core of every reader that only looks: ``recruitsim session``, and a class overview that reads
    many participants' files.
    """
    with Session.open(path, read_only=True) as session:
        return session.snapshot()


def _create_problem(path: Path, exc: Exception) -> str:
    """Why a new session file could not be made, on one line."""
    name = _name(path)
    message = _one_line(exc.strerror if isinstance(exc, OSError) and exc.strerror else exc, 80)
    lower = message.lower()
    try:
        full = shutil.disk_usage(path.parent if str(path.parent) else ".").free < 64 * 1024
    except OSError:
        full = False
    if full or "disk is full" in lower or "no space" in lower:
        return f"{name}: cannot create the session file (the disk is full)"
    if isinstance(exc, PermissionError) or "readonly" in lower or "read-only" in lower:
        return f"{name}: cannot be written (read-only folder)"
    if isinstance(exc, FileNotFoundError):
        return f"{name}: cannot create the session file (the folder does not exist)"
    if "disk i/o" in lower:
        return f"{name}: cannot create the session file (disk I/O error: is the disk full or removed?)"
    return f"{name}: cannot create the session file ({message.lower() if isinstance(exc, OSError) else message})"
