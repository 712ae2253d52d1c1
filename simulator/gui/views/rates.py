"""Selection rates per group with Wilson intervals, and impact ratios with Katz intervals."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout

from ...core.metrics import STATUS_FEW, STATUS_NOT_ENOUGH
from ...core.texts import number, percent, t
from ...core.verdict import format_p
from ..style import GREY, REFERENCE_LINE, STYLE, group_colour, style_plot
from .base import AttributeChooser, StageChooser, View, caption, value_label


class RatesView(View):
    key = "rates"

    def __init__(self, controller, parent=None):
        super().__init__(controller, parent)
        self.chooser = AttributeChooser(lang=self.lang, default="gender")
        self.stage_chooser = StageChooser()
        self.chooser.currentIndexChanged.connect(self.refresh)
        self.stage_chooser.currentIndexChanged.connect(self.refresh)
        self.chooser_label, self.stage_label = QLabel(), QLabel()
        self.explain = caption()
        self.rate_widget = pg.PlotWidget()
        self.ratio_widget = pg.PlotWidget()
        for w in (self.rate_widget, self.ratio_widget):
            w.setMouseEnabled(False, False)
            w.getPlotItem().setMenuEnabled(False)
        top = QHBoxLayout()
        for w in (self.chooser_label, self.chooser, self.stage_label, self.stage_chooser):
            top.addWidget(w)
        top.addStretch(1)
        plots = QHBoxLayout()
        plots.addWidget(self.rate_widget, 1)
        plots.addWidget(self.ratio_widget, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(plots, 1)
        layout.addWidget(self.explain)
        self.retranslate()

    def retranslate(self) -> None:
        self.chooser_label.setText(t("gui.choose.attribute", self.lang))
        self.stage_label.setText(t("gui.choose.stage", self.lang))
        self.chooser.retranslate(self.lang)
        self.stage_chooser.refill(self.result, self.lang)
        self.explain.setText(t("gui.rates.explain", self.lang))
        super().retranslate()

    def set_result(self, result) -> None:
        self.stage_chooser.refill(result, self.lang)
        super().set_result(result)

    def rows(self):
        g = self.result.measurement.groups
        return g[(g["stage"] == self.stage_chooser.stage()) & (g["attribute"] == self.chooser.attribute())
                 ].reset_index(drop=True)

    def render(self) -> None:
        lang = self.lang
        attribute = self.chooser.attribute()
        rows = self.rows()
        rows = rows[rows["n"] > 0].reset_index(drop=True)
        y = np.arange(len(rows))[::-1].astype(float)
        labels = [value_label(attribute, g, lang) for g in rows["group"]]
        rate_plot = self.rate_widget.getPlotItem()
        ratio_plot = self.ratio_widget.getPlotItem()
        rate_plot.clear()
        ratio_plot.clear()
        max_rate = 0.0
        max_ratio = 1.25
        for i, row in rows.iterrows():
            colour = group_colour(self._code(attribute, row["group"]))
            weak = row["status"] in (STATUS_NOT_ENOUGH,)
            brush = pg.mkBrush(GREY if weak else colour)
            pen = pg.mkPen(colour.darker(130), width=STYLE.pen_width())
            rate = row["rate"]
            rate_plot.addItem(pg.BarGraphItem(x0=0, y=[y[i]], height=0.6, width=[100 * rate], brush=brush, pen=pen))
            if not weak:
                err = pg.ErrorBarItem(x=np.array([100 * rate]), y=np.array([y[i]]),
                                      left=np.array([100 * (rate - row["rate_ci_low"])]),
                                      right=np.array([100 * (row["rate_ci_high"] - rate)]), beam=0.2,
                                      pen=pg.mkPen("#222222", width=STYLE.pen_width(1.5)))
                rate_plot.addItem(err)
                max_rate = max(max_rate, 100 * row["rate_ci_high"])
            text = percent(rate, lang)
            if weak:
                text = t("gui.status.not_enough", lang)
            elif row["status"] == STATUS_FEW:
                text += " · " + t("gui.status.too_few", lang)
            self._label(rate_plot, text, 0, y[i] + 0.42)
            # impact ratio
            ir = row["impact_ratio"]
            if row["reference"]:
                self._label(ratio_plot, t("gui.rates.reference", lang), 0.02, y[i] + 0.42)
                ratio_plot.addItem(pg.BarGraphItem(x0=0, y=[y[i]], height=0.6, width=[1.0], brush=pg.mkBrush(colour),
                                                   pen=pen))
            elif weak or not math.isfinite(ir):
                self._label(ratio_plot, t("gui.status.not_enough", lang), 0.02, y[i] + 0.42)
            else:
                ratio_plot.addItem(pg.BarGraphItem(x0=0, y=[y[i]], height=0.6, width=[ir], brush=brush, pen=pen))
                lo, hi = row["impact_ratio_ci_low"], row["impact_ratio_ci_high"]
                if math.isfinite(lo) and math.isfinite(hi):
                    ratio_plot.addItem(pg.ErrorBarItem(x=np.array([ir]), y=np.array([y[i]]), left=np.array([ir - lo]),
                                                       right=np.array([hi - ir]), beam=0.2,
                                                       pen=pg.mkPen("#222222", width=STYLE.pen_width(1.5))))
                    max_ratio = max(max_ratio, min(hi, 3.0))
                note = f"{number(ir, lang)}  ({format_p(row['p_value'], lang)})"
                if row["status"] == STATUS_FEW:
                    note += " · " + t("gui.status.too_few", lang)
                self._label(ratio_plot, note, 0.02, y[i] + 0.42)
        line = pg.InfiniteLine(pos=0.8, angle=90, pen=pg.mkPen(REFERENCE_LINE, width=STYLE.pen_width(1.5),
                                                                 style=pg.QtCore.Qt.PenStyle.DashLine))
        ratio_plot.addItem(line)
        rule = pg.TextItem(t("gui.rates.rule_of_thumb", lang), color=REFERENCE_LINE, anchor=(0, 1))
        rule.setFont(STYLE.font(8.5))
        rule.setPos(0.81, len(rows) - 0.35)
        ratio_plot.addItem(rule)
        ratio_plot.addItem(pg.InfiniteLine(pos=1.0, angle=90, pen=pg.mkPen("#BBBBBB", width=STYLE.pen_width())))
        ticks = [[(y[i], labels[i]) for i in range(len(rows))]]
        for plot, title, xmax in ((rate_plot, t("gui.rates.rate_title", lang), max(max_rate * 1.1, 5)),
                                  (ratio_plot, t("gui.rates.ratio_title", lang), max_ratio * 1.05)):
            plot.getAxis("left").setTicks(ticks)
            plot.setTitle(title, size=f"{11 * STYLE.scale:.0f}pt")
            plot.setXRange(0, xmax, padding=0)
            plot.setYRange(-0.6, len(rows) - 0.1, padding=0)
            style_plot(plot)
        rate_plot.setLabel("bottom", t("gui.rates.rate_axis", lang))
        ratio_plot.setLabel("bottom", t("gui.rates.ratio_axis", lang))
        ratio_plot.getAxis("left").setWidth(int(8 * STYLE.scale * max((len(s) for s in labels), default=4)))
        rate_plot.getAxis("left").setWidth(int(8 * STYLE.scale * max((len(s) for s in labels), default=4)))

    @staticmethod
    def _code(attribute, group):
        from ...core.world import CATEGORIES

        return CATEGORIES[attribute].index(group)

    @staticmethod
    def _label(plot, text, x, y):
        item = pg.TextItem(text, color="#222222", anchor=(0, 0.5))
        item.setFont(STYLE.font(8.5))
        item.setPos(x, y)
        plot.addItem(item)
        return item

    def data(self):
        return self.rows()


