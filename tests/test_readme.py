"""The README's command-line tour shows real output: every quoted line appears when the command runs."""

import re
import shlex
from pathlib import Path

import pytest

from simulator.cli import main

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = re.findall(r"```text\n\$ (recruitsim .*?)\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


@pytest.mark.parametrize("command, body", BLOCKS, ids=[b[0] for b in BLOCKS])
def test_quoted_output_is_real(command, body, capsys, monkeypatch):
    """Each line quoted under a command in the README is in that command's actual output."""
    monkeypatch.chdir(README.parent)
    assert main(shlex.split(command)[1:]) == 0
    out = [line.rstrip() for line in capsys.readouterr().out.splitlines()]
    for line in body.splitlines():
        line = line.rstrip()
        if line.strip() == "...":
            continue
        if line.endswith("..."):
            assert any(o.startswith(line[:-3].rstrip()) for o in out), line
        else:
            assert line in out, line


def test_readme_has_quoted_commands():
    """The tour is still there (the test above would pass vacuously without it)."""
    assert len(BLOCKS) >= 3


def test_scenario_format_doc_covers_every_key():
    """docs/scenario-format.md names every top-level key, pool key, step action and goal kind the
    loader accepts, so the reference cannot silently fall behind the code."""
    from simulator.core.scenario import _POOL_KEYS, _TOP_KEYS
    from simulator.core.teaching import GOAL_KINDS, STEP_ACTIONS, VIEW_KEYS

    text = (README.parent / "docs" / "scenario-format.md").read_text(encoding="utf-8")
    names = set(_TOP_KEYS) | set(_POOL_KEYS) | set(GOAL_KINDS) | set(STEP_ACTIONS) | set(VIEW_KEYS)
    missing = sorted(n for n in names if f"`{n}`" not in text)
    assert not missing, missing


def test_rule_kinds_reference_is_generated_from_the_rule_modules():
    """docs/rule-kinds.md is exactly what the rule modules generate (every kind, parameter, default
    and legal note); regenerate it with the command in its first lines when a rule changes."""
    from simulator.core.rules.reference import markdown

    committed = (README.parent / "docs" / "rule-kinds.md").read_text(encoding="utf-8")
    assert committed == markdown(), "docs/rule-kinds.md is out of date: run " \
        "python -m simulator.core.rules.reference > docs/rule-kinds.md"
