"""What goes on the room's one-page summary: every text and number, Qt-free.

``room_summary(room, lang, attribute)`` takes the class aggregation (``classroom.Room``, computed by
``RoomFiles.room``) and returns a ``RoomSummary``: the scenario's title, the date, how many
participants and session files counted and how many were skipped, the room's selection rates per
group beside the machine's (as chart data with Wilson intervals, for one attribute), overrides by
direction and rubber-stamping, blind against not blind, each quiz question's share right, the
challenges met and the self-check before → after. Nothing is computed here that ``classroom`` did
not compute; this module only picks the rows and writes them in one language. Names appear only
when the room was computed with ``names=True``. ``simulator.gui.handout.write_room_summary`` lays it
out on one A4 page.
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, field

from .handout import DEFAULT_ATTRIBUTE, Table, date_text
from .texts import integer, number, percent, pick, t

SIDES = ("room", "machine")


@dataclass
class PairedBar:
    """One group in the room-versus-machine chart: two rates with their Wilson intervals."""

    label: str
    rates: tuple[float, float]  # room, machine (nan when nobody of the group was judged on that side)
    lows: tuple[float, float]
    highs: tuple[float, float]
    texts: tuple[str, str]  # "41.2% (103/250)"


@dataclass
class PairedChart:
    title: str
    series: tuple[str, str]  # "room", "machine" in this language
    axis: str
    bars: list[PairedBar]


@dataclass
class RoomSummary:
    """Every text and number on the room's summary, in one language."""

    lang: str
    scenario_id: str
    title: str
    meta: str
    attribute: str
    names: str  # "" unless names were asked for
    headings: dict[str, str]
    unaided: str  # the sentence above the chart (or that nobody screened without advice)
    chart: PairedChart | None
    independence: str
    overrides: str
    overrides_table: Table
    rubber_stamp: str
    blind: str
    blind_table: Table
    quiz: Table | None  # None: no answers
    quiz_none: str
    challenges: list[str]
    self_check: Table | None
    self_check_note: str
    footer: str
    skipped: int = 0
    notes: list[str] = field(default_factory=list)

    def text(self) -> str:
        """All the summary's words in reading order (tests compare the PDF's text with it)."""
        parts = [self.title, self.meta, self.names, self.unaided, self.independence, self.overrides,
                 *self.overrides_table.headers, *(c for r in self.overrides_table.rows for c in r), self.rubber_stamp,
                 self.blind, *self.blind_table.headers, *(c for r in self.blind_table.rows for c in r)]
        if self.quiz is not None:
            parts += [*self.quiz.headers, *(c for r in self.quiz.rows for c in r)]
        parts += [self.quiz_none, *self.challenges]
        if self.self_check is not None:
            parts += [*self.self_check.headers, *(c for r in self.self_check.rows for c in r)]
        parts.append(self.self_check_note)
        return "\n".join(p for p in parts if p)


def summary_attribute(files, scenario_id: str) -> str:
    """The attribute the summary groups by when none is chosen: the scenario's focus claim's (as the
    hand-out and the window open their views), read from the first session file of that scenario."""
    from .handout import chart_attribute
    from .classroom import ATTRIBUTES

    for s in files.sessions:
        try:
            scenario = s.scenario()
        except Exception:  # checked when the file was read; a last resort
            continue
        if scenario.id == scenario_id:
            attribute = chart_attribute(scenario)
            return attribute if attribute in ATTRIBUTES else DEFAULT_ATTRIBUTE
    return DEFAULT_ATTRIBUTE


def _finite(x) -> bool:
    return x is not None and isinstance(x, (int, float)) and math.isfinite(x)


def _rate(r, lang: str) -> str:
    return percent(r, lang) if _finite(r) else "—"


def _share(part: int, whole: int, lang: str) -> str:
    return t("summary.share", lang, part=integer(part, lang), whole=integer(whole, lang),
             percent=percent(part / whole, lang, 0) if whole else "—")


def _sides(frame, column: str, sides: tuple[str, str], attribute: str):
    """Per group of ``attribute`` that either side judged: the two rows (core's numbers)."""
    mine = frame[frame["attribute"] == attribute]
    a = mine[mine[column] == sides[0]].set_index("group")
    b = mine[mine[column] == sides[1]].set_index("group")
    groups = [g for g in a.index if a.loc[g, "n"] > 0 or b.loc[g, "n"] > 0]
    return groups, a, b


def _count(row, lang: str) -> str:
    return f"{integer(int(row['selected']), lang)}/{integer(int(row['n']), lang)}"


def room_summary(room, lang: str, attribute: str = DEFAULT_ATTRIBUTE, today: _dt.date | None = None) -> RoomSummary:
    """The words and numbers of the room's one-page summary (``room``: classroom.Room)."""
    from .review import MIN_DECISIONS_FOR_FLAGS, RUBBER_STAMP_RATE
    from .texts import label
    from .verdict import format_p

    day = today or _dt.date.today()
    date = date_text(day, lang)
    title = pick(room.title, lang) if room.title else room.scenario
    attribute_name = t(f"attribute.{attribute}", lang)
    skipped = len(room.notes)
    meta = t("summary.meta", lang, date=date, participants=integer(room.participants, lang),
             files=integer(room.files, lang), skipped=integer(skipped, lang))
    headings = {key: t(f"summary.heading.{key}", lang, attribute=attribute_name)
                for key in ("unaided", "overrides", "blind", "quiz", "challenges", "self_check")}
    names = ""
    if room.names is not None:
        shown = [n for n in room.names if n]
        names = t("summary.names", lang, names=", ".join(shown) if shown else "—")
    # screening without advice: the room beside the machine
    chart = None
    if room.unaided_decisions:
        unaided = t("cli.class.unaided_heading", lang, decisions=integer(room.unaided_decisions, lang),
                    participants=integer(room.unaided_participants, lang), cvs=integer(room.unaided_cvs, lang))
        groups, a, b = _sides(room.unaided, "side", SIDES, attribute)
        bars = []
        for g in groups:
            rows = (a.loc[g], b.loc[g])
            bars.append(PairedBar(
                label=label(attribute, g, lang),
                rates=tuple(float(r["rate"]) if r["n"] else float("nan") for r in rows),
                lows=tuple(float(r["rate_ci_low"]) if r["n"] else float("nan") for r in rows),
                highs=tuple(float(r["rate_ci_high"]) if r["n"] else float("nan") for r in rows),
                texts=tuple(f"{_rate(r['rate'], lang)} ({_count(r, lang)})" if r["n"] else "—" for r in rows)))
        chart = PairedChart(t("summary.chart_title", lang, attribute=attribute_name),
                            (t("summary.series_room", lang), t("summary.series_machine", lang)),
                            t("gui.rates.rate_axis", lang), bars)
    else:
        unaided = t("cli.class.unaided_none", lang)
    # overrides by direction, rubber-stamping
    o = room.overrides[(room.overrides["attribute"] == attribute) & (room.overrides["reviewed"] > 0)]
    overrides_table = Table([attribute_name[:1].upper() + attribute_name[1:], t("cli.class.col_reviewed", lang),
                             t("cli.class.col_up", lang), t("cli.class.col_down", lang),
                             t("cli.class.col_override_rate", lang)],
                            [[label(attribute, r["group"], lang), integer(r["reviewed"], lang),
                              integer(r["overrides_up"], lang), integer(r["overrides_down"], lang),
                              _rate(r["override_rate"], lang)] for r in o.to_dict("records")])
    overrides = t("cli.class.overrides_heading", lang, reviewed=integer(room.reviewed, lang),
                  up=integer(room.overrides_up, lang), down=integer(room.overrides_down, lang))
    rubber = t("cli.class.rubber_stamp", lang, flagged=integer(room.rubber_stamp, lang),
               judged=integer(room.flaggable, lang), min=integer(MIN_DECISIONS_FOR_FLAGS, lang),
               rate=percent(RUBBER_STAMP_RATE, lang, 0), reviewers=integer(room.reviewers, lang))
    # blind or not
    groups, a, b = _sides(room.blind, "mode", ("blind", "open"), attribute)
    blind_rows = []
    for g in groups:
        cells = [label(attribute, g, lang)]
        for r in (a.loc[g], b.loc[g]):
            cells += [_count(r, lang), _rate(r["rate"], lang) if r["n"] else "—"]
        blind_rows.append(cells)
    blind_table = Table([attribute_name[:1].upper() + attribute_name[1:], t("cli.class.blind_rate", lang),
                         t("cli.col.rate", lang), t("cli.class.open_rate", lang), t("cli.col.rate", lang)], blind_rows)
    blind = t("cli.class.blind_heading", lang, blind=integer(room.blind_participants, lang),
              open=integer(room.open_participants, lang))
    # quiz: share right per question
    quiz = None
    if any(q["answered"] for q in room.quiz):
        from .claims import fill_texts

        quiz = Table([t("summary.col_question", lang), t("summary.col_answered", lang), t("summary.col_right", lang)],
                     [[f"{q['question'] + 1}. {fill_texts(q['text'], lang, room.text_values(lang))}", integer(q["answered"], lang),
                       _share(q["correct"], q["answered"], lang)] for q in room.quiz])
    challenges = [t("summary.challenge", lang, title=pick(c["title"], lang),
                    share=_share(c["met"], c["participants"], lang)) for c in room.challenges]
    # self-check before → after
    counts = room.self_check_participants
    self_check = None
    if counts.get("before") or counts.get("after"):
        rows = []
        for entry in room.self_check:
            change = entry["mean_change"]
            rows.append([t(f"selfcheck.statement.{entry['statement']}", lang),
                         number(entry["before"]["mean"], lang, 1) if _finite(entry["before"]["mean"]) else "—",
                         number(entry["after"]["mean"], lang, 1) if _finite(entry["after"]["mean"]) else "—",
                         integer(entry["paired"], lang),
                         (("+" if change > 0 else "") + number(change, lang, 1)) if _finite(change) else "—",
                         format_p(entry["p_value"], lang) if _finite(entry["p_value"]) else "—"])
        self_check = Table(["", t("cli.class.col_before", lang), t("cli.class.col_after", lang),
                            t("cli.class.col_paired", lang), t("cli.class.col_change", lang),
                            t("cli.class.col_p", lang)], rows)
        self_check_note = t("cli.class.selfcheck_heading", lang, before=integer(counts.get("before", 0), lang),
                            after=integer(counts.get("after", 0), lang))
    else:
        self_check_note = t("cli.class.selfcheck_none", lang)
    return RoomSummary(
        lang=lang, scenario_id=room.scenario, title=t("summary.title", lang, title=title), meta=meta,
        attribute=attribute, names=names, headings=headings, unaided=unaided, chart=chart,
        independence=t("cli.class.independence", lang), overrides=overrides, overrides_table=overrides_table,
        rubber_stamp=rubber, blind=blind, blind_table=blind_table, quiz=quiz,
        quiz_none="" if quiz is not None else t("cli.class.quiz_none", lang),
        challenges=challenges if challenges else [t("cli.class.challenges_none", lang)],
        self_check=self_check, self_check_note=self_check_note,
        footer=t("summary.footer", lang, title=title, date=date), skipped=skipped, notes=list(room.notes))
