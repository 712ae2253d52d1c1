"""Ranking replays (Bloomberg 2024: which of eight equal CVs GPT ranked first, 1,000 times per job and
model): the published counts exactly, and a chi-square test of equal shares checked against scipy and
the recomputed figures in the reference notes."""

from __future__ import annotations

import contextlib
import io

import pytest
from scipy.stats import chisquare

from simulator.core.replay import Replay, ReplayRow, replay_report

# data/output/performance_ranking.csv of BloombergGraphics/2024-openai-gpt-hiring-racial-discrimination
# (Apache-2.0): the times each group's CV was ranked first, of 1,000 rankings per job and model.
BLOOMBERG = {
    ("gpt-3.5-turbo", "HR specialist"): {"H_W": 181, "A_W": 148, "W_W": 138, "B_W": 130, "B_M": 106, "H_M": 103, "A_M": 98, "W_M": 96},
    ("gpt-3.5-turbo", "software engineer"): {"W_W": 144, "H_M": 132, "A_W": 129, "A_M": 124, "H_W": 121, "B_M": 121, "W_M": 119, "B_W": 110},
    ("gpt-3.5-turbo", "retail"): {"A_W": 140, "H_W": 139, "W_W": 133, "B_M": 125, "A_M": 122, "B_W": 121, "H_M": 116, "W_M": 104},
    ("gpt-3.5-turbo", "financial analyst"): {"A_W": 172, "A_M": 146, "W_W": 132, "H_W": 129, "H_M": 124, "W_M": 121, "B_W": 100, "B_M": 76},
    ("gpt-4", "HR specialist"): {"H_W": 147, "W_M": 143, "A_W": 129, "W_W": 122, "A_M": 122, "B_W": 120, "H_M": 114, "B_M": 103},
    ("gpt-4", "software engineer"): {"H_W": 140, "W_W": 138, "A_M": 136, "H_M": 130, "B_M": 121, "B_W": 117, "W_M": 111, "A_W": 107},
    ("gpt-4", "retail"): {"H_W": 137, "W_W": 133, "A_W": 133, "B_W": 125, "A_M": 124, "B_M": 120, "W_M": 115, "H_M": 113},
    ("gpt-4", "financial analyst"): {"A_M": 139, "A_W": 132, "W_W": 132, "H_M": 132, "W_M": 130, "H_W": 120, "B_W": 113, "B_M": 102},
}
# Recomputed in ../shared/reference/llm-screening-peers-regulation.md §1: lowest impact ratio, chi-square, p.
RECOMPUTED = {
    ("gpt-3.5-turbo", "HR specialist"): (0.530, 50.19, 1.3e-8),
    ("gpt-3.5-turbo", "software engineer"): (0.764, 5.76, 0.57),
    ("gpt-3.5-turbo", "retail"): (0.743, 8.26, 0.31),
    ("gpt-3.5-turbo", "financial analyst"): (0.442, 46.06, 8.5e-8),
    ("gpt-4", "HR specialist"): (0.701, 11.78, 0.11),
    ("gpt-4", "software engineer"): (0.764, 9.12, 0.24),
    ("gpt-4", "retail"): (0.825, 4.34, 0.74),
    ("gpt-4", "financial analyst"): (0.734, 8.53, 0.29),
}


def _replay(ranking=True) -> Replay:
    rows = [ReplayRow({"en": g, "nl": g}, 1000, top, f"{model} {job}")
            for (model, job), counts in BLOOMBERG.items() for g, top in counts.items()]
    return Replay({"en": "Bloomberg 2024", "nl": "Bloomberg 2024"}, {"en": "ranked first", "nl": "eerst"}, rows,
                  ranking=ranking)


def test_the_published_counts_are_whole_rankings():
    """Every job × model cell holds 1,000 rankings: its eight first places add up to 1,000."""
    assert all(sum(counts.values()) == 1000 and len(counts) == 8 for counts in BLOOMBERG.values())


@pytest.mark.parametrize("cell", list(BLOOMBERG))
def test_equal_shares_test_per_cell_matches_scipy_and_the_reference(cell):
    """Each cell's test of equal shares is scipy's chi-square goodness of fit against 125 each (7 df),
    and its lowest impact ratio and test match the figures recomputed in the reference notes."""
    report = replay_report(_replay(), "en")
    result = report.equal_shares[f"{cell[0]} {cell[1]}"]
    expected = chisquare(list(BLOOMBERG[cell].values()), [125] * 8)
    assert result["chi2"] == pytest.approx(expected.statistic) and result["p_value"] == pytest.approx(expected.pvalue)
    assert result["df"] == 7
    ratio, chi2, p = RECOMPUTED[cell]
    assert result["lowest_impact_ratio"] == pytest.approx(ratio, abs=0.0005)
    assert result["chi2"] == pytest.approx(chi2, abs=0.005)
    assert result["p_value"] == pytest.approx(p, rel=0.05)


def test_seven_cells_below_the_line_only_two_clear():
    """The clash the audit's critics raised: 7 of 8 cells fall below 0.8, only 2 show unequal shares."""
    summary = replay_report(_replay(), "en").ranking_summary()
    assert summary == {"strata": 8, "below_four_fifths": 7, "significant": 2}


def test_a_replay_that_is_not_a_ranking_has_no_share_test():
    """Callback replays (each CV judged on its own) get no equal-shares test."""
    report = replay_report(_replay(ranking=False), "en")
    assert report.equal_shares == {} and report.ranking_summary() is None


def test_a_ranking_replay_in_a_scenario_file_is_read_written_and_reported(tmp_path, capsys):
    """`ranking = true` in a scenario's [replay] survives a save and reload, and `recruitsim run` prints
    one row per cell (its lowest ratio, below 0.8, its test) and the summary (7 of 8 below the line,
    2 of 8 clear), without a pooled table or a CMH sentence over the two models; in the JSON too."""
    import json

    from simulator import cli
    from simulator.core.scenario import dumps, load

    scenario = load("names-us")
    scenario.replay = _replay()
    scenario.claims, scenario.focus = [], None
    path = tmp_path / "ranking.toml"
    path.write_text(dumps(scenario), encoding="utf-8")
    assert load(path).replay.ranking
    out = tmp_path / "r.json"
    assert cli.main(["run", str(path), "--size", "500", "--json", str(out)]) == 0
    text = capsys.readouterr().out
    row = next(line.split() for line in text.splitlines() if line.strip().startswith("gpt-3.5-turbo HR specialist"))
    assert row[3:] == ["H_W", "(18.1%)", "W_M", "(9.6%)", "0.53", "yes", "50.19", "(7)", "p", "<", "0.001"]
    assert "7 of 8 strata fall below the 0.8 line; 2 of 8 show shares that differ beyond chance" in text
    assert "Mantel–Haenszel" not in text.split("Verdict")[0] and "[all]" not in text
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["replays"][0] == data["replay"] and "groups" not in data["replay"]
    assert data["replay"]["ranking_summary"] == {"strata": 8, "below_four_fifths": 7, "significant": 2}


def test_the_study_view_shows_the_tests_of_equal_shares(qtbot, window, tmp_path):
    """The Study view of a ranking replay shows one row per cell (the table the command line prints)
    and the summary, with no pooled rows mixing the two models."""
    from conftest import wait_for_run

    from simulator.core.replay import ranking_summary_sentence, ranking_table
    from simulator.core.scenario import dumps, load

    scenario = load("names-us")
    scenario.replay = _replay()
    scenario.claims, scenario.focus = [], None
    path = tmp_path / "ranking.toml"
    path.write_text(dumps(scenario), encoding="utf-8")
    wait_for_run(qtbot, window, lambda: window.load_scenario(str(path)))
    view = window.view("study")
    window.tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: view.notes is not None and "0.8 line" in view.notes.text(), timeout=10000)
    headers, rows = ranking_table(window.controller.scenario.replay, view.report, "en")
    table = view.table
    assert table.rowCount() == len(rows) == 8
    shown = [table.item(r, c).text().replace("\n", " ") for r in range(8) for c in range(len(headers))]
    assert shown == [c for row in rows for c in row]
    assert ranking_summary_sentence(view.report, "en").replace("<", "&lt;") in view.notes.text()


def test_a_replay_citation_can_be_given_per_language(tmp_path):
    """A citation written { en, nl } is shown in the reader's language by the command line, and a
    citation that is neither a text nor such a table is refused with its path."""
    from simulator import cli
    from simulator.core.scenario import ScenarioError, dumps, from_dict, load, to_dict

    data = to_dict(load("dutch-names"))
    data["replay"]["citation"] = {"en": "Published in 2015.", "nl": "Verschenen in 2015."}
    scenario = from_dict(data)
    path = tmp_path / "cited.toml"
    path.write_text(dumps(scenario), encoding="utf-8")
    for lang, expected in (("en", "Published in 2015."), ("nl", "Verschenen in 2015.")):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert cli.main(["run", str(path), "--size", "2000", "--lang", lang]) == 0
        assert expected in out.getvalue()
    data["replay"]["citation"] = 42
    with pytest.raises(ScenarioError, match=r"replay\.citation"):
        from_dict(data)
