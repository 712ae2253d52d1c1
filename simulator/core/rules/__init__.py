"""Screening rule kinds. To add one: write a module here with a ``Rule`` subclass and register it below."""

from __future__ import annotations

from .base import (
    DIRECT_DISCRIMINATION,
    LAWFUL,
    LEGALITY_LEVELS,
    NEEDS_JUSTIFICATION,
    Cut,
    GroupSelector,
    Legality,
    Param,
    Rule,
    RuleConfigError,
)
from .callback import Callback
from .gap_penalty import GapPenalty
from .keywords import KeywordMatch
from .knockout import KnockOut
from .learned_model import LearnedModel
from .positive_action import PositiveAction
from .reviewer import SimulatedReviewer
from .weighted_score import WeightedScore

RULE_KINDS: dict[str, type[Rule]] = {
    cls.kind: cls
    for cls in (KnockOut, KeywordMatch, WeightedScore, GapPenalty, LearnedModel, PositiveAction, SimulatedReviewer,
                Callback)
}


def rule_from_dict(data: dict, path: str) -> Rule:
    """Build and validate a rule from its scenario-file table."""
    if not isinstance(data, dict):
        raise RuleConfigError(path, "expected a table describing a rule")
    kind = data.get("kind")
    if kind not in RULE_KINDS:
        raise RuleConfigError(f"{path}.kind", f"unknown rule kind {kind!r} (expected one of {', '.join(RULE_KINDS)})")
    return RULE_KINDS[kind].from_dict(data, path)


__all__ = [
    "RULE_KINDS", "rule_from_dict", "Rule", "Param", "Cut", "GroupSelector", "Legality", "RuleConfigError",
    "LAWFUL", "NEEDS_JUSTIFICATION", "DIRECT_DISCRIMINATION", "LEGALITY_LEVELS",
    "KnockOut", "KeywordMatch", "WeightedScore", "GapPenalty", "LearnedModel", "PositiveAction", "SimulatedReviewer",
    "Callback",
]
