"""Knock-out: reject every candidate whose CV field fails one test (licence required, gap ≤ N…)."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ..limits import excerpt
from ..texts import short_number, t
from ..world import CATEGORIES, FIELD_KINDS, in_category
from .base import (
    DIRECT_DISCRIMINATION,
    LAWFUL,
    NEEDS_JUSTIFICATION,
    GroupSelector,
    Legality,
    Param,
    Rule,
    RuleConfigError,
    by_value,
    rule_kind,
)
from .params import Choice, Group, Scalar

OPERATORS = ("==", "!=", "<", "<=", ">", ">=", "in", "not in")

_PROTECTED_FIELDS = {"gender", "age", "age_band", "origin", "region", "disability", "parent"}
# Neutral-looking criteria that the law treats as indirect age discrimination unless justified.
_AGE_PROXY_FIELDS = {"graduation_year"}
_INDIRECT_FIELDS = {
    "current_gap_months": "gap",
    "past_gap_months": "gap",
    "longest_gap_months": "gap",
    "gap_reason": "gap",
    "diploma_country": "origin_proxy",
    "diploma_recognised": "origin_proxy",
    "dutch_level": "language",
    "postcode_area": "origin_proxy",
    "part_time_history": "sex_proxy",
    "career_switches": "unusual_cv",
}


@rule_kind
class KnockOut(Rule):
    """Reject the candidate unless ``field op value`` holds for their CV."""

    kind: ClassVar[str] = "knockout"
    ORDER: ClassVar[int] = 1
    PARAMS: ClassVar[tuple[Param, ...]] = (
        Param("field", Choice(tuple(FIELD_KINDS), labels="field"), "driving_licence"),
        Param("op", Choice(OPERATORS, labels="op"), "=="),
        Param("value", Scalar(), True),
        # Apply the test only to this group (everyone else passes): e.g. an age limit for women only.
        Param("only_for", Group(), None),
    )
    LEGALITY_EXAMPLES: ClassVar[dict[str, dict]] = {
        "protected": {"field": "gender", "op": "==", "value": "man"},
        "protected_age": {"field": "age", "op": "<", "value": 55},
        "experience_cap": {"field": "experience_years", "op": "<=", "value": 10},
        "age_proxy": {"field": "graduation_year", "op": ">=", "value": 2015},
        "gap": {"field": "current_gap_months", "op": "<=", "value": 12},
        "origin_proxy": {"field": "diploma_country", "op": "==", "value": "nl"},
        "language": {"field": "dutch_level", "op": ">=", "value": "c1"},
        "sex_proxy": {"field": "part_time_history", "op": "==", "value": False},
        "unusual_cv": {"field": "career_switches", "op": "<=", "value": 1},
        "job_requirement": {"field": "driving_licence", "op": "==", "value": True},
    }
    field: str
    op: str
    value: Any
    only_for: GroupSelector | None

    def validate(self, path: str) -> None:
        kind = FIELD_KINDS[self.field]
        values = self.value if self.op in ("in", "not in") else [self.value]
        if self.op in ("in", "not in") and not isinstance(self.value, list):
            raise RuleConfigError(f"{path}.value", f"operator '{self.op}' needs a list of values")
        for v in values:
            if kind in ("category", "ordinal"):
                if v not in CATEGORIES[self.field]:
                    raise RuleConfigError(f"{path}.value", f"{self.field} has no value {excerpt(v)} "
                                                           f"(expected one of {', '.join(CATEGORIES[self.field])})")
                if kind == "category" and self.op in ("<", "<=", ">", ">="):
                    raise RuleConfigError(f"{path}.op", f"{self.field} has no order; use ==, !=, in or not in")
            elif kind == "bool":
                if not isinstance(v, bool):
                    raise RuleConfigError(f"{path}.value", f"{self.field} is yes/no: use true or false, got {excerpt(v)}")
            elif isinstance(v, bool) or not isinstance(v, (int, float)):
                raise RuleConfigError(f"{path}.value", f"{self.field} is a number, got {excerpt(v)}")

    # -- behaviour ------------------------------------------------------------------------------
    def _encoded(self):
        kind = FIELD_KINDS[self.field]
        if kind in ("category", "ordinal"):
            enc = lambda v: CATEGORIES[self.field].index(v)  # noqa: E731
        else:
            enc = lambda v: v  # noqa: E731
        return [enc(v) for v in self.value] if isinstance(self.value, list) else enc(self.value)

    def passes(self, pool, ctx) -> np.ndarray:
        column = pool[self.field]
        value = self._encoded()
        coded = FIELD_KINDS[self.field] in ("category", "ordinal")
        if self.op == "in":
            ok = in_category(column, self.field, value) if coded else np.isin(column, value)
        elif self.op == "not in":
            ok = ~(in_category(column, self.field, value) if coded else np.isin(column, value))
        else:
            ok = {"==": np.equal, "!=": np.not_equal, "<": np.less, "<=": np.less_equal,
                  ">": np.greater, ">=": np.greater_equal}[self.op](column, value)
        if self.only_for is not None:
            ok = ok | ~self.only_for.mask(pool)
        return ok

    # -- explanation ----------------------------------------------------------------------------
    def _value_text(self, value, lang: str) -> str:
        kind = FIELD_KINDS[self.field]
        if isinstance(value, list):
            return ", ".join(self._value_text(v, lang) for v in value)
        if kind in ("category", "ordinal"):
            return t(f"label.{self.field}.{value}", lang)
        if kind == "bool":
            return t("common.yes" if value else "common.no", lang)
        return short_number(value, lang)

    def describe(self, lang: str) -> str:
        text = self.text("describe", lang, field=t(f"field.{self.field}", lang),
                         op=t(f"op.{self.op}", lang), value=self._value_text(self.value, lang))
        if self.only_for is not None:
            text += " " + self.text("only_for", lang, group=self.only_for.describe(lang))
        return text

    def reason_table(self, lang: str, pool, indices, info: dict | None = None):
        kind = FIELD_KINDS[self.field]
        rule, field_name = self.describe(lang), t(f"field.{self.field}", lang)

        def text(raw):
            if kind in ("category", "ordinal"):
                shown = t(f"label.{self.field}.{CATEGORIES[self.field][int(raw)]}", lang)
            elif kind == "bool":
                shown = t("common.yes" if bool(raw) else "common.no", lang)
            else:
                shown = short_number(raw.item() if hasattr(raw, "item") else raw, lang)
            return self.text("reason", lang, rule=rule, field=field_name, actual=shown)
        return by_value(pool[self.field][np.asarray(indices, dtype=np.intp)], text)

    def legality(self) -> Legality:
        if self.field in _PROTECTED_FIELDS or (self.only_for is not None and self.only_for.attribute in _PROTECTED_FIELDS):
            grounds = {self.field} | ({self.only_for.attribute} if self.only_for is not None else set())
            # Age is the one ground where even a direct distinction can be justified (WGBL art. 7).
            if grounds & _PROTECTED_FIELDS <= {"age", "age_band"}:
                return self.legal(DIRECT_DISCRIMINATION, "protected_age")
            return self.legal(DIRECT_DISCRIMINATION, "protected")
        if self.field == "experience_years" and self.op in ("<", "<="):
            return self.legal(NEEDS_JUSTIFICATION, "experience_cap")
        if self.field in _AGE_PROXY_FIELDS:
            return self.legal(NEEDS_JUSTIFICATION, "age_proxy")
        if self.field in _INDIRECT_FIELDS:
            return self.legal(NEEDS_JUSTIFICATION, _INDIRECT_FIELDS[self.field])
        return self.legal(LAWFUL, "job_requirement")
