"""Start the desktop app: `recruitsim` with no arguments."""

from __future__ import annotations

import sys
import traceback


def _install_translator(app, lang: str):
    """Qt's own Dutch texts for standard dialogs (Open, Cancel…)."""
    from PySide6.QtCore import QLibraryInfo, QTranslator

    translator = QTranslator(app)
    if lang == "nl" and translator.load("qtbase_nl", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(translator)
    return translator


def create_window(lang: str = "en", scenario: str | None = None, load: bool = True):
    """The main window, with a scenario loaded and run unless ``load`` is False (no event loop started)."""
    from .controller import Controller
    from .main_window import DEFAULT_SCENARIO, MainWindow

    controller = Controller(lang)
    window = MainWindow(controller)
    if load:
        window.load_scenario(scenario or DEFAULT_SCENARIO)
        controller.wait()  # the run happens in a worker: hand back a window that shows it
    return window


def after_first_paint(window, then, fallback_ms: int = 2000) -> None:
    """Call ``then`` once ``window`` has been painted for the first time.

    The default scenario loads only after the window is on screen: its run, in the worker thread,
    imports pandas, scipy and statsmodels, which holds the interpreter lock for a second; started
    earlier (a zero-delay timer fires before Qt's first paint), it would delay that paint. A window
    that is never painted (started minimised) still loads after ``fallback_ms``.
    """
    from PySide6.QtCore import QEvent, QObject, QTimer

    class FirstPaint(QObject):
        def eventFilter(self, obj, event):  # noqa: N802 (Qt name)
            if event.type() == QEvent.Type.Paint:
                fire()  # the paint goes ahead now; ``then`` runs once it is done
            return False

    watcher = FirstPaint(window)
    fallback = QTimer(window)
    fallback.setSingleShot(True)
    done = []

    def fire() -> None:
        if not done:
            done.append(True)
            window.removeEventFilter(watcher)
            fallback.stop()
            QTimer.singleShot(0, then)

    window.installEventFilter(watcher)
    fallback.timeout.connect(fire)
    fallback.start(fallback_ms)


def no_display() -> bool:
    """On Linux without X11 or Wayland (and no other Qt platform chosen) Qt would abort the process;
    say why instead."""
    import os

    return (sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM")
            and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"))


def main(argv: list[str] | None = None, lang: str | None = None) -> int:
    from ..core.texts import LANGUAGES, t

    if no_display():
        print(t("cli.no_display", lang or "en"), file=sys.stderr)
        return 1

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from .dialogs import show_error
    from .main_window import DEFAULT_SCENARIO

    app = QApplication.instance() or QApplication(sys.argv if argv is None else argv)
    app.setApplicationName("Recruitment Bias Simulator")
    settings = QSettings("RecruitmentBiasSimulator", "recruitsim")
    remembered = settings.value("language", "en")
    lang = lang or (remembered if remembered in LANGUAGES else "en")
    window = create_window(lang, load=False)
    translators = {"current": _install_translator(app, window.controller.lang)}

    def language(lang: str) -> None:
        app.removeTranslator(translators["current"])
        translators["current"] = _install_translator(app, lang)
        settings.setValue("language", lang)  # the next start opens in it

    settings.setValue("language", lang)

    window.controller.language_changed.connect(language)

    def excepthook(kind, value, tb):  # an unexpected error: report it and keep running
        report = "".join(traceback.format_exception(kind, value, tb))
        sys.stderr.write(report)
        show_error(window, t("gui.error.unexpected", window.controller.lang), report, window.controller.lang)

    sys.excepthook = excepthook
    # The window opens first; the default scenario (and the statistics libraries) load once it is painted.
    after_first_paint(window, lambda: window.load_scenario(DEFAULT_SCENARIO))
    window.restore_layout(settings)  # size, panes, editors and open view as at the last close
    window.show()
    return app.exec()
