"""Study: a published study's exact figures with the simulator's statistics, beside the simulation."""

from __future__ import annotations

import html
from functools import lru_cache

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout

from ...core.findings import stratified_sentence
from ...core.replay import equal_share_sentences, replay_report, simulated_rates
from ...core.texts import integer, number, percent, pick, t
from ...core.verdict import format_p, format_ratio
from .base import View, caption, fill_table, read_only_table


class StudyView(View):
    key = "study"

    def __init__(self, controller, parent=None):
        super().__init__(controller, parent)
        self.heading = caption(bold=True)
        self.table = read_only_table()
        self.notes = caption()
        self.notes.setTextFormat(Qt.TextFormat.RichText)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.notes)
        self.report = None
        self.retranslate()

    def render(self) -> None:
        lang = self.lang
        replay = self.controller.scenario.replay if self.controller.scenario else None
        self.table.clear()
        self.table.setRowCount(0)
        self.table.setVisible(replay is not None)  # without a study: one line, not an empty table
        if replay is None:
            self.report = None
            self.heading.setText(t("gui.study.none", lang, titles=", ".join(
                f"‘{title}’" for title in replay_titles(lang))))
            self.notes.clear()
            return
        report = replay_report(replay, lang)
        self.report = report
        self.heading.setText(t("cli.replay.heading", lang, study=pick(replay.study, lang),
                               outcome=pick(replay.outcome, lang)))
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
        fill_table(self.table, headers, rows, right_from=2)
        notes = [html.escape(sentence) for sentence in equal_share_sentences(replay, report, lang)]
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
            notes.append(f"<i>{html.escape(replay.citation)}</i>")  # a file's text, shown as text
        self.notes.setText("<br>".join(notes))  # each note escaped: the file's names show as text

    def data(self):
        return self.report


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
