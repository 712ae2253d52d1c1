"""Study: a published study's exact figures with the simulator's statistics, beside the simulation."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem, QVBoxLayout

from ...core.replay import replay_report, simulated_rates
from ...core.texts import integer, number, percent, pick, t
from ...core.verdict import format_p
from .base import View, caption


class StudyView(View):
    key = "study"

    def __init__(self, controller, parent=None):
        super().__init__(controller, parent)
        self.heading = caption(bold=True)
        self.table = QTableWidget()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.notes = caption()
        self.notes.setTextFormat(Qt.TextFormat.RichText)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.notes)
        self.report = None
        self.retranslate()

    def render(self) -> None:
        lang = self.lang
        replay = self.controller.scenario.replay if self.controller.scenario else None
        self.table.clear()
        self.table.setRowCount(0)
        if replay is None:
            self.report = None
            self.heading.setText(t("gui.study.none", lang))
            self.notes.clear()
            return
        report = replay_report(replay, lang)
        self.report = report
        self.heading.setText(t("cli.replay.heading", lang, study=pick(replay.study, lang),
                               outcome=pick(replay.outcome, lang)))
        headers = [t("gui.study.col.part", lang), t("cli.col.group", lang), "n", t("cli.col.selected", lang),
                   t("cli.col.rate", lang), t("cli.col.ir", lang), t("cli.col.ir_ci", lang), t("cli.col.p", lang)]
        rows = []
        for part, frame in [(t("cli.replay.all", lang), report.pooled)] + [
                (t("cli.replay.stratum", lang, stratum=k), v) for k, v in report.per_stratum.items()]:
            for r in frame.itertuples():
                ref = bool(r.reference)
                rows.append([part, r.group, integer(r.n, lang), integer(r.selected, lang), percent(r.rate, lang),
                             t("cli.note.reference", lang) if ref else self._n(r.impact_ratio),
                             "" if ref else f"{self._n(r.impact_ratio_ci_low)}–{self._n(r.impact_ratio_ci_high)}",
                             "" if ref else format_p(r.p_value, lang)])
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setRowCount(len(rows))
        for i, row in enumerate(rows):
            for c, value in enumerate(row):
                item = QTableWidgetItem(str(value))
                if c >= 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, c, item)
        notes = []
        for st in report.stratified:
            notes.append(t("cli.audit.stratified", lang, group=st["group"], reference=st["reference_group"],
                           strata=", ".join(report.per_stratum), odds=number(st["odds_ratio_focal"], lang, 3),
                           p=format_p(st["cmh_p_value"], lang), bd=format_p(st["breslow_day_p_value"], lang)))
        for r in simulated_rates(replay, self.result.outcome, lang).itertuples():
            notes.append(t("cli.replay.simulated", lang, group=r.group, published=percent(r.published_rate, lang),
                           simulated=percent(r.simulated_rate, lang), n=integer(r.simulated_n, lang),
                           z=number(r.z, lang)))
        if replay.citation:
            notes.append(f"<i>{replay.citation}</i>")
        self.notes.setText("<br>".join(notes))

    def _n(self, value) -> str:
        return "—" if value is None or not math.isfinite(value) else number(value, self.lang)

    def data(self):
        return self.report
