"""Candidates: a sortable, filterable table, a CV card with the decision trail, and what-if."""

from __future__ import annotations

import html

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (QComboBox, QGridLayout, QHeaderView, QLabel, QPushButton, QSplitter,
                               QTableView, QTextBrowser, QVBoxLayout, QWidget)

from ...core.export import candidate_names
from ...core.report import WHAT_IFS, what_if
from ...core.texts import integer, number, t
from ...core.world import CATEGORIES, CV_SIGNALS, GROUP_ATTRIBUTES, UNUSUAL_CV_FLAGS
from ..style import STYLE, compact_combo
from .base import View, caption, person_label, plain_tooltip, value_label

# "outcome" says why (the reason for a rejection) and comes right after the name, so it stays on
# screen however narrow the window; its full text is also the cell's tooltip.
COLUMNS = ("id", "name", "outcome", "gender", "age", "origin", "education", "gap", "unusual", "qualified")


BLOCK = 200  # rows whose names and reasons are worded together

class CandidateModel(QAbstractTableModel):
    """A view of the pool through an index array; cells are formatted on demand (100,000 rows are fine)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.outcome = None
        self.rows = np.array([], dtype=np.intp)
        self.lang = "en"
        self._names: dict[int, str] = {}
        self._reasons: dict[int, str] = {}  # the reason column, worded once per candidate (repaints ask often)
        self._full: dict[int, str] = {}  # the whole sentence, for the tooltip

    def set_data(self, outcome, rows: np.ndarray, lang: str) -> None:
        self.beginResetModel()
        if outcome is not self.outcome:
            self._names = {}
        if outcome is not self.outcome or lang != self.lang:
            self._reasons, self._full = {}, {}
        self.outcome, self.rows, self.lang = outcome, rows, lang
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()):  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()):  # noqa: N802
        return len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return t(f"gui.candidates.col.{COLUMNS[section]}", self.lang)
        return None

    def _fill_block(self, row: int) -> None:
        """Names and reasons for the block of rows around ``row``, worded in one call each: a repaint
        asks for a screenful of rows, and one call per cell cost a third of a redraw."""
        start = row - row % BLOCK
        indices = np.asarray(self.rows[start:start + BLOCK], dtype=np.intp)
        names = candidate_names(self.outcome.pool, indices)
        codes, texts = self.outcome.reason_table(self.lang, indices)
        short = [self._short(text) for text in texts]
        for k, i in enumerate(indices.tolist()):
            self._names[i] = str(names[k])
            self._full[i] = texts[codes[k]]
            self._reasons[i] = short[codes[k]]

    def _short(self, text: str) -> str:
        """The column is narrow: "✘ stage: why" rather than "Rejected at ‘stage’: why" (the card and
        the tooltip keep the full sentence)."""
        if text == t("reason.selected", self.lang):
            return "✔ " + t("stage.selected", self.lang)
        for stage in self.outcome.pipeline.stages:
            prefix = t("reason.rejected_at", self.lang, stage=stage.title(self.lang))
            if text.startswith(prefix):
                return f"✘ {stage.title(self.lang)}: {text[len(prefix):].strip()}"
        return text

    def _row_of(self, i: int) -> int:
        hits = np.flatnonzero(self.rows == i)
        return int(hits[0]) if len(hits) else -1

    def _worded(self, store: dict, i: int, row: int | None, alone):
        """``store[i]``, worded with its block of rows; ``alone(i)`` for a candidate not in the table."""
        if i not in store:
            row = self._row_of(i) if row is None else row
            if row < 0:
                return alone(i)
            self._fill_block(row)
        return store[i]

    def name(self, i: int, row: int | None = None) -> str:
        return self._worded(self._names, i, row,
                            lambda i: str(candidate_names(self.outcome.pool, np.array([i]))[0]))

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.TextAlignmentRole,
                                               Qt.ItemDataRole.ToolTipRole):
            return None
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(self.full_reason(int(self.rows[index.row()]), index.row())) if column == "outcome" \
                else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter) if column in ("id", "age", "gap") \
                else None
        i = int(self.rows[index.row()])
        pool, lang = self.outcome.pool, self.lang
        if column == "id":
            return str(int(pool["id"][i]))
        if column == "name":
            return self.name(i, index.row())
        if column in ("gender", "origin", "education"):
            return person_label(column, CATEGORIES[column][int(pool[column][i])], lang)
        if column == "age":
            return str(int(pool["age"][i]))
        if column == "gap":
            return str(int(pool["longest_gap_months"][i]))
        if column == "unusual":
            return ", ".join(t(f"unusual.{f}", lang) for f in UNUSUAL_CV_FLAGS if pool[f"unusual_{f}"][i])
        if column == "qualified":
            return t("common.yes" if pool["qualified"][i] else "common.no", lang)
        return self.reason(i, index.row())

    def full_reason(self, i: int, row: int | None = None) -> str:
        """The decision trail's sentence ("Rejected at ‘stage’: …"), for the tooltip."""
        return self._worded(self._full, i, row, lambda i: self.outcome.reasons(self.lang, np.array([i]))[0])

    def reason(self, i: int, row: int | None = None) -> str:
        """Why this candidate was selected or rejected, in plain words (the decision trail's reason)."""
        return self._worded(self._reasons, i, row, lambda i: self._short(self.full_reason(i)))

    def sort_key(self, column: str) -> np.ndarray:
        pool = self.outcome.pool
        if column == "name":
            return candidate_names(pool).astype(str)
        if column == "gap":
            return pool["longest_gap_months"]
        if column == "unusual":
            return pool["unusual_any"].astype(int) + pool["unusual_part_time"]
        if column == "outcome":
            return self.outcome.stopped_at
        return pool[column]


class CandidatesView(View):
    key = "candidates"
    candidate_selected = Signal(int)

    def __init__(self, controller, parent=None):
        super().__init__(controller, parent)
        self.model = CandidateModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # Column widths come from the first rows only: measuring 100,000 rows would take seconds.
        self.table.horizontalHeader().setResizeContentsPrecision(30)
        self._sized = False
        self.table.horizontalHeader().setSectionsClickable(True)
        self.table.horizontalHeader().sectionClicked.connect(self._sort)
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self._sort_column, self._sort_descending = None, False
        self.filters: dict[str, QComboBox] = {}
        self.filter_labels: dict[str, QLabel] = {}
        filter_bar = QGridLayout()
        for k, name in enumerate(("group", "outcome", "unusual", "qualified")):
            label, combo = QLabel(), compact_combo(QComboBox(), 12)
            combo.currentIndexChanged.connect(self._apply_filters)
            self.filters[name], self.filter_labels[name] = combo, label
            filter_bar.addWidget(label, k // 2, 2 * (k % 2))
            filter_bar.addWidget(combo, k // 2, 2 * (k % 2) + 1)
        filter_bar.setColumnStretch(1, 1)
        filter_bar.setColumnStretch(3, 1)
        self.count_label = QLabel()
        self.card = QTextBrowser()
        self.what_if_buttons: dict[str, QPushButton] = {}
        buttons = QGridLayout()
        for k, change in enumerate(WHAT_IFS):
            button = QPushButton()
            button.clicked.connect(lambda _=False, c=change: self.run_what_if(c))
            self.what_if_buttons[change] = button
            buttons.addWidget(button, k // 2, k % 2)
        self.what_if_label = QLabel()
        self.what_if_label.setWordWrap(True)
        self.what_if_title = caption(points=10, bold=True)  # scaled again in presentation mode
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.card, 1)
        right_layout.addWidget(self.what_if_title)
        right_layout.addLayout(buttons)
        right_layout.addWidget(self.what_if_label)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(filter_bar)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.count_label)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([1000, 520])
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        self.current: int | None = None
        self._fill_filters()
        self.retranslate()

    # -- filters ---------------------------------------------------------------------------------
    def _fill_filters(self) -> None:
        lang = self.lang
        options = {
            "group": [(t("gui.candidates.all", lang), None)] + [
                (f"{t(f'attribute.{a}', lang)}: {value_label(a, v, lang)}", (a, i))
                for a in GROUP_ATTRIBUTES for i, v in enumerate(CATEGORIES[a])],
            "outcome": [(t("gui.candidates.all", lang), None), (t("stage.selected", lang), "selected"),
                        (t("gui.candidates.rejected", lang), "rejected")],
            "unusual": [(t("gui.candidates.all", lang), None), (t("gui.candidates.any_unusual", lang), "any")] + [
                (t(f"unusual.{f}", lang), f) for f in UNUSUAL_CV_FLAGS],
            "qualified": [(t("gui.candidates.all", lang), None), (t("gui.candidates.suitable", lang), True),
                          (t("gui.candidates.not_suitable", lang), False)],
        }
        for name, items in options.items():
            combo = self.filters[name]
            current = combo.currentIndex()
            combo.blockSignals(True)
            combo.clear()
            for text, data in items:
                combo.addItem(text, data)
            combo.setCurrentIndex(max(current, 0))
            combo.blockSignals(False)

    def set_filter(self, name: str, data) -> None:
        """Choose a filter value by its data (used by tests and the walk-through)."""
        combo = self.filters[name]
        for i in range(combo.count()):
            if combo.itemData(i) == data:
                combo.setCurrentIndex(i)
                return
        raise ValueError(f"no filter value {data!r} for {name}")

    def filtered_rows(self) -> np.ndarray:
        outcome = self.result.outcome
        pool = outcome.pool
        mask = np.ones(len(pool), dtype=bool)
        group = self.filters["group"].currentData()
        if group is not None:
            mask &= pool[group[0]] == group[1]
        result = self.filters["outcome"].currentData()
        if result == "selected":
            mask &= outcome.selected
        elif result == "rejected":
            mask &= ~outcome.selected
        unusual = self.filters["unusual"].currentData()
        if unusual == "any":
            mask &= pool["unusual_any"]
        elif unusual is not None:
            mask &= pool[f"unusual_{unusual}"]
        qualified = self.filters["qualified"].currentData()
        if qualified is not None:
            mask &= pool["qualified"] == qualified
        rows = np.flatnonzero(mask)
        if self._sort_column is not None:
            key = self.model.sort_key(self._sort_column)[rows]
            order = np.argsort(key, kind="stable")
            rows = rows[order[::-1]] if self._sort_descending else rows[order]
        return rows

    def _apply_filters(self) -> None:
        if self.result is not None:
            self.render()

    def _sort(self, section: int) -> None:
        column = COLUMNS[section]
        if self._sort_column == column:
            self._sort_descending = not self._sort_descending
        else:
            self._sort_column, self._sort_descending = column, False
        self._apply_filters()

    # -- drawing ---------------------------------------------------------------------------------
    def retranslate(self) -> None:
        lang = self.lang
        for name, label in self.filter_labels.items():
            label.setText(t(f"gui.candidates.filter.{name}", lang))
        self._fill_filters()
        for change, button in self.what_if_buttons.items():
            button.setText(_capital(t(f"gui.whatif.{change}", lang)))
        self.what_if_title.setText(t("gui.whatif.title", lang))
        super().retranslate()

    def apply_style(self) -> None:
        self._sized = False  # presentation mode's larger text needs wider columns
        super().apply_style()

    def render(self) -> None:
        rows = self.filtered_rows()
        self.model.set_data(self.result.outcome, rows, self.lang)
        self.count_label.setText(t("gui.candidates.count", self.lang, shown=integer(len(rows), self.lang),
                                   total=integer(len(self.result.pool), self.lang)))
        if not self._sized and len(rows):
            self.table.resizeColumnsToContents()
            # The reason can be long: a readable width, the rest in its tooltip (and on the card).
            column = COLUMNS.index("outcome")
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), int(360 * STYLE.scale)))
            self._sized = True
        if len(rows):
            keep = self.current if self.current is not None and self.current in set(rows[:5000].tolist()) else None
            self.show_candidate(int(rows[0]) if keep is None else keep)
        else:
            self.card.setHtml(f"<p>{t('gui.candidates.none', self.lang)}</p>")
        self.what_if_label.clear()

    def _selected(self) -> None:
        indexes = self.table.selectionModel().selectedRows()
        if indexes:
            self.show_candidate(int(self.model.rows[indexes[0].row()]))

    def show_candidate(self, index: int) -> None:
        self.current = index
        self.card.setHtml(self.card_html(index))
        self.what_if_label.clear()
        self.candidate_selected.emit(index)

    def card_html(self, i: int) -> str:
        lang = self.lang
        outcome = self.result.outcome
        pool = outcome.pool
        trail = outcome.trail(i, lang)
        e = html.escape

        def cat(column):
            return person_label(column, CATEGORIES[column][int(pool[column][i])], lang)

        rows = [
            (t("field.gender", lang), cat("gender")), (t("field.age", lang), str(int(pool["age"][i]))),
            (t("field.origin", lang), f"{cat('origin')} ({cat('region')})"),
            (t("field.disability", lang), cat("disability")), (t("field.parent", lang), cat("parent")),
            (t("field.education", lang), f"{cat('education')} · {cat('diploma_country')}"),
            (t("field.experience_years", lang), str(int(pool["experience_years"][i]))),
            (t("field.current_gap_months", lang), str(int(pool["current_gap_months"][i]))),
            (t("field.past_gap_months", lang), str(int(pool["past_gap_months"][i]))),
            # the reason belongs to the gaps, current or past: its own line, and only if there is a gap
            *([(t("field.gap_reason", lang), cat("gap_reason"))]
              if pool["current_gap_months"][i] or pool["past_gap_months"][i] else []),
            (t("field.dutch_level", lang), cat("dutch_level")),
            (t("field.driving_licence", lang), t("common.yes" if pool["driving_licence"][i] else "common.no", lang)),
            (t("field.skills_count", lang), str(int(pool["skills_count"][i]))),
            (t("gui.card.cv_signals", lang), ", ".join(t(f"field.{c}", lang) for c in CV_SIGNALS if pool[c][i]) or "—"),
            (t("gui.card.unusual", lang), ", ".join(t(f"unusual.{f}", lang) for f in UNUSUAL_CV_FLAGS
                                                      if pool[f"unusual_{f}"][i]) or t("gui.missed.no_unusual", lang)),
            (t("gui.card.suitable", lang), t("common.yes" if pool["qualified"][i] else "common.no", lang)
             + f" ({number(float(pool['suitability'][i]), lang)})"),
        ]
        if pool.settings.several_vacancies():  # say which vacancy this candidate applied for
            rows.insert(0, (t("field.applied_for", lang), cat("applied_for")))
        table = "".join(f"<tr><td style='color:#555'>{e(k)}</td><td>{e(v)}</td></tr>" for k, v in rows)
        colour = "#1B7837" if trail["selected"] else "#B2182B"
        scores = ", ".join(f"{e(k)}: {number(v, lang, 1)}" for k, v in trail["scores"].items() if v is not None)
        verdict = _capital(t("stage.selected", lang)) if trail["selected"] else t("gui.card.rejected", lang)
        why = "" if trail["selected"] else f"<p>{e(trail['reason'])}</p>"  # "Selected" needs no second line
        return (f"<h2>{e(self.model.name(i) if self.model.outcome is outcome else str(candidate_names(pool, np.array([i]))[0]))}"
                f" <span style='color:#777;font-size:small'>#{trail['id']}</span></h2>"
                # the decision first: on a projector the card is short, and the why must be seen
                f"<h3 style='color:{colour}'>{e(verdict)}</h3>{why}"
                f"<table cellpadding='2'>{table}</table>"
                + (f"<p style='color:#555'>{e(t('gui.card.scores', lang))}: {scores}</p>" if scores else ""))

    # -- what-if ---------------------------------------------------------------------------------
    def run_what_if(self, change: str):
        if self.result is None or self.current is None:
            return None
        result = what_if(self.result.outcome, self.current, change)
        lang = self.lang
        stages = self.result.outcome.pipeline.stages

        def where(stop):
            return t("stage.selected", lang) if stop == len(stages) else t("gui.candidates.rejected_at", lang,
                                                                            stage=stages[stop].title(lang))

        key = "gui.whatif.flips" if result.flipped else "gui.whatif.same"
        self.what_if_label.setText(t(key, lang, change=_capital(t(f"gui.whatif.{change}", lang)), before=where(result.stage_before),
                                     after=where(result.stage_after)))
        self.what_if_label.setStyleSheet("color: #B2182B; font-weight: bold" if result.flipped else "color: #333333")
        return result

    def data(self):
        return self.model.rows


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
