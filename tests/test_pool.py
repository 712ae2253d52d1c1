"""The synthetic pool: deterministic per seed, realistic marginals, and honest structural links."""

import numpy as np
import pytest

from simulator.core.pool import LINKS, PoolSettings, Vacancy, default_links, generate_pool
from simulator.core.world import CATEGORIES, code_of, name_lists


def _pool(size=20000, seed=5, **changes):
    settings = PoolSettings(size=size, seed=seed)
    for key, value in changes.items():
        setattr(settings, key, value)
    return generate_pool(Vacancy(), settings)


def test_same_seed_same_pool():
    """The same settings and seed give identical columns; another seed gives another pool."""
    a, b, c = _pool(seed=11), _pool(seed=11), _pool(seed=12)
    for column in a.columns:
        np.testing.assert_array_equal(a[column], b[column])
    np.testing.assert_array_equal(a.skill_wording, b.skill_wording)
    assert not np.array_equal(a["suitability"], c["suitability"])


def test_origin_shares_match_labour_force():
    """R9: with default shares, origin is 71.8% / 12.8% / 15.4% within sampling error."""
    pool = _pool(size=200_000)
    shares = np.bincount(pool["origin"], minlength=3) / len(pool)
    for got, want in zip(shares, (0.718, 0.128, 0.154)):
        assert abs(got - want) < 4 * np.sqrt(want * (1 - want) / len(pool))


def test_default_suitability_does_not_depend_on_group():
    """By default every group has the same mean suitability (gaps come from the pipeline only)."""
    pool = _pool(size=100_000)
    for attribute in ("gender", "origin", "disability"):
        means = [pool["suitability"][pool[attribute] == i].mean() for i in range(len(CATEGORIES[attribute]))
                 if (pool[attribute] == i).sum() > 1000]
        assert max(means) - min(means) < 0.05


def test_structural_links_create_gap_difference_and_switch_removes_it():
    """Women have more past gaps with links on; with the 'no structural differences' switch they do not."""
    women, men = code_of("gender", "woman"), code_of("gender", "man")
    linked = _pool(size=100_000)
    gap = linked["past_gap_months"] > 0
    assert gap[linked["gender"] == women].mean() - gap[linked["gender"] == men].mean() > 0.10
    neutral = _pool(size=100_000, structural_links=False)
    gap = neutral["past_gap_months"] > 0
    assert abs(gap[neutral["gender"] == women].mean() - gap[neutral["gender"] == men].mean()) < 0.015
    born_abroad, dutch = code_of("origin", "born_abroad"), code_of("origin", "dutch")
    foreign = neutral["diploma_country"] == 1
    assert abs(foreign[neutral["origin"] == born_abroad].mean() - foreign[neutral["origin"] == dutch].mean()) < 0.02


def test_neutral_links_keep_the_overall_rate():
    """Neutralising a link replaces group rates by their share-weighted mean, so prevalence stays."""
    settings = PoolSettings()
    neutral = PoolSettings(structural_links=False).effective_links()
    shares = settings.attribute_shares("origin")
    rates = settings.links["foreign_diploma"]
    mean = sum(shares[g] * rates[g] for g in rates)
    assert all(v == pytest.approx(mean) for v in neutral["foreign_diploma"].values())
    assert set(neutral) == set(LINKS)


def test_unusual_cv_flags_and_ground_truth():
    """Unusual-CV flags follow their definitions, and 'qualified' is the top share of suitability."""
    pool = _pool(size=50_000)
    assert pool["qualified"].mean() == pytest.approx(0.30, abs=0.001)
    assert (pool["unusual_long_gap"] == (np.maximum(pool["current_gap_months"], pool["past_gap_months"]) >= 12)).all()
    assert (pool["unusual_foreign_diploma"] == (pool["diploma_country"] == 1)).all()
    assert pool["suitability"][pool["qualified"]].min() >= pool["suitability"][~pool["qualified"]].max()


def test_names_follow_gender_and_region():
    """A Moroccan-origin woman gets a name from the Moroccan women's list."""
    from simulator.core.export import candidate_names

    pool = _pool(size=5000)
    names = candidate_names(pool)
    lists = name_lists()
    morocco, woman = code_of("region", "morocco"), code_of("gender", "woman")
    rows = np.flatnonzero((pool["name_region"] == morocco) & (pool["gender"] == woman))
    assert len(rows) > 5
    for i in rows:
        assert names[i].split(" ")[0] in set(lists.first[("morocco", "woman")])


def test_ages_are_in_band_and_experience_is_possible():
    """Ages fall in their bands; nobody has more experience than years since graduation."""
    pool = _pool(size=20_000)
    assert pool["age"].min() >= 18 and pool["age"].max() <= 67
    years_since = 2026 - pool["graduation_year"]
    assert (pool["experience_years"] <= years_since + 1).all()


def test_generating_a_pool_needs_little_memory_besides_the_pool():
    """Issue 10: generate_pool releases its intermediate arrays, so its peak stays near the pool's own size."""
    import tracemalloc

    tracemalloc.start()
    try:
        pool = _pool(size=200_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    size = sum(a.nbytes for a in pool.columns.values()) + pool.has_skill.nbytes + pool.skill_wording.nbytes
    assert peak < 1.5 * size  # every intermediate kept to the end made it 3.5 times the pool


def test_the_cv_signals_an_ai_screener_reads_leave_every_other_column_unchanged():
    """The AI-polished CV, pedigree and disability mentions are drawn from their own streams: changing
    their rates changes only them, so pools drawn before they existed stay the same bit for bit."""
    base = generate_pool(Vacancy(), PoolSettings(size=5000, seed=8))
    links = default_links()
    for name in ("ai_polished", "pedigree", "disability_mention"):
        links[name] = {group: 0.9 for group in links[name]}
    changed = generate_pool(Vacancy(), PoolSettings(size=5000, seed=8, links=links))
    signals = {"ai_polished", "pedigree", "disability_mention"}
    for column, values in base.columns.items():
        if column in signals:
            assert not np.array_equal(values, changed[column]), column
        else:
            assert np.array_equal(values, changed[column]), column
    assert np.array_equal(base.has_skill, changed.has_skill)


def test_ai_polished_cvs_follow_age_and_education_and_pedigree_needs_a_degree():
    """Generative-AI use falls with age and rises with education (CBS 2024), so AI-polished CVs do too;
    a prestigious school or employer is only on hbo/wo CVs; disability mentions follow disability."""
    pool = generate_pool(Vacancy(), PoolSettings(size=100_000, seed=3))
    by_age = [pool["ai_polished"][pool["age_band"] == k].mean() for k in range(len(CATEGORIES["age_band"]))]
    assert all(a > b for a, b in zip(by_age, by_age[1:])), by_age
    assert by_age[0] > 3 * by_age[-1]
    higher = pool["education"] >= CATEGORIES["education"].index("hbo")
    assert pool["ai_polished"][higher].mean() > 1.5 * pool["ai_polished"][~higher].mean()
    assert not pool["pedigree"][~higher].any() and pool["pedigree"][higher].mean() > 0.1
    disclosed = pool["disability"] == 1
    assert pool["disability_mention"][disclosed].mean() > 10 * pool["disability_mention"][~disclosed].mean()
