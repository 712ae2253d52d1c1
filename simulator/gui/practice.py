"""Practice: the scenario's challenges with goals checked live after every run, a quiz, and progress."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QDialog, QGridLayout, QHBoxLayout, QLabel, QPushButton,
                               QRadioButton, QScrollArea, QVBoxLayout, QWidget)

from ..core.claims import fill_texts, text_values
from ..core.progress import Progress, carry_into
from ..core.session import SELF_CHECK_PHASES, SELF_CHECK_STATEMENTS, SessionError
from ..core.teaching import check_challenge, describe_goal
from ..core.texts import pick, t


class PracticePanel(QWidget):
    def __init__(self, controller, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.progress = Progress(controller.progress_path)
        self.results = {}  # challenge id -> list of GoalResult (latest run)
        self.body = QLabel()
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.body.setAlignment(Qt.AlignmentFlag.AlignTop)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.body)
        self.quiz_button = QPushButton()
        self.quiz_button.clicked.connect(self.open_quiz)
        self.reset_button = QPushButton()
        self.reset_button.clicked.connect(self.reset_progress)
        self.self_check_button = QPushButton()
        self.self_check_button.clicked.connect(self.open_self_check)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.quiz_button)
        buttons.addWidget(self.self_check_button)
        buttons.addWidget(self.reset_button)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        controller.result_ready.connect(self._result)
        controller.scenario_loaded.connect(self.refresh)
        # The goal messages are worded when checked: check again in the new language.
        controller.language_changed.connect(lambda _: self.check())

    @property
    def lang(self) -> str:
        return self.controller.lang

    def _result(self, result) -> None:
        if self.controller.live:
            return  # a slider is being dragged: the goals are checked after the release
        # Visible: check now. Hidden: right after the visible views have redrawn (progress is still saved).
        if self.isVisible():
            self.check(result)
        else:
            QTimer.singleShot(0, lambda: self.check(result) if result is self.controller.result else None)

    def check(self, result=None) -> None:
        """Check every challenge against the latest run; a met challenge is saved to the progress file."""
        result = result or self.controller.result
        sc = self.controller.scenario
        if result is None or sc is None:
            self.refresh()
            return
        self.results = {c.id: check_challenge(c, result.measurement, self.lang) for c in sc.challenges}
        for challenge in sc.challenges:
            if all(r.met for r in self.results[challenge.id]):
                self.progress.mark_challenge(sc.id, challenge.id)
        self.carry()
        self.refresh()

    def carry(self) -> None:
        """Copy the learner's results for this scenario into the open session file, if it is this
        scenario's and can be written (else they wait in the progress file until it is)."""
        session, sc = self.controller.session, self.controller.scenario
        if session is None or sc is None or session.read_only_reason is not None:
            return
        try:
            if session._stored_scenario().id == sc.id:
                carry_into(session, self.progress)
        except SessionError:
            pass  # "Save for the facilitator" carries them again and says what is wrong
    def refresh(self, *_) -> None:
        sc = self.controller.scenario
        lang = self.lang
        self.quiz_button.setText(t("gui.practice.quiz", lang, count=len(sc.quiz) if sc else 0))
        self.quiz_button.setEnabled(bool(sc and sc.quiz))
        self.reset_button.setText(t("gui.practice.reset", lang))
        self.self_check_button.setText(t("selfcheck.title", lang) + "…")
        if sc is None:
            return
        if not sc.challenges:
            self.body.setText(f"<p>{html.escape(t('gui.practice.none', lang))}</p>")
        parts = []
        for challenge in sc.challenges:
            done = self.progress.challenge_done(sc.id, challenge.id)
            star = " ★" if done else ""
            values = text_values(self.controller.result, lang, self.controller.frozen)
            parts.append(f"<h3>{html.escape(fill_texts(challenge.title, lang, values))}{star}</h3>"
                         f"<p>{html.escape(fill_texts(challenge.text, lang, values))}</p><ul>")
            results = self.results.get(challenge.id, [])
            for k, goal in enumerate(challenge.goals):
                text = html.escape(describe_goal(goal, lang))
                if k < len(results):
                    r = results[k]
                    mark, colour = ("✔", "#1B7837") if r.met else ("✘", "#B2182B")
                    text = (f"<span style='color:{colour}'><b>{mark}</b></span> {text}<br>"
                            f"<span style='color:#555'>{html.escape(r.message)}</span>")
                parts.append(f"<li>{text}</li>")
            parts.append("</ul>")
            if results and all(r.met for r in results):
                parts.append(f"<p style='color:#1B7837'><b>{html.escape(t('gui.practice.met', lang))}</b></p>")
            elif challenge.hint:
                parts.append(f"<p style='color:#555'><i>{html.escape(t('gui.practice.hint', lang))}: "
                             f"{html.escape(fill_texts(challenge.hint, lang, values))}</i></p>")
        if sc.challenges:
            self.body.setText("".join(parts))
        right, answered = self.progress.quiz_score(sc.id)
        self.summary.setText(t("gui.practice.progress", lang, done=self.progress.completed(), right=right,
                               answered=answered))

    def reset_progress(self) -> None:
        self.progress.reset()
        self.check()

    def open_quiz(self) -> None:
        sc = self.controller.scenario
        if sc and sc.quiz:
            QuizDialog(sc, self.progress, self.lang, self, values=text_values(self.controller.result, self.lang, self.controller.frozen)).exec()
            self.carry()
            self.refresh()

    def open_self_check(self) -> None:
        if SelfCheckDialog(self.progress, self.lang, self).exec():
            self.carry()


class QuizDialog(QDialog):
    """One question at a time; after 'Check', whether it was right and why."""

    def __init__(self, scenario, progress: Progress, lang: str, parent=None, values: dict | None = None):
        super().__init__(parent)
        self.scenario, self.progress, self.lang = scenario, progress, lang
        self.values = values or {}  # live numbers for the {claim.ID} placeholders
        self.order: list[int] = []  # option indices in the order shown (A, B, C, ...)
        self.index = 0
        self.setWindowTitle(t("gui.practice.quiz_title", lang, title=pick(scenario.title, lang)))
        self.question = QLabel()
        self.question.setWordWrap(True)
        self.options_box = QVBoxLayout()
        self.group = QButtonGroup(self)
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.explanation.setTextFormat(Qt.TextFormat.RichText)
        self.check_button = QPushButton(t("gui.practice.check", lang))
        self.next_button = QPushButton(t("gui.practice.next", lang))
        self.check_button.clicked.connect(self.check)
        self.next_button.clicked.connect(self.next)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.question)
        layout.addLayout(self.options_box)
        layout.addWidget(self.explanation)
        layout.addLayout(buttons)
        self.resize(640, 420)
        self.show_question()

    def show_question(self) -> None:
        q = self.scenario.quiz[self.index]
        self.question.setText(f"<b>{html.escape(self._text(q.question))}</b>")
        for button in self.group.buttons():
            self.group.removeButton(button)
            button.deleteLater()
        # Shuffled per learner, the same each time; buttons keep the option's index in the file as id.
        self.order = q.order(self.progress.learner)
        for position, k in enumerate(self.order):
            button = QRadioButton(f"{chr(ord('A') + position)}. {self._text(q.options[k])}")
            self.group.addButton(button, k)
            self.options_box.addWidget(button)
        self.explanation.clear()
        self.check_button.setEnabled(True)
        self.next_button.setEnabled(False)

    def _text(self, texts) -> str:
        return fill_texts(texts, self.lang, self.values)

    def choose(self, option: int) -> None:
        self.group.button(option).setChecked(True)

    def check(self) -> bool | None:
        chosen = self.group.checkedId()
        if chosen < 0:
            self.explanation.setText(f"<i>{html.escape(t('gui.practice.choose', self.lang))}</i>")
            return None
        q = self.scenario.quiz[self.index]
        right = chosen == q.answer
        self.progress.record_answer(self.scenario.id, self.index, right, option=chosen)
        verdict = t("gui.practice.right" if right else "gui.practice.wrong", self.lang)
        colour = "#1B7837" if right else "#B2182B"
        reasons = "".join(
            f"<li><b>{chr(ord('A') + position)}</b>{' ✓' if k == q.answer else ''}: {html.escape(self._text(q.why[k]))}</li>"
            for position, k in enumerate(self.order) if k < len(q.why) and q.why[k])
        self.explanation.setText(f"<b style='color:{colour}'>{html.escape(verdict)}</b> "
                                 f"{html.escape(self._text(q.explanation))}" + (f"<ul>{reasons}</ul>" if reasons else ""))
        self.check_button.setEnabled(False)
        self.next_button.setEnabled(True)
        self.next_button.setText(t("gui.practice.next" if self.index + 1 < len(self.scenario.quiz)
                                   else "gui.practice.done", self.lang))
        return right

    def next(self) -> None:
        if self.index + 1 < len(self.scenario.quiz):
            self.index += 1
            self.show_question()
        else:
            self.accept()


class SelfCheckDialog(QDialog):
    """The self-check before or after the workshop: each statement rated 1–5, kept in the progress file
    and carried into the session file (the facilitator sees the room's averages)."""

    def __init__(self, progress: Progress, lang: str, parent=None):
        super().__init__(parent)
        self.progress, self.lang = progress, lang
        self.setWindowTitle(t("selfcheck.title", lang))
        intro = QLabel(t("selfcheck.intro", lang))
        intro.setWordWrap(True)
        self.phase = QComboBox()
        for phase in SELF_CHECK_PHASES:
            self.phase.addItem(t(f"selfcheck.phase_{phase}", lang), phase)
        if progress.self_check("before"):
            self.phase.setCurrentIndex(1)
        self.phase.currentIndexChanged.connect(self._fill)
        top = QHBoxLayout()
        top.addWidget(QLabel(t("selfcheck.phase", lang)))
        top.addWidget(self.phase)
        top.addStretch(1)
        grid = QGridLayout()
        for k in range(5):
            head = QLabel(str(k + 1))
            head.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(head, 0, k + 1)
        self.groups: dict[str, QButtonGroup] = {}
        for row, statement in enumerate(SELF_CHECK_STATEMENTS, start=1):
            text = QLabel(t(f"selfcheck.statement.{statement}", lang))
            text.setWordWrap(True)
            grid.addWidget(text, row, 0)
            group = QButtonGroup(self)
            for k in range(5):
                button = QRadioButton()
                group.addButton(button, k + 1)
                grid.addWidget(button, row, k + 1, alignment=Qt.AlignmentFlag.AlignCenter)
            self.groups[statement] = group
        grid.setColumnStretch(0, 1)
        self.message = QLabel()
        self.message.setWordWrap(True)
        save = QPushButton(t("selfcheck.save", lang))
        save.clicked.connect(self.save)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(save)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addLayout(grid)
        layout.addLayout(buttons)
        self.resize(720, 420)
        self._fill()

    def _fill(self, *_) -> None:
        stored = self.progress.self_check(self.phase.currentData())
        for statement, group in self.groups.items():
            group.setExclusive(False)
            for button in group.buttons():
                button.setChecked(group.id(button) == stored.get(statement))
            group.setExclusive(True)

    def rate(self, statement: str, rating: int) -> None:
        self.groups[statement].button(rating).setChecked(True)

    def ratings(self) -> dict[str, int]:
        return {s: g.checkedId() for s, g in self.groups.items() if g.checkedId() > 0}

    def save(self) -> bool:
        ratings = self.ratings()
        if not ratings:
            self.message.setText(t("selfcheck.none_rated", self.lang))
            return False
        self.progress.record_self_check(self.phase.currentData(), ratings)
        self.accept()
        return True
