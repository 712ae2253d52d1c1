"""The recruitsim command line: scenarios, run and audit, their JSON, and their errors."""

import json
import subprocess
import sys

import pytest

from simulator.cli import main


def run_cli(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_scenarios_json(capsys):
    """`scenarios --json` lists every built-in with titles in both languages."""
    code, out, _ = run_cli(capsys, "scenarios", "--json")
    assert code == 0
    items = json.loads(out)["scenarios"]
    assert {"cv-gap", "biased-history", "taxi-licence"} <= {i["id"] for i in items}
    assert all(i["title"]["nl"] and i["title"]["en"] for i in items)


def test_run_json_has_the_documented_fields(capsys, tmp_path):
    """`run --json` gives a groups list with every field of DESIGN.md §10, per stage and overall."""
    target = tmp_path / "out.json"
    code, out, _ = run_cli(capsys, "run", "cv-gap", "--size", "2000", "--seed", "3", "--json", str(target))
    assert code == 0
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["seed"] == 3 and data["size"] == 2000
    row = data["groups"][0]
    for key in ("attribute", "group", "n", "selected", "rate", "rate_ci", "impact_ratio", "impact_ratio_ci", "z",
                "p_value", "reference", "stage"):
        assert key in row
    assert len(row["rate_ci"]) == 2 and len(row["impact_ratio_ci"]) == 2
    stages = {g["stage"] for g in data["groups"]}
    assert {"overall", "Automatic CV check", "Ranking"} <= stages
    refs = [g for g in data["groups"] if g["stage"] == "overall" and g["attribute"] == "gender" and g["reference"]]
    assert len(refs) == 1
    assert data["verdict"] and data["rules"][1]["legality"] == "needs_justification"


def test_run_text_in_dutch(capsys):
    """`run --lang nl` reports in Dutch."""
    code, out, _ = run_cli(capsys, "run", "taxi-licence", "--size", "1000", "--lang", "nl")
    assert code == 0
    assert "Conclusie" in out and "Trechter" in out and "rijbewijs" in out
    assert "Verdict" not in out


def test_run_csv_is_byte_identical_for_the_same_seed(capsys, tmp_path):
    """The same scenario and seed give a byte-identical candidates CSV; another seed does not."""
    a, b, c = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    for path, seed in ((a, "5"), (b, "5"), (c, "6")):
        assert run_cli(capsys, "run", "biased-history", "--size", "1500", "--seed", seed, "--csv", str(path))[0] == 0
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()
    header = a.read_text(encoding="utf-8").splitlines()[0].split(",")
    for column in ("id", "name", "gender", "qualified", "selected", "stage_reached", "rejected_by", "reason"):
        assert column in header


@pytest.mark.parametrize("args, words", [
    (["run", "no-such"], "no built-in scenario"),
    (["run", "cv-gap", "--size", "3"], "--size"),
    (["run", "missing-file.toml"], "file not found"),
])
def test_run_errors_are_one_line_exit_2(capsys, args, words):
    """Bad `run` input exits with code 2 and one line on stderr, no traceback."""
    code, _, err = run_cli(capsys, *args)
    assert code == 2
    assert words in err and len(err.strip().splitlines()) == 1


def test_argparse_errors_exit_2(capsys):
    """An unknown option exits with code 2 and a one-line message."""
    with pytest.raises(SystemExit) as exc:
        main(["run", "cv-gap", "--lang", "de"])
    assert exc.value.code == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def _r1_csv(path, sep=",", bom=False):
    rows = [("white", 1)] * 235 + [("white", 0)] * 2200 + [("black", 1)] * 157 + [("black", 0)] * 2278
    text = f"race{sep}callback\n" + "".join(f"{r}{sep}{c}\n" for r, c in rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


@pytest.mark.parametrize("sep, bom", [(",", False), (";", False), (";", True), (",", True)])
def test_audit_reproduces_r1_from_a_csv(capsys, tmp_path, sep, bom):
    """Auditing the Bertrand & Mullainathan counts as CSV (comma or semicolon, with or without BOM) gives R1."""
    path = _r1_csv(tmp_path / "r1.csv", sep, bom)
    code, out, _ = run_cli(capsys, "audit", str(path), "--group", "race", "--selected", "callback", "--json", "-")
    assert code == 0
    groups = {g["group"]: g for g in json.loads(out)["groups"]}
    black = groups["black"]
    assert groups["white"]["reference"] and not black["reference"]
    assert black["impact_ratio"] == pytest.approx(0.6681, abs=0.005)
    assert black["z"] == pytest.approx(-4.108, abs=0.01)
    assert black["p_value"] == pytest.approx(4.76e-5, rel=0.01)
    assert black["impact_ratio_ci"][0] == pytest.approx(0.5502, abs=0.005)


@pytest.mark.parametrize("header, row", [("origin,selected", '{o},{s}'), ("origin, selected", '{o}, {s}'),
                                         ("selected, origin", '{s}, "{o}, x"')])
def test_audit_reads_values_with_spaces_and_quotes(capsys, tmp_path, header, row):
    """Values padded with spaces, and quoted values with a separator after ', ', count as the same groups."""
    rows = [("NL", 1)] * 30 + [("NL", 0)] * 70 + [("TR", 1)] * 10 + [("TR", 0)] * 90
    path = tmp_path / "spaces.csv"
    lines = [row.format(o=(" " + o if i % 2 else o), s=s) for i, (o, s) in enumerate(rows)]
    path.write_text(header + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    code, out, _ = run_cli(capsys, "audit", str(path), "--group", "origin", "--selected", "selected", "--json", "-")
    assert code == 0
    groups = {g["group"]: g for g in json.loads(out)["groups"]}
    suffix = ", x" if '"' in row else ""
    assert sorted(groups) == ["NL" + suffix, "TR" + suffix]
    assert groups["TR" + suffix]["n"] == 100 and groups["TR" + suffix]["selected"] == 10


def test_audit_strata_reproduce_berkeley_cmh(capsys, tmp_path):
    """`audit --strata` gives the CMH p of R4 for the Berkeley admissions."""
    ucb = {"A": ((512, 825), (89, 108)), "B": ((353, 560), (17, 25)), "C": ((120, 325), (202, 593)),
           "D": ((138, 417), (131, 375)), "E": ((53, 191), (94, 393)), "F": ((22, 373), (24, 341))}
    lines = ["dept;sex;admitted"]
    for dept, ((m, mn), (w, wn)) in ucb.items():
        lines += [f"{dept};M;ja"] * m + [f"{dept};M;nee"] * (mn - m) + [f"{dept};F;ja"] * w + [f"{dept};F;nee"] * (wn - w)
    path = tmp_path / "ucb.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, _ = run_cli(capsys, "audit", str(path), "--group", "sex", "--selected", "admitted", "--strata", "dept",
                           "--json", "-")
    assert code == 0
    data = json.loads(out)
    female = next(g for g in data["groups"] if g["group"] == "F")
    assert female["impact_ratio"] == pytest.approx(0.6818, abs=0.005)
    st = data["stratified"][0]
    assert st["cmh_p_value"] == pytest.approx(0.2323, abs=0.01)


@pytest.mark.parametrize("content, args, words", [
    ("race,callback\nwhite,1\n", ["--group", "gender", "--selected", "callback"], "no column 'gender'"),
    ("", ["--group", "race", "--selected", "callback"], "the file is empty"),
    ("race,callback\nwhite,1\nblack,maybe\n", ["--group", "race", "--selected", "callback"], "must be binary"),
    ("race,callback\nwhite,1\nwhite,0\n", ["--group", "race", "--selected", "callback"], "only one value ('white')"),
    ("race,callback\n", ["--group", "race", "--selected", "callback"], "no rows"),
])
def test_audit_bad_input_one_line_exit_2(capsys, tmp_path, content, args, words):
    """Missing column, empty file, non-binary selected column and single-valued group: exit 2, one line."""
    path = tmp_path / "d.csv"
    path.write_text(content, encoding="utf-8")
    code, out, err = run_cli(capsys, "audit", str(path), *args)
    assert code == 2
    assert words in err and str(path) in err
    assert len(err.strip().splitlines()) == 1


def test_installed_entry_point_runs():
    """The installed `recruitsim` command answers (the entry point is wired up)."""
    out = subprocess.run([sys.executable, "-m", "simulator.cli", "scenarios"], capture_output=True, text=True)
    assert out.returncode == 0 and "cv-gap" in out.stdout


def test_app_opens_in_the_language_asked_for(monkeypatch):
    """`recruitsim --lang nl` opens the app in Dutch (the app itself remembers the choice)."""
    import simulator.gui.app as app

    opened = []
    monkeypatch.setattr(app, "main", lambda argv=None, lang=None: opened.append(lang) or 0)
    assert main(["--lang", "nl"]) == 0 and opened == ["nl"]
    assert main([]) == 0 and opened[-1] is None


def test_no_display_gives_a_message_not_a_qt_abort(monkeypatch, capsys):
    """Without X11 or Wayland the app says so in plain words and how to go on, and exits."""
    import simulator.gui.app as app

    monkeypatch.setattr(app.sys, "platform", "linux")
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    assert app.main(lang="nl") == 1
    assert "scherm" in capsys.readouterr().err
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert not app.no_display()
