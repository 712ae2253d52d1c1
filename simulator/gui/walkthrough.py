"""The facilitator's walk-through: step through a scenario's prepared steps with the keyboard.

Space or → goes forward (on a question, the first press reveals the answer); Backspace or ← goes
back and undoes what the step changed (a rule switched, a run frozen). B shows the scenario's
"after" beside its "before" in Compare, and B again returns to "before".
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from ..core.teaching import apply_changes, highlight_text
from ..core.claims import fill_texts, focus_lines, text_values
from ..core.texts import pick, t
from .state import PIPELINE
from .style import STYLE


class WalkthroughBar(QFrame):
    def __init__(self, window, parent=None):
        super().__init__(parent)
        self.window = window
        self.controller = window.controller
        self.index = -1
        self.revealed = False
        self.undo: list = []  # one entry per step taken: how to undo it (or None)
        self.before_pipeline = None  # set while the "after" of the before/after pair is shown
        self.after_pipeline = None  # the pipeline B switched to
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("WalkthroughBar { background: #FFF8E1; }")
        self.counter = QLabel()
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.installEventFilter(self)  # its reserved height follows its width
        self.back_button = QPushButton("◀")
        self.next_button = QPushButton("▶")
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.forward)
        # One row: the step's text, and beside it the counter above the two buttons; on a 720-line
        # projector every line the bar takes is a line the chart loses.
        side = QVBoxLayout()
        side.setSpacing(2)
        side.addWidget(self.counter, 0, Qt.AlignmentFlag.AlignRight)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        side.addLayout(buttons)
        side.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.text, 1)
        layout.addLayout(side)
        self.controller.scenario_loaded.connect(self.reset)
        self.controller.result_ready.connect(
            lambda _: self.show_step() if self.isVisible() and not self.controller.live else None)
        self.controller.language_changed.connect(lambda _: self.show_step())
        self.setVisible(False)

    @property
    def steps(self):
        sc = self.controller.scenario
        return sc.walkthrough if sc is not None else []

    @property
    def lang(self) -> str:
        return self.controller.lang

    def reset(self, *_) -> None:
        self.index = -1
        self.revealed = False
        self.undo = []
        self.before_pipeline = None
        self.show_step()

    # -- stepping ----------------------------------------------------------------------------------
    def forward(self) -> None:
        steps = self.steps
        if 0 <= self.index < len(steps) and steps[self.index].action == "ask" and not self.revealed:
            self.revealed = True  # the answer first, then the next step
            self.show_step()
            return
        if self.index + 1 >= len(steps):
            return
        self.index += 1
        self.revealed = False
        self.undo.append(self._do(steps[self.index]))
        self.show_step()

    def back(self) -> None:
        if self.index < 0:
            return
        undo = self.undo.pop()
        if undo is not None:
            undo()
        self.index -= 1
        self.revealed = False
        if self.index >= 0:
            self._show_view(self.steps[self.index])
        self.show_step()

    def _do(self, step):
        """Carry out a step; return how to undo it (None if it changes nothing)."""
        self._show_view(step)
        if step.action == "rule":
            rule = self.controller.scenario.pipeline.stages[step.stage].rules[step.rule]
            previous = rule.enabled
            self.window.pipeline_editor.set_rule_enabled(step.stage, step.rule, step.enabled)
            self.controller.run_now()
            return lambda: (self.window.pipeline_editor.set_rule_enabled(step.stage, step.rule, previous),
                            self.controller.run_now())
        if step.action == "freeze":
            previous = self.controller.frozen
            self.controller.freeze()
            return lambda: self._restore_frozen(previous)
        return None

    def _restore_frozen(self, previous) -> None:
        self.controller.frozen = previous
        self.controller.frozen_changed.emit()

    def _show_view(self, step) -> None:
        if step.action == "highlight" and step.attribute:
            self._show_group(step.attribute, step.group)
            return
        if step.action != "view" or step.view is None:
            return
        for i, view in enumerate(self.window.views):
            if view.key == step.view:
                chooser = getattr(view, "chooser", None)
                if step.attribute and chooser is not None and step.attribute in chooser.attributes:
                    chooser.setCurrentIndex(chooser.attributes.index(step.attribute))
                self.window.tabs.setCurrentIndex(i)
                return

    def _show_group(self, attribute: str, group: str | None) -> None:
        """Show the chart that holds a highlighted group: Selection rates grouped by its attribute,
        or the Intersections grid of its two (or three) attributes."""
        attrs = attribute.split(" × ")
        if len(attrs) == 1:
            view = self.window.view("rates")
            if attribute in view.chooser.attributes:
                view.chooser.setCurrentIndex(view.chooser.attributes.index(attribute))
        else:
            view = self.window.view("intersections")
            for chooser, a in ((view.rows_chooser, attrs[0]), (view.cols_chooser, attrs[1])):
                if a in chooser.attributes:
                    chooser.setCurrentIndex(chooser.attributes.index(a))
            if len(attrs) == 3 and group:
                index = view.third_chooser.findData((attrs[2], group.split(" × ")[2]))
                view.third_chooser.setCurrentIndex(max(index, 0))
        self.window.tabs.setCurrentWidget(view)

    def show_step(self) -> None:
        steps = self.steps
        lang = self.lang
        self.counter.setText(t("gui.walk.counter", lang, i=max(self.index + 1, 0), n=len(steps)))
        self.counter.setFont(STYLE.font(9))
        self.back_button.setEnabled(self.index >= 0)
        self.next_button.setEnabled(self.index + 1 < len(steps) or (
            0 <= self.index < len(steps) and steps[self.index].action == "ask" and not self.revealed))
        if self.index < 0:
            self.text.setText(html.escape(t("gui.walk.start", lang)))
        else:
            step = steps[self.index]
            values = text_values(self.controller.result, lang, self.controller.frozen)
            parts = [f"<b>{html.escape(fill_texts(step.text, lang, values))}</b>"]
            if step.action == "ask":
                parts.append(html.escape(fill_texts(step.answer, lang, values)) if self.revealed else
                             f"<i>{html.escape(t('gui.walk.reveal', lang))}</i>")
            if (step.action == "rule" and self.controller.result is not None and self.controller.frozen is not None
                    and self.controller.result is not self.controller.frozen):
                # Point at what the switch changed: the scenario's focus measure, run A → now.
                lines = focus_lines(self.controller.scenario, self.controller.result.measurement, lang,
                                    self.controller.frozen.measurement, t("gui.walk.now", lang))
                if lines and self.controller.frozen.pool is self.controller.result.pool:
                    parts.append(f"<span style='color:#B2182B'><b>{html.escape(lines[0])}</b></span>")
            if step.action == "highlight" and self.controller.result is not None:
                number_text = highlight_text(step, self.controller.result.measurement, lang)
                parts.append(f"<span style='color:#B2182B; font-size:large'><b>{html.escape(number_text)}</b></span>")
            self.text.setText("<br>".join(parts))
        self.text.setFont(STYLE.font(11))
        for button in (self.back_button, self.next_button):
            button.setFont(STYLE.font(9))
        self._reserve_height()

    def _reserve_height(self) -> None:
        """A wrapped label does not ask its layout for the height it needs: reserve it, for the
        width the text has now (a guess of 600 px before the bar is laid out)."""
        width = self.text.width() if self.text.width() > 100 else 600
        self.text.setMinimumHeight(self.text.heightForWidth(width))

    def eventFilter(self, obj, event):  # noqa: N802 (Qt name)
        if obj is self.text and event.type() == event.Type.Resize:
            self._reserve_height()
        return super().eventFilter(obj, event)

    # -- before / after ----------------------------------------------------------------------------
    def after_shown(self) -> bool:
        """Whether the rules on screen are the "after" that B switched to (not undone or edited since)."""
        sc = self.controller.scenario
        if self.before_pipeline is None or sc is None or self.after_pipeline is None:
            return False
        return sc.pipeline.same_rules(self.after_pipeline)

    def toggle_before_after(self) -> bool:
        """B: freeze "before" as A and show the scenario's "after" in Compare; again to go back."""
        sc = self.controller.scenario
        if sc is None or sc.before_after is None:
            self.window.statusBar().showMessage(t("gui.walk.no_pair", self.lang), 4000)
            return False
        state = self.controller.state
        if not self.after_shown():  # also after Ctrl+Z took the "after" back, or the rules were edited
            self.controller.freeze()
            frozen = self.controller.frozen
            self.controller.before_measurement = frozen.measurement if frozen is not None else None
            self.before_pipeline = sc.pipeline
            after = apply_changes(sc.pipeline, sc.before_after.changes)
            self.after_pipeline = after
            label = sc.before_after.label
            state.edit(lambda lang: t("gui.undo.after", lang, label=pick(label, lang)),
                       lambda s: setattr(s, "pipeline", after), PIPELINE)
            message = t("gui.walk.after", self.lang, label=pick(sc.before_after.label, self.lang))
        else:
            before = self.before_pipeline
            state.edit(lambda lang: t("gui.undo.before", lang), lambda s: setattr(s, "pipeline", before), PIPELINE)
            self.before_pipeline = None
            self.controller.before_measurement = None
            message = t("gui.walk.before", self.lang)
        self.controller.run_now()
        for i, view in enumerate(self.window.views):
            if view.key == "compare":
                self.window.tabs.setCurrentIndex(i)
        self.window.statusBar().showMessage(message, 6000)
        return True
