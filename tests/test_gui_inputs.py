"""The window's inputs: every valid seed fits the seed box, and a scenario file is read off the GUI
thread, with the same one-line message as the command line when it is wrong."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from conftest import wait_for_run

DATA = Path(__file__).parent / "data" / "reliability" / "scenario"


def test_the_seed_box_holds_seeds_above_two_to_the_31(qtbot, window):
    """A scenario with seed 4,000,000,000 opens with that seed shown, and 2³²−1 can be typed and run."""
    wait_for_run(qtbot, window, lambda: window.load_scenario(str(DATA / "gui_seed_above_int32.toml")))
    seed = window.pool_panel.seed
    assert window.controller.scenario.pool.seed == 4_000_000_000
    assert seed.value() == 4_000_000_000 and seed.text() == "4000000000"

    def type_seed():
        seed.selectAll()
        qtbot.keyClicks(seed, "4294967295")
        qtbot.keyClick(seed, Qt.Key.Key_Return)
    wait_for_run(qtbot, window, type_seed)
    assert window.controller.scenario.pool.seed == 2 ** 32 - 1
    assert window.controller.result.pool.settings.seed == 2 ** 32 - 1
    seed.selectAll()
    qtbot.keyClicks(seed, "4294967296")  # one too many: the box does not take it
    assert seed.value() <= 2 ** 32 - 1


def test_a_new_seed_may_be_any_valid_seed(window):
    """'New seed' draws from the whole range the files accept, not only below 2³¹."""
    import random

    random.seed(3)
    seeds = set()
    for _ in range(40):
        window.pool_panel.seed.blockSignals(True)
        window.pool_panel.roll_seed()
        seeds.add(window.pool_panel.seed.value())
        window.pool_panel.seed.blockSignals(False)
    assert max(seeds) > 2 ** 31 and min(seeds) >= 0


def test_a_scenario_file_is_read_off_the_gui_thread(qtbot, window, tmp_path, monkeypatch):
    """Opening a file returns at once (the reading happens in a worker thread) and the file opens when read."""
    import threading

    from simulator.core import scenario as scenario_module

    readers = []
    real_load = scenario_module.load

    def watched(ref):
        readers.append(threading.current_thread() is threading.main_thread())
        return real_load(ref)
    monkeypatch.setattr("simulator.gui.main_window.load", watched)
    path = tmp_path / "copy.toml"
    path.write_text((scenario_module.scenarios_dir() / "berkeley.toml").read_text(encoding="utf-8"), encoding="utf-8")
    wait_for_run(qtbot, window, lambda: window.load_scenario(str(path)))
    assert readers == [False]
    assert window.controller.scenario.id == "berkeley" and window.controller.path == path


def test_a_wrong_file_gets_the_command_lines_one_line_as_plain_text(qtbot, window, monkeypatch):
    """A wrong file shows the same one line as `recruitsim run FILE`, escaped so that none of it renders
    as HTML, and the scenario that was open stays open."""
    import html

    from PySide6.QtWidgets import QMessageBox

    from simulator import cli

    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    bad = DATA / "tb_typeerror_rule_kind_table.toml"
    window.load_scenario(str(bad))
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    import contextlib
    import io
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert cli.main(["run", str(bad)]) == 2
    line = err.getvalue().strip().removeprefix("recruitsim: ")
    assert shown == ["<p>" + html.escape(line) + "</p>"]
    assert window.controller.scenario.id == "cv-gap"


def test_only_the_last_file_asked_for_opens(qtbot, window, tmp_path):
    """Two files opened in quick succession: the second one opens, whatever order the reads finish in."""
    from simulator.core import scenario as scenario_module

    paths = []
    for sid in ("berkeley", "simpson"):
        path = tmp_path / f"{sid}.toml"
        path.write_text((scenario_module.scenarios_dir() / f"{sid}.toml").read_text(encoding="utf-8"), encoding="utf-8")
        paths.append(path)

    def open_both():
        window.load_scenario(str(paths[0]))
        window.load_scenario(str(paths[1]))
    wait_for_run(qtbot, window, open_both)
    qtbot.wait(300)
    window.controller.wait()
    assert window.controller.scenario.id == "simpson"


def test_export_csv_runs_in_the_background_and_reports_a_failure(qtbot, window, tmp_path, monkeypatch):
    """Export CSV returns at once and says when the file is written; a place it cannot write gets a message."""
    from PySide6.QtWidgets import QMessageBox

    good = tmp_path / "c.csv"
    with qtbot.waitSignal(window.csv_written, timeout=20000):
        window.export_csv(str(good))
    assert good.stat().st_size > 0 and str(good) in window.statusBar().currentMessage()
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    bad = tmp_path / "no such folder" / "c.csv"
    with qtbot.waitSignal(window.csv_written, timeout=20000) as written:
        window.export_csv(str(bad))
    assert written.args[0] == str(bad) and written.args[1]
    assert len(shown) == 1 and "no such folder" in shown[0]
