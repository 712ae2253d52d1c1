"""Screening rule kinds, found by themselves: every module here with a ``@rule_kind`` class is one.

To add a kind, write one module in this package (see ``base.py``) and its texts under
``rule.<kind>`` in both ``locales/*.toml``. Nothing else registers it: the Add-rule menu, the form,
scenario files and docs/rule-kinds.md all read ``RULE_KINDS``.
"""

from __future__ import annotations

import importlib
import pkgutil

from ..limits import excerpt
from .base import (
    DIRECT_DISCRIMINATION,
    LAWFUL,
    LEGALITY_LEVELS,
    NEEDS_JUSTIFICATION,
    PROHIBITED,
    UNLAWFUL_LEVELS,
    Cut,
    GroupSelector,
    Legality,
    Param,
    Rule,
    RuleConfigError,
)

_SUPPORT_MODULES = {"base", "params", "features", "reference"}


def _discover() -> dict[str, type[Rule]]:
    kinds: dict[str, type[Rule]] = {}
    for module in pkgutil.iter_modules(__path__):
        if module.name in _SUPPORT_MODULES or module.name.startswith("_"):
            continue
        loaded = importlib.import_module(f"{__name__}.{module.name}")
        for value in vars(loaded).values():
            if isinstance(value, type) and issubclass(value, Rule) and value.kind and value.__module__ == loaded.__name__:
                if value.kind in kinds:
                    raise RuntimeError(f"two rule kinds are called {value.kind!r}")
                kinds[value.kind] = value
                globals()[value.__name__] = value  # `from simulator.core.rules import KnockOut` keeps working
    return dict(sorted(kinds.items(), key=lambda item: (item[1].ORDER, item[0])))


RULE_KINDS: dict[str, type[Rule]] = _discover()


def rule_from_dict(data: dict, path: str) -> Rule:
    """Build and validate a rule from its scenario-file table."""
    if not isinstance(data, dict):
        raise RuleConfigError(path, "expected a table describing a rule")
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in RULE_KINDS:
        raise RuleConfigError(f"{path}.kind", f"unknown rule kind {excerpt(kind)} (expected one of {', '.join(RULE_KINDS)})")
    return RULE_KINDS[kind].from_dict(data, path)


__all__ = [
    "RULE_KINDS", "rule_from_dict", "Rule", "Param", "Cut", "GroupSelector", "Legality", "RuleConfigError",
    "LAWFUL", "NEEDS_JUSTIFICATION", "DIRECT_DISCRIMINATION", "PROHIBITED",
    "LEGALITY_LEVELS", "UNLAWFUL_LEVELS",
    *(cls.__name__ for cls in RULE_KINDS.values()),
]
