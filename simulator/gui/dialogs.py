"""Dialogs: the scenario gallery and the error report that never closes the app."""

from __future__ import annotations

from PySide6.QtWidgets import (QApplication, QDialog, QDialogButtonBox, QFileDialog, QLabel, QListWidget,
                               QListWidgetItem, QMessageBox, QPushButton, QVBoxLayout)

from ..core.scenario import ScenarioError, builtin_paths, load
from ..core.texts import pick, t


class ScenarioGallery(QDialog):
    """Pick a built-in scenario (title and lesson shown) or open a scenario file."""

    def __init__(self, lang: str, parent=None):
        super().__init__(parent)
        self.lang = lang
        self.choice: str | None = None
        self.setWindowTitle(t("gui.gallery.title", lang))
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setSpacing(4)
        for path in builtin_paths():
            try:
                sc = load(path)
            except ScenarioError:
                continue
            item = QListWidgetItem(f"{pick(sc.title, lang)}\n{pick(sc.lesson, lang)[:220]}…")
            item.setData(256, sc.id)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        self.list.itemDoubleClicked.connect(lambda _: self.accept())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
        self.file_button = QPushButton(t("gui.menu.open_file", lang))
        buttons.addButton(self.file_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.file_button.clicked.connect(self._file)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(t("gui.gallery.hint", lang)))
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.resize(720, 520)

    def _file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, t("gui.menu.open_file", self.lang), "",
                                              t("gui.filter.scenario", self.lang))
        if path:
            self.choice = path
            super().accept()

    def accept(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.choice = item.data(256)
        super().accept()

    @classmethod
    def ask(cls, parent, lang: str) -> str | None:
        """Show the gallery; the chosen scenario id or file path, or None. (Tests patch this.)"""
        dialog = cls(lang, parent)
        return dialog.choice if dialog.exec() == QDialog.DialogCode.Accepted else None


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
