"""Running `recruitsim audit` in the test process, for the audit test files."""

from __future__ import annotations

import json

from simulator.cli import main


def audit_json(capsys, path, *args) -> dict:
    """Run the audit with --json - and return what it wrote (exit code 0 asserted)."""
    code = main(["audit", str(path), *args, "--json", "-"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)
