"""Selection-rate statistics, vectorised over many group comparisons at once.

Every function takes numpy arrays (or scalars) of counts so that a whole table of groups is
compared in one call. The statistics come from statsmodels and scipy; the one exception is
Fisher's exact test, where scipy's ``fisher_exact`` handles one table per call (~0.8 ms), far too
slow for the hundreds of cells of an intersectional audit. ``fisher_exact_two_sided`` runs scipy's
own algorithm (hypergeometric tails, the same 1e-7 relative tolerance) on arrays through
``scipy.stats.hypergeom``; tests check it against ``scipy.stats.fisher_exact``.
See docs/design/0002-vectorised-fisher.md.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from .thresholds import FOUR_FIFTHS

# statsmodels and scipy.stats take most of a second to import; they are imported inside the
# functions (Python caches them after the first call) so the app's window can open first.

def _counts(*arrays):
    return [np.atleast_1d(np.asarray(a, dtype=np.int64)) for a in arrays]


def wilson_interval(selected, n, alpha: float = 0.05):
    """Wilson score interval for each selection rate (NaN where n == 0)."""
    from statsmodels.stats.proportion import proportion_confint

    selected, n = _counts(selected, n)
    low = np.full(n.shape, np.nan)
    high = np.full(n.shape, np.nan)
    ok = n > 0
    if ok.any():
        lo, hi = proportion_confint(selected[ok], n[ok], alpha=alpha, method="wilson")
        low[ok], high[ok] = lo, hi
    return low, high


IMPACT_RATIO_CI_METHOD = "MOVER-R, Clopper–Pearson"


def mover_ratio_interval(p1, low1, high1, p2, low2, high2):
    """Interval for p1 / p2 from an interval for each proportion: MOVER-R (Donner & Zou 2012).

    The formula and its special cases (a lower limit that is undefined becomes 0, an upper limit
    that is undefined or negative becomes infinite) follow Fagerland, Lydersen & Laake,
    *Statistical Analysis of Contingency Tables* (2017), ch. 4; a test reproduces their published
    MOVER-R Wilson example.
    """
    p1, low1, high1, p2, low2, high2 = (np.asarray(v, dtype=float) for v in (p1, low1, high1, p2, low2, high2))
    with np.errstate(all="ignore"):
        product = p1 * p2
        low = (product - np.sqrt(product ** 2 - low1 * high2 * (2 * p1 - low1) * (2 * p2 - high2))) / (
            high2 * (2 * p2 - high2))
        high = (product + np.sqrt(product ** 2 - high1 * low2 * (2 * p1 - high1) * (2 * p2 - low2))) / (
            low2 * (2 * p2 - low2))
    low = np.where(np.isnan(low), 0.0, np.maximum(low, 0.0))
    high = np.where(np.isnan(high) | (high < 0), np.inf, high)
    return low, high


def impact_ratio_interval(sel_focal, n_focal, sel_ref, n_ref, alpha: float = 0.05):
    """95% interval for rate_focal / rate_ref: MOVER-R with Clopper–Pearson intervals per rate.

    Chosen for its coverage where audits need it most — small groups and rates of 0% or 100% —
    (see docs/design/0007-impact-ratio-interval.md and benchmarks/bench_coverage.py): a group with
    every member selected still gets an interval of real width, and the observed ratio always
    lies inside its own interval. NaN where the ratio is undefined (an empty group, or nobody
    selected in the reference group).
    """
    from statsmodels.stats.proportion import proportion_confint

    a, n1, b, n2 = _counts(sel_focal, n_focal, sel_ref, n_ref)
    low = np.full(a.shape, np.nan)
    high = np.full(a.shape, np.nan)
    valid = (n1 > 0) & (n2 > 0) & (b > 0)
    if valid.any():
        a_, n1_, b_, n2_ = a[valid], n1[valid], b[valid], n2[valid]
        low1, high1 = proportion_confint(a_, n1_, alpha=alpha, method="beta")
        low2, high2 = proportion_confint(b_, n2_, alpha=alpha, method="beta")
        # statsmodels leaves NaN at 0 of n and n of n; the exact limits there are 0 and 1.
        low1, high1 = np.where(a_ == 0, 0.0, low1), np.where(a_ == n1_, 1.0, high1)
        low2, high2 = np.where(b_ == 0, 0.0, low2), np.where(b_ == n2_, 1.0, high2)
        low[valid], high[valid] = mover_ratio_interval(a_ / n1_, low1, high1, b_ / n2_, low2, high2)
    return low, high


def pooled_z(sel_focal, n_focal, sel_ref, n_ref):
    """Two-proportion z statistic with pooled variance (focal minus reference), NaN if undefined."""
    from statsmodels.stats.proportion import test_proportions_2indep

    a, n1, b, n2 = _counts(sel_focal, n_focal, sel_ref, n_ref)
    z = np.full(a.shape, np.nan)
    pooled = (a + b) / np.maximum(n1 + n2, 1)
    ok = (n1 > 0) & (n2 > 0) & (pooled > 0) & (pooled < 1)
    if ok.any():
        # statsmodels also computes an odds ratio in passing, which divides by zero at rates of 0 or 1.
        with np.errstate(divide="ignore", invalid="ignore"):
            res = test_proportions_2indep(
                a[ok], n1[ok], b[ok], n2[ok], method="score", compare="diff", correction=False
            )
        z[ok] = res.statistic
    return z


# Fisher p-values already computed, by table. Re-runs of one pool repeat most tables (a slider
# dragged over a late stage leaves every earlier stage's tables as they were), and with tens of
# thousands of people per table scipy's hypergeometric tails take most of a run's time.
_FISHER_KNOWN: dict[tuple[int, int, int, int], float] = {}
_FISHER_KNOWN_MAX = 50_000


def fisher_exact_two_sided(a, b, c, d):
    """Two-sided Fisher exact p-value for each 2x2 table [[a, b], [c, d]].

    Same definition as ``scipy.stats.fisher_exact``: the sum of the probabilities of all tables
    with the observed margins that are no more likely than the observed one.
    """
    a, b, c, d = _counts(a, b, c, d)
    keys = list(zip(a.ravel().tolist(), b.ravel().tolist(), c.ravel().tolist(), d.ravel().tolist()))
    known = [_FISHER_KNOWN.get(key) for key in keys]
    missing = np.array([p is None for p in known], dtype=bool)
    p = np.array([np.nan if v is None else v for v in known], dtype=np.float64)
    if missing.any():
        flat = [x.ravel()[missing] for x in (a, b, c, d)]
        fresh = _fisher_exact_two_sided(*flat)
        p[missing] = fresh
        if len(_FISHER_KNOWN) > _FISHER_KNOWN_MAX:
            _FISHER_KNOWN.clear()
        for key, value in zip((k for k, m in zip(keys, missing) if m), fresh.tolist()):
            _FISHER_KNOWN[key] = value
    return p.reshape(a.shape)


def _fisher_exact_two_sided(a, b, c, d):
    from scipy.stats import hypergeom

    total = a + b + c + d
    row1 = a + b
    col1 = a + c
    lo = np.maximum(0, col1 - (total - row1))
    hi = np.minimum(row1, col1)
    with np.errstate(all="ignore"):
        log_obs = hypergeom.logpmf(a, total, row1, col1)
        mode = np.floor((col1 + 1) * (row1 + 1) / (total + 2)).astype(np.int64)
        threshold = log_obs + np.log1p(1e-7)
        left_of_mode = a < mode
        # Binary-search the far tail for the first table no more likely than the observed one.
        low_b = np.where(left_of_mode, mode, lo)
        high_b = np.where(left_of_mode, hi, mode)
        for _ in range(70):
            active = low_b < high_b
            if not active.any():
                break
            mid = np.where(left_of_mode, (low_b + high_b) // 2, (low_b + high_b + 1) // 2)
            ok = hypergeom.logpmf(mid, total, row1, col1) <= threshold
            low_b = np.where(active & left_of_mode & ~ok, mid + 1, low_b)
            high_b = np.where(active & left_of_mode & ok, mid, high_b)
            low_b = np.where(active & ~left_of_mode & ok, mid, low_b)
            high_b = np.where(active & ~left_of_mode & ~ok, mid - 1, high_b)
        far = low_b
        far_counts = hypergeom.logpmf(far, total, row1, col1) <= threshold
        p = np.ones(a.shape)
        # Left of the mode: P(X <= a) + P(X >= far); right of it: P(X >= a) + P(X <= far).
        for left, mask in ((True, left_of_mode & (a != mode)), (False, ~left_of_mode & (a != mode))):
            if not mask.any():
                continue
            args = (total[mask], row1[mask], col1[mask])
            if left:
                near = hypergeom.cdf(a[mask], *args)
                tail = hypergeom.sf(far[mask] - 1, *args)
            else:
                near = hypergeom.sf(a[mask] - 1, *args)
                tail = hypergeom.cdf(far[mask], *args)
            p[mask] = near + np.where(far_counts[mask], tail, 0.0)
    degenerate = (row1 == 0) | (col1 == 0) | (row1 == total) | (col1 == total)
    p = np.where(degenerate, 1.0, p)
    return np.minimum(p, 1.0)


@dataclass(frozen=True)
class Comparison:
    """One focal group compared with a reference group (all fields are plain floats)."""

    rate_focal: float
    rate_ref: float
    impact_ratio: float
    impact_ratio_ci: tuple[float, float]
    z: float
    p_value: float
    difference: float
    shortfall: float
    rate_ci_focal: tuple[float, float]
    rate_ci_ref: tuple[float, float]
    needed_for_four_fifths: int


def compare_groups(sel_focal, n_focal, sel_ref, n_ref) -> Comparison:
    """Compare one focal group with a reference group: the numbers an adverse-impact audit reports."""
    table = compare_many([sel_focal], [n_focal], [sel_ref], [n_ref])
    fields = {}
    for key, value in table.items():
        if isinstance(value, tuple):
            fields[key] = (float(value[0][0]), float(value[1][0]))
        elif key == "needed_for_four_fifths":
            fields[key] = int(value[0]) if np.isfinite(value[0]) else -1
        else:
            fields[key] = float(value[0])
    return Comparison(**fields)


def compare_many(sel_focal, n_focal, sel_ref, n_ref, p_values: bool = True) -> dict:
    """Vectorised ``compare_groups``: arrays in, a dict of arrays out. ``p_values=False`` leaves
    Fisher's exact test out (``p_value`` NaN), for a caller that computes it later."""
    a, n1, b, n2 = _counts(sel_focal, n_focal, sel_ref, n_ref)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate_f = np.where(n1 > 0, a / np.maximum(n1, 1), np.nan)
        rate_r = np.where(n2 > 0, b / np.maximum(n2, 1), np.nan)
        ir = np.where(rate_r > 0, rate_f / rate_r, np.nan)
    ir_low, ir_high = impact_ratio_interval(a, n1, b, n2)
    f_low, f_high = wilson_interval(a, n1)
    r_low, r_high = wilson_interval(b, n2)
    p = fisher_exact_two_sided(a, n1 - a, b, n2 - b) if p_values else np.full(a.shape, np.nan)
    needed = np.where(np.isfinite(rate_r), np.ceil(FOUR_FIFTHS * rate_r * n1 - 1e-9), np.nan)
    return {
        "rate_focal": rate_f,
        "rate_ref": rate_r,
        "impact_ratio": ir,
        "impact_ratio_ci": (ir_low, ir_high),
        "z": pooled_z(a, n1, b, n2),
        "p_value": p,
        "difference": rate_f - rate_r,
        "shortfall": n1 * rate_r - a,
        "rate_ci_focal": (f_low, f_high),
        "rate_ci_ref": (r_low, r_high),
        "needed_for_four_fifths": needed,
    }


@dataclass(frozen=True)
class StratifiedResult:
    """Cochran–Mantel–Haenszel analysis of a 2x2 table per stratum.

    ``mh_odds_ratio`` compares row 1 with row 2 (reference against focal group, as in R's
    ``mantelhaen.test``); ``odds_ratio_focal`` is its inverse, the focal group's odds of being
    selected against the reference group's — the direction the app reports in words.
    """

    mh_odds_ratio: float
    mh_odds_ratio_ci: tuple[float, float]
    cmh_statistic: float
    cmh_p_value: float
    cmh_statistic_uncorrected: float
    cmh_p_value_uncorrected: float
    breslow_day_statistic: float
    breslow_day_p_value: float
    n_strata: int

    @property
    def odds_ratio_focal(self) -> float:
        return 1.0 / self.mh_odds_ratio if self.mh_odds_ratio else float("inf")

    def as_dict(self) -> dict:
        return {**self.__dict__, "odds_ratio_focal": self.odds_ratio_focal}


def stratified_analysis(tables) -> StratifiedResult:
    """CMH test, Mantel–Haenszel common odds ratio and Breslow–Day (Tarone) homogeneity test.

    ``tables`` is a sequence of 2x2 tables [[a, b], [c, d]], one per stratum, rows being the two
    groups and columns selected / not selected. The odds ratio is for row 1 versus row 2.
    Strata with an empty row or column carry no information and are left out.

    The statistics come from statsmodels' ``StratifiedTable``, with two corrections so that they
    match R's ``mantelhaen.test`` and the textbook Breslow–Day test:

    - the continuity correction is applied only when |Σ(a − E[a])| ≥ 0.5, as R does; statsmodels
      always subtracts 0.5, which turns a difference of 0.1 into a "significant" 0.4;
    - when the common odds ratio is exactly 1, statsmodels' Breslow–Day divides by zero; there
      the expected cell solves a linear equation, and when every stratum's odds ratio is 1 the
      statistic is 0 with p = 1.
    """
    from scipy.stats import chi2
    from statsmodels.stats.contingency_tables import StratifiedTable

    arr = np.asarray(tables, dtype=float).reshape(-1, 2, 2)
    informative = (arr.sum(axis=2) > 0).all(axis=1) & (arr.sum(axis=1) > 0).all(axis=1)
    arr = arr[informative]
    if len(arr) == 0:
        raise ValueError("no stratum has both groups and both outcomes")
    st = StratifiedTable(np.transpose(arr, (1, 2, 0)))
    # Zero cells make some of these undefined (an infinite odds ratio or interval); they are
    # reported as inf/NaN rather than warned about.
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        plain = st.test_null_odds(correction=False)
        low, high = st.oddsratio_pooled_confint()
        pooled = float(st.oddsratio_pooled)
        a, row1, col1, total = arr[:, 0, 0], arr[:, 0].sum(axis=1), arr[:, :, 0].sum(axis=1), arr.sum(axis=(1, 2))
        delta = float(np.sum(a - row1 * col1 / total))
        if abs(delta) >= 0.5:
            corrected = st.test_null_odds(correction=True)
            cmh, cmh_p = float(corrected.statistic), float(chi2.sf(corrected.statistic, 1))
        else:
            cmh, cmh_p = float(plain.statistic), float(chi2.sf(plain.statistic, 1))
        bd, bd_p = _breslow_day(st, arr, pooled)
    return StratifiedResult(
        mh_odds_ratio=pooled,
        mh_odds_ratio_ci=(float(low), float(high)),
        cmh_statistic=cmh,
        cmh_p_value=cmh_p,
        cmh_statistic_uncorrected=float(plain.statistic),
        cmh_p_value_uncorrected=float(chi2.sf(plain.statistic, 1)),
        breslow_day_statistic=bd,
        breslow_day_p_value=bd_p,
        n_strata=int(len(arr)),
    )


def _breslow_day(st, arr: np.ndarray, pooled: float) -> tuple[float, float]:
    """Breslow–Day statistic with Tarone's adjustment, and its p-value (df = strata − 1)."""
    from scipy.stats import chi2

    if len(arr) < 2:
        return float("nan"), float("nan")
    if pooled != 1.0:
        result = st.test_equal_odds(adjust=True)
        statistic = float(result.statistic)
    else:
        # E[a] under odds ratio 1 solves a linear equation (statsmodels' quadratic has a = 0).
        a = arr[:, 0, 0]
        row1, col1 = arr[:, 0].sum(axis=1), arr[:, :, 0].sum(axis=1)
        total = arr.sum(axis=(1, 2))
        expected = row1 * col1 / total
        inverse_var = 1 / expected + 1 / (col1 - expected) + 1 / (row1 - expected) + 1 / (total - row1 - col1 + expected)
        var = 1 / inverse_var
        statistic = float(np.sum((a - expected) ** 2 / var) - np.sum(a - expected) ** 2 / np.sum(var))
    if not np.isfinite(statistic):
        return float("nan"), float("nan")
    # Tarone's adjustment subtracts a square: at a statistic of 0 rounding can leave -1e-16.
    statistic = max(statistic, 0.0) if statistic > -1e-9 else statistic
    return statistic, float(chi2.sf(statistic, len(arr) - 1))
