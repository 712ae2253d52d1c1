"""docs/rule-kinds.md, written from the rule modules themselves (nothing in it is typed by hand).

    python -m simulator.core.rules.reference > docs/rule-kinds.md

A test checks that the committed file is what this prints, so the reference cannot fall behind.
"""

from __future__ import annotations

import inspect
import json
import sys

from ..limits import exact
from . import RULE_KINDS
from .params import Choice


def _value(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        text = json.dumps(value, ensure_ascii=False)
        return text if len(text) <= 60 else text[:57] + "…"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _range(p) -> str:
    if p.minimum is None and p.maximum is None:
        return ""
    low = "" if p.minimum is None else exact(p.minimum)
    high = "" if p.maximum is None else exact(p.maximum)
    return f"{low}–{high}" if low and high else (f"≥ {low}" if low else f"≤ {high}")


def markdown() -> str:
    lines = [
        "# Rule kinds",
        "",
        "Every kind of screening rule a scenario file (or the Add-rule menu) can use, with its parameters,",
        "their defaults, and the legal notes the app shows. Generated from the rule modules in",
        "`simulator/core/rules/` by `python -m simulator.core.rules.reference > docs/rule-kinds.md`;",
        "a test keeps it current. A rule is written `[[stages.rules]]` with `kind` and its parameters;",
        "every rule may have `enabled = false`.",
        "",
    ]
    for kind, cls in RULE_KINDS.items():
        doc = inspect.getdoc(cls) or ""
        module_doc = (inspect.getdoc(sys.modules[cls.__module__]) or "").split("\n\n")[0].replace("\n", " ")
        lines += [f"## `{kind}` — {cls.name('en')}", "", module_doc, "", doc.replace("\n", " "), ""]
        lines += ["| parameter | label | what it holds | default | range |", "|---|---|---|---|---|"]
        for p in cls.PARAMS:
            what = p.kind.what
            if isinstance(p.kind, Choice):
                what = "one of " + ", ".join(f"`{o}`" for o in p.kind.options)
            if p.optional:
                what += " (optional)"
            lines.append(f"| `{p.name}` | {cls.param_label(p.name, 'en')} | {what} | {_value(p.default)} | {_range(p)} |")
        lines += ["", "Legal notes:", ""]
        for branch, example in cls.LEGALITY_EXAMPLES.items():
            rule = cls.from_dict({"kind": kind, **example}, "example")
            legal = rule.legality()
            lines.append(f"- *{legal.label('en')}* — `{branch}` (for example {_value(example) if example else 'the defaults'}): "
                         f"{legal.explain('en')}")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(markdown())
