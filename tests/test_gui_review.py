"""The Review view: the user as the human in the loop, driven through the real widgets."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from simulator.core.export import candidate_names
from simulator.core.review import feedback
from simulator.core.session import Session
from simulator.gui.controller import Controller
from simulator.gui.main_window import MainWindow


@pytest.fixture
def window(show_window, tmp_path):
    w = MainWindow(Controller("en", session_dir=tmp_path / "sessions"))
    w.load_scenario("cv-gap")
    w.controller.wait()  # runs happen in a worker
    show_window(w)
    w.tabs.setCurrentWidget(w.view("review"))
    yield w
    w.controller.wait()
    w.close()


def review(window):
    return window.view("review")


def start(window, **modes):
    view = review(window)
    view.participant.setText("Ada")
    view.count.setValue(modes.pop("count", 5))
    view.blind.setChecked(modes.pop("blind", False))
    view.judge_first.setChecked(modes.pop("judge_first", False))
    assert view.start(versus_mode=modes.pop("versus", False))
    return view


def stored(window):
    with Session.open(window.controller.session.path) as s:
        return s.decisions()


def test_a_reason_is_required_before_the_next_card(window):
    """Without a reason 'next' stays disabled; with one, the decision is on disk before the next card shows."""
    view = start(window)
    first = view.current
    view.decide(True)
    assert not view.next_button.isEnabled() and not view.confirm()
    assert view.current == first and stored(window) == []
    view.reason.setCurrentIndex(2)
    assert view.next_button.isEnabled()
    assert view.confirm()
    decisions = stored(window)
    assert len(decisions) == 1 and decisions[0].candidate == first and decisions[0].human_decision
    assert decisions[0].reason_code == "skills" and view.current != first
    view.decide(False)
    view.reason_text.setText("gap explained by caring for a parent")
    assert view.confirm()
    assert stored(window)[1].reason_text == "gap explained by caring for a parent"


def test_keyboard_review(qtbot, window):
    """A, R, 1–8 and Enter are enough to review a card."""
    view = start(window)
    first = view.current
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    view.card.setFocus()
    qtbot.keyClick(view.card, Qt.Key.Key_R)
    qtbot.keyClick(view.card, Qt.Key.Key_3)
    qtbot.keyClick(view.card, Qt.Key.Key_Return)
    decisions = stored(window)
    assert len(decisions) == 1 and decisions[0].candidate == first
    assert decisions[0].human_decision is False and decisions[0].reason_code == "education"


def test_blind_mode_hides_name_gender_age_and_origin(window):
    """In blind mode the card shows neither the name nor gender, age or origin; otherwise it does."""
    view = start(window, blind=True)
    i = view.current
    pool = window.controller.result.pool
    name = str(candidate_names(pool, np.array([i]))[0])
    text = view.card.toPlainText()
    assert name not in text and "Candidate 1" in text
    for label in ("gender", "age", "origin"):
        assert f"\n{label}" not in text.lower() and not text.lower().startswith(label)
    view.decide(True)
    view.reason.setCurrentIndex(1)
    view.confirm()
    assert stored(window)[0].blind
    window.view("review").stack.setCurrentIndex(0)
    sighted = start(window, blind=False)
    text = sighted.card.toPlainText()
    assert str(candidate_names(pool, np.array([sighted.current]))[0]) in text and "gender" in text


def test_judge_first_shows_advice_only_after_deciding(window):
    """Judge-first: no advice until the user decides; then it appears and both decisions are stored."""
    view = start(window, judge_first=True)
    assert not view.advice_visible()
    view.decide(False)
    assert view.advice_visible()
    view.decide(True)  # changed their mind after seeing the advice
    view.reason.setCurrentIndex(6)
    view.confirm()
    d = stored(window)[0]
    assert d.judge_first and d.first_decision is False and d.human_decision is True
    assert not view.advice_visible()  # next card: hidden again


def test_versus_mode_never_shows_advice_and_compares(window):
    """You versus the machine: 20 CVs, no advice, and your rates per group beside the machine's."""
    view = start(window, versus=True)
    assert len(view.queue) == 20
    for k in range(20):
        assert not view.advice_visible()
        view.decide(k % 2 == 0)
        view.reason.setCurrentIndex(1)
        assert view.confirm()
    assert view.stack.currentIndex() == 2 and view.versus_table.rowCount() > 0
    assert all(d.versus for d in stored(window))


def test_feedback_matches_the_core_numbers(window):
    """After a review the feedback page shows the counts the core computes from the stored decisions,
    and says that a dozen cards can move the ratios only by a dozen outcomes."""
    view = start(window, count=12)
    for k in range(12):
        view.decide(k < 4)
        view.reason.setCurrentIndex(1)
        view.confirm()
    assert view.stack.currentIndex() == 2
    expected = feedback(window.controller.result.outcome, stored(window))
    fb = view.data()
    assert (fb.decisions, fb.overrides, fb.recovered, fb.lost) == (expected.decisions, expected.overrides,
                                                                   expected.recovered, expected.lost)
    assert f"{expected.overrides} overrides" in view.summary.text()
    assert view.groups_table.columnCount() == 3 + 4  # machine, you, four simulated profiles
    # 12 cards out of 5,000: the columns can hardly differ, and the page says why
    assert "You reviewed 12 of the 5,000 candidates; only those 12 outcomes can differ" in view.summary.text()


def test_close_and_reopen_session_restores_everything(qtbot, window, tmp_path):
    """Reopening the session file restores scenario, seed, pool and every decision with its reason."""
    view = start(window, count=3)
    reasons = []
    for k in range(3):
        view.decide(k == 0)
        view.reason_text.setText(f"reason {k}")
        reasons.append(f"reason {k}")
        view.confirm()
    path = window.controller.session.path
    seed = window.controller.scenario.pool.seed
    window.load_scenario("taxi-licence")
    assert window.open_session(str(path))
    assert window.controller.scenario.id == "cv-gap" and window.controller.scenario.pool.seed == seed
    assert [d.reason_text for d in window.controller.session.decisions()] == reasons
    assert review(window).stack.currentIndex() == 2


def test_damaged_session_file_gives_a_message(qtbot, window, tmp_path, monkeypatch):
    """A damaged or foreign session file is refused with a message; nothing crashes."""
    from PySide6.QtWidgets import QMessageBox

    bad = tmp_path / "bad.rbsession"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    assert not window.open_session(str(bad))
    assert "bad.rbsession" in shown[0]


def test_a_name_is_needed(window):
    """Starting without a name says so and creates no session file."""
    view = review(window)
    view.participant.clear()
    assert not view.start()
    assert "name" in view.setup_message.text() and window.controller.session is None


def test_versus_rates_update_live_and_notes_are_saved(window):
    """During you-versus-the-machine your rates per gender update after each card; notes go in the file."""
    view = start(window, versus=True)
    assert "appear here" in view.live.text()
    view.decide(True)
    view.reason.setCurrentIndex(1)
    view.confirm()
    assert "you 100.0%" in view.live.text()
    view.stop_button.click()
    view.note.setText("discussed in plenary")
    view.note_button.click()
    with Session.open(window.controller.session.path) as s:
        assert s.notes()[0][1] == "discussed in plenary"
    assert "discussed in plenary" in view.notes_label.text()
