"""Human in the loop: queues, feedback metrics on a hand-checked case, and session files."""

import sqlite3

import numpy as np
import pytest

from simulator.core import engine
from simulator.core.pipeline import Outcome, Pipeline, Stage
from simulator.core.pool import PoolSettings, Vacancy, generate_pool
from simulator.core.review import Decision, build_queue, feedback, simulated_decisions, versus
from simulator.core.rules import KnockOut
from simulator.core.scenario import dumps, load
from simulator.core.session import SCHEMA_VERSION, Session, SessionError


@pytest.fixture
def tiny():
    """Twenty candidates set by hand: 10 women (0-9), 10 men (10-19); the machine selects 2 women and 5 men."""
    pool = generate_pool(Vacancy(), PoolSettings(size=20, seed=1))
    pool.columns["gender"] = np.array([0] * 10 + [1] * 10, dtype=np.int8)
    qualified = np.zeros(20, dtype=bool)
    qualified[[0, 2, 10, 12]] = True
    pool.columns["qualified"] = qualified
    selected = np.zeros(20, dtype=bool)
    selected[[0, 1, 10, 11, 12, 13, 14]] = True
    pipeline = Pipeline([Stage({"en": "s", "nl": "s"}, [KnockOut()])])
    stopped = np.where(selected, 1, 0).astype(np.int16)
    rejected_by = np.where(selected, -1, 0).astype(np.int16)
    return Outcome(pool, pipeline, stopped, rejected_by, np.full((20, 1), np.nan, dtype=np.float32))


def test_feedback_hand_checked(tiny):
    """Advance two women (one suitable), reject two men (one suitable): the numbers a person would count."""
    decisions = [Decision(2, False, True, "potential"), Decision(3, False, True, "potential"),
                 Decision(10, True, False, "experience"), Decision(11, True, False, "experience")]
    fb = feedback(tiny, decisions, attributes=("gender",))
    assert (fb.decisions, fb.overrides, fb.recovered, fb.lost, fb.wrongly_advanced) == (4, 4, 1, 1, 1)
    groups = fb.groups.set_index("group")
    # machine: women 2/10, men 5/10 -> women at 0.4; with the human: women 4/10, men 3/10 -> men at 0.75
    assert groups.loc["woman", "rate_machine"] == pytest.approx(0.2)
    assert groups.loc["woman", "impact_ratio_machine"] == pytest.approx(0.4)
    assert groups.loc["woman", "rate_human"] == pytest.approx(0.4)
    assert groups.loc["man", "impact_ratio_human"] == pytest.approx(0.75)
    assert groups.loc["man", "reference_machine"] and groups.loc["woman", "reference_human"]
    per = fb.per_group.set_index("group")
    assert (per.loc["woman", "overrides_up"], per.loc["woman", "overrides_down"]) == (2, 0)
    assert (per.loc["man", "overrides_up"], per.loc["man", "overrides_down"]) == (0, 2)
    assert per.loc["man", "agreement"] == 0.0
    assert [(w["group"], round(w["before"], 2), round(w["after"], 2)) for w in fb.widened] == [("man", 1.0, 0.75)]


def test_rubber_stamp_flag(tiny):
    """Following the machine on every one of 10+ cards is flagged as rubber-stamping; one override is not."""
    same = [Decision(i, bool(tiny.selected[i]), bool(tiny.selected[i]), "experience") for i in range(20)]
    assert feedback(tiny, same).rubber_stamp
    one_off = same[:-1] + [Decision(19, False, True, "potential")]
    assert not feedback(tiny, one_off).rubber_stamp


def test_versus_compares_you_and_the_machine_on_the_same_cvs(tiny):
    """You-versus-the-machine rates are computed on the batch only, beside the machine's."""
    batch = list(range(0, 6)) + list(range(10, 16))  # six women, six men
    yes = {0, 2, 3, 4, 10}
    mine = [Decision(i, bool(tiny.selected[i]), i in yes, "skills", versus=True) for i in batch]
    table = versus(tiny, mine, attributes=("gender",)).set_index("group")
    assert table.loc["woman", "n"] == 6 and table.loc["woman", "rate_you"] == pytest.approx(4 / 6)
    assert table.loc["woman", "rate_machine"] == pytest.approx(2 / 6)
    assert table.loc["man", "rate_you"] == pytest.approx(1 / 6) and table.loc["man", "rate_machine"] == pytest.approx(5 / 6)


@pytest.fixture(scope="module")
def run():
    return engine.run(load("cv-gap"), attribution=False)


@pytest.mark.parametrize("kind", ["near_threshold", "unusual", "random", "shortlist"])
def test_queues(run, kind):
    """Each queue kind gives the asked number of distinct candidates of the right sort, reproducibly."""
    q = build_queue(run.outcome, kind, 25)
    assert len(q) == 25 and len(set(q.tolist())) == 25
    assert np.array_equal(q, build_queue(run.outcome, kind, 25))
    if kind == "near_threshold":
        assert not run.outcome.selected[q].any()
        assert run.outcome.stopped_at[q].min() == run.outcome.stopped_at[~run.outcome.selected].max()
    if kind == "unusual":
        assert run.pool["unusual_any"][q].all()
    if kind == "shortlist":
        assert run.outcome.selected[q].all()


def test_simulated_profiles_on_the_same_queue(run):
    """A rubber stamp barely overrides; selective adherence overrides and hurts the stereotyped group."""
    q = build_queue(run.outcome, "random", 1000)
    stamp = simulated_decisions(run.outcome, q, "rubber_stamp")
    assert sum(d.overridden for d in stamp) / len(stamp) < 0.05
    selective = simulated_decisions(run.outcome, q, "selective_adherence")
    assert sum(d.overridden for d in selective) > sum(d.overridden for d in stamp)


def _session(tmp_path, name="s.rbsession"):
    sc = load("cv-gap")
    return Session.create(tmp_path / name, dumps(sc), 77, 1200, participant="Ada", lang="nl")


def test_session_round_trip(tmp_path):
    """Decisions, notes and the scenario with its seed come back exactly after closing and reopening."""
    s = _session(tmp_path)
    ids = [s.record(Decision(i, i % 2 == 0, i % 3 == 0, "skills", f"note {i}", "random", blind=True,
                             judge_first=i == 1, first_decision=False if i == 1 else None, seconds=2.5))
           for i in range(5)]
    s.add_note("group discussion")
    s.close()
    again = Session.open(tmp_path / "s.rbsession")
    assert again.decision_ids() == ids and again.participant == "Ada"
    d = again.decisions()[1]
    assert (d.candidate, d.machine_advice, d.human_decision, d.reason_text, d.blind, d.judge_first,
            d.first_decision, d.seconds) == (1, False, False, "note 1", True, True, False, 2.5)
    sc = again.scenario()
    assert (sc.id, sc.pool.seed, sc.pool.size) == ("cv-gap", 77, 1200)
    assert again.notes()[0][1] == "group discussion"
    assert again.integrity() == "ok"
    assert again._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_session_refuses_to_overwrite(tmp_path):
    """Creating a session over an existing file is refused, not an overwrite."""
    _session(tmp_path).close()
    with pytest.raises(SessionError, match="already exists"):
        _session(tmp_path)


def test_foreign_damaged_and_newer_files(tmp_path):
    """A text file, another program's SQLite file, a truncated file and a newer session give clear messages."""
    text = tmp_path / "notes.rbsession"
    text.write_text("hello", encoding="utf-8")
    with pytest.raises(SessionError, match="not an SQLite database"):
        Session.open(text)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(SessionError, match="another program"):
        Session.open(other)
    s = _session(tmp_path, "newer.rbsession")
    s.set_meta("schema_version", str(SCHEMA_VERSION + 1))
    s.close()
    with pytest.raises(SessionError, match="newer version"):
        Session.open(tmp_path / "newer.rbsession")
    good = _session(tmp_path, "cut.rbsession")
    for i in range(50):
        good.record(Decision(i, True, True, "skills"))
    good._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    good.close()
    data = (tmp_path / "cut.rbsession").read_bytes()
    (tmp_path / "cut.rbsession").write_bytes(data[: len(data) // 2] + b"\x00" * 100)
    with pytest.raises(SessionError):
        s = Session.open(tmp_path / "cut.rbsession")
        s.decisions()
        if s.integrity() != "ok":
            raise SessionError("integrity check failed")


def test_cli_session_summary_and_export(tmp_path, capsys):
    """`session summary --json` gives counts and before/after numbers; `session export` one row per decision."""
    import csv
    import json

    from simulator.cli import main

    s = _session(tmp_path)
    for i in range(12):
        s.record(Decision(i, False, i < 3, "potential", queue="near_threshold"))
    s.close()
    path = str(tmp_path / "s.rbsession")
    assert main(["session", "summary", path, "--json", "-"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["participant"], data["decisions"], data["overrides"]) == ("Ada", 12, 3)
    assert data["groups"] and "impact_ratio_human" in data["groups"][0]
    out = tmp_path / "log.csv"
    assert main(["session", "export", path, "--csv", str(out), "--lang", "nl"]) == 0
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 12 and rows[0]["reason"] == "potentieel ondanks het cv" and rows[0]["participant"] == "Ada"
    assert main(["session", "summary", str(tmp_path / "missing.rbsession")]) == 2
    assert "file not found" in capsys.readouterr().err


def test_stored_v1_session_keeps_opening(tmp_path):
    """A session file written with schema version 1 still opens, with its decisions and notes."""
    import shutil
    from pathlib import Path

    fixture = Path(__file__).parent / "data" / "sessions" / "v1" / "taxi-licence.rbsession"
    copy = tmp_path / fixture.name  # opening may add WAL files: never touch the stored fixture
    shutil.copy(fixture, copy)
    with Session.open(copy) as s:
        assert s.participant == "Fixture" and s.scenario().id == "taxi-licence"
        assert [d.reason_text for d in s.decisions()] == [f"fixture {i}" for i in range(4)]
        assert s.notes()[0][1] == "fixture note" and s.integrity() == "ok"
