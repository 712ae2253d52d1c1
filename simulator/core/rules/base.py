"""What every screening rule shares: declared parameters, validation, legality, texts and reasons.

A rule kind is one module in this package: a ``Rule`` subclass decorated with ``@rule_kind``. It
declares its parameters once (``PARAMS``: kind, default, range — the dataclass fields are made
from them), a starting configuration for the Add-rule menu (``STARTER``), one example
configuration per legal note (``LEGALITY_EXAMPLES``), and its texts in ``locales/*.toml`` under
``rule.<kind>.*``: ``name``, ``describe…``, ``param.<name>``, ``legality.<branch>``, ``reason…``.
The package finds the module by itself; the menu, the form and docs/rule-kinds.md derive from it.

During a run a rule may do any of five things, each optional:

- ``passes(pool, ctx)``   a knock-out mask (True = may go on),
- ``points(pool, ctx)``   points added to the stage score,
- ``cut``                 keep the best of the stage score (threshold, top-K or top share),
- ``choose(...)``         pick among the candidates still in (an AI assistant ranking CVs in batches),
- ``review(...)``         a human review of the machine's advice (simulated reviewers).

Rules see the whole pool and return arrays over all candidates; the pipeline applies them to the
candidates still in the running.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from ..limits import excerpt
from ..texts import has_text, t
from .params import (  # noqa: F401 (re-exported: the rule modules and their callers import them from here)
    GroupSelector,
    Param,
    RuleConfigError,
    parse_group,
)

LAWFUL = "lawful"
NEEDS_JUSTIFICATION = "needs_justification"
DIRECT_DISCRIMINATION = "direct_discrimination"
# Banned outright, whatever the effect on groups (AI Act art. 5: emotion recognition at work).
PROHIBITED = "prohibited"
LEGALITY_LEVELS = (LAWFUL, NEEDS_JUSTIFICATION, DIRECT_DISCRIMINATION, PROHIBITED)
# The levels a "lawful" goal and the warnings count as against the law, not just in need of a reason.
UNLAWFUL_LEVELS = (DIRECT_DISCRIMINATION, PROHIBITED)


@dataclass(frozen=True)
class Legality:
    """How the law looks at a rule as configured: a level and an explanation key."""

    level: str
    key: str
    values: dict = field(default_factory=dict)

    def explain(self, lang: str) -> str:
        # A list value holds feature keys, shown by their names in ``lang``; "law:KEY" is a dated fact
        # of the law table (core/law.py), so a note moves with the law.
        from ..law import fact

        def shown(v):
            if isinstance(v, list):
                return ", ".join(t(f"feature.{f}", lang) for f in v)
            if isinstance(v, str) and v.startswith("law:"):
                return fact(v[4:], lang)
            return v
        return t(self.key, lang, **{k: shown(v) for k, v in self.values.items()})

    def label(self, lang: str) -> str:
        return t(f"legality.level.{self.level}", lang)

    @property
    def branch(self) -> str:
        return self.key.rsplit(".", 1)[1]


@dataclass
class Cut:
    """Which candidates a score keeps: at least ``threshold`` points, the best ``top_k``, or a share."""

    threshold: float | None = None
    top_k: int | None = None
    top_share: float | None = None

    @property
    def active(self) -> bool:
        return any(v is not None for v in (self.threshold, self.top_k, self.top_share))


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


class Rule:
    """Base class: subclasses are ``@rule_kind`` dataclasses of their parameters and ``enabled``."""

    kind: ClassVar[str] = ""
    PARAMS: ClassVar[tuple[Param, ...]] = ()
    # Where the kind comes in the Add-rule menu (simple kinds first).
    ORDER: ClassVar[int] = 100
    # What the Add-rule menu adds: parameters set beyond the defaults (must make a valid rule).
    STARTER: ClassVar[dict] = {}
    # One configuration per legal note (branch of ``legality``): tests reach every branch with them.
    LEGALITY_EXAMPLES: ClassVar[dict[str, dict]] = {}
    # Heavy libraries the rule imports when it runs (loaded early, beside pool generation).
    IMPORTS: ClassVar[tuple[str, ...]] = ()
    enabled: bool

    # -- texts ----------------------------------------------------------------------------------
    @classmethod
    def text(cls, key: str, lang: str, **values) -> str:
        """The rule's own text ``rule.<kind>.<key>``."""
        return t(f"rule.{cls.kind}.{key}", lang, **values)

    @classmethod
    def name(cls, lang: str) -> str:
        """What the kind is called (the Add-rule menu, the form's title)."""
        return cls.text("name", lang)

    @classmethod
    def param_label(cls, name: str, lang: str) -> str:
        """A parameter's label: the rule's own, or the one its kind shares with others (``rule.param``)."""
        own = f"rule.{cls.kind}.param.{name}"
        return t(own if has_text(own, lang) else f"rule.param.{name}", lang)

    def param_applies(self, name: str) -> bool:
        """Does the parameter make a difference with the others as they are? A form hides those that
        do not (their values are kept): a rule with modes lists only what its mode reads."""
        return True

    @classmethod
    def param_help(cls, name: str, lang: str) -> str:
        """What a parameter means, in words (``rule.<kind>.help.<name>``), or "" if its label says it all."""
        key = f"rule.{cls.kind}.help.{name}"
        return t(key, lang) if has_text(key, lang) else ""

    @classmethod
    def choice_label(cls, name: str, option: str, lang: str) -> str:
        param = next(p for p in cls.PARAMS if p.name == name)
        prefix = param.kind.labels or f"rule.{cls.kind}.choice.{name}"
        return t(f"{prefix}.{option}", lang)

    def legal(self, level: str, branch: str, **values) -> Legality:
        """A legal note of this kind: ``rule.<kind>.legality.<branch>``."""
        return Legality(level, f"rule.{self.kind}.legality.{branch}", values)

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

    def choose(self, pool, ctx, eligible: np.ndarray) -> tuple[np.ndarray, dict] | None:
        """Pick among the candidates still in (``eligible``): (who is kept, facts for the reasons)."""
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
        enabled = data.get("enabled", True)
        if not isinstance(enabled, bool):
            raise RuleConfigError(f"{path}.enabled", f"expected true or false, got {excerpt(enabled)}")
        values: dict[str, Any] = {"enabled": enabled}
        for p in cls.PARAMS:
            values[p.name] = p.check(data.get(p.name, copy.deepcopy(p.default)), f"{path}.{p.name}")
        rule = cls(**values)
        rule.validate(path)
        return rule

    @classmethod
    def starter(cls) -> "Rule":
        """The rule the Add-rule menu adds."""
        return cls.from_dict({"kind": cls.kind, **copy.deepcopy(cls.STARTER)}, "rule")

    def validate(self, path: str) -> None:
        """Cross-parameter checks; raise RuleConfigError."""


def rule_kind(cls):
    """Make a ``Rule`` subclass a dataclass whose fields are ``enabled`` and its ``PARAMS``.

    Each parameter's default is written once, in its ``Param``; a class may still annotate a
    parameter with its type for readers, without a default.
    """
    annotations = dict(cls.__dict__.get("__annotations__", {}))
    fields = {"enabled": bool}
    setattr(cls, "enabled", True)
    for p in cls.PARAMS:
        fields[p.name] = annotations.get(p.name, Any)
        default = p.default
        if isinstance(default, (list, dict, set)):
            # A fresh copy per rule, in its checked form (a group's table becomes a GroupSelector).
            setattr(cls, p.name, dataclasses.field(default_factory=lambda d=default, q=p: q.check(copy.deepcopy(d), q.name)))
        else:
            setattr(cls, p.name, default)
    for name, annotation in annotations.items():
        fields.setdefault(name, annotation)
    cls.__annotations__ = fields
    return dataclass(cls)
