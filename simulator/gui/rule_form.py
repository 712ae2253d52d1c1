"""A form for one rule, built from the rule's declared parameters (``Rule.PARAMS``).

The form turns its widgets into the same table a scenario file holds and hands it to
``rules.rule_from_dict``, so the app and the files share one validation with the same messages.
A new rule kind needs no form code unless it has an unusual parameter type.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QSpinBox, QWidget)

from ..core.rules import GroupSelector, Rule, RuleConfigError, rule_from_dict
from ..core.texts import has_text, t


def _format_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(_format_value(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def parse_scalar(text: str):
    """'true'/'ja' -> True, '12' -> 12, '0.5' or '0,5' -> 0.5, else the text itself."""
    s = text.strip()
    low = s.lower()
    if low in ("true", "yes", "ja", "waar"):
        return True
    if low in ("false", "no", "nee", "onwaar"):
        return False
    try:
        return int(s)
    except ValueError:
        pass
    if s.count(",") == 1 and "." not in s:  # Dutch decimal comma
        s = s.replace(",", ".")
    try:
        return float(s)
    except ValueError:
        return text.strip()


def parse_mapping(text: str) -> dict:
    """'education=2, skills_count=3' -> {'education': 2.0, 'skills_count': 3.0} (kept as text if malformed)."""
    out = {}
    for part in filter(None, (p.strip() for p in text.replace(";", ",").split(","))):
        if "=" not in part:
            out[part] = None
            continue
        key, value = part.split("=", 1)
        out[key.strip()] = parse_scalar(value)
    return out


def parse_group(text: str) -> dict:
    """'origin: second_gen, born_abroad' -> {'attribute': 'origin', 'values': [...]}."""
    if ":" not in text:
        return {"attribute": text.strip(), "values": []}
    attribute, values = text.split(":", 1)
    return {"attribute": attribute.strip(), "values": [v.strip() for v in values.split(",") if v.strip()]}


def parse_bias(text: str) -> dict | None:
    """'gender: woman=-0.5; origin: born_abroad=-0.5' -> nested table; empty text = the default."""
    if not text.strip():
        return None
    out = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        if ":" not in part:
            out[part] = "?"
            continue
        attribute, rest = part.split(":", 1)
        out[attribute.strip()] = parse_mapping(rest)
    return out


def format_bias(value) -> str:
    if not value:
        return ""
    return "; ".join(f"{a}: " + ", ".join(f"{k}={v:g}" for k, v in shifts.items()) for a, shifts in value.items())


def format_factors(factors) -> str:
    """[{when: {gender: [woman], parent: [yes]}, factor: 0.48}] -> 'gender: woman & parent: yes = 0.48'."""
    parts = []
    for entry in factors or []:
        when = " & ".join(f"{a}: {', '.join([v] if isinstance(v, str) else v)}" for a, v in entry["when"].items())
        parts.append(f"{when} = {float(entry['factor']):g}")
    return "; ".join(parts)


def parse_factors(text: str) -> list:
    """The inverse of ``format_factors``; malformed parts are passed on for validation to report."""
    out = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        if "=" not in part:
            out.append({"when": part})
            continue
        conditions, factor = part.rsplit("=", 1)
        when = {}
        for condition in filter(None, (c.strip() for c in conditions.split("&"))):
            attribute, _, values = condition.partition(":")
            when[attribute.strip()] = [v.strip() for v in values.split(",") if v.strip()]
        out.append({"when": when, "factor": parse_scalar(factor)})
    return out


def param_label(name: str, lang: str) -> str:
    key = f"gui.param.{name}"
    return t(key, lang) if has_text(key, lang) else name


class RuleForm(QWidget):
    """Edits one rule. Emits ``rule_changed(new_rule)`` when the widgets form a valid rule."""

    rule_changed = Signal(object)

    def __init__(self, lang: str = "en", parent=None):
        super().__init__(parent)
        self.lang = lang
        self.rule: Rule | None = None
        self.path = "rule"
        self.widgets: dict[str, QWidget] = {}
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
        self.optional.clear()
        self.error.clear()
        if rule is not None:
            for p in rule.PARAMS:
                self._add(p, getattr(rule, p.name))
        self._building = False
        self._show_legality()

    def _add(self, p, value) -> None:
        kind = p.kind.removeprefix("optional_")
        widget: QWidget
        if kind == "bool":
            widget = QCheckBox()
            widget.setChecked(bool(value))
            widget.toggled.connect(self._edited)
        elif kind == "int":
            widget = QSpinBox()
            widget.setRange(int(p.minimum if p.minimum is not None else -10**9),
                            int(p.maximum if p.maximum is not None else 10**9))
            widget.setValue(int(value) if value is not None else int(p.minimum or 0))
            widget.setKeyboardTracking(False)
            widget.valueChanged.connect(self._edited)
        elif kind == "float":
            widget = QDoubleSpinBox()
            widget.setDecimals(3)
            widget.setRange(p.minimum if p.minimum is not None else -1e6, p.maximum if p.maximum is not None else 1e6)
            widget.setSingleStep(0.05 if (p.maximum or 10) <= 1 else 0.5)
            widget.setValue(float(value) if value is not None else float(p.minimum or 0))
            widget.setKeyboardTracking(False)
            widget.valueChanged.connect(self._edited)
        elif kind == "choice":
            widget = QComboBox()
            for choice in p.choices:
                widget.addItem(self._choice_label(p.name, choice), choice)
            widget.setCurrentIndex(max(widget.findData(value), 0))
            widget.currentIndexChanged.connect(self._edited)
        else:
            widget = QLineEdit(self._text(p, value))
            widget.editingFinished.connect(self._edited)
        widget.setObjectName(f"param_{p.name}")
        self.widgets[p.name] = widget
        label = param_label(p.name, self.lang)
        if p.kind.startswith("optional"):
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

    def _choice_label(self, name: str, choice: str) -> str:
        for key in (f"gui.choice.{name}.{choice}", f"field.{choice}" if name == "field" else "",
                    f"op.{choice}" if name == "op" else ""):
            if key and has_text(key, self.lang):
                return t(key, self.lang)
        return choice

    @staticmethod
    def _text(p, value) -> str:
        if p.name == "factors":
            return format_factors(value)
        if p.name == "history_bias":
            from ..core.rules.learned_model import DEFAULT_HISTORY_BIAS

            return format_bias(DEFAULT_HISTORY_BIAS if value is None else value)
        if value is None:
            return ""
        if isinstance(value, GroupSelector):
            return f"{value.attribute}: {', '.join(value.values)}"
        if isinstance(value, dict):
            return ", ".join(f"{k}={_format_value(v)}" for k, v in value.items())
        return _format_value(value)

    def values(self) -> dict:
        """The widgets as a scenario-file table (not yet validated)."""
        data = {"kind": self.rule.kind, "enabled": self.rule.enabled}
        for p in self.rule.PARAMS:
            widget = self.widgets[p.name]
            if p.name in self.optional and not self.optional[p.name].isChecked():
                continue
            kind = p.kind.removeprefix("optional_")
            if kind == "bool":
                value = widget.isChecked()
            elif kind in ("int", "float"):
                value = widget.value()
            elif kind == "choice":
                value = widget.currentData()
            else:
                text = widget.text()
                if p.name == "history_bias":
                    value = parse_bias(text)
                elif p.name == "factors":
                    value = parse_factors(text)
                elif kind == "str_list":
                    value = [v.strip() for v in text.split(",") if v.strip()]
                elif kind == "mapping":
                    value = parse_mapping(text)
                elif kind == "group":
                    value = parse_group(text) if text.strip() else None
                elif p.name == "value" and self._op_is_list():
                    value = [parse_scalar(v) for v in text.split(",") if v.strip()]
                else:
                    value = parse_scalar(text)
            if value is not None:
                data[p.name] = value
        return data

    def _op_is_list(self) -> bool:
        op = self.widgets.get("op")
        return isinstance(op, QComboBox) and op.currentData() in ("in", "not in")

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
