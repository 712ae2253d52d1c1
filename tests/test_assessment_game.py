"""The assessment game: each part of its score carries its own group effect, the adapted test lifts
candidates who disclose a disability, its draws come from the seed, and its legal notes follow its parts."""

import numpy as np
import pytest

from simulator.core import engine
from simulator.core.law import fact
from simulator.core.rules import NEEDS_JUSTIFICATION, PROHIBITED, LAWFUL, RULE_KINDS
from simulator.core.rules.assessment_game import AssessmentGame
from simulator.core.scenario import from_dict
from simulator.core.world import code_of

# Every part off except the one a test switches on, so each group effect is seen alone.
OFF = {"speed_weight": 0.0, "gaming_weight": 0.0, "expression_weight": 0.0}


def _run(seed=7, **params):
    rule = {"kind": "assessment_game", "top_share": 0.3, **params}
    scenario = from_dict({
        "schema_version": 2, "id": "t", "title": {"en": "t", "nl": "t"}, "lesson": {"en": "t", "nl": "t"},
        "vacancy": {"title": {"en": "t", "nl": "t"}, "relevant_skills": ["communication"], "qualified_share": 0.3},
        "pool": {"size": 6000, "seed": seed},
        "stages": [{"name": {"en": "t", "nl": "t"}, "rules": [rule]}],
    })
    return engine.run(scenario, attribution=False)


def _ratio(result, attribute, group, reference):
    pool, selected = result.pool, result.outcome.selected
    column = pool[attribute]
    return selected[column == code_of(attribute, group)].mean() / selected[column == code_of(attribute, reference)].mean()


@pytest.mark.parametrize("part, attribute, group, reference", [
    ("speed", "age_band", "55_plus", "25_34"),
    ("gaming", "gender", "woman", "man"),
    ("expression", "disability", "disclosed", "none"),
])
def test_each_part_carries_its_group_effect_and_switching_it_off_removes_it(part, attribute, group, reference):
    """With only one extra part on, its group falls behind; with its weight at 0 the gap is gone."""
    on = _run(**{**OFF, f"{part}_weight": 0.8})
    off = _run(**OFF)
    assert _ratio(on, attribute, group, reference) < 0.8
    assert _ratio(off, attribute, group, reference) > 0.9


def test_adapted_test_lifts_candidates_who_disclose_a_disability():
    """The adapted test (no timed part) raises the selection rate of candidates who disclose a disability."""
    timed = _run(**{**OFF, "speed_weight": 0.8})
    adapted = _run(**{**OFF, "speed_weight": 0.8, "adapted_test": True})
    before = _ratio(timed, "disability", "disclosed", "none")
    after = _ratio(adapted, "disability", "disclosed", "none")
    assert before < 0.75 and after > 0.9 and after - before > 0.15


def test_draws_come_from_the_seed_and_each_part_keeps_its_own():
    """The same seed gives the same scores, another seed others; changing one part's weight leaves
    the other parts' values as they were."""
    a, b, c = _run(seed=11), _run(seed=11), _run(seed=12)
    assert np.array_equal(a.outcome.scores, b.outcome.scores, equal_nan=True)
    assert not np.array_equal(a.outcome.scores[:, 0], c.outcome.scores[:, 0])
    pool = a.pool
    first = AssessmentGame.from_dict({"kind": "assessment_game"}, "r").parts(pool)
    second = AssessmentGame.from_dict({"kind": "assessment_game", "gaming_weight": 2.0, "speed_weight": 0.0}, "r").parts(pool)
    for part in ("skill", "speed", "gaming", "expression"):
        assert np.array_equal(first[part], second[part])


@pytest.mark.parametrize("params, level, branch, law", [
    ({"expression_weight": 0.4}, PROHIBITED, "emotion", "emotion_ban"),
    ({"expression_weight": 0.4, "adapted_test": True, "speed_weight": 0.0}, PROHIBITED, "emotion", "emotion_ban"),
    ({}, NEEDS_JUSTIFICATION, "adjustment", "adjustment"),
    ({"adapted_test": True}, NEEDS_JUSTIFICATION, "speed_age", "equal_treatment"),
    ({"speed_weight": 0.0}, NEEDS_JUSTIFICATION, "gaming", "equal_treatment"),
    ({"speed_weight": 0.0, "gaming_effects": {}}, LAWFUL, "skill", "ai_act_high_risk"),
    ({"speed_weight": 0.0, "gaming_weight": 0.0}, LAWFUL, "skill", "ai_act_high_risk"),
])
def test_legal_note_follows_the_parts_switched_on(params, level, branch, law):
    """Face reading is prohibited; timed games without an adapted test miss the adjustment duty; with
    it the speed part still needs a justification for age; gaming one for sex; skill alone is lawful."""
    legal = RULE_KINDS["assessment_game"].from_dict({"kind": "assessment_game", **params}, "r").legality()
    assert (legal.level, legal.branch) == (level, branch)
    for lang in ("en", "nl"):
        assert fact(law, lang) in legal.explain(lang)


def test_a_prohibited_rule_fails_the_lawful_goal():
    """A challenge's "lawful" goal is not met while the face-reading part is on, and says why."""
    from simulator.core.teaching import Goal, check_goal

    on = _run(expression_weight=0.4).measurement
    off = _run().measurement
    assert not check_goal(Goal("lawful"), on, "en").met
    assert "prohibited" in check_goal(Goal("lawful"), on, "en").message
    assert check_goal(Goal("lawful"), off, "en").met


def test_reasons_name_every_part_and_the_one_that_pulled_the_score_down_most():
    """A rejected candidate's reason gives each part against the average and names the lowest one."""
    result = _run(expression_weight=0.4)
    rule = result.outcome.rule(0)
    contributions = rule.contributions(result.pool)
    rejected = np.flatnonzero(~result.outcome.selected)
    worst_is_face = rejected[np.argmin(contributions["expression"][rejected])]
    for lang, words in (("en", ("reaction speed", "facial expression (video)")),
                        ("nl", ("reactiesnelheid", "gezichtsuitdrukking (video)"))):
        text = result.outcome.reasons(lang, np.array([worst_is_face]))[0]
        assert all(w in text for w in words)
        assert text.rstrip(".").endswith(words[1])
