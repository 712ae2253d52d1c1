"""Study: published studies' exact figures with the simulator's statistics, beside the simulation.

A scenario may replay several studies; each gets its own section (heading, table, notes). A ranking
replay (which group a model ranked first) shows one row per set of rankings: the lowest impact
ratio, whether it falls below 0.8, and the test of equal shares — the numbers come from core.
"""

from __future__ import annotations

import html
from functools import lru_cache

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractScrollArea, QFrame, QScrollArea, QVBoxLayout, QWidget

from ...core.findings import stratified_sentence
from ...core.replay import ranking_summary_sentence, ranking_table, replay_report, simulated_rates
from ...core.texts import integer, number, percent, pick, t
from ...core.verdict import format_p, format_ratio
from .base import View, caption, fill_table, plain_label, read_only_table


class StudySection(QWidget):
    """One replayed study: its heading, its table (all rows shown; the view scrolls) and its notes."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.heading = caption(bold=True)
        self.intro = caption()
        self.table = read_only_table()
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
        self.notes = caption()
        self.notes.setTextFormat(Qt.TextFormat.RichText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 8)
        for widget in (self.heading, self.intro, self.table, self.notes):
            layout.addWidget(widget)

    def fit_table(self) -> None:
        """Tall enough for every row, so the view's own scroll bar is the only one."""
        table = self.table
        table.resizeColumnsToContents()
        table.resizeRowsToContents()
        for r in range(table.rowCount()):  # two-line cells get a little air above and below
            table.setRowHeight(r, table.rowHeight(r) + 6)
        height = table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
        height += sum(table.rowHeight(r) for r in range(table.rowCount()))
        # Room for the horizontal scroll bar, which a narrow window may need (its need is known only
        # after the layout, so it is always reserved).
        height += table.horizontalScrollBar().sizeHint().height()
        table.setFixedHeight(height)


class StudyView(View):
    key = "study"

    def __init__(self, controller, parent=None):
        super().__init__(controller, parent)
        self.heading = caption(bold=True)  # the pointer to other scenarios when this one replays nothing
        # ... and under it the scenario's own sources: a file's text, shown as plain text.
        self.sources = plain_label()
        self.sources.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sources.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.sections: list[StudySection] = []
        self.reports: list = []
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(0, 0, 0, 0)
        self.body_layout.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(self.body)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.sources)
        layout.addWidget(self.scroll, 1)
        layout.addStretch(0)  # without a replay: keeps the heading and sources at the top
        self.retranslate()

    # The first study's parts (one-replay scenarios, and the tests written for them).
    @property
    def report(self):
        return self.reports[0] if self.reports else None

    @property
    def table(self):
        return self.sections[0].table if self.sections else None

    @property
    def notes(self):
        return self.sections[0].notes if self.sections else None

    def _sections(self, count: int) -> list[StudySection]:
        while len(self.sections) < count:
            section = StudySection()
            self.body_layout.insertWidget(len(self.sections), section)
            self.sections.append(section)
        while len(self.sections) > count:
            section = self.sections.pop()
            section.setParent(None)
            section.deleteLater()
        return self.sections

    def render(self) -> None:
        lang = self.lang
        replays = self.controller.scenario.replays if self.controller.scenario else []
        self.heading.setVisible(not replays)
        self.scroll.setVisible(bool(replays))
        sources = list(self.controller.scenario.sources) if self.controller.scenario and not replays else []
        self.sources.setVisible(bool(sources))
        self.layout().setStretch(3, 0 if replays else 1)
        if not replays:
            self.reports = []
            self._sections(0)
            self.heading.setText(t("gui.study.none", lang, titles=", ".join(
                f"‘{title}’" for title in replay_titles(lang))))
            self.sources.setText("\n".join([t("gui.study.sources", lang)] + [f"• {source}" for source in sources]))
            return
        self.reports = [replay_report(replay, lang) for replay in replays]
        for section, replay, report in zip(self._sections(len(replays)), replays, self.reports):
            self._render_section(section, replay, report, lang)

    def _render_section(self, section: StudySection, replay, report, lang: str) -> None:
        section.heading.setText(t("cli.replay.heading", lang, study=pick(replay.study, lang),
                                  outcome=pick(replay.outcome, lang)))
        notes = []
        if replay.ranking:
            section.intro.setText(t("replay.ranking.heading", lang))
            headers, rows = ranking_table(replay, report, lang)
            # Narrow columns keep the table within a laptop's width: headers wrapped, a group on one
            # line and its share below it, the model above the job.
            rows = [[row[0].replace(" · ", " ·\n"), *(cell.replace(" (", "\n(") for cell in row[1:3]), *row[3:]]
                    for row in rows]
            fill_table(section.table, [wrap_words(h) for h in headers], rows, right_from=1)
            if ranking_summary_sentence(report, lang):
                notes.append(html.escape(ranking_summary_sentence(report, lang)))
        else:
            headers = [t("gui.study.col.part", lang), t("cli.col.group", lang), "n", t("cli.col.selected", lang),
                       t("cli.col.rate", lang), t("cli.col.ir", lang), t("cli.col.ir_ci", lang), t("cli.col.p", lang)]
            rows = []
            for part, frame in [(t("cli.replay.all", lang), report.pooled)] + [
                    (t("cli.replay.stratum", lang, stratum=replay.stratum_name(k, lang)), v)
                    for k, v in report.per_stratum.items()]:
                for r in frame.itertuples():
                    ref = bool(r.reference)
                    rows.append([part, r.group, integer(r.n, lang), integer(r.selected, lang), percent(r.rate, lang),
                                 t("cli.note.reference", lang) if ref else format_ratio(r.impact_ratio, lang),
                                 "" if ref else f"{format_ratio(r.impact_ratio_ci_low, lang)}–{format_ratio(r.impact_ratio_ci_high, lang)}",
                                 "" if ref else format_p(r.p_value, lang)])
            fill_table(section.table, headers, rows, right_from=2)
        section.intro.setVisible(replay.ranking)
        # A ranking table is narrow: its last column (p) stays beside the others instead of stretching.
        section.table.horizontalHeader().setStretchLastSection(not replay.ranking)
        section.fit_table()
        for st in report.stratified:
            sentence = stratified_sentence(st, lang, st["group"], st["reference_group"],
                                           t("cli.replay.strata", lang, strata=", ".join(
                                               replay.stratum_name(k, lang) for k in report.per_stratum)))
            if sentence:
                notes.append(html.escape(sentence))
        for r in simulated_rates(replay, self.result.outcome, lang).itertuples():
            notes.append(html.escape(t("cli.replay.simulated", lang, group=r.group,
                                       published=percent(r.published_rate, lang),
                                       simulated=percent(r.simulated_rate, lang), n=integer(r.simulated_n, lang),
                                       z=number(r.z, lang))))
        if replay.citation:
            notes.append(f"<i>{html.escape(pick(replay.citation, lang))}</i>")  # a file's text, shown as text
        section.notes.setText("<br>".join(notes))  # each note escaped: the file's names show as text
        section.notes.setVisible(bool(notes))

    def data(self):
        return self.report


def wrap_words(text: str, width: int = 16) -> str:
    """A column header on lines of about ``width`` characters, broken between words."""
    lines: list[str] = []
    for word in text.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)


@lru_cache(maxsize=4)
def replay_titles(lang: str) -> tuple[str, ...]:
    """Titles of the built-in scenarios that replay a published study (read from the files, so the
    hint never names a title that changed; only the title is read, not the whole scenario)."""
    import tomllib

    from ...core.scenario import builtin_paths

    titles = []
    for path in builtin_paths():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError):
            continue
        if "replay" in data and isinstance(data.get("title"), dict):
            titles.append(pick(data["title"], lang))
    return tuple(titles)
