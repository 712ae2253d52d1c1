"""Scenario files: built-ins validate, run and show their lesson; bad files give clear messages."""

import copy
from pathlib import Path

import pytest

from simulator.core import engine
from simulator.core.metrics import OVERALL
from simulator.core.scenario import (
    SCHEMA_VERSION,
    ScenarioError,
    builtin_ids,
    dumps,
    from_dict,
    load,
    save,
    to_dict,
)
from simulator.core.world import code_of

FIXTURES = Path(__file__).parent / "data" / "scenarios"


def test_at_least_three_builtins():
    """The app ships at least three built-in scenarios."""
    assert len(builtin_ids()) >= 3


@pytest.mark.parametrize("sid", builtin_ids())
def test_builtin_runs_and_has_both_languages(sid):
    """Each built-in scenario loads, has Dutch and English texts, runs and selects someone."""
    sc = load(sid)
    assert sc.id == sid
    for texts in (sc.title, sc.lesson, sc.vacancy.title, *sc.goals, *sc.debrief):
        assert texts["en"].strip() and texts["nl"].strip()
    for texts in (sc.lesson, *sc.goals, *sc.debrief):  # job titles may be the same word in both languages
        assert texts["en"] != texts["nl"]
    result = engine.run(sc, size=2000, attribution=False)
    assert 0 < result.outcome.selected.sum() < 2000


@pytest.mark.parametrize("sid", builtin_ids())
def test_round_trip(sid, tmp_path):
    """Saving and loading a scenario gives back the same configuration."""
    sc = load(sid)
    path = tmp_path / f"{sid}.toml"
    save(sc, path)
    again = load(path)
    assert to_dict(again) == to_dict(sc)


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("v*/*.toml")))
def test_stored_old_files_keep_loading(path):
    """Scenario files written with earlier schema versions still load."""
    assert load(path).pipeline.stages


def _rate(m, attribute, group, stage=OVERALL):
    g = m.groups
    return g[(g["stage"] == stage) & (g["attribute"] == attribute) & (g["group"] == group)].iloc[0]


def test_cv_gap_lesson_mothers_are_hit_and_past_gap_rule_is_the_cause():
    """cv-gap: mothers are selected well below fathers-and-others, and the past-gap rule is why."""
    result = engine.run(load("cv-gap"))
    m = result.measurement
    mothers = _rate(m, "gender × parent", "woman × yes")
    assert mothers["impact_ratio"] < 0.8 and mothers["p_value"] < 0.05
    gap_rule = m.rules[(m.rules["kind"] == "gap_penalty") & (m.rules["stage"] == 0)
                       & (m.rules["attribute"] == "gender")].set_index("group")
    assert gap_rule.loc["woman", "removed_share"] > gap_rule.loc["man", "removed_share"]


def test_biased_history_lesson_and_its_control():
    """biased-history: origin groups fall below 0.8; trained on unbiased history they do not."""
    sc = load("biased-history")
    m = engine.run(sc, attribution=False).measurement
    assert _rate(m, "origin", "born_abroad")["impact_ratio"] < 0.8
    fair = copy.deepcopy(sc)
    rule = fair.pipeline.stages[0].rules[0]
    rule.history_bias, rule.age_penalty_per_year, rule.motherhood_penalty = {}, 0.0, 0.0
    m_fair = engine.run(fair, attribution=False).measurement
    assert _rate(m_fair, "origin", "born_abroad")["impact_ratio"] > 0.85


def test_taxi_licence_lesson_lawful_yet_unequal():
    """taxi-licence: the knock-out is flagged lawful, yet born-abroad candidates pass it less often."""
    result = engine.run(load("taxi-licence"), attribution=False)
    rule = result.outcome.rule(0)
    assert rule.legality().level == "lawful"
    stage0 = _rate(result.measurement, "origin", "born_abroad", stage=0)
    assert stage0["impact_ratio"] < 0.9


def _write(tmp_path, text, name="bad.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """schema_version = 1
id = "x"
title = { en = "T", nl = "T" }
lesson = { en = "L", nl = "L" }
[[stages]]
name = { en = "S", nl = "S" }
[[stages.rules]]
kind = "knockout"
field = "driving_licence"
value = true
"""


@pytest.mark.parametrize(
    "edit, where, words",
    [
        (lambda s: s.replace("schema_version = 1\n", ""), "schema_version", "is missing"),
        (lambda s: s.replace("schema_version = 1", "schema_version = 99"), "schema_version", "newer version"),
        (lambda s: s.replace('nl = "L"', 'fr = "L"'), "lesson.nl", "both Dutch and English"),
        (lambda s: s.replace('field = "driving_licence"', 'field = "licence"'), "stages[0].rules[0].field", "unknown value"),
        (lambda s: s + "[pool]\nsize = 5\n", "pool.size", "at least 10"),
        (lambda s: s + "[pool.links.past_gap]\nwoman = 1.5\n", "pool.links.past_gap.woman", "at most 1"),
        (lambda s: s + "[pool.shares.gender]\nwomen = 0.5\n", "pool.shares.gender.women", "has no value 'women'"),
        (lambda s: "colour = 'red'\n" + s, "colour", "unknown field"),
        (lambda s: s + "colour = 'red'\n", "stages[0].rules[0].colour", "unknown parameter"),
        (lambda s: s.replace("[[stages]]", "[[stage]]"), "stage", "unknown field"),
        (lambda s: s + "[pool.applied_for]\nwomen = { vacancy_a = 1 }\n", "pool.applied_for.women", "expected a gender"),
        (lambda s: s + "[pool.applied_for]\nwoman = { vacancy_z = 1 }\n", "pool.applied_for.woman.vacancy_z", "has no value"),
        (lambda s: s + "[pool.applied_for]\nwoman = { vacancy_a = 0 }\n", "pool.applied_for.woman", "must not all be zero"),
    ],
)
def test_bad_files_name_file_field_and_problem(tmp_path, edit, where, words):
    """Validation errors name the file, the field path and what is wrong."""
    path = _write(tmp_path, edit(GOOD))
    with pytest.raises(ScenarioError) as err:
        load(path)
    assert err.value.path == where
    assert words in err.value.message
    assert str(path) in str(err.value)


def test_not_toml_and_not_found(tmp_path):
    """Broken TOML and missing files give one clear message each."""
    with pytest.raises(ScenarioError, match="is not valid TOML"):
        load(_write(tmp_path, "schema_version = = 1"))
    with pytest.raises(ScenarioError, match="file not found"):
        load(tmp_path / "missing.toml")
    with pytest.raises(ScenarioError, match="no built-in scenario"):
        load("no-such-scenario")


def test_saved_file_only_lists_changed_pool_settings(tmp_path):
    """A saved scenario stores pool settings that differ from the defaults, not all of them."""
    sc = from_dict(__import__("tomllib").loads(GOOD))
    sc.pool.links["past_gap"]["woman"] = 0.5
    text = dumps(sc)
    assert "past_gap" in text and "foreign_diploma" not in text
    assert f"schema_version = {SCHEMA_VERSION}" in text


def test_berkeley_pooled_gap_vanishes_within_vacancies_until_one_vacancy_treats_women_worse():
    """berkeley: vacancies that treat everyone alike give a pooled gap with no gap within vacancies;
    the 'after' (vacancy C selects women less) is flagged as direct discrimination and CMH finds it."""
    from simulator.core.teaching import apply_changes

    sc = load("berkeley")
    result = engine.run(sc, attribution=False)
    pool = result.pool
    women = pool["gender"] == code_of("gender", "woman")
    # applications follow the published numbers per department and sex (108 of 1,835 women in A)
    share_a = (pool["applied_for"][women] == code_of("applied_for", "vacancy_a")).mean()
    assert share_a == pytest.approx(108 / 1835, abs=0.015)
    assert result.outcome.rule(0).legality().level == "lawful"
    assert _rate(result.measurement, "gender", "woman")["impact_ratio"] < 0.8
    assert result.measurement.stratified["strata"] == "applied_for"
    assert result.measurement.stratified["cmh_p_value"] >= 0.05
    lines = result.measurement.findings.sentences("en")
    assert any("the pooled gap seems to come mainly from where people applied" in line for line in lines)
    after = copy.deepcopy(sc)
    after.pipeline = apply_changes(sc.pipeline, sc.before_after.changes)
    changed = engine.run(after, attribution=False)
    assert changed.outcome.rule(0).legality().level == "direct_discrimination"
    assert changed.measurement.stratified["cmh_p_value"] < 0.05
    assert changed.measurement.stratified["odds_ratio_focal"] < 0.9
    assert any("The gap remains within the vacancies" in line for line in changed.measurement.findings.sentences("en"))


@pytest.mark.parametrize("sid, expected", [("cv-gap", True), ("motherhood", True), ("berkeley", False)])
def test_verdict_names_an_intersection_only_when_the_intersection_itself_is_worse(sid, expected):
    """The intersection sentence needs a test of interaction: mothers fare worse than being a woman
    and a parent explain; in berkeley (no intersection effect by construction) the lowest cell
    against the highest one must not be reported as worse than its groups."""
    result = engine.run(load(sid), attribution=False)
    lines = result.measurement.findings.sentences("en")
    assert any("fares worse than its separate groups explain" in line for line in lines) is expected
