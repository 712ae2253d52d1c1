"""Learned model: a classifier trained on a generated history of biased hiring decisions.

The history is a separate pool (same vacancy and pool settings, its own seed stream) in which past
recruiters hired on suitability *plus* group penalties whose strengths are parameters. The model
never sees gender, age or origin, but it does see proxies (postcode, hobbies, writing style, gaps,
graduation year, name origin, part-time history), and learns the old bias through them: leaving
the protected column out does not remove the bias. Its weights are inspectable.

scikit-learn is imported only when a model is trained, so start-up stays fast.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ..texts import t
from ..world import CATEGORIES
from .base import Cut, Legality, NEEDS_JUSTIFICATION, Param, Rule, RuleConfigError, by_value, rule_kind, template_parts
from .features import FEATURE_KINDS, FEATURE_NAMES, PROTECTED_FEATURES, RowsOf, feature
from .params import Decimal, Shifts, Whole, Words
from .weighted_score import check_cut, cut_params, cut_texts, describe_cut

MODEL_FEATURES = tuple(f for f in FEATURE_NAMES if f not in PROTECTED_FEATURES)
_MODEL_FEATURE_KINDS = {kind: tuple(f for f in names if f in MODEL_FEATURES) for kind, names in FEATURE_KINDS.items()
                        if any(f in MODEL_FEATURES for f in names)}

DEFAULT_HISTORY_BIAS = {
    # Shifts, in standard deviations of suitability, applied by past recruiters [G]. Chosen to give
    # historical hiring ratios near the Dutch field experiments: non-Western origin ~1.4, Western ~1.2.
    "gender": {"woman": -0.5},
    "origin": {"second_gen": -0.35, "born_abroad": -0.5},
}

_MODEL_CACHE: dict[str, "TrainedModel"] = {}


@dataclass
class TrainedModel:
    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    history_size: int
    history_hire_rate_by_gender: dict[str, float]

    def probability(self, pool) -> np.ndarray:
        # Fold the standardisation into the weights, then add one feature at a time: no
        # candidates x features matrix is built (a million rows x 30 features would be 240 MB).
        weights = self.coef / self.scale
        z = np.full(len(pool), self.intercept - float(np.dot(weights, self.mean)))
        for name, w in zip(self.features, weights):
            if w != 0:
                z += w * feature(pool, name)
        from scipy.special import expit

        return expit(z)


@rule_kind
class LearnedModel(Rule):
    """Score = the model's predicted hiring probability (0-100 points); keep the best."""

    kind: ClassVar[str] = "learned_model"
    ORDER: ClassVar[int] = 5
    IMPORTS: ClassVar[tuple[str, ...]] = ("sklearn.linear_model",)
    PARAMS: ClassVar[tuple[Param, ...]] = (
        Param("features", Words(MODEL_FEATURES, _MODEL_FEATURE_KINDS, labels="feature", headings="feature_kind"),
              list(MODEL_FEATURES)),
        Param("history_size", Whole(), 20000, minimum=500, maximum=500000),
        Param("history_hire_share", Decimal(), 0.2, minimum=0.01, maximum=0.9),
        # {attribute: {value: shift in SD}}; None = DEFAULT_HISTORY_BIAS.
        Param("history_bias", Shifts(shown_when_empty=DEFAULT_HISTORY_BIAS), None),
        # Past recruiters' penalty per year of age over 40, in SD (about -0.5 pp per year in callbacks).
        Param("age_penalty_per_year", Decimal(), 0.03, minimum=0, maximum=1),
        # Extra penalty for mothers of young children (Correll et al.: childless women 2.1x callbacks).
        Param("motherhood_penalty", Decimal(), 0.5, minimum=0, maximum=5),
        Param("regularisation", Decimal(), 1.0, minimum=1e-4, maximum=1e4),
        *cut_params(),
    )
    STARTER: ClassVar[dict] = {"top_share": 0.5}
    LEGALITY_EXAMPLES: ClassVar[dict[str, dict]] = {"history": {}}
    features: list[str]
    history_size: int
    history_hire_share: float
    history_bias: dict | None
    age_penalty_per_year: float
    motherhood_penalty: float
    regularisation: float
    threshold: float | None
    top_k: int | None
    top_share: float | None

    def validate(self, path: str) -> None:
        check_cut(self, path)
        if not self.features:
            raise RuleConfigError(f"{path}.features", "the model needs at least one feature")

    # -- training ---------------------------------------------------------------------------------
    def _bias(self) -> dict:
        return DEFAULT_HISTORY_BIAS if self.history_bias is None else self.history_bias

    def _cache_key(self, pool) -> str:
        from ..pool import world_key

        # The history is drawn from the pool's world (all its settings but the size).
        return json.dumps({
            "world": world_key(pool.vacancy, pool.settings, with_size=False),
            "rule": {k: getattr(self, k) for k in ("features", "history_size", "history_hire_share",
                                                   "age_penalty_per_year", "motherhood_penalty",
                                                   "regularisation")},
            "bias": self._bias(),
        }, sort_keys=True, default=str)

    def trained(self, pool) -> TrainedModel:
        """The model for this pool's world, trained once and then cached."""
        key = self._cache_key(pool)
        model = _MODEL_CACHE.get(key)
        if model is None:
            model = self._train(pool)
            if len(_MODEL_CACHE) > 32:
                _MODEL_CACHE.clear()
            _MODEL_CACHE[key] = model
        return model

    def _train(self, pool) -> TrainedModel:
        from sklearn.linear_model import LogisticRegression

        from ..threads import one_blas_thread

        from ..pool import generate_pool

        settings = copy.deepcopy(pool.settings)
        settings.size = self.history_size
        settings.seed = (int(pool.settings.seed) * 7919 + 104729) % (2 ** 31)
        history = generate_pool(pool.vacancy, settings)
        rng = np.random.default_rng([settings.seed, 4242])
        merit = history["suitability"].astype(np.float64) + 0.5 * rng.standard_normal(len(history))
        for attribute, shifts in self._bias().items():
            table = np.array([shifts.get(v, 0.0) for v in CATEGORIES[attribute]])
            merit = merit + table[history[attribute]]
        merit -= self.age_penalty_per_year * np.maximum(history["age"] - 40, 0)
        mothers = (history["gender"] == 0) & (history["parent"] == 1)
        merit -= self.motherhood_penalty * mothers
        hired = merit >= np.quantile(merit, 1 - self.history_hire_share)

        x = np.column_stack([feature(history, f) for f in self.features])
        mean = x.mean(axis=0)
        scale = x.std(axis=0)
        scale[scale == 0] = 1.0
        clf = LogisticRegression(C=self.regularisation, max_iter=500)
        with one_blas_thread():  # the same weights, to the last digit, at any thread count
            clf.fit((x - mean) / scale, hired)
        by_gender = {g: float(hired[history["gender"] == i].mean()) if (history["gender"] == i).any() else float("nan")
                     for i, g in enumerate(CATEGORIES["gender"])}
        return TrainedModel(tuple(self.features), mean, scale, clf.coef_[0].copy(), float(clf.intercept_[0]),
                            len(history), by_gender)

    def weights(self, pool) -> list[tuple[str, float]]:
        """Standardised coefficients, largest effect first: what the model learned to reward or punish."""
        model = self.trained(pool)
        pairs = list(zip(model.features, (float(c) for c in model.coef)))
        return sorted(pairs, key=lambda kv: -abs(kv[1]))

    def inspect(self, pool) -> dict:
        return {"weights": [{"feature": f, "weight": w} for f, w in self.weights(pool)]}

    # -- behaviour --------------------------------------------------------------------------------
    def points(self, pool, ctx):
        return 100.0 * self.trained(pool).probability(pool)

    @property
    def cut(self) -> Cut:
        return Cut(self.threshold, self.top_k, self.top_share)

    def describe(self, lang: str) -> str:
        return self.text("describe", lang, n=len(self.features), cut=describe_cut(self, lang))

    def reason_table(self, lang: str, pool, indices: np.ndarray, info: dict | None = None):
        """Per candidate: the cut, and the two features that pulled their score down most."""
        import pandas as pd

        model = self.trained(pool)
        indices = np.asarray(indices, dtype=np.intp)
        # The two features that pulled each score down most, a block of candidates at a time (the
        # whole candidates × features matrix would take 240 MB at a million). -1: not negative.
        drivers = np.full((len(indices), 2), -1, dtype=np.int64)
        for start in range(0, len(indices), 65_536):
            rows = indices[start:start + 65_536]
            block = RowsOf(pool, rows)
            x = np.column_stack([feature(block, f) for f in model.features]).astype(np.float64)
            contrib = (x - model.mean) / model.scale * model.coef
            worst = np.argpartition(contrib, 1, axis=1)[:, :2] if contrib.shape[1] > 2 else np.argsort(contrib, axis=1)[:, :2]
            values = np.take_along_axis(contrib, worst, axis=1)
            # The most negative first; at a tie, the feature listed first.
            swap = (values[:, 1] < values[:, 0]) | ((values[:, 1] == values[:, 0]) & (worst[:, 1] < worst[:, 0]))
            worst[swap] = worst[swap][:, ::-1]
            values[swap] = values[swap][:, ::-1]
            drivers[start:start + len(rows)] = np.where(values < 0, worst, -1)
        score, cut_text = cut_texts(self, lang, info, indices)
        names = [t(f"feature.{f}", lang) for f in model.features]
        score_codes, score_texts = by_value(score, cut_text)
        driver_codes, driver_texts = by_value(drivers, lambda key: ", ".join(names[int(c)] for c in key if c >= 0) or "—")
        # The sentence is worded once; each distinct (score, drivers) pair is then joined from parts.
        before, middle, after = template_parts(self.text("reason", lang, base="\x00", drivers="\x01"), "\x00", "\x01")
        codes, pairs = pd.factorize(score_codes.astype(np.int64) * len(driver_texts) + driver_codes)
        texts = [before + score_texts[p // len(driver_texts)] + middle + driver_texts[p % len(driver_texts)] + after
                 for p in pairs]
        return codes, texts

    def legality(self) -> Legality:
        return self.legal(NEEDS_JUSTIFICATION, "history")
