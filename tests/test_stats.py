"""Properties of the vectorised statistics: agreement with scipy, and edge cases."""

import numpy as np
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


def test_zero_cells_use_adjusted_interval():
    """With no one selected the ratio is 0 and its interval is still finite (0.5 added, flagged)."""
    low, high, adjusted = impact_ratio_interval([0], [10], [5], [10])
    assert adjusted[0]
    assert np.isfinite(low[0]) and np.isfinite(high[0]) and low[0] < high[0]
    result = compare_many([0], [10], [5], [10])
    assert result["impact_ratio"][0] == 0.0


def test_empty_groups_give_nan_not_errors():
    """A group of size zero yields NaN statistics instead of raising or warning."""
    result = compare_many([0], [0], [5], [10])
    assert np.isnan(result["rate_focal"][0])
    assert np.isnan(result["impact_ratio"][0])
