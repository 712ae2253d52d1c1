"""What every view shares: lazy redraw, language, and attribute choosers."""

from __future__ import annotations

import html
import traceback

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from ...core.texts import t
from ...core.world import GROUP_ATTRIBUTES
from ..style import STYLE, compact_combo


def plain_label(text: str = "", wrap: bool = True) -> QLabel:
    """A label that shows its text as it is: never as HTML. For texts from a scenario file (titles,
    lessons, headlines) and messages that quote one, which must not format the window or make it
    load an image or a local file (``<img src='file:///…'>``)."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    label.setText(text)
    return label


def as_plain_html(text: str) -> str:
    """A message for a rich-text box (QMessageBox guesses the format) that shows ``text`` exactly as
    written: a file name or a value quoted from a file never renders as HTML."""
    return "<p>" + html.escape(text) + "</p>"


def plain_tooltip(text: str | None) -> str | None:
    """A tooltip that Qt shows as the text it is. Qt renders a tooltip as HTML when it merely looks
    like HTML (a tag near the start), so a stage name such as ``<img src=…>`` is escaped here; any
    other text is returned unchanged (and keeps the plain tooltip's layout)."""
    from PySide6.QtGui import Qt as GuiQt

    if not text or not GuiQt.mightBeRichText(text):
        return text
    return "<p style='white-space:pre-wrap'>" + html.escape(text) + "</p>"


class View(QWidget):
    """A tab. ``set_result`` stores the run; drawing happens when the view is (or becomes) visible."""

    key = ""  # stable id: text key gui.view.<key>, screenshot file name
    # The measurements ``render`` reads that are computed on first use (metrics.Measurement):
    # ``prepare`` computes them in the worker thread, before the result reaches the window.
    NEEDS: tuple[str, ...] = ()

    def __init__(self, controller, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.result = None
        self._dirty = False

    @property
    def lang(self) -> str:
        return self.controller.lang

    def title(self) -> str:
        return t(f"gui.view.{self.key}", self.lang)

    def prepare(self, result) -> None:
        """Compute, in the worker thread that ran ``result``, what ``render`` will read, so drawing
        in the window's thread stays short. Core calls only: no widget is touched here."""
        for name in self.NEEDS:
            getattr(result.measurement, name)

    def set_result(self, result) -> None:
        if result is self.result and not self._dirty:
            return  # drawn already, when the run arrived before its texts
        self.result = result
        self._dirty = True
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        if self.result is None:
            return
        self._dirty = False
        try:
            self.render()
        except Exception:  # a drawing bug must never take the app down: report it and go on
            self.controller.draw_failed.emit(self.title(), traceback.format_exc())

    def showEvent(self, event):  # noqa: N802 (Qt name)
        super().showEvent(event)
        if self._dirty:
            self.refresh()

    def render(self) -> None:
        raise NotImplementedError

    def retranslate(self) -> None:
        """Re-label controls; subclasses extend. Drawing is redone by the next refresh."""
        self._dirty = True
        if self.isVisible():
            self.refresh()

    def apply_style(self) -> None:
        # Captions made at a fixed size take the presentation scale now (their size was set once).
        for label in self.findChildren(QLabel):
            points = label.property("caption_points")
            if points is not None:
                label.setFont(STYLE.font(float(points), bool(label.property("caption_bold"))))
        self._dirty = True
        if self.isVisible():
            self.refresh()


class AttributeChooser(QComboBox):
    """A combo box of protected attributes (or any list of attribute keys), labelled in the language."""

    def __init__(self, attributes=GROUP_ATTRIBUTES, lang="en", parent=None, default=None):
        super().__init__(parent)
        compact_combo(self, 24)  # "parent of young children" in full
        self.attributes = tuple(attributes)
        for a in self.attributes:
            self.addItem(a, a)
        if default in self.attributes:
            self.setCurrentIndex(self.attributes.index(default))
        self.retranslate(lang)

    def retranslate(self, lang: str) -> None:
        for i, a in enumerate(self.attributes):
            self.setItemText(i, t(f"attribute.{a}", lang))

    def attribute(self) -> str:
        return self.currentData()


class StageChooser(QComboBox):
    """Overall, or one stage of the pipeline."""

    def __init__(self, parent=None):
        super().__init__(parent)
        compact_combo(self, 32)  # "Overall (application to selection)" in full

    def refill(self, result, lang: str) -> None:
        current = self.currentData()
        self.blockSignals(True)
        self.clear()
        self.addItem(t("gui.stage.overall", lang), -1)
        if result is not None:
            for s, stage in enumerate(result.outcome.pipeline.stages):
                self.addItem(stage.title(lang), s)
        index = self.findData(current)
        self.setCurrentIndex(index if index >= 0 else 0)
        self.blockSignals(False)

    def stage(self) -> int:
        data = self.currentData()
        return -1 if data is None else int(data)


def caption(text: str = "", points: float | None = None, bold: bool = False) -> QLabel:
    """A wrapped label. Without ``points`` it follows the application font, so presentation mode
    (which scales the application font) enlarges it too."""
    label = QLabel(text)
    label.setWordWrap(True)
    if points is not None:
        label.setFont(STYLE.font(points, bold))
        label.setProperty("caption_points", float(points))  # View.apply_style scales it again
        label.setProperty("caption_bold", bool(bold))
    elif bold:  # a font with only its weight set, so it still follows the application's size
        font = QFont()
        font.setBold(True)  # resolves the weight alone; the family and size come from the parent
        label.setFont(font)
    return label


def value_label(attribute: str, value: str, lang: str) -> str:
    return t(f"label.{attribute}.{value}", lang)


def person_label(attribute: str, value: str, lang: str) -> str:
    """A value as said of one person on a card ("woman", not the group name "women")."""
    from ...core.texts import has_text

    key = f"person.{attribute}.{value}"
    return t(key, lang) if has_text(key, lang) else value_label(attribute, value, lang)


def read_only_table(fit_columns: bool = True):
    """A QTableWidget for showing numbers: not editable, no row numbers, and (by default) columns
    sized to their contents with the last one taking the remaining width."""
    from PySide6.QtWidgets import QHeaderView, QTableWidget

    table = QTableWidget()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    if fit_columns:
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
    return table


def fill_table(table, headers: list[str], rows: list[list], right_from: int = 1) -> None:
    """Show ``rows`` in a QTableWidget, numbers right-aligned from column ``right_from`` on.

    Cells are updated in place when the table keeps its shape (much cheaper than rebuilding).
    """
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QTableWidgetItem

    if table.columnCount() != len(headers) or table.rowCount() != len(rows):
        table.clear()
        table.setColumnCount(len(headers))
        table.setRowCount(len(rows))
    current = [table.horizontalHeaderItem(c).text() if table.horizontalHeaderItem(c) else None
               for c in range(len(headers))]
    if current != headers:
        table.setHorizontalHeaderLabels(headers)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = table.item(r, c)
            if item is None:
                item = QTableWidgetItem()
                if c >= right_from:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(r, c, item)
            text = str(value)
            if item.text() != text:  # an unchanged cell need not be repainted
                item.setText(text)
