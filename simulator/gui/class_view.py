"""The class view: the room's results from the participants' session files, on a projector.

Reading the files and computing the room (``core.classroom``) run in a worker thread; this window only
draws what core computed: bars with Wilson intervals for screening without advice (the room beside the
machine) and for blind against not blind, overrides per group and direction, the quiz per option,
challenges met and the self-check before and after. Participants are anonymous unless "Show names" is
ticked. "Export room summary…" writes the room as shown on one A4 page (core.room_summary), "Export
participation records…" one record per participant into a folder (core.record), both in a worker thread.
"""

from __future__ import annotations

import html
import math
import threading

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QFileDialog, QHBoxLayout, QLabel, QPushButton,
                               QTabWidget, QTextBrowser, QVBoxLayout, QWidget)

from ..core.classroom import ATTRIBUTES
from ..core.claims import fill_texts
from ..core.review import MIN_DECISIONS_FOR_FLAGS, RUBBER_STAMP_RATE
from ..core.session import SUFFIX
from ..core.texts import integer, number, percent, pick, t
from .style import GREY, PALETTE, STYLE, compact_combo, plot_widget, set_axis_language, style_plot, two_lines
from .views.base import caption, fill_table, read_only_table, value_label

BIG = 1.5  # the class view is for the projector: text and lines this much larger than in the main window
RIGHT = "#1B7837"
NOTES_SHOWN = 4  # lines of skipped-file notes above the charts; the rest in the tooltip


def _font(points: float, bold: bool = False):
    return STYLE.font(points * BIG, bold)


class _Worker(QObject):
    """Hands what a worker thread read or computed to the window (a queued signal)."""

    done = Signal(object, object, int)  # RoomFiles, Room (or None), request number
    progress = Signal(int, int, int)  # done, total, request number
    exported = Signal(str, str)  # what was written (one line), or "" and the problem (one line)


class BarChart(QWidget):
    """Horizontal bars in up to two series per row, with optional intervals and a value label at each
    bar's end. ``drawn`` keeps what was drawn (series -> widths), for tests and exports."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.widget = plot_widget()
        self.plot = self.widget.getPlotItem()
        self.title = QLabel()
        self.title.setFont(_font(11, bold=True))
        self.title.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.widget, 1)
        self.legend = self.plot.addLegend(offset=(-10, 10), labelTextSize=f"{10 * BIG:.0f}pt")
        self.drawn: dict[str, np.ndarray] = {}
        self.texts: list[pg.TextItem] = []

    def draw(self, title: str, labels: list[str], series: list[dict], xmax: float, axis: str, lang: str,
             value_text=None) -> None:
        """``series``: dicts with name, values, colour (or colours), optional low/high, optional texts."""
        self.title.setText(title)
        self.plot.clear()
        self.texts = []
        self.legend.clear()
        set_axis_language(self.plot, lang)
        count = len(labels)
        k = len(series)
        height = 0.8 / max(k, 1)
        y0 = np.arange(count)[::-1].astype(float)
        self.drawn = {}
        for j, s in enumerate(series):
            values = np.nan_to_num(np.asarray(s["values"], dtype=float))
            y = y0 + 0.4 - height * (j + 0.5)
            colours = s.get("colours") or [s["colour"]] * count
            bars = pg.BarGraphItem(x0=np.zeros(count), y=y, height=height * 0.9, width=values,
                                   brushes=[pg.mkBrush(c) for c in colours], pens=[pg.mkPen(c) for c in colours],
                                   brush=pg.mkBrush(colours[0] if colours else GREY))
            self.plot.addItem(bars)
            if s.get("name"):
                self.legend.addItem(bars, s["name"])
            self.drawn[s.get("key", s["name"])] = values
            low, high = s.get("low"), s.get("high")
            if low is not None:
                low, high = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
                ok = np.isfinite(low) & np.isfinite(high)
                self.plot.addItem(pg.ErrorBarItem(x=values[ok], y=y[ok], left=(values - low)[ok],
                                                  right=(high - values)[ok], beam=height * 0.3,
                                                  pen=pg.mkPen("#222222", width=STYLE.pen_width(2))))
                ends = np.where(ok, np.maximum(values, np.nan_to_num(high)), values)
            else:
                ends = values
            for i, text in enumerate(s.get("texts", [])):
                item = pg.TextItem(text, color="#222222", anchor=(0, 0.5))
                item.setFont(_font(9.5))
                item.setPos(ends[i] + 0.01 * xmax, y[i])
                self.plot.addItem(item)
                self.texts.append(item)
        self.legend.setVisible(any(s.get("name") for s in series))
        labels = [two_lines(label, 26) for label in labels]
        self.plot.getAxis("left").setTicks([[(y0[i], labels[i]) for i in range(count)]])
        style_plot(self.plot)
        for name in ("left", "bottom"):
            self.plot.getAxis(name).setTickFont(_font(10))
        metrics = QFontMetrics(_font(10))
        lines = [line for label in labels for line in label.split("\n")]
        self.plot.getAxis("left").setWidth(max((metrics.horizontalAdvance(line) for line in lines), default=30) + 20)
        self.plot.setLabel("bottom", axis)
        self.plot.getAxis("bottom").label.setFont(_font(10))
        self.plot.setXRange(0, xmax, padding=0)
        self.plot.setYRange(-0.6, count - 0.4, padding=0)


class ClassView(QDialog):
    """File → Open class…: the room's results. ``open_paths`` reads files or folders in a worker."""

    room_ready = Signal()
    exported = Signal(str, str)  # the message shown, and the problem ("" when all was written)

    def __init__(self, lang: str, parent=None, folder: str = ""):
        super().__init__(parent)
        self.lang = lang
        self.folder = folder
        self.files = None  # core.classroom.RoomFiles
        self.room = None  # core.classroom.Room
        self.paths: list[str] = []
        self._requests = 0
        self._worker = _Worker(self)
        self._worker.done.connect(self._done)
        self._worker.progress.connect(self._progress)
        self._worker.exported.connect(self._exported)
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.folder_button = QPushButton()
        self.files_button = QPushButton()
        self.folder_button.clicked.connect(self.choose_folder)
        self.files_button.clicked.connect(self.choose_files)
        self.summary_button = QPushButton()
        self.records_button = QPushButton()
        self.summary_button.clicked.connect(lambda: self.export_summary())
        self.records_button.clicked.connect(lambda: self.export_records())
        self.summary_button.setEnabled(False)
        self.records_button.setEnabled(False)
        self.scenario = compact_combo(QComboBox(), 28)
        self.scenario.currentIndexChanged.connect(self._scenario_chosen)
        self.attribute = QComboBox()
        for a in ATTRIBUTES:
            self.attribute.addItem("", a)
        self.attribute.currentIndexChanged.connect(self.draw)
        self.names = QCheckBox()
        self.names.toggled.connect(self._scenario_chosen)
        self.status = caption()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setFont(_font(10, bold=True))
        self.notes = caption()
        self.notes.setTextFormat(Qt.TextFormat.PlainText)  # notes quote file names
        self.notes.setStyleSheet("color: #B2182B")
        top = QHBoxLayout()
        for w in (self.folder_button, self.files_button, self.scenario, self.attribute, self.names):
            top.addWidget(w)
        top.addStretch(1)
        top.addWidget(self.summary_button)
        top.addWidget(self.records_button)
        self.tabs = QTabWidget()
        self.tabs.setFont(_font(9))
        self.unaided_chart = BarChart()
        self.overrides_chart = BarChart()
        self.blind_chart = BarChart()
        self.quiz_chart = BarChart()
        self.self_check_chart = BarChart()
        self.unaided_note, self.overrides_note, self.blind_note = caption(), caption(), caption()
        self.quiz_text, self.wrap_text = QTextBrowser(), QTextBrowser()  # long texts scroll at 1280×720
        for label in (self.unaided_note, self.overrides_note, self.blind_note, self.quiz_text, self.wrap_text):
            label.setFont(_font(9.5))
        self.names_table = read_only_table()
        self.pages = []
        for chart, extras in ((self.unaided_chart, [self.unaided_note]),
                              (self.overrides_chart, [self.overrides_note, self.names_table]),
                              (self.blind_chart, [self.blind_note]),
                              (self.quiz_chart, [self.quiz_text]),
                              (self.self_check_chart, [self.wrap_text])):
            page = QWidget()
            layout = QVBoxLayout(page)
            layout.addWidget(chart, 3)
            for extra in extras:
                layout.addWidget(extra, 0 if isinstance(extra, QLabel) else 2)
            self.pages.append(page)
            self.tabs.addTab(page, "")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.notes)
        layout.addWidget(self.tabs, 1)
        self.retranslate()
        self.resize(1280, 720)

    # -- texts -------------------------------------------------------------------------------------
    def retranslate(self) -> None:
        lang = self.lang
        self.setWindowTitle(t("gui.class.title", lang))
        self.folder_button.setText(t("gui.class.folder", lang))
        self.files_button.setText(t("gui.class.files", lang))
        self.names.setText(t("gui.class.names", lang))
        self.summary_button.setText(t("gui.class.export_summary", lang))
        self.records_button.setText(t("gui.class.export_records", lang))
        for i, a in enumerate(ATTRIBUTES):
            self.attribute.setItemText(i, t(f"attribute.{a}", lang))
        for i, key in enumerate(("unaided", "overrides", "blind", "quiz", "wrap")):
            self.tabs.setTabText(i, t(f"gui.class.tab.{key}", lang))
        if self.room is None:
            self.status.setText(t("gui.class.empty", lang, suffix=SUFFIX))
        else:
            self.draw()

    # -- reading -----------------------------------------------------------------------------------
    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, t("gui.class.folder", self.lang), self.folder)
        if folder:
            self.open_paths([folder])

    def choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, t("gui.class.files", self.lang), self.folder,
                                                t("gui.filter.session", self.lang, suffix=SUFFIX))
        if paths:
            self.open_paths(paths)

    def open_paths(self, paths) -> None:
        """Read the session files (folders: every session file in them) in a worker thread."""
        from ..core.classroom import read_room

        self.paths = [str(p) for p in paths]
        self._requests += 1
        token = self._requests
        self.status.setText(t("gui.class.reading", self.lang))
        self.folder_button.setEnabled(False)
        self.files_button.setEnabled(False)

        def work():
            files = room = None
            try:
                files = read_room(self.paths, progress=lambda done, total: self._worker.progress.emit(done, total, token))
                room = files.room(names=False) if files.sessions else None
            finally:
                self._worker.done.emit(files, room, token)
        threading.Thread(target=work, name="read-class", daemon=True).start()

    def _progress(self, done: int, total: int, token: int) -> None:
        if token == self._requests:
            self.status.setText(t("gui.class.progress", self.lang, done=integer(done, self.lang),
                                  total=integer(total, self.lang)))

    def _scenario_chosen(self, *_) -> None:
        """Another scenario or names shown: the room again, in a worker (the pools are cached)."""
        if self.files is None or not self.files.sessions or self.scenario.currentData() is None:
            return
        self._requests += 1
        token = self._requests
        files, scenario, names = self.files, self.scenario.currentData(), self.names.isChecked()
        self.status.setText(t("gui.class.reading", self.lang))

        def work():
            room = None
            try:
                room = files.room(scenario, names=names)
            finally:
                self._worker.done.emit(files, room, token)
        threading.Thread(target=work, name="class-room", daemon=True).start()

    def _done(self, files, room, token: int) -> None:
        if token != self._requests:
            return
        self.folder_button.setEnabled(True)
        self.files_button.setEnabled(True)
        lang = self.lang
        if files is None:
            self.status.setText(t("gui.class.failed", lang))
            return
        if files is not self.files:
            self.files = files
            self.scenario.blockSignals(True)
            self.scenario.clear()
            for sid, count in files.scenarios().items():
                self.scenario.addItem(t("gui.class.scenario_item", lang, scenario=sid, count=integer(count, lang)), sid)
            self.scenario.blockSignals(False)
        notes = [t("cli.class.skipped", lang, note=n) for n in files.notes]
        shown_notes = notes if len(notes) <= NOTES_SHOWN else notes[:NOTES_SHOWN - 1] + [
            t("gui.class.more_notes", lang, count=len(notes) - NOTES_SHOWN + 1)]
        self.notes.setText("\n".join(shown_notes))
        self.notes.setToolTip("\n".join(notes))
        self.notes.setVisible(bool(notes))
        self.room = room
        if room is None:
            self.status.setText(t("cli.class.none", lang))
        self.summary_button.setEnabled(room is not None)
        self.records_button.setEnabled(bool(files.sessions))
        self.draw()
        self.room_ready.emit()

    # -- exporting ---------------------------------------------------------------------------------
    def export_summary(self, path: str | None = None) -> bool:
        """Export room summary…: the room as on screen (scenario, groups of the chosen attribute,
        names only when shown) on one A4 page, written in a worker thread."""
        room, lang, attribute = self.room, self.lang, self.attribute.currentData()
        if room is None:
            return False
        if not path:
            import os

            name = f"{room.scenario}-{lang}.pdf"
            path, _ = QFileDialog.getSaveFileName(self, t("gui.class.export_summary", lang),
                                                  os.path.join(self.folder, name) if self.folder else name, "PDF (*.pdf)")
        if not path:
            return False
        path = str(path)
        self.status.setText(t("gui.class.writing", lang, path=path))

        def work():
            from ..core.limits import os_reason
            from ..core.room_summary import room_summary
            from .handout import write_room_summary

            try:
                write_room_summary(room_summary(room, lang, attribute), path)
            except OSError as exc:
                self._worker.exported.emit("", f"{path}: {os_reason(exc)}")
            except Exception as exc:  # reported in the window rather than lost in the thread
                self._worker.exported.emit("", f"{path}: {type(exc).__name__}: {exc}")
            else:
                self._worker.exported.emit(t("gui.class.summary_saved", lang, path=path), "")
        threading.Thread(target=work, name="export-room-summary", daemon=True).start()
        return True

    def export_records(self, folder: str | None = None) -> bool:
        """Export participation records…: one PDF per participant of the files read (all their
        scenarios), named after the participant (or their learner id), written in a worker thread."""
        files, lang = self.files, self.lang
        if files is None or not files.sessions:
            return False
        if not folder:
            folder = QFileDialog.getExistingDirectory(self, t("gui.class.records_folder", lang), self.folder)
        if not folder:
            return False
        folder = str(folder)
        self.status.setText(t("gui.class.writing", lang, path=folder))

        def work():
            from ..core.limits import os_reason
            from ..core.record import room_records
            from .handout import RecordsError, write_records

            records = []
            try:
                records = room_records(files.sessions, lang)
                written = write_records(records, folder)
            except RecordsError as exc:
                self._worker.exported.emit("", t("gui.class.records_failed", lang, done=integer(len(exc.written), lang),
                                                 total=integer(len(records), lang), path=folder,
                                                 error=f"{exc.path.name}: {os_reason(exc)}"))
            except Exception as exc:  # reported in the window rather than lost in the thread
                self._worker.exported.emit("", f"{folder}: {type(exc).__name__}: {exc}")
            else:
                self._worker.exported.emit(t("gui.class.records_saved", lang, count=len(written), path=folder), "")
        threading.Thread(target=work, name="export-records", daemon=True).start()
        return True

    def _exported(self, message: str, problem: str) -> None:
        shown = message or t("gui.class.export_failed", self.lang, error=problem)
        self.status.setText(shown)
        self.exported.emit(shown, problem)

    # -- drawing -----------------------------------------------------------------------------------
    def draw(self, *_) -> None:
        room, lang = self.room, self.lang
        if room is None:
            return
        self.status.setText(t("cli.class.title", lang, title=pick(room.title, lang), scenario=room.scenario,
                              participants=integer(room.participants, lang), files=integer(room.files, lang)))
        attribute = self.attribute.currentData()
        self._draw_sides(self.unaided_chart, room.unaided, "side", ("room", "machine"), attribute,
                         t("gui.class.unaided_title", lang),
                         (t("cli.class.room_rate", lang), t("cli.class.machine_rate", lang)))
        if room.unaided_decisions:
            self.unaided_note.setText(t("cli.class.unaided_heading", lang, decisions=integer(room.unaided_decisions, lang),
                                        participants=integer(room.unaided_participants, lang),
                                        cvs=integer(room.unaided_cvs, lang)) + "\n" + t("cli.class.independence", lang))
        else:
            self.unaided_note.setText(t("cli.class.unaided_none", lang))
        self._draw_overrides(attribute)
        self._draw_sides(self.blind_chart, room.blind, "mode", ("blind", "open"), attribute,
                         t("gui.class.blind_title", lang),
                         (t("cli.class.blind_rate", lang), t("cli.class.open_rate", lang)))
        self.blind_note.setText(t("cli.class.blind_heading", lang, blind=integer(room.blind_participants, lang),
                                  open=integer(room.open_participants, lang)) + "\n" + t("cli.class.independence", lang))
        self._draw_quiz()
        self._draw_wrap_up()

    def _rows(self, frame, column: str, sides, attribute: str):
        mine = frame[frame["attribute"] == attribute]
        a = mine[mine[column] == sides[0]].set_index("group")
        b = mine[mine[column] == sides[1]].set_index("group")
        groups = [g for g in a.index if a.loc[g, "n"] > 0 or b.loc[g, "n"] > 0]
        return groups, a.loc[groups], b.loc[groups]

    def _draw_sides(self, chart: BarChart, frame, column: str, sides, attribute: str, title: str, names) -> None:
        lang = self.lang
        groups, a, b = self._rows(frame, column, sides, attribute)
        series = []
        for key, side, name, colour in ((sides[0], a, names[0], PALETTE[0]), (sides[1], b, names[1], PALETTE[1])):
            rate = side["rate"].to_numpy(dtype=float)
            series.append({"key": key, "name": name, "values": 100 * np.nan_to_num(rate), "colour": colour,
                           "low": 100 * side["rate_ci_low"].to_numpy(dtype=float),
                           "high": 100 * side["rate_ci_high"].to_numpy(dtype=float),
                           "texts": [f"{percent(r, lang, 0) if math.isfinite(r) else '—'} "
                                     f"({integer(s, lang)}/{integer(n, lang)})"
                                     for r, s, n in zip(rate, side["selected"], side["n"])]})
        chart.draw(title, [value_label(attribute, g, lang) for g in groups], series, 128.0,
                   t("gui.rates.rate_axis", lang), lang)

    def _draw_overrides(self, attribute: str) -> None:
        room, lang = self.room, self.lang
        o = room.overrides[(room.overrides["attribute"] == attribute) & (room.overrides["reviewed"] > 0)]
        up = o["overrides_up"].to_numpy(dtype=float)
        down = o["overrides_down"].to_numpy(dtype=float)
        n = o["reviewed"].to_numpy(dtype=float)
        xmax = max(float(np.max(np.r_[up, down, 1])) * 1.45, 5.0)
        self.overrides_chart.draw(
            t("gui.class.overrides_title", lang), [value_label(attribute, g, lang) for g in o["group"]],
            [{"key": "up", "name": t("cli.class.col_up", lang), "values": up, "colour": PALETTE[2],
              "texts": [t("gui.class.of_cards", lang, count=integer(u, lang), n=integer(m, lang)) for u, m in zip(up, n)]},
             {"key": "down", "name": t("cli.class.col_down", lang), "values": down, "colour": PALETTE[4],
              "texts": [t("gui.class.of_cards", lang, count=integer(d, lang), n=integer(m, lang)) for d, m in zip(down, n)]}],
            xmax, t("gui.class.overrides_axis", lang), lang)
        self.overrides_note.setText(
            t("cli.class.overrides_heading", lang, reviewed=integer(room.reviewed, lang),
              up=integer(room.overrides_up, lang), down=integer(room.overrides_down, lang)) + "\n"
            + t("cli.class.rubber_stamp", lang, flagged=integer(room.rubber_stamp, lang),
                judged=integer(room.flaggable, lang), min=integer(MIN_DECISIONS_FOR_FLAGS, lang),
                rate=percent(RUBBER_STAMP_RATE, lang, 0), reviewers=integer(room.reviewers, lang)))
        self.names_table.setVisible(room.names is not None)
        if room.names is not None:
            fill_table(self.names_table, [t("gui.class.col_name", lang), t("cli.class.col_reviewed", lang),
                                          t("cli.class.col_override_rate", lang)],
                       [[e.get("name") or "—", integer(e["reviewed"], lang), percent(e["override_rate"], lang)]
                        for e in room.per_participant])

    def _draw_quiz(self) -> None:
        room, lang = self.room, self.lang
        labels, counts, colours, parts = [], [], [], []
        for q in room.quiz:
            options = []
            for k, option in enumerate(q["options"]):
                letter = chr(ord("A") + k)
                labels.append(t("gui.class.quiz_row", lang, number=q["question"] + 1, letter=letter))
                counts.append(q["counts"][k])
                colours.append(RIGHT if k == q["answer"] else GREY)
                mark = " ✓" if k == q["answer"] else ""
                options.append(f"<b>{letter}{mark}</b> {html.escape(fill_texts(option, lang, room.text_values(lang)))}")
            parts.append(f"<p><b>{html.escape(t('cli.class.quiz_question', lang, number=q['question'] + 1, question=fill_texts(q['text'], lang, room.text_values(lang)), answered=integer(q['answered'], lang), correct=integer(q['correct'], lang)))}</b><br>"  # noqa: E501
                         + " · ".join(options) + "</p>")
        xmax = max(max(counts, default=0) * 1.3, 5.0)
        self.quiz_chart.draw(t("cli.class.quiz_heading", lang), labels,
                             [{"key": "chosen", "name": "", "values": np.asarray(counts, dtype=float), "colours": colours,
                               "texts": [integer(c, lang) for c in counts]}],
                             xmax, t("cli.class.col_chosen", lang), lang)
        self.quiz_text.setHtml("".join(parts) if parts else html.escape(t("cli.class.quiz_none", lang)))

    def _draw_wrap_up(self) -> None:
        room, lang = self.room, self.lang
        entries = room.self_check
        before = np.array([e["before"]["mean"] for e in entries], dtype=float)
        after = np.array([e["after"]["mean"] for e in entries], dtype=float)
        labels = [t("gui.class.statement_row", lang, number=k + 1) for k in range(len(entries))]
        counts = room.self_check_participants
        self.self_check_chart.draw(
            t("cli.class.selfcheck_heading", lang, before=integer(counts.get("before", 0), lang),
              after=integer(counts.get("after", 0), lang)), labels,
            [{"key": "before", "name": t("cli.class.col_before", lang), "values": before, "colour": PALETTE[5],
              "texts": [number(v, lang, 1) if math.isfinite(v) else "—" for v in before]},
             {"key": "after", "name": t("cli.class.col_after", lang), "values": after, "colour": PALETTE[0],
              "texts": [number(v, lang, 1) if math.isfinite(v) else "—" for v in after]}],
            5.6, t("gui.class.selfcheck_axis", lang), lang)
        lines = []
        from ..core.verdict import format_p

        for k, e in enumerate(entries):
            p = e["p_value"]
            test = format_p(p, lang) if math.isfinite(p) else "—"
            statement = t(f"selfcheck.statement.{e['statement']}", lang)
            lines.append(f"<b>{k + 1}</b> {html.escape(statement)} "
                         f"<span style='color:#555'>({html.escape(t('gui.class.paired', lang, n=integer(e['paired'], lang), p=test))})</span>")
        challenges = [html.escape(t("cli.class.challenge", lang, title=pick(c["title"], lang), met=integer(c["met"], lang),
                                    participants=integer(c["participants"], lang))) for c in room.challenges]
        heading = t("cli.class.challenges_heading", lang) if challenges else t("cli.class.challenges_none", lang)
        self.wrap_text.setHtml("<br>".join(lines) + f"<p><b>{html.escape(heading)}</b>"
                               + ("<br>" + "<br>".join(challenges) if challenges else "") + "</p>")
