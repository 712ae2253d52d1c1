"""One review decision: the record a session file stores (kept light: no numpy or pandas)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Decision:
    """One review decision, as stored in a session file."""

    candidate: int  # index in the pool (candidate id - 1)
    machine_advice: bool
    human_decision: bool
    reason_code: str
    reason_text: str = ""
    queue: str = ""
    blind: bool = False
    judge_first: bool = False
    versus: bool = False  # "you versus the machine": no advice shown
    first_decision: bool | None = None  # judge-first: the decision before the advice was shown
    time: str = ""
    seconds: float | None = None  # time spent on the card

    @property
    def overridden(self) -> bool:
        return self.machine_advice != self.human_decision


@dataclass
class QuizAnswer:
    """One answer to a quiz question of the session's scenario, as stored in a session file."""

    question: int  # index into the scenario's quiz
    option: int  # index into the question's options, as in the file (not the shuffled position shown)
    correct: bool
    time: str = ""


@dataclass
class ChallengeResult:
    """Whether a challenge of the session's scenario was met (the latest result counts)."""

    challenge: str  # the challenge's id in the scenario
    met: bool
    time: str = ""


@dataclass
class SelfCheckRating:
    """One statement of the self-check, rated 1 (not at all) to 5 (fully), before or after the workshop."""

    phase: str  # "before" or "after"
    statement: str  # a key of session.SELF_CHECK_STATEMENTS
    rating: int
    time: str = ""
