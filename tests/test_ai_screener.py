"""The AI-screener rule: batches, the first-listed effect as published, prompts, order and repeats."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import binomtest

from simulator.core import engine
from simulator.core.pipeline import Pipeline, Stage
from simulator.core.rules import RULE_KINDS
from simulator.core.scenario import load
from simulator.core.world import CATEGORIES


def _run(size=40_000, seed=11, **params):
    scenario = load("cv-gap")
    scenario.pool.size = size
    scenario.pool.seed = seed
    rule = RULE_KINDS["ai_screener"].from_dict({"kind": "ai_screener", **params}, "rule")
    scenario.pipeline = Pipeline([Stage({"en": "AI", "nl": "AI"}, [rule])])
    outcome = engine.run(scenario, attribution=False).outcome
    return outcome, outcome.rule_info[0]


@pytest.mark.parametrize("bonus, published", [(2.19, 0.561), (1.02, 0.283), (0.0, 0.125)])
def test_the_first_listed_bonus_gives_the_published_share(bonus, published):
    """With equal CVs a first-listed bonus b makes the first of eight win e^b / (e^b + 7) of the time:
    2.19 gives GPT-3.5's 56.1% and 1.02 GPT-4's 28.3% (Bloomberg 2024), 0 gives chance."""
    outcome, info = _run(qualification_weight=0.0, first_listed=bonus)
    winners = outcome.selected
    first = info["position"][winners] == 0
    expected = math.exp(bonus) / (math.exp(bonus) + 7)
    assert abs(expected - published) < 0.002
    assert winners.sum() == 40_000 // 8
    assert binomtest(int(first.sum()), int(winners.sum()), expected).pvalue > 0.001


def test_names_replaced_by_labels_remove_the_name_effect_not_the_position_effect():
    """A strong name effect shows in the plain prompt; with "Candidate A/B" labels the name groups are
    picked equally often while the first-listed CV still wins more often."""
    effects = {"name_region": {"morocco": -1.5, "turkey": -1.5}}
    plain, _ = _run(qualification_weight=0.0, first_listed=1.0, effects=effects)
    anonymous, info = _run(qualification_weight=0.0, first_listed=1.0, effects=effects, prompt="anonymous")
    pool = plain.pool
    minority = np.isin(pool["name_region"], [CATEGORIES["name_region"].index(r) for r in ("morocco", "turkey")])

    def rates(outcome):
        return outcome.selected[minority].mean(), outcome.selected[~minority].mean()
    low, high = rates(plain)
    assert low < 0.5 * high
    low, high = rates(anonymous)
    assert abs(low - high) < 0.02
    first = info["position"][anonymous.selected] == 0
    assert first.mean() > 0.2  # chance would be 0.125


def test_an_ignore_prompt_removes_the_mitigation_share_of_the_name_effect():
    """"Ignore names" keeps (1 − mitigation) of a name effect: a smaller gap than the plain prompt."""
    effects = {"gender": {"woman": -1.0}}
    rule = RULE_KINDS["ai_screener"].from_dict({"kind": "ai_screener", "effects": effects,
                                                "prompt": "ignore_demographics", "mitigation": 0.25}, "r")
    assert rule.effect_scale("gender") == 0.75 and rule.effect_scale("age_band") == 1.0


def test_reversing_the_order_changes_only_what_position_decides():
    """Without a position effect, listing every batch in reverse gives the same shortlist (the noise
    belongs to the CV); with one, some decisions flip."""
    same_a, _ = _run(size=8000, first_listed=0.0)
    same_b, _ = _run(size=8000, first_listed=0.0, reverse_order=True)
    assert np.array_equal(same_a.selected, same_b.selected)
    flip_a, info_a = _run(size=8000, first_listed=2.0)
    flip_b, info_b = _run(size=8000, first_listed=2.0, reverse_order=True)
    assert (flip_a.selected != flip_b.selected).sum() > 100
    assert np.array_equal(info_a["position"] + info_b["position"], np.full(8000, 7))


def test_a_repeat_judges_the_same_batches_with_new_randomness():
    """Another run number keeps the batches and positions and draws new noise; without noise nothing changes."""
    a, info_a = _run(size=8000, repeat=0)
    b, info_b = _run(size=8000, repeat=1)
    assert np.array_equal(info_a["position"], info_b["position"])
    assert (a.selected != b.selected).sum() > 100
    c, _ = _run(size=8000, repeat=0, randomness=0.0)
    d, _ = _run(size=8000, repeat=5, randomness=0.0)
    assert np.array_equal(c.selected, d.selected)


def test_qualifications_count_when_weighted():
    """With weight on the qualifications, the shortlisted are more suitable on average than the rest."""
    outcome, _ = _run(size=8000, qualification_weight=2.0)
    suitability = outcome.pool["suitability"]
    assert suitability[outcome.selected].mean() > suitability[~outcome.selected].mean() + 0.5


def test_one_by_one_keeps_the_share_and_words_the_rank():
    """Scored one by one, the best share is kept and a rejected candidate's reason gives their rank."""
    outcome, info = _run(size=2000, mode="one_by_one", share=0.25)
    assert outcome.selected.sum() == 500
    rejected = np.flatnonzero(~outcome.selected)[:3]
    reasons = outcome.reasons("en", rejected)
    assert all("of 2,000 (it keeps 500)" in r for r in reasons)


def test_a_batch_reason_names_rank_and_position():
    """A candidate left off the shortlist reads where the model put them and where they were listed."""
    outcome, info = _run(size=800)
    k = int(np.flatnonzero(~outcome.selected)[0])
    reason = outcome.reasons("en", np.array([k]))[0]
    assert f"{int(info['rank'][k]) + 1} of 8 in its batch (listed {int(info['position'][k]) + 1};" in reason


def test_picks_must_be_fewer_than_the_batch():
    """Shortlisting all eight of eight is refused: it would screen no one."""
    from simulator.core.rules import RuleConfigError

    with pytest.raises(RuleConfigError, match="fewer than the batch size"):
        RULE_KINDS["ai_screener"].from_dict({"kind": "ai_screener", "picks": 8}, "r")


def _audit(repeats=5, **params):
    from simulator.core.ai_audit import audit_screener, screener_rules

    outcome, _ = _run(size=16_000, **params)
    (flat_id, _, _), = screener_rules(outcome)
    return outcome, audit_screener(outcome, flat_id, repeats=repeats)


def test_name_swap_finds_a_name_effect_and_clears_a_fair_screener():
    """The name swap finds the groups a name effect hurts (impact ratio low, Fisher p small) and,
    without effects, finds every name group within chance of the best (impact ratios near 1)."""
    effects = {"name_region": {"morocco": -1.0}}
    outcome, audit = _audit(effects=effects)
    by_group = {g["group"]: g for g in audit.name_groups}
    assert by_group["morocco"]["impact_ratio"] < 0.7 and by_group["morocco"]["p_value"] < 0.01
    assert sum(g["n"] for g in audit.name_groups) == audit.entering  # the swapped judgements: every CV once
    assert audit.entering == 16_000
    _, fair = _audit()
    big = [g for g in fair.name_groups if g["n"] > 2000]
    assert all(g["impact_ratio"] > 0.85 for g in big)


def test_name_swap_counts_one_randomly_named_judgement_per_cv_and_the_paired_changes():
    """The name groups' wins are those of the swapped run (each CV once, with a random name of its
    gender); the paired count says how many decisions change with the name: none without name effects."""
    outcome, audit = _audit(effects={"gender": {"woman": -0.5}})
    assert sum(g["selected"] for g in audit.name_groups) == audit.shortlisted == int(outcome.selected.sum())
    assert audit.name_flips == 0  # names are swapped within a gender: the gender effect stays with the CV
    _, fair = _audit()
    assert fair.name_flips == 0 and fair.name_lost == 0
    _, named = _audit(effects={"name_region": {"morocco": -1.0}})
    assert named.name_flips > 0 and 0 < named.name_lost <= named.shortlisted
    assert named.name_flips == 2 * named.name_lost  # one pick per batch: a lost place is another's gain


def test_the_name_swap_table_rarely_shows_a_gap_for_a_screener_without_name_effects():
    """Without name effects the swapped judgements give name groups p < 0.05 in at most about 5% of
    the comparisons over many seeds (a valid test, not one that cries wolf)."""
    from simulator.core.ai_audit import audit_screener

    p_values = []
    for seed in range(1, 31):
        outcome, _ = _run(size=8000, seed=seed)
        p_values += [g["p_value"] for g in audit_screener(outcome, 0, repeats=1).name_groups if not g["reference"]]
    p_values = np.array(p_values)
    assert len(p_values) >= 150
    assert (p_values < 0.05).mean() <= 0.08


def test_order_swap_and_repeat_measure_position_and_luck():
    """No position effect: reversing flips nothing; a strong one flips many. No randomness: every
    repeat agrees; with randomness some candidates are shortlisted in some runs only."""
    _, none = _audit(first_listed=0.0, randomness=0.0)
    assert none.order_flips == 0 and none.order_lost == 0 and none.sometimes == 0
    assert none.always == 16_000 // 8 and none.always + none.never == none.entering
    _, strong = _audit(first_listed=2.19)
    assert strong.order_flips > 0.1 * strong.entering and strong.order_flips == 2 * strong.order_lost
    assert strong.sometimes > 0 and strong.always + strong.never + strong.sometimes == strong.entering


def test_run_prints_and_writes_the_three_audits(tmp_path, capsys):
    """`recruitsim run` on a scenario with an AI screener prints the audits and writes them to the JSON,
    with the same numbers as core's audit."""
    import json

    from simulator import cli
    from simulator.core.scenario import dumps

    scenario = load("dutch-names")
    rule = RULE_KINDS["ai_screener"].from_dict({"kind": "ai_screener", "first_listed": 2.19,
                                                "effects": {"name_region": {"morocco": -2.5}}}, "r")
    scenario.pipeline.stages[0].rules = [rule]
    scenario.claims, scenario.focus, scenario.walkthrough, scenario.before_after, scenario.challenges = [], None, [], None, []
    path, out = tmp_path / "ai.toml", tmp_path / "ai.json"
    path.write_text(dumps(scenario), encoding="utf-8")
    assert cli.main(["run", str(path), "--size", "8000", "--json", str(out)]) == 0
    text = capsys.readouterr().out
    assert "AI assistant audits" in text and "Order swap" in text and "Repeat: judged 10 times" in text
    (audit,) = json.loads(out.read_text(encoding="utf-8"))["ai_screener_audits"]
    assert sum(g["n"] for g in audit["name_swap"]) == audit["judged"] == 8_000
    moroccan = next(g for g in audit["name_swap"] if g["group"] == "morocco")
    assert moroccan["impact_ratio"] < 0.8 and f"{audit['order_swap_flips']:,} of 8,000 decisions change" in text
    assert f"{audit['name_swap_no_longer_shortlisted']:,} of the {audit['shortlisted']:,} shortlisted CVs" in text


def test_the_rules_view_shows_an_ai_screeners_audits(qtbot, window):
    """Adding an AI screener through the Add-rule menu and selecting it in the Rules view shows its three
    audits, with the numbers core computed for that run."""
    from conftest import wait_for_run

    editor = window.pipeline_editor
    actions = {a.objectName(): a for a in editor.add_menu.actions()}
    editor.select(0, 0)
    wait_for_run(qtbot, window, actions["add_ai_screener"].trigger)
    view = window.view("rules")
    window.tabs.setCurrentWidget(view)
    flat = [r for _, _, r in window.controller.result.outcome.pipeline.flat_rules()]
    rule_id = next(k for k, r in enumerate(flat) if r.kind == "ai_screener")
    qtbot.waitUntil(lambda: view.table.rowCount() == len(flat), timeout=10000)
    view.table.selectRow(rule_id)  # one row per rule, in pipeline order
    audit = window.controller.result.measurement.ai_audits[rule_id]
    text = view.details.toPlainText()
    assert f"on the {audit.entering:,} CVs it judged" in text
    assert f"{audit.order_flips:,} of {audit.entering:,} decisions change" in text
    assert "Dutch names" in text and f"{audit.sometimes:,} candidates are shortlisted in some runs" in text


def test_a_preference_for_ai_polished_cvs_becomes_an_age_gap():
    """Preferring CVs polished with AI (Xu et al.: 67-82% of pairs) shortlists polished CVs more often,
    and because the young use AI tools more, the oldest band falls behind; the legal note says indirect."""
    outcome, _ = _run(effects={"ai_polished": {"yes": 1.0}})
    pool, chosen = outcome.pool, outcome.selected
    polished = pool["ai_polished"] == 1
    assert chosen[polished].mean() > 1.5 * chosen[~polished].mean()
    young, old = pool["age_band"] == 0, pool["age_band"] == 4
    assert chosen[old].mean() < 0.85 * chosen[young].mean()
    rule = RULE_KINDS["ai_screener"].from_dict({"kind": "ai_screener", "effects": {"ai_polished": {"yes": 1.0}}}, "r")
    assert rule.legality().level == "needs_justification"
    neutral, _ = _run()
    assert abs(neutral.selected[old].mean() - neutral.selected[young].mean()) < 0.02


def test_disability_mentions_lower_the_disabled_candidates_chances_and_count_as_the_ground():
    """A penalty on disability-related activities (Glazko et al.: first in 15 of 60 pairs) hits disabled
    candidates, and the prompt does not remove it: it is in the CV, not the name."""
    effects = {"disability_mention": {"yes": -1.1}}
    for prompt in ("plain", "anonymous"):
        outcome, _ = _run(effects=effects, prompt=prompt)
        disabled = outcome.pool["disability"] == 1
        assert outcome.selected[disabled].mean() < 0.85 * outcome.selected[~disabled].mean()
    rule = RULE_KINDS["ai_screener"].from_dict({"kind": "ai_screener", "effects": effects}, "r")
    assert rule.legality().level == "direct_discrimination"


def test_the_first_listed_share_claim_measures_the_shortlist_positions():
    """The claim metric first_listed_share is the share of a group's shortlisted CVs that were listed
    first, from the run's own batches; a stage without an AI screener is refused by name."""
    from simulator.core.claims import ClaimError, measure_claim, parse_claims
    from simulator.core.metrics import measure

    outcome, info = _run(first_listed=1.02)
    claim, = parse_claims([{"id": "first", "metric": "first_listed_share", "attribute": "gender", "group": "woman",
                            "stage": 0, "compare": ">", "value": 0.2}], outcome.pipeline)
    value = measure_claim(claim, measure(outcome, attribution=False)).value
    women = outcome.selected & (outcome.pool["gender"] == 0)
    assert value == pytest.approx((info["position"][women] == 0).mean())
    assert 0.2 < value < 0.35  # chance: 1 in 8
    knockout = Pipeline([Stage({"en": "K", "nl": "K"}, [RULE_KINDS["knockout"].from_dict({"kind": "knockout"}, "r")])])
    with pytest.raises(ClaimError, match="claims\\[0\\].stage.*AI screener"):
        parse_claims([{"id": "f", "metric": "first_listed_share", "attribute": "gender", "group": "woman",
                       "stage": 0, "compare": ">", "value": 0.2}], knockout)


@pytest.mark.parametrize("signal, effect, published_share", [("ai_polished", 1.1, 0.75),  # Xu et al.: 67-82%
                                                             ("disability_mention", -1.1, 15 / 60)])  # Glazko et al.
def test_a_cv_signal_effect_gives_the_published_share_of_pairs(signal, effect, published_share):
    """Judged in pairs of otherwise equal CVs, a signal with log-odds effect b wins e^b / (1 + e^b) of
    the mixed pairs: 1.1 gives the middle of Xu et al.'s 67-82% for AI-polished text, -1.1 gives Glazko
    et al.'s 15 of 60 for a CV with disability-related activities."""
    outcome, info = _run(size=100_000, qualification_weight=0.0, batch_size=2, picks=1,
                         effects={signal: {"yes": effect}})
    has = outcome.pool[signal] == 1
    assert (info["position"] >= 0).all()  # everyone was judged, in random pairs
    chosen = outcome.selected
    expected = math.exp(effect) / (1 + math.exp(effect))
    assert abs(expected - published_share) < 0.01
    p_signal = has.mean()
    # Among all pairs, P(winner has signal) = P(both) + P(mixed) * share, with P(mixed) = 2p(1-p).
    mixed, both = 2 * p_signal * (1 - p_signal), p_signal ** 2
    winners_with = int((chosen & has).sum())
    n_pairs = int(chosen.sum())
    assert binomtest(winners_with, n_pairs, both + mixed * expected).pvalue > 0.001


def test_a_preference_for_pedigree_puts_candidates_born_abroad_behind_and_needs_a_justification():
    """Preferring a prestigious school or employer (over-weighted, as Bloomberg's critics found) favours
    hbo/wo graduates who have one, rarer among people born abroad: their rate falls; the note says indirect."""
    outcome, _ = _run(effects={"pedigree": {"yes": 1.5}})
    pool, chosen = outcome.pool, outcome.selected
    abroad, dutch = pool["origin"] == 2, pool["origin"] == 0
    assert chosen[pool["pedigree"] == 1].mean() > 2 * chosen[pool["pedigree"] == 0].mean()
    neutral, _ = _run()  # the same pool and the same randomness, without the preference

    def ratio(selected):
        return selected[abroad].mean() / selected[dutch].mean()
    assert ratio(chosen) < ratio(neutral.selected) - 0.05
    rule = RULE_KINDS["ai_screener"].from_dict({"kind": "ai_screener", "effects": {"pedigree": {"yes": 1.5}}}, "r")
    assert rule.legality().level == "needs_justification"


@pytest.mark.parametrize("params", [{}, {"reverse_order": True}, {"batch_size": 7, "picks": 3, "reverse_order": True},
                                    {"randomness": 0.0, "qualification_weight": 0.0, "first_listed": 0.0}])
def test_the_batch_ordering_equals_a_plain_sort_of_every_cv(params):
    """The per-batch ranks (sorted a batch per row, for speed) are those of one plain lexsort over all CVs by
    batch, value and place, ties to the earlier place, also with a short last batch and reversed order."""
    scenario = load("cv-gap")
    scenario.pool.size = 1003  # a short last batch
    pool = engine.run(scenario, attribution=False).pool
    rule = RULE_KINDS["ai_screener"].from_dict({"kind": "ai_screener", **params}, "rule")
    eligible = np.random.default_rng(3).random(len(pool)) < 0.8
    keep, info = rule.choose(pool, {"stage_index": 0}, eligible)
    rows = np.flatnonzero(eligible)
    batches_rng, noise_rng = rule._streams(pool, {"stage_index": 0})
    listed = rows[batches_rng.permutation(len(rows))]
    value = rule.value(pool)[listed] + rule.randomness * noise_rng.gumbel(size=len(listed))
    place = info["position"][listed]
    value = value + np.where(place == 0, rule.first_listed, 0.0)
    batch = np.arange(len(listed)) // rule.batch_size
    order = np.lexsort((place, -value, batch))
    expected = np.empty(len(listed), dtype=np.int64)
    expected[order] = np.arange(len(listed)) - batch[order] * rule.batch_size
    assert np.array_equal(info["rank"][listed], expected)
    assert np.array_equal(keep[listed], expected < rule.picks) and not keep[~eligible].any()
