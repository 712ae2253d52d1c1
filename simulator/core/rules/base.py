"""What every screening rule shares: declared parameters, validation, legality and reasons.

A rule is a small dataclass. It declares its parameters once (``PARAMS``) with type, default and
range, so that scenario files are validated, the GUI can build a form, and the docs stay honest.
During a run a rule may do any of four things, each optional:

- ``passes(pool, ctx)``   a knock-out mask (True = may go on),
- ``points(pool, ctx)``   points added to the stage score,
- ``cut``                 keep the best of the stage score (threshold, top-K or top share),
- ``review(...)``         a human review of the machine's advice (simulated reviewers).

Rules see the whole pool and return arrays over all candidates; the pipeline applies them to the
candidates still in the running.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from ..texts import t
from ..world import CATEGORIES

LAWFUL = "lawful"
NEEDS_JUSTIFICATION = "needs_justification"
DIRECT_DISCRIMINATION = "direct_discrimination"
LEGALITY_LEVELS = (LAWFUL, NEEDS_JUSTIFICATION, DIRECT_DISCRIMINATION)


def by_value(keys, text_for) -> tuple[np.ndarray, list[str]]:
    """Reasons as (a code per candidate, the texts), each text worded once per distinct key: a value,
    or a row of values (``keys`` with one column per value)."""
    import pandas as pd

    keys = np.asarray(keys)
    if len(keys) == 0:
        return np.zeros(0, dtype=np.int64), []
    if keys.ndim == 1:
        codes, uniques = pd.factorize(keys, use_na_sentinel=False)
        return codes, [text_for(u) for u in uniques]
    # Several columns: one integer key per row from each column's codes, then its distinct rows.
    combined = np.zeros(len(keys), dtype=np.int64)
    for column in keys.T:
        column_codes, column_values = pd.factorize(column, use_na_sentinel=False)
        if combined.max(initial=0) >= (1 << 62) // max(len(column_values), 1):  # keep the key in 64 bits
            combined = pd.factorize(combined)[0].astype(np.int64)
        combined = combined * len(column_values) + column_codes
    codes, uniques = pd.factorize(combined)
    first = np.full(len(uniques), -1, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes))[::-1]  # the first row of each distinct key
    return codes, [text_for(keys[i]) for i in first]


def template_parts(text: str, *markers: str) -> list[str]:
    """A filled-in text split at its markers, so that many fillings can be joined without formatting."""
    parts = [text]
    for marker in markers:
        parts[-1:] = parts[-1].split(marker, 1)
    return parts


class RuleConfigError(ValueError):
    """A rule parameter is wrong; ``path`` names where (e.g. ``stages[1].rules[0].value``)."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


@dataclass(frozen=True)
class Param:
    """One declared rule parameter."""

    name: str
    kind: str  # int, float, bool, str, choice, str_list, mapping, group, optional_float, optional_int
    default: Any = None
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Legality:
    """How the law looks at a rule as configured: a level and an explanation key."""

    level: str
    key: str
    values: dict = field(default_factory=dict)

    def explain(self, lang: str) -> str:
        # A list value holds feature keys; they are shown by their names in ``lang``.
        values = {k: (", ".join(t(f"feature.{f}", lang) for f in v) if isinstance(v, list) else v)
                  for k, v in self.values.items()}
        return t(self.key, lang, **values)

    def label(self, lang: str) -> str:
        return t(f"legality.level.{self.level}", lang)


@dataclass
class GroupSelector:
    """Candidates whose ``attribute`` is one of ``values`` (value keys, e.g. origin: born_abroad)."""

    attribute: str
    values: list[str]

    def mask(self, pool) -> np.ndarray:
        codes = [CATEGORIES[self.attribute].index(v) for v in self.values]
        return np.isin(pool[self.attribute], codes)

    def describe(self, lang: str) -> str:
        names = [t(f"label.{self.attribute}.{v}", lang) for v in self.values]
        return t("group.selector", lang, attribute=t(f"attribute.{self.attribute}", lang), values=", ".join(names))

    def to_dict(self) -> dict:
        return {"attribute": self.attribute, "values": list(self.values)}


def parse_group(data: Any, path: str) -> GroupSelector:
    if not isinstance(data, dict):
        raise RuleConfigError(path, "expected a table with 'attribute' and 'values'")
    attribute = data.get("attribute")
    if attribute not in CATEGORIES:
        raise RuleConfigError(f"{path}.attribute", f"unknown attribute {attribute!r}")
    values = data.get("values")
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list) or not values:
        raise RuleConfigError(f"{path}.values", "expected a non-empty list of values")
    for v in values:
        if v not in CATEGORIES[attribute]:
            raise RuleConfigError(
                f"{path}.values", f"{attribute} has no value {v!r} (expected one of {', '.join(CATEGORIES[attribute])})"
            )
    return GroupSelector(attribute, list(values))


@dataclass
class Cut:
    """Which candidates a score keeps: at least ``threshold`` points, the best ``top_k``, or a share."""

    threshold: float | None = None
    top_k: int | None = None
    top_share: float | None = None

    @property
    def active(self) -> bool:
        return any(v is not None for v in (self.threshold, self.top_k, self.top_share))


class Rule:
    """Base class: subclasses are dataclasses with an ``enabled`` flag and their own parameters."""

    kind: ClassVar[str] = ""
    PARAMS: ClassVar[tuple[Param, ...]] = ()
    # Heavy libraries the rule imports when it runs (loaded early, beside pool generation).
    IMPORTS: ClassVar[tuple[str, ...]] = ()
    enabled: bool

    # -- behaviour (each optional) -------------------------------------------------------------
    def passes(self, pool, ctx) -> np.ndarray | None:
        return None

    def points(self, pool, ctx) -> np.ndarray | None:
        return None

    @property
    def cut(self) -> Cut | None:
        return None

    def review(self, pool, ctx, reviewed: np.ndarray, advice: np.ndarray) -> np.ndarray | None:
        return None

    def tie_break_priority(self, pool) -> np.ndarray | None:
        """Extra sort key for equal scores at a cut (positive action); higher goes first."""
        return None

    # -- explanation ----------------------------------------------------------------------------
    def legality(self) -> Legality:
        raise NotImplementedError

    def describe(self, lang: str) -> str:
        """One line saying what the rule does, e.g. 'knock-out: driving licence = yes'."""
        raise NotImplementedError

    def reason(self, lang: str, pool, index: int, info: dict | None = None) -> str:
        """Why this rule rejected candidate ``index``, in plain language."""
        return self.reasons(lang, pool, np.array([index]), info)[0]

    def reasons(self, lang: str, pool, indices: np.ndarray, info: dict | None = None) -> list[str]:
        """Why this rule rejected each candidate in ``indices``, in plain language."""
        codes, texts = self.reason_table(lang, pool, indices, info)
        return np.array(texts, dtype=object)[codes].tolist() if len(codes) else []

    def reason_table(self, lang: str, pool, indices: np.ndarray, info: dict | None = None) -> tuple[np.ndarray, list[str]]:
        """The reasons as (a code per candidate in ``indices``, the distinct texts). Rules compute
        what the text needs once over the pool and word each distinct case once (``by_value``): a
        million rejections cost a few array operations, not a million look-ups."""
        return np.zeros(len(indices), dtype=np.int64), [t("reason.generic", lang, rule=self.describe(lang))]

    def inspect(self, pool) -> dict:
        """Extra facts for exports about how the rule works on this pool (a model's weights)."""
        return {}

    # -- (de)serialisation -----------------------------------------------------------------------
    def to_dict(self) -> dict:
        out: dict[str, Any] = {"kind": self.kind}
        if not self.enabled:
            out["enabled"] = False
        for p in self.PARAMS:
            value = getattr(self, p.name)
            if value is None:
                continue
            if isinstance(value, GroupSelector):
                value = value.to_dict()
            out[p.name] = value
        return out

    @classmethod
    def from_dict(cls, data: dict, path: str) -> "Rule":
        known = {p.name for p in cls.PARAMS} | {"kind", "enabled"}
        for key in data:
            if key not in known:
                raise RuleConfigError(f"{path}.{key}", f"unknown parameter for a {cls.kind} rule "
                                                       f"(expected one of {', '.join(sorted(known - {'kind'}))})")
        values: dict[str, Any] = {"enabled": _check_bool(data.get("enabled", True), f"{path}.enabled")}
        for p in cls.PARAMS:
            values[p.name] = check_param(p, data.get(p.name, p.default), f"{path}.{p.name}")
        rule = cls(**values)
        rule.validate(path)
        return rule

    def validate(self, path: str) -> None:
        """Cross-parameter checks; raise RuleConfigError."""


def _check_bool(value, path):
    if not isinstance(value, bool):
        raise RuleConfigError(path, f"expected true or false, got {value!r}")
    return value


def check_param(p: Param, value: Any, path: str) -> Any:
    """Check one parameter value against its declaration and return it in canonical form."""
    if value is None:
        if p.kind.startswith("optional") or p.default is None:
            return None
        raise RuleConfigError(path, "is required")
    kind = p.kind.removeprefix("optional_")
    if kind == "bool":
        return _check_bool(value, path)
    if kind in ("int", "float"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise RuleConfigError(path, f"expected a number, got {value!r}")
        if kind == "int" and int(value) != value:
            raise RuleConfigError(path, f"expected a whole number, got {value!r}")
        if p.minimum is not None and value < p.minimum:
            raise RuleConfigError(path, f"must be at least {p.minimum:g}, got {value:g}")
        if p.maximum is not None and value > p.maximum:
            raise RuleConfigError(path, f"must be at most {p.maximum:g}, got {value:g}")
        return int(value) if kind == "int" else float(value)
    if kind in ("str", "choice"):
        if not isinstance(value, str):
            raise RuleConfigError(path, f"expected text, got {value!r}")
        if kind == "choice" and value not in p.choices:
            raise RuleConfigError(path, f"unknown value {value!r} (expected one of {', '.join(p.choices)})")
        return value
    if kind == "str_list":
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise RuleConfigError(path, "expected a list of texts")
        if p.choices:
            for v in value:
                if v not in p.choices:
                    raise RuleConfigError(path, f"unknown value {v!r} (expected some of {', '.join(p.choices)})")
        return list(value)
    if kind == "mapping":
        if not isinstance(value, dict):
            raise RuleConfigError(path, "expected a table of name = number")
        for k, v in value.items():
            if p.choices and k not in p.choices:
                raise RuleConfigError(f"{path}.{k}", f"unknown name (expected one of {', '.join(p.choices)})")
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise RuleConfigError(f"{path}.{k}", f"expected a number, got {v!r}")
        return {k: float(v) for k, v in value.items()}
    if kind == "group":
        if isinstance(value, GroupSelector):
            return value
        return parse_group(value, path)
    if kind == "any":
        return value
    raise AssertionError(f"unknown parameter kind {p.kind}")
