"""The desktop app, driven through its real widgets with pytest-qt (headless)."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from simulator.core.scenario import builtin_ids
from simulator.gui.style import STYLE


from conftest import wait_for_run  # noqa: E402


def test_opens_with_default_scenario_run(window):
    """`recruitsim` opens with the default scenario already run and a verdict shown."""
    assert window.controller.result is not None
    assert window.controller.scenario.id == "cv-gap"
    findings = window.controller.result.measurement.findings
    assert window.verdict.text() == findings.headline_sentences("en")[0]
    assert "selected" in window.verdict.text()


@pytest.mark.parametrize("sid", builtin_ids())
def test_loads_each_builtin_scenario(qtbot, window, sid):
    """Every built-in scenario loads and runs in the window, and every view draws it."""
    wait_for_run(qtbot, window, lambda: window.load_scenario(sid))
    assert window.controller.scenario.id == sid
    for i, view in enumerate(window.views):
        window.tabs.setCurrentIndex(i)
        assert not view._dirty, view.key


def test_switching_off_a_rule_changes_the_views(qtbot, window):
    """Unticking the past-gap rule in the pipeline tree re-runs and raises mothers' rate in the views."""
    window.tabs.setCurrentIndex(1)
    rates = window.views[1]
    rates.chooser.setCurrentIndex(rates.chooser.attributes.index("parent"))
    before = rates.data().set_index("group").loc["yes", "rate"]
    wait_for_run(qtbot, window, lambda: window.pipeline_editor.set_rule_enabled(0, 1, False))
    after = rates.data().set_index("group").loc["yes", "rate"]
    assert after > before + 0.03
    assert not window.controller.scenario.pipeline.stages[0].rules[1].enabled


def test_editing_a_rule_parameter_through_the_form(qtbot, window):
    """Changing the gap limit in the rule form re-runs; a looser limit rejects fewer at the first stage."""
    editor = window.pipeline_editor
    editor.select(0, 1)
    spin = editor.form.widgets["knockout_months"]
    funnel = window.views[0]
    window.tabs.setCurrentIndex(0)
    before = funnel.data()[1].sum()
    wait_for_run(qtbot, window, lambda: spin.setValue(24))
    assert window.controller.scenario.pipeline.stages[0].rules[1].knockout_months == 24
    assert funnel.data()[1].sum() > before


def test_invalid_parameter_is_explained_and_not_applied(qtbot, window):
    """A bad value in the form shows what is wrong, names the field, and leaves the scenario as it was."""
    editor = window.pipeline_editor
    editor.select(0, 0)
    field = editor.form.widgets["value"]
    field.setText("phd")
    field.editingFinished.emit()
    assert "stages[0].rules[0].value" in editor.form.error.text()
    assert "education has no value 'phd'" in editor.form.error.text()
    assert window.controller.scenario.pipeline.stages[0].rules[0].value == "mbo"


def test_neutral_switch_removes_gender_gap_at_gap_rule(qtbot, window):
    """Ticking 'no structural differences' makes the gap rule treat women and men alike."""
    window.tabs.setCurrentIndex(1)
    rates = window.views[1]
    rates.stage_chooser.setCurrentIndex(1)  # the first stage, where the gap rule acts
    woman_before = rates.data().set_index("group").loc["woman", "impact_ratio"]
    wait_for_run(qtbot, window, lambda: window.pool_panel.neutral.setChecked(True))
    rates.stage_chooser.setCurrentIndex(1)
    rows = rates.data().set_index("group")
    assert woman_before < 0.9
    assert rows.loc["woman", "impact_ratio"] > 0.93 or rows.loc["woman", "reference"]


def test_new_seed_button_changes_the_pool(qtbot, window):
    """'New seed' draws another pool."""
    old = window.controller.result.pool["suitability"].copy()
    wait_for_run(qtbot, window, lambda: qtbot.mouseClick(window.pool_panel.new_seed, Qt.MouseButton.LeftButton))
    assert not np.array_equal(old, window.controller.result.pool["suitability"])


def test_language_switch_changes_visible_texts(qtbot, window):
    """Switching to Dutch translates menus, tabs, the verdict and the views."""
    assert window.tabs.tabText(0) == "Funnel"
    window.language_actions["nl"].trigger()
    assert window.tabs.tabText(0) == "Trechter"
    assert window.file_menu.title() == "&Bestand"
    findings = window.controller.result.measurement.findings
    assert window.verdict.text() == findings.headline_sentences("nl")[0]
    assert "geselecteerd" in window.verdict.text()
    window.tabs.setCurrentIndex(1)
    assert window.views[1].chooser_label.text() == "Groepeer op:"
    assert window.pipeline_editor.add_stage.text() == "+ Fase"


def test_compare_a_and_b(qtbot, window):
    """Freeze A, switch a rule off, and Compare lists the flipped candidates and group totals."""
    window.controller.freeze()
    wait_for_run(qtbot, window, lambda: window.pipeline_editor.set_rule_enabled(0, 1, False))
    window.tabs.setCurrentIndex(6)
    compare = window.views[6]
    comparison = compare.data()
    assert comparison.same_pool and len(comparison.flipped) > 0
    assert compare.flips.rowCount() == min(len(comparison.flipped), 500)
    totals = comparison.flip_totals.set_index(["attribute", "group"])
    assert totals.loc[("gender", "woman"), "newly_selected"] > 0


def test_candidates_filter_card_and_what_if(qtbot, window):
    """Filtering the table, opening a CV card with its reason, and a what-if that flips the decision."""
    window.tabs.setCurrentIndex(5)
    view = window.views[5]
    view.set_filter("outcome", "rejected")
    view.set_filter("unusual", "long_gap")
    rows = view.data()
    pool = window.controller.result.pool
    assert len(rows) > 0 and pool["unusual_long_gap"][rows].all()
    assert not window.controller.result.outcome.selected[rows].any()
    index = int(np.flatnonzero((window.controller.result.outcome.rejected_by == 1) & pool["qualified"])[0])
    view.show_candidate(index)
    assert "gap of" in view.card.toPlainText()
    result = view.run_what_if("no_gap")
    assert result.stage_after > result.stage_before
    assert "flips" in view.what_if_label.text()


def test_export_png_and_csv(qtbot, window, tmp_path):
    """Export writes the current view as a PNG and the candidates with their trails as CSV."""
    png, csv = tmp_path / "view.png", tmp_path / "c.csv"
    assert window.export_png(str(png)) and png.stat().st_size > 5000
    with qtbot.waitSignal(window.csv_written, timeout=20000) as written:
        assert window.export_csv(str(csv))  # written in a worker thread
    assert written.args == [str(csv), ""]
    header = csv.read_text(encoding="utf-8").splitlines()[0]
    assert "reason" in header and "stage_reached" in header


def test_save_and_reload_scenario(qtbot, window, tmp_path):
    """Save as writes the edited configuration; loading it gives the same rules."""
    window.pipeline_editor.set_rule_enabled(0, 1, False)
    path = tmp_path / "mine.toml"
    assert window._save_to(path)
    wait_for_run(qtbot, window, lambda: window.load_scenario(str(path)))
    assert not window.controller.scenario.pipeline.stages[0].rules[1].enabled


def test_presentation_mode(qtbot, window):
    """F11 goes full screen with bigger fonts and the editors hidden; again returns."""
    base = QApplication.font().pointSizeF()
    window.presentation_action.trigger()
    assert STYLE.presentation and not window.left.isVisible()
    assert QApplication.font().pointSizeF() > base
    window.presentation_action.trigger()
    assert not STYLE.presentation and window.left.isVisible()
    assert QApplication.font().pointSizeF() == pytest.approx(base)


def test_every_run_happens_in_a_worker_with_progress_when_slow(qtbot, window, monkeypatch):
    """Every run, small or large, happens in a worker thread (the window never freezes); one that
    takes longer than half a second shows progress, and a cancelled run never arrives."""
    import threading

    from simulator.core import engine  # the worker imports it on its first run and calls engine.run

    c = window.controller
    threads = []
    original = engine.run

    def slow_run(*args, **kwargs):
        threads.append(threading.current_thread() is threading.main_thread())
        import time

        time.sleep(0.7)  # longer than BUSY_AFTER_MS
        return original(*args, **kwargs)

    monkeypatch.setattr(engine, "run", slow_run)
    with qtbot.waitSignal(c.busy, timeout=3000) as started:
        window.pool_panel.size.setValue(3000)
    assert started.args == [True]
    with qtbot.waitSignal(c.result_ready, timeout=30000):
        pass
    assert len(c.result.pool) == 3000 and threads and not any(threads)
    c.scenario.pool.seed = 99
    c.run_now()
    c.cancel()
    c.wait()
    assert c.result.pool.settings.seed != 99  # the cancelled run never arrived


def test_screenshots_of_every_view(tmp_path):
    """`recruitsim screenshot` writes one non-empty, colourful PNG per view at the requested size."""
    from PySide6.QtGui import QImage

    from simulator.gui.screenshot import render_views

    written = render_views("taxi-licence", tmp_path, "nl", (1200, 800))
    # Review (nobody reviewing) and Study (no replayed study here) would be empty frames: skipped;
    # Compare shows the scenario's before/after.
    assert [p.stem for p in written] == ["funnel", "rates", "intersections", "missed", "rules", "candidates", "compare"]
    for path in written:
        image = QImage(str(path))
        assert (image.width(), image.height()) == (1200, 800)
        colours = {image.pixel(x, y) for x in range(0, 1200, 13) for y in range(0, 800, 13)}
        assert len(colours) > 8, path.name


def test_qt_dialogs_in_dutch(qapp):
    """Qt's own Dutch translations load, so standard buttons read 'Annuleren' in Dutch."""
    from PySide6.QtCore import QCoreApplication

    from simulator.gui.app import _install_translator

    translator = _install_translator(qapp, "nl")
    try:
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Annuleren"
    finally:
        qapp.removeTranslator(translator)


def test_a_failing_view_reports_and_the_app_keeps_running(qtbot, window, monkeypatch):
    """A bug while drawing a view is reported as that view's drawing failure (never as a failed
    run), with its traceback; the window and other views go on."""
    view = window.views[0]

    def broken():
        raise RuntimeError("drawing bug")

    shown = []
    monkeypatch.setattr(view, "render", broken)
    monkeypatch.setattr("simulator.gui.main_window.show_error", lambda parent, message, report, lang: shown.append(message))
    with qtbot.waitSignal(window.controller.draw_failed, timeout=2000) as report:
        view.refresh()
    assert report.args[0] == view.title() and "drawing bug" in report.args[1]
    assert shown and view.title() in shown[0] and "run could not be completed" not in shown[0]
    window.tabs.setCurrentIndex(1)
    assert not window.views[1]._dirty


def test_gallery_lists_builtins_and_opens_the_choice(qtbot, window, monkeypatch):
    """The gallery shows every built-in scenario; choosing one loads and runs it."""
    from simulator.gui.dialogs import ScenarioGallery

    gallery = ScenarioGallery("nl")
    qtbot.addWidget(gallery)
    from simulator.gui.dialogs import PRIMER

    ids = [gallery.list.item(i).data(256) for i in range(gallery.list.count())]
    assert sorted(i for i in ids if i and i != PRIMER) == builtin_ids()
    # the 90-minute programme comes first, under headings that cannot be chosen: the law primer,
    # then part 1 with the opener
    assert ids[:4] == [None, PRIMER, None, "dutch-names"]
    assert not gallery.list.item(0).flags() & Qt.ItemFlag.ItemIsSelectable
    assert gallery.list.currentItem().data(256) == PRIMER
    assert "Deel 1" in gallery.list.item(2).text() and "quiz:" in gallery.list.item(3).text()
    assert "Taxichauffeur" in gallery.list.item(ids.index("taxi-licence")).text()
    monkeypatch.setattr(ScenarioGallery, "ask", classmethod(lambda cls, parent, lang, progress_path=None: "taxi-licence"))
    wait_for_run(qtbot, window, window.open_gallery)
    assert window.controller.scenario.id == "taxi-licence"


def test_add_reorder_and_remove_rules_and_stages(qtbot, window):
    """The pipeline editor adds a rule of a chosen kind, moves it, adds a stage and removes things."""
    editor = window.pipeline_editor

    def kinds(stage=1):
        return [r.kind for r in window.controller.scenario.pipeline.stages[stage].rules]

    editor.select(1, 0)
    wait_for_run(qtbot, window, lambda: editor.add_rule_of_kind("positive_action"))
    assert kinds() == ["weighted_score", "gap_penalty", "gap_penalty", "positive_action"]
    editor.select(1, 3)
    wait_for_run(qtbot, window, lambda: qtbot.mouseClick(editor.up, Qt.MouseButton.LeftButton))
    assert kinds() == ["weighted_score", "gap_penalty", "positive_action", "gap_penalty"]
    wait_for_run(qtbot, window, lambda: qtbot.mouseClick(editor.remove, Qt.MouseButton.LeftButton))
    assert kinds() == ["weighted_score", "gap_penalty", "gap_penalty"]
    wait_for_run(qtbot, window, lambda: qtbot.mouseClick(editor.add_stage, Qt.MouseButton.LeftButton))
    assert len(window.controller.scenario.pipeline.stages) == 3 and window.controller.result.outcome.n_stages == 3
    editor.select(2, None)
    wait_for_run(qtbot, window, lambda: qtbot.mouseClick(editor.remove, Qt.MouseButton.LeftButton))
    assert len(window.controller.scenario.pipeline.stages) == 2


def test_bad_pool_number_is_explained(qtbot, window):
    """Typing a rate outside 0–1 in the links table shows a message and changes nothing."""
    panel = window.pool_panel
    before = dict(window.controller.scenario.pool.links["past_gap"])
    item = panel.links.item(0, 2)
    item.setText("1.7")
    assert "1.7" in panel.message.text() and "0" in panel.message.text()
    assert window.controller.scenario.pool.links["past_gap"] == before


def test_bad_scenario_file_gives_a_message_not_a_crash(qtbot, window, tmp_path, monkeypatch):
    """Opening a broken scenario file shows what is wrong and keeps the current scenario."""
    from PySide6.QtWidgets import QMessageBox

    bad = tmp_path / "bad.toml"
    bad.write_text("schema_version = 1\nid = 'x'\n", encoding="utf-8")
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    window.load_scenario(str(bad))  # read in a worker thread; the message follows
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert "bad.toml" in shown[0] and "title" in shown[0]
    assert window.controller.scenario.id == "cv-gap"


def test_berkeley_rates_view_shows_the_within_vacancy_comparison_and_every_label(qtbot, window):
    """With several vacancies the rates view puts the CMH comparison next to the pooled bars, and
    every group's tick label fits the axis (pyqtgraph silently drops labels that do not)."""
    from PySide6.QtGui import QFontMetrics

    wait_for_run(qtbot, window, lambda: window.load_scenario("berkeley"))
    rates = window.view("rates")
    window.tabs.setCurrentWidget(rates)
    rates.chooser.setCurrentIndex(rates.chooser.attributes.index("gender"))
    assert rates.strata_note.isVisible()
    assert "Mantel–Haenszel" in rates.strata_note.text()
    axis = rates.items["rate"]["plot"].getAxis("left")
    widest = max(QFontMetrics(axis.style["tickFont"] or QApplication.font()).horizontalAdvance(s) for s in ("women", "men"))
    qtbot.waitUntil(lambda: axis.width() >= widest + 8, timeout=2000)
    rates.chooser.setCurrentIndex(rates.chooser.attributes.index("origin"))
    assert not rates.strata_note.isVisible()
    assert "vacancy applied for" in window.view("candidates").card_html(0)
    wait_for_run(qtbot, window, lambda: window.load_scenario("cv-gap"))
    window.tabs.setCurrentWidget(window.view("rates"))
    assert not window.view("rates").strata_note.isVisible()


def test_gallery_shows_the_learners_progress_per_scenario(qtbot, tmp_path):
    """A learner at home sees in the gallery which challenges they met and how their quizzes went."""
    from simulator.core.progress import Progress
    from simulator.gui.dialogs import ScenarioGallery

    path = tmp_path / "progress.json"
    progress = Progress(path)
    progress.mark_challenge("cv-gap", "fair-shortlist")
    progress.record_answer("cv-gap", 0, True)
    progress.record_answer("cv-gap", 1, False)
    gallery = ScenarioGallery("en", progress_path=path)
    qtbot.addWidget(gallery)
    texts = {gallery.list.item(i).data(256): gallery.list.item(i).text() for i in range(gallery.list.count())}
    assert "1 of 1 challenges met · quiz 1 of 2 answered right" in texts["cv-gap"]
    assert "Your progress" not in texts["motherhood"]


def test_intersection_colours_mean_the_same_ratio_in_every_run(qtbot, window):
    """The heatmap colours a cell by its impact ratio on a fixed scale (no per-run auto-levels; a
    cell whose difference could be chance is faded, the others in full colour), and a parameter
    change updates the same cells rather than stacking new ones."""
    import math

    from simulator.gui.views.intersections import COLOURS

    view = window.view("intersections")
    window.tabs.setCurrentWidget(view)
    grid = view.grid()
    image = view.image.image
    assert [float(x) for x in view.image.levels] == [0.0, 255.0]
    r, c = next((r, c) for r in range(grid.impact_ratio.shape[0]) for c in range(grid.impact_ratio.shape[1])
                if math.isfinite(grid.impact_ratio[r, c]) and grid.status[r, c] == "ok" and not view.chance(grid)[r, c])
    expected = COLOURS.map(min(grid.impact_ratio[r, c], 1.5) / 1.5, mode="byte")[:3]
    assert list(image[c, r]) == list(expected)
    labels = len(view.cell_labels)
    wait_for_run(qtbot, window, lambda: qtbot.mouseClick(window.pool_panel.new_seed, Qt.MouseButton.LeftButton))
    assert len(view.cell_labels) == labels


def test_candidates_outcome_column_is_short_and_its_tooltip_whole(qtbot, window):
    """The outcome column reads "✘ stage: why" / "✔ selected", worded for a block of rows at once,
    and the tooltip holds the decision trail's whole sentence for that same candidate."""
    view = window.view("candidates")
    window.tabs.setCurrentWidget(view)
    model, outcome = view.model, window.controller.result.outcome
    from simulator.gui.views.candidates import COLUMNS

    column = COLUMNS.index("outcome")
    for row in (0, 1, 250, model.rowCount() - 1):
        i = int(model.rows[row])
        shown = model.data(model.index(row, column))
        tip = model.data(model.index(row, column), Qt.ItemDataRole.ToolTipRole)
        if outcome.selected[i]:
            assert shown == "✔ selected" and tip == "selected"
        else:
            stage = outcome.pipeline.stages[int(outcome.stopped_at[i])].title("en")
            assert tip == outcome.reasons("en", np.array([i]))[0] and tip.startswith(f"Rejected at “{stage}”:")
            assert shown == f"✘ {stage}: {tip.split(':', 1)[1].strip()}"


def test_slides_render_at_the_presentation_scale(qapp, tmp_path, monkeypatch):
    """`screenshot --slides` draws the views with the presentation mode's larger text (the fonts 1.8
    times the normal ones) at the size asked for, and leaves the next window at normal scale."""
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QApplication

    from simulator.gui import screenshot
    from simulator.gui.main_window import MainWindow
    from simulator.gui.style import STYLE

    sizes = []
    original = MainWindow.apply_presentation_scale

    def spy(window, on):
        original(window, on)
        sizes.append((on, QApplication.font().pointSizeF(), STYLE.scale))

    monkeypatch.setattr(MainWindow, "apply_presentation_scale", spy)
    base = QApplication.font().pointSizeF()
    written = screenshot.render_views("cv-gap", tmp_path, "en", (1920, 1080), slides=True)
    assert QImage(str(written[0])).size().width() == 1920
    (on, app_points, scale), (off, after_points, _) = sizes
    assert on and app_points == pytest.approx(base * scale) and scale > 1.5
    assert not off and after_points == pytest.approx(base) and not STYLE.presentation
