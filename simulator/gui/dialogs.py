"""Dialogs: the scenario gallery and the error report that never closes the app."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QApplication, QDialog, QDialogButtonBox, QFileDialog, QLabel, QListWidget,
                               QListWidgetItem, QMessageBox, QPushButton, QScrollArea, QVBoxLayout, QWidget)

from ..core.progress import Progress
from ..core.scenario import ScenarioError, builtin_paths, load
from ..core.teaching import CLOSING_MINUTES, programme_minutes, programme_order
from ..core.claims import fill_texts
from ..core.law import FACTS as LEGAL_FACTS
from ..core.law import PRIMER_MINUTES
from ..core.law import fact as law_fact
from ..core.law import primer as law_primer
from ..core.texts import integer, pick, t


class ScenarioGallery(QDialog):
    """Pick a built-in scenario (title and lesson shown) or open a scenario file."""

    def __init__(self, lang: str, parent=None, progress_path=None):
        super().__init__(parent)
        self.lang = lang
        # The learner's own progress per scenario, if the app keeps it (read-only here).
        self.progress = Progress(progress_path) if progress_path else None
        self.choice: str | None = None
        self.setWindowTitle(t("gui.gallery.title", lang))
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setSpacing(4)
        scenarios = {}
        for path in builtin_paths():
            try:
                scenarios[path.stem] = load(path)
            except ScenarioError:
                continue
        parts, rest = programme_order(list(scenarios))
        self._heading(t("programme.part_law", lang, minutes=integer(PRIMER_MINUTES, lang)))
        primer = QListWidgetItem(t("programme.primer_item", lang, minutes=integer(PRIMER_MINUTES, lang)))
        primer.setData(256, PRIMER)
        self.list.addItem(primer)
        for number, (part, entries) in enumerate(parts, start=1):
            self._heading(t(part.heading, lang, number=integer(number, lang), minutes=integer(part.minutes, lang)))
            for sid, minutes in entries:
                self._add(scenarios[sid], minutes)
        self._heading(t("programme.closing", lang, minutes=integer(CLOSING_MINUTES, lang),
                        total=integer(programme_minutes(), lang)))
        if rest:
            self._heading(t("programme.more", lang))
            for sid in rest:
                self._add(scenarios[sid], None)
        first = next(i for i in range(self.list.count()) if self.list.item(i).data(256))
        self.list.setCurrentRow(first)
        self.list.itemDoubleClicked.connect(lambda _: self.accept())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
        # Qt's own button words follow the system's language, not the app's: set them from the catalogue.
        buttons.button(QDialogButtonBox.StandardButton.Open).setText(t("gui.gallery.open", lang))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(t("gui.cancel", lang))
        self.file_button = QPushButton(t("gui.menu.open_file", lang))
        buttons.addButton(self.file_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.file_button.clicked.connect(self._file)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(t("gui.gallery.hint", lang)))
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.resize(820, 680)

    def _heading(self, text: str) -> None:
        item = QListWidgetItem(text)
        font = item.font()
        font.setBold(True)
        item.setFont(font)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)  # a heading, not a choice
        item.setBackground(QColor("#E3EAF2"))
        self.list.addItem(item)

    def _add(self, sc, minutes: int | None) -> None:
        lang = self.lang
        title = pick(sc.title, lang)
        if minutes is not None:
            title = t("programme.item", lang, minutes=integer(minutes, lang), title=title)
        extra = (t("programme.has_challenge", lang) if sc.challenges else "") + \
            (t("programme.has_study", lang) if sc.replay else "")
        features = t("programme.features", lang, quiz=integer(len(sc.quiz), lang),
                     steps=integer(len(sc.walkthrough), lang), extra=extra)
        # Before a run live numbers show as "…"; the size is the scenario's own (the run will have it).
        lesson = fill_texts(sc.lesson, lang, {"run.size": integer(sc.pool.size, lang)})
        lesson = lesson if len(lesson) <= 220 else lesson[:220].rsplit(" ", 1)[0].rstrip(".,;:") + "…"
        if self.progress is not None:
            done = sum(self.progress.challenge_done(sc.id, c.id) for c in sc.challenges)
            right, answered = self.progress.quiz_score(sc.id)
            if done or answered:
                features += "\n" + t("programme.progress", lang, done=integer(done, lang),
                                      total=integer(len(sc.challenges), lang), right=integer(right, lang),
                                      answered=integer(answered, lang))
        item = QListWidgetItem(f"{title}\n{lesson}\n{features}")
        item.setData(256, sc.id)
        self.list.addItem(item)

    def _file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, t("gui.menu.open_file", self.lang), "",
                                              t("gui.filter.scenario", self.lang))
        if path:
            self.choice = path
            super().accept()

    def accept(self) -> None:
        item = self.list.currentItem()
        if item is not None and item.data(256) == PRIMER:
            LawPrimer(self.lang, self).exec()  # the primer opens over the gallery, which stays
            return
        if item is not None:
            self.choice = item.data(256)
        super().accept()

    @classmethod
    def ask(cls, parent, lang: str, progress_path=None) -> str | None:
        """Show the gallery; the chosen scenario id or file path, or None. (Tests patch this.)"""
        dialog = cls(lang, parent, progress_path)
        return dialog.choice if dialog.exec() == QDialog.DialogCode.Accepted else None


PRIMER = "law-primer"  # the gallery item of the law primer (not a scenario)


class LawPrimer(QDialog):
    """The workshop's opening: three legal cases with a question each (answers on request), and the
    dated table of legal facts every text cites."""

    def __init__(self, lang: str, parent=None):
        super().__init__(parent)
        self.lang = lang
        self.setWindowTitle(t("primer.title", lang))
        inner = QWidget()
        layout = QVBoxLayout(inner)
        intro = QLabel(t("primer.intro", lang, date=law_fact("as_of", lang)))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.answers: list[QLabel] = []
        self.buttons: list[QPushButton] = []
        for case in law_primer(lang):
            text = QLabel(f"<h3>{html.escape(case['title'])}</h3><p>{html.escape(case['case'])}</p>"
                          f"<p><b>{html.escape(case['question'])}</b></p>")
            text.setWordWrap(True)
            answer = QLabel("<p>" + html.escape(case["answer"]) + "</p><ul>"
                            + "".join(f"<li>{html.escape(f)}</li>" for f in case["law"]) + "</ul>")
            answer.setWordWrap(True)
            answer.setVisible(False)
            button = QPushButton(t("primer.show", lang))
            button.clicked.connect(lambda _=False, a=answer, b=button: (a.setVisible(True), b.setEnabled(False)))
            layout.addWidget(text)
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
            layout.addWidget(answer)
            self.answers.append(answer)
            self.buttons.append(button)
        law = QLabel(f"<h3>{html.escape(t('primer.law', lang, date=law_fact('as_of', lang)))}</h3><ul>"
                     + "".join(f"<li>{html.escape(law_fact(f.key, lang))}</li>" for f in LEGAL_FACTS) + "</ul>")
        law.setWordWrap(True)
        layout.addWidget(law)
        layout.addStretch(1)
        # The facts table is long: the content scrolls on a laptop screen.
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(t("gui.close", lang))
        close.rejected.connect(self.reject)
        outer = QVBoxLayout(self)
        outer.addWidget(scroll)
        outer.addWidget(close)
        self.resize(820, 640)


def show_error(parent, message: str, report: str, lang: str) -> None:
    """A message with the technical report behind 'Show details' and a copy button; the app goes on."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(t("gui.error.title", lang))
    box.setText(message)
    box.setDetailedText(report)
    copy = box.addButton(t("gui.error.copy", lang), QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Close)
    copy.clicked.disconnect()
    copy.clicked.connect(lambda: QApplication.clipboard().setText(report))
    box.open()


class FacilitatorGuide(QDialog):
    """Help → Facilitator's guide: the programme with each scenario's numbers on its own seed, the
    questions and answers, group exercises, collecting session files and what to do about seeds.
    Written by core.guide in a worker thread (every scenario in the programme runs once, a few
    seconds), shown as Markdown without HTML, and saved as a .md file on request."""

    written = Signal(str)

    def __init__(self, lang: str, parent=None):
        import threading

        from PySide6.QtWidgets import QTextBrowser

        super().__init__(parent)
        self.lang = lang
        self.text = ""
        self.setWindowTitle(t("guide.title", lang))
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.setPlainText(t("gui.guide.preparing", lang))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.save_button = buttons.addButton(t("gui.guide.save", lang), QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(900, 700)
        self.written.connect(self._show)

        def write():
            from ..core.guide import guide_markdown

            text = guide_markdown(lang)
            try:
                self.written.emit(text)
            except RuntimeError:  # the dialog was closed and deleted before the guide was ready
                pass

        threading.Thread(target=write, name="facilitator-guide", daemon=True).start()

    def _show(self, text: str) -> None:
        from PySide6.QtGui import QTextDocument

        self.text = text
        features = QTextDocument.MarkdownFeature
        # Scenario texts are data: Markdown without HTML, so nothing in a text becomes markup.
        self.browser.document().setMarkdown(text, features.MarkdownDialectGitHub | features.MarkdownNoHTML)
        self.save_button.setEnabled(True)

    def save(self, path: str | None = None) -> bool:
        """Write the guide as Markdown (``path``, or asked); a failure is one line, the guide stays."""
        from ..core.limits import os_reason

        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, t("gui.guide.save", self.lang),
                                                  t("gui.guide.file_name", self.lang), "Markdown (*.md)")
            if not path:
                return False
        try:
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(self.text)
        except OSError as exc:
            QMessageBox.warning(self, t("gui.error.title", self.lang),
                                html.escape(t("gui.guide.save_failed", self.lang, path=str(path), reason=os_reason(exc))))
            return False
        return True
