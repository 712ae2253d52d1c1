"""The app's model side: the current scenario, its last run, and re-running after every change.

Widgets change the scenario through ``controller.state`` (``gui/state.py``: one observable
configuration with undo and redo); every edit re-runs after a short debounce that merges quick edits
into one run, or — while a slider is dragged — as often as the runs keep up: the next run starts as
soon as the one in flight is done, with the newest settings. Every run — screening, model training, the claims the texts fill
in — happens in a worker thread, whatever the pool size, so the window never freezes; a run that
takes longer than ``BUSY_AFTER_MS`` shows progress and a cancel button, and stale results are
dropped by a generation number.
"""

from __future__ import annotations

import copy
import traceback
import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from ..core.pool import world_key
from .state import ScenarioState

if TYPE_CHECKING:
    from ..core.scenario import Scenario

# core.engine (and with it pandas, scipy and statsmodels) is imported by the first run, in the
# worker thread: the window opens without waiting for those libraries.

DEBOUNCE_MS = 120
BUSY_AFTER_MS = 500  # runs shorter than this show no progress bar (no flicker while editing)
DRAW_WAIT_S = 0.5  # the longest a run's texts wait for the window to draw it first


class Cancelled(Exception):
    pass


class _WorkerSignals(QObject):
    drawn = Signal(object, int, object)  # the run is ready to draw (its texts follow): result, generation, event
    finished = Signal(object, int)
    failed = Signal(str, int)
    progress = Signal(float, int)


def _prepare_texts(result, frozen=None) -> None:
    """Evaluate the scenario's claims (the live numbers its texts and headline fill in) here, in
    the thread that ran the scenario, so the window only reads them."""
    from ..core.claims import results_for

    results_for(result.measurement, frozen.measurement if frozen is not None else None)
    if result.measurement.scenario is not None and result.measurement.scenario.focus is not None:
        result.measurement.findings.headline_sentences("en")


class _RunTask(QRunnable):
    def __init__(self, scenario: Scenario, generation: int, pool=None, before=None, frozen=None, live=False,
                 prepare=None):
        super().__init__()
        self.frozen = frozen
        self.live = live
        self.prepare = prepare  # the visible view's: what it will draw, computed here
        self.scenario = scenario
        self.generation = generation
        self.pool = pool
        self.before = before
        self.cancelled = False
        self.signals = _WorkerSignals()

    def _progress(self, fraction: float) -> None:
        if self.cancelled:
            raise Cancelled()
        self.signals.progress.emit(fraction, self.generation)

    def run(self) -> None:
        try:
            from ..core import engine

            result = engine.run(self.scenario, progress=self._progress, pool=self.pool, stage_intersections=False,
                                lazy=True, before=self.before)
            if self.prepare is not None:
                self.prepare(result)
            if not self.live:  # while a slider is dragged only the views follow; the texts wait for the release
                # The visible view draws now; the claims, headline and lesson numbers follow (they
                # cost more than the run at 10,000 candidates).
                # The texts wait until the window has drawn: worked out at the same time they would
                # share the interpreter with the drawing and slow it down.
                drawn = threading.Event()
                self.signals.drawn.emit(result, self.generation, drawn)
                drawn.wait(DRAW_WAIT_S)
                _prepare_texts(result, self.frozen)
        except Cancelled:
            return
        except Exception:  # reported in the window, never a crash
            self.signals.failed.emit(traceback.format_exc(), self.generation)
            return
        self.signals.finished.emit(result, self.generation)


class _FindingsSignals(QObject):
    done = Signal(object)
    failed = Signal(str)


class _FindingsTask(QRunnable):
    """Computes a result's findings (strata, interaction tests, attribution) off the GUI thread."""

    def __init__(self, result):
        super().__init__()
        self.result = result
        self.signals = _FindingsSignals()

    def run(self) -> None:
        try:
            self.result.measurement.findings.compute()
        except Exception:  # reported in the window, never a crash
            self.signals.failed.emit(traceback.format_exc())
            return
        self.signals.done.emit(self.result)


def default_session_dir():
    """Where new review sessions are saved: the user's application-data folder."""
    from pathlib import Path

    from PySide6.QtCore import QStandardPaths

    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".recruitsim") / "sessions"


def _pool_key(scenario: Scenario) -> str:
    return world_key(scenario.vacancy, scenario.pool)


class Controller(QObject):
    scenario_loaded = Signal()  # a new scenario: editors rebuild
    result_ready = Signal(object)  # RunResult
    busy = Signal(bool)
    progress = Signal(float)
    failed = Signal(str)
    draw_failed = Signal(str, str)  # (view title, report): the run is fine, one view could not draw it
    language_changed = Signal(str)
    frozen_changed = Signal()
    session_changed = Signal()

    def __init__(self, lang: str = "en", parent=None, session_dir=None, progress_path=None):
        super().__init__(parent)
        self.lang = lang
        self.session = None  # the open review session file (core.session.Session)
        self.session_dir = session_dir or default_session_dir()
        self.progress_path = progress_path or default_session_dir().parent / "progress.json"
        self.state = ScenarioState(self)
        self.state.edited.connect(lambda part, source, live: self.changed(live))
        self._pending = False  # a live edit arrived while a run was in flight
        # The result shown came from a slider being dragged: the views show it, but the verdict,
        # the lesson's numbers and the practice goals wait for the full run after the release.
        self.live = False
        # Set by the window: () -> the visible view's ``prepare(result)``, run in the worker.
        self.visible_prepare = None
        self.path = None  # where the scenario was loaded from / saved to (user files only)
        self.result = None
        self.frozen = None  # run A for comparison
        # While the scenario's "after" is shown (B): the run before the change, so the headline and
        # the texts can state how the focus measure changed.
        self.before_measurement = None
        self._pool = None
        self._pool_key = None
        self._generation = 0
        self._task: _RunTask | None = None
        self._findings_tasks: set = set()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.run_now)
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(BUSY_AFTER_MS)
        self._busy_timer.timeout.connect(self._show_busy)
        self._busy_shown = False

    # -- scenario ------------------------------------------------------------------------------
    @property
    def scenario(self) -> Scenario | None:
        """The scenario being edited (read it here; change it with ``state.edit``)."""
        return self.state.scenario

    def load(self, scenario: Scenario, path=None) -> None:
        self.state.load(scenario)
        self.path = path
        self.before_measurement = None
        self.frozen = None
        self.scenario_loaded.emit()
        self.frozen_changed.emit()
        self.run_now()

    def changed(self, live: bool = False) -> None:
        """Something in the scenario changed: re-run after a short pause. ``live`` (a slider being
        dragged): run now if nothing is running, else as soon as the run in flight is done."""
        if not live:
            self._timer.start()
        elif self._task is None:
            self.run_now(live=True)
        else:
            self._pending = True

    def set_language(self, lang: str) -> None:
        if lang != self.lang:
            self.lang = lang
            self.language_changed.emit(lang)

    # -- running -------------------------------------------------------------------------------
    def run_now(self, live: bool = False) -> None:
        self._timer.stop()
        self._pending = False
        if self.scenario is None:
            return
        self.cancel()
        self._generation += 1
        scenario = copy.deepcopy(self.scenario)
        key = _pool_key(scenario)
        pool = self._pool if key == self._pool_key else None
        prepare = self.visible_prepare() if self.visible_prepare is not None else None
        task = _RunTask(scenario, self._generation, pool, self.before_measurement, self.frozen, live, prepare)
        task.signals.drawn.connect(self._drawn)
        task.signals.finished.connect(self._finished)
        task.signals.failed.connect(self._failed)
        task.signals.progress.connect(self._progressed)
        self._task = task
        self._busy_timer.start()
        QThreadPool.globalInstance().start(task)

    def _show_busy(self) -> None:
        if self._task is not None:
            self._busy_shown = True
            self.busy.emit(True)

    def _not_busy(self) -> None:
        self._busy_timer.stop()
        if self._busy_shown:
            self._busy_shown = False
            self.busy.emit(False)

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancelled = True
            self._task = None
            self._not_busy()

    def wait(self, msecs: int = 60000) -> bool:
        """Block until the running worker is done and its result is shown (tests, screenshots); an
        edit still waiting for its pause runs first."""
        import time

        from PySide6.QtCore import QCoreApplication

        if self._timer.isActive() or self._pending:
            self.run_now()

        done = QThreadPool.globalInstance().waitForDone(msecs)
        deadline = time.monotonic() + msecs / 1000
        while (self._task is not None or self._findings_tasks) and time.monotonic() < deadline:
            QCoreApplication.processEvents()
            QThreadPool.globalInstance().waitForDone(10)
        return done and self._task is None

    def _progressed(self, fraction: float, generation: int) -> None:
        if generation == self._generation:
            self.progress.emit(fraction)

    def _drawn(self, result, generation: int, drawn) -> None:
        """A full run can be drawn before its texts are ready: the views show it as they show a
        slider's live run (the verdict, lesson and goals wait for ``_finished``)."""
        try:
            if generation == self._generation and self._task is not None:
                self.live = True
                self._accept(result)
        finally:
            drawn.set()  # the worker goes on with the texts

    def _finished(self, result, generation: int) -> None:
        if generation != self._generation:
            return
        live = self._task is not None and self._task.live
        self._task = None
        self._not_busy()
        self._pool, self._pool_key = result.pool, _pool_key(result.scenario)
        if self._pending:  # a slider moved on while this ran: its newest position runs while this one draws
            self.run_now(live=True)
        self.live = live
        self._accept(result)

    def _failed(self, report: str, generation: int) -> None:
        if generation == self._generation:
            self._task = None
            self._not_busy()
            self.failed.emit(report)
            if self._pending:
                self.run_now(live=True)

    def _accept(self, result) -> None:
        self.result = result
        self.result_ready.emit(result)

    def compute_findings(self, result, done) -> None:
        """Compute ``result``'s findings in a worker thread, then call ``done(result)`` here."""
        task = _FindingsTask(result)
        self._findings_tasks.add(task)

        def finished(r, task=task):
            self._findings_tasks.discard(task)
            done(r)

        def failed(report, task=task):
            self._findings_tasks.discard(task)
            self.failed.emit(report)

        task.signals.done.connect(finished)
        task.signals.failed.connect(failed)
        QThreadPool.globalInstance().start(task)

    # -- review sessions ---------------------------------------------------------------------------
    def set_session(self, session) -> None:
        if self.session is not None and self.session is not session:
            self.session.close()
        self.session = session
        self.session_changed.emit()

    def open_session(self, path) -> None:
        """Open a session file: its scenario and pool come back exactly, with every decision.

        Everything in the file is checked before anything changes here: a damaged file raises
        SessionError and the current scenario and session stay as they were. A file or folder that
        cannot be written opens read-only (``session.read_only_reason``); its feedback can be shown.
        """
        from ..core.session import Session

        session = Session.open(path)
        try:
            scenario = session.scenario()
            self.load(scenario)
        except BaseException:
            session.close()
            raise
        self.set_session(session)

    # -- compare -------------------------------------------------------------------------------
    def freeze(self) -> None:
        self.frozen = self.result
        self.frozen_changed.emit()
