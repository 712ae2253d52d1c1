"""A form for one rule, built from the rule's declared parameters (``Rule.PARAMS``).

Each parameter's kind names its widget (a check box, a number, a choice or a line of text); text
kinds write and read their own text (``ParamKind.to_text``/``from_text``, in core). The form turns
its widgets into the same table a scenario file holds and hands it to ``rules.rule_from_dict``, so
the app and the files share one validation with the same messages. A new rule kind needs no form
code; a new sort of widget is one entry in ``_WIDGETS``.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QSpinBox, QWidget)

from ..core.rules import Rule, RuleConfigError, rule_from_dict
from ..core.rules.params import CHECK, CHOICE, DECIMAL, TEXT, WHOLE
from ..core.texts import t


def _check_box(form, p, value):
    widget = QCheckBox()
    widget.setChecked(bool(value))
    widget.toggled.connect(form._edited)
    return widget, widget.isChecked


def _whole(form, p, value):
    widget = QSpinBox()
    widget.setRange(int(p.minimum if p.minimum is not None else -10**9), int(p.maximum if p.maximum is not None else 10**9))
    widget.setValue(int(value) if value is not None else int(p.minimum or 0))
    widget.setKeyboardTracking(False)
    widget.valueChanged.connect(form._edited)
    return widget, widget.value


def _decimal(form, p, value):
    widget = QDoubleSpinBox()
    widget.setDecimals(3)
    widget.setRange(p.minimum if p.minimum is not None else -1e6, p.maximum if p.maximum is not None else 1e6)
    widget.setSingleStep(0.05 if (p.maximum or 10) <= 1 else 0.5)
    widget.setValue(float(value) if value is not None else float(p.minimum or 0))
    widget.setKeyboardTracking(False)
    widget.valueChanged.connect(form._edited)
    return widget, widget.value


def _choice(form, p, value):
    widget = QComboBox()
    for option in p.kind.options:
        widget.addItem(form.rule.choice_label(p.name, option, form.lang), option)
    widget.setCurrentIndex(max(widget.findData(value), 0))
    widget.currentIndexChanged.connect(form._edited)
    return widget, widget.currentData


def _text(form, p, value):
    widget = QLineEdit(p.kind.to_text(value))
    widget.editingFinished.connect(form._edited)
    return widget, widget.text


# widget name (ParamKind.widget) -> builder(form, param, value) -> (widget, read the widget's value)
_WIDGETS = {CHECK: _check_box, WHOLE: _whole, DECIMAL: _decimal, CHOICE: _choice, TEXT: _text}


class RuleForm(QWidget):
    """Edits one rule. Emits ``rule_changed(new_rule)`` when the widgets form a valid rule."""

    rule_changed = Signal(object)

    def __init__(self, lang: str = "en", parent=None):
        super().__init__(parent)
        self.lang = lang
        self.rule: Rule | None = None
        self.path = "rule"
        self.widgets: dict[str, QWidget] = {}
        self.readers: dict[str, object] = {}
        self.optional: dict[str, QCheckBox] = {}
        self.form = QFormLayout()
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #B2182B")
        self.legality = QLabel()
        self.legality.setWordWrap(True)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet("font-weight: bold")
        layout = QFormLayout(self)
        layout.addRow(self.heading)
        layout.addRow(self.form)
        layout.addRow(self.error)
        layout.addRow(self.legality)
        self._building = False

    def set_rule(self, rule: Rule | None, path: str = "rule") -> None:
        self.rule = rule
        self.path = path
        self._building = True
        while self.form.rowCount():
            self.form.removeRow(0)
        self.widgets.clear()
        self.readers.clear()
        self.optional.clear()
        self.error.clear()
        if rule is not None:
            for p in rule.PARAMS:
                self._add(p, getattr(rule, p.name))
        self._building = False
        self._show_legality()

    def _add(self, p, value) -> None:
        widget, read = _WIDGETS[p.kind.widget](self, p, value)
        widget.setObjectName(f"param_{p.name}")
        self.widgets[p.name] = widget
        self.readers[p.name] = read
        label = self.rule.param_label(p.name, self.lang)
        if p.optional:
            use = QCheckBox()
            use.setObjectName(f"use_{p.name}")
            use.setChecked(value is not None)
            widget.setEnabled(value is not None)
            use.toggled.connect(widget.setEnabled)
            use.toggled.connect(self._edited)
            self.optional[p.name] = use
            row = QWidget()
            box = QHBoxLayout(row)
            box.setContentsMargins(0, 0, 0, 0)
            box.addWidget(use)
            box.addWidget(widget, 1)
            self.form.addRow(label, row)
        else:
            self.form.addRow(label, widget)

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

    def _edited(self, *_) -> None:
        if self._building or self.rule is None:
            return
        self.apply()

    def apply(self) -> Rule | None:
        """Validate the widgets; on success replace the rule and emit ``rule_changed``."""
        try:
            rule = rule_from_dict(self.values(), self.path)
        except RuleConfigError as exc:
            self.error.setText(t("gui.form.invalid", self.lang, path=exc.path, message=exc.message))
            return None
        self.error.clear()
        self.rule = rule
        self._show_legality()
        self.rule_changed.emit(rule)
        return rule

    def _show_legality(self) -> None:
        if self.rule is None:
            self.legality.clear()
            self.heading.clear()
            return
        self.heading.setText(self.rule.describe(self.lang))
        legal = self.rule.legality()
        self.legality.setText(f"<b>{legal.label(self.lang)}.</b> {legal.explain(self.lang)}")
