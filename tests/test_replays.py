"""Several replayed studies in one scenario: `[[replay]]` beside the one-study `[replay]`, read, checked
with the field's path, written back, printed by `recruitsim run` and shown in the Study view."""

from __future__ import annotations

import json

import pytest

from simulator.core.scenario import ScenarioError, dumps, from_dict, load, to_dict

TWO = [
    {"study": {"en": "Study one", "nl": "Onderzoek een"}, "outcome": {"en": "callback", "nl": "reactie"},
     "citation": "First (2020).",
     "rows": [{"group": {"en": "group a", "nl": "groep a"}, "n": 100, "selected": 40},
              {"group": {"en": "group b", "nl": "groep b"}, "n": 100, "selected": 20}]},
    {"study": {"en": "Study two", "nl": "Onderzoek twee"}, "outcome": {"en": "ranked first", "nl": "eerst gekozen"},
     "ranking": True, "citation": "Second (2024).",
     "rows": [{"group": {"en": "original CV", "nl": "origineel cv"}, "n": 60, "selected": 45},
              {"group": {"en": "changed CV", "nl": "aangepast cv"}, "n": 60, "selected": 15}]},
]


def _with_replays(replays):
    data = to_dict(load("cv-gap"))
    data["replay"] = replays
    return data


def test_several_replays_are_read_and_the_first_stays_scenario_replay():
    """`[[replay]]` gives Scenario.replays in file order; Scenario.replay is the first of them."""
    scenario = from_dict(_with_replays(TWO))
    assert [r.citation for r in scenario.replays] == ["First (2020).", "Second (2024)."]
    assert scenario.replay is scenario.replays[0] and scenario.replays[1].ranking


def test_one_replay_table_loads_as_before_and_is_written_as_one_table():
    """A file with one `[replay]` table reads as one replay and is written back as one table, not a list."""
    scenario = load("dutch-names")
    assert len(scenario.replays) == 1
    assert isinstance(to_dict(scenario)["replay"], dict)
    assert to_dict(from_dict(to_dict(scenario))) == to_dict(scenario)


def test_several_replays_survive_a_save_and_reload(tmp_path):
    """Written as `[[replay]]` and read back, two replays keep every field."""
    scenario = from_dict(_with_replays(TWO))
    path = tmp_path / "two.toml"
    path.write_text(dumps(scenario), encoding="utf-8")
    again = load(path)
    assert "[[replay]]" in path.read_text(encoding="utf-8")
    assert to_dict(again)["replay"] == to_dict(scenario)["replay"] and len(again.replays) == 2


@pytest.mark.parametrize("edit, where, words", [
    (lambda r: r[1]["rows"][0].update(n=-1), "replay[1].rows[0].n", "at least 1"),
    (lambda r: r[1].update(ranking="yes"), "replay[1].ranking", "true or false"),
    (lambda r: r[0].update(study=None), "replay[0].study", "is required"),
    (lambda r: r[1].update(rows=r[1]["rows"][:1]), "replay[1].rows", "at least two [[replay.rows]]"),
    (lambda r: r.clear(), "replay", "at least one [[replay]]"),
    (lambda r: r.extend([r[0]] * 20), "replay", "at most 20"),
])
def test_a_mistake_in_one_of_several_replays_names_its_path(edit, where, words):
    """A wrong field in the second replay is reported as replay[1]…, with what is wrong."""
    replays = json.loads(json.dumps(TWO))
    edit(replays)
    with pytest.raises(ScenarioError) as info:
        from_dict(_with_replays(replays), "x.toml")
    assert f"x.toml: {where}:" in str(info.value) and words in str(info.value)


def test_run_prints_and_lists_every_replay(tmp_path, capsys):
    """`recruitsim run` prints a section per replay (the callback table, then the ranking table) and the
    JSON lists both under `replays`."""
    from simulator import cli

    path = tmp_path / "two.toml"
    scenario = from_dict(_with_replays(TWO))
    path.write_text(dumps(scenario), encoding="utf-8")
    out = tmp_path / "r.json"
    assert cli.main(["run", str(path), "--size", "300", "--json", str(out)]) == 0
    text = capsys.readouterr().out
    assert text.index("Published study: Study one") < text.index("Published study: Study two")
    assert "First (2020)." in text and "Second (2024)." in text
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [r["study"] for r in data["replays"]] == ["Study one", "Study two"]
    assert data["replays"][1]["ranking_summary"] == {"strata": 1, "below_four_fifths": 1, "significant": 1}


def test_the_study_view_has_one_section_per_replay(qtbot, window, tmp_path):
    """The Study view shows each replay in its own section, the ranking one as its one-row table, and
    drops the sections again for a scenario with one replay."""
    from conftest import wait_for_run

    path = tmp_path / "two.toml"
    path.write_text(dumps(from_dict(_with_replays(TWO))), encoding="utf-8")
    wait_for_run(qtbot, window, lambda: window.load_scenario(str(path)))
    view = window.view("study")
    window.tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: len(view.sections) == 2, timeout=10000)
    first, second = view.sections
    assert "Study one" in first.heading.text() and "Study two" in second.heading.text()
    assert first.table.rowCount() == 2  # no strata: the two groups, pooled
    assert second.table.rowCount() == 1 and second.table.item(0, 0).text() == "all"
    assert second.table.item(0, 1).text() == "original CV\n(75.0%)" and "0.8 line" not in second.notes.text()
    wait_for_run(qtbot, window, lambda: window.load_scenario("dutch-names"))
    qtbot.waitUntil(lambda: len(view.sections) == 1, timeout=10000)
