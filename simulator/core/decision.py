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
