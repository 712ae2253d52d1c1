"""What goes on a scenario's hand-out: every text and number of its pages, Qt-free.

``handout(result, lang, facilitator)`` takes a run (engine.RunResult — the one on screen, or one
the command line made) and returns a ``Handout``: the title, the lesson with its live numbers filled
in exactly as the window fills them (claims.text_values), the headline the window shows, a table of
the key numbers, the data of two charts (selection rates and impact ratios with their intervals, and
the funnel), the mechanism, the legal note of every rule (dated with law.AS_OF), the debrief
questions, the quiz (answers and why-texts only in the facilitator's version) and the sources.

Every number is computed here from the run, with the formatting the window and the command line
use; ``simulator.gui.handout`` only lays these strings and numbers out on A4 pages.
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, field

from .grouptable import OVERALL, STATUS_FEW
from .law import AS_OF
from .texts import integer, percent, pick, t
from .verdict import attribute_label, format_p, format_ratio, group_label

# The attribute the tables and charts show when the scenario has no focus claim.
DEFAULT_ATTRIBUTE = "gender"


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)  # lines under the table (hidden groups, legend)


@dataclass
class RateBar:
    """One group in the rates chart (hidden groups carry no numbers, only their label)."""

    label: str
    colour: int  # the group's index in world.CATEGORIES: the same colour as in the window
    rate: float
    rate_low: float
    rate_high: float
    ratio: float
    ratio_low: float
    ratio_high: float
    reference: bool
    hidden: bool
    rate_text: str
    ratio_text: str


@dataclass
class RatesChart:
    title_rate: str
    title_ratio: str
    axis_rate: str
    axis_ratio: str
    line_label: str  # the 0.8 line
    line: float
    bars: list[RateBar]


@dataclass
class FunnelGroup:
    label: str
    colour: int
    counts: list[int]  # applied, then remaining after each stage

    @property
    def shares(self) -> list[float]:
        return [c / self.counts[0] if self.counts[0] else 0.0 for c in self.counts]


@dataclass
class FunnelChart:
    title: str
    steps: list[str]  # "Applied", then each stage's name
    groups: list[FunnelGroup]
    counts_text: list[list[str]]  # per group, per step: the count as written in this language
    note: str = ""  # groups left out (under the size gate)


@dataclass
class QuizItem:
    question: str
    options: list[str]
    answer: int | None  # None in the participant's version
    explanation: str = ""
    why: list[str] = field(default_factory=list)


@dataclass
class LegalNote:
    rule: str
    level: str
    note: str


@dataclass
class Handout:
    """Every text and number on a hand-out, in one language (see the module docstring)."""

    lang: str
    facilitator: bool
    scenario_id: str
    title: str
    kind: str  # "Hand-out" or "Facilitator's version"
    meta: str  # seed, pool size, date and the app
    date: str
    seed: int
    headings: dict[str, str]
    lesson: str
    headline: list[str]
    goals: list[str]
    attribute: str  # the attribute of the table and charts (the focus claim's, else gender)
    table: Table
    rates: RatesChart
    funnel: FunnelChart
    mechanism: str
    legal_as_of: str
    legal: list[LegalNote]
    debrief: list[str]
    quiz: list[QuizItem]
    sources: list[str]
    footer: str

    def text(self) -> str:
        """All the hand-out's words in reading order (tests compare the PDF's text with it)."""
        parts = [self.title, self.kind, self.meta, self.lesson, *self.headline, *self.goals, *self.table.headers]
        parts += [cell for row in self.table.rows for cell in row] + self.table.notes
        parts += [self.mechanism, self.legal_as_of]
        parts += [x for n in self.legal for x in (n.rule, n.level, n.note)]
        parts += self.debrief
        for q in self.quiz:
            parts += [q.question, *q.options, q.explanation, *q.why]
        parts += self.sources
        return "\n".join(p for p in parts if p)


def date_text(day: _dt.date, lang: str) -> str:
    """A date as the language writes it: 30 November 2026 / 30 november 2026."""
    return t("handout.date", lang, day=day.day, month=t(f"handout.month.{day.month}", lang), year=day.year)


def chart_attribute(scenario) -> str:
    """What the hand-out groups by: the focus claim's attribute (as the window opens its views),
    for a single attribute; gender otherwise."""
    claim = scenario.focus_claim() if scenario is not None else None
    if claim is not None and " × " not in claim.attribute:
        return claim.attribute
    return DEFAULT_ATTRIBUTE


def _finite(x) -> bool:
    return x is not None and isinstance(x, (int, float)) and math.isfinite(x)


def _interval(low, high, lang: str) -> str:
    return f"{format_ratio(low, lang)}–{format_ratio(high, lang)}" if _finite(low) and _finite(high) else "—"


def key_numbers(measurement, attribute: str, lang: str) -> Table:
    """The key numbers of the whole process for one attribute: n, selected, rate, impact ratio with
    its 95% interval and Fisher's p, per group (hidden groups show no numbers)."""
    from .findings import public_groups

    singles = measurement.singles
    rows = public_groups(singles[(singles["stage"] == OVERALL) & (singles["attribute"] == attribute)])
    out = []
    notes = []
    for row in rows.to_dict("records"):
        name = group_label(attribute, row["group"], lang)
        if row["hidden"] or not _finite(row["n"]):
            if row["n"] != 0:
                out.append([name, "—", "—", "—", "—", "—", "—"])
                notes.append(t("handout.hidden_group", lang, group=name))
            continue
        if row["n"] == 0:
            continue
        reference = bool(row["reference"])
        if reference:
            ratio, interval, p = t("handout.reference", lang), "—", "—"
        else:
            ratio = format_ratio(row["impact_ratio"], lang) if _finite(row["impact_ratio"]) else "—"
            interval = _interval(row["impact_ratio_ci_low"], row["impact_ratio_ci_high"], lang)
            p = format_p(row["p_value"], lang) if _finite(row["p_value"]) else "—"
        note = ""
        if row["status"] == STATUS_FEW:
            note = t("cli.note.too_few", lang)
        out.append([name, integer(int(row["n"]), lang), integer(int(row["selected"]), lang), percent(row["rate"], lang),
                    ratio, interval, p + (f" · {note}" if note else "")])
    headers = [attribute_label(attribute, lang)[:1].upper() + attribute_label(attribute, lang)[1:], "n",
               t("cli.col.selected", lang), t("cli.col.rate", lang), t("cli.col.ir", lang), t("cli.col.ir_ci", lang),
               t("cli.col.p", lang)]
    notes.append(t("handout.table_note", lang))
    return Table(headers, out, notes)


def rates_chart(measurement, attribute: str, lang: str) -> RatesChart:
    """The window's Rates view for one attribute over the whole process, as numbers and labels."""
    from .findings import public_groups
    from .thresholds import FOUR_FIFTHS
    from .world import CATEGORIES

    singles = measurement.singles
    rows = public_groups(singles[(singles["stage"] == OVERALL) & (singles["attribute"] == attribute)])
    bars = []
    for row in rows.to_dict("records"):
        if row["n"] == 0:
            continue
        hidden = bool(row["hidden"]) or not _finite(row["n"])
        reference = bool(row["reference"])
        if hidden:
            rate_text = ratio_text = t("gui.status.hidden", lang)
        else:
            rate_text = percent(row["rate"], lang)
            if reference:
                ratio_text = t("gui.rates.reference", lang)
            elif _finite(row["impact_ratio"]):
                ratio_text = f"{format_ratio(row['impact_ratio'], lang)}  ({format_p(row['p_value'], lang)})"
            else:
                ratio_text = t("gui.status.not_enough", lang)
            if row["status"] == STATUS_FEW:
                rate_text += " · " + t("gui.status.too_few", lang)
        nan = float("nan")
        bars.append(RateBar(
            label=group_label(attribute, row["group"], lang), colour=CATEGORIES[attribute].index(row["group"]),
            rate=nan if hidden else float(row["rate"]), rate_low=nan if hidden else float(row["rate_ci_low"]),
            rate_high=nan if hidden else float(row["rate_ci_high"]),
            ratio=1.0 if reference else (nan if hidden else float(row["impact_ratio"])),
            ratio_low=nan if hidden or reference else float(row["impact_ratio_ci_low"]),
            ratio_high=nan if hidden or reference else float(row["impact_ratio_ci_high"]),
            reference=reference, hidden=hidden, rate_text=rate_text, ratio_text=ratio_text))
    return RatesChart(t("gui.rates.rate_title", lang), t("gui.rates.ratio_title", lang), t("gui.rates.rate_axis", lang),
                      t("gui.rates.ratio_axis", lang), t("gui.rates.rule_of_thumb", lang), FOUR_FIFTHS, bars)


def funnel_chart(outcome, attribute: str, lang: str) -> FunnelChart:
    """The window's Funnel view for one attribute: per group, how many remain after each stage."""
    from .report import funnel

    table = funnel(outcome, attribute)
    steps = list(range(outcome.n_stages + 1))
    groups, texts, left_out = [], [], []
    for code, record in enumerate(table.to_dict("records")):
        if record[0] == 0:
            continue
        name = group_label(attribute, record["group"], lang)
        if record["hidden"]:
            left_out.append(name)
            continue
        counts = [int(record[s]) for s in steps]
        groups.append(FunnelGroup(name, code, counts))
        texts.append([integer(c, lang) for c in counts])
    names = [t("gui.funnel.applied", lang)] + [stage.title(lang) for stage in outcome.pipeline.stages]
    note = t("handout.funnel_hidden", lang, groups=", ".join(left_out)) if left_out else ""
    return FunnelChart(t("handout.funnel_title", lang, attribute=attribute_label(attribute, lang)), names, groups, texts,
                       note)


def legal_notes(pipeline, lang: str) -> list[LegalNote]:
    """Each switched-on rule of the run: what it does, how the law looks at it, and why."""
    notes = []
    for _, _, rule in pipeline.flat_rules():
        if not rule.enabled:
            continue
        legal = rule.legality()
        described = rule.describe(lang)
        notes.append(LegalNote(described[:1].upper() + described[1:], legal.label(lang), legal.explain(lang)))
    return notes


def handout(result, lang: str, facilitator: bool = False, today: _dt.date | None = None, frozen=None) -> Handout:
    """The hand-out of a run (``result``: engine.RunResult; ``frozen``: the window's run A, which
    the lesson's before/after numbers may be read against, as on screen)."""
    from .claims import fill_texts, text_values

    scenario = result.measurement.scenario
    measurement = result.measurement
    day = today or _dt.date.today()
    values = text_values(result, lang, frozen)

    def fill(texts) -> str:
        return fill_texts(texts, lang, values)

    attribute = chart_attribute(scenario)
    seed = int(result.pool.settings.seed)
    size = len(result.pool)
    date = date_text(day, lang)
    title = pick(scenario.title, lang)
    kind = t("handout.kind.facilitator" if facilitator else "handout.kind.participant", lang)
    meta = t("handout.meta", lang, seed=seed, n=integer(size, lang),
             selected=integer(int(result.outcome.selected.sum()), lang), date=date)
    quiz = []
    for q in scenario.quiz:
        quiz.append(QuizItem(fill(q.question), [fill(o) for o in q.options], q.answer if facilitator else None,
                             fill(q.explanation) if facilitator else "",
                             [fill(w) if w else "" for w in q.why] if facilitator else []))
    headings = {key: t(f"handout.heading.{key}", lang) for key in
                ("lesson", "headline", "goals", "numbers", "charts", "mechanism", "legal", "debrief", "quiz",
                 "answer", "sources")}
    return Handout(
        lang=lang, facilitator=facilitator, scenario_id=scenario.id, title=title, kind=kind, meta=meta, date=date,
        seed=seed, headings=headings, lesson=fill(scenario.lesson),
        headline=measurement.findings.headline_sentences(lang)[:1],
        goals=[fill(g) for g in scenario.goals], attribute=attribute,
        table=key_numbers(measurement, attribute, lang), rates=rates_chart(measurement, attribute, lang),
        funnel=funnel_chart(result.outcome, attribute, lang),
        mechanism=fill(scenario.mechanism) if scenario.mechanism else "",
        legal_as_of=t("handout.legal_as_of", lang, date=pick(AS_OF, lang)),
        legal=legal_notes(result.outcome.pipeline, lang),
        debrief=[fill(d) for d in scenario.debrief], quiz=quiz, sources=list(scenario.sources),
        footer=t("handout.footer", lang, title=title, seed=seed, date=date))
