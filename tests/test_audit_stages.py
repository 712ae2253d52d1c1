"""Audits by stages (issue 14): the furthest stage each person reached, counted per stage transition,
compared with independent computations, protected across stages, and worded and printed sensibly."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.stats import fisher_exact

from audit_stages_cases import CASES, random_frames
from simulator.cli import audit_stages_json, audit_stages_lines
from simulator.core.audit import AuditInputError, audit_coded, audit_file, audit_frame, audit_funnel
from simulator.core.findings import GAP, NOBODY_SELECTED
from simulator.core.grouptable import OVERALL, STATUS_UNKNOWN

GOLDEN = Path(__file__).resolve().parent / "data" / "audit_stages"
STAGES = ["Sollicitatie", "Eerste gesprek", "Tweede gesprek", "Aanbod"]
COLUMNS = ["geslacht", "herkomst", "leeftijd"]


def ats_export(rows: int = 4000, seed: int = 14) -> pd.DataFrame:
    """An export shaped like an ATS's: one row per applicant, the furthest stage reached as text
    ("Fase"), a few rows without a stage or a group value; women pass the second interview less
    often and applicants of some origins the first screening."""
    rng = np.random.default_rng(seed)
    gender = rng.choice(["man", "vrouw", "X"], rows, p=[0.5, 0.48, 0.02]).astype(object)
    origin = rng.choice(["Nederland", "Marokko", "Turkije", "Suriname", "Polen"], rows,
                        p=[0.6, 0.12, 0.12, 0.1, 0.06]).astype(object)
    age = rng.choice(["<30", "30-44", "45+"], rows).astype(object)
    reached = (rng.random(rows) < np.where(origin == "Nederland", 0.35, 0.2)).astype(int)
    reached += (reached == 1) & (rng.random(rows) < np.where(gender == "vrouw", 0.3, 0.45))
    reached += (reached == 2) & (rng.random(rows) < 0.3)
    stage = np.array(STAGES, dtype=object)[reached]
    stage[rng.random(rows) < 0.01] = ""  # no stage recorded: no decision
    gender[rng.random(rows) < 0.02] = ""
    return pd.DataFrame({"geslacht": gender, "herkomst": origin, "leeftijd": age, "Fase": stage})


def reached_of(frame: pd.DataFrame, column: str = "Fase") -> np.ndarray:
    index = {name: i for i, name in enumerate(STAGES)}
    return np.array([index.get(v, -1) for v in frame[column]], dtype=np.int64)


def staged(frame: pd.DataFrame, columns=COLUMNS, stages=STAGES, strata=None):
    data = {c: frame[c] for c in columns + ([strata] if strata else [])}
    return audit_coded(data, columns, reached_of(frame), stages, strata, file="ats.csv")


@pytest.fixture(scope="module")
def ats():
    frame = ats_export()
    return frame, staged(frame)


# ---------------------------------------------------------------------------------------------
# The numbers
# ---------------------------------------------------------------------------------------------

def test_counts_per_stage_match_a_pandas_groupby(ats):
    """Every shown row of every single column and 2-way intersection, at every stage and OVERALL,
    has the n and selected that a plain pandas groupby of the export gives."""
    frame, audit = ats
    decided = frame[reached_of(frame) >= 0].copy()
    decided["r"] = reached_of(decided)
    assert audit.rows == len(decided) and audit.no_decision == len(frame) - len(decided)
    assert audit.selected == int((decided["r"] == len(STAGES) - 1).sum())
    g = audit.groups
    checked = 0
    for combo in [[c] for c in COLUMNS] + [["geslacht", "herkomst"], ["herkomst", "leeftijd"]]:
        known = decided[(decided[combo] != "").all(axis=1)]
        key = known[combo].agg(" × ".join, axis=1)
        for stage in [OVERALL, 0, 1, 2]:
            if stage == OVERALL:
                n, sel = known.groupby(key).size(), known[known["r"] == 3].groupby(key[known["r"] == 3]).size()
            else:
                at = known["r"] >= stage
                n = known[at].groupby(key[at]).size()
                passed = known["r"] >= stage + 1
                sel = known[passed].groupby(key[passed]).size()
            rows = g[(g["attribute"] == " × ".join(combo)) & (g["stage"] == stage) & (g["status"] != STATUS_UNKNOWN)]
            for row in rows[~rows["hidden"]].to_dict("records"):
                assert row["n"] == n.get(row["group"], 0), (combo, stage, row["group"])
                assert row["selected"] == sel.get(row["group"], 0), (combo, stage, row["group"])
                checked += 1
    assert checked > 80


def test_missing_group_values_are_counted_per_stage(ats):
    """The people without a gender are one 'unknown' row per stage, with the counts a groupby gives."""
    frame, audit = ats
    r = reached_of(frame)
    missing = (frame["geslacht"] == "") & (r >= 0)
    g = audit.groups
    rows = g[(g["attribute"] == "geslacht") & (g["status"] == STATUS_UNKNOWN)].set_index("stage")
    assert audit.unknown["geslacht"] == int(missing.sum())
    assert rows.loc[OVERALL, "n"] == missing.sum() and rows.loc[OVERALL, "selected"] == (missing & (r == 3)).sum()
    for k in range(3):
        assert rows.loc[k, "n"] == (missing & (r >= k)).sum()
        assert rows.loc[k, "selected"] == (missing & (r >= k + 1)).sum()


def test_fisher_p_values_per_stage_match_scipy(ats):
    """Each shown, compared row's p-value at every stage is scipy's two-sided Fisher exact test
    against that stage's reference group."""
    _, audit = ats
    g = audit.groups
    compared = g[~g["hidden"] & ~g["reference"] & g["impact_ratio"].notna() & (g["status"] != STATUS_UNKNOWN)]
    checked = 0
    for row in compared.to_dict("records"):
        ref = g[(g["attribute"] == row["attribute"]) & (g["stage"] == row["stage"]) & g["reference"]].iloc[0]
        a, n1, b, n2 = row["selected"], row["n"], ref["selected"], ref["n"]
        expected = fisher_exact([[a, n1 - a], [b, n2 - b]]).pvalue
        assert row["p_value"] == pytest.approx(expected, rel=1e-6, abs=1e-12), (row["attribute"], row["stage"])
        checked += 1
    assert checked > 40 and set(compared["stage"]) == {OVERALL, 0, 1, 2}


def test_funnel_counts_match_the_export(ats):
    """audit_funnel gives, per group, how many reached each stage (a pandas count), in the shape of
    report.funnel: columns 0..3, 'group' and 'hidden'; a count withheld is NaN from some stage on,
    and only for a group flagged hidden."""
    frame, audit = ats
    r = reached_of(frame)
    checked = 0
    for column in COLUMNS:
        funnel = audit_funnel(audit, column)
        assert list(funnel.columns) == ["group", 0, 1, 2, 3, "hidden"]
        assert list(funnel.index) == sorted(v for v in frame[column].unique() if v != "")
        for group, row in funnel.iterrows():
            mine = (frame[column] == group).to_numpy() & (r >= 0)
            counts = [row[k] for k in range(4)]
            shown = [not np.isnan(c) for c in counts]
            assert row["hidden"] == (not all(shown))
            assert shown == sorted(shown, reverse=True)  # withheld from some stage on
            assert [c for c in counts if not np.isnan(c)] == [int((mine & (r >= k)).sum()) for k in range(sum(shown))]
            checked += sum(shown)
    assert checked > 35 and audit_funnel(audit, "geslacht")["hidden"].sum() < 3


def test_overall_is_the_yes_no_audit_of_the_last_stage(ats):
    """The OVERALL rows of an audit by stages count as a yes/no audit of 'reached the last stage'
    does (the shown ones: hiding may differ, as more is published)."""
    frame, audit = ats
    r = reached_of(frame)
    yes_no = audit_coded({c: frame[c] for c in COLUMNS}, COLUMNS, np.where(r < 0, -1, (r == 3).astype(int)), None)
    key = ["attribute", "group", "status"]
    a = audit.groups[audit.groups["stage"] == OVERALL].set_index(key)
    b = yes_no.groups.set_index(key)
    assert a.index.equals(b.index)
    both = ~a["hidden"] & ~b["hidden"]
    for column in ("n", "selected", "rate", "impact_ratio", "p_value", "reference"):
        pd.testing.assert_series_equal(a.loc[both, column], b.loc[both, column])


def test_the_stratified_test_stays_on_overall(ats):
    """With a strata column, each CMH check of an audit by stages is the yes/no audit's check of
    reaching the last stage for that group (per-stage rows do not enter them; groups hidden at
    OVERALL, which can be more with stages, are not checked)."""
    frame, _ = ats
    frame = frame.assign(vacature=np.where(np.arange(len(frame)) % 3 == 0, "A", "B"))
    audit = staged(frame, strata="vacature")
    r = reached_of(frame)
    yes_no = audit_coded({c: frame[c] for c in COLUMNS + ["vacature"]}, COLUMNS,
                         np.where(r < 0, -1, (r == 3).astype(int)), None, "vacature")
    theirs = {(st["attribute"], st["group"]): st for st in yes_no.stratified}
    assert audit.stratified
    g = audit.groups
    for st in audit.stratified:
        assert st == theirs[(st["attribute"], st["group"])]
        row = g[(g["stage"] == OVERALL) & (g["attribute"] == st["attribute"]) & (g["group"] == st["group"])]
        assert not row["hidden"].iloc[0]


# ---------------------------------------------------------------------------------------------
# A yes/no audit is what it was
# ---------------------------------------------------------------------------------------------

def _golden(path: Path, case=None) -> pd.DataFrame:
    g = pd.read_csv(path, dtype={"group": str, "attribute": str})
    g["group"] = g["group"].fillna("")
    if case is not None:
        g = g[g["case"] == case].drop(columns="case").reset_index(drop=True)
    return g


def _same_table(groups: pd.DataFrame, golden: pd.DataFrame) -> None:
    ours = groups.reset_index(drop=True).copy()
    ours["group"] = ours["group"].astype(str)
    pd.testing.assert_frame_equal(ours, golden, check_dtype=False, check_exact=True)


@pytest.mark.parametrize("name,file,columns,selected,strata", CASES, ids=[c[0] for c in CASES])
def test_yes_no_audit_of_the_defect_files_is_unchanged(name, file, columns, selected, strata):
    """The group table of every defect file is exactly what the audit gave before stages existed
    (golden files written by commit 8c7428d's code)."""
    _same_table(audit_file(str(file), columns, selected, strata).groups, _golden(GOLDEN / f"golden_{name}.csv"))


def test_yes_no_audit_of_random_files_is_unchanged():
    """Forty seeded random files (one to three columns, missing values, strata): the group tables,
    hidden cells included, are exactly those of the audit before stages."""
    for case, (frame, columns, strata) in enumerate(random_frames()):
        _same_table(audit_frame(frame, columns, "selected", strata).groups, _golden(GOLDEN / "golden_random.csv", case))


def test_audit_frame_is_audit_coded_without_stages():
    """audit_frame's result is audit_coded's for the same decisions (0/1, -1 without a decision)."""
    frame, columns, strata = next(random_frames(1, seed=3))
    frame.loc[:4, "selected"] = ""
    a = audit_frame(frame, columns, "selected", strata)
    reached = np.where(frame["selected"] == "", -1, (frame["selected"] == "1").astype(int))
    b = audit_coded({c: frame[c] for c in columns + ([strata] if strata else [])}, columns, reached, None, strata)
    pd.testing.assert_frame_equal(a.groups, b.groups)
    assert (a.rows, a.selected, a.no_decision, a.stages, a.selected_column) == (b.rows, b.selected, 5, None, "selected")
    rows = a.groups[(a.groups["attribute"] == columns[0]) & (a.groups["status"] != STATUS_UNKNOWN)]
    expected = np.where(rows[["hidden"]].to_numpy(), np.nan, rows[["n", "selected"]].to_numpy(dtype=float))
    np.testing.assert_array_equal(audit_funnel(a, columns[0])[[0, 1]].to_numpy(), expected)


# ---------------------------------------------------------------------------------------------
# Hidden cells across stages
# ---------------------------------------------------------------------------------------------

def _bounds_of_hidden_rows(columns: list[str], frame: pd.DataFrame, reached: np.ndarray, audit, levels: int):
    """For every hidden row at stage k (independently of the audit's code): the least and most people
    of the row who passed stage k that an integer program finds consistent with everything the audit
    shows — every shown row's n and selected at every stage and OVERALL, the totals per stage, and
    nobody reaching a stage without the ones before — when who reached stage k is known per cell.
    Rows with nobody at stage k, or whose people's decisions a shown row already tells (everyone or
    nobody in it passed), are returned with skip=True and no bounds."""
    keep = reached >= 0
    frame, reached = frame[keep].reset_index(drop=True), reached[keep]
    keys = frame[columns].astype(str).agg("\x1f".join, axis=1)
    cells, inverse = np.unique(keys, return_inverse=True)
    parts = [c.split("\x1f") for c in cells]
    f = len(cells)
    reach = np.column_stack([np.bincount(inverse, weights=reached >= j, minlength=f) for j in range(levels)])

    def members(row):
        attrs = row["attribute"].split(" × ")
        if row["status"] == STATUS_UNKNOWN:
            return np.array([p[columns.index(attrs[0])] == "" for p in parts], dtype=float)
        values = row["group"].split(" × ")
        return np.array([all(p[columns.index(a)] == v for a, v in zip(attrs, values)) for p in parts], dtype=float)

    def at(level):  # where level j's counts are in x = [level 0 cells, level 1 cells, ...]
        return slice(level * f, (level + 1) * f)

    g = audit.groups
    a_rows, values = [], []
    for row in g[~g["hidden"]].to_dict("records"):
        m = members(row)
        s = row["stage"]
        for level, count in ((0 if s == OVERALL else s, row["n"]),
                             (levels - 1 if s == OVERALL else s + 1, row["selected"])):
            v = np.zeros(f * levels)
            v[at(level)] = m
            a_rows.append(v)
            values.append(count)
    for level in range(levels):  # the totals per stage
        v = np.zeros(f * levels)
        v[at(level)] = 1
        a_rows.append(v)
        values.append(reach[:, level].sum())
    mono = np.zeros(((levels - 1) * f, f * levels))  # x[level] ≤ x[level - 1], cell by cell
    for level in range(1, levels):
        for c in range(f):
            mono[(level - 1) * f + c, level * f + c] = 1
            mono[(level - 1) * f + c, (level - 1) * f + c] = -1
    constraints = [LinearConstraint(np.array(a_rows), values, values), LinearConstraint(mono, -np.inf, 0)]
    told_at = {}  # per stage: decisions a shown row publishes as such (everyone or nobody in it passed)
    for k in range(levels - 1):
        told_at[k] = np.zeros(f, dtype=bool)
        shown = g[~g["hidden"] & (g["stage"] == k) & (g["n"] > 0)]
        for row in shown[(shown["selected"] == 0) | (shown["selected"] == shown["n"])].to_dict("records"):
            told_at[k] |= members(row) > 0
    out = []
    for hidden_row in g[g["hidden"] & (g["stage"] >= 0)].to_dict("records"):
        k = hidden_row["stage"]
        n_k = float(members(hidden_row) @ reach[:, k])
        told = told_at[k]
        inside = (members(hidden_row) > 0) & (reach[:, k] > 0)
        is_told = bool(inside.any() and told[inside].all())
        if n_k == 0 or is_told:  # nothing to protect, or nothing hiding can protect
            out.append((hidden_row, n_k, None, None, True))
            continue
        upper = np.tile(reach[:, 0], levels).astype(float)
        lower = np.zeros(f * levels)
        for level in range(k + 1):  # who reached stage k (and so every stage before) is known
            lower[at(level)] = upper[at(level)] = reach[:, level]
        objective = np.zeros(f * levels)
        objective[(k + 1) * f:(k + 2) * f] = members(hidden_row)
        found = []
        for sign in (1, -1):
            res = milp(sign * objective, constraints=constraints, integrality=np.ones(f * levels),
                       bounds=Bounds(lower, upper))
            assert res.success
            found.append(round(sign * res.fun))
        out.append((hidden_row, n_k, found[0], found[1], False))
    return out


def test_a_group_small_at_a_late_stage_cannot_be_worked_out_from_the_others():
    """Adversarial: 'klein' has 40 applicants, 9 first interviews, 3 second interviews and 1 offer.
    Its last step (1 of 3) is hidden; it stays hidden at OVERALL (which would show the 1), and
    another group is hidden beside it so that the gender table's total does not give it away; the
    earlier steps (who reached the second interview) stay shown."""
    rows = []
    for group, counts in {"groot": [200, 80, 30, 10], "middel": [120, 40, 15, 6], "klein": [40, 9, 3, 1]}.items():
        stops = [counts[k] - (counts[k + 1] if k + 1 < 4 else 0) for k in range(4)]
        rows += [(group, k) for k, c in enumerate(stops) for _ in range(c)]
    frame = pd.DataFrame(rows, columns=["g", "r"])
    audit = audit_coded({"g": frame["g"]}, ["g"], frame["r"].to_numpy(), STAGES)
    g = audit.groups.set_index(["group", "stage"])
    assert g.loc[("klein", 2), "hidden"] and g.loc[("klein", OVERALL), "hidden"]
    assert not g.loc[("klein", 0), "hidden"] and not g.loc[("klein", 1), "hidden"]
    assert g.loc[(slice(None), 2), "hidden"].sum() >= 2  # not the only hidden cell of its line
    funnel = audit_funnel(audit, "g")
    assert funnel.loc["klein", "hidden"] and np.isnan(funnel.loc["klein", 3])
    assert funnel.loc["klein", [0, 1, 2]].tolist() == [40, 9, 3]
    for row, n, least, most, skip in _bounds_of_hidden_rows(["g"], frame, frame["r"].to_numpy(), audit, 4):
        assert skip or (least < n and most > 0), (row["group"], row["stage"], n, least, most)


def test_hidden_cells_cannot_be_worked_out_at_any_stage():
    """Eighteen random small exports with one to three columns, missing values and three or four
    stages: for every hidden row at stage k, everything the audit shows (all stages, OVERALL) leaves
    both 'someone passed' and 'someone did not' possible, given who reached stage k — unless a shown
    row at that stage holding its people already tells everyone's decision."""
    rng = np.random.default_rng(18)
    checked = 0
    for case in range(18):
        levels = int(rng.integers(3, 5))
        frame, columns, _ = next(random_frames(1, seed=100 + case))
        frame = frame.iloc[: int(rng.integers(30, 160))].reset_index(drop=True)
        pass_rate = rng.uniform(0.2, 0.8, levels - 1)
        r = np.zeros(len(frame), dtype=np.int64)
        for k in range(levels - 1):
            r += (r == k) & (rng.random(len(frame)) < pass_rate[k])
        r[rng.random(len(frame)) < 0.03] = -1
        try:
            audit = audit_coded({c: frame[c] for c in columns}, columns, r, STAGES[:levels])
        except AuditInputError:
            continue
        for row, n, least, most, skip in _bounds_of_hidden_rows(columns, frame, r, audit, levels):
            if skip:
                continue
            assert least < n and most > 0, (case, row["attribute"], row["group"], row["stage"], n, least, most)
            checked += 1
    assert checked > 100


def test_a_reference_hidden_at_a_later_stage_is_chosen_again():
    """A group with the highest final rate that is too small at the last step is hidden at OVERALL;
    OVERALL then compares with the most-selected group still shown, so no shown impact ratio gives
    the hidden group's rate away."""
    rows = []
    for group, counts in {"a": [10, 4, 4, 4], "b": [200, 60, 30, 20], "c": [150, 40, 20, 10]}.items():
        stops = [counts[k] - (counts[k + 1] if k + 1 < 4 else 0) for k in range(4)]
        rows += [(group, k) for k, c in enumerate(stops) for _ in range(c)]
    frame = pd.DataFrame(rows, columns=["g", "r"])
    audit = audit_coded({"g": frame["g"]}, ["g"], frame["r"].to_numpy(), STAGES)
    g = audit.groups
    for stage in (OVERALL, 0, 1, 2):
        at = g[g["stage"] == stage]
        ref = at[at["reference"]]
        assert len(ref) == 1 and not ref["hidden"].iloc[0], stage
    assert g[(g["group"] == "a") & (g["stage"] == OVERALL)]["hidden"].iloc[0]


# ---------------------------------------------------------------------------------------------
# Edge cases
# ---------------------------------------------------------------------------------------------

def _frame(counts: dict[str, list[int]]) -> pd.DataFrame:
    """Rows per group from how many reached each stage."""
    rows = []
    for group, reached in counts.items():
        stops = [reached[k] - (reached[k + 1] if k + 1 < len(reached) else 0) for k in range(len(reached))]
        rows += [(group, k) for k, c in enumerate(stops) for _ in range(c)]
    return pd.DataFrame(rows, columns=["g", "r"])


def test_a_stage_nobody_reaches():
    """Nobody got an offer: nobody is 'selected', the last step shows 0 of n for every group (not
    hidden: nobody's decision is secret when everyone's is no), and the earlier steps are compared."""
    frame = _frame({"a": [300, 120, 40, 0], "b": [300, 60, 20, 0]})
    audit = audit_coded({"g": frame["g"]}, ["g"], frame["r"].to_numpy(), STAGES)
    assert audit.selected == 0 and audit.findings.kind == NOBODY_SELECTED
    g = audit.groups
    last = g[g["stage"] == 2]
    assert (last["selected"] == 0).all() and not last["hidden"].any()
    first = g[(g["stage"] == 0) & (g["group"] == "b")].iloc[0]
    assert first["impact_ratio"] == pytest.approx(0.5) and first["significant_lower"]
    assert audit_funnel(audit, "g")[3].tolist() == [0, 0]
    assert any("0 of 40" in line for line in audit_stages_lines(audit, "en"))


def test_everyone_stays_at_the_first_stage():
    """Nobody passed the first step: later steps have n = 0, shown as 0 and never hidden or
    compared, and the verdict says nobody was selected."""
    frame = _frame({"a": [50, 0, 0, 0], "b": [40, 0, 0, 0]})
    audit = audit_coded({"g": frame["g"]}, ["g"], frame["r"].to_numpy(), STAGES)
    assert audit.findings.kind == NOBODY_SELECTED
    g = audit.groups
    later = g[g["stage"] >= 1]
    assert (later["n"] == 0).all() and not later["hidden"].any() and not later["reference"].any()
    assert audit_funnel(audit, "g")[[0, 1, 2, 3]].to_numpy().tolist() == [[50, 0, 0, 0], [40, 0, 0, 0]]
    text = "\n".join(audit_stages_lines(audit, "nl"))
    assert "— (0 van 0)" in text


def test_one_group_only_at_a_stage():
    """Only group 'a' reached the second interview: that step has no comparison (b has nobody
    there), nothing crashes, and the widest gap is named at a step where both groups were (b: 0 of
    60 against a's 100 of 200)."""
    frame = _frame({"a": [400, 200, 100, 40], "b": [400, 60, 0, 0]})
    audit = audit_coded({"g": frame["g"]}, ["g"], frame["r"].to_numpy(), STAGES)
    g = audit.groups
    at2 = g[(g["stage"] == 2)]
    assert at2["impact_ratio"].notna().sum() == 1  # the reference alone
    assert audit.findings.kind == GAP
    sentences = audit.findings.sentences("en")
    assert ("The ratio is lowest at “Eerste gesprek → Tweede gesprek” (0.00 times the reference group's rate at that "
            "step); this compares point estimates and is not tested against the other steps.") in sentences
    assert ("De ratio is het laagst bij ‘Eerste gesprek → Tweede gesprek’ (0,00 keer zo vaak als de vergelijkingsgroep "
            "bij die stap); dit vergelijkt puntschattingen, zonder toets tegen de andere stappen.") in \
        audit.findings.sentences("nl")


def test_tiny_groups_are_hidden_at_every_stage():
    """Groups of one to four people are hidden at every stage and in the funnel; the printed funnel
    shows '—' for them and says how many groups and people are hidden, never their counts."""
    frame = _frame({"a": [300, 150, 60, 20], "b": [280, 100, 40, 12], "c": [4, 2, 1, 1], "d": [3, 1, 0, 0]})
    audit = audit_coded({"g": frame["g"]}, ["g"], frame["r"].to_numpy(), STAGES)
    g = audit.groups
    assert g[g["group"].isin(["c", "d"])]["hidden"].all()
    funnel = audit_funnel(audit, "g")
    assert funnel.loc[["c", "d"], "hidden"].all() and funnel.loc[["c", "d"], [0, 1, 2, 3]].isna().all().all()
    lines = "\n".join(audit_stages_lines(audit, "en")).splitlines()
    c_line = next(line for line in lines if line.strip().startswith("c "))
    assert set(c_line.split()[1:]) == {"—"}
    assert any("Sollicitatie → Eerste gesprek — g:" in line and "groups, n =" in line for line in lines)
    data = audit_stages_json(audit)
    c = next(x for x in data["funnel"]["g"] if x["group"] == "c")
    assert c["hidden"] and c["reached"] == [None] * 4 and all(s["n"] is None for s in c["steps"])


def test_two_stages_are_a_yes_no_audit_with_one_step():
    """With two stages, the one step's rows are the OVERALL rows, and no 'widest gap' sentence is added."""
    frame = _frame({"a": [300, 120], "b": [300, 60]})
    audit = audit_coded({"g": frame["g"]}, ["g"], frame["r"].to_numpy(), ["Sollicitatie", "Gesprek"])
    g = audit.groups
    overall, step = g[g["stage"] == OVERALL].reset_index(drop=True), g[g["stage"] == 0].reset_index(drop=True)
    pd.testing.assert_frame_equal(overall.drop(columns="stage"), step.drop(columns="stage"))
    assert not any("lowest at" in s for s in audit.findings.sentences("en"))


# ---------------------------------------------------------------------------------------------
# Words, the command line's section and bad input
# ---------------------------------------------------------------------------------------------

def test_sentences_name_the_step_where_the_gap_is_widest(ats):
    """The realistic export's verdict names the step with the lowest ratio of the headline group,
    with that step's ratio, in English and Dutch."""
    _, audit = ats
    f = audit.findings
    assert f.kind == GAP
    h = f.headline
    g = audit.groups
    steps = g[(g["stage"] >= 0) & (g["attribute"] == h["attribute"]) & (g["group"] == h["group"]) & ~g["hidden"]]
    worst = steps.loc[steps["impact_ratio"].idxmin()]
    name = f"{STAGES[int(worst['stage'])]} → {STAGES[int(worst['stage']) + 1]}"
    ratio = f"{worst['impact_ratio']:.2f}"
    assert (f"The ratio is lowest at “{name}” ({ratio} times the reference group's rate at that step); this compares "
            "point estimates and is not tested against the other steps.") in f.sentences("en")
    assert (f"De ratio is het laagst bij ‘{name}’ ({ratio.replace('.', ',')} keer zo vaak als de vergelijkingsgroep bij "
            "die stap); dit vergelijkt puntschattingen, zonder toets tegen de andere stappen.") in f.sentences("nl")


def test_cli_funnel_section_and_json(ats):
    """The printed section lists every group's count per stage and each step's rate with its n; the
    JSON has the stage names and, per column and group, the counts and steps."""
    frame, audit = ats
    lines = audit_stages_lines(audit, "en")
    text = "\n".join(lines)
    assert lines[0] == "Funnel: how many people of each group reached each stage"
    assert all(name in text for name in STAGES) and "Tweede gesprek → Aanbod" in text
    funnel = audit_funnel(audit, "geslacht")
    man = funnel.loc["man"]
    assert f"{man[1] / man[0] * 100:.1f}% ({int(man[1]):,} of {int(man[0]):,})" in text
    data = audit_stages_json(audit)
    assert data["stages"] == STAGES and set(data["funnel"]) == set(COLUMNS)
    entry = next(x for x in data["funnel"]["geslacht"] if x["group"] == "man")
    assert entry["reached"] == [int(man[k]) for k in range(4)]
    assert entry["steps"][0] == {"from": "Sollicitatie", "to": "Eerste gesprek", "n": int(man[0]),
                                 "passed": int(man[1]), "rate": man[1] / man[0]}
    assert audit_stages_json(audit_frame(frame.assign(s=np.where(reached_of(frame) == 3, "1", "0")),
                                         COLUMNS, "s")) == {}


def test_cli_section_in_dutch(ats):
    """The Dutch section uses Dutch headings and number formats."""
    _, audit = ats
    text = "\n".join(audit_stages_lines(audit, "nl"))
    assert text.startswith("Trechter: hoeveel mensen van elke groep elke fase bereikten")
    assert " van " in text and "groep" in text


@pytest.mark.parametrize("stages,message", [(["Sollicitatie"], "at least two stages"),
                                            (["Gesprek", "Aanbod", "Gesprek"], "stage 'Gesprek' is named twice")])
def test_bad_stage_lists_are_one_line(stages, message):
    """Too few stages, or a stage named twice, is an AuditInputError of one line naming the file."""
    frame = _frame({"a": [20, 10], "b": [20, 5]})
    with pytest.raises(AuditInputError) as info:
        audit_coded({"g": frame["g"]}, ["g"], np.zeros(len(frame), dtype=int), stages, file="ats.xlsx")
    assert "\n" not in str(info.value) and str(info.value).startswith("ats.xlsx: ") and message in str(info.value)


def test_no_decision_anywhere_is_one_line():
    """A file where no row has a stage is one line, not an empty audit."""
    with pytest.raises(AuditInputError, match="^ats.csv: no row has a decision"):
        audit_coded({"g": pd.Series(["a", "b"])}, ["g"], np.array([-1, -1]), STAGES, file="ats.csv")


def test_a_stage_index_out_of_range_is_a_programming_error():
    """reached beyond the last stage is the caller's mistake (ValueError), never counted."""
    with pytest.raises(ValueError, match="reached must lie in -1..3"):
        audit_coded({"g": pd.Series(["a", "b"])}, ["g"], np.array([0, 4]), STAGES)


def test_recruitsim_audit_prints_and_writes_the_stages(ats, monkeypatch, capsys, tmp_path):
    """`recruitsim audit` given an audit by stages (as --mapping will make one): the rates table holds
    OVERALL rows only, the funnel section follows, and the JSON has 'stages', 'funnel' and a stage
    on every group row."""
    import json

    import simulator.core.audit as core_audit
    from simulator.cli import main

    _, audit = ats
    monkeypatch.setattr(core_audit, "audit_file", lambda *args, **kwargs: audit)
    path = tmp_path / "ats.csv"
    path.write_text("geslacht,Fase\nman,Aanbod\n", encoding="utf-8")
    args = ["audit", str(path), "--group", "geslacht", "--selected", "Fase"]
    assert main(args) == 0
    out = capsys.readouterr().out
    rates = out[out.index("Verdict"):out.index("Funnel: how many")]
    assert sum(line.split()[:1] == ["man"] and "×" not in line for line in rates.splitlines()) == 1 and "Funnel: how many people of each group reached each stage" in out
    assert main(args + ["--json", "-"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["stages"] == STAGES and set(data["funnel"]) == set(COLUMNS)
    assert {g["stage"] for g in data["groups"]} == {OVERALL, 0, 1, 2}
