"""Rules: per rule, whom it removed first, and each group's final rate with the rule switched off."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QHBoxLayout, QHeaderView, QLabel, QSplitter, QTableWidget, QTableWidgetItem,
                               QTextBrowser, QVBoxLayout)

from ...core.texts import integer, number, percent, t
from ...core.world import CATEGORIES
from ..style import STYLE
from .base import AttributeChooser, View, caption, read_only_table, value_label
from .missed import cells_then_one_update

LEGALITY_COLOURS = {"lawful": "#E3F2E1", "needs_justification": "#FFF1D6", "direct_discrimination": "#FBD9D3",
                    "prohibited": "#F4C2BC"}


class RulesView(View):
    key = "rules"
    NEEDS = ("rules", "ai_audits")  # per-rule attribution: a re-run per rule; an AI screener's audits

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

    def _effects(self, attribute: str) -> dict:
        """{(rule id, group): (n, removed first, removed share, rate now, rate without)} for
        ``attribute``: one pass over the attribution table's columns, no per-cell filtering."""
        rules = self.result.measurement.rules
        if rules.empty:
            return {}
        mine = (rules["attribute"] == attribute).to_numpy()
        columns = [rules[c].to_numpy()[mine] for c in ("rule_id", "group", "n", "removed_first", "removed_share",
                                                       "rate_now", "rate_without")]
        effects = {}
        for rule_id, group, *values in zip(*(c.tolist() for c in columns)):
            effects.setdefault((rule_id, group), values)  # the first row, as a filter's iloc[0]
        return effects

    def render(self) -> None:
        lang = self.lang
        outcome = self.result.outcome
        attribute = self.chooser.attribute()
        effects = self._effects(attribute)
        # A group nobody belongs to gets no column (it would only hold dashes).
        groups = [g for g in CATEGORIES[attribute] if any(e[0] for (_, group), e in effects.items() if group == g)
                  or not effects]
        headers = [t("gui.rules.col.rule", lang), t("gui.rules.col.legality", lang)]
        headers += [t("gui.rules.col.group", lang, group=value_label(attribute, g, lang)) for g in groups]
        flat = outcome.pipeline.flat_rules()
        cells = []
        for r, (s, _, rule) in enumerate(flat):
            stage = outcome.pipeline.stages[s].title(lang)
            legal = rule.legality()
            row = [(f"{r + 1}. {stage}: {rule.describe(lang)}", None),
                   (legal.label(lang) if rule.enabled else t("cli.run.rule_off", lang),
                    LEGALITY_COLOURS[legal.level] if rule.enabled else "#EEEEEE")]
            for g in groups:
                effect = effects.get((r, g))
                if not rule.enabled or effect is None or int(effect[0]) == 0:
                    text = "—"
                else:
                    _, removed_first, removed_share, rate_now, rate_without = effect
                    text = t("gui.rules.cell", lang, count=integer(int(removed_first), lang),
                             removed=percent(removed_share, lang),
                             now=percent(rate_now, lang), without=percent(rate_without, lang))
                row.append((text, None))
            cells.append(row)
        # A new run usually changes only the numbers: the items are then updated in place (rebuilding
        # the table and resizing every row costs more than the run's statistics at 100,000 people).
        shape = (tuple(headers), len(flat), STYLE.scale)
        rebuilt = shape != getattr(self, "_shape", None)
        if rebuilt:
            self._shape = shape
            self.table.clear()
            self.table.setColumnCount(len(headers))
            self.table.setRowCount(len(flat))
            self.table.setHorizontalHeaderLabels(headers)
        self._ids = list(range(len(flat)))
        changed = rebuilt
        if rebuilt:
            for r, row in enumerate(cells):
                for c, (text, colour) in enumerate(row):
                    item = QTableWidgetItem(text)
                    if c >= 2:
                        item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                    if colour is not None:
                        item.setBackground(QBrush(QColor(colour)))
                    self.table.setItem(r, c, item)
        else:
            with cells_then_one_update(self.table):
                for r, row in enumerate(cells):
                    for c, (text, colour) in enumerate(row):
                        item = self.table.item(r, c)
                        if item.text() != text:
                            item.setText(text)
                            changed = True
                        if colour is not None and item.background().color() != QColor(colour):
                            item.setBackground(QBrush(QColor(colour)))
                            changed = True
        if rebuilt:
            header = self.table.horizontalHeader()
            header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            for c in range(1, len(headers)):
                header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        width = self.table.viewport().width()  # wrapped texts take another height at another width
        if changed or width != getattr(self, "_width", None):
            self._width = width
            # The rule's name must stay readable: when the groups' columns leave it too little
            # room, it keeps a readable width and the table scrolls sideways instead.
            header = self.table.horizontalHeader()
            readable = int(220 * STYLE.scale)
            others = sum(header.sectionSize(c) for c in range(1, self.table.columnCount()))
            if width - others < readable:
                header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
                header.resizeSection(0, readable)
            else:
                header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            self.table.resizeRowsToContents()
            # No taller than its rows: the rest goes to the rule's details (a model's weights).
            rows = sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
            scrollbar = self.table.horizontalScrollBar().sizeHint().height()
            self.table.setMaximumHeight(self.table.horizontalHeader().height() + rows + scrollbar
                                        + 2 * self.table.frameWidth() + 2)
        if flat and not self.table.selectedItems():
            self.table.selectRow(0)
        self._show_details()

    def _show_details(self) -> None:
        if self.result is None:
            return
        rows = {i.row() for i in self.table.selectedItems()}
        if not rows:
            self.details.clear()
            self._details = None
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
        audit = self.result.measurement.ai_audits.get(rule_id) if rule.enabled else None
        if audit is not None:
            html.extend(ai_audit_html(audit, lang))
        shown = ("".join(html), STYLE.scale)
        if shown != getattr(self, "_details", None):  # the same text again need not be laid out again
            self._details = shown
            self.details.setHtml(shown[0])
            self.details.setFont(STYLE.font(10))

    def data(self):
        return self.rows()


def ai_audit_html(audit, lang: str) -> list[str]:
    """An AI screener's three audits as the details pane shows them (numbers from core.ai_audit)."""
    from ...core.texts import label
    from ...core.verdict import format_p, format_ratio

    e = html.escape
    out = [f"<p><b>{e(t('gui.rules.ai_heading', lang, judged=integer(audit.entering, lang)))}</b></p>",
           "<table cellpadding='3'><tr>" + "".join(
               f"<th align='{'left' if k == 0 else 'right'}'>{e(t(key, lang))}</th>"
               for k, key in enumerate(("cli.ai.name", "cli.ai.judged", "cli.ai.picked", "gui.rules.ai_rate",
                                        "cli.ai.ratio", "cli.ai.p"))) + "</tr>"]
    for g in audit.name_groups:
        cells = [label("name_region", g["group"], lang), integer(g["n"], lang), integer(g["selected"], lang),
                 f"{percent(g['rate'], lang)} ({percent(g['rate_ci'][0], lang)}–{percent(g['rate_ci'][1], lang)})",
                 "—" if g["reference"] else format_ratio(g["impact_ratio"], lang),
                 "—" if g["reference"] else format_p(g["p_value"], lang)]
        out.append("<tr>" + "".join(f"<td align='{'left' if k == 0 else 'right'}'>{e(c)}</td>"
                                    for k, c in enumerate(cells)) + "</tr>")
    out.append("</table>")
    from ...core.ai_audit import audit_sentences

    out.extend(f"<p>{e(sentence)}</p>" for sentence in audit_sentences(audit, lang))
    return out
