"""The rule editors in a recruiter's words: the learned model's features as a checklist by kind,
weights, past bias and callback factors as small tables with translated names, groups ticked by
name, and jargon explained under the field."""

from PySide6.QtCore import Qt

from conftest import wait_for_run
from simulator.core.rules.features import FEATURE_KINDS, FEATURE_NAMES
from simulator.core.rules.learned_model import MODEL_FEATURES
from simulator.core.rules.params import Factors, Shifts, Weights


def open_rule(qtbot, window, scenario: str, kind: str):
    """Load ``scenario`` and select its first rule of ``kind``; the rule's (stage, index)."""
    wait_for_run(qtbot, window, lambda: window.load_scenario(scenario), timeout=60000)
    for s, stage in enumerate(window.controller.scenario.pipeline.stages):
        for r, rule in enumerate(stage.rules):
            if rule.kind == kind:
                window.pipeline_editor.select(s, r)
                return s, r
    raise AssertionError(f"{scenario} has no {kind} rule")


def heading(tree, text):
    return next(tree.topLevelItem(i) for i in range(tree.topLevelItemCount()) if tree.topLevelItem(i).text(0) == text)


def test_every_feature_has_exactly_one_kind():
    """The checklist's headings cover every CV feature once, so no feature is hidden or listed twice."""
    listed = [f for names in FEATURE_KINDS.values() for f in names]
    assert sorted(listed) == sorted(FEATURE_NAMES)


def test_feature_checklist_heading_removes_its_features_in_one_step(qtbot, window):
    """Clearing the "Name and postcode" heading drops both proxies from the model in one run and
    one undo step; every other feature stays, and the run uses the new feature list."""
    s, r = open_rule(qtbot, window, "biased-history", "learned_model")
    tree = window.pipeline_editor.form.widgets["features"]
    assert [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())] == [
        "What the job asks for", "Career path and diplomas", "Name and postcode", "Hobbies", "Wording"]
    steps = window.controller.state.undo_stack.count()
    wait_for_run(qtbot, window, lambda: heading(tree, "Name and postcode").setCheckState(0, Qt.CheckState.Unchecked),
                 timeout=60000)
    rule = window.controller.scenario.pipeline.stages[s].rules[r]
    assert rule.features == [f for f in MODEL_FEATURES if f not in ("name_non_dutch", "concentration_postcode")]
    assert window.controller.state.undo_stack.count() == steps + 1
    assert window.controller.result.scenario.pipeline.stages[s].rules[r].features == rule.features


def test_past_bias_table_shows_group_names_and_edits_the_rule(qtbot, show_window):
    """In Dutch the past-bias table names groups in Dutch (not woman=-0.5), numbers read 0,50, and a
    changed shift and a removed row reach the rule; SD is explained under the field."""
    from simulator.gui.app import create_window

    window = show_window(create_window("nl", "cv-gap"))
    s, r = open_rule(qtbot, window, "biased-history", "learned_model")
    form = window.pipeline_editor.form
    rows = form.widgets["history_bias"]
    names = [rows.table.cellWidget(i, 0).currentText() for i in range(rows.table.rowCount())]
    assert names == ["vrouwen", "geboren in NL, ouder buiten NL geboren", "geboren buiten Nederland"]
    assert rows.table.cellWidget(0, 1).text() == "-0,50"
    assert "standaarddeviatie" in form.findChild(type(form.heading), "help_history_bias").text()
    wait_for_run(qtbot, window, lambda: rows.table.cellWidget(0, 1).setValue(-1.0), timeout=60000)
    bias = window.controller.scenario.pipeline.stages[s].rules[r].history_bias
    assert bias == {"gender": {"woman": -1.0}, "origin": {"second_gen": -0.35, "born_abroad": -0.5}}
    wait_for_run(qtbot, window, lambda: rows.remove_row(1), timeout=60000)
    bias = window.controller.scenario.pipeline.stages[s].rules[r].history_bias
    assert bias == {"gender": {"woman": -1.0}, "origin": {"born_abroad": -0.5}}
    window.controller.wait()


def test_weights_table_adds_a_row_and_refuses_a_feature_twice(qtbot, window):
    """Adding a row adds the first unused feature with 1 point; choosing a feature already listed is
    refused with a message naming it, and the rule keeps its weights."""
    s, r = open_rule(qtbot, window, "cv-gap", "weighted_score")
    form = window.pipeline_editor.form
    rows = form.widgets["weights"]
    wait_for_run(qtbot, window, rows.add_row)
    rule = window.controller.scenario.pipeline.stages[s].rules[r]
    assert rule.weights == {"education": 2.0, "experience_years": 0.5, "skills_count": 3.0, "dutch_level": 1.0}
    combo = rows.table.cellWidget(3, 0)
    combo.setCurrentIndex(combo.findText("education level"))
    assert "education is listed twice" in form.error.text()
    assert window.controller.scenario.pipeline.stages[s].rules[r].weights == rule.weights


def test_group_picker_ticks_groups_by_name(qtbot, window):
    """A knock-out's "only for" is ticked by group name: nothing ticked applies to everyone, ticking
    women limits the rule to women."""
    s, r = open_rule(qtbot, window, "cv-gap", "knockout")
    form = window.pipeline_editor.form
    picker = form.widgets["only_for"]
    assert window.controller.scenario.pipeline.stages[s].rules[r].only_for is None
    wait_for_run(qtbot, window, lambda: picker.boxes["woman"].setChecked(True))
    only_for = window.controller.scenario.pipeline.stages[s].rules[r].only_for
    assert (only_for.attribute, only_for.values) == ("gender", ["woman"])
    assert not form.error.text()


def test_table_kinds_give_back_the_value_they_show():
    """Rows shown for weights, past bias and factors turn back into exactly the value they came from."""
    weights = {"education": 2.0, "skills_count": 3.0}
    assert Weights(FEATURE_NAMES).from_rows(Weights(FEATURE_NAMES).rows(weights)) == weights
    shifts = {"gender": {"woman": -0.5}, "origin": {"born_abroad": -0.25}}
    assert Shifts().from_rows(Shifts().rows(shifts)) == shifts
    assert Shifts(shown_when_empty=shifts).from_rows(Shifts(shown_when_empty=shifts).rows(None)) is None
    factors = [{"when": {"gender": ["woman"], "parent": ["yes"]}, "factor": 0.48}]
    assert Factors().from_rows(Factors().rows(factors)) == factors
    assert Factors().row_label(Factors().rows(factors)[0][0], "en") == "women & parents of young children"


def test_learned_model_labels_have_no_bare_jargon(qtbot, window):
    """The learned model's form explains C and SD in words under the fields, in the form itself."""
    open_rule(qtbot, window, "biased-history", "learned_model")
    form = window.pipeline_editor.form
    label = form.findChild(type(form.heading), "label_regularisation")
    assert label.text() == "How closely the model follows the past (C)"
    assert form.findChild(type(form.heading), "label_history_bias").text() == "How past recruiters judged groups"
    notes = {name: form.findChild(type(form.heading), f"help_{name}") for name in ("regularisation", "history_bias")}
    assert "Smaller values keep the model simple" in notes["regularisation"].text()
    assert "standard deviation" in notes["history_bias"].text()


def test_the_ai_screener_form_lists_only_what_its_mode_and_prompt_read(qtbot, window):
    """In batches the form shows batch size, picks and the first-listed bonus, not the one-by-one share;
    choosing 'one by one' swaps them, and the 'ignore' prompt shows its mitigation share."""
    open_rule(qtbot, window, "ai-assistant", "ai_screener")
    form = window.pipeline_editor.form

    def shown(name):
        return not form.widgets[name].isHidden() and form.form.isRowVisible(form.rows[name][0])
    assert shown("batch_size") and shown("first_listed") and not shown("share") and not shown("mitigation")
    mode = form.widgets["mode"]
    wait_for_run(qtbot, window, lambda: mode.setCurrentIndex(mode.findData("one_by_one")), timeout=60000)
    form = window.pipeline_editor.form
    assert shown("share") and not shown("batch_size") and not shown("first_listed") and not shown("reverse_order")
    prompt = form.widgets["prompt"]
    wait_for_run(qtbot, window, lambda: prompt.setCurrentIndex(prompt.findData("ignore_demographics")), timeout=60000)
    form = window.pipeline_editor.form
    assert shown("mitigation")
    assert window.controller.scenario.pipeline.stages[0].rules[0].mode == "one_by_one"
