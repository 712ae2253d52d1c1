"""Session files: one SQLite file per review session that never loses an acknowledged decision.

The file holds the scenario as run (TOML text, with its seed and size), the participant's name,
every review decision and notes. It runs in WAL mode with ``synchronous=FULL``; ``record()``
commits each decision before it returns, so a decision the app has acknowledged survives a killed
process. The pool is not stored: it is regenerated from the scenario and seed, bit for bit.

Files carry a ``schema_version`` in their ``meta`` table and load through ``MIGRATIONS``; a file from
a newer version is refused with a clear message, and a foreign or damaged file never crashes.
Files are data: nothing in them is executed.
"""

from __future__ import annotations

import datetime as _dt
import sqlite3
import tomllib
from pathlib import Path
from typing import Callable

from .decision import Decision

SCHEMA_VERSION = 1
APPLICATION_ID = 0x52425331  # "RBS1": marks the SQLite file as ours (PRAGMA application_id)
SUFFIX = ".rbsession"

# Migrations from version N to N+1, applied in place on an open connection.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {}

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
"""


class SessionError(ValueError):
    """A session file cannot be used; the message names the file and says why."""


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).astimezone().isoformat(timespec="seconds")


class Session:
    """An open session file. Use ``Session.create`` or ``Session.open``; close it when done."""

    def __init__(self, path: Path, connection: sqlite3.Connection):
        self.path = path
        self._db = connection

    # -- opening -------------------------------------------------------------------------------
    @classmethod
    def create(cls, path, scenario_toml: str, seed: int, size: int, participant: str = "",
               lang: str = "en") -> "Session":
        """A new session file (an existing file at ``path`` is refused, never overwritten)."""
        path = Path(path)
        if path.exists():
            raise SessionError(f"{path}: a file with this name already exists; choose another name")
        try:
            db = sqlite3.connect(path, isolation_level=None)
        except sqlite3.Error as exc:
            raise SessionError(f"{path}: cannot create the session file ({exc})") from None
        _configure(db)
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute("BEGIN")
        for statement in filter(str.strip, _SCHEMA.split(";")):
            db.execute(statement)
        db.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", [
            ("schema_version", str(SCHEMA_VERSION)), ("created", _now()), ("participant", participant),
            ("scenario", scenario_toml), ("seed", str(int(seed))), ("size", str(int(size))), ("lang", lang),
        ])
        db.execute("COMMIT")
        return cls(path, db)

    @classmethod
    def open(cls, path) -> "Session":
        """Open an existing session file, migrating it to the current schema if it is older."""
        path = Path(path)
        if not path.is_file():
            raise SessionError(f"{path}: file not found")
        with open(path, "rb") as fh:
            header = fh.read(16)
        if header != b"SQLite format 3\x00":
            raise SessionError(f"{path}: not a session file (it is not an SQLite database)")
        try:
            db = sqlite3.connect(path, isolation_level=None)
            _configure(db)
            app_id = db.execute("PRAGMA application_id").fetchone()[0]
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if app_id != APPLICATION_ID or not {"meta", "decisions", "notes"} <= tables:
                db.close()
                raise SessionError(f"{path}: not a Recruitment Bias Simulator session (an SQLite file of another program)")
            row = db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            version = int(row[0]) if row and str(row[0]).isdigit() else None
            if version is None:
                db.close()
                raise SessionError(f"{path}: the session file is damaged (its schema version is missing)")
            if version > SCHEMA_VERSION:
                db.close()
                raise SessionError(f"{path}: this session was saved by a newer version of the simulator "
                                   f"(session schema {version}); this version reads up to schema {SCHEMA_VERSION}. "
                                   "Please update the app to open it.")
            while version < SCHEMA_VERSION:
                db.execute("BEGIN")
                MIGRATIONS[version](db)
                version += 1
                db.execute("UPDATE meta SET value=? WHERE key='schema_version'", (str(version),))
                db.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            raise SessionError(f"{path}: the session file is damaged ({exc})") from None
        session = cls(path, db)
        session.scenario_toml()  # fails early, with a message, if the stored scenario is unreadable
        return session

    def close(self) -> None:
        self._db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- contents --------------------------------------------------------------------------------
    def meta(self, key: str, default: str = "") -> str:
        row = self._db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT INTO meta (key, value) VALUES (?, ?) "
                                          "ON CONFLICT(key) DO UPDATE SET value=excluded.value", (key, value))

    @property
    def participant(self) -> str:
        return self.meta("participant")

    def scenario_toml(self) -> str:
        text = self.meta("scenario")
        try:
            tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise SessionError(f"{self.path}: the stored scenario is damaged ({exc})") from None
        return text

    def scenario(self):
        """The scenario as run, with the session's seed and pool size."""
        from .scenario import ScenarioError, from_dict

        try:
            sc = from_dict(tomllib.loads(self.scenario_toml()), f"{self.path} (stored scenario)")
        except ScenarioError as exc:
            raise SessionError(str(exc)) from None
        sc.pool.seed = int(self.meta("seed", str(sc.pool.seed)))
        sc.pool.size = int(self.meta("size", str(sc.pool.size)))
        return sc

    def record(self, d: Decision) -> int:
        """Store one decision and commit it before returning its id (the acknowledgement).

        The connection is in autocommit mode: the INSERT is its own transaction, written to the WAL
        and synced before ``execute`` returns.
        """
        cur = self._db.execute(
            "INSERT INTO decisions (time, candidate, queue, machine_advice, human_decision, first_decision, "
            "reason_code, reason_text, blind, judge_first, versus, seconds) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (d.time or _now(), int(d.candidate), d.queue, int(d.machine_advice), int(d.human_decision),
             None if d.first_decision is None else int(d.first_decision), d.reason_code, d.reason_text,
             int(d.blind), int(d.judge_first), int(d.versus), d.seconds))
        return int(cur.lastrowid)

    def decisions(self) -> list[Decision]:
        rows = self._db.execute(
            "SELECT candidate, machine_advice, human_decision, reason_code, reason_text, queue, blind, judge_first, "
            "versus, first_decision, time, seconds FROM decisions ORDER BY id").fetchall()
        return [Decision(int(r[0]), bool(r[1]), bool(r[2]), r[3], r[4], r[5], bool(r[6]), bool(r[7]), bool(r[8]),
                         None if r[9] is None else bool(r[9]), r[10], r[11]) for r in rows]

    def decision_ids(self) -> list[int]:
        return [r[0] for r in self._db.execute("SELECT id FROM decisions ORDER BY id")]

    def add_note(self, text: str) -> None:
        self._db.execute("INSERT INTO notes (time, text) VALUES (?, ?)", (_now(), text))

    def notes(self) -> list[tuple[str, str]]:
        return [(r[0], r[1]) for r in self._db.execute("SELECT time, text FROM notes ORDER BY id")]

    def integrity(self) -> str:
        return self._db.execute("PRAGMA integrity_check").fetchone()[0]


def _configure(db: sqlite3.Connection) -> None:
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")  # a committed decision is on disk, not only in the OS cache
    db.execute("PRAGMA foreign_keys=ON")
