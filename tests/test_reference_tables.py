"""The statistics reproduce the published reference tables of domain-facts.md §8 (R1, R2, R4, R6)."""

import pytest

from simulator.core.stats import compare_groups, stratified_analysis

RATE = 0.005  # tolerance on rates and ratios (domain-facts §8)
STAT = 0.01  # tolerance on statistics


def assert_close_to_katz(ours, katz, tolerance=0.02):
    """The app's interval (MOVER-R with Clopper–Pearson) against a table's Katz interval: close, and
    never narrower on the log scale (it is chosen for coverage with small groups)."""
    import math

    assert ours[0] == pytest.approx(katz[0], abs=tolerance)
    assert ours[1] == pytest.approx(katz[1], abs=max(tolerance, 0.02 * katz[1]))
    assert math.log(ours[1] / ours[0]) >= math.log(katz[1] / katz[0]) - 0.005


@pytest.mark.parametrize(
    "focal, ref, ir, ci, z, p",
    [
        ((157, 2435), (235, 2435), 0.6681, (0.5502, 0.8112), -4.108, 4.76e-5),  # R1 all
        ((125, 1886), (184, 1860), 0.6700, (0.5388, 0.8332), -3.631, 2.86e-4),  # R1 female
        ((32, 549), (51, 575), 0.6572, (0.4291, 1.0065), -1.949, 0.0532),  # R1 male
    ],
)
def test_r1_bertrand_mullainathan(focal, ref, ir, ci, z, p):
    """Impact ratio, pooled z and Fisher p match R1 for all, female and male CVs; the interval
    (MOVER-R Clopper–Pearson) agrees with R1's Katz interval within 0.02 at these sizes, wider when small."""
    c = compare_groups(*focal, *ref)
    assert c.impact_ratio == pytest.approx(ir, abs=RATE)
    assert_close_to_katz(c.impact_ratio_ci, ci)
    assert c.z == pytest.approx(z, abs=STAT)
    assert c.p_value == pytest.approx(p, rel=0.01)


def test_r1_wilson_shortfall_and_four_fifths_need():
    """R1: Wilson intervals 8.54–10.89% and 5.54–7.49%, shortfall 78, 188 callbacks needed for 0.8."""
    c = compare_groups(157, 2435, 235, 2435)
    assert c.rate_ci_ref[0] == pytest.approx(0.0854, abs=0.0005)
    assert c.rate_ci_ref[1] == pytest.approx(0.1089, abs=0.0005)
    assert c.rate_ci_focal[0] == pytest.approx(0.0554, abs=0.0005)
    assert c.rate_ci_focal[1] == pytest.approx(0.0749, abs=0.0005)
    assert c.shortfall == pytest.approx(78, abs=0.5)
    assert c.needed_for_four_fifths == 188


def test_r1_male_subgroup_is_the_small_n_lesson():
    """R1 male: the same ratio as overall, but not significant at 5%."""
    c = compare_groups(32, 549, 51, 575)
    assert c.impact_ratio < 0.8
    assert c.p_value > 0.05


def test_r2_eeoc_example():
    """R2: 12/40 vs 48/80 gives IR 0.50, z −3.098, Fisher p 0.0034; interval near Katz's 0.30–0.83."""
    c = compare_groups(12, 40, 48, 80)
    assert c.impact_ratio == pytest.approx(0.50, abs=RATE)
    assert c.z == pytest.approx(-3.098, abs=STAT)
    assert c.p_value == pytest.approx(0.0034, abs=0.0002)
    assert_close_to_katz(c.impact_ratio_ci, (0.30, 0.83), tolerance=0.035)


UCB = {  # R4: (men admitted, men applied), (women admitted, women applied)
    "A": ((512, 825), (89, 108)),
    "B": ((353, 560), (17, 25)),
    "C": ((120, 325), (202, 593)),
    "D": ((138, 417), (131, 375)),
    "E": ((53, 191), (94, 393)),
    "F": ((22, 373), (24, 341)),
}


def test_r4_berkeley_aggregate():
    """R4: pooled over departments, women are admitted at 0.6818 times the men's rate, z −9.60."""
    c = compare_groups(557, 1835, 1198, 2691)
    assert c.impact_ratio == pytest.approx(0.6818, abs=RATE)
    assert c.z == pytest.approx(-9.60, abs=STAT)


@pytest.mark.parametrize("dept, ir", [("A", 1.328), ("B", 1.079), ("C", 0.923), ("D", 1.056), ("E", 0.862), ("F", 1.193)])
def test_r4_berkeley_per_department(dept, ir):
    """R4: within each department the women/men ratio matches the table."""
    (m, mn), (w, wn) = UCB[dept]
    assert compare_groups(w, wn, m, mn).impact_ratio == pytest.approx(ir, abs=RATE)


def test_r4_berkeley_cmh():
    """R4: MH odds ratio 0.9047; CMH 1.4269 (p 0.2323) with and 1.5246 (p 0.2169) without correction."""
    tables = [[[m, mn - m], [w, wn - w]] for (m, mn), (w, wn) in UCB.values()]
    r = stratified_analysis(tables)
    assert r.mh_odds_ratio == pytest.approx(0.9047, abs=RATE)
    assert r.cmh_statistic == pytest.approx(1.4269, abs=STAT)
    assert r.cmh_p_value == pytest.approx(0.2323, abs=STAT)
    assert r.cmh_statistic_uncorrected == pytest.approx(1.5246, abs=STAT)
    assert r.cmh_p_value_uncorrected == pytest.approx(0.2169, abs=STAT)
    assert r.breslow_day_p_value < 0.05  # departments differ: pooling is not homogeneous
    assert r.n_strata == 6


def test_r6a_fails_four_fifths_but_not_significant():
    """R6a: 3/10 vs 5/10 gives IR 0.600, z −0.913, Fisher p 0.650; the interval spans Katz's 0.19–1.86 and more."""
    c = compare_groups(3, 10, 5, 10)
    assert c.impact_ratio == pytest.approx(0.600, abs=RATE)
    assert c.z == pytest.approx(-0.913, abs=STAT)
    assert c.p_value == pytest.approx(0.650, abs=STAT)
    assert c.impact_ratio_ci[0] <= 0.19 and c.impact_ratio_ci[1] >= 1.86


def test_r6b_passes_four_fifths_but_highly_significant():
    """R6b: 9,172 vs 10,043 of 41,500 gives IR 0.913, z −7.17, p about 8e−13."""
    c = compare_groups(9172, 41500, 10043, 41500)
    assert c.impact_ratio == pytest.approx(0.913, abs=RATE)
    assert c.z == pytest.approx(-7.17, abs=STAT)
    assert 5e-13 < c.p_value < 1.2e-12


def test_r5_scp_reconstructed_counts():
    """R5 (reconstructed counts): Moroccan vs Dutch names IR 0.561, z −3.09, Fisher p 0.0029."""
    c = compare_groups(32, 168, 57, 168)
    assert c.impact_ratio == pytest.approx(0.561, abs=RATE)
    assert c.z == pytest.approx(-3.09, abs=STAT)
    assert c.p_value == pytest.approx(0.0029, abs=0.0003)
