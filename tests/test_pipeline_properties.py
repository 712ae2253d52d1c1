"""Invariants of any pipeline, checked on random configurations (hypothesis)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.core.metrics import OVERALL, measure
from simulator.core.pipeline import Pipeline, Stage, run_pipeline
from simulator.core.pool import PoolSettings, Vacancy, generate_pool
from simulator.core.rules import GapPenalty, KnockOut, WeightedScore

POOL = generate_pool(Vacancy(), PoolSettings(size=3000, seed=21))

knockouts = st.one_of(
    st.builds(lambda v: KnockOut(field="experience_years", op=">=", value=v), st.integers(0, 30)),
    st.builds(lambda v: KnockOut(field="education", op=">=", value=v), st.sampled_from(["vmbo", "mbo", "hbo"])),
    st.builds(lambda v: GapPenalty(knockout_months=v), st.integers(0, 40)),
    st.just(KnockOut(field="driving_licence", op="==", value=True)),
)
cuts = st.one_of(
    st.builds(lambda k: WeightedScore(weights={"education": 1, "skills_count": 2}, top_k=k), st.integers(1, 3000)),
    st.builds(lambda s: WeightedScore(weights={"experience_years": 0.5, "skills_count": 1}, top_share=s),
              st.floats(0.01, 1.0)),
    st.builds(lambda x: WeightedScore(weights={"education": 1}, threshold=x), st.integers(0, 4)),
)
stages = st.lists(st.lists(st.one_of(knockouts, cuts), min_size=1, max_size=3), min_size=1, max_size=3)


@settings(max_examples=40, deadline=None)
@given(stages)
def test_funnel_and_counts_are_consistent(config):
    """For any pipeline: the funnel never grows, rejections name a rule of their stage, and the
    measured counts add up to the pool."""
    pipeline = Pipeline([Stage({"en": f"s{i}", "nl": f"s{i}"}, rules) for i, rules in enumerate(config)])
    outcome = run_pipeline(POOL, pipeline)
    reached = [int(outcome.reached(s).sum()) for s in range(outcome.n_stages + 1)]
    assert reached[0] == len(POOL)
    assert all(a >= b for a, b in zip(reached, reached[1:]))
    flat = pipeline.flat_rules()
    rejected = ~outcome.selected
    assert (outcome.rejected_by[rejected] >= 0).all() and (outcome.rejected_by[~rejected] == -1).all()
    stage_of = np.array([s for s, _, _ in flat])
    assert (stage_of[outcome.rejected_by[rejected]] == outcome.stopped_at[rejected]).all()
    m = measure(outcome, intersections=(), attribution=False)
    gender = m.groups[(m.groups["stage"] == OVERALL) & (m.groups["attribute"] == "gender")]
    assert gender["n"].sum() == len(POOL)
    assert gender["selected"].sum() == outcome.selected.sum()
    ratios = gender["impact_ratio"].dropna()
    big = gender[gender["n"] >= 0.02 * len(POOL)]["impact_ratio"].dropna()
    assert (ratios >= 0).all() and (big <= 1 + 1e-12).all()
