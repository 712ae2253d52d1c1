"""Rules: per rule, whom it removed first, and each group's final rate with the rule switched off."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QHBoxLayout, QHeaderView, QLabel, QSplitter, QTableWidget, QTableWidgetItem,
                               QTextBrowser, QVBoxLayout)

from ...core.texts import integer, number, percent, t
from ...core.world import CATEGORIES
from ..style import STYLE
from .base import AttributeChooser, View, caption, read_only_table, value_label

LEGALITY_COLOURS = {"lawful": "#E3F2E1", "needs_justification": "#FFF1D6", "direct_discrimination": "#FBD9D3"}


class RulesView(View):
    key = "rules"
    NEEDS = ("rules",)  # per-rule attribution: a re-run per rule

    def __init__(self, controller, parent=None):
        super().__init__(controller, parent)
        self.chooser = AttributeChooser(lang=self.lang, default="gender")
        self.chooser.currentIndexChanged.connect(self.refresh)
        self.chooser_label = QLabel()
        self.table = read_only_table(fit_columns=False)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.itemSelectionChanged.connect(self._show_details)
        self.details = QTextBrowser()
        self.explain = caption()
        top = QHBoxLayout()
        top.addWidget(self.chooser_label)
        top.addWidget(self.chooser)
        top.addStretch(1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.details)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.explain)
        layout.addWidget(split, 1)
        self.retranslate()

    def retranslate(self) -> None:
        self.chooser_label.setText(t("gui.choose.attribute", self.lang))
        self.chooser.retranslate(self.lang)
        self.explain.setText(t("gui.rules.explain", self.lang))
        super().retranslate()

    def rows(self):
        rules = self.result.measurement.rules
        if rules.empty:
            return rules
        return rules[rules["attribute"] == self.chooser.attribute()]

    def render(self) -> None:
        lang = self.lang
        outcome = self.result.outcome
        attribute = self.chooser.attribute()
        groups = [g for g in CATEGORIES[attribute]]
        rows = self.rows()
        headers = [t("gui.rules.col.rule", lang), t("gui.rules.col.legality", lang)]
        headers += [t("gui.rules.col.group", lang, group=value_label(attribute, g, lang)) for g in groups]
        flat = outcome.pipeline.flat_rules()
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setRowCount(len(flat))
        self.table.setHorizontalHeaderLabels(headers)
        self._ids = []
        for r, (s, _, rule) in enumerate(flat):
            self._ids.append(r)
            stage = outcome.pipeline.stages[s].title(lang)
            name = QTableWidgetItem(f"{r + 1}. {stage}: {rule.describe(lang)}")
            self.table.setItem(r, 0, name)
            legal = rule.legality()
            legality = QTableWidgetItem(legal.label(lang) if rule.enabled else t("cli.run.rule_off", lang))
            legality.setBackground(QBrush(QColor(LEGALITY_COLOURS[legal.level] if rule.enabled else "#EEEEEE")))
            self.table.setItem(r, 1, legality)
            effect = rows[rows["rule_id"] == r] if not rows.empty else rows
            for c, g in enumerate(groups):
                cell = effect[effect["group"] == g] if len(effect) else effect
                if not rule.enabled or cell.empty or int(cell["n"].iloc[0]) == 0:
                    text = "—"
                else:
                    row = cell.iloc[0]
                    text = t("gui.rules.cell", lang, count=integer(int(row["removed_first"]), lang),
                             removed=percent(row["removed_share"], lang),
                             now=percent(row["rate_now"], lang), without=percent(row["rate_without"], lang))
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(r, 2 + c, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in range(1, len(headers)):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        self.table.resizeRowsToContents()
        if flat and not self.table.selectedItems():
            self.table.selectRow(0)
        self._show_details()

    def _show_details(self) -> None:
        if self.result is None:
            return
        rows = {i.row() for i in self.table.selectedItems()}
        if not rows:
            self.details.clear()
            return
        rule_id = min(rows)
        lang = self.lang
        rule = self.result.outcome.rule(rule_id)
        legal = rule.legality()
        html = [f"<h3>{rule.describe(lang)}</h3>",
                f"<p><b>{legal.label(lang)}.</b> {legal.explain(lang)}</p>"]
        weights = rule.inspect(self.result.outcome.pool).get("weights") if rule.enabled else None
        if weights:
            html.append(f"<p><b>{t('gui.rules.weights', lang)}</b></p><table cellpadding='3'>")
            for feature, weight in ((w["feature"], w["weight"]) for w in weights[:12]):
                colour = "#B2182B" if weight < 0 else "#2166AC"
                html.append(f"<tr><td>{t(f'feature.{feature}', lang)}</td>"
                            f"<td style='color:{colour}' align='right'>{number(weight, lang)}</td></tr>")
            html.append("</table>")
        self.details.setHtml("".join(html))
        self.details.setFont(STYLE.font(10))

    def data(self):
        return self.rows()
