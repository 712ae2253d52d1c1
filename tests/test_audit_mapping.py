"""The column mapping of an audit (issue 14): a first guess, value mapping with merges and unknowns,
live counts, unplaced outcomes counted and left out, saved mappings reused from the command line.
Counts are compared with a computation straight from the rows (plain Python, not the audit's code)."""

import json

import numpy as np
import pandas as pd
import pytest

from simulator.cli import main
from simulator.core.audit import AuditInputError
from simulator.core.audit_mapping import (AuditMapping, audit_mapped, describe_mapping, load_mapping,
                                          mapping_counts, save_mapping, suggest_mapping, value_counts)


def ats_export(n=4000, seed=3) -> pd.DataFrame:
    """An export shaped like an applicant tracking system's: Dutch words, spelling variants, an
    'unknown' code, a status still open, an id column and a vacancy column."""
    rng = np.random.default_rng(seed)
    gender = rng.choice(["Vrouw", "Man", "vrouw ", "V", "Onbekend", ""], n, p=[0.35, 0.4, 0.08, 0.07, 0.05, 0.05])
    age = rng.choice(["jonger dan 35", "35 t/m 49", "50 of ouder"], n)
    woman = np.isin(np.char.strip(gender.astype(str)), ["Vrouw", "vrouw", "V"])
    chance = np.where(woman, 0.22, 0.3) * np.where(age == "50 of ouder", 0.7, 1.0)
    status = np.where(rng.random(n) < chance, "Uitgenodigd", "Afgewezen").astype(object)
    status[rng.random(n) < 0.06] = "In behandeling"
    return pd.DataFrame({"Kandidaatnummer": [f"K{i:05d}" for i in range(n)], "Geslacht": gender,
                         "Leeftijdsgroep": age, "Vacature": rng.choice(["Monteur", "Planner", "Verkoper"], n),
                         "Status": status}).astype(str)


def women_merged() -> AuditMapping:
    """The mapping a recruiter would make of ``ats_export``."""
    return AuditMapping("Status", ["Geslacht", "Leeftijdsgroep"], "Vacature",
                        {"Uitgenodigd": "yes", "Afgewezen": "no"}, [],
                        {"Geslacht": {"vrouw": "Vrouw", "V": "Vrouw", "Onbekend": ""}})


def by_hand(frame: pd.DataFrame, column: str, rename: dict) -> dict:
    """{group: (n, selected)} counted row by row in plain Python, as the mapping says."""
    out = {}
    for value, status in zip(frame[column], frame["Status"]):
        if status not in ("Uitgenodigd", "Afgewezen"):
            continue
        name = rename.get(value.strip(), value.strip())
        if not name:
            continue
        n, s = out.get(name, (0, 0))
        out[name] = (n + 1, s + (status == "Uitgenodigd"))
    return out


def test_suggestion_finds_the_columns_of_a_dutch_export():
    """A first guess names the status, the group columns and the vacancy, and places ja/nee-like words."""
    mapping = suggest_mapping(ats_export())
    assert mapping.outcome_column == "Status"
    assert mapping.group_columns == ["Geslacht", "Leeftijdsgroep"]
    assert mapping.strata_column == "Vacature"
    assert mapping.outcome_values == {"Uitgenodigd": "yes", "Afgewezen": "no"}  # "In behandeling" left to the user
    # "vrouw" differs from "Vrouw" only in capitals; "Onbekend" says it is unknown. "V" is left to the user.
    assert mapping.group_values == {"Geslacht": {"vrouw": "Vrouw", "Onbekend": ""}}


def test_mapped_audit_counts_equal_a_count_by_hand():
    """Merged spellings and a value marked unknown give exactly the counts made row by row."""
    frame = ats_export()
    audit = audit_mapped(frame, women_merged(), "export.csv")
    singles = audit.groups[(audit.groups["depth"] == 1) & (audit.groups["status"] != "unknown")]
    for column, rename in (("Geslacht", {"vrouw": "Vrouw", "V": "Vrouw", "Onbekend": ""}), ("Leeftijdsgroep", {})):
        mine = singles[singles["attribute"] == column]
        got = {g: (int(n), int(s)) for g, n, s in zip(mine["group"], mine["n"], mine["selected"])}
        assert got == by_hand(frame, column, rename)
    assert set(singles[singles["attribute"] == "Geslacht"]["group"]) == {"Vrouw", "Man"}
    unknown = sum(1 for g, s in zip(frame["Geslacht"], frame["Status"])
                  if g.strip() in ("Onbekend", "") and s in ("Uitgenodigd", "Afgewezen"))
    assert audit.unknown["Geslacht"] == unknown


def test_unplaced_outcomes_are_counted_and_left_out():
    """Rows whose outcome the mapping does not place are counted per value, never audited either way."""
    frame = ats_export()
    audit = audit_mapped(frame, women_merged(), "export.csv")
    open_rows = int((frame["Status"] == "In behandeling").sum())
    assert open_rows > 0
    assert audit.unmapped == open_rows
    assert audit.unmapped_values == [("In behandeling", open_rows)]
    assert audit.rows == len(frame) - open_rows
    assert audit.selected == int((frame["Status"] == "Uitgenodigd").sum())
    assert audit.no_decision == 0


def test_marking_a_value_not_a_decision_counts_it_apart():
    """A value marked 'not a decision' is counted as no decision, not as unplaced."""
    frame = ats_export()
    mapping = women_merged()
    mapping.outcome_values["In behandeling"] = "unknown"
    audit = audit_mapped(frame, mapping, "export.csv")
    assert audit.unmapped == 0
    assert audit.no_decision == int((frame["Status"] == "In behandeling").sum())


def test_live_counts_follow_the_mapping():
    """The counts shown while mapping add up to the rows and follow a merge and an unknown."""
    frame = ats_export()
    counts = mapping_counts(frame, women_merged())
    assert counts.rows == len(frame)
    assert counts.decided + counts.not_a_decision + counts.unmapped == len(frame)
    assert counts.by_outcome["yes"] == int((frame["Status"] == "Uitgenodigd").sum())
    women = int(frame["Geslacht"].str.strip().isin(["Vrouw", "vrouw", "V"]).sum())
    assert counts.groups["Geslacht"]["Vrouw"] == women
    assert counts.groups["Geslacht"][""] == int(frame["Geslacht"].str.strip().isin(["Onbekend", ""]).sum())


def test_value_counts_strip_and_merge_missing():
    """Distinct values are stripped; empty and NA cells are one missing value (None)."""
    counts = dict(value_counts(pd.Series([" ja", "ja", "nee", "", "NA", None])))
    assert counts == {"ja": 2, "nee": 1, None: 3}


def test_a_saved_mapping_is_reused_on_the_command_line(tmp_path, capsys):
    """--mapping reads the columns and values the window saved; the JSON equals the audit in core."""
    frame = ats_export()
    frame.to_csv(tmp_path / "export.csv", sep=";", index=False)
    save_mapping(women_merged(), tmp_path / "mapping.json")
    assert load_mapping(tmp_path / "mapping.json") == women_merged()
    saved = json.loads((tmp_path / "mapping.json").read_text(encoding="utf-8"))
    assert "K00001" not in json.dumps(saved)  # names and values only, never a row
    code = main(["audit", str(tmp_path / "export.csv"), "--mapping", str(tmp_path / "mapping.json"), "--json", "-"])
    out, err = capsys.readouterr()
    assert code == 0, err
    data = json.loads(out)
    audit = audit_mapped(frame, women_merged(), "export.csv")
    assert (data["rows"], data["selected"], data["unmapped"]) == (audit.rows, audit.selected, audit.unmapped)
    assert data["mapping"]["outcome_values"] == {"Uitgenodigd": "yes", "Afgewezen": "no"}


def test_command_line_wants_a_mapping_or_the_columns(tmp_path, capsys):
    """Without --mapping, --group and --selected are needed; with it they are refused, in one line."""
    ats_export(50).to_csv(tmp_path / "e.csv", index=False)
    save_mapping(women_merged(), tmp_path / "m.json")
    assert main(["audit", str(tmp_path / "e.csv"), "--group", "Geslacht"]) == 2
    assert "--selected is needed" in capsys.readouterr().err
    assert main(["audit", str(tmp_path / "e.csv"), "--mapping", str(tmp_path / "m.json"), "--group", "X"]) == 2
    assert "leave out --group" in capsys.readouterr().err


@pytest.mark.parametrize("content, expected", [
    (b"not json", "not valid JSON (line 1)"),
    (b'{"kind": "something else"}', "is not a column mapping"),
    (b'{"kind": "recruitsim-audit-mapping", "version": 9, "outcome_column": "s", "group_columns": ["g"]}',
     "newer version"),
    (b'{"kind": "recruitsim-audit-mapping", "version": 1, "outcome_column": "s", "group_columns": []}',
     "'group_columns' must name at least one column"),
    (b'{"kind": "recruitsim-audit-mapping", "version": 1, "outcome_column": "s", "group_columns": ["g"], '
     b'"outcome_values": {"ja": "maybe"}}', "maps a value to 'maybe'"),
    (b'{"kind": "recruitsim-audit-mapping", "version": 1, "outcome_column": "s", "group_columns": ["g"], '
     b'"stages": ["only"]}', "at least two stages"),
    (b"\xff\xfe\x00", "not UTF-8"),
])
def test_a_damaged_mapping_is_one_line_naming_the_file(tmp_path, content, expected):
    """Every way a mapping file can be wrong is one line naming the file and the field."""
    path = tmp_path / "mapping.json"
    path.write_bytes(content)
    with pytest.raises(AuditInputError) as info:
        load_mapping(path)
    message = str(info.value)
    assert "mapping.json" in message and expected in message and "\n" not in message


def test_a_mapping_naming_a_missing_column_says_which(tmp_path):
    """Next quarter's export without a mapped column: the message names the column."""
    frame = ats_export(100).drop(columns=["Vacature"])
    with pytest.raises(AuditInputError, match="no column 'Vacature'"):
        audit_mapped(frame, women_merged(), "q2.csv")


def test_nothing_placed_is_refused_in_one_line():
    """A mapping that places none of the outcome values says so instead of auditing nothing."""
    mapping = women_merged()
    mapping.outcome_values = {}
    with pytest.raises(AuditInputError, match="no row of column 'Status'"):
        audit_mapped(ats_export(100), mapping, "e.csv")


@pytest.mark.parametrize("lang, words", [("en", ["read as “Vrouw”", "counted as unknown", "Compared within"]),
                                         ("nl", ["gelezen als ‘Vrouw’", "geteld als onbekend", "Vergeleken binnen"])])
def test_the_mapping_is_described_for_the_report(lang, words):
    """The report's lines name every merge, every unknown and the stratum, in both languages."""
    text = "\n".join(describe_mapping(women_merged(), lang))
    for word in words:
        assert word in text


def test_leaving_unknown_groups_out_counts_them_and_shows_more_intersections():
    """With leave_out_unknown, rows with an unknown group leave the whole audit, counted; every row
    read is still accounted for, and intersections are no longer hidden to protect the unknown cells."""
    frame = ats_export()
    mapping = women_merged()
    kept = audit_mapped(frame, mapping, "e.csv")
    mapping.leave_out_unknown = True
    left = audit_mapped(frame, mapping, "e.csv")
    decided = frame["Status"].isin(["Uitgenodigd", "Afgewezen"])
    unknown = frame["Geslacht"].str.strip().isin(["Onbekend", ""])
    assert left.left_out == int((decided & unknown).sum()) > 0
    assert left.rows == kept.rows - left.left_out
    assert left.rows + left.no_decision + left.unmapped + left.left_out == len(frame)
    assert left.unknown["Geslacht"] == 0
    crosses = left.groups[(left.groups["depth"] == 2) & (left.groups["stage"] == -1)]
    assert (~crosses["hidden"]).sum() >= (~kept.groups[(kept.groups["depth"] == 2)
                                                       & (kept.groups["stage"] == -1)]["hidden"]).sum()
    assert load_round_trip(mapping).leave_out_unknown is True


def load_round_trip(mapping):
    """The mapping after saving and opening it."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        save_mapping(mapping, Path(folder) / "m.json")
        return load_mapping(Path(folder) / "m.json")
