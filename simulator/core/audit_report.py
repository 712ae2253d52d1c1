"""What goes in an audit's PDF report: every text and number of its pages, Qt-free.

``audit_report(audit, lang, lens, mapping)`` takes an ``audit.Audit`` and returns an ``AuditReport``:
the data summary (file, sheet, rows read and audited, what was left out and why, unknown values per
column, the date, the mapping), one selection-rate chart and one table of numbers per group column
(hidden groups carry no numbers), the funnel when the audit has stages, the findings in plain
language (``Findings.sentences``, the stratified checks, what was hidden), the method notes, the
legal lens (``audit_lens``) and a short checklist of what to do next. ``simulator.gui.audit_report``
only lays these strings and numbers out on A4 pages (docs/design/0019).
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, field
from pathlib import Path

from .audit_lens import lens_headers, lens_notes, lens_rows, lens_sentences, lens_table, lens_title
from .findings import INTERVALS, public_groups, stratified_sentence
from .grouptable import OVERALL, STATUS_FEW, STATUS_UNKNOWN
from .handout import FunnelChart, FunnelGroup, Table, date_text
from .law import fact
from .limits import shown
from .texts import integer, number, percent, t
from .thresholds import ALPHA, FEW_N, MIN_N
from .verdict import format_p, format_ratio

# A table or chart longer than this is split into parts (a block never runs off the page).
ROWS_PER_PART = 30


@dataclass
class RateBar:
    """One group in a selection-rate chart (a hidden group carries only its label)."""

    label: str
    colour: int
    rate: float
    low: float
    high: float
    hidden: bool
    reference: bool
    text: str  # the rate and n as written beside the bar ("54.3% · n = 92"), or "hidden"


@dataclass
class RateChart:
    column: str
    title: str
    axis: str
    bars: list[RateBar]


@dataclass
class CheckItem:
    title: str
    text: str
    law: list[str] = field(default_factory=list)  # dated legal facts under the item


@dataclass
class AuditReport:
    """Every text and number of an audit report, in one language (see the module docstring)."""

    lang: str
    lens: str
    title: str
    meta: str
    footer: str
    date: str
    local: str
    headings: dict[str, str]
    summary: list[tuple[str, str]]
    mapping: list[str]
    findings: list[str]
    stratified: list[str]
    hidden: list[str]
    charts: list[RateChart]
    tables: list[tuple[str, list[Table]]]  # (heading, parts) per group column, in the order of ``charts``
    funnels: list[FunnelChart]
    lens_title: str
    lens_sentences: list[str]
    lens_tables: list[tuple[str, Table]]  # (table name, rows) for the NYC lens; [] for nl
    lens_notes: list[str]
    method: list[str]
    next_intro: str
    checklist: list[CheckItem]

    def text(self) -> str:
        """All the report's words in reading order (tests compare the PDF's text with it)."""
        parts = [self.title, self.meta, self.local]
        parts += [x for pair in self.summary for x in pair] + self.mapping
        parts += self.findings + self.stratified + self.hidden
        for heading, tables in self.tables:
            parts.append(heading)
            for table in tables:
                parts += [*table.headers] + [c for r in table.rows for c in r] + table.notes
        parts += [self.lens_title, *self.lens_sentences]
        for heading, table in self.lens_tables:
            parts += [heading, *table.headers] + [c for r in table.rows for c in r]
        parts += self.lens_notes + self.method + [self.next_intro]
        for item in self.checklist:
            parts += [item.title, item.text, *item.law]
        return "\n".join(p for p in parts if p)


def _finite(x) -> bool:
    return x is not None and isinstance(x, (int, float)) and math.isfinite(x)


def _name(text) -> str:
    """A name from the user's file, fit for a page: control characters escaped."""
    return shown(text, None)


def mapping_lines(audit, mapping, lang: str) -> list[str]:
    """The mapping as lines: ``mapping`` given as lines, or described by ``audit_mapping.describe_mapping``
    when that exists (the audit's own ``mapping`` when none is given); [] without one."""
    if mapping is None:
        mapping = getattr(audit, "mapping", None)
    if mapping is None:
        return []
    if isinstance(mapping, str):
        return [_name(line) for line in mapping.splitlines() if line.strip()]
    if isinstance(mapping, (list, tuple)):
        return [_name(line) for line in mapping]
    try:
        from .audit_mapping import describe_mapping
    except ImportError:
        return []
    return [_name(line) for line in describe_mapping(mapping, lang)]


def data_summary(audit, lang: str, lens: str, day: _dt.date) -> list[tuple[str, str]]:
    """(label, value) lines: what was read, what was audited, what was left out and why."""
    unmapped = getattr(audit, "unmapped", None)
    read = audit.rows + audit.no_decision + (unmapped or 0) + getattr(audit, "left_out", 0)
    out = [(t("audit.report.summary.file", lang), shown(audit.file or "—", 200))]
    if audit.sheet is not None:
        out.append((t("audit.report.summary.sheet", lang), _name(audit.sheet)))
    if audit.encoding:
        out.append((t("audit.report.summary.encoding", lang), audit.encoding))
    out.append((t("audit.report.summary.rows_read", lang), integer(read, lang)))
    out.append((t("audit.report.summary.rows", lang), integer(audit.rows, lang)))
    rate = percent(audit.selected / audit.rows, lang) if audit.rows else "—"
    out.append((t("audit.report.summary.selected", lang),
                t("audit.report.summary.selected_value", lang, selected=integer(audit.selected, lang), rate=rate)))
    if audit.sheet is not None or audit.blank_rows:
        out.append((t("audit.report.summary.blank", lang), integer(audit.blank_rows, lang)))
    out.append((t("audit.report.summary.no_decision", lang), integer(audit.no_decision, lang)))
    if unmapped is not None:
        out.append((t("audit.report.summary.unmapped", lang), integer(unmapped, lang)))
    if getattr(audit, "left_out", 0):
        out.append((t("audit.report.summary.left_out", lang), integer(audit.left_out, lang)))
    for column, count in audit.unknown.items():
        out.append((t("audit.report.summary.unknown", lang, column=_name(column)), integer(count, lang)))
    out.append((t("audit.report.summary.columns", lang),
                t("audit.report.summary.columns_value", lang, selected=_name(audit.selected_column),
                  groups=", ".join(f"“{_name(c)}”" if lang == "en" else f"‘{_name(c)}’" for c in audit.group_columns))))
    if audit.strata_column:
        out.append((t("audit.report.summary.strata", lang), _name(audit.strata_column)))
    stages = getattr(audit, "stages", None)
    if stages:
        out.append((t("audit.report.summary.stages", lang), " → ".join(_name(s) for s in stages)))
    out.append((t("audit.report.summary.lens", lang), lens_title(lens, lang)))
    out.append((t("audit.report.summary.date", lang), date_text(day, lang)))
    return out


def _column_rows(audit, column: str):
    g = public_groups(audit.groups)
    return g[(g["stage"] == OVERALL) & (g["attribute"] == column)]


def rate_chart(audit, column: str, lang: str) -> RateChart:
    """Selection rate per group of one column with its Wilson 95% interval and n; hidden groups by name only."""
    bars = []
    for k, row in enumerate(r for r in _column_rows(audit, column).to_dict("records") if r["status"] != STATUS_UNKNOWN):
        hidden = bool(row["hidden"]) or not _finite(row["n"])
        nan = float("nan")
        if hidden:
            text = t("audit.report.chart.hidden", lang)
        else:
            text = t("audit.report.chart.value", lang, rate=percent(row["rate"], lang), n=integer(int(row["n"]), lang))
            if row["reference"]:
                text += " · " + t("cli.note.reference", lang)
        bars.append(RateBar(_name(row["group"]), k, nan if hidden else float(row["rate"]),
                            nan if hidden else float(row["rate_ci_low"]), nan if hidden else float(row["rate_ci_high"]),
                            hidden, bool(row["reference"]) and not hidden, text))
    return RateChart(column, t("audit.report.chart.title", lang, column=_name(column)),
                     t("audit.report.chart.axis", lang), bars)


def numbers_table(audit, column: str, lang: str) -> Table:
    """The numbers behind the chart: n, selected, rate with its interval, impact ratio with its
    interval and Fisher's p per group (hidden groups: dashes; people without a value: n only)."""
    rows, notes = [], []
    few = False
    for row in _column_rows(audit, column).to_dict("records"):
        if row["status"] == STATUS_UNKNOWN:
            continue
        name = _name(row["group"])
        if row["hidden"] or not _finite(row["n"]):
            rows.append([name] + ["—"] * 7)
            notes.append(t("audit.report.table.hidden_row", lang, group=name))
            continue
        if row["status"] == STATUS_FEW:  # marked, and said once under the table
            name += " *"
            few = True
        if row["reference"]:  # named in the first column: the word is too long for a column of numbers
            name = t("audit.report.table.reference", lang, group=name)
            ratio, interval, p = number(1.0, lang, 2), "—", "—"
        else:
            ratio = format_ratio(row["impact_ratio"], lang) if _finite(row["impact_ratio"]) else "—"
            interval = (f"{format_ratio(row['impact_ratio_ci_low'], lang)}–{format_ratio(row['impact_ratio_ci_high'], lang)}"
                        if _finite(row["impact_ratio_ci_low"]) and _finite(row["impact_ratio_ci_high"]) else "—")
            p = format_p(row["p_value"], lang) if _finite(row["p_value"]) else "—"
        rate_ci = (f"{percent(row['rate_ci_low'], lang)}–{percent(row['rate_ci_high'], lang)}"
                   if _finite(row["rate_ci_low"]) else "—")
        rows.append([name, integer(int(row["n"]), lang), integer(int(row["selected"]), lang),
                     percent(row["rate"], lang), rate_ci, ratio, interval, p])
    unknown = audit.unknown.get(column, 0)
    if unknown:  # counted, never compared (the words go under the table: a cell this long squeezes the numbers)
        from .audit_view import unknown_label

        rows.append([unknown_label(audit, lang), integer(unknown, lang)] + ["—"] * 6)
        notes.append(t("audit.report.table.unknown", lang, missing=unknown_label(audit, lang)))
    headers = [t("audit.report.table.group", lang), "n", t("cli.col.selected", lang), t("cli.col.rate", lang),
               t("cli.col.rate_ci", lang), t("cli.col.ir", lang), t("cli.col.ir_ci", lang), t("cli.col.p", lang)]
    if few:
        notes.append(t("audit.report.table.few", lang, few=FEW_N))
    notes.append(t("audit.report.table.note", lang))
    return Table(headers, rows, notes)


def _parts(table: Table, size: int = ROWS_PER_PART) -> list[Table]:
    """A long table as parts of at most ``size`` rows (the notes under the last)."""
    if len(table.rows) <= size:
        return [table]
    chunks = [table.rows[i:i + size] for i in range(0, len(table.rows), size)]
    return [Table(table.headers, chunk, table.notes if k == len(chunks) - 1 else []) for k, chunk in enumerate(chunks)]


def funnel_charts(audit, lang: str) -> list[FunnelChart]:
    """Per group column, who reached each stage (only when the audit has stages and ``audit.audit_funnel``
    exists); hidden groups are left out and named under the chart."""
    stages = getattr(audit, "stages", None)
    if not stages:
        return []
    try:
        from .audit import audit_funnel
    except ImportError:
        return []
    out = []
    for column in audit.group_columns:
        table = audit_funnel(audit, column)
        groups, texts, left_out = [], [], []
        for code, record in enumerate(table.to_dict("records")):
            counts = [int(record[s]) for s in range(len(stages))]
            name = _name(record["group"])
            if record.get("hidden"):
                left_out.append(name)
                continue
            if counts[0] == 0:
                continue
            groups.append(FunnelGroup(name, code, counts))
            texts.append([integer(c, lang) for c in counts])
        note = t("audit.report.funnel_hidden", lang, groups=", ".join(left_out)) if left_out else ""
        out.append(FunnelChart(t("audit.report.funnel_title", lang, column=_name(column)),
                               [_name(s) for s in stages], groups, texts, note))
    return out


def method_notes(audit, lang: str) -> list[str]:
    """Which tests and intervals, and what the numbers can and cannot say without ground truth."""
    out = [t("audit.report.method.tests", lang, alpha=number(ALPHA, lang, 2)),
           t("audit.report.method.intervals", lang, method=INTERVALS["impact_ratio"]),
           t("audit.report.method.intersections", lang)]
    if audit.strata_column:
        out.append(t("audit.report.method.strata", lang, strata=_name(audit.strata_column)))
    out += [t("audit.report.method.hidden", lang, min_n=MIN_N), t("audit.report.method.not_proof", lang),
            t("audit.report.method.qualification", lang), t("audit.report.method.four_fifths", lang)]
    return out


def checklist(lang: str) -> list[CheckItem]:
    """What the employer does next: good practice, with the legal facts that back each step."""
    items = (("before_after", ()), ("cause", ("equal_treatment",)), ("explain", ("right_to_explanation", "gdpr_access")),
             ("human", ("gdpr_automated", "gdpr_human_review")),
             ("deployer", ("ai_act_high_risk", "deployer_duties", "ai_literacy")), ("records", ("ai_act_high_risk",)),
             ("inform", ("ai_act_high_risk",)))
    return [CheckItem(t(f"audit.report.next.{key}_title", lang), t(f"audit.report.next.{key}", lang),
                      [fact(k, lang) for k in facts]) for key, facts in items]


def audit_report(audit, lang: str, lens: str = "nl", mapping=None, today: _dt.date | None = None) -> AuditReport:
    """The report of an audit in ``lang`` with the legal ``lens`` (see the module docstring).
    ``mapping``: the lines describing the mapping used, or a mapping for ``describe_mapping``, or None."""
    day = today or _dt.date.today()
    date = date_text(day, lang)
    file = shown(Path(audit.file).name if audit.file else "—", 80)  # the whole path is in the data summary
    findings = audit.findings
    sentences = [_name(s) for s in findings.sentences(lang)]
    stratified = []
    for st in audit.stratified:
        s = stratified_sentence(st, lang, st["group"], st["reference_group"], audit.strata_column or "")
        if s and _name(s) not in sentences:
            stratified.append(_name(s))
    charts, tables = [], []
    for column in audit.group_columns:
        charts.append(rate_chart(audit, column, lang))
        tables.append((t("audit.report.table.title", lang, column=_name(column)),
                       _parts(numbers_table(audit, column, lang))))
    lens_tables = []
    table = lens_table(audit, lens)
    if table is not None:
        for attribute in dict.fromkeys(table["attribute"]):
            rows = lens_rows(table, attribute, lang)
            for part in _parts(Table(lens_headers(lang), rows)):
                lens_tables.append((_name(attribute), part))
    headings = {key: t(f"audit.report.heading.{key}", lang) for key in
                ("data", "mapping", "findings", "rates", "funnel", "lens", "method", "next")}
    return AuditReport(
        lang=lang, lens=lens, title=t("audit.report.title", lang, file=file),
        meta=t("audit.report.meta", lang, date=date, lens=lens_title(lens, lang)),
        footer=t("audit.report.footer", lang, file=shown(Path(audit.file).name if audit.file else "—", 50), date=date),
        date=date,
        local=t("audit.report.local", lang), headings=headings, summary=data_summary(audit, lang, lens, day),
        mapping=mapping_lines(audit, mapping, lang), findings=sentences, stratified=stratified,
        hidden=[_name(s) for s in findings.hidden_lines(lang, OVERALL)], charts=charts, tables=tables,
        funnels=funnel_charts(audit, lang), lens_title=t("audit.lens.heading", lang, title=lens_title(lens, lang)),
        lens_sentences=[_name(s) for s in lens_sentences(audit, lens, lang)], lens_tables=lens_tables,
        lens_notes=lens_notes(lens, lang), method=method_notes(audit, lang),
        next_intro=t("audit.report.next.intro", lang), checklist=checklist(lang))
