"""The window shows what the claims say: the focus headline, its change after B, live numbers in the
lesson and quiz, a per-learner option order, and charts grouped by unusual CV and name origin."""

import pytest

from simulator.core.claims import fill_texts, format_value, measure_claim, placeholder_values, results_for
from simulator.core.findings import public_groups
from simulator.core.progress import Progress
from simulator.core.scenario import load
from simulator.core.verdict import group_label
from simulator.gui.practice import QuizDialog


from conftest import wait_for_run  # noqa: E402


@pytest.mark.parametrize("attribute", ["unusual_cv", "name_region"])
def test_rates_view_groups_by_unusual_cv_and_name_origin(qtbot, window, attribute):
    """The rates chart can group by unusual CV and by the origin a name suggests, and its tick
    labels are the groups core measured (every group with candidates, in order)."""
    rates = window.view("rates")
    window.tabs.setCurrentWidget(rates)
    assert attribute in rates.chooser.attributes
    rates.chooser.setCurrentIndex(rates.chooser.attributes.index(attribute))
    singles = public_groups(window.controller.result.measurement.singles)
    rows = singles[(singles["attribute"] == attribute) & (singles["stage"] == -1) & (singles["n"] > 0)]
    expected = [group_label(attribute, g, "en") for g in rows["group"]]
    ticks = rates.items["rate"]["plot"].getAxis("left")._tickLevels[0]
    drawn = [label.replace("\n", " ") for _, label in sorted(ticks, key=lambda tick: -tick[0])]  # long ones on 2 lines
    assert drawn == expected


def test_verdict_states_the_focus_then_the_change_after_b(qtbot, window):
    """The verdict line is the scenario's focus sentence; after B it states the focus measure
    before → after for the same groups, with the numbers the two runs give."""
    scenario = window.controller.scenario
    result = window.controller.result
    values = placeholder_values(results_for(result.measurement), "en")
    assert window.verdict.text() == fill_texts(scenario.focus.headline, "en", values)
    before = result.measurement
    wait_for_run(qtbot, window, window.walkthrough.toggle_before_after)
    after = window.controller.result.measurement
    claim = next(c for c in scenario.claims if c.id == scenario.focus.claim)
    b = measure_claim(claim, before)
    a = measure_claim(claim, after, b.reference)
    assert f"{format_value(claim.metric, b.value, 'en')} → {format_value(claim.metric, a.value, 'en')}" in window.verdict.text()
    wait_for_run(qtbot, window, window.walkthrough.toggle_before_after)
    assert window.verdict.text() == fill_texts(scenario.focus.headline, "en", values)


def test_lesson_numbers_are_filled_in_live(qtbot, window):
    """After a run the lesson shows no unfilled placeholder and no "…": every number is live."""
    text = window.scenario_panel.lesson.text()
    assert "{" not in text and "…" not in text


def test_quiz_options_are_shuffled_per_learner_and_explained(qtbot, window, tmp_path):
    """Each learner sees the options in their own order (the same again next time), lettered A, B,
    C; after answering, every option's reason is shown."""
    scenario = load("cv-gap")
    first = Progress(tmp_path / "one.json")
    again = Progress(tmp_path / "one.json")
    assert first.learner == again.learner
    orders = {tuple(q.order(first.learner)) for q in scenario.quiz}
    others = [tuple(q.order(Progress(tmp_path / f"{k}.json").learner)) for k in range(8) for q in scenario.quiz[:1]]
    assert len(set(others)) > 1, "every learner got the same order"
    dialog = QuizDialog(scenario, first, "en", values=placeholder_values(results_for(window.controller.result.measurement), "en"))
    qtbot.addWidget(dialog)
    q = scenario.quiz[0]
    shown = [b.text() for b in dialog.group.buttons()]
    assert [s[:3] for s in shown] == [f"{chr(ord('A') + i)}. " for i in range(len(q.options))]
    assert tuple(dialog.order) in orders
    dialog.choose(q.answer)
    assert dialog.check() is True
    explanation = dialog.explanation.text()
    for k in range(len(q.options)):
        assert q.why[k]["en"].split("{")[0][:30] in explanation


def test_programme_opens_with_the_law_primer(qtbot):
    """The gallery starts the 90-minute programme with the law primer: three cases whose answers
    stay hidden until asked for, ending in the legal facts of the dated table."""
    from simulator.core.law import FACTS, fact
    from simulator.core.teaching import programme_minutes
    from simulator.gui.dialogs import PRIMER, LawPrimer, ScenarioGallery

    assert programme_minutes() == 90
    gallery = ScenarioGallery("nl")
    qtbot.addWidget(gallery)
    choices = [gallery.list.item(i).data(256) for i in range(gallery.list.count()) if gallery.list.item(i).data(256)]
    assert choices[:2] == [PRIMER, "dutch-names"]
    primer = LawPrimer("nl")
    qtbot.addWidget(primer)
    primer.show()
    assert len(primer.answers) == 3 and not any(a.isVisible() for a in primer.answers)
    qtbot.mouseClick(primer.buttons[1], pytest.importorskip("PySide6.QtCore").Qt.MouseButton.LeftButton)
    assert primer.answers[1].isVisible() and not primer.answers[0].isVisible()
    assert fact("gdpr_automated", "nl")[:40] in primer.answers[1].text()  # no quotes in its first words
    texts = " ".join(label.text() for label in primer.findChildren(type(primer.answers[0])))
    import html

    assert all(html.escape(fact(f.key, "nl"))[:40] in texts for f in FACTS)
    assert fact("as_of", "nl") in texts
