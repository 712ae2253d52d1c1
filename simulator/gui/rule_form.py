"""A form for one rule, built from the rule's declared parameters (``Rule.PARAMS``).

Each parameter's kind names its widget (a check box, a number, a choice or a line of text); text
kinds write and read their own text (``ParamKind.to_text``/``from_text``, in core). The form turns
its widgets into the same table a scenario file holds and hands it to ``rules.rule_from_dict``, so
the app and the files share one validation with the same messages. A new rule kind needs no form
code; a new sort of widget is one entry in ``_WIDGETS``.

A number whose parameter declares a ``slider`` range gets a slider beside it. Dragging it edits
the rule *live* (the window re-runs as often as it keeps up), and one drag is one undo step.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QSlider, QSpinBox, QWidget)

from ..core.rules import Rule, RuleConfigError, rule_from_dict
from ..core.rules.params import CHECK, CHOICE, DECIMAL, TEXT, WHOLE
from ..core.texts import t


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


# widget name (ParamKind.widget) -> builder(form, param, value) -> (widget, read the widget's value)
_WIDGETS = {CHECK: _check_box, WHOLE: _whole, DECIMAL: _decimal, CHOICE: _choice, TEXT: _text}


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
        self.error.clear()
        if rule is not None:
            for p in rule.PARAMS:
                self._add(p, getattr(rule, p.name), ranges or {})
        self._building = False
        self._show_legality()

    def _add(self, p, value, ranges: dict) -> None:
        widget, read = _WIDGETS[p.kind.widget](self, p, value)
        widget.setObjectName(f"param_{p.name}")
        if p.kind.widget in (WHOLE, DECIMAL):
            widget.setMinimumWidth(72)  # not as wide as the largest number the range allows

        self.widgets[p.name] = widget
        self.readers[p.name] = read
        label = self.rule.param_label(p.name, self.lang)
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
            box.addWidget(use)
            box.addWidget(field, 1)
            self.form.addRow(label, row)
        else:
            self.form.addRow(label, field)

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
        self.rule_changed.emit(rule, name, live)
        return rule

    def _show_legality(self) -> None:
        if self.rule is None:
            self.legality.clear()
            self.heading.clear()
            return
        self.heading.setText(self.rule.describe(self.lang))
        # A wrapped label does not ask its layout for the height it needs; reserve it.
        self.heading.setMinimumHeight(self.heading.heightForWidth(max(self.heading.width(), 300)))
        legal = self.rule.legality()
        self.legality.setText(f"<b>{legal.label(self.lang)}.</b> {legal.explain(self.lang)}")
