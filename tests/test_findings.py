"""What the numbers mean: the findings layer, its sentences on adversarial data, and the audit
defects of 2026-11 (tests/data/audit_defects, one CSV per defect) read correctly afterwards."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.cli import main
from simulator.core.audit import audit_frame
from simulator.core.findings import (
    EVERYONE_SELECTED,
    GAP,
    NO_CLEAR_GAP,
    NOBODY_SELECTED,
    NONE_LOWER,
    clear_gaps,
    comparison_family,
    odds_gloss,
)
from simulator.core.thresholds import ALPHA
from simulator.core.verdict import format_p

DEFECTS = Path(__file__).resolve().parent / "data" / "audit_defects"


def audit_json(capsys, name, *args):
    code = main(["audit", str(DEFECTS / name), *args, "--json", "-"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def audit_text(capsys, name, *args, lang="en"):
    code = main(["audit", str(DEFECTS / name), *args, "--lang", lang])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def group(data, name, attribute=None):
    return next(g for g in data["groups"] if g["group"] == name and (attribute is None or g["attribute"] == attribute))


# ---------------------------------------------------------------------------------------------
# The defect files
# ---------------------------------------------------------------------------------------------

def test_everyone_selected_in_a_small_group_gets_a_real_interval(capsys):
    """all_selected_small: B is 5 of 5 selected; its impact-ratio interval has real width around its
    ratio (not [1.00, 1.00]) and the reference carries no interval of its own."""
    data = audit_json(capsys, "all_selected_small.csv", "--group", "g", "--selected", "selected")
    b = group(data, "B")
    low, high = b["impact_ratio_ci"]
    assert low < b["impact_ratio"] < high and high - low > 0.5
    reference = next(g for g in data["groups"] if g["reference"])
    assert reference["impact_ratio_ci"] == [None, None]
    assert data["findings"]["methods"]["impact_ratio"] == "MOVER-R, Clopper–Pearson"


def test_a_favoured_small_group_is_never_the_headline_gap(capsys):
    """favoured_small_group: 'small' (10 of 10) is selected more often; the verdict says no group is
    selected less often than 'big' instead of headlining 'small' at 2.00 times the rate."""
    data = audit_json(capsys, "favoured_small_group.csv", "--group", "g", "--selected", "selected")
    assert data["findings"]["kind"] == NONE_LOWER
    assert "2.00 times" not in data["verdict"][0] and "“big”" in data["verdict"][0]


def test_a_significant_small_group_is_not_hidden_behind_no_clear_gap(capsys):
    """hidden_significant_small_group: c is 0 of 25 (Fisher p = 5e-8); the verdict names c and does
    not say that no group is selected at a clearly lower rate."""
    data = audit_json(capsys, "hidden_significant_small_group.csv", "--group", "g", "--selected", "selected")
    assert data["findings"]["kind"] == GAP
    assert data["findings"]["headline"]["group"] == "c"
    assert "“c”" in data["verdict"][0] and not any("No group" in s for s in data["verdict"])
    assert data["findings"]["headline"]["p_value"] < 1e-6


def test_nobody_selected_says_so(capsys):
    """none_selected: nobody of 2,000 was selected; the verdict says exactly that, not 'too few'."""
    data = audit_json(capsys, "none_selected.csv", "--group", "g", "--selected", "selected")
    assert data["findings"]["kind"] == NOBODY_SELECTED
    assert data["verdict"][0].startswith("Nobody was selected (0 of 2,000)")
    assert not any("few" in s.lower() for s in data["verdict"])


def test_cmh_continuity_correction_as_in_r(capsys):
    """cmh_overcorrection: |Σ(a − E)| < 0.5, so no continuity correction (as R's mantelhaen.test):
    CMH p = 0.82, not the over-corrected 0.039."""
    data = audit_json(capsys, "cmh_overcorrection.csv", "--group", "group", "--selected", "selected",
                      "--strata", "vacancy")
    st_ = data["stratified"][0]
    assert st_["cmh_p_value"] == pytest.approx(0.8185, abs=1e-4)
    assert st_["cmh_p_value"] == pytest.approx(st_["cmh_p_value_uncorrected"])
    text = audit_text(capsys, "cmh_overcorrection.csv", "--group", "group", "--selected", "selected",
                      "--strata", "vacancy")
    assert "0.039" not in text and "CMH p = 0.82" in text


def test_breslow_day_is_zero_when_every_stratum_has_odds_ratio_one(capsys):
    """bd_undefined_when_or_is_1: both strata have odds ratio 1; Breslow–Day is 0 with p = 1, not '—'."""
    data = audit_json(capsys, "bd_undefined_when_or_is_1.csv", "--group", "gender", "--selected", "selected",
                      "--strata", "vacancy")
    st_ = data["stratified"][0]
    assert st_["mh_odds_ratio"] == pytest.approx(1.0)
    assert st_["breslow_day_statistic"] == pytest.approx(0.0, abs=1e-9)
    assert st_["breslow_day_p_value"] == pytest.approx(1.0)
    assert "1: the same odds" in " ".join(data["verdict"])


def test_intersection_claim_needs_a_test_of_interaction(capsys):
    """intersection_claim_p_1: no intersection is said to fare worse than its groups; hidden cells
    carry no numbers in the JSON."""
    data = audit_json(capsys, "intersection_claim_p_1.csv", "--group", "col0_gender", "--group", "col1_grp",
                      "--selected", "hired", "--strata", "vacancy")
    assert not any("fares worse" in s or "larger" in s for s in data["verdict"])
    assert data["findings"]["intersection"] is None
    hidden = [g for g in data["groups"] if g["hidden"]]
    assert hidden and all(g["n"] is None and g["selected"] is None and g["rate"] is None
                          and g["impact_ratio_ci"] == [None, None] for g in hidden)


def test_p_values_never_round_across_005(capsys):
    """p_rounds_to_0050 / p_just_above_005: p = 0.0498 and p = 0.0503 print differently, and only
    the first is called a clear gap."""
    below = audit_json(capsys, "p_rounds_to_0050.csv", "--group", "g", "--selected", "selected")
    above = audit_json(capsys, "p_just_above_005.csv", "--group", "g", "--selected", "selected")
    p_below = below["findings"]["headline"]["p_value"]
    p_above = above["findings"]["headline"]["p_value"]
    assert p_below < ALPHA <= p_above
    assert "p = 0.0498" in below["verdict"][0] and below["findings"]["kind"] == GAP
    assert "p = 0.050" in above["verdict"][0] and above["findings"]["kind"] == NO_CLEAR_GAP


@pytest.mark.parametrize("p, en, nl", [
    (0.0498, "p = 0.0498", "p = 0,0498"), (0.0503, "p = 0.050", "p = 0,050"), (0.00099, "p < 0.001", "p < 0,001"),
    (0.0034, "p = 0.0034", "p = 0,0034"), (0.21, "p = 0.21", "p = 0,21"), (0.996, "p = 1.0", "p = 1,0"),
    (0.04996, "p = 0.04996", "p = 0,04996"), (0.05, "p = 0.050", "p = 0,050"),
])
def test_p_value_format(p, en, nl):
    """p < 0.001, else two significant digits, with more digits where rounding would cross 0.05."""
    assert format_p(p, "en") == en and format_p(p, "nl") == nl


@pytest.mark.parametrize("odds, words", [(1.105, "above 1: higher odds"), (0.81, "below 1: lower odds"),
                                         (1.0, "1: the same odds")])
def test_odds_ratio_gloss_matches_its_value(odds, words):
    """The words after an odds ratio say what the number says (1.105 is not 'lower odds')."""
    assert odds_gloss(odds, "en").startswith(words)


def test_berkeley_replay_says_the_odds_ratios_differ(capsys):
    """The Berkeley 1973 replay: Breslow–Day p = 0.002, so the sentence quoting the common odds ratio
    (1.105, women against men) says the odds ratios differ between departments."""
    assert main(["run", "simpson", "--size", "200"]) == 0
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if "Mantel–Haenszel odds ratio 1.11" in line)
    assert "above 1: higher odds" in line and "odds ratios differ" in line


# ---------------------------------------------------------------------------------------------
# run and audit share one verdict path
# ---------------------------------------------------------------------------------------------

def gender_only_frame(seed: int, n: int = 4000) -> pd.DataFrame:
    """Decisions where only gender changes the chance of selection (origin and age play no part)."""
    rng = np.random.default_rng(seed)
    gender = rng.choice(["woman", "man"], n)
    origin = rng.choice(["dutch", "second_gen", "born_abroad"], n, p=[0.7, 0.15, 0.15])
    age = rng.choice(["<35", "35-54", "55+"], n, p=[0.4, 0.4, 0.2])
    chance = np.where(gender == "woman", 0.14, 0.22)
    selected = rng.random(n) < chance
    return pd.DataFrame({"gender": gender, "origin": origin, "age": age, "selected": np.where(selected, "1", "0")})


@pytest.mark.parametrize("columns", [["gender", "origin"], ["gender", "origin", "age"]])
def test_audit_claims_no_intersection_where_only_gender_matters(columns):
    """Eight files where only gender drives selection: the audit, with two and with three group
    columns, never says an intersection fares worse than its groups (the claim ADR 0006 stops)."""
    claims = 0
    for seed in range(8):
        audit = audit_frame(gender_only_frame(seed), columns, "selected", file=f"gender-only-{seed}.csv")
        depths = set(audit.groups["depth"])
        assert depths == set(range(1, len(columns) + 1))  # every 2-way table and the 3-way one
        assert audit.findings.kind == GAP and audit.findings.headline["attribute"] == "gender"
        claims += any("fares worse" in s for s in audit.findings.sentences("en"))
    assert claims == 0


def test_audit_finds_a_real_intersection():
    """The same test of interaction does find a real one: mothers selected at half the rate that
    being a woman and being a parent explain."""
    rng = np.random.default_rng(7)
    n = 6000
    gender = rng.choice(["woman", "man"], n)
    parent = rng.choice(["yes", "no"], n)
    chance = np.where((gender == "woman") & (parent == "yes"), 0.08, 0.2)
    frame = pd.DataFrame({"gender": gender, "parent": parent, "selected": (rng.random(n) < chance).astype(int).astype(str)})
    audit = audit_frame(frame, ["gender", "parent"], "selected")
    cell = audit.findings.intersection
    assert cell is not None and cell["group"] == "woman × yes"
    assert any("“woman × yes” fares worse than its separate groups explain" in s for s in audit.findings.sentences("en"))


def test_run_and_audit_of_its_own_decisions_agree():
    """Auditing a run's own candidates CSV by its six protected columns gives the run's headline."""
    from simulator.core import engine
    from simulator.core.export import candidates_frame
    from simulator.core.scenario import load

    result = engine.run(load("motherhood"), size=3000, attribution=False)
    frame = candidates_frame(result.outcome, "en").astype(str)
    columns = ["gender", "age_band", "origin", "region", "disability", "parent"]
    audit = audit_frame(frame, columns, "selected")
    run_head = result.measurement.findings.headline
    audit_head = audit.findings.headline
    assert result.measurement.findings.kind == audit.findings.kind
    assert run_head["impact_ratio"] == pytest.approx(audit_head["impact_ratio"])
    assert run_head["p_value"] == pytest.approx(audit_head["p_value"])


# ---------------------------------------------------------------------------------------------
# Sentences that hold on adversarial data
# ---------------------------------------------------------------------------------------------

@st.composite
def decision_tables(draw):
    """A few groups with sizes from 0 to a million and any number selected, as a decisions frame."""
    k = draw(st.integers(2, 5))
    sizes = draw(st.lists(st.sampled_from([0, 1, 2, 4, 5, 6, 12, 25, 29, 30, 31, 80, 400, 5000]), min_size=k,
                          max_size=k))
    rows = []
    for i, n in enumerate(sizes):
        share = draw(st.sampled_from([0.0, 0.01, 0.1, 0.3, 0.5, 0.9, 1.0]))
        chosen = int(round(share * n))
        rows += [(f"g{i}", "1")] * chosen + [(f"g{i}", "0")] * (n - chosen)
    if len({g for g, _ in rows}) < 2:
        rows += [("x", "1"), ("y", "0")] * 3
    return pd.DataFrame(rows, columns=["g", "selected"])


@settings(max_examples=60, deadline=None)
@given(decision_tables())
def test_verdict_sentences_are_true_on_any_table(frame):
    """Whatever the table (tiny groups, nobody or everyone selected, huge n): 'no clear gap' only when
    no visible group is clearly lower, a gap headline only for a clearly lower group, never a hidden
    or favoured group as a gap, and every sentence renders in both languages."""
    audit = audit_frame(frame, ["g"], "selected")
    f = audit.findings
    family, visible = comparison_family(audit.groups)
    clear = clear_gaps(family, audit.groups[audit.groups["depth"] == 1])
    rows = family[visible]
    total, chosen = len(frame), int((frame["selected"] == "1").sum())
    if chosen == 0:
        assert f.kind == NOBODY_SELECTED
    elif chosen == total:
        assert f.kind == EVERYONE_SELECTED
    if f.kind == NO_CLEAR_GAP:
        assert not clear.any()
        assert f.headline["impact_ratio"] == rows["impact_ratio"].min()
    if f.kind == GAP:
        h = f.headline
        assert h["impact_ratio"] < 1 and h["p_value"] < ALPHA and not h["hidden"]
        assert h["impact_ratio"] == family["impact_ratio"].to_numpy()[clear & visible].min()
    for lang in ("en", "nl"):
        sentences = f.sentences(lang)
        assert sentences and all(s and "{" not in s for s in sentences)


# ---------------------------------------------------------------------------------------------
# Hidden cells cannot be worked out from what an audit publishes
# ---------------------------------------------------------------------------------------------

def _random_audit_frame(rng) -> tuple[pd.DataFrame, list[str]]:
    n = int(rng.integers(15, 160))
    columns = ["a", "b", "c"][: int(rng.integers(1, 4))]
    data = {}
    for col in columns:
        levels = [f"{col}{i}" for i in range(int(rng.integers(2, 5)))]
        weights = rng.dirichlet(np.ones(len(levels)) * 0.7)
        values = rng.choice(levels, n, p=weights).astype(object)
        values[rng.random(n) < 0.05] = ""  # a few missing values
        data[col] = values
    chance = rng.uniform(0.05, 0.95)
    data["selected"] = np.where(rng.random(n) < chance, "1", "0")
    frame = pd.DataFrame(data)
    for col in columns:  # every column needs two known values to be audited
        if frame.loc[frame[col] != "", col].nunique() < 2:
            frame.loc[0, col], frame.loc[1, col] = f"{col}0", f"{col}1"
    return frame, columns


def _worst_case_bounds(frame, columns, audit):
    """For every hidden row: the least and most selections an integer program finds consistent with
    every published number (visible counts, the grand total) and every cell size."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    keys = frame[columns].astype(str).agg("\x1f".join, axis=1) if columns else pd.Series([""] * len(frame))
    cells, inverse = np.unique(keys, return_inverse=True)
    parts = [c.split("\x1f") for c in cells]
    size = np.bincount(inverse)
    sel = np.bincount(inverse, weights=(frame["selected"] == "1").to_numpy()).astype(int)

    def members(row):
        attrs = row["attribute"].split(" × ")
        if row["status"] == "unknown":
            return np.array([p[columns.index(attrs[0])] == "" for p in parts])
        values = row["group"].split(" × ")
        return np.array([all(p[columns.index(a)] == v for a, v in zip(attrs, values)) for p in parts])

    rows, lower, upper = [np.ones(len(cells))], [sel.sum()], [sel.sum()]
    groups = audit.groups
    for row in groups[~groups["hidden"]].to_dict("records"):
        m = members(row).astype(float)
        rows.append(m)
        lower.append(row["selected"])
        upper.append(row["selected"])
    constraint = LinearConstraint(np.array(rows), lower, upper)
    out = []
    for row in groups[groups["hidden"]].to_dict("records"):
        m = members(row).astype(float)
        bounds = []
        for sign in (1, -1):
            res = milp(sign * m, constraints=constraint, integrality=np.ones(len(cells)), bounds=Bounds(0, size))
            assert res.success
            bounds.append(round(sign * res.fun))
        out.append((row, int(m @ size), bounds[0], bounds[1]))
    return out


def test_hidden_cells_cannot_be_worked_out():
    """Sixty random small files with one to three group columns and missing values: for every hidden
    cell, an integer program over everything the audit publishes leaves both 'someone selected' and
    'someone not selected' possible — unless a shown group containing it already tells everyone's
    decision (all or nobody selected), which no hiding can change."""
    rng = np.random.default_rng(2026)
    checked = 0
    for _ in range(60):
        frame, columns = _random_audit_frame(rng)
        audit = audit_frame(frame, columns, "selected")
        shown = audit.groups[~audit.groups["hidden"]]
        told = shown[(shown["selected"] == 0) | (shown["selected"] == shown["n"])]
        for row, n, least, most in _worst_case_bounds(frame, columns, audit):
            if audit.selected in (0, audit.rows) or n == 0:
                continue
            inside_told = any(set(t_row["attribute"].split(" × ")) <= set(row["attribute"].split(" × "))
                              and t_row["status"] != "unknown" and row["status"] != "unknown"
                              and all(v in row["group"].split(" × ") for v in t_row["group"].split(" × "))
                              for t_row in told.to_dict("records"))
            if inside_told:
                continue
            assert most > 0 and least < n, (row["attribute"], row["group"], n, least, most)
            checked += 1
    assert checked > 50
