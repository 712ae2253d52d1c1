"""A form for one rule, built from the rule's declared parameters (``Rule.PARAMS``).

Each parameter's kind names its widget (a check box, a number, a choice, a checklist, a table of
named numbers, a group picker or a line of text); the kinds convert their values to what the widget
shows and back (``to_text``/``from_text``, ``rows``/``from_rows``, in core). Tables, checklists and
sliders take the form's whole width; a parameter's explanation (``rule.<kind>.help.<param>``)
stands under its field. The form turns
its widgets into the same table a scenario file holds and hands it to ``rules.rule_from_dict``, so
the app and the files share one validation with the same messages. A new rule kind needs no form
code; a new sort of widget is one entry in ``_WIDGETS``.

A number whose parameter declares a ``slider`` range gets a slider beside it. Dragging it edits
the rule *live* (the window re-runs as often as it keeps up), and one drag is one undo step.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QLocale, Qt, QTimer, Signal
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QGridLayout,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton, QSlider, QSpinBox,
                               QTableWidget, QToolButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from ..core.rules import Rule, RuleConfigError, rule_from_dict
from ..core.rules.params import (CHECK, CHECKLIST, CHOICE, DECIMAL, FORM_GROUP_ATTRIBUTES, GROUP, NUMBERS, TEXT,
                                 WHOLE)
from ..core.texts import t
from ..core.world import CATEGORIES


class WrappedLabel(QLabel):
    """A word-wrapped label that keeps the height its text needs at its current width. A form
    inside a scroll area does not ask a wrapped label for that height, so its lines would overlap
    the next row."""

    def __init__(self, text: str = ""):
        super().__init__(text)
        self.setWordWrap(True)

    def resizeEvent(self, event):  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        needed = self.heightForWidth(self.width())
        if needed > 0 and needed != self.minimumHeight():
            self.setMinimumHeight(needed)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt name)
        super().setText(text)
        if self.width() > 0:
            self.setMinimumHeight(max(self.heightForWidth(self.width()), 0))


def _check_box(form, p, value):
    widget = QCheckBox()
    widget.setChecked(bool(value))
    widget.toggled.connect(lambda *_: form._edited(p.name))
    return widget, widget.isChecked


def number_locale(lang: str) -> QLocale:
    """How the language writes numbers: Dutch 0,3 and 5.000 (five thousand), English 0.3 and 5,000."""
    return QLocale(QLocale.Language.Dutch, QLocale.Country.Netherlands) if lang == "nl" else \
        QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)


def _number(form, p, widget, value, low, high, cast):
    """A spin box for a whole or decimal parameter: its range (``low``/``high`` where the parameter
    has none), its value, the language's number format, one edit per finished change."""
    widget.setLocale(number_locale(form.lang))
    widget.setRange(cast(p.minimum if p.minimum is not None else low), cast(p.maximum if p.maximum is not None else high))
    widget.setValue(cast(value) if value is not None else cast(p.minimum or 0))
    widget.setKeyboardTracking(False)
    widget.valueChanged.connect(lambda *_: form._edited(p.name))
    return widget, widget.value


def _whole(form, p, value):
    return _number(form, p, QSpinBox(), value, -10**9, 10**9, int)


def _decimal(form, p, value):
    widget = QDoubleSpinBox()
    # Shares (0–1) to three decimals; other numbers to two, so 5 years never reads "5.000".
    small = p.minimum is not None and 0 < p.minimum < 0.01  # e.g. a regularisation strength from 0.0001
    widget.setDecimals(4 if small else 3 if p.maximum is not None and p.maximum <= 1 else 2)
    widget.setSingleStep(0.05 if (p.maximum or 10) <= 1 else 0.5)
    return _number(form, p, widget, value, -1e6, 1e6, float)


def _choice(form, p, value):
    widget = QComboBox()
    for option in p.kind.options:
        widget.addItem(form.rule.choice_label(p.name, option, form.lang), option)
    widget.setCurrentIndex(max(widget.findData(value), 0))
    widget.currentIndexChanged.connect(lambda *_: form._edited(p.name))
    return widget, widget.currentData


def _text(form, p, value):
    widget = QLineEdit(p.kind.to_text(value))
    widget.editingFinished.connect(lambda: form._edited(p.name))
    return widget, widget.text


def _checklist(form, p, value):
    """Names to tick, under headings (the learned model's features by kind); a heading ticks or
    clears all its names at once, and that is one edit."""
    tree = QTreeWidget()
    tree.setHeaderHidden(True)
    tree.setRootIsDecorated(False)
    chosen = set(value or [])
    items = {}
    grouped = len(p.kind.groups) > 1
    for heading, names in p.kind.groups.items():
        parent = tree.invisibleRootItem()
        if grouped:
            parent = QTreeWidgetItem(tree, [t(f"{p.kind.headings}.{heading}", form.lang)])
            parent.setFlags(parent.flags() | Qt.ItemFlag.ItemIsAutoTristate | Qt.ItemFlag.ItemIsUserCheckable)
            parent.setToolTip(0, t("gui.form.tick_all", form.lang))
            font = parent.font(0)
            font.setBold(True)
            parent.setFont(0, font)
        for name in names:
            item = QTreeWidgetItem(parent, [t(f"{p.kind.labels}.{name}", form.lang)])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(0, Qt.CheckState.Checked if name in chosen else Qt.CheckState.Unchecked)
            items[name] = item
    tree.expandAll()
    rows = len(items) + (len(p.kind.groups) if grouped else 0)
    tree.setMinimumHeight(min(rows, 12) * tree.sizeHintForRow(0) + 6)
    tree.itemChanged.connect(lambda *_: form._edited_soon(p.name))
    return tree, lambda: [n for n in p.kind.options if items[n].checkState(0) == Qt.CheckState.Checked]


class NumberRows(QWidget):
    """A small table: one row per named thing (a feature, a group) with a number, rows added and
    removed with buttons. The parameter's kind says which names there are, how each reads in the
    language and how rows become its value (``choices``, ``row_label``, ``rows``, ``from_rows``)."""

    changed = Signal()

    def __init__(self, kind, value, lang: str, columns: tuple[str, str]):
        super().__init__()
        self.kind, self.lang = kind, lang
        self.keys = list(kind.choices())  # row keys; a combo box holds indices into this list
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([t(f"gui.form.column.{c}", lang) for c in columns] + [""])
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.add_button = QPushButton(t("gui.form.add_row", lang))
        self.add_button.clicked.connect(self.add_row)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        for key, number in kind.rows(value):
            self._append(key, number)
        self._fit()

    def _append(self, key, number: float) -> None:
        if key not in self.keys:
            self.keys.append(key)  # a row from a file that the form would not offer itself
        row = self.table.rowCount()
        self.table.insertRow(row)
        combo = QComboBox()
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(8)
        for index, k in enumerate(self.keys):
            combo.addItem(self.kind.row_label(k, self.lang), index)
        combo.setCurrentIndex(self.keys.index(key))
        combo.setToolTip(combo.currentText())
        combo.currentIndexChanged.connect(lambda *_: (combo.setToolTip(combo.currentText()), self.changed.emit()))
        spin = QDoubleSpinBox()
        spin.setLocale(number_locale(self.lang))
        spin.setDecimals(self.kind.decimals)
        spin.setRange(*self.kind.number_range)
        spin.setSingleStep(0.05 if self.kind.number_range[1] <= 10 else 0.5)
        spin.setValue(number)
        spin.setKeyboardTracking(False)
        spin.valueChanged.connect(lambda *_: self.changed.emit())
        remove = QToolButton()
        remove.setText("✕")
        remove.setToolTip(t("gui.form.remove_row", self.lang))
        remove.clicked.connect(lambda: self.remove_row(self.table.indexAt(remove.pos()).row()))
        self.table.setCellWidget(row, 0, combo)
        self.table.setCellWidget(row, 1, spin)
        self.table.setCellWidget(row, 2, remove)

    def _fit(self) -> None:
        """As tall as its rows (up to eight), so the editor never scrolls inside a scrolling panel."""
        self.table.resizeRowsToContents()
        rows = sum(self.table.rowHeight(r) for r in range(min(self.table.rowCount(), 8)))
        self.table.setFixedHeight(self.table.horizontalHeader().sizeHint().height() + rows + 4)

    def add_row(self) -> None:
        used = {key for key, _ in self.rows()}
        key = next((k for k in self.keys if k not in used), self.keys[0])
        self._append(key, self.kind.new_row)
        self._fit()
        self.changed.emit()

    def remove_row(self, row: int) -> None:
        if 0 <= row < self.table.rowCount():
            self.table.removeRow(row)
            self._fit()
            self.changed.emit()

    def rows(self) -> list:
        return [(self.keys[self.table.cellWidget(r, 0).currentData()], self.table.cellWidget(r, 1).value())
                for r in range(self.table.rowCount())]


def _number_rows(form, p, value):
    widget = NumberRows(p.kind, value, form.lang, p.kind.columns)
    widget.changed.connect(lambda: form._edited(p.name))
    return widget, lambda: p.kind.from_rows(widget.rows())


class GroupPicker(QWidget):
    """Which group: a characteristic and the groups of it that are meant, ticked by name."""

    changed = Signal()

    def __init__(self, value, lang: str):
        super().__init__()
        self.lang = lang
        value = value.to_dict() if hasattr(value, "to_dict") else value or {"attribute": "gender", "values": []}
        attributes = list(FORM_GROUP_ATTRIBUTES)
        if value["attribute"] not in attributes:
            attributes.append(value["attribute"])
        self.attribute = QComboBox()
        for a in attributes:
            self.attribute.addItem(t(f"attribute.{a}", lang), a)
        self.attribute.setCurrentIndex(attributes.index(value["attribute"]))
        self.boxes: dict[str, QCheckBox] = {}
        self.grid = QGridLayout()
        self.grid.setContentsMargins(0, 0, 0, 0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.attribute)
        layout.addLayout(self.grid)
        self._show_values(value["values"])
        self.attribute.currentIndexChanged.connect(lambda *_: (self._show_values([]), self.changed.emit()))

    def _show_values(self, ticked) -> None:
        for box in self.boxes.values():
            self.grid.removeWidget(box)
            box.deleteLater()
        self.boxes.clear()
        attribute = self.attribute.currentData()
        for k, v in enumerate(CATEGORIES[attribute]):
            box = QCheckBox(t(f"label.{attribute}.{v}", self.lang))
            box.setChecked(v in ticked)
            box.toggled.connect(lambda *_: self.changed.emit())
            self.grid.addWidget(box, k // 2, k % 2)
            self.boxes[v] = box

    def value(self) -> dict | None:
        """The group, or None when nothing is ticked (no group: a rule's "only for" then applies to everyone)."""
        values = [v for v, box in self.boxes.items() if box.isChecked()]
        return {"attribute": self.attribute.currentData(), "values": values} if values else None


def _group(form, p, value):
    widget = GroupPicker(value, form.lang)
    widget.changed.connect(lambda: form._edited(p.name))
    return widget, widget.value


# widget name (ParamKind.widget) -> builder(form, param, value) -> (widget, read the widget's value)
_WIDGETS = {CHECK: _check_box, WHOLE: _whole, DECIMAL: _decimal, CHOICE: _choice, TEXT: _text,
            CHECKLIST: _checklist, NUMBERS: _number_rows, GROUP: _group}


def nice_step(span: float, at_least: int = 100) -> float:
    """The largest round step (1, 2 or 5 times a power of ten) that cuts ``span`` into at least
    ``at_least`` steps: a slider then lands on numbers a facilitator can read out."""
    raw = span / at_least
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (5, 2, 1) if m * power <= raw)


class NumberSlider(QSlider):
    """A slider that moves a spin box over ``span`` in round steps; the spin box holds the value."""

    def __init__(self, spin, span: tuple[float, float], whole: bool):
        super().__init__(Qt.Orientation.Horizontal)
        self.spin, self.whole = spin, whole
        self.setMinimumWidth(60)
        spin.valueChanged.connect(self._follow)
        self.set_span(span)

    def set_span(self, span: tuple[float, float]) -> None:
        low, high = float(span[0]), float(span[1])
        self.low = low
        self.step = max(1.0, float(round(nice_step(high - low)))) if self.whole else nice_step(high - low)
        self.blockSignals(True)
        self.setRange(0, max(1, round((high - low) / self.step)))
        self.setPageStep(max(1, self.maximum() // 10))
        self.blockSignals(False)
        self._follow(self.spin.value())

    def value_at(self, position: int) -> float:
        value = self.low + position * self.step
        return int(round(value)) if self.whole else round(value, 10)

    def _follow(self, value) -> None:
        self.blockSignals(True)
        self.setValue(round((value - self.low) / self.step))
        self.blockSignals(False)


class RuleForm(QWidget):
    """Edits one rule. Emits ``rule_changed(new_rule)`` when the widgets form a valid rule."""

    rule_changed = Signal(object, str, bool)  # (the new rule, the parameter edited, live: a slider is dragged)
    slider_released = Signal()  # a drag ended: the next edit is an undo step of its own

    def __init__(self, lang: str = "en", parent=None):
        super().__init__(parent)
        self.lang = lang
        self.rule: Rule | None = None
        self.path = "rule"
        self.widgets: dict[str, QWidget] = {}
        self.readers: dict[str, object] = {}
        self.optional: dict[str, QCheckBox] = {}
        self.sliders: dict[str, NumberSlider] = {}
        self.rows: dict[str, list[QWidget]] = {}  # per parameter: the widgets that start its form rows
        self.form = QFormLayout()
        self.error = WrappedLabel()
        self.error.setStyleSheet("color: #B2182B")
        self.legality = WrappedLabel()
        self.heading = WrappedLabel()
        self.heading.setStyleSheet("font-weight: bold")
        layout = QFormLayout(self)
        layout.addRow(self.heading)
        layout.addRow(self.form)
        layout.addRow(self.error)
        layout.addRow(self.legality)
        self._building = False
        self._soon: set[str] = set()

    def set_rule(self, rule: Rule | None, path: str = "rule", ranges: dict | None = None) -> None:
        """Show ``rule``; ``ranges`` are the slider ranges taken from the run (parameter -> (low, high))."""
        self.rule = rule
        self.path = path
        self._building = True
        while self.form.rowCount():
            self.form.removeRow(0)
        self.widgets.clear()
        self.readers.clear()
        self.optional.clear()
        self.sliders.clear()
        self.rows.clear()
        self.error.clear()
        if rule is not None:
            for p in rule.PARAMS:
                self._add(p, getattr(rule, p.name), ranges or {})
        self._building = False
        self._show_legality()
        self._show_applicable()

    def _show_applicable(self) -> None:
        """Hide the parameters the rule does not read with its other settings as they are."""
        if self.rule is None:
            return
        for name, starts in self.rows.items():
            shown = self.rule.param_applies(name)
            for widget in starts:
                self.form.setRowVisible(widget, shown)

    def _add(self, p, value, ranges: dict) -> None:
        widget, read = _WIDGETS[p.kind.widget](self, p, value)
        widget.setObjectName(f"param_{p.name}")
        if p.kind.widget in (WHOLE, DECIMAL):
            widget.setMinimumWidth(72)  # not as wide as the largest number the range allows

        self.widgets[p.name] = widget
        self.readers[p.name] = read
        label = WrappedLabel(self.rule.param_label(p.name, self.lang))
        label.setObjectName(f"label_{p.name}")
        field = self._with_slider(p, widget, ranges)
        if p.optional:
            use = QCheckBox()
            use.setObjectName(f"use_{p.name}")
            use.setChecked(value is not None)
            field.setEnabled(value is not None)
            use.toggled.connect(field.setEnabled)
            use.toggled.connect(lambda *_: self._edited(p.name))
            self.optional[p.name] = use
            row = QWidget()
            box = QHBoxLayout(row)
            box.setContentsMargins(0, 0, 0, 0)
            box.addWidget(use, 0, Qt.AlignmentFlag.AlignTop)
            box.addWidget(field, 1)
            field = row
        # Tables, checklists and sliders take the form's whole width, their label above them: beside
        # a label they would be squeezed into a third of a 1280 px editor.
        if p.kind.widget in (CHECKLIST, NUMBERS, GROUP) or p.name in self.sliders:
            self.form.addRow(label)
            self.form.addRow(field)
            self.rows[p.name] = [label, field]
        else:
            self.form.addRow(label, field)
            self.rows[p.name] = [label]
        help_text = self.rule.param_help(p.name, self.lang)
        if help_text:  # jargon explained where it is met, in words, under the field
            note = WrappedLabel(help_text)
            note.setObjectName(f"help_{p.name}")
            note.setStyleSheet("color: #555555")
            self.form.addRow(note)
            self.rows[p.name].append(note)

    def _with_slider(self, p, spin, ranges: dict) -> QWidget:
        """The spin box, with a slider beside it if the parameter has a slider range."""
        span = ranges.get(p.name) if isinstance(p.slider, str) else p.slider
        if p.slider is None or p.kind.widget not in (WHOLE, DECIMAL):
            return spin
        slider = NumberSlider(spin, span or (0, 1), whole=p.kind.widget == WHOLE)
        slider.setObjectName(f"slider_{p.name}")
        slider.setVisible(span is not None)  # a range from a run that has not arrived yet
        slider.valueChanged.connect(lambda position: self._slid(p.name, position))
        slider.sliderReleased.connect(self.slider_released)
        self.sliders[p.name] = slider
        row = QWidget()
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(spin)
        box.addWidget(slider, 1)
        return row

    def _slid(self, name: str, position: int) -> None:
        slider, spin = self.sliders[name], self.widgets[name]
        spin.blockSignals(True)
        spin.setValue(slider.value_at(position))
        spin.blockSignals(False)
        self._edited(name, live=slider.isSliderDown())

    def update_ranges(self, ranges: dict) -> None:
        """New slider ranges from a new run (a slider being dragged keeps its range)."""
        for name, span in ranges.items():
            slider = self.sliders.get(name)
            if slider is not None and not slider.isSliderDown():
                slider.set_span(span)
                slider.setVisible(True)

    def values(self) -> dict:
        """The widgets as a scenario-file table (not yet validated)."""
        data = {"kind": self.rule.kind, "enabled": self.rule.enabled}
        for p in self.rule.PARAMS:
            if p.name in self.optional and not self.optional[p.name].isChecked():
                continue
            value = self.readers[p.name]()
            if p.kind.widget == TEXT:
                value = p.kind.from_text(value, data)
            if value is not None:
                data[p.name] = value
        return data

    def _edited(self, name: str = "", live: bool = False) -> None:
        if self._building or self.rule is None:
            return
        self.apply(name, live)

    def _edited_soon(self, name: str) -> None:
        """One edit for a burst of changes (a checklist heading ticks all its names one by one)."""
        if self._building or self.rule is None or name in self._soon:
            return
        self._soon.add(name)

        def apply():
            self._soon.discard(name)
            if self.rule is not None:
                self.apply(name)

        QTimer.singleShot(0, self, apply)

    def apply(self, name: str = "", live: bool = False) -> Rule | None:
        """Validate the widgets; on success replace the rule and emit ``rule_changed``."""
        try:
            rule = rule_from_dict(self.values(), self.path)
        except RuleConfigError as exc:
            self.error.setText(t("gui.form.invalid", self.lang, path=exc.path, message=exc.message))
            return None
        self.error.clear()
        self.rule = rule
        self._show_legality()
        self._show_applicable()
        self.rule_changed.emit(rule, name, live)
        return rule

    def _show_legality(self) -> None:
        if self.rule is None:
            self.legality.clear()
            self.heading.clear()
            return
        self.heading.setText(self.rule.describe(self.lang))
        legal = self.rule.legality()
        self.legality.setText(f"<b>{legal.label(self.lang)}.</b> {legal.explain(self.lang)}")
