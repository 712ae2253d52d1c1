"""Selection rates per group with Wilson intervals, and impact ratios with MOVER-R intervals."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout

from ...core.grouptable import OVERALL, STATUS_FEW
from ...core.texts import percent, t
from ...core.thresholds import ALPHA, FOUR_FIFTHS
from ...core.verdict import format_p, format_ratio
from ..style import (fit_title, readable_step, two_lines, plot_widget, set_axis_language, GREY, REFERENCE_LINE, STYLE, fit_axis_to_labels, group_colour,
                     style_plot)
from .intersections import MUTED_TEXT
from .base import AttributeChooser, StageChooser, View, caption, value_label


HATCH = pg.QtCore.Qt.BrushStyle.BDiagPattern


class RatesView(View):
    key = "rates"

    def __init__(self, controller, parent=None):
        super().__init__(controller, parent)
        self.chooser = AttributeChooser(lang=self.lang, default="gender")
        self.stage_chooser = StageChooser()
        self.chooser.currentIndexChanged.connect(self.refresh)
        self.stage_chooser.currentIndexChanged.connect(self.refresh)
        self.chooser_label, self.stage_label = QLabel(), QLabel()
        # Several vacancies in one pool: the rates within each vacancy, beside (instead of) the pooled ones.
        self.per_stratum = QCheckBox()
        self.per_stratum.setVisible(False)
        self.per_stratum.toggled.connect(self.refresh)
        self.explain = caption()
        # Where one pool applies for several vacancies, the within-vacancy comparison belongs next to
        # the pooled bars (Simpson's paradox), not only in the verdict's tooltip.
        self.strata_note = caption(bold=True)
        self.strata_note.setVisible(False)
        self.rate_widget = plot_widget()
        self.ratio_widget = plot_widget()
        for w in (self.rate_widget, self.ratio_widget):
            w.setMouseEnabled(False, False)
            w.getPlotItem().setMenuEnabled(False)
        top = QHBoxLayout()
        for w in (self.chooser_label, self.chooser, self.stage_label, self.stage_chooser, self.per_stratum):
            top.addWidget(w)
        top.addStretch(1)
        plots = QHBoxLayout()
        plots.addWidget(self.rate_widget, 1)
        plots.addWidget(self.ratio_widget, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.strata_note)
        layout.addLayout(plots, 1)
        layout.addWidget(self.explain)
        self._styled = None
        self.retranslate()

    def retranslate(self) -> None:
        self.chooser_label.setText(t("gui.choose.attribute", self.lang))
        self.stage_label.setText(t("gui.choose.stage", self.lang))
        self.per_stratum.setText(t("gui.rates.per_vacancy", self.lang))
        self.chooser.retranslate(self.lang)
        self.stage_chooser.refill(self.result, self.lang)
        self.explain.setText(t("gui.rates.explain", self.lang))
        super().retranslate()

    def set_result(self, result) -> None:
        self.stage_chooser.refill(result, self.lang)
        super().set_result(result)

    def prepare(self, result) -> None:
        super().prepare(result)
        result.measurement.singles  # the bars' tests, here in the worker
        if result.measurement.strata == "applied_for":
            result.measurement.findings  # the note on the comparison within vacancies

    def showing_strata(self) -> bool:
        """The rates within each vacancy are shown (several vacancies, the box ticked, overall)."""
        return (self.per_stratum.isChecked() and self.result is not None
                and self.result.measurement.strata == "applied_for" and self.stage_chooser.stage() == OVERALL)

    def rows(self):
        if self.showing_strata():
            from ...core.strata import rates_per_stratum  # pandas: loaded by the first run, not the window

            return rates_per_stratum(self.result.measurement, self.chooser.attribute())
        # Single attributes only: the singles table is ready, the intersections are computed lazily.
        g = self.result.measurement.singles
        return g[(g["stage"] == self.stage_chooser.stage()) & (g["attribute"] == self.chooser.attribute())
                 ].reset_index(drop=True)

    def _make_items(self) -> None:
        """The plot items, made once and then updated with new data (much faster than re-creating)."""
        self.items = {}
        for name, widget in (("rate", self.rate_widget), ("ratio", self.ratio_widget)):
            plot = widget.getPlotItem()
            bars = pg.BarGraphItem(x0=[0], y=[0], height=0.6, width=[0])
            errors = pg.ErrorBarItem(x=np.zeros(1), y=np.zeros(1), left=np.zeros(1), right=np.zeros(1), beam=0.2)
            plot.addItem(bars)
            plot.addItem(errors)
            self.items[name] = {"plot": plot, "bars": bars, "errors": errors, "labels": []}
            plot.vb.sigResized.connect(self.place)  # the numbers and bars fit the new pixels
        ratio_plot = self.items["ratio"]["plot"]
        self.line = pg.InfiniteLine(pos=FOUR_FIFTHS, angle=90)
        self.one = pg.InfiniteLine(pos=1.0, angle=90)
        # Left of the 0.8 line, where the axis has room; to its right it ran off the chart.
        self.rule = pg.TextItem("", color=REFERENCE_LINE, anchor=(1, 0))  # hangs from the top edge
        for item in (self.line, self.one, self.rule):
            ratio_plot.addItem(item)

    def _labels(self, name: str, count: int) -> list:
        entry = self.items[name]
        while len(entry["labels"]) < count:
            label = pg.TextItem("", color="#222222", anchor=(0, 0.5))
            entry["plot"].addItem(label)
            entry["labels"].append(label)
        for k, label in enumerate(entry["labels"]):
            label.setVisible(k < count)
        return entry["labels"][:count]  # the visible ones: one per bar drawn now

    def render(self) -> None:
        if not hasattr(self, "items"):
            self._make_items()
        lang = self.lang
        for item in self.items.values():
            set_axis_language(item["plot"], lang)
        attribute = self.chooser.attribute()
        # Where one pool applies for several vacancies, the comparison within them (Simpson's paradox)
        # belongs beside the pooled bars; the findings say it.
        note = []
        measurement = self.result.measurement
        several = measurement.strata == "applied_for"
        self.per_stratum.setVisible(several)
        self.per_stratum.setEnabled(several and self.stage_chooser.stage() == OVERALL)
        if several and self.stage_chooser.stage() == OVERALL:
            findings = measurement.findings
            if findings.stratified and findings.stratified["attribute"] == attribute:
                note = findings.stratified_sentences(lang)
        self.strata_note.setText(note[0] if note else "")
        self.strata_note.setVisible(bool(note) and not self.showing_strata())  # the bars per vacancy show it
        rows = self.rows()
        rows = rows[rows["n"] > 0].reset_index(drop=True)
        count = len(rows)
        y = np.arange(count)[::-1].astype(float)
        if self.showing_strata() and count:  # half a row between vacancies, so each reads as a block
            new_block = np.r_[False, rows["stage"].to_numpy()[1:] != rows["stage"].to_numpy()[:-1]]
            down = np.arange(count) + 0.5 * np.cumsum(new_block)  # distance from the top row
            y = down.max() - down
        top = float(y.max()) + (1.5 if self.showing_strata() else 1) if count else 0.0
        labels = [value_label(attribute, g, lang) for g in rows["group"]]
        if self.showing_strata():  # "vacancy A · women"
            labels = [f"{value_label(measurement.strata, s, lang)} · {label}" for s, label in zip(rows["stage"], labels)]
        width = STYLE.pen_width()
        rate = rows["rate"].to_numpy(dtype=float)
        ratio = rows["impact_ratio"].to_numpy(dtype=float)
        status = rows["status"].to_numpy(dtype=object)
        reference = rows["reference"].to_numpy(dtype=bool)
        weak = rows["hidden"].to_numpy(dtype=bool)  # under the size gate: no bar, no number
        colours = [group_colour(self._code(attribute, g)) for g in rows["group"]]
        chance = self.chance(rows)
        # A difference that could be chance is hatched, its numbers grey: not a finding.
        brushes = [pg.mkBrush(GREY) if w else QBrush(c, HATCH) if ch else pg.mkBrush(c)
                   for w, c, ch in zip(weak, colours, chance)]
        pens = [pg.mkPen(c.darker(130), width=width) for c in colours]
        # rates with Wilson intervals
        rate_items = self.items["rate"]
        rate_items["bars"].setOpts(x0=np.zeros(count), y=y, height=0.6, width=np.where(weak, 0.0, 100 * np.nan_to_num(rate)),
                                   brushes=brushes, pens=pens)
        shown = ~weak
        low = rows["rate_ci_low"].to_numpy(dtype=float)
        high = rows["rate_ci_high"].to_numpy(dtype=float)
        error_pen = pg.mkPen("#222222", width=STYLE.pen_width(1.5))
        rate_items["errors"].setData(x=100 * rate[shown], y=y[shown], left=100 * (rate - low)[shown],
                                     right=100 * (high - rate)[shown], beam=0.2, pen=error_pen)
        for k, label in enumerate(self._labels("rate", count)):
            text = t("gui.status.hidden", lang) if weak[k] else percent(rate[k], lang)
            if status[k] == STATUS_FEW:
                text += " · " + t("gui.status.too_few", lang)
            label.setText(text)
            label.setFont(STYLE.font(9))
            label.setColor(MUTED_TEXT if chance[k] else "#222222")
        max_rate = max(float(np.nanmax(np.where(shown, 100 * high, 0))) if count else 0.0, 5.0) * 1.1
        # impact ratios with their intervals
        ratio_items = self.items["ratio"]
        drawn = reference | (~weak & np.isfinite(ratio))
        ratio_width = np.where(reference, 1.0, np.where(drawn, ratio, 0.0))
        ratio_items["bars"].setOpts(x0=np.zeros(count), y=y, height=0.6, width=ratio_width, brushes=brushes, pens=pens)
        ir_low = rows["impact_ratio_ci_low"].to_numpy(dtype=float)
        ir_high = rows["impact_ratio_ci_high"].to_numpy(dtype=float)
        whiskers = drawn & ~reference & np.isfinite(ir_low) & np.isfinite(ir_high)
        ratio_items["errors"].setData(x=ratio[whiskers], y=y[whiskers], left=(ratio - ir_low)[whiskers],
                                      right=(ir_high - ratio)[whiskers], beam=0.2, pen=error_pen)
        for k, label in enumerate(self._labels("ratio", count)):
            if reference[k]:
                text = t("gui.rates.reference", lang)
            elif weak[k]:
                text = t("gui.status.hidden", lang)
            elif not drawn[k]:
                text = t("gui.status.not_enough", lang)
            else:
                text = f"{format_ratio(ratio[k], lang)}  ({format_p(rows['p_value'].iloc[k], lang)})"
                if status[k] == STATUS_FEW:
                    text += " · " + t("gui.status.too_few", lang)
            label.setText(text)
            label.setFont(STYLE.font(9))
            label.setColor(MUTED_TEXT if chance[k] else "#222222")
        max_ratio = max(1.25, float(np.nanmax(np.where(whiskers, np.minimum(ir_high, 3.0), 0))) if count else 1.25)
        beside = None
        if self.showing_strata():
            # Many rows: each number beside its bar (after the whisker), not above it where the
            # row above would cover it; the axes make room for the text.
            rate_end = np.nan_to_num(np.where(shown, 100 * np.fmax(rate, high), 0.0))
            ratio_end = np.nan_to_num(np.where(whiskers, np.minimum(ir_high, 3.0), ratio_width))
            beside = {"rate": (rate_end, max_rate), "ratio": (ratio_end, max_ratio)}
            room = 1.75 if (status == STATUS_FEW).any() else 1.45  # "· too few to tell" is long
            max_rate, max_ratio = max_rate * room, max_ratio * room
        self.line.setPen(pg.mkPen(REFERENCE_LINE, width=STYLE.pen_width(1.5), style=pg.QtCore.Qt.PenStyle.DashLine))
        self.one.setPen(pg.mkPen("#BBBBBB", width=width))
        self.rule.setText(t("gui.rates.rule_of_thumb", lang))
        self.rule.setFont(STYLE.font(9))
        self._rows_drawn = {"y": y, "count": count, "beside": beside, "top": top}
        labels = [two_lines(label) for label in labels]
        ticks = [[(y[k], labels[k]) for k in range(count)]]
        for name, title, xmax in (("rate", t("gui.rates.rate_title", lang), max_rate),
                                  ("ratio", t("gui.rates.ratio_title", lang), max_ratio * 1.05)):
            plot = self.items[name]["plot"]
            plot.getAxis("left").setTicks(ticks)
            fit_axis_to_labels(plot.getAxis("left"), labels)
            self.items[name]["title"] = title
            plot.setXRange(0, xmax, padding=0)
            plot.getAxis("bottom").setTickSpacing(levels=[(readable_step(xmax), 0)])
        self.items["rate"]["plot"].setLabel("bottom", t("gui.rates.rate_axis", lang))
        self.items["ratio"]["plot"].setLabel("bottom", t("gui.rates.ratio_axis", lang))
        if self._styled != (STYLE.scale, lang):
            for name in ("rate", "ratio"):
                style_plot(self.items[name]["plot"])
            self._styled = (STYLE.scale, lang)
        self.place()

    def place(self, *_) -> None:
        """Fit the bars, their numbers, the titles and the "0.8" label to the pixels the charts
        have now (called again when a chart is resized). A number sits on the bar's top edge, in
        the gap to the row above; the bars get thinner where a row has few pixels (a 720-line
        projector), so the text never covers a bar; the "0.8" label has a band of its own above
        the top row; a title too wide for its chart is set smaller."""
        drawn = getattr(self, "_rows_drawn", None)
        if drawn is None:
            return
        y, count, beside = drawn["y"], drawn["count"], drawn["beside"]
        for name, entry in self.items.items():
            plot, labels = entry["plot"], self._labels(name, count)
            pixels = max(plot.vb.height(), 1.0)
            text_px = max([label.textItem.boundingRect().height() for label in labels]
                          + [self.rule.textItem.boundingRect().height()])
            span_rows = float(y.max()) + 1.0 if count else 1.0  # from -0.5 to the top row's +0.5
            # Room above the top row: for its number (half of it rises above the row) and for the
            # ratio chart's "0.8" label over it; the same in both charts, so their rows line up.
            band = (0.0 if beside is not None else text_px / 2 + 2) + text_px + 2
            row_px = max((pixels - band) / span_rows, 1.0)
            top = (float(y.max()) if count else 0.0) + 0.5 + band / row_px
            if beside is None:  # the number above its bar: the bar gives up what the text needs
                height = float(np.clip(1.0 - (text_px + 2) / row_px, 0.2, 0.6))
                for k, label in enumerate(labels):
                    label.setAnchor((0, 1))
                    label.setPos(0.0 if name == "rate" else 0.02, y[k] + height / 2)
            else:
                height = 0.6
                ends, span = beside[name]
                for k, label in enumerate(labels):
                    label.setAnchor((0, 0.5))
                    label.setPos(ends[k] + 0.015 * span, y[k])
            entry["bars"].setOpts(height=height)
            plot.setYRange(-0.5, top, padding=0)
            if name == "ratio":
                self.rule.setPos(FOUR_FIFTHS - 0.01, top)
            fit_title(plot, entry.get("title", ""))

    @staticmethod
    def chance(rows) -> np.ndarray:
        """Groups whose difference from the reference group could be chance: Fisher's test (from
        core) not significant at 5% or the ratio's 95% interval including 1; never the reference."""
        p = rows["p_value"].to_numpy(dtype=float)
        low = rows["impact_ratio_ci_low"].to_numpy(dtype=float)
        high = rows["impact_ratio_ci_high"].to_numpy(dtype=float)
        covers_one = (low <= 1.0) & (high >= 1.0)
        return ~rows["reference"].to_numpy(dtype=bool) & (~(p < ALPHA) | covers_one)

    @staticmethod
    def _code(attribute, group):
        from ...core.world import CATEGORIES

        return CATEGORIES[attribute].index(group)

    def data(self):
        return self.rows()


