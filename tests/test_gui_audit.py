"""File → Audit my decisions… (issue 14): a real export opened in the window, mapped with the real
widgets, measured in a worker; what the chart draws equals core's numbers; bad files and mappings
give one line and keep the mapping."""

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import Qt

from simulator.core.audit_mapping import audit_mapped, load_mapping, save_mapping
from simulator.gui.audit_window import AuditWindow


def export(path, n=3000, seed=5):
    """A semicolon CSV with a byte-order mark, Dutch words and spelling variants, as an ATS writes it."""
    rng = np.random.default_rng(seed)
    gender = rng.choice(["Vrouw", "Man", "vrouw", "V", "Onbekend"], n, p=[0.4, 0.4, 0.08, 0.07, 0.05])
    status = rng.choice(["Uitgenodigd", "Afgewezen", "In behandeling"], n, p=[0.3, 0.62, 0.08])
    frame = pd.DataFrame({"Kandidaat": [f"K{i}" for i in range(n)], "Geslacht": gender,
                          "Leeftijd": rng.choice(["<35", "35-49", "50+"], n),
                          "Vacature": rng.choice(["Monteur", "Planner"], n), "Status": status})
    path.write_bytes(b"\xef\xbb\xbf" + frame.to_csv(sep=";", index=False).encode("utf-8"))
    return frame


@pytest.fixture
def opened(qtbot, tmp_path):
    win = AuditWindow("en")
    qtbot.addWidget(win)
    frame = export(tmp_path / "export.csv")
    with qtbot.waitSignal(win.audit_ready, timeout=60000):
        win.open_file(str(tmp_path / "export.csv"))
    qtbot.waitUntil(lambda: win.audit is not None or bool(win.error), timeout=60000)
    return win, frame, tmp_path


def table_row(table, text: str) -> int:
    """The row of a mapping table whose first cell says ``text``."""
    return next(r for r in range(table.rowCount()) if table.item(r, 0).text() == text)


def group_value_row(win, column: str, value: str):
    """(the group-values table showing ``column``, the row of ``value`` in it)."""
    win.values_column.setCurrentIndex(win.values_column.findData(column))
    win._fill_group_values()
    return win.values_table, table_row(win.values_table, value)


def wait_audit(qtbot, win):
    with qtbot.waitSignal(win.audit_ready, timeout=60000):
        pass


def test_opening_an_export_guesses_the_mapping_and_measures_it(opened):
    """The window reads the file, proposes the mapping and shows counts that add up to the file."""
    win, frame, _ = opened
    assert win.error == ""
    assert win.mapping.outcome_column == "Status"
    assert win.mapping.group_columns == ["Geslacht", "Leeftijd"]
    assert win.counts.rows == len(frame)
    assert win.counts.unmapped == int((frame["Status"] == "In behandeling").sum())
    assert win.audit.rows == int(frame["Status"].isin(["Uitgenodigd", "Afgewezen"]).sum())


def test_the_rate_chart_draws_core_numbers(opened):
    """Each bar's label and rate, and the "rate · x of n" text, are the audit's own numbers."""
    win, frame, _ = opened
    win.tabs.setCurrentIndex(list(win.pages).index("rates"))
    win.rates_column.setCurrentIndex(win.rates_column.findData("Geslacht"))
    win.draw_rates()
    groups = win.audit.groups
    rows = groups[(groups["attribute"] == "Geslacht") & (groups["depth"] == 1) & (groups["stage"] == -1)
                  & ~groups["hidden"] & (groups["status"] != "unknown")]
    assert win.rates_chart.drawn["labels"] == list(rows["group"])
    assert np.allclose(win.rates_chart.drawn["rates"], rows["rate"].to_numpy(dtype=float))
    women = frame[frame["Geslacht"].isin(["Vrouw", "vrouw"]) & frame["Status"].isin(["Uitgenodigd", "Afgewezen"])]
    picked = int((women["Status"] == "Uitgenodigd").sum())
    text = win.rates_chart.drawn["texts"][win.rates_chart.drawn["labels"].index("Vrouw")]
    assert f"{picked:,} of {len(women):,}" in text


def test_marking_a_value_unknown_in_the_table_changes_the_counts(qtbot, opened):
    """Ticking 'unknown' for a group value takes its rows out of the comparison, live."""
    win, frame, _ = opened
    table, row = group_value_row(win, "Geslacht", "V")
    table.item(row, 3).setCheckState(Qt.CheckState.Checked)
    wait_audit(qtbot, win)
    assert win.mapping.group_values["Geslacht"]["V"] == ""
    decided = frame["Status"].isin(["Uitgenodigd", "Afgewezen"])
    assert win.audit.unknown["Geslacht"] == int((frame["Geslacht"].isin(["V", "Onbekend"]) & decided).sum())
    assert "V" not in set(win.audit.groups.loc[win.audit.groups["attribute"] == "Geslacht", "group"])


def test_renaming_merges_two_values(qtbot, opened):
    """Typing an existing name for a value merges the two groups in the audit."""
    win, frame, _ = opened
    table, row = group_value_row(win, "Geslacht", "V")
    table.item(row, 2).setText("Vrouw")
    wait_audit(qtbot, win)
    groups = win.audit.groups
    women = groups[(groups["attribute"] == "Geslacht") & (groups["group"] == "Vrouw") & (groups["stage"] == -1)]
    decided = frame["Status"].isin(["Uitgenodigd", "Afgewezen"])
    assert int(women["n"].iloc[0]) == int((frame["Geslacht"].isin(["Vrouw", "vrouw", "V"]) & decided).sum())


def test_placing_an_outcome_value_with_its_combo(qtbot, opened):
    """Choosing 'not selected' for an unplaced outcome value brings its rows into the audit."""
    win, frame, _ = opened
    table = win.outcome_table
    row = table_row(table, "In behandeling")
    combo = table.cellWidget(row, 2)
    combo.setCurrentIndex(combo.findData("no"))
    combo.activated.emit(combo.currentIndex())
    wait_audit(qtbot, win)
    assert win.audit.unmapped == 0
    assert win.audit.rows == len(frame)


def test_a_saved_mapping_round_trips_and_a_bad_one_keeps_the_current(qtbot, opened):
    """Save mapping… writes what the window used; a damaged mapping is one line and changes nothing."""
    win, frame, tmp_path = opened
    assert win.save_mapping(str(tmp_path / "m.json"))
    assert load_mapping(tmp_path / "m.json") == win.mapping
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    before = win.mapping
    assert not win.load_mapping(str(tmp_path / "bad.json"))
    assert "bad.json" in win.error and "\n" not in win.error
    assert win.mapping is before


def test_a_mapping_opened_from_file_is_applied(qtbot, opened):
    """Open mapping… applies a saved mapping: the audit equals core's audit with that mapping."""
    win, frame, tmp_path = opened
    mapping = load_mapping_from(win)
    mapping.group_columns = ["Leeftijd"]
    save_mapping(mapping, tmp_path / "age.json")
    with qtbot.waitSignal(win.audit_ready, timeout=60000):
        assert win.load_mapping(str(tmp_path / "age.json"))
    expected = audit_mapped(frame.astype(str), load_mapping(tmp_path / "age.json"), "x")
    assert win.audit.group_columns == ["Leeftijd"]
    assert (win.audit.rows, win.audit.selected) == (expected.rows, expected.selected)


def load_mapping_from(win):
    """A copy of the window's current mapping."""
    from simulator.core.audit_mapping import mapping_from_dict

    return mapping_from_dict(win.mapping.as_dict(), "copy")


def test_a_bad_file_is_one_line_and_the_window_keeps_its_audit(qtbot, opened):
    """Opening an unreadable file shows one line naming it; the mapping and the audit stay."""
    win, frame, tmp_path = opened
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    mapping, audit = win.mapping, win.audit
    with qtbot.waitSignal(win.audit_ready, timeout=60000):
        win.open_file(str(tmp_path / "broken.xlsx"))
    assert "broken.xlsx" in win.error and "\n" not in win.error
    assert win.mapping is mapping and win.audit is audit


def test_no_group_column_is_a_message_not_a_crash(qtbot, opened):
    """Unticking every group column says what is missing in one line."""
    win, _, _ = opened
    for i in range(win.group_list.count()):
        win.group_list.item(i).setCheckState(Qt.CheckState.Unchecked)
    qtbot.waitUntil(lambda: "no group column" in win.error, timeout=60000)
    assert win.audit is None


def test_the_window_speaks_dutch(qtbot, opened):
    """Switching the language retranslates the window and the counts line."""
    win, _, _ = opened
    win.set_language("nl")
    assert win.tabs.tabText(0) == "Het bestand"
    assert "rijen" in win.status.text()
    assert "computer" in win.privacy.text()


def test_the_file_menu_opens_the_audit_and_it_follows_the_language(qtbot, window, tmp_path):
    """File → Audit my decisions… opens the window on a file; switching the app to Dutch switches it."""
    main = window
    export(tmp_path / "q1.csv", n=400)
    action = next(a for a in main.file_menu.actions() if a.data() == "gui.audit.menu")
    assert action.text() == "Audit my decisions…"
    audit_window = main.open_audit(str(tmp_path / "q1.csv"))
    qtbot.waitUntil(lambda: audit_window.audit is not None, timeout=60000)
    main.controller.set_language("nl")
    qtbot.waitUntil(lambda: audit_window.lang == "nl", timeout=10000)
    assert audit_window.windowTitle().startswith("Mijn eigen beslissingen toetsen")


def test_export_report_and_table_from_the_window(qtbot, opened):
    """Export audit report… writes a PDF with the audit's numbers; Export table… a CSV of the same table."""
    from pypdf import PdfReader

    win, frame, tmp_path = opened
    with qtbot.waitSignal(win.exported, timeout=120000) as report:
        assert win.export_report(str(tmp_path / "report.pdf"))
    assert report.args == [str(tmp_path / "report.pdf"), ""]
    text = "\n".join(page.extract_text() for page in PdfReader(tmp_path / "report.pdf").pages)
    assert "export.csv" in text
    assert f"{win.audit.rows:,}" in text
    with qtbot.waitSignal(win.exported, timeout=60000) as table:
        assert win.export_table(str(tmp_path / "table.csv"))
    assert table.args[1] == ""
    written = pd.read_csv(tmp_path / "table.csv", dtype=str)
    assert len(written) >= 5


def test_a_formula_looking_group_name_is_escaped_in_the_exported_table(qtbot, tmp_path):
    """A group called '=HYPERLINK(…)' in the file never reaches the exported CSV as a formula."""
    win = AuditWindow("en")
    qtbot.addWidget(win)
    n = 400
    rng = np.random.default_rng(2)
    frame = pd.DataFrame({"gender": rng.choice(["=HYPERLINK(\"http://x\")", "+1", "man"], n),
                          "selected": rng.choice(["yes", "no"], n)})
    frame.to_csv(tmp_path / "f.csv", index=False)
    with qtbot.waitSignal(win.audit_ready, timeout=60000):
        win.open_file(str(tmp_path / "f.csv"))
    qtbot.waitUntil(lambda: win.audit is not None, timeout=60000)
    with qtbot.waitSignal(win.exported, timeout=60000):
        win.export_table(str(tmp_path / "table.csv"))
    text = (tmp_path / "table.csv").read_text(encoding="utf-8-sig")
    cells = [cell.strip('"') for line in text.splitlines() for cell in line.split(",")]
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)
    assert "'=HYPERLINK" in text


STAGES = ["Sollicitatie", "Eerste gesprek", "Tweede gesprek", "Aanbod"]


def stage_export(path, n=4000, seed=8):
    """An ATS export whose status column holds the furthest stage each applicant reached."""
    rng = np.random.default_rng(seed)
    gender = rng.choice(["Vrouw", "Man"], n)
    reached = np.zeros(n, dtype=int)
    for k, chance in enumerate((0.4, 0.5, 0.6)):
        go = (reached == k) & (rng.random(n) < np.where(gender == "Vrouw", chance * 0.8, chance))
        reached[go] = k + 1
    frame = pd.DataFrame({"Geslacht": gender, "Fase": np.array(STAGES, dtype=object)[reached]})
    frame.to_csv(path, sep=";", index=False)
    return frame


def test_stages_chosen_in_the_window_draw_the_funnel_of_core(qtbot, tmp_path):
    """Choosing 'the stage reached' and ordering the stages gives core's funnel, and the chart draws it."""
    from simulator.core.audit import audit_funnel

    win = AuditWindow("en")
    qtbot.addWidget(win)
    frame = stage_export(tmp_path / "ats.csv")
    with qtbot.waitSignal(win.audit_ready, timeout=60000):
        win.open_file(str(tmp_path / "ats.csv"))
    win.outcome_combo.setCurrentIndex(win.outcome_combo.findData("Fase"))
    win.outcome_combo.activated.emit(win.outcome_combo.currentIndex())
    win.kind_stages.setChecked(True)
    table = win.outcome_table
    for stage_number, name in enumerate(STAGES):
        row = table_row(table, name)
        combo = table.cellWidget(row, 2)
        combo.setCurrentIndex(combo.findData(stage_number))
        combo.activated.emit(combo.currentIndex())
        table = win.outcome_table  # the table is filled again after each choice
    qtbot.waitUntil(lambda: win.audit is not None and win.audit.stages == STAGES, timeout=60000)
    assert win.tabs.isTabEnabled(list(win.pages).index("funnel"))
    win.funnel_column.setCurrentIndex(win.funnel_column.findData("Geslacht"))
    win.draw_funnel()
    funnel = audit_funnel(win.audit, "Geslacht")
    for group, share in zip(win.funnel_chart.drawn["groups"], win.funnel_chart.drawn["shares"]):
        counts = funnel.loc[funnel["group"] == group, list(range(len(STAGES)))].to_numpy(dtype=float)[0]
        assert np.allclose(share, counts / counts[0], equal_nan=True)
        rows = frame[frame["Geslacht"] == group]
        assert counts[0] == len(rows)
        assert counts[-1] == int((rows["Fase"] == "Aanbod").sum())


def test_the_audit_windows_file_menu_exports_the_report(qtbot, opened):
    """File → Export audit report… in the audit window is there, enabled once measured, and writes the PDF."""
    win, _, tmp_path = opened
    action = win.menu_actions["export_report"]
    assert action.text() == "Export audit report…" and action.isEnabled()
    assert win.file_menu.title() == "&File"
    from unittest import mock

    with mock.patch("simulator.gui.audit_window.QFileDialog.getSaveFileName",
                    return_value=(str(tmp_path / "menu.pdf"), "")):
        with qtbot.waitSignal(win.exported, timeout=120000):
            action.trigger()
    assert (tmp_path / "menu.pdf").read_bytes().startswith(b"%PDF")


def test_ticking_leave_out_unknown_takes_those_rows_out_and_says_how_many(qtbot, opened):
    """The 'leave out applicants whose group is unknown' box changes the mapping, and the findings
    tab counts the rows it left out."""
    win, frame, _ = opened
    win.leave_out.setChecked(True)
    wait_audit(qtbot, win)
    assert win.mapping.leave_out_unknown
    decided = frame["Status"].isin(["Uitgenodigd", "Afgewezen"])
    assert win.audit.left_out == int((frame["Geslacht"].isin(["Onbekend"]) & decided).sum())
    assert f"{win.audit.left_out:,} rows with a decision but an unknown group" in win.findings_text.toPlainText()
