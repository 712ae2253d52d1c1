"""Session schema 2: the participant's quiz answers, challenge results and self-check travel in the file,
are checked on open like every other field, and old files keep opening."""

import shutil
import sqlite3
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.core.decision import Decision
from simulator.core.scenario import dumps, load
from simulator.core.session import SCHEMA_VERSION, SELF_CHECK_STATEMENTS, Session, SessionError, read

DATA = Path(__file__).parent / "data" / "sessions"


def _new(path: Path) -> Path:
    sc = load("human-override")
    sc.pool.size = 500
    with Session.create(path, dumps(sc), 3, 500, participant="Ada", learner="abc") as s:
        s.record(Decision(1, True, False, "skills"))
        s.record_quiz_answer(0, sc.quiz[0].answer)
        s.record_quiz_answer(1, (sc.quiz[1].answer + 1) % len(sc.quiz[1].options))
        s.record_challenge(sc.challenges[0].id, False)
        s.record_challenge(sc.challenges[0].id, False)  # unchanged: not stored again
        s.record_challenge(sc.challenges[0].id, True)
        s.record_self_check("before", {"law": 2, "oversight": 3})
    return path


def test_results_round_trip(tmp_path):
    """Quiz answers (option, right or not), challenge results and self-check ratings come back after reopening."""
    sc = load("human-override")
    back = read(_new(tmp_path / "s.rbsession"))
    assert [(a.question, a.option, a.correct) for a in back.quiz_answers()] == [
        (0, sc.quiz[0].answer, True), (1, (sc.quiz[1].answer + 1) % 3, False)]
    assert [(c.challenge, c.met) for c in back.challenge_results()] == [(sc.challenges[0].id, False),
                                                                        (sc.challenges[0].id, True)]
    assert back.latest_challenges() == {sc.challenges[0].id: True}
    assert back.latest_self_check() == {("before", "law"): 2, ("before", "oversight"): 3}
    assert back.learner == "abc"


def test_new_records_are_refused_when_wrong(tmp_path):
    """A question, option, challenge, phase, statement or rating the scenario does not have is refused."""
    with Session.open(_new(tmp_path / "s.rbsession")) as s:
        for call in (lambda: s.record_quiz_answer(9, 0), lambda: s.record_quiz_answer(0, 7),
                     lambda: s.record_challenge("nope", True), lambda: s.record_self_check("during", {"law": 3}),
                     lambda: s.record_self_check("after", {"nope": 3}),
                     lambda: s.record_self_check("after", {"law": 6})):
            with pytest.raises(SessionError):
                call()
        assert len(s.quiz_answers()) == 2 and len(s.self_check()) == 2


@pytest.mark.parametrize("sql, message", [
    ("UPDATE quiz SET question=7 WHERE id=1", "quiz answer 1: question must be a whole number from 0 to 2, got 7"),
    ("UPDATE quiz SET option='b' WHERE id=1", "quiz answer 1: option must be a whole number from 0 to 2, got 'b'"),
    ("UPDATE quiz SET correct=0 WHERE id=1", "quiz answer 1: correct is 0, but option"),
    ("UPDATE quiz SET correct=2 WHERE id=2", "quiz answer 2: correct must be 0 or 1, got 2"),
    ("UPDATE challenges SET challenge='x' WHERE id=1", "challenge result 1: challenge must be one of the stored"),
    ("UPDATE challenges SET met='yes' WHERE id=2", "challenge result 2: met must be 0 or 1, got 'yes'"),
    ("UPDATE self_check SET phase='later' WHERE id=1", "self-check rating 1: phase must be before or after, got 'later'"),
    ("UPDATE self_check SET statement='x' WHERE id=2", "self-check rating 2: statement must be one of spot_proxy"),
    ("UPDATE self_check SET rating=0 WHERE id=2", "self-check rating 2: rating must be a whole number from 1 to 5, got 0"),
    ("UPDATE self_check SET time=x'ff' WHERE id=1", "self-check rating 1: time must be text, got binary data"),
    ("DROP TABLE self_check", "its self_check table is missing"),
])
def test_damaged_results_are_one_line(tmp_path, capsys, sql, message):
    """Each new field is checked on open: one line naming the file, the record and the field (exit 2 in the CLI)."""
    path = _new(tmp_path / "s.rbsession")
    db = sqlite3.connect(path)
    db.execute(sql)
    db.commit()
    db.close()
    with pytest.raises(SessionError) as info:
        read(path)
    assert str(info.value).startswith(str(path)) and message in str(info.value) and "\n" not in str(info.value)
    assert main(["session", "summary", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err


def test_v1_fixture_migrates_to_the_current_schema(tmp_path):
    """A schema-1 file opens with no quiz answers, challenges or self-check, and is upgraded in place."""
    copy = tmp_path / "taxi-licence.rbsession"
    shutil.copy(DATA / "v1" / "taxi-licence.rbsession", copy)
    with Session.open(copy) as s:
        assert s.quiz_answers() == [] and s.challenge_results() == [] and s.self_check() == []
        assert s._db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == str(SCHEMA_VERSION)
        s.record_self_check("after", {"law": 4})
    assert read(copy).latest_self_check() == {("after", "law"): 4}


def test_v1_fixture_read_only_is_not_changed(tmp_path):
    """Reading a schema-1 file for a class migrates a copy in memory; the file itself stays schema 1."""
    copy = tmp_path / "taxi-licence.rbsession"
    shutil.copy(DATA / "v1" / "taxi-licence.rbsession", copy)
    before = copy.read_bytes()
    assert read(copy).quiz_answers() == []
    assert copy.read_bytes() == before


def test_v2_fixture_keeps_opening(tmp_path):
    """The stored schema-2 file (written by this version) opens with its decisions and results."""
    copy = tmp_path / "human-override.rbsession"
    shutil.copy(DATA / "v2" / "human-override.rbsession", copy)
    s = read(copy)
    assert s.participant == "Fixture" and s.learner == "fixture-learner" and len(s.decisions()) == 4
    assert [(a.question, a.correct) for a in s.quiz_answers()] == [(0, True), (1, False)]
    assert s.latest_challenges() == {"meaningful-oversight": True}
    assert s.latest_self_check()[("after", "read_ratio")] == 4 and len(s.self_check()) == 2 * len(SELF_CHECK_STATEMENTS)
