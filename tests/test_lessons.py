"""Every scenario teaches what it says: replays reproduce the published numbers, simulations land
within sampling error, and each lesson shows for the default seed and for most of 20 other seeds."""

import numpy as np
import pytest

from simulator.core import engine
from simulator.core.metrics import OVERALL
from simulator.core.replay import replay_report, simulated_rates
from simulator.core.scenario import builtin_ids, load
from simulator.core.world import code_of

SEEDS = range(101, 121)  # 20 seeds besides each scenario's own


def _row(m, attribute, group, stage=OVERALL):
    g = m.groups
    return g[(g["stage"] == stage) & (g["attribute"] == attribute) & (g["group"] == group)].iloc[0]


def _name_ratio(result, focal_regions):
    pool, selected = result.pool, result.outcome.selected
    dutch = pool["name_region"] == code_of("region", "netherlands")
    focal = np.isin(pool["name_region"], [code_of("region", r) for r in focal_regions])
    return selected[focal].mean() / selected[dutch].mean()


def _cv_gap(result):
    r = _row(result.measurement, "gender × parent", "woman × yes")
    return r["impact_ratio"] < 0.8


def _biased_history(result):
    return _row(result.measurement, "origin", "born_abroad")["impact_ratio"] < 0.8


def _taxi(result):
    return _row(result.measurement, "origin", "born_abroad", stage=0)["impact_ratio"] < 0.9


def _dutch_names(result):
    return _name_ratio(result, ["morocco"]) < 0.8


def _names_us(result):
    return _name_ratio(result, ["europe", "turkey", "morocco", "suriname", "caribbean", "indonesia", "other"]) < 0.8


def _simpson(result):
    # With 60 applicants and 8 places, a gender gap is not statistically clear whatever its size.
    woman = _row(result.measurement, "gender", "woman")
    return woman["reference"] or woman["p_value"] >= 0.05


def _berkeley(result):
    # Pooled, women fall below 0.8; within the vacancies (CMH) the gap is not significant.
    woman = _row(result.measurement, "gender", "woman")
    st = result.measurement.stratified
    return woman["impact_ratio"] < 0.8 and st["strata"] == "applied_for" and st["cmh_p_value"] >= 0.05


def _age_knockout(result):
    # sex x age: women 55+ are all rejected, though neither sex nor age alone shows a ratio of 0
    cell = _row(result.measurement, "gender × age_band", "woman × 55_plus")
    gender = _row(result.measurement, "gender", "woman")
    return cell["selected"] == 0 and (gender["reference"] or gender["impact_ratio"] > 0.5)


def _motherhood(result):
    pool, selected = result.pool, result.outcome.selected
    women = pool["gender"] == code_of("gender", "woman")
    mothers = women & (pool["parent"] == 1)
    return selected[mothers].mean() / selected[women & ~mothers].mean() < 0.7


def _local_credentials(result):
    return _row(result.measurement, "origin", "born_abroad")["impact_ratio"] < 0.5


def _disability(result):
    r = _row(result.measurement, "disability", "disclosed")
    return r["impact_ratio"] < 0.8 and r["p_value"] < 0.05


def _chess_club(result):
    return _row(result.measurement, "gender", "woman")["impact_ratio"] < 0.8


def _who_gets_seen(result):
    pool, selected = result.pool, result.outcome.selected
    women_share = (pool["gender"] == code_of("gender", "woman")).mean()
    arabic = np.isin(pool["name_region"], [code_of("region", r) for r in ("morocco", "turkey", "other")])
    return women_share > 0.9 and selected[arabic].mean() / selected[~arabic].mean() < 0.8


def _human_override(result):
    # The reviewer's decisions widen the gap the machine's advice already had.
    outcome, pool = result.outcome, result.pool
    advice = outcome.advice[0]
    group = pool["origin"] != code_of("origin", "dutch")
    ratio = lambda chosen: chosen[group].mean() / chosen[~group].mean()  # noqa: E731
    return ratio(outcome.selected) < ratio(advice) - 0.05


def _ai_assistant(result):
    # The name effect shows for candidates born abroad, and the first-listed CV wins its batch more
    # often than one in eight.
    outcome = result.outcome
    abroad = _row(result.measurement, "origin", "born_abroad")
    info = outcome.rule_info[0]
    first = (info["position"][outcome.selected] == 0).mean()
    return abroad["impact_ratio"] < 0.95 and abroad["p_value"] < 0.05 and first > 0.2


def _polished_by_ai(result):
    # AI-polished CVs are preferred, and through who polishes, candidates of 55+ fall behind 25-34.
    old = _row(result.measurement, "age_band", "55_plus")
    pool, selected = result.pool, result.outcome.selected
    polished = pool["ai_polished"] == 1
    middle = pool["age_band"] == code_of("age_band", "25_34")
    old_rate = selected[pool["age_band"] == code_of("age_band", "55_plus")].mean()
    return selected[polished].mean() > 1.5 * selected[~polished].mean() and old_rate < 0.8 * selected[middle].mean() \
        and old["p_value"] < 0.05


def _assessment_game(result):
    # Timed games, gaming experience and face reading: older, female and disabled candidates fall behind.
    m = result.measurement
    return (_row(m, "disability", "disclosed")["impact_ratio"] < 0.7 and _row(m, "age_band", "55_plus")["impact_ratio"] < 0.8
            and _row(m, "gender", "woman")["impact_ratio"] < 0.9)


def _bloomberg_replayed(result):
    # GPT-3.5's order effect: the first-listed CV wins about 56% of the batches (12.5% by chance), and
    # the name effects favour women, the direction Rozado found.
    from test_bloomberg_replayed import first_listed_share, within_sampling_error

    women = _row(result.measurement, "gender", "woman")
    return within_sampling_error(*first_listed_share(result)) and women["impact_ratio"] > 1.0


LESSONS = {"cv-gap": _cv_gap, "age-knockout": _age_knockout, "motherhood": _motherhood,
           "local-credentials": _local_credentials, "disability": _disability, "chess-club": _chess_club,
           "who-gets-seen": _who_gets_seen, "human-override": _human_override, "biased-history": _biased_history, "taxi-licence": _taxi,
           "dutch-names": _dutch_names, "names-us": _names_us, "simpson": _simpson,
           "berkeley": _berkeley, "ai-assistant": _ai_assistant,
           "polished-by-ai": _polished_by_ai, "assessment-game": _assessment_game,
           "bloomberg-replayed": _bloomberg_replayed}


def test_every_builtin_has_a_lesson_check():
    """No scenario ships without an assertion that its lesson shows."""
    assert set(LESSONS) == set(builtin_ids())


@pytest.mark.parametrize("sid", sorted(LESSONS))
def test_lesson_shows_for_default_and_most_seeds(sid, record_property):
    """The lesson shows for the scenario's own seed and for at least 16 of 20 other seeds."""
    sc = load(sid)
    check = LESSONS[sid]
    assert check(engine.run(sc, attribution=False)), f"{sid}: lesson missing for the default seed"
    shown = sum(bool(check(engine.run(sc, seed=seed, attribution=False))) for seed in SEEDS)
    record_property("seeds_showing_lesson", f"{shown}/20")
    print(f"{sid}: lesson shows for {shown} of 20 other seeds")
    assert shown >= 16


def test_replay_bertrand_mullainathan_reproduces_r1():
    """names-us replays the exact counts: IR 0.668, p 4.8e-5 overall; men alone IR 0.66 with p 0.053."""
    report = replay_report(load("names-us").replay, "en")
    black = report.pooled.set_index("group").loc["Black-sounding names"]
    assert black["impact_ratio"] == pytest.approx(0.6681, abs=0.005)
    assert black["p_value"] == pytest.approx(4.76e-5, rel=0.01)
    male = report.per_stratum["male"].set_index("group").loc["Black-sounding names"]
    assert male["impact_ratio"] == pytest.approx(0.6572, abs=0.005) and male["p_value"] == pytest.approx(0.0532, abs=0.01)


def test_replay_scp_reproduces_r5():
    """dutch-names replays 34% / 23% / 19%: Moroccan IR 0.561, z −3.09, Fisher p 0.0029."""
    report = replay_report(load("dutch-names").replay, "nl").pooled.set_index("group")
    assert report.loc["Nederlandse namen", "rate"] == pytest.approx(0.34, abs=0.005)
    assert report.loc["Hindoestaanse namen", "rate"] == pytest.approx(0.23, abs=0.005)
    moroccan = report.loc["Marokkaanse namen"]
    assert moroccan["rate"] == pytest.approx(0.19, abs=0.005)
    assert moroccan["impact_ratio"] == pytest.approx(0.561, abs=0.005)
    assert moroccan["z"] == pytest.approx(-3.09, abs=0.01) and moroccan["p_value"] == pytest.approx(0.0029, abs=0.0003)


def test_replay_berkeley_reproduces_r4():
    """simpson replays Berkeley: pooled IR 0.6818; within departments MH OR 0.9047 (men vs women), CMH p 0.2323."""
    report = replay_report(load("simpson").replay, "en")
    assert report.pooled.set_index("group").loc["women", "impact_ratio"] == pytest.approx(0.6818, abs=0.005)
    st = report.stratified[0]
    assert st["mh_odds_ratio"] == pytest.approx(0.9047, abs=0.005)
    assert st["odds_ratio_focal"] == pytest.approx(1 / 0.9047, abs=0.005)
    assert st["cmh_p_value"] == pytest.approx(0.2323, abs=0.01)


@pytest.mark.parametrize("sid", ["dutch-names", "names-us", "berkeley"])
def test_simulation_lands_within_sampling_error(sid, record_property):
    """Simulated callback rates fall within 3 standard errors of the published rates, for nearly every seed."""
    sc = load(sid)
    within = 0
    for seed in SEEDS:
        result = engine.run(sc, seed=seed, attribution=False, lazy=True)
        z = simulated_rates(sc.replay, result.outcome, "en")["z"]
        within += bool((z.abs() <= 3).all())
    record_property("seeds_within_3_se", f"{within}/20")
    assert within >= 19


def test_the_ai_assistants_name_effect_lands_within_sampling_error_of_lippens():
    """Simulated with the scenario's name effect (-0.20 in batches of eight), the shortlist rate of non-Dutch names against
    Dutch names has a 95% interval that meets the published 14-19% fewer (ratio 0.81-0.86) for at
    least 18 of 20 seeds."""
    from simulator.core.stats import compare_many

    scenario = load("ai-assistant")
    meets = 0
    for seed in SEEDS:
        result = engine.run(scenario, seed=seed, attribution=False, lazy=True)
        pool, selected = result.pool, result.outcome.selected
        dutch = pool["name_region"] == code_of("region", "netherlands")
        cmp = compare_many(np.array([selected[~dutch].sum()]), np.array([(~dutch).sum()]),
                           np.array([selected[dutch].sum()]), np.array([dutch.sum()]), p_values=False)
        low, high = cmp["impact_ratio_ci"][0][0], cmp["impact_ratio_ci"][1][0]
        meets += low <= 0.86 and high >= 0.81
    assert meets >= 18
