"""What a rule parameter can hold: a small set of typed kinds.

A rule declares each parameter once (``Param``: name, kind, default, range). The kind checks a
value from a scenario file and says how a form edits it: a check box, a whole or decimal number,
a choice, a checklist of names under headings, a small table of named numbers (the kind turns its
value into rows and back: ``rows``/``from_rows``), a group ticked by name, or a line of text that
the kind writes and reads back (``to_text``/``from_text``). Those conversions live here in core, so
the window has no rule knowledge. A new kind of parameter is one class in this module
and, if it needs a new sort of widget, one entry in ``gui/rule_form.py``'s widget table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar

from ..limits import exact, excerpt
from ..world import CATEGORIES, PROTECTED_ATTRIBUTES

# The widgets a form can build; every kind names one. CHECKLIST: tick names from a list (grouped by
# kind); NUMBERS: a small table of named rows, each with a number (``rows``/``from_rows``); GROUP:
# an attribute and the groups of it that are meant.
CHECK, WHOLE, DECIMAL, CHOICE, TEXT = "check", "whole", "decimal", "choice", "text"
CHECKLIST, NUMBERS, GROUP = "checklist", "numbers", "group"
# The attributes a form offers when a recruiter adds a group (a file may name any attribute).
FORM_GROUP_ATTRIBUTES = ("gender", "age_band", "origin", "region", "name_region", "disability", "parent",
                         "education", "diploma_country", "dutch_level", "applied_for")
# Slider ranges taken from the last run (``Outcome.slider_range``).
SCORE_RANGE, REACHED_RANGE = "score", "reached"


class RuleConfigError(ValueError):
    """A rule parameter is wrong; ``path`` names where (e.g. ``stages[1].rules[0].value``)."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


@dataclass(frozen=True)
class Param:
    """One declared rule parameter: its name, kind and default (written here and nowhere else)."""

    name: str
    kind: "ParamKind"
    default: Any = None
    minimum: float | None = None
    maximum: float | None = None
    optional: bool = False  # may be left out (None): the form shows a check box to switch it on
    # A slider beside the number, dragged to watch who falls out: the range it covers (the number
    # itself still takes any legal value), or SCORE_RANGE / REACHED_RANGE for a cut whose sensible
    # range depends on the run (the stage's scores; how many people reach the stage).
    slider: tuple[float, float] | str | None = None

    def check(self, value: Any, path: str) -> Any:
        if value is None:
            if self.optional or self.default is None:
                return None
            raise RuleConfigError(path, "is required")
        return self.kind.check(self, value, path)


class ParamKind:
    """Base of every parameter kind."""

    widget: ClassVar[str] = TEXT
    what: ClassVar[str] = ""  # for the reference in docs/rule-kinds.md

    def check(self, param: Param, value: Any, path: str) -> Any:
        raise NotImplementedError

    def to_text(self, value: Any) -> str:
        """How a text widget shows the value (text kinds only)."""
        return "" if value is None else str(value)

    def from_text(self, text: str, others: dict) -> Any:
        """The value a text widget holds, read back; ``others`` are the parameters before it."""
        return text.strip()


def _check_bool(value, path):
    if not isinstance(value, bool):
        raise RuleConfigError(path, f"expected true or false, got {excerpt(value)}")
    return value


def _check_number(param: Param, value, path: str, whole: bool):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise RuleConfigError(path, f"expected a number, got {excerpt(value)}")
    if not math.isfinite(value):
        raise RuleConfigError(path, f"expected a finite number, got {excerpt(value)}")
    if whole and int(value) != value:
        raise RuleConfigError(path, f"expected a whole number, got {excerpt(value)}")
    if param.minimum is not None and value < param.minimum:
        raise RuleConfigError(path, f"must be at least {exact(param.minimum)}, got {exact(value)}")
    if param.maximum is not None and value > param.maximum:
        raise RuleConfigError(path, f"must be at most {exact(param.maximum)}, got {exact(value)}")
    return int(value) if whole else float(value)


class YesNo(ParamKind):
    widget = CHECK
    what = "true or false"

    def check(self, param, value, path):
        return _check_bool(value, path)


class Whole(ParamKind):
    widget = WHOLE
    what = "a whole number"

    def check(self, param, value, path):
        return _check_number(param, value, path, whole=True)


class Decimal(ParamKind):
    widget = DECIMAL
    what = "a number"

    def check(self, param, value, path):
        return _check_number(param, value, path, whole=False)


class Choice(ParamKind):
    """One of a fixed set of values. ``labels``: the text-key prefix of their names (None: the
    rule's own ``rule.<kind>.choice.<param>``)."""

    widget = CHOICE
    what = "one of the listed values"

    def __init__(self, options: tuple[str, ...], labels: str | None = None):
        self.options = tuple(options)
        self.labels = labels

    def check(self, param, value, path):
        if not isinstance(value, str):
            raise RuleConfigError(path, f"expected text, got {excerpt(value)}")
        if value not in self.options:
            raise RuleConfigError(path, f"unknown value {excerpt(value)} (expected one of {', '.join(self.options)})")
        return value


class Words(ParamKind):
    """A list of words, optionally from a fixed set: free words are written "a, b, c" in a form;
    a fixed set is a checklist, under the headings of ``groups`` ({heading: names}), each name
    shown as the text ``<labels>.<name>`` and each heading as ``<headings>.<heading>``."""

    what = "a list of texts"

    def __init__(self, options: tuple[str, ...] = (), groups: dict[str, tuple[str, ...]] | None = None,
                 labels: str = "", headings: str = ""):
        self.options = tuple(options)
        self.groups = groups or ({"all": self.options} if self.options else {})
        self.labels, self.headings = labels, headings
        self.widget = CHECKLIST if self.options else TEXT

    def check(self, param, value, path):
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise RuleConfigError(path, "expected a list of texts")
        for v in value:
            if self.options and v not in self.options:
                raise RuleConfigError(path, f"unknown value {excerpt(v)} (expected some of {', '.join(self.options)})")
        return list(value)

    def to_text(self, value):
        return ", ".join(value or [])

    def from_text(self, text, others):
        return [v.strip() for v in text.split(",") if v.strip()]


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


def format_scalar(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _parse_mapping(text: str) -> dict:
    """'education=2, skills_count=3' -> {'education': 2, ...}; malformed parts are passed on so
    that checking reports them."""
    out = {}
    for part in filter(None, (p.strip() for p in text.replace(";", ",").split(","))):
        if "=" not in part:
            out[part] = None
            continue
        key, value = part.split("=", 1)
        out[key.strip()] = parse_scalar(value)
    return out


def _no_repeats(rows, label) -> None:
    seen = set()
    for key, _ in rows:
        if key in seen:
            raise RuleConfigError("rows", f"{label(key)} is listed twice")
        seen.add(key)


class Weights(ParamKind):
    """Numbers by name (feature weights); in a form a table of feature and points."""

    what = "a table of name = number"
    widget = NUMBERS
    number_range, decimals, new_row = (-100.0, 100.0), 2, 1.0  # a new row: one point
    columns = ("feature", "points")  # the table's headings: gui.form.column.<name>

    def __init__(self, options: tuple[str, ...] = ()):
        self.options = tuple(options)

    def choices(self) -> list:
        return list(self.options)

    def row_label(self, key, lang: str) -> str:
        from ..texts import t

        return t(f"feature.{key}", lang)

    def rows(self, value) -> list:
        return [(k, float(v)) for k, v in (value or {}).items()]

    def from_rows(self, rows) -> dict:
        _no_repeats(rows, str)
        return {k: v for k, v in rows}

    def check(self, param, value, path):
        if not isinstance(value, dict):
            raise RuleConfigError(path, "expected a table of name = number")
        for k, v in value.items():
            if self.options and k not in self.options:
                raise RuleConfigError(f"{path}.{k}", f"unknown name (expected one of {', '.join(self.options)})")
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                raise RuleConfigError(f"{path}.{k}", f"expected a finite number, got {excerpt(v)}")
        return {k: float(v) for k, v in value.items()}

    def to_text(self, value):
        return ", ".join(f"{k}={format_scalar(v)}" for k, v in (value or {}).items())

    def from_text(self, text, others):
        return _parse_mapping(text)


@dataclass
class GroupSelector:
    """Candidates whose ``attribute`` is one of ``values`` (value keys, e.g. origin: born_abroad)."""

    attribute: str
    values: list[str]

    def mask(self, pool):
        from ..world import in_category

        codes = [CATEGORIES[self.attribute].index(v) for v in self.values]
        return in_category(pool[self.attribute], self.attribute, codes)

    def describe(self, lang: str) -> str:
        from ..texts import t

        names = [t(f"label.{self.attribute}.{v}", lang) for v in self.values]
        return t("group.selector", lang, attribute=t(f"attribute.{self.attribute}", lang), values=", ".join(names))

    def to_dict(self) -> dict:
        return {"attribute": self.attribute, "values": list(self.values)}


def parse_group(data: Any, path: str) -> GroupSelector:
    if not isinstance(data, dict):
        raise RuleConfigError(path, "expected a table with 'attribute' and 'values'")
    attribute = data.get("attribute")
    if not isinstance(attribute, str) or attribute not in CATEGORIES:
        raise RuleConfigError(f"{path}.attribute", f"unknown attribute {excerpt(attribute)}")
    values = data.get("values")
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list) or not values:
        raise RuleConfigError(f"{path}.values", "expected a non-empty list of values")
    for v in values:
        if v not in CATEGORIES[attribute]:
            raise RuleConfigError(
                f"{path}.values", f"{attribute} has no value {excerpt(v)} (expected one of {', '.join(CATEGORIES[attribute])})"
            )
    return GroupSelector(attribute, list(values))


class Group(ParamKind):
    """A group of candidates; written "origin: second_gen, born_abroad"."""

    what = "a group: { attribute = \"origin\", values = [\"born_abroad\"] }"
    widget = GROUP

    def check(self, param, value, path):
        return value if isinstance(value, GroupSelector) else parse_group(value, path)

    def to_text(self, value):
        return "" if value is None else f"{value.attribute}: {', '.join(value.values)}"

    def from_text(self, text, others):
        if not text.strip():
            return None
        if ":" not in text:
            return {"attribute": text.strip(), "values": []}
        attribute, values = text.split(":", 1)
        return {"attribute": attribute.strip(), "values": [v.strip() for v in values.split(",") if v.strip()]}


def values_label(attribute: str, values, lang: str) -> str:
    """'women' or 'born abroad, born in NL, parent born abroad' in ``lang``: the groups' own names
    say which characteristic they belong to."""
    from ..texts import label

    values = [values] if isinstance(values, str) else values
    return ", ".join(label(attribute, v, lang) for v in values)


class Factors(ParamKind):
    """Factors for groups (a callback's invitation chances); in a form a table of group and factor.
    A row's key is its condition: ((attribute, (values…)), …), all of which a candidate meets."""

    what = "a list such as [{ when = { attribute = [values] }, factor = 0.56 }]"
    widget = NUMBERS
    number_range, decimals, new_row = (0.0, 10.0), 2, 1.0  # a new row: the same chance as everyone
    columns = ("group", "factor")

    def choices(self) -> list:
        attributes = PROTECTED_ATTRIBUTES + ("name_region", "applied_for")
        return [((a, (v,)),) for a in attributes for v in CATEGORIES[a]]

    def row_label(self, key, lang: str) -> str:
        return " & ".join(values_label(a, values, lang) for a, values in key)

    def rows(self, value) -> list:
        return [(tuple((a, tuple([v] if isinstance(v, str) else v)) for a, v in entry["when"].items()),
                 float(entry["factor"])) for entry in value or []]

    def from_rows(self, rows) -> list:
        return [{"when": {a: list(values) for a, values in key}, "factor": factor} for key, factor in rows]

    def check(self, param, value, path):
        if not isinstance(value, list):
            raise RuleConfigError(path, "expected a list of {when = {...}, factor = number}")
        for k, entry in enumerate(value):
            epath = f"{path}[{k}]"
            if not isinstance(entry, dict) or set(entry) - {"when", "factor"} or "when" not in entry:
                raise RuleConfigError(epath, "expected {when = {attribute = [values]}, factor = number}")
            factor = entry.get("factor")
            if isinstance(factor, bool) or not isinstance(factor, (int, float)) or not math.isfinite(factor) \
                    or factor < 0:
                raise RuleConfigError(f"{epath}.factor", "expected a number of 0 or more")
            when = entry["when"]
            if not isinstance(when, dict) or not when:
                raise RuleConfigError(f"{epath}.when", "expected a table {attribute = [values]}")
            for attribute, values in when.items():
                parse_group({"attribute": attribute, "values": values}, f"{epath}.when.{attribute}")
        return value

    def to_text(self, value):
        parts = []
        for entry in value or []:
            when = " & ".join(f"{a}: {', '.join([v] if isinstance(v, str) else v)}" for a, v in entry["when"].items())
            parts.append(f"{when} = {float(entry['factor']):g}")
        return "; ".join(parts)

    def from_text(self, text, others):
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


class Shifts(ParamKind):
    """Shifts per group value, by attribute (a history's bias); written "gender: woman=-0.5; origin: …".
    ``shown_when_empty`` is what an empty value means (the form shows it)."""

    what = "a table { attribute = { value = number } }"
    widget = NUMBERS
    number_range, decimals, new_row = (-5.0, 5.0), 2, 0.0  # a new row: judged like everyone
    columns = ("group", "shift")

    def __init__(self, shown_when_empty: dict | None = None, attributes: tuple[str, ...] = PROTECTED_ATTRIBUTES,
                 unit: str = "shift"):
        self.shown_when_empty = shown_when_empty
        self.attributes = attributes  # what a form offers to add (a file may name any attribute)
        self.columns = ("group", unit)  # the number column's heading: gui.form.column.<unit>

    def choices(self) -> list:
        return [(a, v) for a in self.attributes for v in CATEGORIES[a]]

    def row_label(self, key, lang: str) -> str:
        return values_label(key[0], key[1], lang)

    def rows(self, value) -> list:
        value = self.shown_when_empty if value is None else value
        return [((a, v), float(shift)) for a, shifts in (value or {}).items() for v, shift in shifts.items()]

    def from_rows(self, rows):
        _no_repeats(rows, lambda key: f"{key[0]}: {key[1]}")
        out: dict = {}
        for (attribute, v), shift in rows:
            out.setdefault(attribute, {})[v] = shift
        return None if out == self.shown_when_empty else out  # unchanged: still "the default"

    def check(self, param, value, path):
        if not isinstance(value, dict):
            raise RuleConfigError(path, "expected a table {attribute = {value = shift}}")
        for attribute, shifts in value.items():
            if attribute not in CATEGORIES:
                raise RuleConfigError(f"{path}.{attribute}", "unknown attribute")
            if not isinstance(shifts, dict):
                raise RuleConfigError(f"{path}.{attribute}", "expected a table {value = shift}")
            for v, shift in shifts.items():
                if v not in CATEGORIES[attribute]:
                    raise RuleConfigError(f"{path}.{attribute}.{v}", f"{attribute} has no value {excerpt(v)}")
                if isinstance(shift, bool) or not isinstance(shift, (int, float)) or not math.isfinite(shift):
                    raise RuleConfigError(f"{path}.{attribute}.{v}", "expected a finite number")
        return value

    def to_text(self, value):
        value = self.shown_when_empty if value is None else value
        if not value:
            return ""
        return "; ".join(f"{a}: " + ", ".join(f"{k}={v:g}" for k, v in shifts.items()) for a, shifts in value.items())

    def from_text(self, text, others):
        if not text.strip():
            return None
        out = {}
        for part in filter(None, (p.strip() for p in text.split(";"))):
            if ":" not in part:
                out[part] = "?"
                continue
            attribute, rest = part.split(":", 1)
            out[attribute.strip()] = _parse_mapping(rest)
        return None if out == self.shown_when_empty else out  # unchanged: still "the default"


class Scalar(ParamKind):
    """A yes/no, number or value key, or a list of them when ``list_ops`` holds the operator
    (a knock-out's value: ``op = "in"`` takes a list). The rule checks it against its field."""

    what = "true/false, a number, a value, or a list of values for in / not in"

    def __init__(self, operator_param: str = "op", list_ops: tuple[str, ...] = ("in", "not in")):
        self.operator_param = operator_param
        self.list_ops = list_ops

    def check(self, param, value, path):
        items = value if isinstance(value, list) else [value]
        for item in items:
            if not isinstance(item, (bool, int, float, str)):
                raise RuleConfigError(path, f"expected true/false, a number or a value, got {excerpt(item)}")
            if isinstance(item, float) and not math.isfinite(item):
                raise RuleConfigError(path, f"expected a finite number, got {excerpt(item)}")
        return value

    def to_text(self, value):
        if isinstance(value, list):
            return ", ".join(format_scalar(v) for v in value)
        return "" if value is None else format_scalar(value)

    def from_text(self, text, others):
        if others.get(self.operator_param) in self.list_ops:
            return [parse_scalar(v) for v in text.split(",") if v.strip()]
        return parse_scalar(text)
