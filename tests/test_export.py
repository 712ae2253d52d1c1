"""The candidates' CSV: the same bytes as pandas would write, and reasons worded once per case."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator import cli
from simulator.core import engine, export
from simulator.core.export import candidates_frame, write_csv
from simulator.core.scenario import builtin_ids, load

DATA = Path(__file__).parent / "data" / "reliability" / "scenario"


def _awkward_frame() -> pd.DataFrame:
    rng = np.random.default_rng(1)
    n = 2500
    frame = pd.DataFrame({
        "id": np.arange(n, dtype=np.int32) * 7919,
        "text": rng.choice(np.array(['plain', 'with, comma', 'a "quote"', 'line\nbreak', 'é–ü', ''], dtype=object), n),
        "missing": rng.choice(np.array(["x", None], dtype=object), n),
        "flag": rng.random(n) < 0.5,
        "small": rng.integers(-3, 3, n).astype(np.int8),
        "value": np.round(rng.normal(0, 1e-4, n), 4),
        "score": np.where(rng.random(n) < 0.2, np.nan, rng.normal(50, 30, n)),
        "group": pd.Categorical.from_codes(rng.integers(0, 3, n), categories=["a", "b, c", 'd"e']),
    })
    frame.loc[0, "value"] = -0.0
    return frame


@pytest.mark.parametrize("lookup_limit", [export.LOOKUP_LIMIT, 8])
def test_csv_writer_matches_pandas_on_awkward_values(tmp_path, monkeypatch, lookup_limit):
    """Quotes, commas, line breaks, missing values, -0.0, NaN, booleans, big and small numbers and
    categoricals come out byte for byte as pandas' to_csv writes them, whether a column is written
    by lookup or (with millions of distinct values, as at 5,000,000 candidates) value by value."""
    monkeypatch.setattr(export, "LOOKUP_LIMIT", lookup_limit)
    frame = _awkward_frame()
    ours, theirs = tmp_path / "ours.csv", tmp_path / "theirs.csv"
    write_csv(frame, ours)
    frame.to_csv(theirs, index=False, float_format="%.4f", lineterminator="\n")
    assert ours.read_bytes() == theirs.read_bytes()


@pytest.mark.parametrize("sid", builtin_ids())
def test_reasons_worded_once_equal_the_reason_of_each_candidate(sid):
    """Each rule's reasons, worded once per distinct case, equal the reason worded for one candidate."""
    result = engine.run(load(sid), size=1500, attribution=False, lazy=True)
    outcome = result.outcome
    rejected = np.flatnonzero(outcome.rejected_by >= 0)
    sample = rejected[:: max(len(rejected) // 40, 1)]
    table = outcome.reasons("nl")
    for i in sample:
        assert table[i] == outcome.reasons("nl", np.array([i]))[0]
        rule = outcome.rule(int(outcome.rejected_by[i]))
        assert table[i].endswith(rule.reason("nl", outcome.pool, int(i), outcome.rule_info.get(int(outcome.rejected_by[i]))))


def test_candidates_csv_has_one_reason_per_row(tmp_path):
    """The CSV of a run holds every candidate once, with their reason and the columns of the frame."""
    result = engine.run(load("biased-history"), size=2000, attribution=False, lazy=True)
    frame = candidates_frame(result.outcome, "en")
    path = tmp_path / "c.csv"
    write_csv(frame, path)
    back = pd.read_csv(path, keep_default_na=False)
    assert len(back) == 2000 and list(back.columns) == list(frame.columns)
    assert (back["reason"] == np.asarray(result.outcome.reasons("en"), dtype=object)).all()


def test_csv_cells_a_spreadsheet_would_run_get_an_apostrophe(tmp_path):
    """Text cells starting with =, +, -, @, tab or CR are written as text (a leading apostrophe, OWASP);
    other texts and negative numbers are written as they are."""
    import csv

    risky = ["=1+1", "+SUM(A1:A2)", "-2+3", "@cmd", "\tx", "\rx", '=HYPERLINK("http://x","y")']
    frame = pd.DataFrame({"text": risky + ["plain", "a-b"], "number": np.arange(-4, 5),
                          "group": pd.Categorical(risky + ["plain", "a-b"])})
    path = tmp_path / "out.csv"
    export.write_csv(frame, path)
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for column in ("text", "group"):
        assert [r[column] for r in rows] == ["'" + v for v in risky] + ["plain", "a-b"]
    assert [r["number"] for r in rows] == [str(k) for k in range(-4, 5)]


def test_run_csv_writes_formula_stage_names_as_text(tmp_path):
    """`run --csv` on a scenario whose stage names are formulas writes no cell a spreadsheet would run."""
    import csv

    out = tmp_path / "c.csv"
    assert cli.main(["run", str(DATA / "formula_stage_names.toml"), "--size", "300", "--csv", str(out)]) == 0
    with open(out, newline="", encoding="utf-8") as fh:
        cells = [cell for row in csv.reader(fh) for cell in row]
    risky = [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r") or (c[:1] == "-" and not _is_number(c))]
    assert risky == []
    assert any(c.startswith("'=") for c in cells)  # the stage names are there, as text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_a_failed_write_leaves_the_previous_file_intact(tmp_path, monkeypatch):
    """A write that fails half-way (here: the 30th column block, as a full disk would) leaves the
    earlier export as it was and no partial file."""
    frame = _awkward_frame()
    path = tmp_path / "out.csv"
    path.write_text("earlier export\n", encoding="utf-8")
    monkeypatch.setattr(export, "CSV_CHUNK", 100)
    calls = []
    real_fields = export._Column.fields

    def failing(self, start, stop):
        calls.append(start)
        if len(calls) > 30:
            raise OSError(28, "No space left on device")
        return real_fields(self, start, stop)
    monkeypatch.setattr(export._Column, "fields", failing)
    with pytest.raises(OSError):
        export.write_csv(frame, path)
    assert path.read_text(encoding="utf-8") == "earlier export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_a_learned_models_reasons_cost_the_rows_worded_not_the_pool(monkeypatch):
    """Wording the reasons of k candidates computes each model feature on k rows, block by block: not
    on the whole pool once per block (which made a 5,000,000-candidate export quadratic)."""
    from simulator.core.rules import features

    scenario = load("biased-history")
    scenario.pool.size = 150_000
    outcome = engine.run(scenario).outcome
    (rule_id, rule), = [(k, r) for k, (_, _, r) in enumerate(outcome.pipeline.flat_rules()) if r.kind == "learned_model"]
    indices = np.flatnonzero(outcome.rejected_by == rule_id)
    assert len(indices) > 65_536  # more than one block
    rule.trained(outcome.pool)  # trained and cached before counting
    computed = []

    def counted(values):
        computed.append(len(values))
        return values
    for name, function in list(features.FEATURES.items()):
        monkeypatch.setitem(features.FEATURES, name, lambda p, f=function: counted(f(p)))
    codes, texts = rule.reason_table("en", outcome.pool, indices, outcome.rule_info.get(rule_id))
    assert len(codes) == len(indices)
    assert sum(computed) == len(rule.features) * len(indices)
