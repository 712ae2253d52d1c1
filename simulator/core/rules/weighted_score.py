"""Weighted score: points per CV feature, then keep a threshold, the top K or a top share.

The cut applies to the stage score: this rule's points plus those of every other scoring rule in
the same stage (keyword bonus, gap penalty, positive-action bonus).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from ..texts import number, short_number, t
from .base import (
    DIRECT_DISCRIMINATION,
    LAWFUL,
    NEEDS_JUSTIFICATION,
    Cut,
    Legality,
    Param,
    Rule,
    RuleConfigError,
    by_value,
    rule_kind,
)
from .features import FEATURE_NAMES, PROTECTED_FEATURES, PROXY_FEATURES, feature
from .params import REACHED_RANGE, SCORE_RANGE, Decimal, Weights, Whole


def cut_params() -> tuple[Param, ...]:
    """The three ways to keep the best of a score (one at most, none by default), shared by the
    scoring kinds."""
    return (
        Param("threshold", Decimal(), None, optional=True, slider=SCORE_RANGE),
        Param("top_k", Whole(), None, minimum=1, optional=True, slider=REACHED_RANGE),
        Param("top_share", Decimal(), None, minimum=0.0, maximum=1.0, optional=True, slider=(0.0, 1.0)),
    )


# The parameters that only set a cut: the pipeline keeps a rule's outputs across changes of these.
CUT_PARAMS = tuple(p.name for p in cut_params())


def check_cut(rule, path: str) -> None:
    chosen = [name for name in CUT_PARAMS if getattr(rule, name) is not None]
    if len(chosen) > 1:
        raise RuleConfigError(path, f"choose one of threshold, top_k and top_share, not {' and '.join(chosen)}")


def describe_cut(rule, lang: str) -> str:
    if rule.threshold is not None:
        return t("rule.cut.threshold", lang, threshold=short_number(rule.threshold, lang))
    if rule.top_k is not None:
        return t("rule.cut.top_k", lang, k=rule.top_k)
    if rule.top_share is not None:
        return t("rule.cut.top_share", lang, share=short_number(100 * rule.top_share, lang))
    return t("rule.cut.none", lang)


def cut_texts(rule, lang: str, info: dict | None, indices) -> tuple[np.ndarray, callable]:
    """The scores of the candidates a cut rejected, and how to word one score (``by_value``)."""
    indices = np.asarray(indices, dtype=np.intp)
    score = info["score"][indices].astype(np.float64) if info else np.full(len(indices), np.nan)
    floor = info.get("floor") if info else None
    if rule.threshold is not None:
        threshold = short_number(rule.threshold, lang)
        return score, lambda s: t("rule.cut.reason_threshold", lang, score=number(float(s), lang, 1), threshold=threshold)
    cut = describe_cut(rule, lang)
    if floor is None or not np.isfinite(floor):
        return score, lambda s: t("rule.cut.reason_rank", lang, score=number(float(s), lang, 1), floor="—", cut=cut)

    def reason(s) -> str:
        # Scores count to 0.01 (pipeline._sort_key): equal there is a tie the tie-break decided.
        if round(float(s) * 100) == round(float(floor) * 100):
            return t("rule.cut.reason_tie", lang, score=number(float(s), lang, 2), cut=cut)
        digits = 1 if number(float(s), lang, 1) != number(float(floor), lang, 1) else 2  # never "15.0 … 15.0"
        return t("rule.cut.reason_rank", lang, score=number(float(s), lang, digits), floor=number(float(floor), lang, digits),
                 cut=cut)

    return score, reason


@rule_kind
class WeightedScore(Rule):
    """Score = sum of weight x feature value; optionally keep only the best."""

    kind: ClassVar[str] = "weighted_score"
    ORDER: ClassVar[int] = 3
    PARAMS: ClassVar[tuple[Param, ...]] = (
        Param("weights", Weights(FEATURE_NAMES), {"education": 2.0, "experience_years": 0.5, "skills_count": 3.0}),
        # Experience above the cap earns no extra points (counting only the first N years).
        Param("experience_cap", Decimal(), None, minimum=0, optional=True),
        *cut_params(),
    )
    STARTER: ClassVar[dict] = {"weights": {"education": 2, "skills_count": 3}, "top_share": 0.5}
    LEGALITY_EXAMPLES: ClassVar[dict[str, dict]] = {
        "protected": {"weights": {"age": -0.1}},
        "proxy": {"weights": {"concentration_postcode": -2}},
        "experience_penalty": {"weights": {"education": 2, "experience_years": -0.5}},
        "job_related": {"weights": {"education": 2}},
    }
    weights: dict[str, float]
    experience_cap: float | None
    threshold: float | None
    top_k: int | None
    top_share: float | None

    def validate(self, path: str) -> None:
        if not self.weights:
            raise RuleConfigError(f"{path}.weights", "give at least one feature weight")
        check_cut(self, path)

    def points(self, pool, ctx):
        total = np.zeros(len(pool), dtype=np.float64)
        for name, weight in self.weights.items():
            values = feature(pool, name)
            if name == "experience_years" and self.experience_cap is not None:
                values = np.minimum(values, self.experience_cap)
            total += weight * values
        return total

    @property
    def cut(self) -> Cut:
        return Cut(self.threshold, self.top_k, self.top_share)

    def describe(self, lang: str) -> str:
        parts = ", ".join(f"{t(f'feature.{k}', lang)} × {short_number(v, lang)}" for k, v in self.weights.items())
        return self.text("describe", lang, weights=parts, cut=describe_cut(self, lang))

    def reason_table(self, lang: str, pool, indices, info: dict | None = None):
        return by_value(*cut_texts(self, lang, info, indices))

    def legality(self) -> Legality:
        used = {k for k, v in self.weights.items() if v != 0}
        if used & PROTECTED_FEATURES:
            return self.legal(DIRECT_DISCRIMINATION, "protected", features=sorted(used & PROTECTED_FEATURES))
        if used & PROXY_FEATURES:
            return self.legal(NEEDS_JUSTIFICATION, "proxy", features=sorted(used & PROXY_FEATURES))
        if self.weights.get("experience_years", 0) < 0:  # fewer points for more experience: an age proxy
            return self.legal(NEEDS_JUSTIFICATION, "experience_penalty")
        return self.legal(LAWFUL, "job_related")
