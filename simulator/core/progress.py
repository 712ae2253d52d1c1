"""A learner's progress between runs: challenges met and quiz answers, per scenario.

Stored as a small JSON file in the user's application-data folder (the app passes the path), written
atomically so a crash never leaves half a file. A damaged or foreign file is set aside, not trusted.
"""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path

VERSION = 1


class Progress:
    def __init__(self, path):
        self.path = Path(path)
        self.data = self._read()

    def _read(self) -> dict:
        empty = {"version": VERSION, "challenges": {}, "quiz": {}}
        if not self.path.is_file():
            return empty
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("version") != VERSION:
                raise ValueError("unknown format")
            data.setdefault("challenges", {})
            data.setdefault("quiz", {})
            return data
        except (ValueError, OSError):
            # Keep the unreadable file for inspection and start afresh rather than crash.
            self.path.replace(self.path.with_suffix(".damaged.json"))
            return empty

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.data, indent=2, ensure_ascii=False), encoding="utf-8")
        tmp.replace(self.path)

    @property
    def learner(self) -> str:
        """A random name for this learner, made once and kept in the progress file: it seeds the
        order of quiz options, so each learner sees their own order and sees it again next time."""
        if not isinstance(self.data.get("learner"), str):
            import secrets

            # Another Progress on the same file (the gallery's) may have made the name meanwhile.
            on_disk = self._read().get("learner") if self.path.is_file() else None
            self.data["learner"] = on_disk if isinstance(on_disk, str) else secrets.token_hex(8)
            try:
                self.save()
            except OSError:  # a read-only folder: the order then holds for this session only
                pass
        return self.data["learner"]

    def challenge_done(self, scenario: str, challenge: str) -> bool:
        return challenge in self.data["challenges"].get(scenario, {})

    def mark_challenge(self, scenario: str, challenge: str) -> None:
        if not self.challenge_done(scenario, challenge):
            stamp = _dt.datetime.now().isoformat(timespec="seconds")
            self.data["challenges"].setdefault(scenario, {})[challenge] = stamp
            self.save()

    def record_answer(self, scenario: str, question: int, correct: bool, option: int | None = None) -> None:
        """A quiz answer: right or not, and (for the session file) the option chosen, as its index in the file."""
        self.data["quiz"].setdefault(scenario, {})[str(question)] = bool(correct)
        if option is not None:
            self.data.setdefault("choices", {}).setdefault(scenario, {})[str(question)] = int(option)
        self.save()

    def choices(self, scenario: str) -> dict[int, int]:
        """The latest option chosen per question (answers from before options were kept have none)."""
        stored = self.data.get("choices", {}).get(scenario, {})
        return {int(q): o for q, o in stored.items() if isinstance(o, int) and str(q).isdigit()} \
            if isinstance(stored, dict) else {}

    def record_self_check(self, phase: str, ratings: dict[str, int]) -> None:
        """The self-check before or after the workshop (statement -> rating 1–5), kept until the next one."""
        self.data.setdefault("self_check", {})[phase] = {k: int(v) for k, v in ratings.items()}
        self.save()

    def self_check(self, phase: str) -> dict[str, int]:
        stored = self.data.get("self_check", {}).get(phase, {})
        return {k: v for k, v in stored.items() if isinstance(v, int)} if isinstance(stored, dict) else {}

    def quiz_score(self, scenario: str) -> tuple[int, int]:
        answers = self.data["quiz"].get(scenario, {})
        return sum(answers.values()), len(answers)

    def completed(self) -> int:
        return sum(len(v) for v in self.data["challenges"].values())

    def reset(self) -> None:
        self.data = {"version": VERSION, "challenges": {}, "quiz": {}}
        if self.path.exists():
            self.path.unlink()


def carry_into(session, progress: Progress) -> int:
    """Write what ``progress`` holds for the session's scenario into the session file: quiz answers (the
    option last chosen, where the file's latest answer differs), each challenge met or not, the
    self-check ratings, and the learner's id. Returns how many records were added. Raises
    ``SessionError`` if the file cannot be written; what was added before that stays."""
    from .session import SELF_CHECK_PHASES, SELF_CHECK_STATEMENTS

    scenario = session._stored_scenario()
    added = 0
    if not session.learner:
        session.set_meta("learner", progress.learner)
    latest = {}
    for answer in session.quiz_answers():
        latest[answer.question] = answer.option
    for question, option in sorted(progress.choices(scenario.id).items()):
        if question < len(scenario.quiz) and 0 <= option < len(scenario.quiz[question].options) \
                and latest.get(question) != option:
            session.record_quiz_answer(question, option)
            added += 1
    for challenge in scenario.challenges:
        met = progress.challenge_done(scenario.id, challenge.id)
        if session.latest_challenges().get(challenge.id) != met:
            session.record_challenge(challenge.id, met)
            added += 1
    stored = session.latest_self_check()
    for phase in SELF_CHECK_PHASES:
        changed = {k: v for k, v in progress.self_check(phase).items()
                   if k in SELF_CHECK_STATEMENTS and 1 <= v <= 5 and stored.get((phase, k)) != v}
        if changed:
            session.record_self_check(phase, changed)
            added += len(changed)
    return added
