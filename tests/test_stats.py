"""Properties of the vectorised statistics: agreement with scipy, and edge cases."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import fisher_exact

from simulator.core.stats import compare_many, fisher_exact_two_sided, impact_ratio_interval, wilson_interval

counts = st.integers(min_value=0, max_value=400)


@settings(max_examples=300, deadline=None)
@given(counts, counts, counts, counts)
def test_vectorised_fisher_equals_scipy(a, b, c, d):
    """Our array Fisher test gives scipy.stats.fisher_exact's two-sided p for any 2x2 table."""
    ours = fisher_exact_two_sided([a], [b], [c], [d])[0]
    ref = fisher_exact([[a, b], [c, d]]).pvalue
    assert np.isclose(ours, ref, rtol=1e-6, atol=1e-12)


def test_vectorised_fisher_large_tables():
    """Large tables (a million candidates) agree with scipy too."""
    tables = np.array([[100000, 400000, 110000, 390000], [5, 999995, 20, 999980], [40000, 60000, 39000, 61000]])
    ours = fisher_exact_two_sided(*tables.T)
    for row, p in zip(tables, ours):
        ref = fisher_exact(row.reshape(2, 2)).pvalue
        assert np.isclose(p, ref, rtol=1e-6, atol=1e-300)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 500), st.data())
def test_wilson_interval_contains_rate(n, data):
    """A Wilson interval always contains the observed rate and stays within [0, 1]."""
    x = data.draw(st.integers(0, n))
    low, high = wilson_interval([x], [n])
    eps = 1e-12  # floating-point rounding at the boundaries
    assert -eps <= low[0] <= x / n + eps and x / n - eps <= high[0] <= 1 + eps


def test_zero_selected_interval_starts_at_zero():
    """With no one selected the ratio is 0 and its interval runs from 0 to a finite upper limit."""
    low, high = impact_ratio_interval([0], [10], [5], [10])
    assert low[0] == 0.0 and 0 < high[0] < np.inf
    result = compare_many([0], [10], [5], [10])
    assert result["impact_ratio"][0] == 0.0


def test_everyone_selected_interval_has_real_width():
    """5 of 5 against 40 of 50 (audit defect all_selected_small): the interval is not [1, 1] and is wide."""
    low, high = impact_ratio_interval([5, 10], [5, 10], [40, 10], [50, 10])
    assert low[0] < 1.25 < high[0] and high[0] - low[0] > 0.5
    assert low[1] < 1 < high[1]


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 300), st.integers(1, 300), st.data())
def test_impact_ratio_lies_inside_its_interval(n1, n2, data):
    """The observed impact ratio always lies inside its own interval, whatever the counts."""
    a = data.draw(st.integers(0, n1))
    b = data.draw(st.integers(1, n2))
    low, high = impact_ratio_interval([a], [n1], [b], [n2])
    ratio = (a / n1) / (b / n2)
    assert low[0] <= ratio * (1 + 1e-9) and ratio <= high[0] * (1 + 1e-9)
    assert 0 <= low[0]


def test_mover_r_reproduces_the_published_example():
    """MOVER-R with Wilson limits gives Fagerland et al.'s published 1.1537–41.9763 for 7/34 vs 1/34."""
    from statsmodels.stats.proportion import proportion_confint

    from simulator.core.stats import mover_ratio_interval

    l1, u1 = proportion_confint(7, 34, method="wilson")
    l2, u2 = proportion_confint(1, 34, method="wilson")
    low, high = mover_ratio_interval(7 / 34, l1, u1, 1 / 34, l2, u2)
    assert float(low) == pytest.approx(1.1537, abs=5e-5)
    assert float(high) == pytest.approx(41.9763, abs=5e-5)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 200), st.integers(1, 200), st.data())
def test_impact_ratio_interval_is_mover_r_with_clopper_pearson(n1, n2, data):
    """The app's interval equals MOVER-R (Donner & Zou; Fagerland et al.'s special cases) over
    Clopper–Pearson limits computed independently here with scipy's beta distribution."""
    import math

    from scipy.stats import beta

    a = data.draw(st.integers(0, n1))
    b = data.draw(st.integers(1, n2))

    def cp(x, n):
        return (beta.ppf(0.025, x, n - x + 1) if x > 0 else 0.0, beta.ppf(0.975, x + 1, n - x) if x < n else 1.0)

    (l1, u1), (l2, u2) = cp(a, n1), cp(b, n2)
    p1, p2 = a / n1, b / n2

    def limit(sign, lim1, lim2):
        root = (p1 * p2) ** 2 - lim1 * lim2 * (2 * p1 - lim1) * (2 * p2 - lim2)
        denominator = lim2 * (2 * p2 - lim2)
        if root < 0 or denominator == 0:
            return math.nan
        return (p1 * p2 + sign * math.sqrt(root)) / denominator

    low, high = limit(-1, l1, u2), limit(+1, u1, l2)
    expected_low = 0.0 if math.isnan(low) else max(low, 0.0)
    expected_high = math.inf if math.isnan(high) or high < 0 else high
    ours_low, ours_high = impact_ratio_interval([a], [n1], [b], [n2])
    assert ours_low[0] == pytest.approx(expected_low, rel=1e-6, abs=1e-12)
    assert ours_high[0] == pytest.approx(expected_high, rel=1e-6)



def test_empty_groups_give_nan_not_errors():
    """A group of size zero yields NaN statistics instead of raising or warning."""
    result = compare_many([0], [0], [5], [10])
    assert np.isnan(result["rate_focal"][0])
    assert np.isnan(result["impact_ratio"][0])


def test_impact_ratio_interval_covers_at_the_edges():
    """Exact coverage (every outcome weighted by its binomial probability) of the 95% impact-ratio
    interval stays at or above 93% for small groups at 0%, 5%, 90% and 100% selected
    (benchmarks/bench_coverage.py runs the full grid)."""
    from scipy.stats import binom

    worst = 1.0
    for n1, n2 in ((5, 10), (10, 30), (10, 300)):
        a = np.arange(n1 + 1)
        b = np.arange(1, n2 + 1)
        grid_a, grid_b = (x.ravel() for x in np.meshgrid(a, b, indexing="ij"))
        low, high = impact_ratio_interval(grid_a, np.full(grid_a.size, n1), grid_b, np.full(grid_a.size, n2))
        for p1 in (0.0, 0.05, 0.9, 1.0):
            for p2 in (0.3, 0.9, 1.0):
                theta = p1 / p2
                covered = ((low <= theta * (1 + 1e-9) + 1e-12) & (high >= theta * (1 - 1e-9))).reshape(len(a), len(b))
                weight = binom.pmf(a, n1, p1)[:, None] * binom.pmf(b, n2, p2)[None, :]
                worst = min(worst, float((weight * covered).sum() / weight.sum()))
    assert worst >= 0.93


def test_remembered_fisher_p_values_equal_fresh_ones():
    """A table whose Fisher p is remembered from an earlier call gets scipy's value, in its place."""
    from scipy.stats import fisher_exact

    from simulator.core import stats

    stats._FISHER_KNOWN.clear()
    first = np.array([[30, 70, 10, 90], [5, 5, 0, 10], [400, 600, 350, 650]])
    stats.fisher_exact_two_sided(*first.T)
    mixed = np.array([[400, 600, 350, 650], [12, 3, 4, 11], [30, 70, 10, 90]])
    ours = stats.fisher_exact_two_sided(*mixed.T)
    assert len(stats._FISHER_KNOWN) == 4
    for row, p in zip(mixed, ours):
        assert np.isclose(p, fisher_exact(row.reshape(2, 2)).pvalue, rtol=1e-6, atol=1e-300)
