"""Generated rooms for the class view's tests: participants' session files written through the real
session API, with simulated decisions, quiz answers, challenge results and self-checks, and the
numbers they hold kept beside them (so tests can compute the room's results independently)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from simulator.core import engine
from simulator.core.decision import Decision
from simulator.core.scenario import dumps, load
from simulator.core.session import SCHEMA_VERSION, SELF_CHECK_STATEMENTS, Session

SCENARIO, SEED, SIZE = "human-override", 11, 2000


@dataclass
class Truth:
    """What was written, participant by participant (lists of plain tuples)."""

    unaided: list = field(default_factory=list)  # (participant, candidate, machine advice, choice)
    reviewed: list = field(default_factory=list)  # (participant, candidate, advice, human, blind)
    versus: list = field(default_factory=list)  # (participant, candidate, advice, human, blind)
    first_answers: dict = field(default_factory=dict)  # (participant, question) -> option
    challenges: dict = field(default_factory=dict)  # participant -> latest met
    self_check: dict = field(default_factory=dict)  # (participant, phase, statement) -> latest rating
    names: list = field(default_factory=list)
    damaged: list = field(default_factory=list)  # file names that must be skipped


def make_room(folder: Path, participants: int = 30, seed: int = 0, damaged: bool = True) -> Truth:
    """``participants`` session files in ``folder`` (one per participant) plus, with ``damaged``, four
    broken ones: truncated, random bytes, another program's SQLite file, a newer schema version."""
    rng = np.random.default_rng(seed)
    scenario = load(SCENARIO)
    scenario.pool.seed, scenario.pool.size = SEED, SIZE
    text = dumps(scenario)
    outcome = engine.run(scenario, attribution=False, lazy=True).outcome
    advice = outcome.selected
    women = outcome.pool["gender"] == 0
    truth = Truth()
    folder.mkdir(parents=True, exist_ok=True)
    for p in range(participants):
        name = f"Deelnemer {p:02d}"
        truth.names.append(name)
        with Session.create(folder / f"p{p:02d}.rbsession", text, SEED, SIZE, participant=name, lang="nl",
                            learner=f"learner-{p:02d}") as s:
            blind = p % 3 == 0
            # you versus the machine: 20 CVs without advice; this room advances men more often
            for c in rng.choice(SIZE, 20, replace=False):
                c = int(c)
                choice = bool(rng.random() < (0.35 if women[c] else 0.6))
                s.record(Decision(c, bool(advice[c]), choice, "skills", queue="versus", versus=True, blind=blind))
                truth.unaided.append((p, c, bool(advice[c]), choice))
                truth.versus.append((p, c, bool(advice[c]), choice, blind))
            # a review with the advice shown: the first five participants rubber-stamp
            judge_first = p % 4 == 1
            stamp = p < 5
            for c in rng.choice(SIZE, 12 + p % 5, replace=False):
                c = int(c)
                first = bool(rng.random() < 0.5) if judge_first else None
                human = bool(advice[c]) if stamp else bool(advice[c]) ^ bool(rng.random() < (0.3 if women[c] else 0.15))
                s.record(Decision(c, bool(advice[c]), human, "experience", queue="random", blind=blind,
                                  judge_first=judge_first, first_decision=first))
                truth.reviewed.append((p, c, bool(advice[c]), human, blind))
                if first is not None:
                    truth.unaided.append((p, c, bool(advice[c]), first))
            # the quiz: every question once, some twice (the first answer counts)
            for q, question in enumerate(scenario.quiz):
                if p % 7 == 6 and q == 2:
                    continue  # not answered
                for attempt in range(1 + (p % 5 == 0)):
                    option = int(rng.integers(len(question.options)))
                    s.record_quiz_answer(q, option)
                    truth.first_answers.setdefault((p, q), option)
            for challenge in scenario.challenges:
                if p % 2:
                    s.record_challenge(challenge.id, False)
                met = bool(rng.random() < 0.6)
                s.record_challenge(challenge.id, met)
                truth.challenges[p] = met
            phases = ("before", "after") if p % 6 else ("before",)
            for phase in phases:
                ratings = {st: int(rng.integers(1, 4) if phase == "before" else rng.integers(2, 6))
                           for st in SELF_CHECK_STATEMENTS}
                s.record_self_check(phase, ratings)
                for st, r in ratings.items():
                    truth.self_check[(p, phase, st)] = r
    if damaged:
        good = (folder / "p00.rbsession").read_bytes()
        (folder / "truncated.rbsession").write_bytes(good[: len(good) // 3])
        (folder / "noise.rbsession").write_bytes(rng.bytes(5000))
        db = sqlite3.connect(folder / "foreign.rbsession")
        db.execute("CREATE TABLE t (x)")
        db.commit()
        db.close()
        with Session.create(folder / "newer.rbsession", text, SEED, SIZE, participant="Future") as s:
            s.set_meta("schema_version", str(SCHEMA_VERSION + 1))
        truth.damaged = ["truncated.rbsession", "noise.rbsession", "foreign.rbsession", "newer.rbsession"]
    return truth
