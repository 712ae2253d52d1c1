"""Screening rules: behaviour, validation messages and legality notes."""

import numpy as np
import pytest

from simulator.core.pipeline import Pipeline, Stage, run_pipeline
from simulator.core.pool import PoolSettings, Vacancy, generate_pool
from simulator.core.rules import (
    DIRECT_DISCRIMINATION,
    LAWFUL,
    NEEDS_JUSTIFICATION,
    GapPenalty,
    KeywordMatch,
    KnockOut,
    LearnedModel,
    PositiveAction,
    RuleConfigError,
    SimulatedReviewer,
    WeightedScore,
    rule_from_dict,
)
from simulator.core.world import code_of


@pytest.fixture(scope="module")
def pool():
    return generate_pool(Vacancy(), PoolSettings(size=20000, seed=3))


def run(pool, *rules):
    return run_pipeline(pool, Pipeline([Stage({"en": "s", "nl": "s"}, list(rules))]))


def test_knockout_operators(pool):
    """Knock-outs compare numbers, ordinals, yes/no fields and category lists."""
    assert (KnockOut(field="experience_years", op=">=", value=5).passes(pool, {}) == (pool["experience_years"] >= 5)).all()
    assert (KnockOut(field="education", op=">=", value="hbo").passes(pool, {}) == (pool["education"] >= 3)).all()
    assert (KnockOut(field="driving_licence", op="==", value=True).passes(pool, {}) == pool["driving_licence"]).all()
    mask = KnockOut(field="origin", op="in", value=["dutch", "second_gen"]).passes(pool, {})
    assert (mask == (pool["origin"] != code_of("origin", "born_abroad"))).all()


@pytest.mark.parametrize(
    "data, path, words",
    [
        ({"kind": "knockout", "field": "shoe_size", "op": "==", "value": 1}, "r.field", "unknown value 'shoe_size'"),
        ({"kind": "knockout", "field": "education", "op": "=>", "value": "mbo"}, "r.op", "unknown value '=>'"),
        ({"kind": "knockout", "field": "education", "op": ">=", "value": "phd"}, "r.value", "education has no value 'phd'"),
        ({"kind": "knockout", "field": "gender", "op": ">", "value": "man"}, "r.op", "has no order"),
        ({"kind": "knockout", "field": "driving_licence", "value": "yes"}, "r.value", "use true or false"),
        ({"kind": "weighted_score", "weights": {"height": 1}}, "r.weights.height", "unknown name"),
        ({"kind": "weighted_score", "top_k": 5, "threshold": 3}, "r", "choose one of"),
        ({"kind": "gap_penalty"}, "r", "points_per_month"),
        ({"kind": "keywords", "required": ["excell"]}, "r.required", "unknown keyword 'excell'"),
        ({"kind": "magic"}, "r.kind", "unknown rule kind 'magic'"),
        ({"kind": "knockout", "colour": "red"}, "r.colour", "unknown parameter"),
        ({"kind": "positive_action", "mode": "bonus"}, "r.bonus_points", "above 0"),
        ({"kind": "learned_model", "features": ["age"]}, "r.features", "unknown value 'age'"),
        ({"kind": "reviewer", "strength": -1}, "r.strength", "at least 0"),
    ],
)
def test_validation_names_the_field_and_problem(data, path, words):
    """Every bad rule parameter is reported with its path and a plain reason."""
    with pytest.raises(RuleConfigError) as err:
        rule_from_dict(data, "r")
    assert err.value.path == path
    assert words in err.value.message


def test_keywords_without_synonyms_miss_other_wordings(pool):
    """Exact keyword matching rejects people who have the skill in other words; synonyms accept them."""
    exact = KeywordMatch(required=["excel"], synonyms=False).passes(pool, {})
    loose = KeywordMatch(required=["excel"], synonyms=True).passes(pool, {})
    assert loose.sum() > exact.sum() * 1.5
    assert (exact <= loose).all()
    # People born abroad write English terms more often, so "excel" (English) favours them,
    # and the Dutch term "rekenbladen" favours Dutch-origin candidates.
    dutch_term = KeywordMatch(required=["rekenbladen"], synonyms=False).passes(pool, {})
    has = pool.has_skill[:, 1]
    born_abroad = pool["origin"] == code_of("origin", "born_abroad")
    dutch = pool["origin"] == code_of("origin", "dutch")
    # Expected from the english_wording link: 0.3*0.15 + 0.7*0.7 = 0.535 against 0.6*0.15 + 0.4*0.7 = 0.37.
    assert dutch_term[has & dutch].mean() > dutch_term[has & born_abroad].mean() + 0.1
    assert KeywordMatch(required=["excel"], synonyms=False).legality().level == NEEDS_JUSTIFICATION


def test_gap_penalty_points_and_knockout(pool):
    """Gap penalty subtracts points per month and knocks out above the limit."""
    rule = GapPenalty(points_per_month=0.5, knockout_months=12, count_current=False)
    months = pool["past_gap_months"]
    np.testing.assert_allclose(rule.points(pool, {}), -0.5 * months)
    assert (rule.passes(pool, {}) == (months <= 12)).all()


def test_top_k_keeps_exactly_k(pool):
    """A top-K cut keeps exactly K candidates, all with scores at least the lowest kept."""
    outcome = run(pool, WeightedScore(weights={"education": 1, "skills_count": 1}, top_k=1000))
    assert outcome.selected.sum() == 1000
    score = outcome.scores[:, 0]
    assert score[outcome.selected].min() >= score[~outcome.selected].max()


def test_positive_action_tie_break_only_reorders_equal_scores(pool):
    """A tie-break prefers the target group only among equal scores; a bonus changes who gets in."""
    base = WeightedScore(weights={"education": 1, "skills_count": 1}, top_k=3000)
    plain = run(pool, base)
    tie = run(pool, base, PositiveAction(mode="tie_break"))
    women = pool["gender"] == code_of("gender", "woman")
    floor = plain.scores[plain.selected, 0].min()
    above = plain.scores[:, 0] > floor
    # Everyone strictly above the boundary score gets in either way.
    assert (tie.selected[above] == plain.selected[above]).all()
    assert tie.selected[women].sum() >= plain.selected[women].sum()
    bonus = PositiveAction(mode="bonus", bonus_points=2)
    assert tie.rule(1).legality().level == LAWFUL
    assert bonus.legality().level == DIRECT_DISCRIMINATION


def test_protected_knockout_is_direct_discrimination():
    """An age limit can be built but is flagged; an experience cap is flagged as indirect."""
    assert KnockOut(field="age", op="<", value=55).legality().level == DIRECT_DISCRIMINATION
    assert KnockOut(field="experience_years", op="<=", value=10).legality().level == NEEDS_JUSTIFICATION
    assert KnockOut(field="driving_licence", op="==", value=True).legality().level == LAWFUL


def test_learned_model_learns_bias_through_proxies(pool):
    """Trained on biased history, the model punishes a non-Dutch name; trained on fair history it does not."""
    biased = dict(LearnedModel(history_size=20000).weights(pool))
    fair = dict(LearnedModel(history_size=20000, history_bias={}, age_penalty_per_year=0.0,
                             motherhood_penalty=0.0).weights(pool))
    assert biased["name_non_dutch"] < -0.2
    assert abs(fair["name_non_dutch"]) < 0.1
    assert "age" not in biased and "woman" not in biased


def test_rubber_stamp_reviewer_follows_the_machine(pool):
    """A rubber-stamp reviewer (0.98) agrees with the machine's advice about 98% of the time."""
    outcome = run(pool, WeightedScore(weights={"skills_count": 1}, threshold=2), SimulatedReviewer())
    advice = outcome.advice[0]
    agree = (advice == outcome.selected).mean()
    assert 0.97 < agree < 0.995


def test_selective_adherence_hurts_the_stereotyped_group(pool):
    """Selective adherence lowers the stereotyped group's rate compared with the machine's advice."""
    outcome = run(pool, WeightedScore(weights={"skills_count": 1}, threshold=2),
                  SimulatedReviewer(profile="selective_adherence", strength=0.6, adherence=0.6))
    group = pool["origin"] != code_of("origin", "dutch")
    advice = outcome.advice[0]
    assert outcome.selected[group].mean() < advice[group].mean() - 0.02
