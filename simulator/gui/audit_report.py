"""An audit's report as PDF, with the hand-out's machinery (``gui.handout``: A4, embedded fonts, vectors).

Core decides what goes on the pages (``core.audit_report``); this module only lays it out: the data
summary as a two-column table, per group column a selection-rate chart (bars with their Wilson 95%
interval and "rate · n" beside each) and the table of its numbers, the funnel when the audit has
stages, the findings, the legal lens (its table per column and intersection), the method notes and
the checklist. Nothing here needs a window or the GUI thread (a QGuiApplication must exist).
"""

from __future__ import annotations

import math
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen

from ..core.audit_report import ROWS_PER_PART, AuditReport, audit_report
from ..core.texts import percent
from .handout import INK, PdfPages, _axes, _colour, _esc, _font, _funnel_painter, _whisker


def _rate_painter(doc: PdfPages, chart, bars, lang: str):
    """One group column's selection rates: a bar per group with its 95% interval, "rate · n = …"
    beside it; a hidden group shows its name and "hidden" only."""
    mm = doc.mm
    row = 6.6 * mm
    top = 6.5 * mm  # the title
    axis = 9 * mm  # ticks and axis title
    height = top + row * max(len(bars), 1) + axis

    def paint(p: QPainter, x0: float, y0: float) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        label_font, value_font = _font(8), _font(7.5)
        metrics = QFontMetricsF(label_font, doc.writer)
        value_metrics = QFontMetricsF(value_font, doc.writer)
        label_w = min(max((metrics.horizontalAdvance(b.label) for b in bars), default=10) + 3 * mm, 52 * mm)
        text_w = max((value_metrics.horizontalAdvance(b.text) for b in bars), default=10) + 3 * mm
        left = x0 + label_w
        panel_w = doc.width - label_w - text_w
        highs = [100 * b.high for b in bars if not b.hidden and math.isfinite(b.high)]
        xmax = min(max(highs + [10.0]) * 1.05, 100.0)
        scale = panel_w / xmax
        p.setFont(_font(8.5, bold=True))
        p.setPen(QColor(INK))
        p.drawText(QRectF(x0, y0, doc.width, top - 1.5 * mm), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom
                   | Qt.TextFlag.TextSingleLine, chart.title)
        plot_top = y0 + top
        plot_bottom = plot_top + row * len(bars)
        _axes(p, left, plot_top, plot_bottom, panel_w, xmax, mm, lambda v: percent(v / 100, lang, 0))
        p.drawText(QRectF(left, plot_bottom + 4.8 * mm, panel_w, 3.7 * mm), Qt.AlignmentFlag.AlignCenter, chart.axis)
        bar_h = 3.6 * mm
        for k, b in enumerate(bars):
            y = plot_top + k * row
            p.setFont(label_font)
            p.setPen(QColor(INK))
            p.drawText(QRectF(x0, y, label_w - 2 * mm, row), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                       | Qt.TextFlag.TextWordWrap, b.label)
            bar_top = y + (row - bar_h) / 2
            end = left
            if not b.hidden and math.isfinite(b.rate):
                colour = _colour(b.colour)
                p.setPen(QPen(colour.darker(130), 0.2 * mm))
                p.setBrush(colour)
                p.drawRect(QRectF(left, bar_top, min(100 * b.rate, xmax) * scale, bar_h))
                end = left + min(100 * b.rate, xmax) * scale
                if math.isfinite(b.low) and math.isfinite(b.high):
                    a, c = left + max(100 * b.low, 0) * scale, left + min(100 * b.high, xmax) * scale
                    _whisker(p, a, c, bar_top + bar_h / 2, mm, (0.7, 0.3, 1.1))
                    end = max(end, c)
            p.setFont(value_font)
            p.setPen(QColor("#777777") if b.hidden else QColor(INK))
            p.drawText(QRectF(end + 1.2 * mm, y, text_w, row), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                       b.text)

    return height / mm, paint


def _pairs_html(pairs) -> str:
    """(label, value) lines as a two-column table."""
    rows = "".join(f"<tr><td width='42%' style='color:#444444'>{_esc(k)}</td><td>{_esc(v)}</td></tr>" for k, v in pairs)
    return f"<table width='100%' cellspacing='0' cellpadding='1.5' border='0'>{rows}</table>"


def _grid_painter(doc: PdfPages, table, points: float = 7.5):
    """A table drawn as vectors: every column of numbers as wide as its widest cell (never broken),
    headings wrapped at spaces, the first column (names from the file) taking the rest and wrapping.
    Rich-text tables break "24.5%–61.2%" or "geselecteerd" inside a narrow cell; this never does."""
    mm = doc.mm
    pad = 1.3 * mm
    while True:
        font, bold = _font(points), _font(points, bold=True)
        fm, bm = QFontMetricsF(font, doc.writer), QFontMetricsF(bold, doc.writer)
        widths = [0.0]
        for i in range(1, len(table.headers)):
            words = max((bm.horizontalAdvance(w) for w in table.headers[i].split()), default=0.0)
            cells = max((fm.horizontalAdvance(r[i]) for r in table.rows), default=0.0)
            widths.append(max(words, cells) + 2 * pad)
        widths[0] = doc.width - sum(widths[1:])
        if widths[0] >= 32 * mm or points <= 6:
            break
        points -= 0.5
    wrap = Qt.TextFlag.TextWordWrap

    def tall(metrics, width, text) -> float:
        return metrics.boundingRect(QRectF(0, 0, max(width - 2 * pad, 1.0), 1e6), wrap, text).height()

    head_h = max(tall(bm, w, h) for w, h in zip(widths, table.headers)) + 1.2 * pad
    heights = [max([tall(fm, widths[0], r[0])] + [fm.height()]) + 0.9 * pad for r in table.rows]
    height = head_h + sum(heights) + 0.5 * mm

    def paint(p: QPainter, x0: float, y0: float) -> None:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#E8EEF3"))
        p.drawRect(QRectF(x0, y0, doc.width, head_h))
        lefts = [x0]
        for w in widths[:-1]:
            lefts.append(lefts[-1] + w)
        p.setPen(QColor(INK))
        p.setFont(bold)
        for i, (x, w, h) in enumerate(zip(lefts, widths, table.headers)):
            align = (Qt.AlignmentFlag.AlignLeft if i == 0 else Qt.AlignmentFlag.AlignRight) | Qt.AlignmentFlag.AlignBottom
            p.drawText(QRectF(x + pad, y0 + 0.4 * pad, w - 2 * pad, head_h - 0.8 * pad), align | wrap, h)
        p.setFont(font)
        y = y0 + head_h
        for row, h in zip(table.rows, heights):
            for i, (x, w, text) in enumerate(zip(lefts, widths, row)):
                align = (Qt.AlignmentFlag.AlignLeft | wrap) if i == 0 else (Qt.AlignmentFlag.AlignRight | Qt.TextFlag.TextSingleLine)
                p.drawText(QRectF(x + pad, y + 0.45 * pad, w - 2 * pad, h - 0.45 * pad), align | Qt.AlignmentFlag.AlignTop, text)
            y += h
            p.setPen(QPen(QColor("#DDDDDD"), 0.15 * mm))
            p.drawLine(QPointF(x0, y), QPointF(x0 + doc.width, y))
            p.setPen(QColor(INK))

    return height / mm, paint


def _table(doc: PdfPages, table, points: float = 7.5) -> None:
    height, paint = _grid_painter(doc, table, points)
    doc.chart(height, paint)
    if table.notes:
        doc.space(0.8)
        doc.text("".join(f"<p class='small'>{_esc(n)}</p>" for n in table.notes))


def build_audit_report(r: AuditReport) -> PdfPages:
    """The pages of an audit report, laid out but not yet written."""
    doc = PdfPages(r.title, r.footer, r.lang)
    h = r.headings
    doc.text(f"<h1 style='font-size:15pt'>{_esc(r.title)}</h1><p class='meta'>{_esc(r.meta)}</p>"
             f"<p class='small'>{_esc(r.local)}</p>")
    doc.heading(h["data"])
    doc.text(_pairs_html(r.summary))
    if r.mapping:
        doc.heading(h["mapping"])
        doc.text("".join(f"<p>{_esc(line)}</p>" for line in r.mapping))
    doc.heading(h["findings"])
    # One block per paragraph: a block never runs off a page, however many sentences there are.
    for k, sentence in enumerate(r.findings):
        doc.text(f"<p class='headline'>{_esc(sentence)}</p>" if k == 0 else f"<p>{_esc(sentence)}</p>")
        doc.space(0.8)
    for sentence in r.stratified:
        doc.text(f"<p>{_esc(sentence)}</p>")
        doc.space(0.6)
    for k, line in enumerate(r.hidden):
        doc.text(f"<p class='small'>{_esc(line)}</p>" if k == 0 else f"<p class='small' style='margin-left:10px'>{_esc(line)}</p>")
    doc.heading(h["rates"])
    for chart, (heading, parts) in zip(r.charts, r.tables):
        for start in range(0, max(len(chart.bars), 1), ROWS_PER_PART):
            height, paint = _rate_painter(doc, chart, chart.bars[start:start + ROWS_PER_PART], r.lang)
            doc.chart(height, paint)
        doc.space(1.5)
        doc.text(f"<p><b>{_esc(heading)}</b></p>", keep_with_next=True)
        for table in parts:  # the chart's numbers right under it (a long table in parts)
            _table(doc, table)
        doc.space(3)
    if r.funnels:
        doc.heading(h["funnel"])
        for funnel in r.funnels:
            height, paint = _funnel_painter(doc, funnel, r.lang)
            doc.chart(height, paint)
            if funnel.note:
                doc.text(f"<p class='small'>{_esc(funnel.note)}</p>")
            doc.space(3)
    doc.heading(r.lens_title)
    for sentence in r.lens_sentences:
        doc.text(f"<p>{_esc(sentence)}</p>")
        doc.space(0.6)
    for name, table in r.lens_tables:
        doc.space(1.5)
        doc.text(f"<p><b>{_esc(name)}</b></p>", keep_with_next=True)
        _table(doc, table)
    if r.lens_notes:
        doc.space(1.5)
    for note in r.lens_notes:
        doc.text(f"<p class='small'>{_esc(note)}</p>")
        doc.space(0.6)
    doc.heading(h["method"])
    for note in r.method:
        doc.text(f"<p>{_esc(note)}</p>")
        doc.space(0.8)
    doc.heading(h["next"])
    doc.text(f"<p>{_esc(r.next_intro)}</p>", keep_with_next=True)
    doc.space(1, keep=True)
    for k, item in enumerate(r.checklist, start=1):
        body = f"<p><b>{k}. {_esc(item.title)}.</b> {_esc(item.text)}</p>"
        body += "".join(f"<p class='small' style='margin-left:12px'>{_esc(x)}</p>" for x in item.law)
        doc.text(body)
        doc.space(1.2)
    return doc


def write_audit_report(audit, path: str | Path, lang: str, lens: str = "nl", mapping=None) -> int:
    """Write the report of ``audit`` (core.audit.Audit) as an A4 PDF to ``path`` in ``lang`` with the legal
    ``lens`` ("nl" or "nyc"); ``mapping``: lines describing the mapping, or a mapping object for
    ``core.audit_mapping.describe_mapping``, or None (then ``audit.mapping`` if it has one). Returns the
    number of pages. Safe in a worker thread (no widgets); needs a QGuiApplication (``ensure_gui_application``).
    OSError when the file cannot be written (nothing is left behind)."""
    return build_audit_report(audit_report(audit, lang, lens, mapping)).write(path)
