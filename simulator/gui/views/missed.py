"""Missed talent: suitability against screening score, and who among the suitable was rejected."""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QGridLayout, QHeaderView, QLabel, QSplitter, QVBoxLayout, QWidget

from ...core.grouptable import OVERALL
from ...core.report import display_scores, missed_sample, missed_talent_density, suitable_from
from ...core.texts import integer, number, percent, t
from ...core.world import UNUSUAL_CV_FLAGS
from ..style import fit_title, plot_widget, set_axis_language, symbol_icon, two_lines, PALETTE, STYLE, style_plot
from .base import AttributeChooser, View, caption, fill_table, read_only_table, value_label

SYMBOLS = ["o", "s", "t", "d", "+", "x"]


@contextmanager
def cells_then_one_update(table):
    """Change a QTableWidget's cells with its model quiet, then tell the view once that every cell
    changed. Under columns sized to their contents each changed cell otherwise makes the header
    measure every column again (0.2-0.5 ms a cell: most of a redraw while a slider is dragged).
    Only for changes of cell contents: rows, columns and headers must stay as they are."""
    model = table.model()
    was_blocked = model.blockSignals(True)
    try:
        yield
    finally:
        model.blockSignals(was_blocked)
        if table.rowCount() and table.columnCount():
            model.dataChanged.emit(model.index(0, 0), model.index(table.rowCount() - 1, table.columnCount() - 1))


def fill_table_once(table, headers: list[str], rows: list[list]) -> None:
    """``fill_table``, with one update of the view when only cell contents change."""
    same = (table.columnCount() == len(headers) and table.rowCount() == len(rows)
            and all(table.horizontalHeaderItem(c) is not None and table.horizontalHeaderItem(c).text() == h
                    for c, h in enumerate(headers)))
    if not same:
        fill_table(table, headers, rows)
        return
    with cells_then_one_update(table):
        fill_table(table, headers, rows)


def _nice_step(span: float) -> float:
    """A round tick step giving about five ticks over ``span``."""
    raw = max(span, 1e-9) / 5
    power = 10 ** np.floor(np.log10(raw))
    return float(min((m * power for m in (1, 2, 5, 10) if m * power >= raw), default=10 * power))


class MarkerLegend(QWidget):
    """The markers' names under the chart (on it, the legend covered the shading and the
    "suitable →" label), in as many columns as the width holds."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(6, 0, 6, 0)
        self.grid.setHorizontalSpacing(14)
        self.grid.setVerticalSpacing(1)
        self.entries: list[tuple[QLabel, QLabel]] = []
        self._columns = 0

    def set_entries(self, entries) -> None:
        """``entries``: (marker picture, name) pairs, in order."""
        for icon, name in self.entries:
            icon.deleteLater()
            name.deleteLater()
        self.entries = []
        for pixmap, text in entries:
            icon, name = QLabel(), QLabel()
            icon.setPixmap(pixmap)
            name.setTextFormat(pg.QtCore.Qt.TextFormat.PlainText)
            name.setText(text)
            self.entries.append((icon, name))
        self._columns = 0
        self._arrange()

    def texts(self) -> list[str]:
        return [name.text() for _, name in self.entries]

    def _arrange(self) -> None:
        if not self.entries:
            return
        widest = max(icon.sizeHint().width() + name.sizeHint().width() for icon, name in self.entries) + 20
        columns = max(1, min(len(self.entries), (self.width() or 480) // widest))
        if columns == self._columns:
            return
        self._columns = columns
        for icon, name in self.entries:
            self.grid.removeWidget(icon)
            self.grid.removeWidget(name)
        for k, (icon, name) in enumerate(self.entries):
            row, column = divmod(k, columns)
            self.grid.addWidget(icon, row, 2 * column)
            self.grid.addWidget(name, row, 2 * column + 1)
        for c in range(2 * columns):
            self.grid.setColumnStretch(c, 1 if c % 2 else 0)

    def resizeEvent(self, event):  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._arrange()


class MissedTalentView(View):
    key = "missed"

    def prepare(self, result) -> None:
        missed_talent_density(result.outcome)  # kept with the outcome: render reads it again
        missed_sample(result.outcome)
        suitable_from(result.outcome.pool)  # kept with the pool

    def __init__(self, controller, parent=None):
        super().__init__(controller, parent)
        self.plot_widget = plot_widget()
        self.plot_widget.setMouseEnabled(False, False)
        self.plot = self.plot_widget.getPlotItem()
        self.plot.setMenuEnabled(False)
        # Under the chart, not on it: inside it covered the shading and the "suitable →" label.
        self.legend = MarkerLegend()
        self.chooser = AttributeChooser(lang=self.lang, default="gender")
        self.chooser.currentIndexChanged.connect(self.refresh)
        self.groups_table = read_only_table()
        self.types_table = read_only_table()
        for table in (self.groups_table, self.types_table):
            # The names column gives way (elided, whole in the tooltip); the numbers never do.
            header = table.horizontalHeader()
            header.setStretchLastSection(False)
            header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            header.setMinimumSectionSize(40)
        self.explain = caption()
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.chooser)
        side_layout.addWidget(self.groups_table, 1)
        side_layout.addWidget(self.types_table, 1)
        chart = QWidget()
        chart_layout = QVBoxLayout(chart)
        chart_layout.setContentsMargins(0, 0, 0, 0)
        chart_layout.setSpacing(2)
        chart_layout.addWidget(self.plot_widget, 1)
        chart_layout.addWidget(self.legend)
        split = QSplitter()
        split.addWidget(chart)
        split.addWidget(side)
        split.setStretchFactor(0, 5)
        split.setStretchFactor(1, 4)  # the tables' numbers need the room (they were cut at 1366 px)
        split.setSizes([830, 670])
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(self.explain)
        self.retranslate()

    def retranslate(self) -> None:
        self.chooser.retranslate(self.lang)
        super().retranslate()

    def _make_items(self) -> None:
        """Image, marks, line and labels, made once and then updated with new data."""
        self.image = pg.ImageItem()
        self.image.setLookupTable(pg.colormap.get("CET-L2").getLookupTable(start=0.97, stop=0.25, nPts=256))
        self.plot.addItem(self.image)
        self.marks = {}
        for i, flag in enumerate(UNUSUAL_CV_FLAGS + ("none",)):
            colour = PALETTE[(i + 1) % len(PALETTE)]
            if flag == "none":
                item = pg.ScatterPlotItem(symbol="o", pen=pg.mkPen("#333333"), brush=pg.mkBrush(255, 255, 255, 200),
                                          hoverable=False)
            else:
                item = pg.ScatterPlotItem(symbol=SYMBOLS[i % len(SYMBOLS)], pen=pg.mkPen(colour, width=1.2),
                                          brush=pg.mkBrush(colour), hoverable=False)
            self.plot.addItem(item)
            self.marks[flag] = item
        self.cut_line = pg.InfiniteLine(angle=90)
        self.cut_label = pg.TextItem("", color="#222222", anchor=(0, 0))
        self.plot.addItem(self.cut_line)
        self.plot.addItem(self.cut_label)
        self._legend_key = None
        self._chrome = None
        self._title = ""
        self.plot.vb.sigResized.connect(lambda *_: fit_title(self.plot, self._title, 10) if self._title else None)

    def render(self) -> None:
        if not hasattr(self, "image"):
            self._make_items()
        lang = self.lang
        set_axis_language(self.plot, lang)
        outcome = self.result.outcome
        pool = outcome.pool
        density = missed_talent_density(outcome)
        self.image.setImage(np.log1p(density.counts), autoLevels=True)
        x0, x1 = density.x_edges[0], density.x_edges[-1]
        y0, y1 = density.y_edges[0], density.y_edges[-1]
        self.image.setRect(pg.QtCore.QRectF(x0, y0, x1 - x0, y1 - y0))
        # Suitable-but-rejected candidates, a fixed sample, marked by unusual-CV type.
        sample = missed_sample(outcome)
        y, kind, band = display_scores(outcome)
        jitter = np.random.default_rng(1).uniform(-0.3, 0.3, len(sample)) if kind == "stages" else 0.0
        x = pool["suitability"][sample].astype(float)
        ys = y[sample] + jitter
        plain = np.ones(len(sample), dtype=bool)
        size = 7 * STYLE.scale
        present = []
        # A non-linear career (3+ switches) is also a career switch: mark it first, or it never shows.
        order = sorted(UNUSUAL_CV_FLAGS, key=lambda f: f != "non_linear")
        for flag in order + ["none"]:
            mask = plain.copy() if flag == "none" else pool[f"unusual_{flag}"][sample] & plain
            plain &= ~mask
            self.marks[flag].setData(x[mask], ys[mask], size=size * (0.8 if flag == "none" else 1.0))
            if mask.any():
                present.append(flag)
        legend_key = (lang, tuple(present), STYLE.scale)
        if legend_key != self._legend_key:
            entries = []
            for flag in present:
                name = t("gui.missed.no_unusual", lang) if flag == "none" else t(f"unusual.{flag}", lang)
                opts = self.marks[flag].opts
                entries.append((symbol_icon(opts["symbol"], opts["pen"], opts["brush"], 9 * STYLE.scale), name))
            self.legend.set_entries(entries)
            self._legend_key = legend_key
        cut = suitable_from(pool)
        self.cut_line.setPos(cut)
        self.cut_label.setPos(cut, y1)
        if kind == "stages":
            names = [t("gui.missed.stopped_at", lang, stage=s.title(lang)) for s in outcome.pipeline.stages]
            names.append(t("stage.selected", lang))
            ticks = [[(i, n) for i, n in enumerate(names)]]
        elif band is not None:
            # Normal ticks for the scores, plus one label for the band of candidates without a score.
            step = _nice_step(y1 - band[1])
            start = np.ceil(band[1] / step) * step
            scores = [(float(v), number(v, lang, 0)) for v in np.arange(start, y1 + step / 2, step)]
            ticks = [scores + [((band[0] + band[1]) / 2, two_lines(t("gui.missed.unscored", lang), 16))]]
        else:
            ticks = None
        # Titles, fonts and ticks re-lay out the plot: set them only when they change (a parameter
        # change usually moves only the data).
        chrome = (lang, STYLE.scale, kind, repr(ticks))
        if chrome != self._chrome:
            self._chrome = chrome
            self.cut_line.setPen(pg.mkPen("#222222", width=STYLE.pen_width(1.5), style=pg.QtCore.Qt.PenStyle.DashLine))
            self.cut_label.setText(t("gui.missed.suitable_line", lang))
            self.cut_label.setFont(STYLE.font(9))
            self.plot.setLabel("bottom", t("gui.missed.x", lang))
            self.plot.setLabel("left", t("gui.missed.y_score" if kind == "score" else "gui.missed.y_stages", lang))
            self.plot.getAxis("left").setTicks(ticks)
            style_plot(self.plot)
        # Set smaller when wider than the chart: a wide title made the chart wider than its room.
        self._title = t("gui.missed.title" if kind == "score" else "gui.missed.title_stages", lang)
        fit_title(self.plot, self._title, 10)
        self.plot.setXRange(x0, x1, padding=0)
        self.plot.setYRange(y0, y1, padding=0.02)
        self.explain.setText(t("gui.missed.explain", lang, shown=integer(len(sample), lang)))
        self._fill_tables()

    @staticmethod
    def _names_give_way(table) -> None:
        header = table.horizontalHeader()
        if table.columnCount():
            header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for r in range(table.rowCount()):
            item = table.item(r, 0)
            if item is not None and item.toolTip() != item.text():
                item.setToolTip(item.text())

    def _fill_tables(self) -> None:
        lang = self.lang
        m = self.result.measurement
        attribute = self.chooser.attribute()
        gt = m.ground_truth
        mine = (gt["attribute"] == attribute).to_numpy()
        columns = [gt[c].to_numpy()[mine].tolist() for c in ("group", "qualified", "qualified_selected", "missed", "tpr")]
        # A group nobody belongs to gets no row (it would read "0 · 0 · 0 · —").
        names, n, _ = m.cube.table((attribute,), OVERALL)  # plain counts: no statistics computed here
        present = {name for name, count in zip(names, n) if count > 0}
        keep = [g in present for g in columns[0]]
        columns = [[v for v, k in zip(column, keep) if k] for column in columns]
        headers = [t(f"gui.missed.col.{c}", lang) for c in ("group", "suitable", "selected", "missed", "found")]
        fill_table_once(self.groups_table, headers, [
            [value_label(attribute, group, lang), integer(qualified, lang), integer(qualified_selected, lang),
             integer(missed, lang), percent(tpr, lang) if qualified else "—"]
            for group, qualified, qualified_selected, missed, tpr in zip(*columns)])
        self._names_give_way(self.groups_table)
        headers = [t(f"gui.missed.col.{c}", lang) for c in ("unusual", "suitable", "rejected", "missed_share")]
        columns = [m.unusual[c].to_numpy().tolist() for c in ("type", "qualified", "rejected", "missed_share")]
        fill_table_once(self.types_table, headers, [
            [t(f"unusual.{kind}", lang), integer(qualified, lang), integer(rejected, lang),
             percent(missed_share, lang) if qualified else "—"]
            for kind, qualified, rejected, missed_share in zip(*columns)])
        self._names_give_way(self.types_table)

    def data(self):
        return self.result.measurement.unusual


