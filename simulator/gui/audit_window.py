"""File → Audit my decisions…: a recruiter's own export, mapped and measured, without the command line.

Left, the mapping (``core.audit_mapping``): which column is the outcome and what each of its values
means (selected, not selected, not a decision; or the stage reached), which columns are groups and
what their values are called in the audit (rename, merge by giving two values one name, or mark as
unknown), and the column to compare within. Right, what core measured with it: the findings, a rate
chart per column, the intersections, the funnel when there are stages, and the legal lens.

Reading the file and every audit run in a worker thread; the window only draws what came back, and
keeps the mapping whatever goes wrong (a message in one line names what). Nothing is sent anywhere and
nothing is written unless the user saves a mapping, a report or a table.
"""

from __future__ import annotations

import os
import threading

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (QAbstractItemView, QButtonGroup, QCheckBox, QComboBox, QDialog, QFileDialog, QFormLayout,
                               QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QRadioButton,
                               QScrollArea, QSplitter, QTableWidget, QTableWidgetItem, QTabWidget, QTextBrowser,
                               QVBoxLayout, QWidget)

from ..core.audit_mapping import NO, NOT_A_DECISION, UNKNOWN_GROUP, YES, AuditMapping, summary_line
from ..core.grouptable import OVERALL
from ..core.texts import integer, percent, t
from .style import GREY, STYLE, compact_combo, group_colour, plot_widget, set_axis_language, style_plot, two_lines
from .views.base import caption, fill_table, plain_label, read_only_table

PREVIEW_ROWS = 50
MAX_VALUES_SHOWN = 200  # values listed in a mapping table; the rest are counted in one line
MAX_STAGES = 12  # an outcome column of more values is no funnel (a score, an id, a date)
DEBOUNCE_MS = 250  # a burst of mapping edits is measured once
NOT_PLACED = None  # an outcome value the mapping does not place (its rows are left out and counted)


class _Signals(QObject):
    read = Signal(object, object, object, str, int)  # frame, preview, value counts, error, request
    progress = Signal(float, int)
    audited = Signal(object, object, object, str, int)  # audit, counts, prepared texts, error, request
    exported = Signal(str, str)  # what was written, or "" and the problem


class _Chart(QWidget):
    """A fixed plot (no mouse zoom, no context menu) filling the widget."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.widget = plot_widget()
        self.plot = self.widget.getPlotItem()
        self.plot.setMenuEnabled(False)
        self.widget.setMouseEnabled(False, False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.widget)


class RateChart(_Chart):
    """Horizontal bars: each visible group's selection rate with its 95% interval, and "rate · n"
    beside it. ``drawn`` keeps what was drawn (labels, rates, texts) for tests."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.drawn: dict = {"labels": [], "rates": np.zeros(0), "texts": []}

    def draw(self, rows, lang: str) -> None:
        """``rows``: core.audit_view.chart_rows (group, n, selected, rate, rate_ci_low/high, reference)."""
        self.plot.clear()
        set_axis_language(self.plot, lang)
        count = len(rows)
        labels = [two_lines(str(g), 24) for g in rows["group"]]
        rates = rows["rate"].to_numpy(dtype=float)
        low, high = rows["rate_ci_low"].to_numpy(dtype=float), rows["rate_ci_high"].to_numpy(dtype=float)
        y = np.arange(count)[::-1].astype(float)
        colours = [group_colour(i) for i in range(count)]
        if count:
            self.plot.addItem(pg.BarGraphItem(x0=np.zeros(count), y=y, height=0.6, width=100 * rates,
                                              brushes=[pg.mkBrush(c) for c in colours],
                                              pens=[pg.mkPen(c.darker(130)) for c in colours]))
            ok = np.isfinite(low) & np.isfinite(high)
            self.plot.addItem(pg.ErrorBarItem(x=100 * rates[ok], y=y[ok], left=100 * (rates - low)[ok],
                                              right=100 * (high - rates)[ok], beam=0.2,
                                              pen=pg.mkPen("#222222", width=STYLE.pen_width(1.5))))
        texts = []
        top = float(np.nanmax(np.where(np.isfinite(high), high, rates))) if count else 0.0
        xmax = max(10.0, min(100.0, 100 * top * 1.35 + 8))
        for i, row in enumerate(rows.itertuples()):
            text = t("gui.audit.bar", lang, rate=percent(row.rate, lang), selected=integer(row.selected, lang),
                     n=integer(row.n, lang))
            if row.reference:
                text += " · " + t("cli.note.reference", lang)
            item = pg.TextItem(text, color="#222222", anchor=(0, 0.5))
            item.setFont(STYLE.font(9))
            end = high[i] if np.isfinite(high[i]) else rates[i]
            item.setPos(100 * end + 0.01 * xmax, y[i])
            self.plot.addItem(item)
            texts.append(text)
        self.plot.getAxis("left").setTicks([[(y[i], labels[i]) for i in range(count)]])
        metrics = QFontMetrics(STYLE.font(10))
        lines = [line for label in labels for line in label.split("\n")]
        self.plot.getAxis("left").setWidth(max((metrics.horizontalAdvance(line) for line in lines), default=30) + 20)
        ticks = [(v, percent(v / 100, lang, 0)) for v in range(0, int(xmax) + 1, 10 if xmax <= 60 else 20)]
        self.plot.getAxis("bottom").setTicks([ticks])
        self.plot.setLabel("bottom", t("gui.audit.rate_axis", lang))
        style_plot(self.plot)
        self.plot.setXRange(-0.02 * xmax, xmax, padding=0)  # room for the "0%" tick label at the left
        self.plot.setYRange(-0.6, max(count, 1) - 0.4, padding=0)
        self.drawn = {"labels": [str(g) for g in rows["group"]], "rates": rates, "texts": texts}


class FunnelChart(_Chart):
    """Per group, the share of its applicants that reached each stage, with the count on each bar."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.legend = self.plot.addLegend(offset=(-10, 10))
        self.drawn: dict = {"groups": [], "shares": []}

    def draw(self, table, stages: list[str], lang: str) -> None:
        """``table``: core.audit.audit_funnel — per group the count reaching each stage, and hidden."""
        self.plot.clear()
        self.legend.clear()
        set_axis_language(self.plot, lang)
        steps = list(range(len(stages)))
        # A count withheld to protect individuals is NaN, from some stage on: the group's bars stop
        # there. A group withheld from the start is not drawn.
        first = table[steps[0]].to_numpy(dtype=float)
        shown = [g for g, n in zip(table.index, first) if np.isfinite(n) and n > 0]
        width = 0.8 / max(len(shown), 1)
        self.drawn = {"groups": [], "shares": []}
        for k, g in enumerate(shown):
            counts = table.loc[g, steps].to_numpy(dtype=float)
            share = counts / counts[0]
            x = np.array(steps) - 0.4 + width * (k + 0.5)
            known = np.isfinite(share)
            colour = group_colour(k)
            bars = pg.BarGraphItem(x=x[known], height=100 * share[known], width=width * 0.92, brush=colour,
                                   pen=pg.mkPen(colour.darker(130)))
            self.plot.addItem(bars)
            self.legend.addItem(bars, str(table.loc[g, "group"]))
            for xi, s, n in zip(x[known], share[known], counts[known]):
                label = pg.TextItem(integer(int(n), lang), color="#222222", anchor=(0.5, 1.0))
                label.setFont(STYLE.font(8.5))
                label.setPos(xi, 100 * s + 1)
                self.plot.addItem(label)
            self.drawn["groups"].append(str(table.loc[g, "group"]))
            self.drawn["shares"].append(share)
        self.plot.getAxis("bottom").setTicks([[(i, two_lines(str(s), 16)) for i, s in enumerate(stages)]])
        self.plot.getAxis("left").setTicks([[(v, percent(v / 100, lang, 0)) for v in range(0, 101, 20)]])
        self.plot.setLabel("left", t("gui.audit.funnel_axis", lang))
        self.plot.setYRange(0, 112, padding=0)
        self.plot.setXRange(-0.6, len(stages) - 0.4, padding=0)
        style_plot(self.plot)
        self.plot.getAxis("bottom").setHeight(int(40 * STYLE.scale))


class AuditWindow(QDialog):
    """The audit of a user's own file. ``open_file`` reads it in a worker; every mapping change is
    measured again in a worker (debounced); ``audit`` is the latest result drawn."""

    file_read = Signal()
    audit_ready = Signal()  # an audit was measured and drawn (or its message shown)
    exported = Signal(str, str)

    def __init__(self, lang: str, parent=None, folder: str = ""):
        super().__init__(parent)
        self.lang = lang
        self.folder = folder
        self.path: str | None = None
        self.sheet: str | None = None
        self.frame = None
        self.values: dict[str, list] = {}  # column → [(value, rows)], most frequent first
        self.mapping: AuditMapping | None = None
        self.audit = None
        self.counts = None
        self._prepared: dict = {}  # (lang, what…) → what a tab shows, formatted in the worker
        self.error = ""
        self._requests = 0
        self._signals = _Signals(self)
        self._signals.read.connect(self._read_done)
        self._signals.progress.connect(self._progressed)
        self._signals.audited.connect(self._audited)
        self._signals.exported.connect(self._exported)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.measure)
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self._build()
        self.retranslate()
        self.resize(1280, 720)

    # -- building ----------------------------------------------------------------------------------
    def _build(self) -> None:
        self.open_button = QPushButton()
        self.open_button.clicked.connect(lambda: self.open_file())
        self.sheet_label = QLabel()
        self.sheet_combo = compact_combo(QComboBox(), 18)
        self.sheet_combo.activated.connect(lambda _: self.open_file(self.path, self.sheet_combo.currentText()))
        self.load_mapping_button = QPushButton()
        self.load_mapping_button.clicked.connect(lambda: self.load_mapping())
        self.save_mapping_button = QPushButton()
        self.save_mapping_button.clicked.connect(lambda: self.save_mapping())
        self.report_button = QPushButton()
        self.report_button.clicked.connect(lambda: self.export_report())
        self.table_button = QPushButton()
        self.table_button.clicked.connect(lambda: self.export_table())
        top = QHBoxLayout()
        for w in (self.open_button, self.sheet_label, self.sheet_combo, self.load_mapping_button,
                  self.save_mapping_button):
            top.addWidget(w)
        top.addStretch(1)
        top.addWidget(self.table_button)
        top.addWidget(self.report_button)
        self.privacy = caption()
        self.privacy.setStyleSheet("color: #1B5E20")
        self.status = plain_label()
        self.status.setFont(STYLE.font(10, bold=True))
        self.message = plain_label()
        self.message.setStyleSheet("color: #B2182B")
        self.message.setVisible(False)

        # The mapping, on the left.
        panel = QWidget()
        form = QVBoxLayout(panel)
        self.outcome_title = caption(bold=True)
        self.outcome_combo = QComboBox()
        self.outcome_combo.activated.connect(self._outcome_column_chosen)
        self.kind_yes_no, self.kind_stages = QRadioButton(), QRadioButton()
        self.kind_group = QButtonGroup(self)
        self.kind_group.addButton(self.kind_yes_no)
        self.kind_group.addButton(self.kind_stages)
        self.kind_yes_no.setChecked(True)
        self.kind_yes_no.toggled.connect(self._kind_chosen)
        self.outcome_table = QTableWidget()
        self.outcome_table.verticalHeader().setVisible(False)
        self.outcome_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.outcome_table.setMinimumHeight(110)
        self.outcome_more = caption()
        self.groups_title = caption(bold=True)
        self.group_list = QListWidget()
        self.group_list.itemChanged.connect(self._groups_chosen)
        self.group_list.setMinimumHeight(80)
        self.strata_label = QLabel()
        self.strata_combo = QComboBox()
        self.strata_combo.activated.connect(self._strata_chosen)
        self.values_title = caption(bold=True)
        self.values_column = QComboBox()
        self.values_column.activated.connect(lambda _: self._fill_group_values())
        self.values_table = QTableWidget()
        self.values_table.verticalHeader().setVisible(False)
        self.values_table.itemChanged.connect(self._group_value_edited)
        self.values_table.setMinimumHeight(130)
        self.values_more = caption()
        self.values_summary = caption()
        self.leave_out = QCheckBox()
        self.leave_out.toggled.connect(self._leave_out_chosen)
        kind = QHBoxLayout()
        kind.addWidget(self.kind_yes_no)
        kind.addWidget(self.kind_stages)
        kind.addStretch(1)
        strata = QFormLayout()
        strata.addRow(self.strata_label, self.strata_combo)
        for w in (self.outcome_title, self.outcome_combo):
            form.addWidget(w)
        form.addLayout(kind)
        form.addWidget(self.outcome_table, 1)
        form.addWidget(self.outcome_more)
        form.addWidget(self.groups_title)
        form.addWidget(self.group_list, 1)
        form.addLayout(strata)
        form.addWidget(self.values_title)
        form.addWidget(self.values_column)
        form.addWidget(self.values_table, 2)
        form.addWidget(self.values_more)
        form.addWidget(self.values_summary)
        form.addWidget(self.leave_out)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(panel)
        scroll.setMinimumWidth(360)

        # What core measured, on the right.
        self.tabs = QTabWidget()
        self.preview = read_only_table(fit_columns=False)
        self.findings_text = QTextBrowser()
        self.findings_text.setOpenLinks(False)
        self.rates_label, self.rates_column = QLabel(), QComboBox()
        self.rates_column.activated.connect(lambda _: self.draw_rates())
        self.rates_chart = RateChart()
        self.rates_note = caption()
        self.rates_table = read_only_table()
        rates_page = _page(_chooser(self.rates_label, self.rates_column), (self.rates_chart, 3), self.rates_note,
                           (self.rates_table, 2))
        self.cross_note = caption()
        self.cross_table = read_only_table()
        cross_page = _page(self.cross_note, (self.cross_table, 1))
        self.funnel_label, self.funnel_column = QLabel(), QComboBox()
        self.funnel_column.activated.connect(lambda _: self.draw_funnel())
        self.funnel_note = caption()
        self.funnel_chart = FunnelChart()
        funnel_page = _page(_chooser(self.funnel_label, self.funnel_column), self.funnel_note, (self.funnel_chart, 1))
        self.lens_label, self.lens_combo = QLabel(), QComboBox()
        self.lens_combo.addItem("", "nl")
        self.lens_combo.addItem("", "nyc")
        self.lens_combo.activated.connect(lambda _: self.draw_lens())
        self.lens_text = QTextBrowser()
        self.lens_table = read_only_table()
        lens_page = _page(_chooser(self.lens_label, self.lens_combo), (self.lens_text, 2), (self.lens_table, 3))
        self.pages = {"preview": self.preview, "findings": self.findings_text, "rates": rates_page,
                      "intersections": cross_page, "funnel": funnel_page, "lens": lens_page}
        for page in self.pages.values():
            self.tabs.addTab(page, "")
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(scroll)
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([460, 820])
        layout = QVBoxLayout(self)
        layout.setMenuBar(self._menu_bar())
        layout.addLayout(top)
        layout.addWidget(self.privacy)
        layout.addWidget(self.status)
        layout.addWidget(self.message)
        layout.addWidget(split, 1)
        self._set_enabled()

    def _menu_bar(self):
        """File: the buttons' actions again, where a user of the main window looks for them."""
        from PySide6.QtWidgets import QMenuBar

        bar = QMenuBar(self)
        self.file_menu = bar.addMenu("")
        self.menu_actions = {}
        for key, slot, shortcut in (("open", lambda: self.open_file(), "Ctrl+O"),
                                    ("load_mapping", lambda: self.load_mapping(), None),
                                    ("save_mapping", lambda: self.save_mapping(), "Ctrl+S"),
                                    (None, None, None),
                                    ("export_report", lambda: self.export_report(), "Ctrl+P"),
                                    ("export_table", lambda: self.export_table(), "Ctrl+Shift+E"),
                                    (None, None, None),
                                    ("close", self.close, "Ctrl+W")):
            if key is None:
                self.file_menu.addSeparator()
                continue
            action = self.file_menu.addAction("")
            action.triggered.connect(slot)
            if shortcut:
                action.setShortcut(shortcut)
            self.menu_actions[key] = action
        return bar

    def _set_enabled(self) -> None:
        has_file = self.frame is not None
        for w in (self.load_mapping_button, self.save_mapping_button, self.outcome_combo, self.kind_yes_no,
                  self.kind_stages, self.group_list, self.strata_combo, self.values_column, self.leave_out):
            w.setEnabled(has_file)
        self.report_button.setEnabled(self.audit is not None)
        self.table_button.setEnabled(self.audit is not None)
        for key, enabled in (("load_mapping", has_file), ("save_mapping", has_file),
                             ("export_report", self.audit is not None), ("export_table", self.audit is not None)):
            self.menu_actions[key].setEnabled(enabled)
        self.sheet_combo.setVisible(self.sheet_combo.count() > 0)
        self.sheet_label.setVisible(self.sheet_combo.count() > 0)

    # -- texts -------------------------------------------------------------------------------------
    def set_language(self, lang: str) -> None:
        self.lang = lang
        self.retranslate()

    def retranslate(self) -> None:
        lang = self.lang
        self.setWindowTitle(t("gui.audit.title", lang) + (f" — {os.path.basename(self.path)}" if self.path else ""))
        self.open_button.setText(t("gui.audit.open", lang))
        self.sheet_label.setText(t("gui.audit.sheet", lang))
        self.load_mapping_button.setText(t("gui.audit.load_mapping", lang))
        self.save_mapping_button.setText(t("gui.audit.save_mapping", lang))
        self.report_button.setText(t("gui.audit.export_report", lang))
        self.table_button.setText(t("gui.audit.export_table", lang))
        self.file_menu.setTitle(t("gui.menu.file", lang))
        for key, action in self.menu_actions.items():
            action.setText(t(f"gui.audit.{key}", lang))
        self.privacy.setText(t("gui.audit.privacy", lang))
        self.outcome_title.setText(t("gui.audit.outcome", lang))
        self.kind_yes_no.setText(t("gui.audit.kind_yes_no", lang))
        self.kind_stages.setText(t("gui.audit.kind_stages", lang))
        self.groups_title.setText(t("gui.audit.groups", lang))
        self.strata_label.setText(t("gui.audit.strata", lang))
        self.values_title.setText(t("gui.audit.values", lang))
        self.leave_out.setText(t("gui.audit.leave_out", lang))
        self.leave_out.setToolTip(t("gui.audit.leave_out_tip", lang))
        self.rates_label.setText(t("gui.audit.column", lang))
        self.funnel_label.setText(t("gui.audit.column", lang))
        self.lens_label.setText(t("gui.audit.lens", lang))
        self.lens_combo.setItemText(0, t("gui.audit.lens_nl", lang))
        self.lens_combo.setItemText(1, t("gui.audit.lens_nyc", lang))
        for i, key in enumerate(self.pages):
            self.tabs.setTabText(i, t(f"gui.audit.tab.{key}", lang))
        if self.frame is None:
            self.status.setText(t("gui.audit.empty", lang))
        else:
            self._fill_mapping()
            self.draw()

    # -- reading -----------------------------------------------------------------------------------
    def open_file(self, path: str | None = None, sheet: str | None = None) -> None:
        """Read a CSV or XLSX file (every column) in a worker; the mapping is guessed when it is new."""
        if not path:
            path, _ = QFileDialog.getOpenFileName(self, t("gui.audit.open", self.lang), self.folder,
                                                  t("gui.audit.filter", self.lang))
        if not path:
            return
        from ..core.audit import read_decisions, sheet_names

        self._requests += 1
        token = self._requests
        self.status.setText(t("gui.audit.reading", self.lang, file=os.path.basename(str(path))))
        self.open_button.setEnabled(False)
        signals = self._signals

        def work():
            frame = preview = values = None
            error = ""
            try:
                names = sheet_names(str(path))
                frame = read_decisions(str(path), None, sheet if sheet else None,
                                       progress=lambda f: signals.progress.emit(f, token))
                frame.attrs["sheets"] = names
                values = _column_values(frame)
                preview = frame.head(PREVIEW_ROWS)
            except Exception as exc:  # noqa: BLE001 - one line in the window, never a crash
                error = _one_line(exc, self.lang)
                frame = None
            signals.read.emit(frame, preview, values, error, token)
        self._pending_path = str(path)
        threading.Thread(target=work, name="audit-read", daemon=True).start()

    def _progressed(self, fraction: float, token: int) -> None:
        if token == self._requests:
            self.status.setText(t("gui.audit.progress", self.lang, percent=percent(fraction, self.lang, 0)))

    def _read_done(self, frame, preview, values, error: str, token: int) -> None:
        if token != self._requests:
            return
        self.open_button.setEnabled(True)
        if frame is None:
            self._show_message(error)
            self.status.setText(t("gui.audit.read_failed", self.lang) if self.frame is None else self.status.text())
            self.file_read.emit()
            self.audit_ready.emit()
            return
        from ..core.audit_mapping import suggest_mapping

        self.path = self._pending_path
        self.folder = os.path.dirname(self.path)
        self.frame = frame
        self.sheet = frame.attrs.get("sheet")
        self.values = values
        self.sheet_combo.blockSignals(True)
        self.sheet_combo.clear()
        for name in frame.attrs.get("sheets") or []:
            self.sheet_combo.addItem(name)
        if self.sheet is not None:
            self.sheet_combo.setCurrentText(self.sheet)
        self.sheet_combo.blockSignals(False)
        columns = [str(c) for c in frame.columns]
        fill_table(self.preview, columns, [[_cell(v) for v in row] for row in preview.itertuples(index=False)],
                   right_from=len(columns))
        self.preview.resizeColumnsToContents()  # headers and values whole, the table scrolls sideways
        # The mapping stays when every column it names is here (another sheet of the same layout, or
        # next quarter's export); otherwise the new table gets a first guess of its own.
        keep = self.mapping is not None and all(c in columns for c in self.mapping.columns())
        if not keep:
            self.mapping = suggest_mapping(frame, self.sheet, values)
        self.mapping.sheet = self.sheet
        self._show_message("")
        self.retranslate()
        self._set_enabled()
        self.file_read.emit()
        self.measure()

    # -- the mapping -------------------------------------------------------------------------------
    def _fill_mapping(self) -> None:
        """Show ``self.mapping`` in the widgets (their signals blocked: no echo back)."""
        m, lang = self.mapping, self.lang
        if m is None or self.frame is None:
            return
        columns = [str(c) for c in self.frame.columns]
        widgets = (self.outcome_combo, self.kind_yes_no, self.kind_stages, self.group_list, self.strata_combo,
                   self.values_column, self.outcome_table, self.values_table, self.leave_out)
        for w in widgets:
            w.blockSignals(True)
        try:
            self.outcome_combo.clear()
            for c in columns:
                self.outcome_combo.addItem(c, c)
            self.outcome_combo.setCurrentIndex(max(columns.index(m.outcome_column), 0)
                                               if m.outcome_column in columns else 0)
            self.leave_out.setChecked(m.leave_out_unknown)
            self.kind_stages.setChecked(bool(m.stages))
            self.kind_yes_no.setChecked(not m.stages)
            self.group_list.clear()
            for c in columns:
                if c == m.outcome_column:
                    continue
                listed = self.values.get(c)
                item = QListWidgetItem(t("gui.audit.column_item", lang, column=c, count=integer(len(listed), lang))
                                       if listed is not None else t("gui.audit.column_many", lang, column=c))
                item.setData(Qt.ItemDataRole.UserRole, c)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if c in m.group_columns else Qt.CheckState.Unchecked)
                self.group_list.addItem(item)
            self.strata_combo.clear()
            self.strata_combo.addItem(t("gui.audit.no_strata", lang), None)
            for c in columns:
                if c != m.outcome_column and c not in m.group_columns:
                    self.strata_combo.addItem(c, c)
            index = self.strata_combo.findData(m.strata_column) if m.strata_column else 0
            self.strata_combo.setCurrentIndex(max(index, 0))
            current = self.values_column.currentData()
            self.values_column.clear()
            for c in m.group_columns:
                self.values_column.addItem(c, c)
            if current in m.group_columns:
                self.values_column.setCurrentIndex(m.group_columns.index(current))
        finally:
            for w in widgets:
                w.blockSignals(False)
        self._fill_outcome_values()
        self._fill_group_values()

    def _outcome_choices(self) -> list[tuple[str, object]]:
        m, lang = self.mapping, self.lang
        if m.stages:
            values = [v for v, _ in (self.values.get(m.outcome_column) or []) if v is not None]
            stage_count = max(len(values), 2)
            choices = [(t("gui.audit.stage_n", lang, n=k + 1), k) for k in range(stage_count)]
        else:
            choices = [(t("audit.mapping.outcome.yes", lang), YES), (t("audit.mapping.outcome.no", lang), NO)]
        return choices + [(t("audit.mapping.outcome.unknown", lang), NOT_A_DECISION),
                          (t("gui.audit.not_placed", lang), NOT_PLACED)]

    def _stage_of(self, value: str):
        """The stage number (0-based) the mapping gives a value, or NOT_A_DECISION / NOT_PLACED."""
        meaning = self.mapping.outcome_values.get(value)
        if meaning is None:
            return NOT_PLACED
        if meaning == NOT_A_DECISION:
            return NOT_A_DECISION
        if self.mapping.stages:
            return self.mapping.stages.index(meaning) if meaning in self.mapping.stages else NOT_PLACED
        return meaning

    def _fill_outcome_values(self) -> None:
        m, lang = self.mapping, self.lang
        values = [(v, n) for v, n in (self.values.get(m.outcome_column) or []) if v is not None]
        missing = sum(n for v, n in (self.values.get(m.outcome_column) or []) if v is None)
        if m.stages:  # in funnel order, then the values not (yet) a stage
            values.sort(key=lambda vn: (s if isinstance(s := self._stage_of(vn[0]), int) else len(values) + 1))
        shown = values[:MAX_VALUES_SHOWN]
        table = self.outcome_table
        table.blockSignals(True)
        table.clear()
        table.setColumnCount(3)
        table.setRowCount(len(shown))
        table.setHorizontalHeaderLabels([t("gui.audit.value", lang), t("gui.audit.rows", lang),
                                         t("gui.audit.meaning", lang)])
        choices = self._outcome_choices()
        for r, (value, count) in enumerate(shown):
            table.setItem(r, 0, QTableWidgetItem(value))
            item = QTableWidgetItem(integer(count, lang))
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, 1, item)
            combo = QComboBox()
            for label, data in choices:
                combo.addItem(label, data)
            current = self._stage_of(value)
            index = next((i for i, (_, d) in enumerate(choices) if d == current), len(choices) - 1)
            combo.setCurrentIndex(index)
            combo.activated.connect(lambda _, v=value, c=combo: self._outcome_value_chosen(v, c.currentData()))
            table.setCellWidget(r, 2, combo)
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        table.blockSignals(False)
        notes = []
        if len(values) > MAX_VALUES_SHOWN:
            notes.append(t("gui.audit.more_values", lang, count=integer(len(values) - MAX_VALUES_SHOWN, lang)))
        if missing:
            notes.append(t("gui.audit.missing_rows", lang, count=integer(missing, lang)))
        self.outcome_more.setText(" ".join(notes))
        self.outcome_more.setVisible(bool(notes))

    def _fill_group_values(self) -> None:
        m, lang = self.mapping, self.lang
        column = self.values_column.currentData()
        table = self.values_table
        table.blockSignals(True)
        table.clear()
        table.setColumnCount(4)
        table.setHorizontalHeaderLabels([t("gui.audit.value", lang), t("gui.audit.rows", lang),
                                         t("gui.audit.name", lang), t("gui.audit.unknown", lang)])
        values = [(v, n) for v, n in (self.values.get(column) or []) if v is not None] if column else []
        shown = values[:MAX_VALUES_SHOWN]
        table.setRowCount(len(shown))
        for r, (value, count) in enumerate(shown):
            item = QTableWidgetItem(value)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            table.setItem(r, 0, item)
            item = QTableWidgetItem(integer(count, lang))
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, 1, item)
            name = m.group_name(column, value)
            unknown = not name.strip()
            item = QTableWidgetItem(value if unknown else name)
            item.setData(Qt.ItemDataRole.UserRole, value)
            if unknown:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            table.setItem(r, 2, item)
            check = QTableWidgetItem()
            check.setFlags((check.flags() | Qt.ItemFlag.ItemIsUserCheckable) & ~Qt.ItemFlag.ItemIsEditable)
            check.setCheckState(Qt.CheckState.Checked if unknown else Qt.CheckState.Unchecked)
            check.setData(Qt.ItemDataRole.UserRole, value)
            table.setItem(r, 3, check)
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        table.blockSignals(False)
        self.values_more.setText(t("gui.audit.more_values", lang, count=integer(len(values) - MAX_VALUES_SHOWN, lang))
                                 if len(values) > MAX_VALUES_SHOWN else "")
        self.values_more.setVisible(len(values) > MAX_VALUES_SHOWN)
        self._show_group_summary()

    def _show_group_summary(self) -> None:
        column = self.values_column.currentData()
        if self.counts is None or column not in self.counts.groups:
            self.values_summary.setText("")
            return
        lang = self.lang
        parts = [t("gui.audit.group_count", lang, name=name if name else t("gui.audit.unknown_group", lang),
                   count=integer(n, lang)) for name, n in self.counts.groups[column].items()]
        self.values_summary.setText(t("gui.audit.in_audit", lang, groups=" · ".join(parts)))

    # Edits: each changes self.mapping, then the audit is measured again (debounced).
    def _outcome_column_chosen(self, *_) -> None:
        column = self.outcome_combo.currentData()
        if column is None or column == self.mapping.outcome_column:
            return
        from ..core.audit_mapping import suggest_mapping

        guess = suggest_mapping(self.frame[[column]], self.sheet, {column: self.values.get(column)})
        self.mapping.outcome_column = column
        self.mapping.outcome_values = guess.outcome_values if not self.mapping.stages else {}
        listed = self.values.get(column)
        count = len([v for v, _ in listed or [] if v is not None])
        if self.mapping.stages and (listed is None or not 2 <= count <= MAX_STAGES):
            self.mapping.stages = []  # no funnel in this column: back to selected or not
            self.mapping.outcome_values = guess.outcome_values
            self._show_message(t("gui.audit.not_stages", self.lang, column=column, most=MAX_STAGES))
        elif self.mapping.stages:
            self._default_stages()
        self.mapping.group_columns = [c for c in self.mapping.group_columns if c != column]
        if self.mapping.strata_column == column:
            self.mapping.strata_column = None
        self._edited(refill=True)

    def _default_stages(self) -> None:
        """Stages in the order of how many rows stop there (most first: a funnel narrows)."""
        values = [v for v, _ in (self.values.get(self.mapping.outcome_column) or []) if v is not None]
        self.mapping.stages = values if len(values) >= 2 else values + [t("gui.audit.stage_n", self.lang, n=2)]
        self.mapping.outcome_values = {v: v for v in values}

    def _kind_chosen(self, *_) -> None:
        stages = self.kind_stages.isChecked()
        if stages == bool(self.mapping.stages):
            return
        if stages:
            listed = self.values.get(self.mapping.outcome_column)
            count = len([v for v, _ in listed or [] if v is not None])
            if listed is None or count > MAX_STAGES or count < 2:
                self._show_message(t("gui.audit.not_stages", self.lang, column=self.mapping.outcome_column,
                                     most=MAX_STAGES))
                self._fill_mapping()  # back to "selected or not", as the mapping still is
                return
            self._default_stages()
        else:
            from ..core.audit_mapping import suggest_mapping

            self.mapping.stages = []
            self.mapping.outcome_values = suggest_mapping(self.frame[[self.mapping.outcome_column]]).outcome_values
        self._edited(refill=True)

    def _outcome_value_chosen(self, value: str, meaning) -> None:
        m = self.mapping
        if meaning is NOT_PLACED:
            m.outcome_values.pop(value, None)
        elif meaning == NOT_A_DECISION or not m.stages:
            m.outcome_values[value] = meaning
        else:
            # Stage numbers: values given one number share a stage (named by its values joined).
            numbers = {v: self._stage_of(v) for v, _ in (self.values.get(m.outcome_column) or []) if v is not None}
            numbers[value] = int(meaning)
            placed = sorted({n for n in numbers.values() if isinstance(n, int)})
            names = {}
            for n in placed:
                members = [v for v, k in numbers.items() if k == n]
                names[n] = " / ".join(members)
            m.stages = [names[n] for n in placed]
            m.outcome_values = {v: (names[k] if isinstance(k, int) else k) for v, k in numbers.items()
                                if k is not NOT_PLACED}
        self._edited(refill=True)

    def _groups_chosen(self, *_) -> None:
        chosen = []
        for i in range(self.group_list.count()):
            item = self.group_list.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                chosen.append(item.data(Qt.ItemDataRole.UserRole))
        self.mapping.group_columns = chosen
        if self.mapping.strata_column in chosen:
            self.mapping.strata_column = None
        self._edited(refill=True)

    def _leave_out_chosen(self, checked: bool) -> None:
        if self.mapping is None:
            return
        self.mapping.leave_out_unknown = bool(checked)
        self._edited()

    def _strata_chosen(self, *_) -> None:
        self.mapping.strata_column = self.strata_combo.currentData()
        self._edited()

    def _group_value_edited(self, item: QTableWidgetItem) -> None:
        column = self.values_column.currentData()
        value = item.data(Qt.ItemDataRole.UserRole)
        if column is None or value is None:
            return
        renames = self.mapping.group_values.setdefault(column, {})
        if item.column() == 3:
            if item.checkState() == Qt.CheckState.Checked:
                renames[value] = UNKNOWN_GROUP
            else:
                renames.pop(value, None)
            self._edited(refill=True)
            return
        if item.column() == 2:
            name = " ".join(item.text().split())
            existing = {n.casefold(): n for n in (self.counts.groups.get(column, {}) if self.counts else {}) if n}
            name = existing.get(name.casefold(), name)  # "man " merges with "Man", not beside it
            if not name or name == value:
                renames.pop(value, None)
            else:
                renames[value] = name
            if not renames:
                self.mapping.group_values.pop(column, None)
            if name != item.text():
                table = self.values_table
                table.blockSignals(True)
                item.setText(name or value)
                table.blockSignals(False)
            self._edited()

    def _edited(self, refill: bool = False) -> None:
        if refill:
            self._fill_mapping()
        self._timer.start()

    # -- measuring ---------------------------------------------------------------------------------
    def measure(self) -> None:
        """Measure the file with the current mapping in a worker; the latest request wins."""
        if self.frame is None or self.mapping is None:
            return
        from ..core.audit_mapping import AuditMapping, audit_mapped, mapping_counts

        self._requests += 1
        token = self._requests
        m = self.mapping
        mapping = AuditMapping(m.outcome_column, list(m.group_columns), m.strata_column, dict(m.outcome_values),
                               list(m.stages), {c: dict(v) for c, v in m.group_values.items()}, m.sheet,
                               m.leave_out_unknown)
        frame, path, signals, values, lang = self.frame, self.path, self._signals, self.values, self.lang
        self.status.setText(t("gui.audit.measuring", self.lang))

        def work():
            audit = counts = None
            prepared = {}
            error = ""
            try:
                counts = mapping_counts(frame, mapping, values)
                audit = audit_mapped(frame, mapping, path)
                audit.findings.compute()
                prepared = _prepare(audit, lang)
            except Exception as exc:  # noqa: BLE001 - one line in the window, never a crash
                error = _one_line(exc, lang)
                audit = None
            signals.audited.emit(audit, counts, prepared, error, token)
        threading.Thread(target=work, name="audit-measure", daemon=True).start()

    def _audited(self, audit, counts, prepared: dict, error: str, token: int) -> None:
        if token != self._requests:
            return
        self.counts = counts
        self.audit = audit
        self._prepared = prepared
        self._show_message(error)
        self._show_group_summary()
        self.draw()
        self._set_enabled()
        self.audit_ready.emit()

    def _show_message(self, text: str) -> None:
        self.error = text
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # -- drawing -----------------------------------------------------------------------------------
    def draw(self) -> None:
        lang = self.lang
        if self.counts is not None:
            self.status.setText(summary_line(self.counts, lang))
        audit = self.audit
        funnel_index = list(self.pages).index("funnel")
        self.tabs.setTabEnabled(funnel_index, bool(audit is not None and getattr(audit, "stages", None)))
        if audit is None:  # nothing measured with this mapping: no tab shows the numbers of an earlier one
            self.findings_text.setPlainText(self.error)
            self._clear_results()
            return
        from ..core.audit_view import attributes

        self.findings_text.setPlainText("\n".join(self._text(lang, "findings")))
        singles = attributes(audit, 1)
        for combo in (self.rates_column, self.funnel_column):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            for a in singles:
                combo.addItem(a, a)
            if current in singles:
                combo.setCurrentIndex(singles.index(current))
            combo.blockSignals(False)
        self.draw_rates()
        headers, rows = self._text(lang, "cross")
        fill_table(self.cross_table, headers, rows)
        self.cross_note.setText(t("gui.audit.cross_note", lang) if rows else t("gui.audit.no_cross", lang))
        self.draw_funnel()
        self.draw_lens()

    def _clear_results(self) -> None:
        import pandas as pd

        empty = pd.DataFrame(columns=["group", "n", "selected", "rate", "rate_ci_low", "rate_ci_high", "reference",
                                      "status"])
        self.rates_chart.draw(empty, self.lang)
        for table in (self.rates_table, self.cross_table, self.lens_table):
            fill_table(table, [], [])
        for label in (self.rates_note, self.cross_note, self.funnel_note):
            label.setText("")
        self.lens_text.setPlainText("")
        self.funnel_chart.plot.clear()
        self.funnel_chart.legend.clear()
        self.funnel_chart.drawn = {"groups": [], "shares": []}

    def draw_rates(self) -> None:
        audit, lang = self.audit, self.lang
        attribute = self.rates_column.currentData()
        if audit is None or attribute is None:
            return
        from ..core.audit_view import chart_rows, hidden_count, table_rows

        self.rates_chart.draw(chart_rows(audit, attribute), lang)
        hidden = hidden_count(audit, attribute)
        self.rates_note.setText(t("gui.audit.rates_note", lang) + (
            " " + t("gui.audit.hidden_note", lang, count=hidden) if hidden else ""))
        headers, rows = table_rows(audit, lang, [attribute])
        fill_table(self.rates_table, headers, rows)

    def draw_funnel(self) -> None:
        audit, lang = self.audit, self.lang
        attribute = self.funnel_column.currentData()
        stages = getattr(audit, "stages", None) if audit is not None else None
        if not stages or attribute is None:
            self.funnel_note.setText(t("gui.audit.no_funnel", lang))
            return
        from ..core.audit import audit_funnel

        table = audit_funnel(audit, attribute)
        self.funnel_chart.draw(table, stages, lang)
        hidden = int(table["hidden"].sum())
        self.funnel_note.setText(t("gui.audit.funnel_note", lang) + (
            " " + t("gui.audit.hidden_note", lang, count=hidden) if hidden else ""))

    def draw_lens(self) -> None:
        audit, lang = self.audit, self.lang
        if audit is None:
            return
        lines, headers, rows = self._text(lang, "lens", self.lens_combo.currentData())
        self.lens_text.setPlainText("\n".join(lines))
        self.lens_table.setVisible(bool(rows))
        if rows:
            fill_table(self.lens_table, headers, rows)

    def _text(self, lang: str, *what):
        """What a tab shows, prepared in the worker (``_prepare``) for the language of the request;
        made here only after the language changed."""
        key = (lang, *what)
        if key not in self._prepared:
            self._prepared[key] = _prepared(self.audit, key)
        return self._prepared[key]

    # -- saving ------------------------------------------------------------------------------------
    def save_mapping(self, path: str | None = None) -> bool:
        if self.mapping is None:
            return False
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, t("gui.audit.save_mapping", self.lang),
                                                  os.path.join(self.folder, "mapping.json"),
                                                  t("gui.audit.filter_mapping", self.lang))
        if not path:
            return False
        from ..core.audit_mapping import save_mapping

        try:
            save_mapping(self.mapping, path)
        except Exception as exc:  # noqa: BLE001 - one line in the window
            self._show_message(_one_line(exc, self.lang))
            return False
        self.status.setText(t("gui.audit.saved_mapping", self.lang, path=str(path)))
        return True

    def load_mapping(self, path: str | None = None) -> bool:
        if not path:
            path, _ = QFileDialog.getOpenFileName(self, t("gui.audit.load_mapping", self.lang), self.folder,
                                                  t("gui.audit.filter_mapping", self.lang))
        if not path:
            return False
        from ..core.audit_mapping import check_mapping, load_mapping

        try:
            mapping = load_mapping(path)
            if self.frame is not None:
                check_mapping(mapping, self.frame.columns, self.path or "")
        except Exception as exc:  # noqa: BLE001 - one line in the window; the current mapping stays
            self._show_message(_one_line(exc, self.lang))
            return False
        mapping.sheet = self.sheet
        self.mapping = mapping
        self._show_message("")
        self._edited(refill=True)
        return True

    def export_report(self, path: str | None = None) -> bool:
        """Export audit report…: the audit as shown, with the lens chosen, as a PDF (in a worker)."""
        audit, lang, lens = self.audit, self.lang, self.lens_combo.currentData()
        if audit is None:
            return False
        if not path:
            base = os.path.splitext(os.path.basename(self.path or "audit"))[0]
            path, _ = QFileDialog.getSaveFileName(self, t("gui.audit.export_report", lang),
                                                  os.path.join(self.folder, f"{base}-audit-{lang}.pdf"), "PDF (*.pdf)")
        if not path:
            return False
        return self._export(lambda: _write_report(audit, str(path), lang, lens), str(path))

    def export_table(self, path: str | None = None) -> bool:
        """Export table…: the rates table as CSV (hidden cells without counts; formulas escaped)."""
        audit, lang = self.audit, self.lang
        if audit is None:
            return False
        if not path:
            base = os.path.splitext(os.path.basename(self.path or "audit"))[0]
            path, _ = QFileDialog.getSaveFileName(self, t("gui.audit.export_table", lang),
                                                  os.path.join(self.folder, f"{base}-audit-{lang}.csv"), "CSV (*.csv)")
        if not path:
            return False

        def write():
            from ..core.audit_export import write_audit_csv

            write_audit_csv(audit, str(path), lang)
        return self._export(write, str(path))

    def _export(self, write, path: str) -> bool:
        self.status.setText(t("gui.audit.writing", self.lang, path=path))
        signals = self._signals

        def work():
            try:
                write()
            except Exception as exc:  # noqa: BLE001 - one line in the window
                signals.exported.emit("", _one_line(exc, self.lang))
                return
            signals.exported.emit(path, "")
        threading.Thread(target=work, name="audit-export", daemon=True).start()
        return True

    def _exported(self, path: str, problem: str) -> None:
        if problem:
            self._show_message(t("gui.audit.export_failed", self.lang, problem=problem))
        else:
            self.status.setText(t("gui.audit.written", self.lang, path=path))
        self.exported.emit(path, problem)


def _chooser(label: QLabel, combo: QComboBox) -> QHBoxLayout:
    """A row "Label: [combo]" at the top of a tab."""
    row = QHBoxLayout()
    row.addWidget(label)
    row.addWidget(combo)
    row.addStretch(1)
    return row


def _page(*items) -> QWidget:
    """A tab page of layouts and widgets from top to bottom; (widget, stretch) for those that grow."""
    page = QWidget()
    layout = QVBoxLayout(page)
    for item in items:
        item, stretch = item if isinstance(item, tuple) else (item, 0)
        if isinstance(item, QHBoxLayout):
            layout.addLayout(item)
        else:
            layout.addWidget(item, stretch)
    return page


def _prepare(audit, lang: str) -> dict:
    """Every text and table row the tabs show, formatted in the worker so that drawing only sets them."""
    from ..core.audit_lens import LENSES

    keys = [(lang, "findings"), (lang, "cross")] + [(lang, "lens", lens) for lens in LENSES]
    return {key: _prepared(audit, key) for key in keys}


def _prepared(audit, key: tuple):
    """One entry of ``_prepare``: the findings tab's lines, the intersections table, or a lens."""
    from ..core.audit_view import attributes, data_lines, table_rows
    from ..core.limits import shown

    lang, what = key[0], key[1]
    if what == "findings":
        from ..core.findings import stratified_sentence

        lines = [t("gui.audit.findings_title", lang), ""]
        lines += ["• " + s for s in audit.findings.sentences(lang)]
        for st in audit.stratified:
            sentence = stratified_sentence(st, lang, st["group"], st["reference_group"], audit.strata_column)
            if sentence:
                lines.append("• " + sentence)
        hidden = audit.findings.hidden_lines(lang, OVERALL)
        if hidden:
            lines += ["", *hidden]
        lines += ["", t("gui.audit.data_title", lang), *data_lines(audit, lang)]
        if audit.mapping is not None:
            from ..core.audit_mapping import describe_mapping

            lines += ["", t("gui.audit.mapping_title", lang), *describe_mapping(audit.mapping, lang)]
        return lines
    if what == "cross":
        crosses = attributes(audit, 2)
        return table_rows(audit, lang, crosses) if crosses else ([], [])
    from ..core.audit_lens import lens_headers, lens_notes, lens_rows, lens_sentences, lens_table, lens_title

    lens = key[2]
    lines = [lens_title(lens, lang), ""] + ["• " + s for s in lens_sentences(audit, lens, lang)]
    lines += [""] + lens_notes(lens, lang)
    table = lens_table(audit, lens)
    if table is None or table.empty:
        return lines, [], []
    rows = [[shown(a, None)] + row for a in dict.fromkeys(table["attribute"]) for row in lens_rows(table, a, lang)]
    return lines, [t("gui.audit.lens_column", lang)] + lens_headers(lang), rows


def _write_report(audit, path: str, lang: str, lens: str) -> None:
    from .audit_report import write_audit_report

    write_audit_report(audit, path, lang, lens=lens, mapping=audit.mapping)


def _column_values(frame) -> dict[str, list | None]:
    """Every column's distinct values with counts; None for a column of too many to list."""
    from ..core.audit_mapping import column_values

    return column_values(frame)


def _one_line(exc: BaseException, lang: str = "en") -> str:
    """What went wrong, on one line: an ``AuditInputError`` in the window's language."""
    from ..core.audit import AuditInputError
    from ..core.limits import shown

    if isinstance(exc, AuditInputError):
        return exc.message(lang)
    return shown(f"{type(exc).__name__}: {exc}", 300)


def _cell(value, lang: str = "en") -> str:
    from ..core.limits import shown

    if value is None:
        return ""
    if isinstance(value, float):
        if not np.isfinite(value):
            return "—"
        from ..core.texts import number

        return number(value, lang, 2)
    return shown(str(value), 80)


__all__ = ["AuditWindow", "GREY"]
