"""Views with nothing to show say so in one line instead of showing empty frames, and freezing a
run as A says so whichever view is open."""

from conftest import wait_for_run


def test_compare_says_how_then_same_then_shows_tables(qtbot, window):
    """Compare without A is one line with no tables; A frozen and nothing changed says A and B are
    the same (with A's count); after a change the tables appear with the flipped candidates."""
    compare = window.view("compare")
    window.tabs.setCurrentWidget(compare)
    qtbot.waitUntil(lambda: compare.status.text() != "")
    assert compare.status.text().startswith("Freeze the current run as A")
    assert not compare.split.isVisible()
    window._freeze()
    qtbot.waitUntil(lambda: "same run" in compare.status.text())
    selected = int(window.controller.result.outcome.selected.sum())
    assert f"both select {selected:,}" in compare.status.text()
    assert not compare.split.isVisible()
    wait_for_run(qtbot, window, lambda: window.pipeline_editor.set_rule_enabled(0, 1, False))
    qtbot.waitUntil(compare.split.isVisible)
    assert compare.flips.rowCount() == min(len(compare.data().flipped), 500) > 0


def test_freezing_says_so_outside_compare(qtbot, window):
    """Ctrl+F on the Funnel tab puts a status message naming A's selected count and Compare."""
    window.tabs.setCurrentWidget(window.view("funnel"))
    window._freeze()
    message = window.statusBar().currentMessage()
    selected = int(window.controller.result.outcome.selected.sum())
    assert f"frozen as A (it selects {selected:,})" in message and "Compare" in message


def test_study_without_a_replay_is_one_line(qtbot, window):
    """cv-gap replays no study: the Study view shows its one-line pointer to the scenarios that do,
    and no empty table."""
    study = window.view("study")
    window.tabs.setCurrentWidget(study)
    qtbot.waitUntil(lambda: study.heading.text() != "")
    assert not study.table.isVisible()
    assert "‘" in study.heading.text()
