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

# statsmodels and scipy.stats take most of a second to import; they are imported inside the
# functions (Python caches them after the first call) so the app's window can open first.

Z_95 = 1.959963984540054


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


def impact_ratio_interval(sel_focal, n_focal, sel_ref, n_ref, alpha: float = 0.05):
    """95% interval for rate_focal / rate_ref by the Katz log method.

    Where a cell is zero the plain log method is undefined; there statsmodels' ``log-adjusted``
    variant (0.5 added to the counts) is used and ``adjusted`` is True.
    Returns (low, high, adjusted).
    """
    from statsmodels.stats.proportion import confint_proportions_2indep

    a, n1, b, n2 = _counts(sel_focal, n_focal, sel_ref, n_ref)
    low = np.full(a.shape, np.nan)
    high = np.full(a.shape, np.nan)
    adjusted = np.zeros(a.shape, dtype=bool)
    valid = (n1 > 0) & (n2 > 0) & (b > 0)
    plain = valid & (a > 0) & (a < n1) & (b < n2)
    zero = valid & ~plain
    if plain.any():
        lo, hi = confint_proportions_2indep(
            a[plain], n1[plain], b[plain], n2[plain], compare="ratio", method="log", alpha=alpha
        )
        low[plain], high[plain] = lo, hi
    if zero.any():
        lo, hi = confint_proportions_2indep(
            a[zero], n1[zero], b[zero], n2[zero], compare="ratio", method="log-adjusted", alpha=alpha
        )
        low[zero], high[zero] = lo, hi
        adjusted[zero] = True
    return low, high, adjusted


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


def fisher_exact_two_sided(a, b, c, d):
    """Two-sided Fisher exact p-value for each 2x2 table [[a, b], [c, d]].

    Same definition as ``scipy.stats.fisher_exact``: the sum of the probabilities of all tables
    with the observed margins that are no more likely than the observed one.
    """
    from scipy.stats import hypergeom

    a, b, c, d = _counts(a, b, c, d)
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


def compare_many(sel_focal, n_focal, sel_ref, n_ref) -> dict:
    """Vectorised ``compare_groups``: arrays in, a dict of arrays out."""
    a, n1, b, n2 = _counts(sel_focal, n_focal, sel_ref, n_ref)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate_f = np.where(n1 > 0, a / np.maximum(n1, 1), np.nan)
        rate_r = np.where(n2 > 0, b / np.maximum(n2, 1), np.nan)
        ir = np.where(rate_r > 0, rate_f / rate_r, np.nan)
    ir_low, ir_high, _ = impact_ratio_interval(a, n1, b, n2)
    f_low, f_high = wilson_interval(a, n1)
    r_low, r_high = wilson_interval(b, n2)
    p = fisher_exact_two_sided(a, n1 - a, b, n2 - b)
    needed = np.where(np.isfinite(rate_r), np.ceil(0.8 * rate_r * n1 - 1e-9), np.nan)
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
    """
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
        corrected = st.test_null_odds(correction=True)
        plain = st.test_null_odds(correction=False)
        homogeneity = st.test_equal_odds(adjust=True)
        low, high = st.oddsratio_pooled_confint()
        pooled = st.oddsratio_pooled
    return StratifiedResult(
        mh_odds_ratio=float(pooled),
        mh_odds_ratio_ci=(float(low), float(high)),
        cmh_statistic=float(corrected.statistic),
        cmh_p_value=float(corrected.pvalue),
        cmh_statistic_uncorrected=float(plain.statistic),
        cmh_p_value_uncorrected=float(plain.pvalue),
        breslow_day_statistic=float(homogeneity.statistic),
        breslow_day_p_value=float(homogeneity.pvalue),
        n_strata=int(len(arr)),
    )
