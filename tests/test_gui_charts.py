"""Charts draw what core measured: tick labels, bar counts and the numbers on the bars, after every
switch of "Group by", in both languages; a view that fails to draw says so, not that the run failed."""

import itertools

import numpy as np
import pytest

from simulator.core.findings import public_groups
from simulator.core.grouptable import OVERALL
from simulator.core.texts import percent, t
from simulator.core.verdict import format_ratio, group_label
from simulator.gui.app import create_window


@pytest.fixture(params=["en", "nl"])
def lang_window(request, show_window):
    w = show_window(create_window(request.param, "cv-gap"))
    yield w
    w.controller.wait()


def _drawn(rates):
    """What the rates chart shows: tick labels top to bottom, bar count, and the rate labels."""
    axis = rates.items["rate"]["plot"].getAxis("left")
    # a long label is drawn on two lines: compare it as one
    ticks = [label.replace("\n", " ") for _, label in sorted(axis._tickLevels[0], key=lambda tick: -tick[0])]
    bars = len(rates.items["rate"]["bars"].opts["y"])
    labels = [item.toPlainText() for item in rates.items["rate"]["labels"] if item.isVisible()]
    ratios = [item.toPlainText() for item in rates.items["ratio"]["labels"] if item.isVisible()]
    return ticks, bars, labels, ratios


def test_rates_chart_draws_each_grouping_after_every_switch(qtbot, lang_window):
    """Switching "Group by" from any attribute to any other draws exactly that attribute's groups:
    the tick labels, one bar per group, each group's rate and impact ratio as core computed them.
    (Switching to an attribute with fewer groups used to keep the old labels and raise an error.)"""
    window = lang_window
    lang = window.controller.lang
    failures = []
    window.controller.draw_failed.connect(lambda view, report: failures.append(report))
    rates = window.view("rates")
    window.tabs.setCurrentWidget(rates)
    attributes = rates.chooser.attributes
    singles = public_groups(window.controller.result.measurement.singles)
    for before, after in itertools.permutations(attributes, 2):
        rates.chooser.setCurrentIndex(attributes.index(before))
        rates.chooser.setCurrentIndex(attributes.index(after))
        rows = singles[(singles["attribute"] == after) & (singles["stage"] == OVERALL) & (singles["n"] > 0)]
        ticks, bars, labels, ratios = _drawn(rates)
        assert ticks == [group_label(after, g, lang) for g in rows["group"]], (before, after)
        assert bars == len(rows), (before, after)
        for label, row in zip(labels, rows.itertuples()):
            expected = t("gui.status.hidden", lang) if row.hidden else percent(row.rate, lang)
            assert label.startswith(expected), (after, label, expected)
        for label, row in zip(ratios, rows.itertuples()):
            if row.reference:
                assert label == t("gui.rates.reference", lang)
            elif not row.hidden and np.isfinite(row.impact_ratio):
                assert label.startswith(format_ratio(row.impact_ratio, lang)), (after, label)
    assert not failures, failures[0]


@pytest.mark.parametrize("key", ["funnel", "rules", "missed"])
def test_views_with_a_grouping_draw_every_attribute(qtbot, window, key):
    """Every other view that groups can draw every attribute, including unusual CV and name origin."""
    failures = []
    window.controller.draw_failed.connect(lambda view, report: failures.append(report))
    view = window.view(key)
    window.tabs.setCurrentWidget(view)
    for attribute in view.chooser.attributes:
        view.chooser.setCurrentIndex(view.chooser.attributes.index(attribute))
    assert {"unusual_cv", "name_region"} <= set(view.chooser.attributes)
    assert not failures, failures[0]


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_window_fits_a_1280_projector_whichever_view_was_opened(qtbot, show_window, lang):
    """At 1280×720 the window is no wider than the screen after every view has been opened (the
    widest view scrolls), and Ctrl+E hides and shows the editors."""
    window = show_window(create_window(lang, "cv-gap"))
    window.resize(1280, 720)
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
    assert window.minimumSizeHint().width() <= 1280
    assert window.width() <= 1280
    assert window.left.isVisible()
    assert window.editors_action.shortcut().toString() == "Ctrl+E"
    window.editors_action.trigger()
    assert not window.left.isVisible()
    window.editors_action.trigger()
    assert window.left.isVisible()
    window.controller.wait()


def test_rates_per_vacancy_draws_each_vacancy_and_group(qtbot, show_window):
    """berkeley's "Per vacancy" draws one bar per vacancy and group, labelled "vacancy A · women",
    with the rate and impact ratio core counted within that vacancy; it is offered only where one
    pool applies for several vacancies."""
    from simulator.core.strata import rates_per_stratum

    window = show_window(create_window("en", "cv-gap"))
    rates = window.view("rates")
    window.tabs.setCurrentWidget(rates)
    assert not rates.per_stratum.isVisibleTo(rates)  # cv-gap has one vacancy
    window.load_scenario("berkeley")
    window.controller.wait()
    qtbot.waitUntil(lambda: rates.per_stratum.isVisibleTo(rates))
    rates.per_stratum.setChecked(True)
    rows = rates_per_stratum(window.controller.result.measurement, "gender")
    ticks, bars, labels, ratios = _drawn(rates)
    assert ticks[:2] == ["vacancy A · women", "vacancy A · men"]
    assert ticks == [f"{group_label('applied_for', s, 'en')} · {group_label('gender', g, 'en')}"
                     for s, g in zip(rows["stage"], rows["group"])]
    assert bars == len(rows) == 12
    pool, selected = window.controller.result.pool, window.controller.result.outcome.selected
    in_a = (pool["applied_for"] == 0) & (pool["gender"] == 0)
    assert labels[0] == percent(selected[in_a].mean(), "en")
    for label, row in zip(ratios, rows.itertuples()):
        assert label == t("gui.rates.reference", "en") if row.reference else label.startswith(
            format_ratio(row.impact_ratio, "en"))
    assert rows[rows["reference"]]["group"].unique().tolist() == ["man"]
    window.controller.wait()


def test_views_open_grouped_by_what_the_headline_is_about(qtbot, window):
    """dutch-names' headline compares names' origins: Funnel, Selection rates, Missed talent, Rules and
    the intersections' rows open grouped by the name's origin, and the rates chart draws the
    headline's ratio for Moroccan names."""
    window.load_scenario("dutch-names")
    window.controller.wait()
    for key in ("funnel", "rates", "missed", "rules"):
        assert window.view(key).chooser.attribute() == "name_region", key
    assert window.view("intersections").rows_chooser.attribute() == "name_region"
    rates = window.view("rates")
    window.tabs.setCurrentWidget(rates)
    qtbot.waitUntil(lambda: bool(_drawn(rates)[0]))
    ticks, _, _, ratios = _drawn(rates)
    values = window.controller.result.measurement.singles
    row = values[(values["attribute"] == "name_region") & (values["group"] == "morocco") & (values["stage"] == OVERALL)].iloc[0]
    assert ratios[ticks.index("Moroccan names")].startswith(format_ratio(row.impact_ratio, "en"))
    assert format_ratio(row.impact_ratio, "en") in window.verdict.text()


def test_a_group_nobody_belongs_to_takes_no_space(qtbot, window):
    """berkeley has no non-binary applicants: the heatmap has no row for them and counts no hidden
    cells for them, the Rules table has no column and Missed talent no row."""
    window.load_scenario("berkeley")
    window.controller.wait()
    inter = window.view("intersections")
    window.tabs.setCurrentWidget(inter)
    inter.rows_chooser.setCurrentIndex(inter.rows_chooser.attributes.index("gender"))
    qtbot.waitUntil(lambda: inter.data() is not None)
    grid = inter.data()
    assert grid.rows == ["woman", "man"] and "non_binary" not in grid.rows
    assert grid.hidden_cells == int((grid.hidden & (grid.n > 0)).sum())
    assert (inter.disclosure.text() == "") == (grid.hidden_cells == 0)  # never "0 cells are hidden"
    rules = window.view("rules")
    window.tabs.setCurrentWidget(rules)
    rules.chooser.setCurrentIndex(rules.chooser.attributes.index("gender"))
    headers = [rules.table.horizontalHeaderItem(c).text() for c in range(rules.table.columnCount())]
    assert headers[2:] == ["women", "men"]
    missed = window.view("missed")
    window.tabs.setCurrentWidget(missed)
    missed.chooser.setCurrentIndex(missed.chooser.attributes.index("gender"))
    names = [missed.groups_table.item(r, 0).text() for r in range(missed.groups_table.rowCount())]
    assert names == ["women", "men"]


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_rates_chart_fits_a_1280_projector_in_presentation_mode(qtbot, show_window, lang):
    """In presentation mode at 1280×720 the rates charts' titles fit their charts, every number sits
    above its bar (not on it) and below the next row's bar, the "0.8" label clears the top row's
    number, and the headline takes at most two lines."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QFontMetrics
    from PySide6.QtWidgets import QApplication

    from simulator.gui.style import STYLE

    window = show_window(create_window(lang, "ai-assistant"))
    window.left.setVisible(False)
    window.resize(1280, 720)
    window.apply_presentation_scale(True)
    rates = window.view("rates")
    window.tabs.setCurrentWidget(rates)
    QApplication.processEvents()
    assert 1.2 <= STYLE.scale < 1.8  # smaller than on a 1920×1080 projector
    for name in ("rate", "ratio"):
        entry = rates.items[name]
        plot, bars = entry["plot"], entry["bars"]
        title = plot.titleLabel.item
        assert title.mapRectToScene(title.boundingRect()).width() <= plot.width(), name
        # the bars and labels in scene pixels
        height = bars.opts["height"]
        bar_rects = [plot.vb.mapViewToScene(QRectF(0, y - height / 2, 1, height)).boundingRect()
                     for y in bars.opts["y"]]
        labels = [label for label in entry["labels"] if label.isVisible()]
        assert len(labels) == len(bar_rects) == 3
        for k, label in enumerate(labels):
            text = label.textItem.mapRectToScene(label.textItem.boundingRect())
            own, above = bar_rects[k], bar_rects[k - 1] if k else None
            assert text.bottom() <= own.top() + 1, (name, k)  # on the bar's top edge, not on the bar
            if above is not None:
                assert text.top() >= above.bottom() - 1, (name, k)
        if name == "ratio":
            rule = rates.rule.textItem.mapRectToScene(rates.rule.textItem.boundingRect())
            first = labels[0].textItem.mapRectToScene(labels[0].textItem.boundingRect())
            assert rule.bottom() <= first.top() + 1
    verdict = window.verdict
    lines = verdict.heightForWidth(verdict.width()) / QFontMetrics(verdict.font()).lineSpacing()
    assert lines <= 2.2
    window.controller.wait()


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_missed_talent_legend_sits_under_the_chart(qtbot, show_window, lang):
    """Missed talent's legend names every marker drawn and sits under the chart, not on it; at
    1280 px with the editors shown the chart (title and x-axis title included) fits its widget."""
    from PySide6.QtWidgets import QApplication

    window = show_window(create_window(lang, "assessment-game"))
    window.resize(1280, 720)
    missed = window.view("missed")
    window.tabs.setCurrentWidget(missed)
    QApplication.processEvents()
    drawn = [flag for flag, item in missed.marks.items() if len(item.data)]
    expected = [t("gui.missed.no_unusual", lang) if f == "none" else t(f"unusual.{f}", lang) for f in drawn]
    assert sorted(missed.legend.texts()) == sorted(expected) and expected
    plot_box = missed.plot_widget.geometry()
    legend_box = missed.legend.geometry()
    assert legend_box.top() >= plot_box.bottom() and not legend_box.intersects(plot_box)
    assert missed.plot.legend is None  # nothing drawn over the data
    assert missed.plot.width() <= missed.plot_widget.width() + 1
    window.controller.wait()


def test_funnel_legend_swatches_are_squares_without_a_dash(qtbot, window):
    """The funnel's legend draws each group's colour as a square only (no line through it)."""
    from PySide6.QtGui import QImage, QPainter, QColor

    funnel = window.view("funnel")
    window.tabs.setCurrentWidget(funnel)
    sample, _ = funnel.legend.items[0]
    image = QImage(22, 22, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    sample.paint(painter)
    painter.end()
    # left of the square (x = 0..1) nothing is drawn: the dash ran from x = 0 to 20 at y = 11
    assert image.pixelColor(0, 11) == QColor("white")
    assert image.pixelColor(10, 10) != QColor("white")


def test_noise_is_drawn_muted_in_the_rates_bars_and_the_heat_map(qtbot, window):
    """bloomberg-replayed: the non-binary bar (p ≈ 0.18) is hatched with a grey number, the women's
    bar (p < 0.001) solid; in the gender × age heat map every cell core's test calls not significant
    is drawn pale with grey, non-bold text, every significant one in full colour, all with two decimals."""
    from PySide6.QtCore import Qt

    from simulator.core.thresholds import ALPHA
    from simulator.gui.views.intersections import MUTED_TEXT

    window.load_scenario("bloomberg-replayed")
    window.controller.wait()
    rates = window.view("rates")
    window.tabs.setCurrentWidget(rates)
    rates.chooser.setCurrentIndex(rates.chooser.attributes.index("gender"))
    ticks, _, _, _ = _drawn(rates)
    rows = rates.rows()
    rows = rows[rows["n"] > 0].reset_index(drop=True)
    brushes = rates.items["ratio"]["bars"].opts["brushes"]
    labels = [item for item in rates.items["ratio"]["labels"] if item.isVisible()]
    for k, row in rows.iterrows():
        if row["reference"] or row["hidden"]:
            continue
        noise = not row["p_value"] < ALPHA
        assert (brushes[k].style() == Qt.BrushStyle.BDiagPattern) == noise, ticks[k]
        assert (labels[k].textItem.defaultTextColor().name().upper() == MUTED_TEXT.upper()) == noise, ticks[k]
    assert (~(rows["p_value"] < ALPHA) & ~rows["reference"]).any() and (rows["p_value"] < ALPHA).any()
    inter = window.view("intersections")
    window.tabs.setCurrentWidget(inter)
    inter.rows_chooser.setCurrentIndex(inter.rows_chooser.attributes.index("gender"))
    inter.cols_chooser.setCurrentIndex(inter.cols_chooser.attributes.index("age_band"))
    grid = inter.data()
    p = grid.p_value
    image = inter.image.image  # (column, row, rgb)
    muted = significant = 0
    for r in range(len(grid.rows)):
        for c in range(len(grid.columns)):
            if grid.hidden[r, c] or not np.isfinite(p[r, c]):
                continue
            label = inter.cell_labels[r * len(grid.columns) + c]
            colour = label.textItem.defaultTextColor().name().upper()
            bold = label.textItem.font().bold()
            spread = int(image[c, r].max()) - int(image[c, r].min())  # how coloured the cell is
            assert label.toPlainText().split("\n")[0].split(".")[-1].isdigit()
            assert len(label.toPlainText().split("\n")[0].split(".")[-1]) == 2  # two decimals
            if p[r, c] < ALPHA:
                significant += 1
                assert colour != MUTED_TEXT.upper()
                assert bold == bool(grid.below_four_fifths[r, c])
            else:
                muted += 1
                assert colour == MUTED_TEXT.upper() and not bold and spread < 40, (r, c, spread)
    assert muted and significant
    window.controller.wait()


def test_study_tab_without_a_replay_lists_the_scenarios_sources(qtbot, window):
    """cv-gap replays no study: the Study tab lists its own sources, as plain text, under the note."""
    from PySide6.QtCore import Qt

    study = window.view("study")
    window.tabs.setCurrentWidget(study)
    sources = window.controller.scenario.sources
    assert sources and not window.controller.scenario.replays
    assert study.sources.isVisible() and study.sources.textFormat() == Qt.TextFormat.PlainText
    assert study.sources.text().splitlines() == [t("gui.study.sources", "en")] + [f"• {s}" for s in sources]
