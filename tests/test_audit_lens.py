"""The legal lens of an audit: NYC Local Law 144 impact ratios (DCWP's worked example, the 2% rule on
adversarial data, unknowns), hidden cells never printed, and the Dutch/EU lens's tests and dated law."""

import json
import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from simulator.cli import main
from simulator.core.audit import audit_frame
from simulator.core.audit_lens import (COMPARED, EXCLUDED, HIDDEN, LENSES, NO_RATIO, REFERENCE, UNKNOWN, lens_json,
                                       lens_notes, lens_rows, lens_sentences, lens_table)
from simulator.core.grouptable import OVERALL, TableSpec, compare_tables_later
from simulator.core.law import fact

# DCWP's worked example (6 RCNY § 5-301, the "culture fit" example; domain-facts §3.2, R3): n, rate and
# impact ratio as published. The counts below give exactly those rates: 50/92, 34/76, 18/28, 15/40,
# 16/32, 5/8, 10/24; a sixth race category (36 people, 20 selected) stands for the rows not retrieved.
R3 = {"sex": {"Male": (92, 0.543, 1.00), "Female": (76, 0.447, 0.82)},
      "race": {"Hispanic or Latino": (28, 0.642, 1.00), "White": (40, 0.375, 0.58),
               "Black or African American": (32, 0.500, 0.78), "Native Hawaiian or Pacific Islander": (8, 0.625, 0.97),
               "Asian": (24, 0.417, 0.65)}}
# (race, men, men selected, women, women selected)
R3_CELLS = [("Hispanic or Latino", 16, 11, 12, 7), ("White", 22, 8, 18, 7), ("Black or African American", 18, 9, 14, 7),
            ("Native Hawaiian or Pacific Islander", 4, 3, 4, 2), ("Asian", 12, 5, 12, 5), ("Two or More Races", 20, 14, 16, 6)]


def r3_frame() -> pd.DataFrame:
    rows = []
    for race, men, men_sel, women, women_sel in R3_CELLS:
        rows += [("Male", race, 1)] * men_sel + [("Male", race, 0)] * (men - men_sel)
        rows += [("Female", race, 1)] * women_sel + [("Female", race, 0)] * (women - women_sel)
    return pd.DataFrame(rows, columns=["sex", "race", "selected"])


def frame_of(counts: dict[str, tuple[int, int]], column: str = "g") -> pd.DataFrame:
    """A frame with one group column: {group: (n, selected)}."""
    values, selected = [], []
    for group, (n, sel) in counts.items():
        values += [group] * n
        selected += [1] * sel + [0] * (n - sel)
    return pd.DataFrame({column: values, "selected": selected})


def rows_of(table: pd.DataFrame, attribute: str) -> dict:
    return {r["category"]: r for r in table[table["attribute"] == attribute].to_dict("records")}


@pytest.fixture(scope="module")
def r3():
    return audit_frame(r3_frame(), ["sex", "race"], "selected")


def test_nyc_impact_ratios_reproduce_the_dcwp_worked_example(r3):
    """On DCWP's worked example every category's n, selection rate (±0.005) and impact ratio (to two decimals) are as published."""
    table = lens_table(r3, "nyc")
    for attribute, expected in R3.items():
        got = rows_of(table, attribute)
        for category, (n, rate, ratio) in expected.items():
            row = got[category]
            assert row["n"] == n
            assert row["rate"] == pytest.approx(rate, abs=0.005)
            assert round(row["impact_ratio"], 2) == ratio, (category, row["impact_ratio"])
    assert rows_of(table, "sex")["Male"]["kind"] == REFERENCE
    assert rows_of(table, "race")["Hispanic or Latino"]["kind"] == REFERENCE


def test_nyc_sentences_name_the_reference_and_the_lowest_ratio(r3):
    """The lens's sentences give each column's most-selected category and its lowest impact ratio, in both languages."""
    en = lens_sentences(r3, "nyc", "en")
    assert "“sex”: the category with the highest selection rate is “Male” (54.3%); the lowest impact ratio is 0.82 (“Female”)." in en
    assert any("“race”" in s and "0.58 (“White”)" in s for s in en)
    nl = lens_sentences(r3, "nyc", "nl")
    assert any("‘sex’" in s and "0,82 (‘Female’)" in s for s in nl)


def independent_nyc(frame: pd.DataFrame, column: str, hidden: set) -> dict:
    """Per category of one column, computed from the rows with pandas alone: (kind, n, rate, ratio)."""
    total = len(frame)
    known = frame[frame[column].notna()]
    counts = known.groupby(column)["selected"].agg(["size", "sum"])
    out = {}
    eligible = {g: r["sum"] / r["size"] for g, r in counts.iterrows() if g not in hidden and r["size"] / total >= 0.02}
    best = max(eligible.values(), default=0.0)
    for g, r in counts.iterrows():
        rate = r["sum"] / r["size"]
        if g in hidden:
            out[g] = (HIDDEN, None, None, None)
        elif g not in eligible:
            out[g] = (EXCLUDED, int(r["size"]), rate, None)
        elif best == 0:
            out[g] = (NO_RATIO, int(r["size"]), rate, None)
        else:
            out[g] = (REFERENCE if rate == best and g == min(k for k, v in eligible.items() if v == best) else COMPARED,
                      int(r["size"]), rate, rate / best)
    return out


@pytest.mark.parametrize("seed", range(6))
def test_nyc_table_matches_an_independent_computation(seed):
    """On random files (small and tiny groups, missing values) every category's kind, n, rate and ratio equal a pandas computation from the rows."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(200, 3000))
    weights = rng.dirichlet(np.full(6, 0.6))
    groups = rng.choice(list("ABCDEF"), size=n, p=weights).astype(object)
    groups[rng.random(n) < 0.03] = None
    chance = {g: rng.uniform(0.05, 0.6) for g in "ABCDEF"}
    selected = (rng.random(n) < np.array([chance.get(g, 0.3) if g else 0.3 for g in groups])).astype(int)
    other = rng.choice(["x", "y"], size=n)
    frame = pd.DataFrame({"g": groups, "h": other, "selected": selected})
    audit = audit_frame(frame, ["g", "h"], "selected")
    g = audit.groups
    hidden = set(g[(g["attribute"] == "g") & g["hidden"] & (g["status"] != "unknown")]["group"])
    expected = independent_nyc(frame, "g", hidden)
    got = rows_of(lens_table(audit, "nyc"), "g")
    for category, (kind, size, rate, ratio) in expected.items():
        row = got[category]
        assert row["kind"] == kind, (seed, category)
        if kind == HIDDEN:
            assert all(math.isnan(row[k]) for k in ("n", "share", "selected", "rate", "impact_ratio"))
            continue
        assert row["n"] == size and row["rate"] == pytest.approx(rate)
        assert row["share"] == pytest.approx(size / n)
        if ratio is None:
            assert math.isnan(row["impact_ratio"])
        else:
            assert row["impact_ratio"] == pytest.approx(ratio)
    missing = int(frame["g"].isna().sum())
    assert got.get("", {}).get("n", 0) == missing and (missing == 0 or got[""]["kind"] == UNKNOWN)


def test_a_category_under_two_percent_with_the_highest_rate_is_not_the_reference():
    """A 1.9% category selected most often is left out of the impact ratios (listed with n, share and rate and the reason); the ratios use the next highest rate."""
    audit = audit_frame(frame_of({"A": (600, 180), "B": (381, 76), "C": (19, 17)}), ["g"], "selected")
    rows = rows_of(lens_table(audit, "nyc"), "g")
    assert rows["C"]["kind"] == EXCLUDED and math.isnan(rows["C"]["impact_ratio"])
    assert rows["C"]["n"] == 19 and rows["C"]["share"] == pytest.approx(0.019) and rows["C"]["rate"] == pytest.approx(17 / 19)
    assert rows["A"]["kind"] == REFERENCE and rows["A"]["impact_ratio"] == 1.0
    assert rows["B"]["impact_ratio"] == pytest.approx((76 / 381) / 0.3)
    sentences = lens_sentences(audit, "nyc", "en")
    assert ("“g”: “C” (n = 19, 1.90% of the data, selection rate 89.5%) is left out of the impact ratios because it "
            "is under 2% of the data.") in sentences
    assert "left out: under 2%" in [r[-1] for r in lens_rows(lens_table(audit, "nyc"), "g", "en")]


def test_a_category_of_exactly_two_percent_counts():
    """A category of exactly 2% of the data is not excluded (the rule says under 2%): with the highest rate it is the reference."""
    audit = audit_frame(frame_of({"A": (600, 180), "B": (380, 76), "C": (20, 18)}), ["g"], "selected")
    rows = rows_of(lens_table(audit, "nyc"), "g")
    assert rows["C"]["kind"] == REFERENCE and rows["C"]["share"] == pytest.approx(0.02)
    assert rows["A"]["impact_ratio"] == pytest.approx(0.3 / 0.9)


def test_every_category_under_two_percent_gives_no_impact_ratio():
    """When every category is under 2% of the data, none is the reference, each is listed with n and rate, and the lens says there are no ratios."""
    counts = {f"G{k:02d}": (17 if k < 40 else 16, k % 7 + 1) for k in range(60)}  # 60 groups of 16-17 in 1,000
    audit = audit_frame(frame_of(counts), ["g"], "selected")
    table = lens_table(audit, "nyc")
    shown = table[table["kind"] != HIDDEN]
    assert len(shown) > 0 and set(shown["kind"]) == {EXCLUDED}
    assert table["impact_ratio"].isna().all()
    sentences = lens_sentences(audit, "nyc", "en")
    assert "“g”: no impact ratios: every category shown is under 2% of the data, or hidden." in sentences
    assert (f"“g”: {len(shown)} categories are under 2% of the data and left out of the impact ratios; the table gives "
            "each one's n and selection rate.") in sentences


def test_nobody_selected_gives_no_impact_ratio_and_says_so():
    """With nobody selected the NYC lens lists n and rate 0 per category and no ratio; the Dutch/EU lens says no group can be shown hit harder."""
    audit = audit_frame(frame_of({"A": (300, 0), "B": (200, 0)}), ["g"], "selected")
    rows = rows_of(lens_table(audit, "nyc"), "g")
    assert {r["kind"] for r in rows.values()} == {NO_RATIO}
    assert rows["A"]["rate"] == 0 and math.isnan(rows["A"]["impact_ratio"])
    assert "“g”: nobody in the categories that count was selected, so there are no impact ratios." in lens_sentences(audit, "nyc", "en")
    assert "Nobody was selected, so these data cannot show a group being hit harder." in lens_sentences(audit, "nl", "en")


def test_huge_counts_keep_the_two_percent_boundary_exact():
    """With counts in the billions, 2% exactly counts and one person fewer is excluded (whole-number comparison, no rounding)."""
    total = 10 ** 11
    n = np.array([2 * 10 ** 9, 2 * 10 ** 9 - 1, 48 * 10 ** 9 + 1, 48 * 10 ** 9], dtype=np.int64)
    sel = np.array([n[0] // 2, n[1] - 5, n[2] // 4, n[3] // 5], dtype=np.int64)
    assert int(n.sum()) == total
    groups, _ = compare_tables_later([TableSpec("g", ["at", "under", "big", "bigger"], n, sel, False, OVERALL, 1)])
    audit = SimpleNamespace(groups=groups, rows=total, unknown={"g": 0})
    rows = rows_of(lens_table(audit, "nyc"), "g")
    assert rows["under"]["kind"] == EXCLUDED and rows["at"]["kind"] == REFERENCE
    assert rows["big"]["impact_ratio"] == pytest.approx((n[2] // 4 / n[2]) / 0.5)
    assert rows["under"]["n"] == 2 * 10 ** 9 - 1


def tiny_group_frame() -> pd.DataFrame:
    """X: 4 people, all selected (the highest rate, hidden); two rows without a group value."""
    frame = frame_of({"M": (500, 100), "F": (494, 123), "X": (4, 4)})
    frame.loc[len(frame)] = [None, 1]
    frame.loc[len(frame)] = [None, 0]
    frame["site"] = np.where(np.arange(len(frame)) % 2 == 0, "north", "south")
    return frame


def test_a_hidden_cell_is_never_printed_nor_the_reference(capsys, tmp_path):
    """A hidden category with the highest rate is never the reference, and no lens output (table, sentences, rows, CLI, JSON) gives its counts."""
    frame = tiny_group_frame()
    audit = audit_frame(frame, ["g", "site"], "selected")
    table = lens_table(audit, "nyc")
    x = rows_of(table, "g")["X"]
    assert x["kind"] == HIDDEN and all(math.isnan(x[k]) for k in ("n", "share", "selected", "rate", "impact_ratio"))
    assert rows_of(table, "g")["F"]["kind"] == REFERENCE
    assert [r for r in lens_rows(table, "g", "en") if r[0] == "X"] == [["X", "—", "—", "—", "—", "hidden"]]
    hidden_people = frame[frame["g"] == "X"]
    for sentence in lens_sentences(audit, "nyc", "en") + lens_sentences(audit, "nl", "en"):
        assert "“X”" not in sentence
    for row in lens_json(audit, "nyc", "en")["table"]:
        if row["kind"] == HIDDEN:
            assert row["n"] is None and row["selected"] is None and row["rate"] is None
    # every hidden intersection too
    hidden = audit.groups[audit.groups["hidden"] & (audit.groups["status"] != "unknown")]
    assert len(hidden) >= 1
    for r in hidden.to_dict("records"):
        got = rows_of(table, r["attribute"])[r["group"]]
        assert got["kind"] == HIDDEN
    path = tmp_path / "d.csv"
    frame.to_csv(path, index=False)
    assert main(["audit", str(path), "--group", "g", "--group", "site", "--selected", "selected", "--lens", "nyc"]) == 0
    out = capsys.readouterr().out
    lens = out.split("Legal lens:")[1]
    x_lines = [line for line in lens.splitlines() if line.strip().startswith("X")]
    assert x_lines and all(not any(ch.isdigit() for ch in line) for line in x_lines), x_lines
    assert len(hidden_people) == 4 and "1 category is hidden to protect individuals" in lens


def test_unknowns_are_counted_per_column_and_intersection():
    """People without a value are an unknown category with their count, per column and per intersection, and are said in a sentence."""
    audit = audit_frame(tiny_group_frame(), ["g", "site"], "selected")
    table = lens_table(audit, "nyc")
    unknown = table[table["kind"] == UNKNOWN]
    assert dict(zip(unknown["attribute"], unknown["n"])) == {"g": 2, "g × site": 2}
    assert "“g”: 2 people are in an unknown category (no value) and are left out of the calculations." in lens_sentences(audit, "nyc", "en")


def test_nyc_notes_set_no_threshold_and_name_four_fifths_only_as_the_eeoc_rule_of_thumb():
    """The NYC lens says LL144 sets no pass/fail threshold and mentions 0.8 only as the EEOC's rule of thumb; no sentence gives a verdict."""
    notes = " ".join(lens_notes("nyc", "en"))
    assert "sets no pass or fail threshold" in notes and "EEOC's four-fifths rule of thumb" in notes
    assert "geen grens voor geslaagd of gezakt" in " ".join(lens_notes("nyc", "nl"))


def test_dutch_eu_lens_names_the_clear_gap_and_the_dated_law():
    """The Dutch/EU lens says there is no fixed threshold, names a clearly lower group with its ratio, and cites the dated facts (AWGB, burden of proof, AI Act, GDPR art. 22)."""
    audit = audit_frame(frame_of({"M": (500, 200), "F": (500, 100)}), ["g"], "selected")
    for lang in ("en", "nl"):
        sentences = lens_sentences(audit, "nl", lang)
        for key in ("equal_treatment", "burden_of_proof", "ai_act_high_risk", "deployer_duties", "gdpr_automated"):
            assert fact(key, lang) in sentences
        assert fact("as_of", lang) in " ".join(sentences)
    en = lens_sentences(audit, "nl", "en")
    assert en[0].startswith("Dutch and EU law set no fixed threshold")
    assert any(s.startswith("“g”: selected at a clearly lower rate than “M”: “F” (impact ratio 0.50)") for s in en)
    assert lens_table(audit, "nl") is None


def test_dutch_eu_lens_does_not_call_a_chance_difference_clear():
    """A small difference is reported as no clear gap, with the warning that this is no proof of equal treatment."""
    audit = audit_frame(frame_of({"M": (100, 30), "F": (100, 27)}), ["g"], "selected")
    assert ("“g”: no group is selected at a clearly lower rate than “M”. That is no proof of equal treatment: with few "
            "people a real gap can stay unclear.") in lens_sentences(audit, "nl", "en")


def test_cli_lens_goes_into_the_json(tmp_path):
    """`recruitsim audit --lens nyc --json` writes the lens with its table (hidden numbers null), sentences and notes; the default lens is nl."""
    path = tmp_path / "d.csv"
    tiny_group_frame().to_csv(path, index=False)
    out = tmp_path / "a.json"
    assert main(["audit", str(path), "--group", "g", "--selected", "selected", "--lens", "nyc", "--json", str(out)]) == 0
    lens = json.loads(out.read_text())["lens"]
    assert lens["name"] == "nyc" and lens["sentences"] and lens["notes"]
    x = [r for r in lens["table"] if r["category"] == "X"][0]
    assert x["n"] is None and x["kind"] == "hidden"
    assert main(["audit", str(path), "--group", "g", "--selected", "selected", "--json", str(out)]) == 0
    lens = json.loads(out.read_text())["lens"]
    assert lens["name"] == "nl" and lens["table"] is None


def test_unknown_lens_is_refused(capsys, tmp_path):
    """Only the two lenses exist; another name is an error, on the command line a one-line usage error (exit 2)."""
    assert LENSES == ("nl", "nyc")
    with pytest.raises(ValueError):
        lens_notes("eu", "en")
    path = tmp_path / "d.csv"
    tiny_group_frame().to_csv(path, index=False)
    with pytest.raises(SystemExit) as exit_:
        main(["audit", str(path), "--group", "g", "--selected", "selected", "--lens", "eu"])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and err.count("\n") == 1 and "--lens" in err
