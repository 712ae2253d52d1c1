"""Malformed inputs for the fuzzing harness: hypothesis strategies that damage the built-in
scenarios, a session file and an audit CSV, and a judge that runs ``recruitsim`` on the result.

Shared by ``tests/test_fuzz.py`` (a short run in every test session) and ``benchmarks/fuzz_inputs.py``
(the long run, ≥ 10,000 cases per family, which counts instead of stopping at the first failure).
The promise checked: exit code 0 or 2, never a traceback, a message naming the file, and never a
file holding NaN or infinity accepted.
"""

from __future__ import annotations

import contextlib
import copy
import io
import math
import shutil
import sqlite3
import tomllib
import traceback
from dataclasses import dataclass
from pathlib import Path

import tomli_w
from hypothesis import strategies as st

from simulator import cli
from simulator.core import scenario as scenario_module

DATA = Path(__file__).parent / "data"
SESSION_FIXTURE = DATA / "sessions" / "v1" / "taxi-licence.rbsession"
RUN_SIZE = "200"  # every accepted scenario also runs, small: mistakes can hide past the checks


# ---------------------------------------------------------------------------------------------
# The judge
# ---------------------------------------------------------------------------------------------

@dataclass
class Verdict:
    code: int | None
    stderr: str
    crash: str | None  # the exception that escaped, if one did
    silent_nonfinite: bool = False

    def problems(self, name: str) -> list[str]:
        """What broke the promise (empty when nothing did)."""
        out = []
        if self.crash:
            out.append(f"traceback: {self.crash}")
        if self.code not in (0, 2):
            out.append(f"exit code {self.code}")
        if self.code == 2:
            lines = self.stderr.strip().splitlines()
            if len(lines) != 1:
                out.append(f"message on {len(lines)} lines: {self.stderr[:300]!r}")
            if name not in self.stderr:
                out.append(f"message does not name the file: {self.stderr[:300]!r}")
        if "Traceback" in self.stderr:
            out.append("traceback on stderr")
        if self.silent_nonfinite:
            out.append("NaN or infinity accepted")
        return out


def judge(argv: list[str]) -> Verdict:
    """Run ``recruitsim`` in this process, as the console script would, and see how it ends."""
    err = io.StringIO()
    crash = None
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        try:
            code = cli.main(argv)
        except SystemExit as exc:  # argparse
            code = exc.code if isinstance(exc.code, int) else 2
        except Exception as exc:  # noqa: BLE001 - exactly what is being looked for
            frames = [f for f in traceback.extract_tb(exc.__traceback__) if "simulator" in f.filename]
            where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
            code, crash = None, f"{type(exc).__name__}{where}: {str(exc)[:200]}"
    return Verdict(code, err.getvalue(), crash)


def has_nonfinite(value) -> bool:
    """True if a parsed file holds NaN or infinity anywhere (iteratively: it may be deep)."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, float) and not math.isfinite(v):
            return True
        if isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return False


# ---------------------------------------------------------------------------------------------
# Values and tree mutations
# ---------------------------------------------------------------------------------------------

def _deep(depth: int, leaf):
    for _ in range(depth):
        leaf = [leaf] if depth % 2 else {"a": leaf}
    return leaf


SPECIAL = [math.nan, math.inf, -math.inf, -0.0, 0, -1, 1, 10 ** 18, -(10 ** 18), 2 ** 63 - 1, -(2 ** 63), 1e308,
           -1e308, 5e-324, 0.5, 1.5, 5_000_001, 2 ** 32, True, False, "", " ", "nan", "\u202e\u0000", "ë" * 3,
           "x" * 30_000, "=HYPERLINK(\"http://x\")", [], {}, [1, "a"], {"en": "x"}, {"en": "x", "nl": "y"},
           _deep(30, 1), _deep(12, "a")]

VALUES = st.one_of(
    st.sampled_from(SPECIAL),
    st.integers(min_value=-(2 ** 63), max_value=2 ** 63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.lists(st.one_of(st.integers(-5, 5), st.text(max_size=5), st.floats()), max_size=4),
    st.dictionaries(st.text(max_size=8), st.one_of(st.integers(-5, 5), st.floats(), st.text(max_size=5)), max_size=3),
)


def paths(tree) -> list[tuple]:
    """Every place in a parsed file, as a tuple of keys and indices."""
    out, stack = [], [((), tree)]
    while stack:
        path, value = stack.pop()
        out.append(path)
        if isinstance(value, dict):
            stack.extend((path + (k,), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((path + (i,), v) for i, v in enumerate(value))
    return sorted(out, key=repr)


MAX_NODES = 100_000  # places a repeat may add


def _nodes(tree, stop: int = MAX_NODES) -> int:
    """How many places a subtree holds (counting stops at ``stop``)."""
    count, stack = 0, [tree]
    while stack and count < stop:
        value = stack.pop()
        count += 1
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return count


def _parent(tree, path):
    node = tree
    for key in path[:-1]:
        node = node[key]
    return node


def mutate(tree, path: tuple, action: str, value, copies: int):
    """Apply one mutation at ``path`` (skipped when an earlier one removed the place)."""
    # A fresh copy: the special values are module-level objects, and a later mutation inside one must
    # not change it for every case after (it grew without bound, 100 MB per 1,000 cases, then ran out).
    value = copy.deepcopy(value)
    try:
        parent = _parent(tree, path) if path else None
        if not path:
            return value if action == "replace" else tree
        if action == "replace":
            parent[path[-1]] = value
        elif action == "delete":
            del parent[path[-1]]
        elif action == "unknown_key" and isinstance(parent[path[-1]], dict):
            parent[path[-1]]["zz_unknown"] = value
        elif action == "repeat" and isinstance(parent[path[-1]], list) and parent[path[-1]]:
            # Copies, not one shared object: a later repeat inside one copy must not grow them all
            # (three shared repeats made a tree of 1,200³ places and exhausted 23 GB of memory).
            # Bounded: repeating a list that an earlier repeat made long would multiply again, and the
            # app refuses any file over 1 MB unread, so a bigger case tests nothing new.
            first = parent[path[-1]][0]
            copies = min(copies, max(1, MAX_NODES // _nodes(first)))
            parent[path[-1]].extend(copy.deepcopy(first) for _ in range(copies))
        elif action == "wrap":
            parent[path[-1]] = [parent[path[-1]]]
    except (KeyError, IndexError, TypeError):
        pass
    return tree


# "nudge": a plausible number in place of any value, so that many damaged files still load and run.
NUDGES = st.one_of(st.integers(-3, 10_000), st.floats(-3, 3), st.sampled_from([0, 1, 0.0, 1.0, 0.5, 10, 200]))
MUTATION = st.one_of(
    st.tuples(st.integers(0, 10 ** 6), st.sampled_from(["replace"] * 4 + ["delete", "unknown_key", "repeat", "wrap"]),
              VALUES, st.sampled_from([1, 3, 60, 1200])),
    st.tuples(st.integers(0, 10 ** 6), st.just("nudge"), NUDGES, st.just(1)),
)


def _leaf(tree, path):
    try:
        return _parent(tree, path)[path[-1]]
    except (KeyError, IndexError, TypeError):
        return None
BYTES = st.one_of(st.none(), st.none(), st.none(), st.none(), st.tuples(st.just("truncate"), st.floats(0, 1)),
                  st.tuples(st.just("flip"), st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), min_size=1,
                                                       max_size=8)))


def damage_bytes(data: bytes, damage) -> bytes:
    if damage is None or not data:
        return data
    if damage[0] == "truncate":
        return data[:int(damage[1] * len(data))]
    out = bytearray(data)
    for where, byte in damage[1]:
        out[min(int(where * len(out)), len(out) - 1)] = byte
    return bytes(out)


def _dumps(tree) -> bytes:
    try:
        return tomli_w.dumps(tree).encode("utf-8")
    except (TypeError, ValueError, RecursionError):  # not every tree has a TOML spelling
        return b"schema_version = 2\n"


@st.composite
def scenario_files(draw):
    """(file bytes, the parsed tree written) for a damaged built-in scenario."""
    sid = draw(st.sampled_from(scenario_module.builtin_ids()))
    tree = tomllib.loads((scenario_module.scenarios_dir() / f"{sid}.toml").read_text(encoding="utf-8"))
    for where, action, value, copies in draw(st.lists(MUTATION, min_size=1, max_size=3)):
        places = paths(tree) if isinstance(tree, dict) else [()]
        if action == "nudge":  # another number where there was one
            places = [p for p in places if p and isinstance(_leaf(tree, p), (int, float))
                      and not isinstance(_leaf(tree, p), bool)] or [()]
            action = "replace" if places != [()] else "none"
        tree = mutate(tree, places[where % len(places)], action, value, copies)
    if not isinstance(tree, dict):
        tree = {"value": tree}
    return damage_bytes(_dumps(tree), draw(BYTES))


def check_scenario(data: bytes, folder: Path) -> tuple[Verdict, str]:
    path = folder / "fuzz-scenario.toml"
    path.write_bytes(data)
    verdict = judge(["run", str(path), "--size", RUN_SIZE])
    try:
        verdict.silent_nonfinite = verdict.code == 0 and has_nonfinite(tomllib.loads(data.decode("utf-8-sig")))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
        pass
    return verdict, path.name


# ---------------------------------------------------------------------------------------------
# Session files
# ---------------------------------------------------------------------------------------------

SQL_VALUES = st.one_of(st.sampled_from([None, "", "abc", "-5", "0", "1e400", "nan", "100000000", "4294967296",
                                        -1, 0, 1, 2, 999_999, 10 ** 12, 1.5, math.nan, math.inf, b"\xff\x00",
                                        "x" * 5000, "=HYPERLINK(\"http://x\")"]),
                       st.integers(-(2 ** 63), 2 ** 63 - 1), st.text(max_size=20), st.floats())
META_KEYS = ["schema_version", "created", "participant", "scenario", "seed", "size", "lang", "unknown"]
DECISION_COLUMNS = ["time", "candidate", "queue", "machine_advice", "human_decision", "first_decision", "reason_code",
                    "reason_text", "blind", "judge_first", "versus", "seconds"]
SQL_ACTIONS = st.one_of(
    st.tuples(st.just("meta"), st.sampled_from(META_KEYS), SQL_VALUES),
    st.tuples(st.just("decision"), st.sampled_from(DECISION_COLUMNS), SQL_VALUES),
    st.tuples(st.just("scenario"), scenario_files(), st.none()),
    st.tuples(st.just("drop"), st.sampled_from(["meta", "decisions", "notes"]), st.none()),
    st.tuples(st.just("empty"), st.sampled_from(["meta", "decisions", "notes"]), st.none()),
    st.tuples(st.just("pragma"), st.sampled_from(["application_id", "user_version"]), st.integers(-5, 2 ** 31 - 1)),
    st.tuples(st.just("rename"), st.sampled_from(DECISION_COLUMNS), st.none()),
)


def damage_session(path: Path, actions) -> None:
    """Change a copy of a good session file the way a bug, an editor or a person might."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        for kind, what, value in actions:
            try:
                if kind == "meta":
                    db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (what, value))
                elif kind == "decision":
                    db.execute(f"UPDATE decisions SET {what} = ? WHERE id = (SELECT min(id) FROM decisions)", (value,))
                elif kind == "scenario":
                    db.execute("UPDATE meta SET value = ? WHERE key = 'scenario'",
                               (what.decode("utf-8", "replace"),))
                elif kind == "drop":
                    db.execute(f"DROP TABLE {what}")
                elif kind == "empty":
                    db.execute(f"DELETE FROM {what}")
                elif kind == "pragma":
                    db.execute(f"PRAGMA {what} = {int(value)}")
                elif kind == "rename":
                    db.execute(f"ALTER TABLE decisions RENAME COLUMN {what} TO renamed_{what}")
                db.commit()
            except sqlite3.Error:
                pass


@st.composite
def session_damage(draw):
    return draw(st.lists(SQL_ACTIONS, max_size=3)), draw(BYTES)


def check_session(damage, folder: Path) -> tuple[list[Verdict], str]:
    actions, byte_damage = damage
    path = folder / "fuzz-session.rbsession"
    for extra in ("-wal", "-shm"):
        Path(str(path) + extra).unlink(missing_ok=True)
    shutil.copyfile(SESSION_FIXTURE, path)
    damage_session(path, actions)
    path.write_bytes(damage_bytes(path.read_bytes(), byte_damage))
    verdicts = [judge(["session", "summary", str(path)]),
                judge(["session", "export", str(path), "--csv", str(folder / "fuzz-export.csv")])]
    return verdicts, path.name


# ---------------------------------------------------------------------------------------------
# Audit CSVs
# ---------------------------------------------------------------------------------------------

CELLS = st.one_of(st.sampled_from(["", " ", "NaN", "NA", "null", "#N/A", "None", "n/a", "1", "0", "yes", "no", "true",
                                   "x", "women", "men", "=1+1", "\"", "a,b", "a\nb", "a\rb", "\t", "ë", "\u202e"]),
                  st.text(max_size=8))
HEADERS = st.one_of(st.sampled_from(["gender", "origin", "selected", "vacancy", "", "gender ", "=cmd", "a\rb", "ë"]),
                    st.text(max_size=8))


GROUP_VALUES = st.one_of(st.sampled_from(["a", "b", "c", "women", "men", "", "NA", "null", "#N/A", "NaN", "None"]),
                         CELLS)


@st.composite
def _plausible_table(draw):
    """A decisions table that is mostly right (binary outcomes, a few groups, strata), with odd cells:
    the audit's counting and statistics are reached, not only its parsing."""
    headers = ["gender", "origin", "selected", "vacancy"] + draw(st.lists(HEADERS, max_size=2))
    n = draw(st.integers(2, 300))
    seed = draw(st.integers(0, 2 ** 16))
    import random

    rng = random.Random(seed)
    odd = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, len(headers) - 1), GROUP_VALUES), max_size=6))
    groups = [draw(st.lists(st.sampled_from(["a", "b", "c", "d", "ë", "=x"]), min_size=1, max_size=4, unique=True))
              for _ in range(2)]
    rows = [[rng.choice(groups[0]), rng.choice(groups[1]), rng.choice(["1", "0", "0"]), rng.choice(["v1", "v2", "v3"])]
            + ["x"] * (len(headers) - 4) for _ in range(n)]
    spare_outcomes = draw(st.integers(0, 3)) > 0  # mostly leave the outcome column binary
    for r, c, value in odd:
        if not (spare_outcomes and c == 2):
            rows[r][c] = value
    return headers, rows


@st.composite
def audit_csvs(draw):
    """(file bytes, group columns, selected column, strata column or None) for a damaged audit CSV."""
    if draw(st.booleans()):
        headers, rows = draw(_plausible_table())
    else:
        headers = draw(st.lists(HEADERS, min_size=1, max_size=6))
        rows = draw(st.lists(st.lists(CELLS, min_size=len(headers), max_size=len(headers)), max_size=40))
        if draw(st.booleans()) and rows:  # a binary column, so that the checks past the parsing are reached
            col = draw(st.integers(0, len(headers) - 1))
            for k, row in enumerate(rows):
                row[col] = draw(st.sampled_from(["1", "0", "yes", "no", "", "NA"]))
    sep = draw(st.sampled_from([",", ",", ";", "\t"]))

    def line(cells):
        return sep.join('"' + c.replace('"', '""') + '"' if any(ch in c for ch in sep + '"\n\r') else c for c in cells)
    text = "\n".join(line(r) for r in [headers] + rows) + "\n"
    data = damage_bytes(text.encode("utf-8"), draw(BYTES))
    names = [h.strip() for h in headers] or ["x"]
    if names[:4] == ["gender", "origin", "selected", "vacancy"] and draw(st.integers(0, 3)):
        groups = draw(st.lists(st.sampled_from(["gender", "origin"]), min_size=1, max_size=2, unique=True))
        return data, groups, "selected", draw(st.sampled_from([None, "vacancy"]))
    groups = draw(st.lists(st.sampled_from(names + ["missing"]), min_size=1, max_size=3))
    selected = draw(st.sampled_from(names + ["missing"]))
    strata = draw(st.one_of(st.none(), st.sampled_from(names)))
    return data, groups, selected, strata


def check_audit(case, folder: Path) -> tuple[Verdict, str]:
    data, groups, selected, strata = case
    path = folder / "fuzz-decisions.csv"
    path.write_bytes(data)
    argv = ["audit", str(path), f"--selected={selected}"]
    for g in groups:
        argv.append(f"--group={g}")  # "=": a value may start with a dash
    if strata is not None:
        argv.append(f"--strata={strata}")
    return judge(argv), path.name
