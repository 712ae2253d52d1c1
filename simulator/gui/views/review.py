"""Review: the user as the human in the loop, with every decision saved before the next card appears."""

from __future__ import annotations

import datetime as _dt
import html
import time
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QComboBox, QFormLayout, QGridLayout, QHBoxLayout,
                               QLabel, QLineEdit, QProgressBar, QPushButton, QSpinBox, QStackedWidget,
                               QTextBrowser, QVBoxLayout, QWidget)

from ...core.export import candidate_names
from ...core.review import QUEUE_KINDS, REASONS, Decision, build_queue, feedback, simulated_decisions, versus
from ...core.rules.reviewer import PROFILES, SimulatedReviewer
from ...core.progress import Progress
from ...core.scenario import dumps
from ...core.session import SUFFIX, Session, SessionError
from ...core.texts import integer, number, percent, t
from ...core.verdict import format_ratio
from ...core.world import CATEGORIES, CV_SIGNALS, UNUSUAL_CV_FLAGS
from ..style import compact_combo
from .base import View, caption, fill_table, read_only_table, person_label, value_label

VERSUS_SIZE = 20
HIDDEN_IN_BLIND_MODE = ("name", "gender", "age", "origin")


def default_session_path(folder: Path, participant: str) -> Path:
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    safe = "".join(ch for ch in participant if ch.isalnum() or ch in "-_") or "session"
    return folder / f"{safe}-{stamp}{SUFFIX}"


# Fewer cards than this: the feedback says how little so few decisions can move the ratios.
FEW_CARDS = 50

class ReviewView(View):
    key = "review"
    card_shown = Signal(int)  # the candidate on screen (for tests and the benchmark)

    def __init__(self, controller, parent=None):
        super().__init__(controller, parent)
        self.queue = np.array([], dtype=np.intp)
        self.position = 0
        self.mode = {"blind": False, "judge_first": False, "versus": False, "queue": ""}
        self.first_decision: bool | None = None
        self.card_started = 0.0
        self.stack = QStackedWidget()
        self._build_setup()
        self._build_card()
        self._build_feedback()
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)
        self._shortcuts()
        controller.session_changed.connect(self._session_changed)
        self.retranslate()

    # -- pages -----------------------------------------------------------------------------------
    def _build_setup(self) -> None:
        page = QWidget()
        form = QFormLayout()
        self.participant = QLineEdit()
        self.queue_kind = compact_combo(QComboBox(), 22)
        for kind in QUEUE_KINDS:
            self.queue_kind.addItem(kind, kind)
        self.count = QSpinBox()
        self.count.setRange(1, 500)
        self.count.setValue(20)
        self.blind = QCheckBox()
        self.judge_first = QCheckBox()
        self.setup_labels = [QLabel() for _ in range(3)]
        form.addRow(self.setup_labels[0], self.participant)
        form.addRow(self.setup_labels[1], self.queue_kind)
        form.addRow(self.setup_labels[2], self.count)
        form.addRow("", self.blind)
        form.addRow("", self.judge_first)
        self.start_button = QPushButton()
        self.versus_button = QPushButton()
        self.feedback_button = QPushButton()
        self.start_button.clicked.connect(lambda: self.start(versus_mode=False))
        self.versus_button.clicked.connect(lambda: self.start(versus_mode=True))
        self.feedback_button.clicked.connect(self.show_feedback)
        buttons = QHBoxLayout()
        for b in (self.start_button, self.versus_button, self.feedback_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.setup_intro = caption()
        self.session_label = caption()
        self.setup_message = caption()
        self.setup_message.setStyleSheet("color: #B2182B")
        for label in (self.session_label, self.setup_message):  # they quote file names and a file's contents
            label.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(page)
        layout.addWidget(self.setup_intro)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.setup_message)
        layout.addWidget(self.session_label)
        layout.addStretch(1)
        self.stack.addWidget(page)

    def _build_card(self) -> None:
        page = QWidget()
        self.progress = QProgressBar()
        self.card = QTextBrowser()
        self.advice = QLabel()
        self.advice.setWordWrap(True)
        self.advice.setTextFormat(Qt.TextFormat.RichText)
        self.advance_button = QPushButton()
        self.reject_button = QPushButton()
        for b in (self.advance_button, self.reject_button):
            b.setCheckable(True)
            b.setMinimumHeight(36)
        self.decision_group = QButtonGroup(self)
        self.decision_group.setExclusive(True)
        self.decision_group.addButton(self.advance_button, 1)
        self.decision_group.addButton(self.reject_button, 0)
        self.decision_group.idClicked.connect(self._decided)
        self.reason = compact_combo(QComboBox(), 24)
        self.reason.currentIndexChanged.connect(self._update_next)
        self.reason_text = QLineEdit()
        self.reason_text.textChanged.connect(self._update_next)
        self.next_button = QPushButton()
        self.next_button.clicked.connect(self.confirm)
        self.stop_button = QPushButton()
        self.stop_button.clicked.connect(self.show_feedback)
        self.card_hint = caption()
        self.card_hint.setTextFormat(Qt.TextFormat.PlainText)  # may quote an error about the session file
        self.live = caption()
        decide = QGridLayout()
        decide.addWidget(self.advance_button, 0, 0)
        decide.addWidget(self.reject_button, 0, 1)
        # Advance and Reject the same size: in a bias training a bigger button is a nudge.
        decide.setColumnStretch(0, 1)
        decide.setColumnStretch(1, 1)
        self.reason_label = QLabel()
        decide.addWidget(self.reason_label, 1, 0, 1, 2)
        decide.addWidget(self.reason, 2, 0)
        decide.addWidget(self.reason_text, 2, 1)
        decide.addWidget(self.next_button, 3, 0)
        decide.addWidget(self.stop_button, 3, 1)
        layout = QVBoxLayout(page)
        layout.addWidget(self.progress)
        layout.addWidget(self.card, 1)
        layout.addWidget(self.advice)
        layout.addWidget(self.live)
        layout.addLayout(decide)
        layout.addWidget(self.card_hint)
        self.stack.addWidget(page)

    def _build_feedback(self) -> None:
        page = QWidget()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.groups_table = read_only_table()
        self.overrides_table = read_only_table()
        self.versus_table = read_only_table()
        self.again_button = QPushButton()
        self.again_button.clicked.connect(lambda: self.stack.setCurrentIndex(0))
        self.note = QLineEdit()
        self.note_button = QPushButton()
        self.note_button.clicked.connect(self.add_note)
        self.note.returnPressed.connect(self.add_note)
        self.notes_label = caption()
        self.notes_label.setTextFormat(Qt.TextFormat.PlainText)  # notes come from the file: never HTML
        self.table_titles = [caption(bold=True) for _ in range(3)]
        layout = QVBoxLayout(page)
        layout.addWidget(self.summary)
        layout.addWidget(self.table_titles[0])
        layout.addWidget(self.groups_table, 3)
        grid = QGridLayout()
        grid.addWidget(self.table_titles[1], 0, 0)
        grid.addWidget(self.overrides_table, 1, 0)
        grid.addWidget(self.table_titles[2], 0, 1)
        grid.addWidget(self.versus_table, 1, 1)
        layout.addLayout(grid, 2)
        notes = QHBoxLayout()
        notes.addWidget(self.note, 1)
        notes.addWidget(self.note_button)
        layout.addWidget(self.notes_label)
        layout.addLayout(notes)
        layout.addWidget(self.again_button)
        self.stack.addWidget(page)

    def _shortcuts(self) -> None:
        def when_card(action):
            return lambda: action() if self.stack.currentIndex() == 1 and self.isVisible() else None

        for keys, action in (("A", lambda: self.decide(True)), ("R", lambda: self.decide(False)),
                             ("Return", self.confirm), ("Enter", self.confirm)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(when_card(action))
        for k in range(len(REASONS)):
            shortcut = QShortcut(QKeySequence(str(k + 1)), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(when_card(lambda k=k: self.reason.setCurrentIndex(k + 1)))

    # -- language --------------------------------------------------------------------------------
    def retranslate(self) -> None:
        lang = self.lang
        for label, key in zip(self.setup_labels, ("participant", "queue_label", "count")):
            label.setText(t(f"gui.review.{key}", lang))
        for i, kind in enumerate(QUEUE_KINDS):
            self.queue_kind.setItemText(i, t(f"gui.review.queue.{kind}", lang))
        self.blind.setText(t("gui.review.blind", lang))
        self.judge_first.setText(t("gui.review.judge_first", lang))
        self.start_button.setText(t("gui.review.start", lang))
        self.versus_button.setText(t("gui.review.versus", lang, n=VERSUS_SIZE))
        self.feedback_button.setText(t("gui.review.feedback", lang))
        self.setup_intro.setText(t("gui.review.intro", lang))
        self.advance_button.setText(t("gui.review.advance", lang))
        self.reject_button.setText(t("gui.review.reject", lang))
        self.reason_label.setText(t("gui.review.reason_label", lang))
        current = self.reason.currentIndex()
        self.reason.blockSignals(True)
        self.reason.clear()
        self.reason.addItem(t("gui.review.choose_reason", lang), None)
        for k, code in enumerate(REASONS):
            self.reason.addItem(f"{k + 1}. {t(f'review.reason.{code}', lang)}", code)
        self.reason.setCurrentIndex(max(current, 0))
        self.reason.blockSignals(False)
        self.reason_text.setPlaceholderText(t("gui.review.reason_text", lang))
        self.next_button.setText(t("gui.review.next", lang))
        self.stop_button.setText(t("gui.review.stop", lang))
        self.card_hint.setText(t("gui.review.keys", lang))
        self.again_button.setText(t("gui.review.again", lang))
        self.note.setPlaceholderText(t("gui.review.note_placeholder", lang))
        self.note_button.setText(t("gui.review.add_note", lang))
        for title, key in zip(self.table_titles, ("groups", "overrides", "versus")):
            title.setText(t(f"gui.review.table.{key}", lang))
        self._session_changed()
        super().retranslate()

    def _session_changed(self) -> None:
        session = self.controller.session
        if session is None:
            text = t("gui.review.no_session", self.lang)
        elif session.read_only_reason is not None:
            text = t("gui.session.read_only", self.lang, path=str(session.path))
        else:
            text = t("gui.review.session", self.lang, path=str(session.path))
        self.session_label.setText(text)
        self.feedback_button.setEnabled(session is not None)
        if session is not None and session.participant:
            self.participant.setText(session.participant)

    # -- flow ------------------------------------------------------------------------------------
    def render(self) -> None:
        if self.stack.currentIndex() == 1 and len(self.queue):
            self.show_card()
        elif self.stack.currentIndex() == 2:
            self.show_feedback()

    def _session_for_review(self) -> Session:
        """The open session if it recorded this very scenario and pool, else a new session file.

        An open session that cannot be written (a read-only file or folder) raises SessionError
        saying so; a new file that cannot be made completely (a full disk) is removed again.
        """
        c = self.controller
        text = dumps(c.scenario)
        session = c.session
        if session is not None and session.scenario_toml() == text:
            session.check_writable()
            return session
        folder = Path(c.session_dir)
        folder.mkdir(parents=True, exist_ok=True)  # an OSError here: start() says the folder cannot be made
        new = Session.create(default_session_path(folder, self.participant.text().strip()), text, c.scenario.pool.seed,
                             c.scenario.pool.size, participant=self.participant.text().strip(), lang=self.lang,
                             learner=Progress(c.progress_path).learner)
        c.set_session(new)
        return new

    def start(self, versus_mode: bool = False) -> bool:
        if self.result is None:
            return False
        if not self.participant.text().strip():
            self.setup_message.setText(t("gui.review.need_name", self.lang))
            return False
        try:
            self._session_for_review()
        except SessionError as exc:
            self.setup_message.setText(t("gui.session.start_failed", self.lang, error=str(exc)))
            return False
        except OSError as exc:
            self.setup_message.setText(t("gui.session.no_folder", self.lang, path=str(self.controller.session_dir),
                                         reason=exc.strerror or str(exc)))
            return False
        self.setup_message.clear()
        kind = "random" if versus_mode else self.queue_kind.currentData()
        size = VERSUS_SIZE if versus_mode else self.count.value()
        done = {d.candidate for d in self.controller.session.decisions() if d.versus == versus_mode}
        queue = build_queue(self.result.outcome, kind, size + len(done), seed=len(done))
        self.queue = np.array([i for i in queue if int(i) not in done][:size], dtype=np.intp)
        self.mode = {"blind": self.blind.isChecked(), "judge_first": self.judge_first.isChecked() and not versus_mode,
                     "versus": versus_mode, "queue": "versus" if versus_mode else kind}
        self.position = 0
        if not len(self.queue):
            self.setup_message.setText(t("gui.review.empty_queue", self.lang))
            return False
        self.stack.setCurrentIndex(1)
        self.show_card()
        return True

    @property
    def current(self) -> int | None:
        return int(self.queue[self.position]) if self.position < len(self.queue) else None

    def show_card(self) -> None:
        index = self.current
        if index is None:
            self.show_feedback()
            return
        lang = self.lang
        self.first_decision = None
        self.decision_group.setExclusive(False)
        self.advance_button.setChecked(False)
        self.reject_button.setChecked(False)
        self.decision_group.setExclusive(True)
        self.reason.setCurrentIndex(0)
        self.reason_text.clear()
        self.progress.setRange(0, len(self.queue))
        self.progress.setValue(self.position)
        self.progress.setFormat(t("gui.review.progress", lang, i=self.position + 1, n=len(self.queue)))
        self.card.setHtml(self.card_html(index))
        self._show_advice(visible=not (self.mode["versus"] or self.mode["judge_first"]))
        self._show_live()
        self._update_next()
        self.card_started = time.perf_counter()
        self.card_shown.emit(index)

    def card_html(self, i: int) -> str:
        """The CV as a reviewer sees it; in blind mode without name, gender, age and origin."""
        lang = self.lang
        pool = self.result.outcome.pool
        e = html.escape
        blind = self.mode["blind"]

        def cat(column):
            return person_label(column, CATEGORIES[column][int(pool[column][i])], lang)

        rows = []
        if not blind:
            rows += [(t("field.gender", lang), cat("gender")), (t("field.age", lang), str(int(pool["age"][i]))),
                     (t("field.origin", lang), f"{cat('origin')} ({cat('region')})")]
        rows += [
            (t("field.education", lang), f"{cat('education')} · {cat('diploma_country')}"),
            (t("field.experience_years", lang), str(int(pool["experience_years"][i]))),
            (t("field.current_gap_months", lang), str(int(pool["current_gap_months"][i]))),
            (t("field.past_gap_months", lang), f"{int(pool['past_gap_months'][i])} ({cat('gap_reason')})"),
            (t("field.career_switches", lang), str(int(pool["career_switches"][i]))),
            (t("field.dutch_level", lang), cat("dutch_level")),
            (t("field.driving_licence", lang), t("common.yes" if pool["driving_licence"][i] else "common.no", lang)),
            (t("field.skills_count", lang), str(int(pool["skills_count"][i]))),
            (t("gui.card.cv_signals", lang), ", ".join(t(f"field.{c}", lang) for c in CV_SIGNALS if pool[c][i]) or "—"),
            (t("field.graduation_year", lang), str(int(pool["graduation_year"][i]))),
            (t("gui.card.unusual", lang), ", ".join(t(f"unusual.{f}", lang) for f in UNUSUAL_CV_FLAGS
                                                      if pool[f"unusual_{f}"][i]) or "—"),
        ]
        name = t("gui.review.blind_name", lang, n=self.position + 1) if blind else \
            str(candidate_names(pool, np.array([i]))[0])
        table = "".join(f"<tr><td style='color:#555'>{e(k)}</td><td>{e(v)}</td></tr>" for k, v in rows)
        return f"<h2>{e(name)}</h2><table cellpadding='3'>{table}</table>"

    def _show_live(self) -> None:
        """You versus the machine, so far: your selection rate per gender beside the machine's."""
        if not self.mode["versus"]:
            self.live.clear()
            return
        table = versus(self.result.outcome, self.controller.session.decisions(), attributes=("gender",))
        if table.empty:
            self.live.setText(t("gui.review.live_empty", self.lang))
            return
        parts = [t("gui.review.live_group", self.lang, group=value_label("gender", r.group, self.lang),
                   n=integer(r.n, self.lang), you=percent(r.rate_you, self.lang),
                   machine=percent(r.rate_machine, self.lang))
                 for r in table.itertuples() if r.n > 0]
        self.live.setText(t("gui.review.live", self.lang, groups="; ".join(parts)))

    def add_note(self) -> None:
        text = self.note.text().strip()
        if text and self.controller.session is not None:
            try:
                self.controller.session.add_note(text)
            except SessionError as exc:  # e.g. a session opened from a read-only folder: the note stays typed
                self.notes_label.setText(t("gui.session.note_failed", self.lang, error=str(exc)))
                return
            self.note.clear()
            self._show_notes()

    def _show_notes(self) -> None:
        notes = self.controller.session.notes() if self.controller.session is not None else []
        self.notes_label.setText(t("gui.review.notes", self.lang, count=len(notes),
                                   notes=" · ".join(text for _, text in notes[-3:])))

    def _show_advice(self, visible: bool) -> None:
        if not visible:
            key = "gui.review.advice_versus" if self.mode["versus"] else "gui.review.advice_hidden"
            self.advice.setText(f"<i>{html.escape(t(key, self.lang))}</i>")
            return
        outcome = self.result.outcome
        i = self.current
        advised = bool(outcome.selected[i])
        verdict = t("gui.review.advice_advance" if advised else "gui.review.advice_reject", self.lang)
        reason = outcome.trail(i, self.lang)["reason"]
        colour = "#1B7837" if advised else "#B2182B"
        self.advice.setText(f"<b style='color:{colour}'>{html.escape(verdict)}</b><br>{html.escape(reason)}")

    def advice_visible(self) -> bool:
        return self.advice.text().startswith("<b")

    def decide(self, advance: bool) -> None:
        (self.advance_button if advance else self.reject_button).click()

    def _decided(self, button_id: int) -> None:
        if self.mode["judge_first"] and self.first_decision is None:
            self.first_decision = bool(button_id)
            self._show_advice(visible=True)  # judged first: now the machine's advice appears
        self._update_next()

    def chosen(self) -> bool | None:
        checked = self.decision_group.checkedId()
        return None if checked < 0 else bool(checked)

    def _update_next(self, *_) -> None:
        has_reason = self.reason.currentData() is not None or bool(self.reason_text.text().strip())
        self.next_button.setEnabled(self.chosen() is not None and has_reason)

    def confirm(self) -> bool:
        """Save the decision (committed to the session file) and only then show the next card."""
        if not self.next_button.isEnabled() or self.current is None:
            return False
        index = self.current
        code = self.reason.currentData() or "other"
        decision = Decision(
            candidate=index, machine_advice=bool(self.result.outcome.selected[index]), human_decision=self.chosen(),
            reason_code=code, reason_text=self.reason_text.text().strip(), queue=self.mode["queue"],
            blind=self.mode["blind"], judge_first=self.mode["judge_first"], versus=self.mode["versus"],
            first_decision=self.first_decision, seconds=round(time.perf_counter() - self.card_started, 2))
        try:
            self.controller.session.record(decision)
        except Exception as exc:  # the decision is not lost silently: the card stays and says why
            self.card_hint.setText(t("gui.review.save_failed", self.lang, error=str(exc)))
            return False
        self.position += 1
        self.show_card()
        return True

    # -- feedback --------------------------------------------------------------------------------
    def show_feedback(self) -> None:
        session = self.controller.session
        if session is None or self.result is None:
            return
        self.stack.setCurrentIndex(2)
        lang = self.lang
        outcome = self.result.outcome
        decisions = session.decisions()
        fb = feedback(outcome, decisions)
        parts = [t("gui.review.summary", lang, decisions=fb.decisions, overrides=fb.overrides,
                   rate=percent(fb.override_rate, lang) if fb.decisions else "—", recovered=fb.recovered, lost=fb.lost,
                   wrong=fb.wrongly_advanced)]
        reviewed_count = sum(1 for d in decisions if not d.versus)
        if 0 < reviewed_count < FEW_CARDS:  # otherwise the columns look alike and seem to say "no difference"
            parts.append(t("gui.review.table.few_cards", lang, n=integer(reviewed_count, lang),
                           total=integer(len(outcome.pool), lang)))
        if fb.rubber_stamp:
            parts.append(f"<b style='color:#B2182B'>{html.escape(t('review.flag.rubber_stamp', lang))}</b>")
        for w in fb.widened:
            parts.append(f"<b style='color:#B2182B'>{html.escape(t('review.flag.widened', lang, group=value_label(w['attribute'], w['group'], lang), before=number(w['before'], lang), after=number(w['after'], lang)))}</b>")  # noqa: E501
        self.summary.setText("<br>".join(parts))
        self.feedback_data = fb
        reviewed = np.array([d.candidate for d in decisions if not d.versus], dtype=np.intp)
        profiles = {p: feedback(outcome, simulated_decisions(outcome, reviewed, p)) for p in PROFILES} \
            if len(reviewed) else {}
        headers = [t("cli.col.group", lang), t("gui.review.col.machine", lang), t("gui.review.col.you", lang)]
        headers += [SimulatedReviewer.choice_label("profile", p, lang) for p in profiles]
        rows = []
        for r, row in enumerate(fb.groups.itertuples()):
            values = [f"{t(f'attribute.{row.attribute}', lang)}: {value_label(row.attribute, row.group, lang)}",
                      format_ratio(row.impact_ratio_machine, lang), format_ratio(row.impact_ratio_human, lang)]
            for p, pf in profiles.items():
                values.append(format_ratio(pf.groups.iloc[r]["impact_ratio_human"], lang))
            rows.append(values)
        fill_table(self.groups_table, headers, rows)
        per = fb.per_group[fb.per_group["reviewed"] > 0]
        fill_table(self.overrides_table,
                   [t("cli.col.group", lang), t("gui.review.col.reviewed", lang), t("gui.review.col.up", lang),
                    t("gui.review.col.down", lang), t("gui.review.col.agreement", lang)],
                   [[value_label(r.attribute, r.group, lang), integer(r.reviewed, lang), integer(r.overrides_up, lang),
                     integer(r.overrides_down, lang), percent(r.agreement, lang)] for r in per.itertuples()])
        self._show_notes()
        vs = versus(outcome, decisions)
        self.versus_table.setVisible(len(vs) > 0)
        self.table_titles[2].setVisible(len(vs) > 0)
        if len(vs):
            fill_table(self.versus_table,
                       [t("cli.col.group", lang), "n", t("gui.review.col.your_rate", lang),
                        t("gui.review.col.machine_rate", lang), t("gui.review.col.your_ir", lang),
                        t("gui.review.col.machine_ir", lang)],
                       [[value_label(r.attribute, r.group, lang), integer(r.n, lang), percent(r.rate_you, lang),
                         percent(r.rate_machine, lang), format_ratio(r.impact_ratio_you, lang),
                         format_ratio(r.impact_ratio_machine, lang)] for r in vs.itertuples() if r.n > 0])

    def data(self):
        return getattr(self, "feedback_data", None)

