"""Scenario files that once gave a traceback, slipped NaN past a range check, or took minutes: each
now ends in one line naming the file and the field (exit code 2), or runs correctly.

The files in ``tests/data/reliability/scenario`` are the reproducers of issue 11
(``defects-2026-11/reliability``); the largest ones are generated here instead of stored.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import tomli_w

from simulator import cli
from simulator.core import scenario as scenario_module
from simulator.core.errors import ScenarioError
from simulator.core.limits import MAX_FILE_BYTES

DATA = Path(__file__).parent / "data" / "reliability" / "scenario"

REFUSED = {
    "msg_size_5000001": "pool.size: must be at most 5,000,000, got 5,000,001",
    "silent_inf_weight": "stages[1].rules[0].weights.education: expected a finite number, got -inf",
    "silent_nan_share": "pool.shares.gender.woman: expected a finite number, got nan",
    "silent_nan_threshold": "stages[1].rules[0].threshold: expected a finite number, got nan",
    "silent_nan_weight": "stages[1].rules[0].weights.education: expected a finite number, got nan",
    "slow_200_stages": "stages: has 200 entries; at most 20 are allowed",
    "tb_attributeerror_shares_int": "pool.shares: expected a table",
    "tb_overflow_bigint_size": "pool.size: is a whole number beyond the 64-bit range",
    "tb_overflow_inf_seed": "pool.seed: expected a finite number, got inf",
    "tb_overflow_replay_n_1e308": "replay.rows[0].n: must be at most 100,000,000, got 1e+308",
    "tb_recursion_dotted_key_500": "is nested more than 16 levels deep",
    "tb_recursion_nested_arrays_500": "is nested too deeply",
    "tb_typeerror_challenge_attributes": "challenges[0].goals[0].attributes: expected a list of attributes",
    "tb_typeerror_rule_kind_table": "stages[0].rules[0].kind: unknown rule kind {'k': 1}",
    "tb_typeerror_walkthrough_attribute_list": "walkthrough[1].attribute: unknown attribute",
    "tb_valueerror_nan_qualified_share": "vacancy.qualified_share: expected a finite number, got nan",
    "tb_valueerror_nan_seed": "pool.seed: expected a finite number, got nan",
}
ACCEPTED = ["formula_stage_names", "gui_html_injection_lesson", "gui_seed_above_int32"]


def _run(path, capsys, *extra) -> tuple[int, str]:
    code = cli.main(["run", str(path), "--size", "300", *extra])
    return code, capsys.readouterr().err


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_bad_scenario_is_refused_in_one_line_naming_file_and_field(name, capsys):
    """Each reproducer is refused with exit code 2 and one line holding the file and the field's problem."""
    code, err = _run(DATA / f"{name}.toml", capsys)
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert f"{name}.toml: " in err and REFUSED[name] in err


@pytest.mark.parametrize("name", ACCEPTED)
def test_odd_but_valid_scenarios_still_run(name, capsys):
    """Formula-like stage names, HTML in a lesson and a seed above 2³¹ are data, and the scenario runs."""
    code, err = _run(DATA / f"{name}.toml", capsys)
    assert (code, err) == (0, "")


def _builtin() -> dict:
    return tomllib.loads((scenario_module.scenarios_dir() / "cv-gap.toml").read_text(encoding="utf-8"))


def _write(tmp_path, data: dict) -> Path:
    path = tmp_path / "big.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path


def test_two_thousand_rules_are_refused_at_once(tmp_path, capsys):
    """A stage with 2,002 rules (76 s per run before) is refused by count, naming the list."""
    data = _builtin()
    data["stages"][0]["rules"] = data["stages"][0]["rules"] * 1001
    code, err = _run(_write(tmp_path, data), capsys)
    assert code == 2 and "stages[0].rules: has 2,002 entries; at most 50 are allowed" in err


def test_rules_are_counted_over_all_stages(tmp_path, capsys):
    """Twenty stages of three rules are 60 rules: over the limit of 50 even though each stage is small."""
    data = _builtin()
    data["stages"] = [dict(data["stages"][0], rules=data["stages"][0]["rules"][:1] * 3)] * 20
    code, err = _run(_write(tmp_path, data), capsys)
    assert code == 2 and "stages: has 60 rules in all; at most 50 are allowed" in err


def test_twenty_thousand_quiz_entries_are_refused(tmp_path, capsys):
    """A quiz of 20,000 entries is refused by count."""
    data = _builtin()
    data["quiz"] = data["quiz"][:1] * 20_000
    path = _write(tmp_path, data)
    if path.stat().st_size > MAX_FILE_BYTES:  # refused for its size before its quiz is read: also right
        path.write_text(tomli_w.dumps(dict(data, quiz=data["quiz"][:60])), encoding="utf-8")
    code, err = _run(path, capsys)
    assert code == 2 and "quiz: has" in err and "at most 50 are allowed" in err


def test_a_file_over_the_size_limit_is_refused_before_it_is_parsed(tmp_path, capsys):
    """A 20 MB file (28 s on the window's thread before) is refused by its size, unread."""
    path = tmp_path / "huge.toml"
    path.write_bytes(b"# " + b"x" * (20 * 1024 * 1024) + b"\n")
    code, err = _run(path, capsys)
    assert code == 2 and "is larger than 1,000,000 bytes" in err


def test_a_long_value_is_quoted_as_a_short_excerpt(tmp_path, capsys):
    """An unknown value of 100,000 characters is shown as at most a short excerpt, on one line."""
    data = _builtin()
    data["stages"][0]["rules"][0]["kind"] = "k" * 15_000 + "\n" + "k" * 15_000
    code, err = _run(_write(tmp_path, data), capsys)
    assert code == 2 and err.count("\n") == 1 and len(err) < 600
    data["stages"][0]["rules"][0]["kind"] = "k\n" * 5_000
    code, err = _run(_write(tmp_path, data), capsys)
    assert code == 2 and err.count("\n") == 1 and "unknown rule kind 'k\\nk\\n" in err


def test_a_key_with_control_characters_cannot_split_or_reorder_the_message(tmp_path, capsys):
    """A field name holding a line break, a record separator or a right-to-left mark is printed escaped."""
    data = _builtin()
    data["pool"]["x\n\u001e\u202ey"] = 1
    code, err = _run(_write(tmp_path, data), capsys)
    assert code == 2 and err.count("\n") == 1
    assert "pool.x\\n\\x1e\\u202ey: unknown field" in err


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_no_number_anywhere_may_be_nan_or_infinite(value):
    """NaN and infinity are refused wherever they stand, even where the field would take any number."""
    data = _builtin()
    data["stages"][0]["rules"][0]["months"] = value
    with pytest.raises(ScenarioError, match="expected a finite number"):
        scenario_module.from_dict(data, "x.toml")
    data = _builtin()
    data["claims"][0]["value"] = value
    with pytest.raises(ScenarioError, match="finite number"):
        scenario_module.from_dict(data, "x.toml")


@pytest.mark.parametrize("args, message", [
    (["--seed", "-1"], "--seed: must be between 0 and 4,294,967,295, got -1"),
    (["--seed", "4294967296"], "--seed: must be between 0 and 4,294,967,295, got 4,294,967,296"),
    (["--size", "5000001"], "--size: must be between 10 and 5,000,000, got 5,000,001"),
    (["--top", "-3"], "--top: must be 0 or more, got -3"),
])
def test_run_options_out_of_range_are_named_with_exact_numbers(args, message, capsys):
    """`run`'s --seed, --size and --top are checked, and the message prints both numbers exactly."""
    assert cli.main(["run", "cv-gap", *args]) == 2
    assert capsys.readouterr().err == f"recruitsim: {message}\n"


def test_the_largest_seed_runs(capsys):
    """Seed 2³²−1, the largest a file or the window takes, runs from the command line too."""
    assert cli.main(["run", "cv-gap", "--seed", "4294967295", "--size", "200"]) == 0


def test_a_rule_parameter_out_of_range_is_named_with_exact_numbers():
    """A rule's number outside its range prints both ends exactly (601 and 600, 1234567 and 1,234,567)."""
    data = _builtin()
    rule = next(r for s in data["stages"] for r in s["rules"] if r["kind"] == "gap_penalty")
    rule["knockout_months"] = 1_234_567
    with pytest.raises(ScenarioError, match=r"knockout_months: must be at most 600, got 1,234,567$"):
        scenario_module.from_dict(data, "x.toml")
    rule["knockout_months"] = 6
    rule["points_per_month"] = 100.5
    with pytest.raises(ScenarioError, match=r"points_per_month: must be at most 100, got 100\.5$"):
        scenario_module.from_dict(data, "x.toml")


def test_a_group_naming_a_list_as_its_attribute_is_refused():
    """A group selector whose attribute is a list (not a text) is refused in one line, not a TypeError."""
    data = tomllib.loads((scenario_module.scenarios_dir() / "age-knockout.toml").read_text(encoding="utf-8"))
    rule = next(r for s in data["stages"] for r in s["rules"] if "only_for" in r or "group" in r or "target" in r)
    key = next(k for k in ("only_for", "group", "target") if k in rule)
    rule[key] = {"attribute": ["gender"], "values": ["woman"]}
    with pytest.raises(ScenarioError, match="unknown attribute"):
        scenario_module.from_dict(data, "x.toml")
