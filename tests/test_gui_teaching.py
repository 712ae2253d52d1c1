"""Facilitator walk-through, before/after, practice challenges and the quiz, through the real widgets."""

import pytest
from PySide6.QtCore import Qt

from conftest import wait_for_run

from simulator.core.progress import Progress
from simulator.gui.controller import Controller
from simulator.gui.main_window import MainWindow
from simulator.gui.practice import QuizDialog


@pytest.fixture
def window(show_window, tmp_path):
    w = MainWindow(Controller("en", session_dir=tmp_path / "sessions", progress_path=tmp_path / "progress.json"))
    w.load_scenario("cv-gap")
    w.controller.wait()  # runs happen in a worker
    yield show_window(w)
    w.controller.wait()
    w.close()


def test_walkthrough_steps_reveal_and_undo(qtbot, window):
    """Space steps forward (answers hidden until revealed), a rule step re-runs, and going back undoes it."""
    window.toggle_presentation(True)
    bar = window.walkthrough
    assert bar.isVisible()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_Space)  # step 1: say
    qtbot.keyClick(window, Qt.Key.Key_Space)  # step 2: funnel by gender
    assert window.tabs.currentWidget().key == "funnel"
    qtbot.keyClick(window, Qt.Key.Key_Space)  # step 3: a question
    assert "Press Space to reveal" in bar.text.text()
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert "care" in bar.text.text() and bar.index == 2
    bar.forward()  # intersections
    bar.forward()  # highlight: the live number for mothers
    assert "impact ratio 0.5" in bar.text.text() and "95%" in bar.text.text()
    bar.forward()  # freeze
    bar.forward()  # switch the rule off
    window.controller.wait()
    rule = window.controller.scenario.pipeline.stages[0].rules[1]
    assert not rule.enabled and window.controller.frozen is not None
    assert window.controller.result.outcome.rule(1).enabled is False
    qtbot.keyClick(window, Qt.Key.Key_Backspace)
    window.controller.wait()
    assert window.controller.scenario.pipeline.stages[0].rules[1].enabled
    assert window.controller.result.outcome.rule(1).enabled
    bar.back()  # undo the freeze
    assert window.controller.frozen is None


def test_before_after_is_one_key_away(qtbot, window):
    """B shows the scenario's 'after' beside 'before' in Compare; B again goes back."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.tabs.setCurrentIndex(0)
    qtbot.keyClick(window.tabs, Qt.Key.Key_B)
    window.controller.wait()
    assert window.tabs.currentWidget().key == "compare"
    assert not window.controller.scenario.pipeline.stages[0].rules[1].enabled
    comparison = window.tabs.currentWidget().data()
    assert comparison.same_pool and len(comparison.flipped) > 0
    qtbot.keyClick(window.tabs, Qt.Key.Key_B)
    assert window.controller.scenario.pipeline.stages[0].rules[1].enabled


def test_typing_b_in_a_text_field_is_not_a_shortcut(qtbot, window):
    """Letters typed into a text field go into the field, not to the before/after key."""
    field = window.view("review").participant
    window.tabs.setCurrentWidget(window.view("review"))
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    field.setFocus()
    qtbot.keyClicks(field, "Bob")
    assert field.text() == "Bob"
    assert window.controller.scenario.pipeline.stages[0].rules[1].enabled


def test_challenge_checked_live_and_progress_saved(qtbot, window, tmp_path):
    """The challenge's goals show ✘ by default; switching off the past-gap rule meets them and saves progress."""
    practice = window.practice
    window.editor_tabs.setCurrentWidget(practice)
    qtbot.waitUntil(lambda: "✘" in practice.body.text())
    wait_for_run(qtbot, window, lambda: window.pipeline_editor.set_rule_enabled(0, 1, False))
    assert "Challenge met" in practice.body.text() and "✘" not in practice.body.text()
    assert Progress(tmp_path / "progress.json").challenge_done("cv-gap", "fair-shortlist")
    assert "challenges met 1" in practice.summary.text()
    wait_for_run(qtbot, window, lambda: window.pipeline_editor.set_rule_enabled(0, 1, True))  # not met any more
    assert "★" in practice.body.text()  # met once: still counted in the progress
    qtbot.mouseClick(practice.reset_button, Qt.MouseButton.LeftButton)
    assert not Progress(tmp_path / "progress.json").challenge_done("cv-gap", "fair-shortlist")
    assert "challenges met 0" in practice.summary.text() and "★" not in practice.body.text()


def test_progress_saved_while_practice_tab_is_hidden(qtbot, window, tmp_path):
    """Meeting a challenge while another tab is shown is still saved, right after the redraw."""
    window.editor_tabs.setCurrentIndex(0)
    wait_for_run(qtbot, window, lambda: window.pipeline_editor.set_rule_enabled(0, 1, False))
    qtbot.waitUntil(lambda: Progress(tmp_path / "progress.json").challenge_done("cv-gap", "fair-shortlist"))


def test_quiz_explains_and_records(qtbot, window, tmp_path):
    """A wrong answer is explained and recorded; the score shows in the practice summary."""
    sc = window.controller.scenario
    dialog = QuizDialog(sc, window.practice.progress, "nl", window)
    qtbot.addWidget(dialog)
    wrong = next(k for k in range(len(sc.quiz[0].options)) if k != sc.quiz[0].answer)
    dialog.choose(wrong)
    assert dialog.check() is False
    assert "Niet helemaal" in dialog.explanation.text() and "effect" in dialog.explanation.text()
    dialog.next()
    dialog.choose(sc.quiz[1].answer)
    assert dialog.check() is True
    assert Progress(tmp_path / "progress.json").quiz_score("cv-gap") == (1, 2)


def test_walkthrough_shows_the_highlighted_group_and_what_a_switch_changed(qtbot, window):
    """A highlight step opens the chart that holds its group (cv-gap: the gender × parent grid), and
    after a rule step the bar states the focus measure from run A to now."""
    bar = window.walkthrough
    window.show_walkthrough(True)
    steps = window.controller.scenario.walkthrough
    highlight = next(k for k, s in enumerate(steps) if s.action == "highlight")
    while bar.index < highlight:
        bar.forward()
    window.controller.wait()
    grid = window.view("intersections")
    assert window.tabs.currentWidget() is grid
    assert (grid.rows_chooser.attribute(), grid.cols_chooser.attribute()) == ("gender", "parent")
    rule_step = next(k for k, s in enumerate(steps) if s.action == "rule")
    while bar.index < rule_step:
        bar.forward()
    window.controller.wait()
    bar.show_step()
    assert "→" in bar.text.text() and "women" in bar.text.text()


def test_b_after_undo_shows_the_after_again(qtbot, window):
    """B, then Ctrl+Z (the "after" taken back), then B again shows the "after" again instead of
    switching to a "before" that is already on screen."""
    rule = lambda: window.controller.scenario.pipeline.stages[0].rules[1]  # noqa: E731
    wait_for_run(qtbot, window, window.walkthrough.toggle_before_after)
    assert not rule().enabled and window.walkthrough.after_shown()
    wait_for_run(qtbot, window, window.undo_action.trigger)
    assert rule().enabled and not window.walkthrough.after_shown()
    wait_for_run(qtbot, window, window.walkthrough.toggle_before_after)
    assert not rule().enabled and window.walkthrough.after_shown()
    wait_for_run(qtbot, window, window.walkthrough.toggle_before_after)
    assert rule().enabled
