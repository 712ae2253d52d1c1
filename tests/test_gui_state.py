"""The one observable configuration (gui/state.py): undo and redo of every editor change, sliders
that re-run while dragged, and widgets that do not echo their own edits."""

from PySide6.QtCore import Qt

from conftest import wait_for_run
from simulator.core.scenario import dumps


def undo(qtbot, window):
    wait_for_run(qtbot, window, window.undo_action.trigger)


def redo(qtbot, window):
    wait_for_run(qtbot, window, window.redo_action.trigger)


def test_undo_and_redo_every_kind_of_edit(qtbot, window):
    """Pool size, a rule switched off and a rule parameter: Edit ▸ Undo takes each back in turn
    (scenario, editors and run), and Redo does them again."""
    c, editor, pool = window.controller, window.pipeline_editor, window.pool_panel
    original = dumps(c.scenario)
    assert not window.undo_action.isEnabled()
    wait_for_run(qtbot, window, lambda: pool.size.setValue(3000))
    wait_for_run(qtbot, window, lambda: editor.set_rule_enabled(0, 1, False))
    editor.select(0, 1)
    wait_for_run(qtbot, window, lambda: editor.form.widgets["knockout_months"].setValue(24))
    changed = dumps(c.scenario)
    assert window.undo_action.text() == "Undo: Gap penalty changed"
    undo(qtbot, window)
    assert c.scenario.pipeline.stages[0].rules[1].knockout_months == 6
    assert editor.form.widgets["knockout_months"].value() == 6
    assert window.undo_action.text() == "Undo: switch off gap penalty on past gaps: reject above 6 months"
    undo(qtbot, window)
    assert c.scenario.pipeline.stages[0].rules[1].enabled
    assert editor.item_for(0, 1).checkState(0) == Qt.CheckState.Checked
    undo(qtbot, window)
    assert pool.size.value() == 5000 and len(c.result.pool) == 5000
    assert dumps(c.scenario) == original and not window.undo_action.isEnabled()
    for _ in range(3):
        redo(qtbot, window)
    assert dumps(c.scenario) == changed and len(c.result.pool) == 3000
    assert not c.scenario.pipeline.stages[0].rules[1].enabled


def test_remove_says_how_to_undo_and_undo_brings_it_back(qtbot, window):
    """Removing a rule tells the user Ctrl+Z brings it back, and it does, in its place."""
    c, editor = window.controller, window.pipeline_editor
    original = dumps(c.scenario)
    editor.select(1, 1)
    wait_for_run(qtbot, window, lambda: qtbot.mouseClick(editor.remove, Qt.MouseButton.LeftButton))
    assert [r.kind for r in c.scenario.pipeline.stages[1].rules] == ["weighted_score", "gap_penalty"]
    assert "Ctrl+Z" in window.statusBar().currentMessage()
    undo(qtbot, window)
    assert dumps(c.scenario) == original
    assert editor.tree.topLevelItem(1).childCount() == 3


def test_undo_names_the_step_in_dutch(qtbot, window):
    """In Dutch the Edit menu and its Undo step are Dutch, also for a step made in English."""
    editor = window.pipeline_editor
    wait_for_run(qtbot, window, lambda: editor.set_rule_enabled(0, 0, False))
    window.language_actions["nl"].trigger()
    assert window.edit_menu.title() == "&Bewerken"
    assert window.undo_action.text().startswith("Ongedaan maken: ")
    assert "uitzetten" in window.undo_action.text()


def test_a_slider_drag_runs_live_and_is_one_undo_step(qtbot, window):
    """Dragging the top-share slider starts a run at once (no waiting for a pause), the spin box
    follows, the last position is what runs, and the whole drag is one undo step."""
    c, editor = window.controller, window.pipeline_editor
    editor.select(1, 0)
    slider, spin = editor.form.sliders["top_share"], editor.form.widgets["top_share"]
    assert not slider.isHidden() and slider.value_at(slider.maximum()) == 1.0
    steps = c.state.undo_stack.count()
    slider.setSliderDown(True)
    slider.setValue(slider.value() + 10)
    assert c._task is not None and not c._timer.isActive()  # live: the run started without a pause
    for _ in range(5):
        slider.setValue(slider.value() + 4)
    final = slider.value_at(slider.value())
    assert spin.value() == final
    with qtbot.waitSignal(c.result_ready, timeout=20000, check_params_cb=lambda r: (
            r.scenario.pipeline.stages[1].rules[0].top_share == final)):
        pass
    slider.setSliderDown(False)
    assert c.state.undo_stack.count() == steps + 1
    slider.setValue(slider.value() - 20)  # a new drag (by keyboard) is a step of its own
    c.wait()
    assert c.state.undo_stack.count() == steps + 2


def test_threshold_slider_range_comes_from_the_run(qtbot, window):
    """A score threshold's slider covers the scores the stage gave in the run (whole numbers)."""
    c, editor = window.controller, window.pipeline_editor
    editor.select(1, 0)
    wait_for_run(qtbot, window, lambda: editor.form.optional["top_share"].setChecked(False))
    wait_for_run(qtbot, window, lambda: editor.form.optional["threshold"].setChecked(True))
    low, high = c.result.outcome.slider_range(1, "score")
    slider = editor.form.sliders["threshold"]
    assert not slider.isHidden() and slider.value_at(0) == low and slider.value_at(slider.maximum()) == high
    scores = c.result.outcome.scores[c.result.outcome.reached(1), 1]
    assert low == int(low) and high == int(high)
    assert ((scores >= low) & (scores <= high)).mean() >= 0.98  # all but the extremes of the run


def test_an_editor_does_not_echo_its_own_edit(qtbot, window):
    """The pool panel's own edit does not refill the pool panel; an undo does."""
    pool = window.pool_panel
    refills = []
    original = pool.refresh
    pool.refresh = lambda *a: (refills.append(1), original(*a))
    wait_for_run(qtbot, window, lambda: pool.seed.setValue(77))
    assert refills == []
    undo(qtbot, window)
    assert refills and pool.seed.value() == window.controller.scenario.pool.seed


def test_no_two_menu_actions_share_a_shortcut(window):
    """Every keyboard shortcut of the menus does one thing (Ctrl+E was once both Export and Editors)."""
    seen = {}
    for action in window.findChildren(type(window.undo_action)):
        for key in action.shortcuts():
            text = key.toString()
            assert text not in seen, (text, seen.get(text), action.text())
            seen[text] = action.text()
    assert {"Ctrl+Z", "Ctrl+Y", "Ctrl+E", "Ctrl+P"} <= set(seen)
