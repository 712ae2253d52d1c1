"""Intersections: a heatmap of impact ratios over two (or three) attributes, small cells hidden."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QVBoxLayout

from ...core.report import intersection_grid
from ...core.texts import integer, number, t
from ...core.thresholds import ALPHA, FOUR_FIFTHS
from ...core.world import CATEGORIES, GROUP_ATTRIBUTES
from ..style import plot_widget, set_axis_language, STYLE, compact_combo, fit_axis_to_labels, style_plot
from .base import AttributeChooser, StageChooser, View, caption, value_label

# Impact ratio 0 (dark red) through 0.8 (light) and 1.0 (white) to 1.5 and above (blue): a
# diverging red–blue scale that stays readable with red–green colour blindness.
COLOURS = pg.ColorMap(pos=np.array([0.0, FOUR_FIFTHS, 1.0, 1.5]) / 1.5,
                      color=[(178, 24, 43), (244, 165, 130), (247, 247, 247), (67, 147, 195)])
HIDDEN = (215, 215, 215)
CHANCE = (236, 236, 236)  # what a cell that could be chance is faded towards
PALE = 0.8
MUTED_TEXT = "#8A8A8A"


def ratio_two_decimals(x: float, lang: str) -> str:
    """An impact ratio with two decimals in every cell. Where rounding would carry it across the
    0.8 line (0.796 to 0.80) it is cut instead (0.79), so a cell shown bold as below 0.8 never reads
    0.80; the other views show such a value with more decimals (format_ratio)."""
    if not math.isfinite(x):
        return "—"
    shown = round(x, 2)
    if (shown < FOUR_FIFTHS) != (x < FOUR_FIFTHS):
        shown = math.floor(x * 100) / 100 if x < FOUR_FIFTHS else math.ceil(x * 100) / 100
    return number(shown, lang, 2)


class IntersectionsView(View):
    key = "intersections"
    # The view shows one intersection grid: ``prepare`` computes that grid (not every intersection
    # table) in the worker thread, for the choice the view last drew.
    NEEDS = ()

    def __init__(self, controller, parent=None):
        super().__init__(controller, parent)
        self.rows_chooser = AttributeChooser(GROUP_ATTRIBUTES, self.lang, default="gender")
        self.cols_chooser = AttributeChooser(GROUP_ATTRIBUTES, self.lang, default="age_band")
        self.third_chooser = compact_combo(QComboBox(), 20)
        self.stage_chooser = StageChooser()
        self.labels = [QLabel() for _ in range(4)]
        for w in (self.rows_chooser, self.cols_chooser, self.third_chooser, self.stage_chooser):
            w.currentIndexChanged.connect(self.refresh)
        self.plot_widget = plot_widget()
        self.plot_widget.setMouseEnabled(False, False)
        self.plot = self.plot_widget.getPlotItem()
        self.plot.setMenuEnabled(False)
        self.plot.invertY(True)
        self.disclosure = caption()
        self.explain = caption()
        top = QGridLayout()
        for k, (label, widget) in enumerate(zip(self.labels, (self.rows_chooser, self.cols_chooser,
                                                              self.third_chooser, self.stage_chooser))):
            top.addWidget(label, k // 2, 2 * (k % 2))
            top.addWidget(widget, k // 2, 2 * (k % 2) + 1)
        top.setColumnStretch(4, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.plot_widget, 1)
        layout.addWidget(self.disclosure)
        layout.addWidget(self.explain)
        self._choice = None  # what ``render`` last drew: ``prepare`` reads it in the worker
        self._fill_third()
        self.retranslate()

    def _fill_third(self) -> None:
        current = self.third_chooser.currentData()
        self.third_chooser.blockSignals(True)
        self.third_chooser.clear()
        self.third_chooser.addItem(t("gui.intersections.no_third", self.lang), None)
        used = {self.rows_chooser.attribute(), self.cols_chooser.attribute()}
        for a in GROUP_ATTRIBUTES:
            if a in used:
                continue
            for v in CATEGORIES[a]:
                self.third_chooser.addItem(f"{t(f'attribute.{a}', self.lang)}: {value_label(a, v, self.lang)}", (a, v))
        index = self.third_chooser.findData(current)
        self.third_chooser.setCurrentIndex(index if index >= 0 else 0)
        self.third_chooser.blockSignals(False)

    def retranslate(self) -> None:
        for label, key in zip(self.labels, ("rows", "columns", "third", "stage")):
            label.setText(t(f"gui.intersections.{key}", self.lang))
        self.rows_chooser.retranslate(self.lang)
        self.cols_chooser.retranslate(self.lang)
        self.stage_chooser.refill(self.result, self.lang)
        self._fill_third()
        self.explain.setText(t("gui.intersections.explain", self.lang))
        super().retranslate()

    def set_result(self, result) -> None:
        self.stage_chooser.refill(result, self.lang)
        super().set_result(result)

    def choice(self) -> tuple:
        """(rows, columns, stage, third) as the choosers show them now (the window's thread only)."""
        rows, cols = self.rows_chooser.attribute(), self.cols_chooser.attribute()
        third = self.third_chooser.currentData()
        if third is not None and third[0] in (rows, cols):
            third = None
        return rows, cols, self.stage_chooser.stage(), tuple(third) if third is not None else None

    def prepare(self, result) -> None:
        """In the worker: the grid of the choice last drawn (plain values, read without touching a
        widget), kept with the run for ``render``. A choice changed meanwhile is computed there."""
        choice = self._choice
        if choice is None or choice[0] == choice[1]:
            return
        rows, cols, stage, third = choice
        if stage < result.outcome.n_stages:
            intersection_grid(result.measurement, rows, cols, stage, third).p_value  # Fisher's tests here

    def grid(self):
        rows, cols, stage, third = self._choice = self.choice()
        return intersection_grid(self.result.measurement, rows, cols, stage, third)

    def _make_items(self) -> None:
        """One image and a pool of cell labels, made once and then updated (faster than re-creating)."""
        self.image = pg.ImageItem(np.zeros((1, 1, 3), dtype=np.ubyte))
        self.image.setZValue(-1)
        self.plot.addItem(self.image)
        self.cell_labels: list[pg.TextItem] = []
        self._label_state: dict[int, tuple] = {}  # label -> (text, bold, scale, column, row) shown
        self._styled = None
        self._third_key = None

    def _cell_label(self, k: int) -> pg.TextItem:
        while len(self.cell_labels) <= k:
            item = pg.TextItem("", color="#111111", anchor=(0.5, 0.5))
            self.plot.addItem(item)
            self.cell_labels.append(item)
        return self.cell_labels[k]

    def render(self) -> None:
        if not hasattr(self, "image"):
            self._make_items()
        lang = self.lang
        set_axis_language(self.plot, lang)
        rows_attr, cols_attr = self.rows_chooser.attribute(), self.cols_chooser.attribute()
        third_key = (rows_attr, cols_attr, lang)
        if third_key != self._third_key:
            self._fill_third()
            self._third_key = third_key
        if rows_attr == cols_attr:
            self._choice = None  # nothing to prepare
            self.image.setVisible(False)
            for item in self.cell_labels:
                item.setVisible(False)
            self.disclosure.setText(t("gui.intersections.same", lang))
            return
        grid = self.grid()
        n_rows, n_cols = grid.impact_ratio.shape
        # One colour map call for every cell (the same colours as one call per cell).
        shown = ~grid.hidden & np.isfinite(grid.impact_ratio)
        chance = self.chance(grid)
        colours = COLOURS.map(np.minimum(np.where(shown, grid.impact_ratio, 0.0), 1.5) / 1.5, mode="byte")[..., :3]
        # A difference that could be chance keeps only a trace of its colour: it is not a finding.
        pale = colours.astype(float) * (1 - PALE) + np.array(CHANCE, dtype=float) * PALE
        colours = np.where(chance[..., None], pale, colours)
        image = np.where(shown[..., None], colours, np.array(HIDDEN, dtype=np.ubyte)).astype(np.ubyte)
        image = np.ascontiguousarray(image.transpose(1, 0, 2))  # ImageItem is column-major (x, y)
        k = 0
        for r in range(n_rows):
            for c in range(n_cols):
                item = self._cell_label(k)
                # A label is set again only where it changed (a new run mostly changes some numbers).
                muted = bool(chance[r, c])
                state = (self._cell_text(grid, r, c, lang), bool(grid.below_four_fifths[r, c]) and not muted,
                         STYLE.scale, c, r, muted)
                if self._label_state.get(k) != state:
                    previous = self._label_state.get(k)
                    if previous is None or previous[0] != state[0]:
                        item.setText(state[0])
                    if previous is None or previous[1:3] != state[1:3]:
                        item.setFont(STYLE.font(9, bold=state[1]))
                    if previous is None or previous[5] != muted:
                        item.setColor(MUTED_TEXT if muted else "#111111")
                    item.setPos(c + 0.5, r + 0.5)
                    self._label_state[k] = state
                item.setVisible(True)
                k += 1
        for item in self.cell_labels[k:]:
            item.setVisible(False)
        self.image.setImage(image, autoLevels=False, levels=(0, 255))
        self.image.setRect(pg.QtCore.QRectF(0, 0, n_cols, n_rows))
        self.image.setVisible(True)
        self.plot.getAxis("left").setTicks([[(r + 0.5, value_label(rows_attr, v, lang)) for r, v in enumerate(grid.rows)]])
        self.plot.getAxis("bottom").setTicks([[(c + 0.5, value_label(cols_attr, v, lang))
                                               for c, v in enumerate(grid.columns)]])
        self.plot.setXRange(0, n_cols, padding=0)
        self.plot.setYRange(0, n_rows, padding=0)
        if self._styled != (STYLE.scale, lang):
            style_plot(self.plot)
            # Room for the column labels at any font size (presentation mode clipped their tops).
            from PySide6.QtGui import QFontMetrics

            self.plot.getAxis("bottom").setHeight(QFontMetrics(STYLE.font(10)).height() + 16)
            self._styled = (STYLE.scale, lang)
        fit_axis_to_labels(self.plot.getAxis("left"), [value_label(rows_attr, v, lang) for v in grid.rows])
        if grid.hidden_cells:
            self.disclosure.setText(t("gui.intersections.disclosure", lang, cells=grid.hidden_cells,
                                      count=grid.hidden_cells, candidates=integer(grid.hidden_candidates, lang)))
        else:  # nothing hidden: no "0 cells are hidden (0 candidates)"
            self.disclosure.clear()

    @staticmethod
    def chance(grid) -> np.ndarray:
        """Cells shown whose difference from the reference cell could be chance: Fisher's test
        (from core) not significant at 5%, or no test at all (the reference cell itself is not
        marked: its ratio is 1 by definition)."""
        shown = ~grid.hidden & np.isfinite(grid.impact_ratio)
        p = np.asarray(grid.p_value, dtype=float)
        reference = np.isclose(grid.impact_ratio, 1.0) & ~np.isfinite(p)
        return shown & ~reference & ~(p < ALPHA)

    @staticmethod
    def _cell_text(grid, r, c, lang) -> str:
        if grid.hidden[r, c]:  # a hidden cell shows no numbers at all
            return t("gui.intersections.hidden", lang)
        n = integer(int(grid.n[r, c]), lang)
        if not math.isfinite(grid.impact_ratio[r, c]):
            return t("gui.status.not_enough", lang) + f"\nn = {n}"
        return f"{ratio_two_decimals(grid.impact_ratio[r, c], lang)}\n{number(100 * grid.rate[r, c], lang, 1)}% · n = {n}"

    def data(self):
        return self.grid()
