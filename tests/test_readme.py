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
