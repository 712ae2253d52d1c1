"""The class view draws core's numbers; "Save for the facilitator" copies the session with its results, atomically."""

import os

import numpy as np
import pytest

from rooms import make_room
from simulator.core.classroom import read_room
from simulator.core.session import SessionError, read, save_copy


@pytest.fixture(scope="module")
def room_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("gui-class") / "room"
    make_room(folder)
    return folder


def _open(qtbot, folder, lang="en"):
    from simulator.gui.class_view import ClassView
    from simulator.gui.style import configure_pyqtgraph

    configure_pyqtgraph()
    view = ClassView(lang)
    qtbot.addWidget(view)
    view.show()
    with qtbot.waitSignal(view.room_ready, timeout=30000):
        view.open_paths([folder])
    return view


def test_class_view_draws_what_core_computed(qtbot, room_folder):
    """Each chart's bars are core's numbers: rates without advice, overrides, blind, quiz counts, self-check means."""
    view = _open(qtbot, room_folder)
    room = read_room([room_folder]).room()
    u = room.unaided[room.unaided["attribute"] == "gender"]
    for side in ("room", "machine"):
        rows = u[(u["side"] == side) & (u["n"] > 0)]
        assert np.allclose(view.unaided_chart.drawn[side], 100 * rows["rate"].to_numpy())
    o = room.overrides[(room.overrides["attribute"] == "gender") & (room.overrides["reviewed"] > 0)]
    assert view.overrides_chart.drawn["up"].tolist() == o["overrides_up"].tolist()
    assert view.overrides_chart.drawn["down"].tolist() == o["overrides_down"].tolist()
    b = room.blind[(room.blind["attribute"] == "gender") & (room.blind["mode"] == "blind")]
    assert np.allclose(view.blind_chart.drawn["blind"], 100 * np.nan_to_num(b["rate"].to_numpy()[: len(view.blind_chart.drawn["blind"])]))
    assert view.quiz_chart.drawn["chosen"].tolist() == [c for q in room.quiz for c in q["counts"]]
    assert np.allclose(view.self_check_chart.drawn["after"], [e["after"]["mean"] for e in room.self_check])
    notes = view.notes.text().splitlines()
    assert len(notes) == 4 and all(name in view.notes.text() for name in ("truncated", "noise", "foreign", "newer"))
    assert "Deelnemer" not in view.status.text() and not view.names_table.isVisible()
    view.attribute.setCurrentIndex(view.attribute.findData("origin"))
    o = room.overrides[(room.overrides["attribute"] == "origin") & (room.overrides["reviewed"] > 0)]
    assert view.overrides_chart.drawn["up"].tolist() == o["overrides_up"].tolist()


def test_names_only_when_ticked(qtbot, room_folder):
    """Ticking "Show names" recomputes the room with names (in a worker) and lists them; unticked, none show."""
    view = _open(qtbot, room_folder, "nl")
    view.tabs.setCurrentIndex(1)
    with qtbot.waitSignal(view.room_ready, timeout=30000):
        view.names.setChecked(True)
    assert view.names_table.isVisible() and view.names_table.rowCount() == 30
    assert view.names_table.item(0, 0).text() == "Deelnemer 00"
    assert "deelnemers" in view.status.text()


def test_save_for_facilitator_carries_results_and_copies(window, tmp_path, monkeypatch):
    """One action: a session is made, quiz answer and self-check carried in, the copy lands in the folder."""
    from PySide6.QtWidgets import QMessageBox

    from simulator.core.progress import Progress

    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: warnings.append(args))
    progress = Progress(window.controller.progress_path)
    progress.reset()  # the test-mode user folder is shared between tests
    sc = window.controller.scenario
    progress.record_answer(sc.id, 0, True, option=sc.quiz[0].answer)
    progress.record_self_check("before", {"law": 2})
    stick = tmp_path / "usb"
    stick.mkdir()
    assert window.save_for_facilitator(folder=str(stick), participant="Ada")
    copies = list(stick.iterdir())
    assert len(copies) == 1 and copies[0].suffix == ".rbsession"
    copy = read(copies[0])
    assert copy.participant == "Ada" and [(a.question, a.correct) for a in copy.quiz_answers()] == [(0, True)]
    assert copy.latest_self_check() == {("before", "law"): 2} and copy.learner == progress.learner
    assert window.save_for_facilitator(folder=str(stick), participant="Ada")  # again: replaced, not doubled
    assert len(list(stick.iterdir())) == 1
    assert not window.save_for_facilitator(folder=str(tmp_path / "gone"), participant="Ada")
    assert len(warnings) == 1 and "folder does not exist" in warnings[0][2]
    progress.reset()


def test_save_copy_is_atomic(tmp_path, monkeypatch):
    """A copy that fails at the last step leaves no file in the folder and one clear line; the session is intact."""
    from simulator.core.decision import Decision
    from simulator.core.scenario import dumps, load
    from simulator.core.session import Session

    sc = load("cv-gap")
    s = Session.create(tmp_path / "mine.rbsession", dumps(sc), 1, 500, participant="Ada")
    s.record(Decision(1, True, False, "skills"))
    stick = tmp_path / "usb"
    stick.mkdir()

    def full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(SessionError) as info:
        save_copy(s, stick)
    assert "no space left on device" in str(info.value) and "\n" not in str(info.value)
    assert list(stick.iterdir()) == []
    monkeypatch.undo()
    target = save_copy(s, stick)
    assert len(read(target).decisions()) == 1 and not (stick / "mine.rbsession-wal").exists()
    s.close()


def test_self_check_dialog_saves_and_carries(window, qtbot):
    """The self-check dialog keeps the ratings in the progress file and carries them into the open session."""
    from simulator.gui.practice import SelfCheckDialog

    window.practice.progress.reset()  # the test-mode user folder is shared between tests
    review = window.view("review")
    window.tabs.setCurrentWidget(review)
    review.participant.setText("Bo")
    assert review.start(versus_mode=True)
    dialog = SelfCheckDialog(window.practice.progress, "en", window)
    qtbot.addWidget(dialog)
    assert not dialog.save()  # nothing rated
    dialog.rate("oversight", 4)
    dialog.rate("law", 1)
    assert dialog.save()
    window.practice.carry()
    assert window.controller.session.latest_self_check() == {("before", "oversight"): 4, ("before", "law"): 1}
    window.practice.progress.reset()
