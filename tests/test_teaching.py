"""Teaching material: quizzes, walk-throughs, practice challenges checked live, and progress."""

import copy
import json

import pytest

from simulator.core import engine
from simulator.core.progress import Progress
from simulator.core.scenario import ScenarioError, builtin_ids, from_dict, load, to_dict
from simulator.core.teaching import Goal, apply_changes, check_challenge, check_goal, describe_goal


@pytest.mark.parametrize("sid", builtin_ids())
def test_builtins_carry_quiz_and_walkthrough(sid):
    """Every built-in scenario has 2–4 quiz questions with explained answers and a walk-through, in NL and EN."""
    sc = load(sid)
    assert 2 <= len(sc.quiz) <= 4
    for q in sc.quiz:
        assert q.explanation["nl"] and q.explanation["en"] and 0 <= q.answer < len(q.options)
    assert len(sc.walkthrough) >= 3
    assert any(step.action == "ask" and step.answer for step in sc.walkthrough)


@pytest.mark.parametrize("sid", [s for s in builtin_ids() if load(s).challenges])
def test_challenge_fails_before_and_is_met_after(sid):
    """The default configuration misses the challenge; the scenario's own 'after' configuration meets it."""
    sc = load(sid)
    assert sc.before_after is not None
    before = engine.run(sc, attribution=False, lazy=True).measurement
    for challenge in sc.challenges:
        results = check_challenge(challenge, before, "en")
        assert not all(r.met for r in results)
    after = copy.deepcopy(sc)
    after.pipeline = apply_changes(sc.pipeline, sc.before_after.changes)
    measured = engine.run(after, attribution=False, lazy=True).measurement
    for challenge in sc.challenges:
        results = check_challenge(challenge, measured, "nl")
        assert all(r.met for r in results), [r.message for r in results]


def test_goal_messages_explain_why(small_scenario):
    """A missed goal says which group and by how much; a met one says so."""
    m = engine.run(small_scenario, attribution=False, lazy=True).measurement
    ratio = check_goal(Goal("impact_ratio_at_least", 0.99, ("gender",)), m, "en")
    assert not ratio.met and "Lowest impact ratio" in ratio.message and "0.99" in ratio.message
    assert check_goal(Goal("min_selected", 1), m, "nl").met
    assert "minstens 1" in check_goal(Goal("min_selected", 1), m, "nl").message
    assert describe_goal(Goal("max_missed_share", 0.1), "en") == "miss at most 10% of the truly suitable candidates"


def test_round_trip_keeps_teaching_material(tmp_path):
    """Quiz, walk-through, challenges and the before/after pair survive saving and loading."""
    sc = load("biased-history")
    again = from_dict(to_dict(sc))
    assert to_dict(again) == to_dict(sc)
    assert again.before_after.changes[0].params == {"features": ["education", "skills_count"]}


@pytest.mark.parametrize("extra, where, words", [
    ("[[quiz]]\nquestion = {en='q', nl='q'}\noptions = [{en='a', nl='a'}]\nanswer = 0\nexplanation = {en='e', nl='e'}\n",
     "quiz[0].options", "at least two options"),
    ("[[walkthrough]]\naction = 'dance'\ntext = {en='t', nl='t'}\n", "walkthrough[0].action", "unknown action"),
    ("[[walkthrough]]\naction = 'rule'\nstage = 0\nrule = 9\nenabled = false\ntext = {en='t', nl='t'}\n",
     "walkthrough[0].rule", "rule number from 0 to 0"),
    ("[[challenges]]\nid = 'c'\ntitle = {en='t', nl='t'}\ntext = {en='t', nl='t'}\ngoals = [{kind = 'fast'}]\n",
     "challenges[0].goals[0].kind", "expected one of"),
    ("[before_after]\nlabel = {en='l', nl='l'}\nrules = [{stage = 0, rule = 0, set = {op = '=>'}}]\n",
     "before_after (stages[0].rules[0].op)", "unknown value '=>'"),
])
def test_bad_teaching_fields_are_named(tmp_path, extra, where, words):
    """Errors in quiz, walk-through, challenges or before/after name the field and the problem."""
    base = ("schema_version = 2\nid = 'x'\ntitle = {en='T', nl='T'}\nlesson = {en='L', nl='L'}\n" + extra +
            "[[stages]]\nname = {en='S', nl='S'}\n[[stages.rules]]\nkind = 'knockout'\nfield = 'driving_licence'\n"
            "value = true\n")
    path = tmp_path / "x.toml"
    path.write_text(base, encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load(path)
    assert err.value.path == where and words in err.value.message


def test_progress_is_kept_and_can_be_reset(tmp_path):
    """Challenges met and quiz answers persist between runs; reset clears them; a damaged file is set aside."""
    path = tmp_path / "progress.json"
    p = Progress(path)
    p.mark_challenge("cv-gap", "fair-shortlist")
    p.record_answer("cv-gap", 0, True)
    p.record_answer("cv-gap", 1, False)
    again = Progress(path)
    assert again.challenge_done("cv-gap", "fair-shortlist") and again.quiz_score("cv-gap") == (1, 2)
    again.reset()
    assert not path.exists() and Progress(path).completed() == 0
    path.write_text("{not json", encoding="utf-8")
    fresh = Progress(path)
    assert fresh.completed() == 0 and (tmp_path / "progress.damaged.json").exists()
    fresh.mark_challenge("a", "b")
    assert json.loads(path.read_text(encoding="utf-8"))["challenges"]["a"]["b"]


def test_workshop_programme_fills_90_minutes_with_builtins():
    """The gallery's suggested programme uses only built-in scenarios, each once, and adds up to the
    90 minutes its hint promises; every other built-in is still offered after it."""
    from simulator.core.teaching import WORKSHOP_PROGRAMME, programme_minutes, programme_order

    ids = [sid for part in WORKSHOP_PROGRAMME for sid, _ in part.scenarios]
    assert len(ids) == len(set(ids)) and set(ids) <= set(builtin_ids())
    assert programme_minutes() == 90
    parts, rest = programme_order(builtin_ids())
    assert sorted([sid for _, entries in parts for sid, _ in entries] + rest) == builtin_ids()
    assert "taxi-licence" in ids  # the programme includes a lawful, explainable rule
    parts, rest = programme_order(["cv-gap", "mine"])
    assert [e for _, entries in parts for e in entries] == [("cv-gap", 10)] and rest == ["mine"]
