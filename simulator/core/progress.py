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

    def record_answer(self, scenario: str, question: int, correct: bool) -> None:
        self.data["quiz"].setdefault(scenario, {})[str(question)] = bool(correct)
        self.save()

    def quiz_score(self, scenario: str) -> tuple[int, int]:
        answers = self.data["quiz"].get(scenario, {})
        return sum(answers.values()), len(answers)

    def completed(self) -> int:
        return sum(len(v) for v in self.data["challenges"].values())

    def reset(self) -> None:
        self.data = {"version": VERSION, "challenges": {}, "quiz": {}}
        if self.path.exists():
            self.path.unlink()
