"""Funnel: per group, the share of applicants still in after each stage."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout

from ...core.report import funnel
from ...core.texts import integer, percent, t
from ..style import BarSample, plot_widget, set_axis_language, STYLE, group_colour, style_plot
from .base import AttributeChooser, View, caption, value_label


class FunnelView(View):
    key = "funnel"

    def __init__(self, controller, parent=None):
        super().__init__(controller, parent)
        self.chooser = AttributeChooser(lang=self.lang, default="gender")
        self.chooser.currentIndexChanged.connect(self.refresh)
        self.chooser_label = QLabel()
        self.explain = caption()
        self.plot_widget = plot_widget()
        self.plot = self.plot_widget.getPlotItem()
        self.plot.setMenuEnabled(False)
        self.plot_widget.setMouseEnabled(False, False)
        self.legend = self.plot.addLegend(offset=(-10, 10), labelTextSize=f"{10 * STYLE.scale:.0f}pt",
                                          sampleType=BarSample)  # squares, no stray dash
        top = QHBoxLayout()
        top.addWidget(self.chooser_label)
        top.addWidget(self.chooser)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.explain)
        layout.addWidget(self.plot_widget, 1)
        self._layout_key = None  # what the bars and labels were built for
        self.retranslate()

    def retranslate(self) -> None:
        self.chooser_label.setText(t("gui.choose.attribute", self.lang))
        self.chooser.retranslate(self.lang)
        self.explain.setText(t("gui.funnel.explain", self.lang))
        super().retranslate()

    def render(self) -> None:
        lang = self.lang
        set_axis_language(self.plot, lang)
        outcome = self.result.outcome
        attribute = self.chooser.attribute()
        table = funnel(outcome, attribute)
        steps = list(range(outcome.n_stages + 1))
        counts = table[steps].to_numpy(dtype=float)  # rows: groups; columns: applied, after each stage
        applied = counts[:, 0]
        # Groups under the size gate are hidden here as in every table: no bars, no counts.
        shown = [i for i, (n, hidden) in enumerate(zip(applied, table["hidden"])) if n > 0 and not hidden]
        names = [t("gui.funnel.applied", lang)] + [stage.title(lang) for stage in outcome.pipeline.stages]
        layout_key = (attribute, tuple(shown), tuple(names), lang, STYLE.scale)
        width = 0.8 / max(len(shown), 1)
        if layout_key != self._layout_key:
            # New groups, stages or language: build the items. A parameter change keeps this layout
            # and only moves the existing bars and labels (much faster than re-creating them).
            self._layout_key = layout_key
            self.plot.clear()
            self.legend.clear()
            self.legend.setLabelTextSize(f"{10 * STYLE.scale:.0f}pt")
            self._bars, self._labels = [], []
            for k, g in enumerate(shown):
                colour = group_colour(g)
                bars = pg.BarGraphItem(x=np.zeros(len(steps)), height=np.zeros(len(steps)), width=width * 0.92,
                                       brush=colour, pen=pg.mkPen(colour.darker(130), width=STYLE.pen_width()))
                self.plot.addItem(bars)
                self.legend.addItem(bars, value_label(attribute, table.loc[g, "group"], lang))
                self._bars.append(bars)
                row = []
                for _ in steps:
                    label = pg.TextItem("", color="#222222", anchor=(0.5, 1.0))
                    label.setFont(STYLE.font(9))  # 9 pt × 1.8 on a projector: 22 px
                    self.plot.addItem(label)
                    row.append(label)
                self._labels.append(row)
            self.plot.getAxis("bottom").setTicks([[(i, name) for i, name in enumerate(names)]])
            self.plot.getAxis("left").setTicks([[(v, percent(v / 100, lang, 0)) for v in range(0, 101, 20)]])
            self.plot.setLabel("left", t("gui.funnel.y", lang))
            self.plot.setYRange(0, 112, padding=0)
            self.plot.setXRange(-0.6, outcome.n_stages + 0.6, padding=0)
            style_plot(self.plot)
            self.plot.getAxis("bottom").setHeight(int(36 * STYLE.scale))
        for k, g in enumerate(shown):
            share = counts[g] / applied[g]
            x = np.array(steps) - 0.4 + width * (k + 0.5)
            self._bars[k].setOpts(x=x, height=100 * share)
            for label, xi, s, n in zip(self._labels[k], x, share, counts[g]):
                label.setText(integer(int(n), lang))
                label.setPos(xi, 100 * s + 1)

    def data(self):
        """The numbers drawn, for tests: the funnel table of the chosen attribute."""
        return funnel(self.result.outcome, self.chooser.attribute())
