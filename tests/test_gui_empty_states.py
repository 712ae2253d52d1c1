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
    assert not study.scroll.isVisible() and study.sections == []
    assert "‘" in study.heading.text()


def test_window_layout_is_remembered(qtbot, show_window, tmp_path):
    """A window's size, hidden editors and open view come back in the next window."""
    from PySide6.QtCore import QSettings

    from simulator.gui.app import create_window

    settings = QSettings(str(tmp_path / "recruitsim.ini"), QSettings.Format.IniFormat)
    first = show_window(create_window("en", "cv-gap"))
    first.resize(1300, 707)
    first.split.setSizes([300, 1000])
    first.tabs.setCurrentWidget(first.view("rates"))
    first.show_editors(False)
    first.save_layout(settings)
    settings.sync()
    second = show_window(create_window("en", "cv-gap"))
    second.restore_layout(QSettings(str(tmp_path / "recruitsim.ini"), QSettings.Format.IniFormat))
    assert second.height() == 707  # the width is clamped to the (800 px offscreen) screen, as on a small laptop
    assert second.width() == 1300 or second.width() >= second.screen().availableGeometry().width() - 10
    assert second.tabs.currentWidget() is second.view("rates")
    assert not second.editors_action.isChecked() and not second.left.isVisible()
