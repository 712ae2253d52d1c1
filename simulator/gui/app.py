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
    return window


def main(argv: list[str] | None = None) -> int:
    from PySide6.QtWidgets import QApplication

    from ..core.texts import t
    from .dialogs import show_error

    from PySide6.QtCore import QTimer

    from .main_window import DEFAULT_SCENARIO

    app = QApplication.instance() or QApplication(sys.argv if argv is None else argv)
    app.setApplicationName("Recruitment Bias Simulator")
    window = create_window(load=False)
    translators = {"current": _install_translator(app, window.controller.lang)}

    def language(lang: str) -> None:
        app.removeTranslator(translators["current"])
        translators["current"] = _install_translator(app, lang)

    window.controller.language_changed.connect(language)

    def excepthook(kind, value, tb):  # an unexpected error: report it and keep running
        report = "".join(traceback.format_exception(kind, value, tb))
        sys.stderr.write(report)
        show_error(window, t("gui.error.unexpected", window.controller.lang), report, window.controller.lang)

    sys.excepthook = excepthook
    window.show()
    # The window opens first; the default scenario (and the statistics libraries) load right after.
    QTimer.singleShot(0, lambda: window.load_scenario(DEFAULT_SCENARIO))
    return app.exec()
