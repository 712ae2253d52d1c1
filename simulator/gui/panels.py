"""The editing side of the window: the scenario's lesson, the pool settings and the pipeline.

Every panel writes straight into ``controller.scenario`` (core dataclasses) and then calls
``controller.changed()``; when a new scenario is loaded they rebuild from it, blocking their own
signals so that filling the widgets does not count as an edit.
"""

from __future__ import annotations

import random

from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import (QCheckBox, QFormLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QMenu, QPushButton, QSpinBox, QTableWidget, QTableWidgetItem, QToolButton,
                               QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from ..core.pipeline import Stage
from ..core.pool import LINKS
from ..core.rules import RULE_KINDS
from ..core.scenario import MAX_POOL_SIZE
from ..core.claims import fill_texts, text_values
from ..core.texts import pick, t
from ..core.world import CATEGORIES
from .rule_form import RuleForm
from .style import STYLE


class ScenarioPanel(QWidget):
    """The scenario's title and lesson."""

    def __init__(self, controller, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.vacancy = QLabel()
        self.vacancy.setWordWrap(True)
        self.lesson = QLabel()
        self.lesson.setWordWrap(True)
        self.lesson.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.vacancy)
        layout.addWidget(self.lesson)
        layout.addStretch(1)
        controller.scenario_loaded.connect(self.refresh)
        controller.language_changed.connect(self.refresh)
        controller.result_ready.connect(self.refresh)  # the lesson's live numbers

    def refresh(self, *_) -> None:
        sc = self.controller.scenario
        if sc is None:
            return
        lang = self.controller.lang
        self.title.setText(pick(sc.title, lang))
        self.title.setFont(STYLE.font(14, bold=True))
        self.vacancy.setText(t("gui.scenario.vacancy", lang, vacancy=pick(sc.vacancy.title, lang)))
        self.vacancy.setFont(STYLE.font(10))
        self.lesson.setText(fill_texts(sc.lesson, lang, text_values(self.controller.result, lang, self.controller.frozen)))
        self.lesson.setFont(STYLE.font(10))


class PoolPanel(QWidget):
    """Pool size, seed, group shares and the structural links, with the 'no structural differences' switch."""

    SHARE_ATTRIBUTES = ("gender", "origin", "age_band", "disability")

    def __init__(self, controller, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.size = QSpinBox()
        self.size.setRange(100, MAX_POOL_SIZE)
        self.size.setSingleStep(1000)
        self.size.setKeyboardTracking(False)
        self.size.setGroupSeparatorShown(True)
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setKeyboardTracking(False)
        self.new_seed = QPushButton()
        self.neutral = QCheckBox()
        self.shares = QTableWidget(0, 3)
        self.links = QTableWidget(0, 3)
        for table in (self.shares, self.links):
            table.verticalHeader().setVisible(False)
            table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            table.horizontalHeader().setStretchLastSection(True)
        self.message = QLabel()
        self.message.setStyleSheet("color: #B2182B")
        self.message.setWordWrap(True)
        seed_row = QHBoxLayout()
        seed_row.addWidget(self.seed, 1)
        seed_row.addWidget(self.new_seed)
        self.form = QFormLayout()
        self.size_label, self.seed_label = QLabel(), QLabel()
        self.form.addRow(self.size_label, self.size)
        self.form.addRow(self.seed_label, seed_row)
        self.shares_box, self.links_box = QGroupBox(), QGroupBox()
        QVBoxLayout(self.shares_box).addWidget(self.shares)
        links_layout = QVBoxLayout(self.links_box)
        links_layout.addWidget(self.neutral)
        links_layout.addWidget(self.links)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(self.links_box, 3)
        layout.addWidget(self.shares_box, 2)
        self.size.valueChanged.connect(self._size_changed)
        self.seed.valueChanged.connect(self._seed_changed)
        self.new_seed.clicked.connect(self.roll_seed)
        self.neutral.toggled.connect(self._neutral_changed)
        self.shares.itemChanged.connect(self._share_edited)
        self.links.itemChanged.connect(self._link_edited)
        controller.scenario_loaded.connect(self.refresh)
        controller.language_changed.connect(self.refresh)
        self.retranslate()

    def retranslate(self) -> None:
        lang = self.controller.lang
        self.size_label.setText(t("gui.pool.size", lang))
        self.seed_label.setText(t("gui.pool.seed", lang))
        self.new_seed.setText(t("gui.pool.new_seed", lang))
        self.neutral.setText(t("gui.pool.neutral", lang))
        self.neutral.setToolTip(t("gui.pool.neutral_tip", lang))
        self.shares_box.setTitle(t("gui.pool.shares", lang))
        self.links_box.setTitle(t("gui.pool.links", lang))
        self.shares.setHorizontalHeaderLabels([t("gui.pool.col.attribute", lang), t("gui.pool.col.group", lang),
                                               t("gui.pool.col.share", lang)])
        self.links.setHorizontalHeaderLabels([t("gui.pool.col.link", lang), t("gui.pool.col.group", lang),
                                              t("gui.pool.col.rate", lang)])

    def refresh(self, *_) -> None:
        sc = self.controller.scenario
        if sc is None:
            return
        lang = self.controller.lang
        self.retranslate()
        for widget in (self.size, self.seed, self.neutral, self.shares, self.links):
            widget.blockSignals(True)
        # Numbers as the language writes them (Dutch: 5.000 and 0,465).
        locale = QLocale(QLocale.Language.Dutch, QLocale.Country.Netherlands) if lang == "nl" else \
            QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)
        for spin in (self.size, self.seed):
            spin.setLocale(locale)
        self.size.setValue(sc.pool.size)
        self.seed.setValue(sc.pool.seed)
        self.neutral.setChecked(not sc.pool.structural_links)
        rows = [(a, v) for a in self.SHARE_ATTRIBUTES for v in CATEGORIES[a]]
        self.shares.setRowCount(len(rows))
        for r, (a, v) in enumerate(rows):
            self._row(self.shares, r, t(f"attribute.{a}", lang), t(f"label.{a}.{v}", lang),
                      sc.pool.shares[a].get(v, 0.0), (a, v), lang=lang)
        rows = [(name, g) for name, link in LINKS.items() for g in CATEGORIES[link.attribute]]
        self.links.setRowCount(len(rows))
        for r, (name, g) in enumerate(rows):
            link = LINKS[name]
            self._row(self.links, r, t(f"gui.link.{name}", lang), t(f"label.{link.attribute}.{g}", lang),
                      sc.pool.links[name][g], (name, g), tooltip=link.source, lang=lang)
        self.links.setEnabled(sc.pool.structural_links)
        for widget in (self.size, self.seed, self.neutral, self.shares, self.links):
            widget.blockSignals(False)

    @staticmethod
    def _row(table, r, first, second, value, key, tooltip=None, lang="en") -> None:
        for c, text in enumerate((first, second)):
            item = QTableWidgetItem(text)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            if tooltip:
                item.setToolTip(tooltip)
            table.setItem(r, c, item)
        item = QTableWidgetItem(f"{value:g}".replace(".", ",") if lang == "nl" else f"{value:g}")
        item.setData(Qt.ItemDataRole.UserRole, key)
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        table.setItem(r, 2, item)

    def _parse(self, item, minimum, maximum, what) -> float | None:
        text = item.text().strip().replace(",", ".")
        try:
            value = float(text)
        except ValueError:
            value = None
        if value is None or not (minimum <= value <= maximum):
            self.message.setText(t("gui.pool.bad_number", self.controller.lang, what=what, text=item.text(),
                                    low=f"{minimum:g}", high=f"{maximum:g}"))
            return None
        self.message.clear()
        return value

    def _share_edited(self, item) -> None:
        key = item.data(Qt.ItemDataRole.UserRole)
        if key is None:
            return
        value = self._parse(item, 0, 1000, t("gui.pool.col.share", self.controller.lang))
        if value is None:
            return
        attribute, group = key
        shares = dict(self.controller.scenario.pool.shares[attribute])
        shares[group] = value
        if sum(shares.values()) <= 0:
            self.message.setText(t("gui.pool.all_zero", self.controller.lang))
            return
        self.controller.scenario.pool.shares[attribute] = shares
        self.controller.changed()

    def _link_edited(self, item) -> None:
        key = item.data(Qt.ItemDataRole.UserRole)
        if key is None:
            return
        value = self._parse(item, 0, 1, t("gui.pool.col.rate", self.controller.lang))
        if value is None:
            return
        name, group = key
        self.controller.scenario.pool.links[name][group] = value
        self.controller.changed()

    def _size_changed(self, value: int) -> None:
        self.controller.scenario.pool.size = value
        self.controller.changed()

    def _seed_changed(self, value: int) -> None:
        self.controller.scenario.pool.seed = value
        self.controller.changed()

    def roll_seed(self) -> None:
        self.seed.setValue(random.randrange(0, 2**31 - 1))

    def _neutral_changed(self, neutral: bool) -> None:
        self.controller.scenario.pool.structural_links = not neutral
        self.links.setEnabled(not neutral)
        self.controller.changed()


class PipelineEditor(QWidget):
    """Stages and rules as a tree: add, remove, reorder, switch off, and edit the selected rule."""

    def __init__(self, controller, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.itemChanged.connect(self._checked)
        self.tree.currentItemChanged.connect(self._select)
        self.add_stage = QPushButton()
        self.add_rule = QToolButton()
        self.add_rule.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.add_menu = QMenu(self)
        self.add_rule.setMenu(self.add_menu)
        self.remove = QPushButton()
        self.up = QPushButton("▲")
        self.down = QPushButton("▼")
        self.add_stage.clicked.connect(self._add_stage)
        self.remove.clicked.connect(self._remove)
        self.up.clicked.connect(lambda: self._move(-1))
        self.down.clicked.connect(lambda: self._move(1))
        buttons = QHBoxLayout()
        for b in (self.add_stage, self.add_rule, self.remove, self.up, self.down):
            buttons.addWidget(b)
        self.form = RuleForm(controller.lang)
        self.form.rule_changed.connect(self._rule_edited)
        self.stage_box = QWidget()
        stage_form = QFormLayout(self.stage_box)
        self.stage_en, self.stage_nl = QLineEdit(), QLineEdit()
        self.stage_en_label, self.stage_nl_label = QLabel(), QLabel()
        stage_form.addRow(self.stage_en_label, self.stage_en)
        stage_form.addRow(self.stage_nl_label, self.stage_nl)
        self.stage_en.editingFinished.connect(self._stage_renamed)
        self.stage_nl.editingFinished.connect(self._stage_renamed)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree, 2)
        layout.addLayout(buttons)
        layout.addWidget(self.stage_box)
        layout.addWidget(self.form, 3)
        controller.scenario_loaded.connect(self.rebuild)
        controller.language_changed.connect(self._language)
        self.retranslate()

    # -- building --------------------------------------------------------------------------------
    @property
    def lang(self) -> str:
        return self.controller.lang

    def retranslate(self) -> None:
        lang = self.lang
        self.add_stage.setText(t("gui.pipeline.add_stage", lang))
        self.add_rule.setText(t("gui.pipeline.add_rule", lang))
        self.remove.setText(t("gui.pipeline.remove", lang))
        self.up.setToolTip(t("gui.pipeline.up", lang))
        self.down.setToolTip(t("gui.pipeline.down", lang))
        self.stage_en_label.setText(t("gui.pipeline.stage_en", lang))
        self.stage_nl_label.setText(t("gui.pipeline.stage_nl", lang))
        self.add_menu.clear()
        for kind, cls in RULE_KINDS.items():
            action = self.add_menu.addAction(cls.name(lang))
            action.setObjectName(f"add_{kind}")
            action.triggered.connect(lambda _=False, k=kind: self.add_rule_of_kind(k))

    def _language(self, lang: str) -> None:
        self.form.lang = lang
        self.retranslate()
        self.rebuild(keep_selection=True)

    def rebuild(self, *_, keep_selection: bool = False) -> None:
        selected = self.selection() if keep_selection else None
        sc = self.controller.scenario
        self.tree.blockSignals(True)
        self.tree.clear()
        for s, stage in enumerate(sc.pipeline.stages):
            item = QTreeWidgetItem([stage.title(self.lang)])
            item.setData(0, Qt.ItemDataRole.UserRole, (s, None))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(0, Qt.CheckState.Checked if stage.enabled else Qt.CheckState.Unchecked)
            font = item.font(0)
            font.setBold(True)
            item.setFont(0, font)
            self.tree.addTopLevelItem(item)
            for r, rule in enumerate(stage.rules):
                child = QTreeWidgetItem([rule.describe(self.lang)])
                child.setData(0, Qt.ItemDataRole.UserRole, (s, r))
                child.setFlags(child.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                child.setCheckState(0, Qt.CheckState.Checked if rule.enabled else Qt.CheckState.Unchecked)
                child.setToolTip(0, rule.legality().explain(self.lang))
                item.addChild(child)
            item.setExpanded(True)
        self.tree.blockSignals(False)
        self.select(*(selected or (0, 0 if sc.pipeline.stages and sc.pipeline.stages[0].rules else None)))

    def item_for(self, stage: int, rule: int | None):
        if stage >= self.tree.topLevelItemCount():
            return None
        top = self.tree.topLevelItem(stage)
        if rule is None:
            return top
        return top.child(rule) if rule < top.childCount() else top

    def select(self, stage: int, rule: int | None = None) -> None:
        item = self.item_for(stage, rule)
        if item is not None:
            self.tree.setCurrentItem(item)
        self._select()

    def selection(self):
        item = self.tree.currentItem()
        return None if item is None else item.data(0, Qt.ItemDataRole.UserRole)

    # -- editing ---------------------------------------------------------------------------------
    def _select(self, *_) -> None:
        sel = self.selection()
        sc = self.controller.scenario
        if sel is None or sc is None:
            self.form.set_rule(None)
            self.stage_box.setVisible(False)
            return
        s, r = sel
        stage = sc.pipeline.stages[s]
        self.stage_box.setVisible(r is None)
        self.form.setVisible(r is not None)
        if r is None:
            self.stage_en.setText(stage.name.get("en", ""))
            self.stage_nl.setText(stage.name.get("nl", ""))
        else:
            self.form.set_rule(stage.rules[r], f"stages[{s}].rules[{r}]")

    def _rule_edited(self, rule) -> None:
        sel = self.selection()
        if sel is None or sel[1] is None:
            return
        s, r = sel
        rule.enabled = self.controller.scenario.pipeline.stages[s].rules[r].enabled
        self.controller.scenario.pipeline.stages[s].rules[r] = rule
        item = self.item_for(s, r)
        self.tree.blockSignals(True)
        item.setText(0, rule.describe(self.lang))
        item.setToolTip(0, rule.legality().explain(self.lang))
        self.tree.blockSignals(False)
        self.controller.changed()

    def _checked(self, item, column) -> None:
        s, r = item.data(0, Qt.ItemDataRole.UserRole)
        on = item.checkState(0) == Qt.CheckState.Checked
        stage = self.controller.scenario.pipeline.stages[s]
        if r is None:
            stage.enabled = on
        else:
            stage.rules[r].enabled = on
        self.controller.changed()

    def set_rule_enabled(self, stage: int, rule: int, on: bool) -> None:
        """Switch a rule on or off through its tree check box (as a user would)."""
        self.item_for(stage, rule).setCheckState(0, Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def _stage_renamed(self) -> None:
        sel = self.selection()
        if sel is None or sel[1] is not None:
            return
        stage = self.controller.scenario.pipeline.stages[sel[0]]
        en, nl = self.stage_en.text().strip(), self.stage_nl.text().strip()
        if en and nl and (en, nl) != (stage.name.get("en"), stage.name.get("nl")):
            stage.name = {"en": en, "nl": nl}
            self.rebuild(keep_selection=True)
            self.controller.changed()

    def _add_stage(self) -> None:
        sc = self.controller.scenario
        n = len(sc.pipeline.stages) + 1
        rule = next(iter(RULE_KINDS.values())).starter()  # a new stage starts with the menu's first kind
        sc.pipeline.stages.append(Stage({"en": f"Stage {n}", "nl": f"Fase {n}"}, [rule]))
        self.rebuild()
        self.select(len(sc.pipeline.stages) - 1, 0)
        self.controller.changed()

    def add_rule_of_kind(self, kind: str) -> None:
        sc = self.controller.scenario
        sel = self.selection()
        s = sel[0] if sel else len(sc.pipeline.stages) - 1
        rule = RULE_KINDS[kind].starter()
        sc.pipeline.stages[s].rules.append(rule)
        self.rebuild()
        self.select(s, len(sc.pipeline.stages[s].rules) - 1)
        self.controller.changed()

    def _remove(self) -> None:
        sel = self.selection()
        if sel is None:
            return
        sc = self.controller.scenario
        s, r = sel
        if r is None:
            if len(sc.pipeline.stages) == 1:
                return  # a pipeline needs a stage
            del sc.pipeline.stages[s]
        else:
            if len(sc.pipeline.stages[s].rules) == 1:
                return  # a stage needs a rule; remove the stage instead
            del sc.pipeline.stages[s].rules[r]
        self.rebuild()
        self.controller.changed()

    def _move(self, step: int) -> None:
        sel = self.selection()
        if sel is None:
            return
        sc = self.controller.scenario
        s, r = sel
        items = sc.pipeline.stages if r is None else sc.pipeline.stages[s].rules
        i = s if r is None else r
        j = i + step
        if not 0 <= j < len(items):
            return
        items[i], items[j] = items[j], items[i]
        self.rebuild()
        self.select(j, None) if r is None else self.select(s, j)
        self.controller.changed()


