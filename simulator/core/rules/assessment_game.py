"""Assessment game: an online assessment where AI estimates competencies from games, with an optional video interview.

Nothing is measured: this is a simulation whose every effect is a named parameter. The score is a
sum of parts, each centred on the average candidate of the pool and weighted (weight 0 switches a
part off):

- **skill**: the candidate's true suitability for the job, standardised (what the vendor says the
  games measure);
- **reaction speed**: timed games reward fast reactions. Reaction times slow with age from early
  adulthood (Der & Deary 2006, Psychology and Aging 21(1), UK Health and Lifestyle Survey); here the
  speed part falls ``speed_per_decade`` standard deviations per ten years of age, and
  ``speed_effects`` shift it for groups (by default candidates who disclose a disability, such as
  a motor impairment or dyslexia, are slower). Both sizes are modelling guesses [G]. It carries no
  information about suitability: the job is assumed not to need fast reactions;
- **gaming experience**: people who play video games are at home in game-like tests. Men more
  often call themselves gamers (Pew Research Center 2015: 15% of men, 6% of women); the size of
  ``gaming_effects`` is a modelling guess [G]. It carries no information about suitability either;
- **facial expression** (the video interview): software reads emotions from the face. It carries no
  information about suitability (noise), and ``expression_effects`` read some groups worse — by
  default candidates who disclose a disability (autism, facial paralysis), as critics of HireVue's
  face analysis said [G]. HireVue said 10–30% of a score came from facial expressions (EPIC 2019).

With ``adapted_test`` candidates who disclose a disability take an adapted version without time
pressure: their speed part keeps only the variation every candidate has, without the slowing by age
or group — the effective adjustment (doeltreffende aanpassing) an employer owes them (WGBH/CZ art. 2).

Each part's random draw comes from its own stream of the pool's seed, the same in every stage: a
candidate's reaction speed, gaming experience and how the face reader reads them belong to that
candidate. Switching one part off or changing its weight leaves the others as they were.
"""

from __future__ import annotations

import zlib
from typing import ClassVar

import numpy as np

from ..texts import number, short_number
from ..world import CATEGORIES, PROTECTED_ATTRIBUTES
from .base import LAWFUL, NEEDS_JUSTIFICATION, PROHIBITED, Cut, Legality, Param, Rule, by_value, rule_kind
from .params import Decimal, Shifts, YesNo
from .weighted_score import check_cut, cut_params, cut_texts, describe_cut

# The parts of the score, in the order they are added and explained.
PARTS = ("skill", "speed", "gaming", "expression")
# The score's scale: 50 for the average candidate, 10 points per standard deviation of a part.
CENTRE, POINTS_PER_SD = 50.0, 10.0
EFFECT_ATTRIBUTES = ("gender", "age_band", "origin", "disability")


@rule_kind
class AssessmentGame(Rule):
    """Score = 50 + 10 × (skill, reaction speed, gaming experience and facial expression, each times its weight); keep the best."""

    kind: ClassVar[str] = "assessment_game"
    ORDER: ClassVar[int] = 10
    PARAMS: ClassVar[tuple[Param, ...]] = (
        Param("skill_weight", Decimal(), 1.0, minimum=0.0, maximum=5.0, slider=(0.0, 2.0)),
        Param("speed_weight", Decimal(), 0.5, minimum=0.0, maximum=5.0, slider=(0.0, 2.0)),
        # Standard deviations of reaction speed lost per ten years of age [G].
        Param("speed_per_decade", Decimal(), 0.3, minimum=-2.0, maximum=2.0, slider=(0.0, 1.0)),
        Param("speed_effects", Shifts(attributes=EFFECT_ATTRIBUTES, unit="sd"), {"disability": {"disclosed": -0.8}}),
        Param("gaming_weight", Decimal(), 0.5, minimum=0.0, maximum=5.0, slider=(0.0, 2.0)),
        Param("gaming_effects", Shifts(attributes=EFFECT_ATTRIBUTES, unit="sd"), {"gender": {"man": 0.6}}),
        # The video interview's facial-expression part: 0 leaves the video interview out.
        Param("expression_weight", Decimal(), 0.0, minimum=0.0, maximum=5.0, slider=(0.0, 2.0)),
        Param("expression_effects", Shifts(attributes=EFFECT_ATTRIBUTES, unit="sd"),
              {"disability": {"disclosed": -1.0}}),
        Param("adapted_test", YesNo(), False),
        *cut_params(),
    )
    STARTER: ClassVar[dict] = {"top_share": 0.5}
    LEGALITY_EXAMPLES: ClassVar[dict[str, dict]] = {
        "emotion": {"expression_weight": 0.4},
        "adjustment": {},
        "speed_age": {"adapted_test": True},
        "gaming": {"speed_weight": 0.0},
        "skill": {"speed_weight": 0.0, "gaming_weight": 0.0},
    }
    skill_weight: float
    speed_weight: float
    speed_per_decade: float
    speed_effects: dict
    gaming_weight: float
    gaming_effects: dict
    expression_weight: float
    expression_effects: dict
    adapted_test: bool
    threshold: float | None
    top_k: int | None
    top_share: float | None

    def validate(self, path: str) -> None:
        check_cut(self, path)

    # -- the parts ------------------------------------------------------------------------------
    def _noise(self, pool, part: str) -> np.ndarray:
        """A standard-normal draw per candidate for a part, from its own stream of the pool's seed."""
        key = ("assessment_game", part)
        if key not in pool.draws:
            seed = int(pool.settings.seed) & 0xFFFFFFFF
            rng = np.random.default_rng([seed, zlib.crc32(f"assessment_game.{part}".encode())])
            pool.draws[key] = rng.standard_normal(len(pool))
        return pool.draws[key]

    @staticmethod
    def _shifts(pool, effects: dict) -> np.ndarray:
        total = np.zeros(len(pool), dtype=np.float64)
        for attribute, shifts in effects.items():
            table = np.array([float(shifts.get(v, 0.0)) for v in CATEGORIES[attribute]])
            total += table[pool[attribute]]
        return total

    def adapted(self, pool) -> np.ndarray:
        """Who takes the adapted test (candidates who disclose a disability, when it is offered)."""
        if not self.adapted_test:
            return np.zeros(len(pool), dtype=bool)
        return pool["disability"] == CATEGORIES["disability"].index("disclosed")

    def parts(self, pool) -> dict[str, np.ndarray]:
        """Each part per candidate, in standard deviations from the pool's average candidate,
        before its weight."""
        suitability = pool["suitability"].astype(np.float64)
        spread = suitability.std()
        skill = (suitability - suitability.mean()) / (spread if spread > 0 else 1.0)
        age = pool["age"].astype(np.float64)
        noise = self._noise(pool, "speed")
        timed = noise - self.speed_per_decade * (age - age.mean()) / 10.0 + self._shifts(pool, self.speed_effects)
        # The adapted test does not time: what is left is the variation every candidate has, without
        # the slowing by age or group (a neutral 0 for all would hold them back at a selective cut).
        speed = np.where(self.adapted(pool), noise, timed)
        gaming = self._noise(pool, "gaming") + self._shifts(pool, self.gaming_effects)
        expression = self._noise(pool, "expression") + self._shifts(pool, self.expression_effects)
        return {"skill": skill, "speed": speed - speed.mean(), "gaming": gaming - gaming.mean(),
                "expression": expression - expression.mean()}

    def weight(self, part: str) -> float:
        return float(getattr(self, f"{part}_weight"))

    def contributions(self, pool) -> dict[str, np.ndarray]:
        """Each switched-on part's points, above (+) or below (−) the average candidate's."""
        return {part: POINTS_PER_SD * self.weight(part) * values for part, values in self.parts(pool).items()
                if self.weight(part) != 0.0}

    def points(self, pool, ctx):
        total = np.full(len(pool), CENTRE)
        for values in self.contributions(pool).values():
            total += values
        return total

    @property
    def cut(self) -> Cut:
        return Cut(self.threshold, self.top_k, self.top_share)

    # -- explanation ----------------------------------------------------------------------------
    def describe(self, lang: str) -> str:
        parts = ", ".join(f"{self.text(f'part.{p}', lang)} × {short_number(self.weight(p), lang)}"
                          for p in PARTS if self.weight(p) != 0.0)
        adapted = self.text("describe_adapted", lang) if self.adapted_test and self.speed_weight else ""
        return self.text("describe", lang, parts=parts or "—", adapted=adapted, cut=describe_cut(self, lang))

    def reason_table(self, lang: str, pool, indices, info: dict | None = None):
        """The cut's reason, then every part against the average candidate, and the part that
        pulled the score down most."""
        indices = np.asarray(indices, dtype=np.intp)
        score, cut_reason = cut_texts(self, lang, info, indices)
        shown = [p for p in PARTS if self.weight(p) != 0.0]
        contributions = self.contributions(pool)
        adapted = self.adapted(pool)[indices] if "speed" in shown else np.zeros(len(indices), dtype=bool)
        columns = [score] + [np.round(contributions[p][indices]) for p in shown] + [adapted.astype(np.float64)]
        keys = np.column_stack(columns) if len(indices) else np.zeros((0, len(columns)))

        def text_for(row) -> str:
            values = dict(zip(shown, row[1:-1]))
            words = []
            for part, value in values.items():
                name = self.text(f"part.{part}", lang)
                key = "part_adapted" if part == "speed" and row[-1] else "part_value"
                words.append(self.text(key, lang, part=name, points=_signed(value, lang)))
            below = {p: v for p, v in values.items() if v < 0}
            worst = (self.text("worst", lang, part=self.text(f"part.{min(below, key=below.get)}", lang))
                     if below else self.text("none_below", lang))
            return self.text("reason", lang, cut=cut_reason(row[0]), parts="; ".join(words), worst=worst)

        return by_value(keys, text_for)

    def legality(self) -> Legality:
        law = {"high_risk": "law:ai_act_high_risk", "deployer": "law:deployer_duties"}
        if self.expression_weight != 0.0:
            return self.legal(PROHIBITED, "emotion", ban="law:emotion_ban", **law)
        if self.speed_weight != 0.0 and not self.adapted_test:
            return self.legal(NEEDS_JUSTIFICATION, "adjustment", adjustment="law:adjustment", **law)
        if self.speed_weight != 0.0 and self.speed_per_decade != 0.0:
            return self.legal(NEEDS_JUSTIFICATION, "speed_age", equal="law:equal_treatment", **law)
        grounds = set(PROTECTED_ATTRIBUTES)
        if self.gaming_weight != 0.0 and any(a in grounds and any(float(v) != 0.0 for v in s.values())
                                             for a, s in self.gaming_effects.items()):
            return self.legal(NEEDS_JUSTIFICATION, "gaming", equal="law:equal_treatment", **law)
        return self.legal(LAWFUL, "skill", **law)


def _signed(value: float, lang: str) -> str:
    """Whole points with their sign: +4, −9, 0."""
    value = int(round(float(value)))
    if value == 0:
        return "0"
    return ("+" if value > 0 else "−") + number(abs(value), lang, 0)

