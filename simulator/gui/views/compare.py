"""Compare: freeze a run as A, change things, and see A and B side by side, with who flipped."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QPushButton, QSplitter, QTableWidgetItem, QVBoxLayout

from ...core.export import candidate_names
from ...core.report import compare_runs
from ...core.texts import integer, number, percent, t
from ...core.world import CATEGORIES
from ..style import STYLE
from .base import View, caption, read_only_table, value_label

MAX_LISTED = 500


class CompareView(View):
    key = "compare"

    def __init__(self, controller, parent=None):
        super().__init__(controller, parent)
        self.freeze_button = QPushButton()
        self.freeze_button.clicked.connect(controller.freeze)
        controller.frozen_changed.connect(self._frozen_changed)
        self.status = caption(points=10.5, bold=True)
        self.groups = read_only_table(fit_columns=False)
        self.flips = read_only_table(fit_columns=False)
        self.totals = caption()
        top = QHBoxLayout()
        top.addWidget(self.freeze_button)
        top.addWidget(self.status, 1)
        self.split = split = QSplitter()
        split.addWidget(self.groups)
        split.addWidget(self.flips)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addStretch(0)
        layout.addWidget(self.totals)
        self.comparison = None
        self.retranslate()

    def retranslate(self) -> None:
        self.freeze_button.setText(t("gui.compare.freeze", self.lang))
        super().retranslate()

    def _frozen_changed(self) -> None:
        self._dirty = True
        if self.isVisible():
            self.refresh()

    def render(self) -> None:
        lang = self.lang
        frozen = self.controller.frozen
        self.groups.clear()
        self.flips.clear()
        self.groups.setRowCount(0)
        self.flips.setRowCount(0)
        self.totals.clear()
        if frozen is None:
            self.comparison = None
            self.status.setText(t("gui.compare.how", lang))
            self.split.hide()  # one line, not two empty tables
            return
        comparison = compare_runs(frozen.measurement, self.result.measurement)
        self.comparison = comparison
        if comparison.same_pool and not len(comparison.flipped) and self._same_rates(comparison):
            self.status.setText(t("gui.compare.same", lang, a=integer(int(frozen.outcome.selected.sum()), lang)))
            self.split.hide()
            return
        self.split.show()
        self.status.setText(t("gui.compare.status", lang, a=integer(int(frozen.outcome.selected.sum()), lang),
                              b=integer(int(self.result.outcome.selected.sum()), lang)))
        headers = [t("cli.col.group", lang), t("gui.compare.rate_a", lang), t("gui.compare.rate_b", lang),
                   t("gui.compare.ir_a", lang), t("gui.compare.ir_b", lang)]
        self.groups.setColumnCount(len(headers))
        self.groups.setHorizontalHeaderLabels(headers)
        rows = comparison.groups
        self.groups.setRowCount(len(rows))
        for r, row in enumerate(rows.itertuples()):
            values = [f"{t(f'attribute.{row.attribute}', lang)}: {value_label(row.attribute, row.group, lang)}",
                      self._percent(row.rate_a, lang), self._percent(row.rate_b, lang),
                      self._ratio(row.impact_ratio_a, lang), self._ratio(row.impact_ratio_b, lang)]
            for c, v in enumerate(values):
                item = QTableWidgetItem(v)
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if c == 4 and math.isfinite(row.impact_ratio_b) and math.isfinite(row.impact_ratio_a):
                    better = row.impact_ratio_b > row.impact_ratio_a + 0.02
                    worse = row.impact_ratio_b < row.impact_ratio_a - 0.02
                    if better or worse:
                        item.setBackground(QBrush(QColor("#D9F0D3" if better else "#FBD9D3")))
                self.groups.setItem(r, c, item)
        self.groups.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        if not comparison.same_pool:
            self.totals.setText(t("gui.compare.other_pool", lang))
            return
        flipped = comparison.flipped
        pool = self.result.pool
        sel_a, sel_b = frozen.outcome.selected, self.result.outcome.selected
        headers = [t("gui.candidates.col.name", lang), t("gui.candidates.col.gender", lang),
                   t("gui.candidates.col.origin", lang), t("gui.compare.change", lang)]
        self.flips.setColumnCount(len(headers))
        self.flips.setHorizontalHeaderLabels(headers)
        listed = flipped[:MAX_LISTED]
        names = candidate_names(pool, listed) if len(listed) else []
        self.flips.setRowCount(len(listed))
        for r, i in enumerate(listed):
            change = t("gui.compare.now_selected" if sel_b[i] and not sel_a[i] else "gui.compare.now_rejected", lang)
            values = [str(names[r]), value_label("gender", CATEGORIES["gender"][pool["gender"][i]], lang),
                      value_label("origin", CATEGORIES["origin"][pool["origin"][i]], lang), change]
            for c, v in enumerate(values):
                self.flips.setItem(r, c, QTableWidgetItem(v))
        self.flips.resizeColumnsToContents()
        totals = comparison.flip_totals
        parts = []
        for attribute in ("gender", "origin"):
            for row in totals[totals["attribute"] == attribute].itertuples():
                if row.newly_selected or row.newly_rejected:
                    parts.append(t("gui.compare.total", lang, group=value_label(attribute, row.group, lang),
                                   up=integer(row.newly_selected, lang), down=integer(row.newly_rejected, lang)))
        summary = t("gui.compare.flipped", lang, count=len(flipped))
        if len(flipped) > MAX_LISTED:
            summary += " " + t("gui.compare.listed", lang, shown=MAX_LISTED)
        self.totals.setText(summary + ("  " + "; ".join(parts) if parts else ""))
        self.totals.setFont(STYLE.font(10))

    @staticmethod
    def _same_rates(comparison) -> bool:
        rows = comparison.groups
        return bool(((rows["rate_a"] == rows["rate_b"]) | (rows["rate_a"].isna() & rows["rate_b"].isna())).all())

    @staticmethod
    def _percent(x, lang: str) -> str:
        return percent(x, lang) if math.isfinite(x) else "—"  # hidden: under the size gate

    @staticmethod
    def _ratio(value, lang):
        return "—" if value is None or not math.isfinite(value) else number(value, lang)

    def data(self):
        return self.comparison
