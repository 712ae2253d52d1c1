"""The main window: editors on the left, the verdict line and the views in the centre."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QShortcut
from shiboken6 import isValid
from PySide6.QtWidgets import (QApplication, QFileDialog, QMainWindow, QMessageBox, QProgressBar,
                               QPushButton, QScrollArea, QSplitter, QTabWidget, QVBoxLayout, QWidget)

from ..core.export import candidates_frame, write_csv
from ..core.limits import os_reason
from ..core.scenario import ScenarioError, load, save
from ..core.texts import LANGUAGES, integer, pick, t
from .controller import Controller
from .dialogs import ScenarioGallery, show_error
from .panels import PipelineEditor, PoolPanel, ScenarioPanel
from .practice import PracticePanel
from .style import STYLE, configure_pyqtgraph
from .views import VIEW_CLASSES
from .views.base import as_plain_html, plain_label, plain_tooltip
from .walkthrough import WalkthroughBar

DEFAULT_SCENARIO = "cv-gap"


def _read_scenario(ref) -> tuple:
    """(scenario, "") or (None, the one-line message): safe to call from any thread."""
    try:
        return load(ref), ""
    except ScenarioError as exc:
        return None, str(exc)
    except OSError as exc:  # e.g. a file that vanished between the dialog and the read
        return None, f"{ref}: cannot be read ({os_reason(exc)})"
    except MemoryError:
        return None, f"{ref}: cannot be read (not enough memory)"


class _ScenarioReader(QObject):
    """Hands a scenario read in a worker thread to the window (a queued signal, so the slot runs in
    the GUI thread)."""

    read = Signal(object, object, str, int)  # reference, Scenario or None, message, request number


def scrolled(widget: QWidget) -> QScrollArea:
    """``widget`` in a frameless scroll area: at its natural size when there is room, scrolling when
    the window is narrow (a 1280 px projector) instead of forcing the window wider."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setWidget(widget)
    return area


class ScrolledTabs(QTabWidget):
    """Tabs whose pages each sit in a scroll area, so the widest page (Candidates with its card, a
    long rule form) cannot make the window wider or squash its rows; callers still see the pages
    themselves."""

    def addTab(self, view, title):  # noqa: N802 (Qt name)
        return super().addTab(scrolled(view), title)

    def widget(self, index):
        page = super().widget(index)
        return page.widget() if isinstance(page, QScrollArea) else page

    def currentWidget(self):  # noqa: N802 (Qt name)
        return self.widget(self.currentIndex())

    def setCurrentWidget(self, view):  # noqa: N802 (Qt name)
        for i in range(self.count()):
            if self.widget(i) is view:
                self.setCurrentIndex(i)
                return

    def indexOf(self, view):  # noqa: N802 (Qt name)
        return next((i for i in range(self.count()) if self.widget(i) is view), -1)


class MainWindow(QMainWindow):
    csv_written = Signal(str, str)  # path, what went wrong ("" when written); emitted by the export's thread
    handout_written = Signal(str, str, int)  # path, what went wrong ("" when written), pages; from the export's thread

    def __init__(self, controller: Controller | None = None, parent=None):
        super().__init__(parent)
        configure_pyqtgraph()
        self.controller = controller or Controller()
        c = self.controller
        self._reads = 0  # scenario files asked for; only the latest one opens
        self._reader = _ScenarioReader(self)
        self._reader.read.connect(self._scenario_read)
        self.csv_written.connect(self._csv_written)
        self.handout_written.connect(self._handout_written)
        # --- left: lesson, pool, pipeline ---
        self.scenario_panel = ScenarioPanel(c)
        self.pool_panel = PoolPanel(c)
        self.pipeline_editor = PipelineEditor(c)
        self.practice = PracticePanel(c)
        self.editor_tabs = ScrolledTabs()
        self.editor_tabs.addTab(self.pipeline_editor, "")
        self.editor_tabs.addTab(self.pool_panel, "")
        self.editor_tabs.addTab(self.practice, "")
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.scenario_panel)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.left = QSplitter(Qt.Orientation.Vertical)
        self.left.addWidget(scroll)
        self.left.addWidget(self.editor_tabs)  # its pages scroll rather than widen the window
        self.left.setStretchFactor(0, 2)
        self.left.setStretchFactor(1, 5)
        self.left.setSizes([260, 640])
        # --- centre: verdict and views ---
        self.verdict = plain_label()  # it may quote the scenario's own headline: never HTML
        self.verdict.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.verdict.setObjectName("verdict")
        self.verdict.installEventFilter(self)  # its font follows its width (_fit_verdict)
        self.views = [cls(c) for cls in VIEW_CLASSES]
        self.tabs = ScrolledTabs()
        for view in self.views:
            self.tabs.addTab(view, view.title())
        self.tabs.currentChanged.connect(lambda _: self.tabs.currentWidget().refresh()
                                         if self.tabs.currentWidget()._dirty else None)
        self.walkthrough = WalkthroughBar(self)
        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.addWidget(self.verdict)
        centre_layout.addWidget(self.walkthrough)
        centre_layout.addWidget(self.tabs, 1)
        self.split = QSplitter()
        self.split.addWidget(self.left)
        self.split.addWidget(centre)
        self.split.setStretchFactor(0, 2)
        self.split.setStretchFactor(1, 5)
        self.split.setSizes([430, 1050])
        self.setCentralWidget(self.split)
        # --- status bar: progress and cancel for big pools ---
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setMaximumWidth(220)
        self.cancel_button = QPushButton()
        self.cancel_button.clicked.connect(c.cancel)
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.cancel_button)
        self.progress.hide()
        self.cancel_button.hide()
        self._build_menus()
        c.visible_prepare = lambda: self.tabs.currentWidget().prepare
        c.result_ready.connect(self._show_result)
        c.busy.connect(self._busy)
        c.progress.connect(lambda f: self.progress.setValue(int(100 * f)))
        c.failed.connect(lambda report: show_error(self, t("gui.error.run", c.lang), report, c.lang))
        c.draw_failed.connect(lambda view, report: show_error(self, t("gui.error.draw", c.lang, view=view), report, c.lang))
        c.language_changed.connect(lambda _: self.retranslate())
        c.scenario_loaded.connect(self._update_title)
        c.scenario_loaded.connect(self._group_by_focus)
        c.scenario_loaded.connect(self._update_undo)
        self.pipeline_editor.removed.connect(self._keep_message)
        self._kept_message = None
        self.retranslate()
        self.resize(1480, 900)

    def view(self, key: str):
        """The view with this key (funnel, rates, …, review, study)."""
        return next(v for v in self.views if v.key == key)

    # -- menus -----------------------------------------------------------------------------------
    def _action(self, menu, key, slot, shortcut=None, checkable=False):
        action = QAction(self)
        action.setData(key)
        action.triggered.connect(slot)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.setCheckable(checkable)
        menu.addAction(action)
        self._actions.append(action)
        return action

    def _build_menus(self) -> None:
        self._actions: list[QAction] = []
        bar = self.menuBar()
        self.file_menu = bar.addMenu("")
        self._action(self.file_menu, "gui.menu.gallery", self.open_gallery, "Ctrl+O")
        self._action(self.file_menu, "gui.menu.open_file", self.open_file, "Ctrl+Shift+O")
        self._action(self.file_menu, "gui.menu.save", self.save, "Ctrl+S")
        self._action(self.file_menu, "gui.menu.save_as", self.save_as, "Ctrl+Shift+S")
        self._action(self.file_menu, "gui.menu.open_session", self.open_session)
        self._action(self.file_menu, "gui.facilitator.menu", self.save_for_facilitator)
        self._action(self.file_menu, "gui.class.menu", self.open_class)
        self._action(self.file_menu, "gui.audit.menu", self.open_audit)
        self.file_menu.addSeparator()
        self._action(self.file_menu, "gui.menu.export_png", self.export_png, "Ctrl+P")
        self._action(self.file_menu, "gui.menu.export_csv", self.export_csv, "Ctrl+Shift+E")
        self._action(self.file_menu, "gui.handout.menu", self.export_handout)
        self.file_menu.addSeparator()
        self._action(self.file_menu, "gui.menu.quit", self.close, "Ctrl+Q")
        # Every configuration change is one step on the state's undo stack (gui/state.py).
        self.edit_menu = bar.addMenu("")
        stack = self.controller.state.undo_stack
        self.undo_action = self._action(self.edit_menu, "gui.menu.undo_nothing", stack.undo, "Ctrl+Z")
        self.redo_action = self._action(self.edit_menu, "gui.menu.redo_nothing", stack.redo, "Ctrl+Shift+Z")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        stack.indexChanged.connect(self._update_undo)
        self.view_menu = bar.addMenu("")
        self.presentation_action = self._action(self.view_menu, "gui.menu.presentation", self.toggle_presentation,
                                                "F11", checkable=True)
        self._action(self.view_menu, "gui.menu.freeze", self._freeze, "Ctrl+F")
        self.walk_action = self._action(self.view_menu, "gui.menu.walkthrough", self.show_walkthrough, "Ctrl+W",
                                        checkable=True)
        self._action(self.view_menu, "gui.menu.before_after", self.walkthrough.toggle_before_after, "B")
        self.editors_action = self._action(self.view_menu, "gui.menu.editors", self.show_editors, "Ctrl+E",
                                           checkable=True)
        self.editors_action.setChecked(True)
        # Stepping keys work while the walk-through is shown (presentation mode shows it).
        self.step_keys = []
        for keys, slot in (("Space", self.walkthrough.forward), ("Right", self.walkthrough.forward),
                           ("Backspace", self.walkthrough.back), ("Left", self.walkthrough.back)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(slot)
            shortcut.setEnabled(False)
            self.step_keys.append(shortcut)
        self.view_menu.addSeparator()
        for i, view in enumerate(self.views):
            self._action(self.view_menu, f"gui.view.{view.key}", lambda _=False, k=i: self.tabs.setCurrentIndex(k),
                         f"Ctrl+{i + 1}")
        self.language_menu = self.view_menu.addMenu("")
        group = QActionGroup(self)
        self.language_actions = {}
        for lang in LANGUAGES:
            action = self._action(self.language_menu, f"gui.language.{lang}",
                                  lambda _=False, code=lang: self.controller.set_language(code), checkable=True)
            group.addAction(action)
            self.language_actions[lang] = action
        self.help_menu = bar.addMenu("")
        self._action(self.help_menu, "gui.menu.law", self.law_primer)
        self._action(self.help_menu, "gui.menu.guide", self.facilitator_guide)
        self._action(self.help_menu, "gui.menu.about", self.about)

    # -- language and look -----------------------------------------------------------------------
    def retranslate(self) -> None:
        lang = self.controller.lang
        for action in self._actions:
            action.setText(t(action.data(), lang))
        self.file_menu.setTitle(t("gui.menu.file", lang))
        self.edit_menu.setTitle(t("gui.menu.edit", lang))
        self._update_undo()
        self.view_menu.setTitle(t("gui.menu.view", lang))
        self.language_menu.setTitle(t("gui.menu.language", lang))
        self.help_menu.setTitle(t("gui.menu.help", lang))
        self.language_actions[lang].setChecked(True)
        audit_window = getattr(self, "audit_window", None)
        if audit_window is not None:
            try:
                audit_window.set_language(lang)
            except RuntimeError:  # the window was closed (deleted on close)
                self.audit_window = None
        self.editor_tabs.setTabText(0, t("gui.editor.pipeline", lang))
        self.editor_tabs.setTabText(1, t("gui.editor.pool", lang))
        self.editor_tabs.setTabText(2, t("gui.editor.practice", lang))
        self.cancel_button.setText(t("gui.cancel", lang))
        for i, view in enumerate(self.views):
            self.tabs.setTabText(i, view.title())
            view.retranslate()
        self.pool_panel.retranslate()
        self._update_title()
        if self.controller.result is not None:
            self._show_verdict(self.controller.result)

    def _update_undo(self, *_) -> None:
        """Undo and Redo name the step they take back or do again, in the language shown."""
        lang, state = self.controller.lang, self.controller.state
        if not (isValid(state.undo_stack) and isValid(self.undo_action)):
            return  # the stack says its index changed while it is being torn down (quitting)
        for action, redo, key in ((self.undo_action, False, "gui.menu.undo"), (self.redo_action, True, "gui.menu.redo")):
            step = state.step_name(lang, redo)
            action.setEnabled(step is not None)
            action.setText(t(key, lang, step=step) if step is not None else t(f"{key}_nothing", lang))

    def _update_title(self, *_) -> None:
        sc = self.controller.scenario
        name = pick(sc.title, self.controller.lang) if sc else ""
        self.setWindowTitle(f"{t('cli.run.title', self.controller.lang)} — {name}" if name else
                            t("cli.run.title", self.controller.lang))

    def toggle_presentation(self, on: bool | None = None) -> None:
        """Full screen, bigger fonts and thicker lines, editing panels hidden (F11)."""
        on = (not STYLE.presentation) if on is None else bool(on)
        self.presentation_action.setChecked(on)
        self.left.setVisible(not on and self.editors_action.isChecked())
        self.show_walkthrough(on and bool(self.controller.scenario and self.controller.scenario.walkthrough))
        self.apply_presentation_scale(on)
        if on:
            self.showFullScreen()
        else:
            self.showNormal()

    def apply_presentation_scale(self, on: bool) -> None:
        """The presentation mode's fonts, lines and markers (or the normal ones), everywhere in the
        window; the window keeps its size (``recruitsim screenshot --slides`` uses this alone)."""
        if not hasattr(self, "_base_font"):
            self._base_font = QApplication.font().pointSizeF()
        STYLE.presentation = on
        STYLE.screen = (self.width(), self.height())  # a 1280×720 projector gets a smaller scale
        font = QApplication.font()
        font.setPointSizeF(self._base_font * STYLE.scale)  # the scale is 1 outside presentation mode
        QApplication.setFont(font)
        self.scenario_panel.refresh()
        for view in self.views:
            view.apply_style()
        self.walkthrough.show_step()  # its counter and text take the new size
        if self.controller.result is not None:
            self._show_verdict(self.controller.result)

    def eventFilter(self, obj, event):  # noqa: N802 (Qt name)
        if obj is getattr(self, "verdict", None) and event.type() == event.Type.Resize:
            self._fit_verdict()
        return super().eventFilter(obj, event)

    def resizeEvent(self, event):  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        # In presentation mode the scale follows the window's size (full screen arrives after F11).
        if STYLE.presentation and STYLE.scale_for(self.width(), self.height()) != STYLE.scale:
            self.apply_presentation_scale(True)
        else:
            self._fit_verdict()

    def show_walkthrough(self, on: bool | None = None) -> None:
        """Show or hide the facilitator's walk-through bar; the stepping keys work while it shows."""
        on = (not self.walkthrough.isVisible()) if on is None else bool(on)
        self.walkthrough.setVisible(on)
        self.walk_action.setChecked(on)
        for shortcut in self.step_keys:
            shortcut.setEnabled(on)
        self.walkthrough.show_step()

    def showEvent(self, event):  # noqa: N802
        if not hasattr(self, "_base_font"):
            self._base_font = QApplication.font().pointSizeF()
        super().showEvent(event)

    # -- results ---------------------------------------------------------------------------------
    def _show_result(self, result) -> None:
        current = self.tabs.currentWidget()
        for view in self.views:
            view.set_result(result) if view is current else self._mark(view, result)
        if self.controller.live:
            return  # a slider is being dragged: the verdict and the status follow the release
        self._show_verdict(result)
        lang = self.controller.lang
        if self._kept_message:  # "Removed …; Ctrl+Z brings it back" outlasts the run it started
            self.statusBar().showMessage(self._kept_message, 8000)
            self._kept_message = None
            return
        self.statusBar().showMessage(t("gui.status.done", lang, n=integer(len(result.pool), lang),
                                       selected=integer(int(result.outcome.selected.sum()), lang)), 4000)

    def _group_by_focus(self, *_) -> None:
        """Open every view grouped by what the headline is about (origin, the name's origin, …), so
        the headline's numbers are on screen, not only those for gender."""
        sc = self.controller.scenario
        claim = sc.focus_claim() if sc else None
        if claim is None:
            return
        for view in self.views:
            chooser = getattr(view, "chooser", None) or getattr(view, "rows_chooser", None)
            if chooser is None or claim.attribute not in chooser.attributes:
                continue
            if getattr(view, "cols_chooser", None) is not None and view.cols_chooser.attribute() == claim.attribute:
                continue  # already a column of the intersections
            chooser.setCurrentIndex(chooser.attributes.index(claim.attribute))

    def _freeze(self) -> None:
        """Freeze the run as A, and say so whichever view is open (Compare shows A beside B)."""
        self.controller.freeze()
        frozen = self.controller.frozen
        if frozen is not None:
            lang = self.controller.lang
            self.statusBar().showMessage(t("gui.status.frozen", lang, a=integer(int(frozen.outcome.selected.sum()),
                                                                                  lang)), 8000)

    def _keep_message(self, message: str) -> None:
        self._kept_message = message
        self.statusBar().showMessage(message, 8000)

    @staticmethod
    def _mark(view, result) -> None:
        view.result = result
        view._dirty = True

    def _show_verdict(self, result) -> None:
        findings = result.measurement.findings
        self.verdict.setText(findings.headline_sentences(self.controller.lang)[0])
        self._fit_verdict()
        # The rest of the verdict (strata, intersections, missed talent) is for the tooltip. Its
        # tests (model fits) run in a worker thread; the tooltip is filled in when they are done.
        self.controller.compute_findings(result, self._verdict_details)

    VERDICT_LINES = 2  # at most; a longer headline is set smaller, so the chart keeps its room

    def _fit_verdict(self) -> None:
        """The headline at 12.5 pt (times the presentation scale), or smaller down to 9.5 pt when
        that would take more than two lines at the width it has."""
        from PySide6.QtGui import QFontMetrics

        text = self.verdict.text()
        margins = self.verdict.contentsMargins()
        width = self.verdict.width() - margins.left() - margins.right()
        if width <= 50:  # not laid out yet: the centre's share of the window
            width = int(self.width() * (0.7 if self.left.isVisible() else 0.97))
        for points in (12.5, 11.5, 10.5, 9.5):
            font = STYLE.font(points, bold=True)
            metrics = QFontMetrics(font)
            flags = int(Qt.AlignmentFlag.AlignLeft) | int(Qt.TextFlag.TextWordWrap)
            height = metrics.boundingRect(0, 0, max(width, 1), 10_000, flags, text).height()
            if height <= self.VERDICT_LINES * metrics.lineSpacing() + 1:
                break
        if self.verdict.font() != font:
            self.verdict.setFont(font)

    def _verdict_details(self, result) -> None:
        if result is self.controller.result:
            self.verdict.setToolTip(plain_tooltip("\n\n".join(result.measurement.findings.sentences(self.controller.lang)[1:])))

    def _busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.progress.setValue(0)
        if busy:
            self.statusBar().showMessage(t("gui.status.running", self.controller.lang))

    # -- files -----------------------------------------------------------------------------------
    def load_scenario(self, ref) -> bool:
        """Open a built-in scenario (by id) or a scenario file, and run it.

        A file is read and checked in a worker thread: a user's file may be up to 1 MB, about a
        second of parsing, which must not freeze the window; it opens when it has been read. A
        built-in scenario is read here (a few milliseconds), so it is loaded when this returns.
        False when a built-in scenario could not be read; a wrong file is reported when read.
        """
        if not (Path(str(ref)).suffix == ".toml" or Path(str(ref)).exists()):
            return self._scenario_read(ref, *_read_scenario(ref), self._reads)
        self._reads += 1
        token = self._reads
        self.statusBar().showMessage(t("gui.status.reading", self.controller.lang, name=Path(str(ref)).name))
        threading.Thread(target=lambda: self._reader.read.emit(ref, *_read_scenario(ref), token),
                         name="read-scenario", daemon=True).start()
        return True

    def _scenario_read(self, ref, scenario, message: str, token: int) -> bool:
        if token != self._reads:  # another file was opened since: this one is no longer wanted
            return False
        self.statusBar().clearMessage()
        if scenario is None:
            # The same one line as `recruitsim run FILE` prints, shown as text (it may quote the file).
            QMessageBox.warning(self, t("gui.error.title", self.controller.lang), as_plain_html(message))
            return False
        path = Path(ref) if Path(str(ref)).suffix == ".toml" else None
        self.controller.load(scenario, path)
        return True

    def open_gallery(self) -> None:
        choice = ScenarioGallery.ask(self, self.controller.lang, self.controller.progress_path)
        if choice:
            self.load_scenario(choice)

    def open_session(self, path: str | None = None) -> bool:
        """Restore a review session: scenario, pool and every decision; then show the feedback."""
        from ..core.session import SUFFIX, SessionError

        if not path:
            path, _ = QFileDialog.getOpenFileName(self, t("gui.menu.open_session", self.controller.lang),
                                                  str(self.controller.session_dir),
                                                  t("gui.filter.session", self.controller.lang, suffix=SUFFIX))
        if not path:
            return False
        try:
            self.controller.open_session(path)
        except SessionError as exc:  # a message, not the traceback dialog; the window carries on as it was
            # Escaped: a value quoted from the file shows as typed, never as HTML.
            QMessageBox.warning(self, t("gui.error.title", self.controller.lang),
                                as_plain_html(t("gui.session.open_failed", self.controller.lang, error=str(exc))))
            return False
        review = self.view("review")
        self.tabs.setCurrentWidget(review)
        review.show_feedback()
        return True

    def save_for_facilitator(self, folder: str | None = None, participant: str | None = None) -> bool:
        """Copy the participant's session (with their quiz answers, challenges and self-check) to a folder
        they choose, atomically; a session for the current scenario is made first if there is none."""
        from PySide6.QtWidgets import QInputDialog

        from ..core.progress import Progress, carry_into
        from ..core.scenario import dumps
        from ..core.session import Session, SessionError, save_copy
        from .views.review import default_session_path

        c, lang = self.controller, self.controller.lang
        if c.scenario is None:
            QMessageBox.information(self, t("gui.facilitator.menu", lang), t("gui.facilitator.nothing", lang))
            return False
        review = self.view("review")
        session = c.session
        try:
            if session is None or session.read_only_reason is not None or session.scenario_toml() != dumps(c.scenario):
                if participant is None:
                    participant, ok = QInputDialog.getText(self, t("gui.facilitator.menu", lang),
                                                           t("gui.facilitator.name", lang),
                                                           text=review.participant.text().strip())
                    if not ok:
                        return False
                folder_here = Path(c.session_dir)
                folder_here.mkdir(parents=True, exist_ok=True)
                progress = Progress(c.progress_path)
                session = Session.create(default_session_path(folder_here, participant.strip()), dumps(c.scenario),
                                         c.scenario.pool.seed, c.scenario.pool.size, participant=participant.strip(),
                                         lang=lang, learner=progress.learner)
                c.set_session(session)
            carry_into(session, Progress(c.progress_path))
            if folder is None:
                folder = QFileDialog.getExistingDirectory(self, t("gui.facilitator.choose", lang), "")
                if not folder:
                    return False
            target = save_copy(session, folder)
        except (SessionError, OSError) as exc:
            reason = str(exc) if isinstance(exc, SessionError) else f"{exc.filename}: {os_reason(exc)}"
            QMessageBox.warning(self, t("gui.error.title", lang), as_plain_html(t("gui.facilitator.failed", lang,
                                                                                  error=reason)))
            return False
        self.statusBar().showMessage(t("gui.facilitator.saved", lang, path=str(target)), 8000)
        return True

    def open_class(self, paths=None):
        """File → Open class…: the room's results from the participants' session files."""
        from .class_view import ClassView

        self.class_view = view = self._own_window(ClassView(self.controller.lang, self))
        if paths:
            view.open_paths(paths)
        return view

    def open_audit(self, path=None):
        """File → Audit my decisions…: a recruiter's own export, mapped and measured."""
        from .audit_window import AuditWindow

        self.audit_window = view = self._own_window(AuditWindow(self.controller.lang, self))
        if path:
            view.open_file(path)
        return view

    @staticmethod
    def _own_window(view):
        """A window opened from the File menu: shown, and deleted when the user closes it."""
        view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        view.show()
        return view

    def open_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, t("gui.menu.open_file", self.controller.lang), "",
                                              t("gui.filter.scenario", self.controller.lang))
        if path:
            self.load_scenario(path)

    def save(self) -> None:
        if self.controller.path is None:
            self.save_as()
        else:
            self._save_to(self.controller.path)

    def save_as(self) -> None:
        sc = self.controller.scenario
        path, _ = QFileDialog.getSaveFileName(self, t("gui.menu.save_as", self.controller.lang), f"{sc.id}.toml",
                                              t("gui.filter.scenario", self.controller.lang))
        if path:
            self._save_to(Path(path))

    def _save_to(self, path: Path) -> bool:
        try:
            save(self.controller.scenario, path)
        except OSError as exc:
            QMessageBox.warning(self, t("gui.error.title", self.controller.lang), as_plain_html(
                                t("gui.error.write", self.controller.lang, path=str(path), reason=exc.strerror or str(exc))))
            return False
        self.controller.path = path
        self.statusBar().showMessage(t("gui.status.saved", self.controller.lang, path=str(path)), 4000)
        return True

    def export_png(self, path: str | None = None) -> bool:
        view = self.tabs.currentWidget()
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, t("gui.menu.export_png", self.controller.lang),
                                                  f"{view.key}.png", "PNG (*.png)")
        if not path:
            return False
        if not view.grab().save(str(path), "PNG"):
            QMessageBox.warning(self, t("gui.error.title", self.controller.lang), as_plain_html(
                                t("gui.error.write", self.controller.lang, path=str(path), reason="PNG")))
            return False
        return True

    def export_csv(self, path: str | None = None) -> bool:
        if self.controller.result is None:
            return False
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, t("gui.menu.export_csv", self.controller.lang),
                                                  "candidates.csv", "CSV (*.csv)")
        if not path:
            return False
        # Written in a worker thread: a million candidates take seconds. The run being written is
        # fixed now; edits made meanwhile start new runs and do not change the file.
        outcome, lang = self.controller.result.outcome, self.controller.lang
        self.statusBar().showMessage(t("gui.status.writing", lang, path=str(path)))

        def write() -> None:
            try:
                write_csv(candidates_frame(outcome, lang), path)
                problem = ""
            except OSError as exc:
                problem = exc.strerror or str(exc)
            self.csv_written.emit(str(path), problem)
        threading.Thread(target=write, name="export-csv", daemon=True).start()
        return True

    def _write_failed(self, path: str, problem: str) -> bool:
        """Say that a file written in the background could not be written (False: it was written)."""
        if not problem:
            return False
        lang = self.controller.lang
        self.statusBar().clearMessage()
        QMessageBox.warning(self, t("gui.error.title", lang),
                            as_plain_html(t("gui.error.write", lang, path=path, reason=problem)))
        return True

    def _csv_written(self, path: str, problem: str) -> None:
        if not self._write_failed(path, problem):
            self.statusBar().showMessage(t("gui.status.saved", self.controller.lang, path=path), 4000)

    def export_handout(self, path: str | None = None, facilitator: bool | None = None) -> bool:
        """File → Export hand-out…: the scenario and the run on screen as 2–4 A4 pages (PDF); with
        ``facilitator`` the quiz answers too (asked when not given)."""
        result = self.controller.result
        if result is None:
            return False
        lang = self.controller.lang
        if not path:
            sc = self.controller.scenario
            path, _ = QFileDialog.getSaveFileName(self, t("gui.handout.menu", lang), f"{sc.id}-{lang}.pdf", "PDF (*.pdf)")
        if not path:
            return False
        if facilitator is None:
            answer = QMessageBox.question(self, t("gui.handout.menu", lang), t("gui.handout.facilitator", lang),
                                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                          QMessageBox.StandardButton.No)
            facilitator = answer == QMessageBox.StandardButton.Yes
        # Laid out and written in a worker thread (no widgets are involved): the run on screen now,
        # with run A when one is frozen (the lesson's before/after numbers read against it, as on screen).
        frozen = self.controller.frozen
        self.statusBar().showMessage(t("gui.handout.writing", lang, path=str(path)))

        def write() -> None:
            from ..core.handout import handout
            from .handout import write_handout

            pages, problem = 0, ""
            try:
                pages = write_handout(handout(result, lang, bool(facilitator), frozen=frozen), path)
            except OSError as exc:
                problem = exc.strerror or str(exc)
            except Exception as exc:  # reported in the window rather than lost in the thread
                problem = f"{type(exc).__name__}: {exc}"
            self.handout_written.emit(str(path), problem, pages)
        threading.Thread(target=write, name="export-handout", daemon=True).start()
        return True

    def _handout_written(self, path: str, problem: str, pages: int) -> None:
        if not self._write_failed(path, problem):
            self.statusBar().showMessage(t("gui.handout.saved", self.controller.lang, path=path, count=pages), 6000)

    def show_editors(self, on: bool | None = None) -> None:
        """Show or hide the editing side (Ctrl+E): on a 1280 px projector the views get the width."""
        on = (not self.left.isVisible()) if on is None or not isinstance(on, bool) else on
        self.editors_action.setChecked(on)
        self.left.setVisible(on and not STYLE.presentation)

    def law_primer(self) -> None:
        from .dialogs import LawPrimer

        LawPrimer(self.controller.lang, self).exec()

    def facilitator_guide(self) -> None:
        from .dialogs import FacilitatorGuide

        self.guide_dialog = FacilitatorGuide(self.controller.lang, self)  # kept: its worker reports back to it
        self.guide_dialog.show()

    def about(self) -> None:
        QMessageBox.about(self, t("gui.menu.about", self.controller.lang), t("gui.about", self.controller.lang))

    # -- the window's layout, remembered per user -------------------------------------------------
    def save_layout(self, settings) -> None:
        """Size and place, the panes' proportions, whether the editors show and the open view."""
        if not STYLE.presentation:  # full screen on a projector is not the window to open next time
            settings.setValue("layout/geometry", self.saveGeometry())
        if self.left.isVisible():  # a hidden pane has no width worth keeping
            settings.setValue("layout/split", self.split.saveState())
            settings.setValue("layout/left", self.left.saveState())
        settings.setValue("layout/editors", "yes" if self.editors_action.isChecked() else "no")
        settings.setValue("layout/view", self.tabs.currentWidget().key)

    def restore_layout(self, settings) -> None:
        """The layout saved at the last close; anything missing or unreadable keeps the default."""
        geometry = settings.value("layout/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        for key, splitter in (("layout/split", self.split), ("layout/left", self.left)):
            state = settings.value(key)
            if state is not None:
                splitter.restoreState(state)
        if settings.value("layout/editors") == "no":
            self.show_editors(False)
        view = next((v for v in self.views if v.key == settings.value("layout/view")), None)
        if view is not None:
            self.tabs.setCurrentWidget(view)
        self._settings = settings

    def closeEvent(self, event):  # noqa: N802
        if getattr(self, "_settings", None) is not None:
            self.save_layout(self._settings)
        self.controller.cancel()
        self.controller.wait(5000)
        self.controller.set_session(None)  # every decision is already committed; this only closes the file
        super().closeEvent(event)
