"""The editing side of the window: the scenario's lesson, the pool settings and the pipeline.

Every panel changes the scenario through ``controller.state.edit`` (one undoable step each) and
shows it again when the state says it changed — after an undo, a redo, the walk-through or another
panel — but not after its own edit, which it already shows. Filling the widgets blocks their
signals, so that showing the state does not count as an edit.
"""

from __future__ import annotations

import random

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QDoubleSpinBox, QFormLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QMenu, QPushButton, QSpinBox, QTableWidget, QTableWidgetItem, QToolButton,
                               QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from ..core.pipeline import Stage
from ..core.pool import LINKS
from ..core.rules import RULE_KINDS
from ..core.scenario import MAX_POOL_SIZE, MAX_SEED
from ..core.claims import fill_texts, text_values
from ..core.texts import integer, pick, t
from ..core.world import CATEGORIES
from .rule_form import RuleForm, number_locale
from .state import PIPELINE, POOL
from .style import STYLE
from .views.base import plain_label


class ScenarioPanel(QWidget):
    """The scenario's title and lesson."""

    def __init__(self, controller, parent=None):
        super().__init__(parent)
        self.controller = controller
        # A scenario's texts are data: shown as plain text, so a file cannot format the window or
        # make it load an image or a local file (<img src=...>).
        self.title = plain_label()
        self.vacancy = plain_label()
        self.lesson = plain_label()
        self.lesson.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.vacancy)
        layout.addWidget(self.lesson)
        layout.addStretch(1)
        controller.scenario_loaded.connect(self.refresh)
        controller.language_changed.connect(self.refresh)
        # The lesson's live numbers (not while a slider is dragged: they follow the release).
        controller.result_ready.connect(lambda _: None if controller.live else self.refresh())

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


class SeedBox(QDoubleSpinBox):
    """A seed from 0 to 2³²−1, as scenario files and the command line take it. QSpinBox holds a
    32-bit signed number (at most 2³¹−1), so a valid seed of 4,000,000,000 would not fit; a double
    holds every whole number up to 2⁵³ exactly, and no decimals are shown or typed."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setDecimals(0)
        self.setRange(0, MAX_SEED)
        self.setKeyboardTracking(False)
        self.setGroupSeparatorShown(False)

    def value(self) -> int:  # noqa: D102 - a seed is whole
        return int(super().value())


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
        self.seed = SeedBox()
        self.new_seed = QPushButton()
        self.neutral = QCheckBox()
        self.shares = QTableWidget(0, 3)
        self.links = QTableWidget(0, 3)
        for table in (self.shares, self.links):
            table.verticalHeader().setVisible(False)
            # The names share the width and are elided (full text in the tooltip), so a narrow
            # editor (a 1280 px projector) does not scroll sideways; the numbers keep their width.
            header = table.horizontalHeader()
            header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
            header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
            table.setWordWrap(False)
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
        # The long title is a wrapped line inside the box: as a box title it would set the
        # editor's minimum width.
        self.links_title = QLabel()
        self.links_title.setWordWrap(True)
        links_layout.addWidget(self.links_title)
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
        controller.state.edited.connect(self._state_edited)
        self.retranslate()

    def _state_edited(self, part: str, source, live: bool) -> None:
        if source is not self and part != PIPELINE:
            self.refresh()

    def _edit(self, describe, change, merge: str | None = None) -> None:
        self.controller.state.edit(describe, change, POOL, source=self, merge=merge)

    def retranslate(self) -> None:
        lang = self.controller.lang
        self.size_label.setText(t("gui.pool.size", lang))
        self.seed_label.setText(t("gui.pool.seed", lang))
        self.new_seed.setText(t("gui.pool.new_seed", lang))
        self.neutral.setText(t("gui.pool.neutral", lang))
        self.neutral.setToolTip(t("gui.pool.neutral_tip", lang))
        self.shares_box.setTitle(t("gui.pool.shares", lang))
        self.links_title.setText(t("gui.pool.links", lang))
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
        locale = number_locale(lang)
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
            item.setToolTip(f"{text}\n{tooltip}" if tooltip else text)
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
        self._edit(lambda lang: t("gui.undo.share", lang, group=t(f"label.{attribute}.{group}", lang)),
                   lambda sc: sc.pool.shares.__setitem__(attribute, shares))

    def _link_edited(self, item) -> None:
        key = item.data(Qt.ItemDataRole.UserRole)
        if key is None:
            return
        value = self._parse(item, 0, 1, t("gui.pool.col.rate", self.controller.lang))
        if value is None:
            return
        name, group = key
        attribute = LINKS[name].attribute
        self._edit(lambda lang: t("gui.undo.link", lang, link=t(f"gui.link.{name}", lang),
                                  group=t(f"label.{attribute}.{group}", lang)),
                   lambda sc: sc.pool.links[name].__setitem__(group, value))

    def _size_changed(self, value: int) -> None:
        self._edit(lambda lang: t("gui.undo.size", lang, n=integer(value, lang)),
                   lambda sc: setattr(sc.pool, "size", value), merge="pool.size")

    def _seed_changed(self, value: float) -> None:
        value = int(value)
        self._edit(lambda lang: t("gui.undo.seed", lang, n=value), lambda sc: setattr(sc.pool, "seed", value),
                   merge="pool.seed")

    def roll_seed(self) -> None:
        self.seed.setValue(random.randrange(0, MAX_SEED + 1))

    def _neutral_changed(self, neutral: bool) -> None:
        self.links.setEnabled(not neutral)
        self._edit(lambda lang: t("gui.undo.neutral_on" if neutral else "gui.undo.neutral_off", lang),
                   lambda sc: setattr(sc.pool, "structural_links", not neutral))


class PipelineEditor(QWidget):
    """Stages and rules as a tree: add, remove, reorder, switch off, and edit the selected rule."""

    removed = Signal(str)  # a stage or rule was removed: the message that says how to bring it back

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
        for b in (self.up, self.down):
            b.setFixedWidth(b.fontMetrics().horizontalAdvance("▲") * 3 + 12)
        for b in (self.add_stage, self.add_rule, self.remove, self.up, self.down):
            buttons.addWidget(b)
        self.form = RuleForm(controller.lang)
        self.form.rule_changed.connect(self._rule_edited)
        self.form.slider_released.connect(self._released)
        controller.result_ready.connect(self._new_ranges)
        self.stage_box = QWidget()
        stage_form = QFormLayout(self.stage_box)
        self.stage_en, self.stage_nl = QLineEdit(), QLineEdit()
        self.stage_en_label, self.stage_nl_label = QLabel(), QLabel()
        stage_form.addRow(self.stage_en_label, self.stage_en)
        stage_form.addRow(self.stage_nl_label, self.stage_nl)
        self.stage_en.editingFinished.connect(self._stage_renamed)
        self.stage_nl.editingFinished.connect(self._stage_renamed)
        layout = QVBoxLayout(self)
        # The page scrolls: the tree keeps its natural height and the form gets the rest, so a long
        # form (the learned model's) scrolls rather than the tree taking half the panel.
        layout.addWidget(self.tree)
        layout.addLayout(buttons)
        layout.addWidget(self.stage_box)
        layout.addWidget(self.form, 1)
        controller.scenario_loaded.connect(self.rebuild)
        controller.language_changed.connect(self._language)
        controller.state.edited.connect(self._state_edited)
        self.retranslate()

    def _state_edited(self, part: str, source, live: bool) -> None:
        if source is not self and part != POOL:
            self.rebuild(keep_selection=True)

    def _edit(self, describe, change, merge: str | None = None, live: bool = False) -> None:
        self.controller.state.edit(describe, change, PIPELINE, source=self, merge=merge, live=live)

    def _name(self, s: int, r: int | None):
        """lang -> the name of stage ``s`` or of its rule ``r``, as the tree shows it now."""
        stage = self.controller.scenario.pipeline.stages[s]
        item = stage if r is None else stage.rules[r]
        return item.title if r is None else item.describe

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
                child.setToolTip(0, self._tooltip(rule))
                item.addChild(child)
            item.setExpanded(True)
        self.tree.blockSignals(False)
        # As tall as its rows (two to ten of them), so the rule form below starts near the top.
        rows = sum(1 + len(stage.rules) for stage in sc.pipeline.stages)
        row_height = max(self.tree.sizeHintForRow(0), self.fontMetrics().height() + 4)
        self.tree.setFixedHeight(row_height * min(max(rows, 2), 10) + 2 * self.tree.frameWidth() + 4)
        self.select(*(selected or (0, 0 if sc.pipeline.stages and sc.pipeline.stages[0].rules else None)))

    def _tooltip(self, rule) -> str:
        """The tree elides a long rule: its tooltip holds the whole rule, then its legal note."""
        return f"{rule.describe(self.lang)}\n\n{rule.legality().explain(self.lang)}"

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
            self.form.set_rule(stage.rules[r], f"stages[{s}].rules[{r}]", self._ranges(s, stage.rules[r]))

    def _ranges(self, s: int, rule) -> dict:
        """Slider ranges that come from the last run (a cut's scores, how many reach the stage)."""
        result = self.controller.result
        if result is None:
            return {}
        spans = {p.name: result.outcome.slider_range(s, p.slider) for p in rule.PARAMS if isinstance(p.slider, str)}
        return {name: span for name, span in spans.items() if span is not None}

    def _released(self) -> None:
        """A drag ended: it is one undo step, and a full run (verdict, lesson, goals) follows."""
        self.controller.state.close_step()
        self.controller.changed()

    def _new_ranges(self, *_) -> None:
        sel = self.selection()
        if sel is not None and sel[1] is not None and self.form.rule is not None:
            self.form.update_ranges(self._ranges(sel[0], self.form.rule))

    def _rule_edited(self, rule, param: str, live: bool) -> None:
        sel = self.selection()
        if sel is None or sel[1] is None:
            return
        s, r = sel
        rule.enabled = self.controller.scenario.pipeline.stages[s].rules[r].enabled
        item = self.item_for(s, r)
        self.tree.blockSignals(True)
        item.setText(0, rule.describe(self.lang))
        item.setToolTip(0, self._tooltip(rule))
        self.tree.blockSignals(False)
        # Steps of one parameter in a row (a slider dragged, a spin box stepped) are one undo step.
        self._edit(lambda lang: t("gui.undo.rule", lang, rule=rule.name(lang)),
                   lambda sc: sc.pipeline.stages[s].rules.__setitem__(r, rule), merge=f"rule.{s}.{r}.{param}",
                   live=live)

    def _checked(self, item, column) -> None:
        s, r = item.data(0, Qt.ItemDataRole.UserRole)
        on = item.checkState(0) == Qt.CheckState.Checked
        name = self._name(s, r)
        key = ("gui.undo.stage_on" if on else "gui.undo.stage_off") if r is None else \
            ("gui.undo.rule_on" if on else "gui.undo.rule_off")

        def change(sc):
            stage = sc.pipeline.stages[s]
            (stage if r is None else stage.rules[r]).enabled = on
        self._edit(lambda lang: t(key, lang, stage=name(lang), rule=name(lang)), change)

    def set_rule_enabled(self, stage: int, rule: int, on: bool) -> None:
        """Switch a rule on or off through its tree check box (as a user would)."""
        self.item_for(stage, rule).setCheckState(0, Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def _stage_renamed(self) -> None:
        sel = self.selection()
        if sel is None or sel[1] is not None:
            return
        s = sel[0]
        stage = self.controller.scenario.pipeline.stages[s]
        en, nl = self.stage_en.text().strip(), self.stage_nl.text().strip()
        if en and nl and (en, nl) != (stage.name.get("en"), stage.name.get("nl")):
            old = stage.title
            self._edit(lambda lang: t("gui.undo.stage_name", lang, stage=old(lang)),
                       lambda sc: setattr(sc.pipeline.stages[s], "name", {"en": en, "nl": nl}))
            self.rebuild(keep_selection=True)

    def _add_stage(self) -> None:
        n = len(self.controller.scenario.pipeline.stages) + 1
        rule = next(iter(RULE_KINDS.values())).starter()  # a new stage starts with the menu's first kind
        self._edit(lambda lang: t("gui.undo.add_stage", lang),
                   lambda sc: sc.pipeline.stages.append(Stage({"en": f"Stage {n}", "nl": f"Fase {n}"}, [rule])))
        self.rebuild()
        self.select(n - 1, 0)

    def add_rule_of_kind(self, kind: str) -> None:
        sc = self.controller.scenario
        sel = self.selection()
        s = sel[0] if sel else len(sc.pipeline.stages) - 1
        rule = RULE_KINDS[kind].starter()
        self._edit(lambda lang: t("gui.undo.add_rule", lang, rule=rule.name(lang)),
                   lambda sc: sc.pipeline.stages[s].rules.append(rule))
        self.rebuild()
        self.select(s, len(self.controller.scenario.pipeline.stages[s].rules) - 1)

    def _remove(self) -> None:
        sel = self.selection()
        if sel is None:
            return
        sc = self.controller.scenario
        s, r = sel
        if r is None and len(sc.pipeline.stages) == 1:
            return  # a pipeline needs a stage
        if r is not None and len(sc.pipeline.stages[s].rules) == 1:
            return  # a stage needs a rule; remove the stage instead
        name = self._name(s, r)
        self._edit(lambda lang: t("gui.undo.remove", lang, item=name(lang)),
                   lambda sc: sc.pipeline.stages.pop(s) if r is None else sc.pipeline.stages[s].rules.pop(r))
        self.rebuild()
        self.select(min(s, len(self.controller.scenario.pipeline.stages) - 1), None)
        self.removed.emit(t("gui.undo.removed", self.lang, item=name(self.lang)))

    def _move(self, step: int) -> None:
        sel = self.selection()
        if sel is None:
            return
        s, r = sel
        sc = self.controller.scenario
        i = s if r is None else r
        j = i + step
        if not 0 <= j < len(sc.pipeline.stages if r is None else sc.pipeline.stages[s].rules):
            return
        name = self._name(s, r)

        def change(sc):
            items = sc.pipeline.stages if r is None else sc.pipeline.stages[s].rules
            items[i], items[j] = items[j], items[i]
        self._edit(lambda lang: t("gui.undo.move", lang, item=name(lang)), change)
        self.rebuild()
        self.select(j, None) if r is None else self.select(s, j)


