"""Hand-outs and participation records as PDF, with Qt's own PDF writer (QPdfWriter + QPainter).

Core decides what goes on the pages (``core.handout``, ``core.record``); this module only lays it
out on A4: text blocks are QTextDocuments (selectable text, the fonts embedded by Qt's PDF engine),
the two charts are drawn with QPainter as vectors, so they print sharp. Nothing here needs a window
or the GUI thread: the window writes a hand-out in a worker thread, the command line with an
offscreen QGuiApplication.

Layout: a list of blocks (text, chart, space) placed top to bottom; a block that does not fit goes
to the next page, a heading goes with the block after it; each page gets a footer with the page
number. The PDF is made in memory and written to a hidden file beside the target that is then
renamed into place, so a path that cannot be written gives an OSError with the reason, and never
half a file. The room's one-page summary (``write_room_summary``) and a folder of participation
records (``write_records``) use the same pages.
"""

from __future__ import annotations

import html
import math
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import (QColor, QFont, QFontMetricsF, QGuiApplication, QPageLayout, QPageSize, QPainter,
                           QPdfWriter, QPen, QTextDocument)

from ..core.texts import number, percent, t

RESOLUTION = 600  # dots per inch of the PDF's coordinates (text and vectors are resolution-free)
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#000000"]  # style.PALETTE
GREY = "#9A9A9A"
INK = "#1A1A1A"
ACCENT = "#0B4F7C"
BODY_PT = 9.5



def _whisker(p, a: float, c: float, mid: float, mm: float, sizes: tuple[float, float, float]) -> None:
    """An interval from ``a`` to ``c`` at height ``mid``: a dark line with end ticks over a wider white
    one, so it stays visible on a dark bar (black in the palette). ``sizes``: white width, dark width
    and tick half-height, in mm."""
    white, dark, tick = sizes
    for pen in (QPen(QColor("#FFFFFF"), white * mm), QPen(QColor("#222222"), dark * mm)):
        p.setPen(pen)
        p.drawLine(QPointF(a, mid), QPointF(c, mid))
        for end in (a, c):
            p.drawLine(QPointF(end, mid - tick * mm), QPointF(end, mid + tick * mm))

def _family() -> str:
    """The font of the text: the application's, which has ë, é, ’, – and € on every platform we ship."""
    return QGuiApplication.font().family()


def _plain_letters(font: QFont) -> QFont:
    """No ligatures: a reader who selects or searches "different" gets "ff", not the one glyph "ﬀ"."""
    for tag in ("liga", "clig", "dlig"):
        font.setFeature(QFont.Tag(tag), 0)
    return font


def _esc(text: str) -> str:
    return html.escape(text, quote=False).replace("\n", "<br>")


def _css() -> str:
    return (f"body {{ font-size: {BODY_PT}pt; color: {INK}; }}"
            f"h1 {{ font-size: 17pt; font-weight: bold; color: {ACCENT}; margin: 0; }}"
            f"h2 {{ font-size: 11.5pt; font-weight: bold; color: {ACCENT}; margin-top: 0; margin-bottom: 0; }}"
            "p { margin-top: 0; margin-bottom: 0; }"
            "li { margin-bottom: 2px; }"
            ".meta { color: #555555; font-size: 8.5pt; }"
            ".small { color: #444444; font-size: 8pt; }"
            ".headline { font-weight: bold; font-size: 10.5pt; }"
            "th { background-color: #E8EEF3; font-weight: bold; }"
            ".answer { color: #1B7837; font-weight: bold; }")


# ---------------------------------------------------------------------------------------------
# Blocks and pages
# ---------------------------------------------------------------------------------------------

class _Text:
    """Rich text laid out to the page width (a QTextDocument on the PDF's resolution)."""

    def __init__(self, writer, width: float, body: str, keep_with_next: bool = False):
        self.doc = QTextDocument()
        self.doc.documentLayout().setPaintDevice(writer)
        self.doc.setDocumentMargin(0)
        font = QFont(_family())
        font.setPointSizeF(BODY_PT)
        self.doc.setDefaultFont(_plain_letters(font))
        self.doc.setDefaultStyleSheet(_css())
        self.doc.setHtml(f"<body>{body}</body>")
        self.doc.setTextWidth(width)
        self.height = self.doc.size().height()
        self.keep_with_next = keep_with_next

    def draw(self, painter: QPainter, x: float, y: float) -> None:
        painter.save()
        painter.translate(x, y)
        self.doc.drawContents(painter)
        painter.restore()


class _Space:
    keep_with_next = False

    def __init__(self, height: float):
        self.height = height

    def draw(self, painter, x, y) -> None:
        pass


class _Chart:
    keep_with_next = False

    def __init__(self, height: float, paint):
        self.height = height
        self.paint = paint  # (painter, QRectF) -> None

    def draw(self, painter, x, y) -> None:
        painter.save()
        self.paint(painter, x, y)
        painter.restore()


class PdfPages:
    """A4 pages filled top to bottom with blocks; a footer and page number on each."""

    def __init__(self, title: str, footer: str, lang: str, zoom: float = 1.0):
        self.buffer = QBuffer()
        self.buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        self.writer = QPdfWriter(self.buffer)
        self.writer.setResolution(RESOLUTION)
        self.writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                              QMarginsF(17, 14, 17, 16), QPageLayout.Unit.Millimeter))
        self.writer.setTitle(title)
        self.writer.setCreator("Recruitment Bias Simulator")
        self.mm = RESOLUTION / 25.4
        area = self.writer.pageLayout().paintRectPixels(RESOLUTION)
        # ``zoom`` < 1 lays the blocks out on a larger page and draws them scaled down (the room's
        # summary, to keep it on one page); the footer keeps its size.
        self.zoom = zoom
        self.page_width = float(area.width())
        self.page_height = float(area.height()) - 7 * self.mm  # the footer's room
        self.width = self.page_width / zoom
        self.height = self.page_height / zoom
        self.footer = footer
        self.lang = lang
        self.blocks: list = []

    def pt(self, points: float) -> float:
        """Points in the PDF's coordinates."""
        return points * RESOLUTION / 72

    def text(self, body: str, keep_with_next: bool = False) -> None:
        self.blocks.append(_Text(self.writer, self.width, body, keep_with_next))

    def heading(self, text: str) -> None:
        self.space(2.2)
        self.text(f"<h2>{_esc(text)}</h2>", keep_with_next=True)
        self.space(1.0, keep=True)

    def space(self, mm: float, keep: bool = False) -> None:
        block = _Space(mm * self.mm)
        block.keep_with_next = keep
        self.blocks.append(block)

    def chart(self, height_mm: float, paint) -> None:
        self.blocks.append(_Chart(height_mm * self.mm, paint))

    def _pages(self) -> list[list[tuple[object, float]]]:
        """The blocks placed on pages: (block, y) per page."""
        pages: list[list[tuple[object, float]]] = [[]]
        y = 0.0
        k = 0
        while k < len(self.blocks):
            # A heading (and the space after it) goes with the next real block.
            group = [self.blocks[k]]
            while group[-1].keep_with_next and k + len(group) < len(self.blocks):
                group.append(self.blocks[k + len(group)])
            need = sum(b.height for b in group)
            if y > 0 and y + need > self.height:
                pages.append([])
                y = 0.0
                group = [b for b in group]
            for b in group:
                if y == 0 and isinstance(b, _Space):
                    continue  # no space at the top of a page
                pages[-1].append((b, y))
                y += b.height
            k += len(group)
        return pages

    def write(self, path: str | Path) -> int:
        """Lay out, paint and write the PDF to ``path``; the number of pages (OSError if it cannot be written)."""
        pages = self._pages()
        painter = QPainter(self.writer)
        small = _font(7.5)
        for number_, placed in enumerate(pages, start=1):
            if number_ > 1:
                self.writer.newPage()
            painter.save()
            painter.scale(self.zoom, self.zoom)
            for block, y in placed:
                block.draw(painter, 0.0, y)
            painter.restore()
            painter.setFont(small)
            painter.setPen(QColor("#666666"))
            base = self.page_height + 7 * self.mm
            painter.drawLine(QPointF(0, base - 5 * self.mm), QPointF(self.page_width, base - 5 * self.mm))
            rect = QRectF(0, base - 4.2 * self.mm, self.page_width, 4 * self.mm)
            painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.footer)
            painter.drawText(rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             t("handout.page", self.lang, page=number_, pages=len(pages)))
        painter.end()
        self.buffer.close()
        data = bytes(QByteArray(self.buffer.data()))
        write_whole(path, data)
        return len(pages)


def write_whole(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all (core.atomic): never half a PDF."""
    from ..core.atomic import write_atomically

    write_atomically(path, data)


# ---------------------------------------------------------------------------------------------
# Charts, drawn as vectors
# ---------------------------------------------------------------------------------------------

def _font(points: float, bold: bool = False) -> QFont:
    font = QFont(_family())
    font.setPointSizeF(points)
    font.setBold(bold)
    return _plain_letters(font)


def _colour(index: int) -> QColor:
    return QColor(PALETTE[index % len(PALETTE)])


def _rates_painter(doc: PdfPages, chart, lang: str):
    """The Rates view on paper: group names, then selection rates (Wilson 95%) and impact ratios
    (95% interval) as horizontal bars, the 0.8 line dashed."""
    mm = doc.mm
    bars = chart.bars
    row = 8.5 * mm
    top = 10.5 * mm  # panel titles, and the 0.8 line's label under them
    axis = 9 * mm  # ticks and axis title
    height = top + row * max(len(bars), 1) + axis

    def paint(p: QPainter, x0: float, y0: float) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        label_font, value_font, title_font = _font(8), _font(7.5), _font(8.5, bold=True)
        metrics = QFontMetricsF(label_font, doc.writer)
        label_w = min(max((metrics.horizontalAdvance(b.label) for b in bars), default=10) + 3 * mm, 48 * mm)
        gap = 8 * mm
        panel_w = (doc.width - label_w - gap) / 2
        rate_max = max([100 * b.rate_high for b in bars if not b.hidden and math.isfinite(b.rate_high)] + [5.0]) * 1.1
        ratio_max = max([min(b.ratio_high, 3.0) for b in bars if math.isfinite(b.ratio_high)] + [1.25]) * 1.05
        panels = ((x0 + label_w, chart.title_rate, chart.axis_rate, rate_max, "rate"),
                  (x0 + label_w + panel_w + gap, chart.title_ratio, chart.axis_ratio, ratio_max, "ratio"))
        plot_top = y0 + top
        plot_bottom = plot_top + row * len(bars)
        # group names, each beside its bars
        p.setFont(label_font)
        p.setPen(QColor(INK))
        for k, b in enumerate(bars):
            rect = QRectF(x0, plot_top + k * row, label_w - 2 * mm, row)
            p.drawText(rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap, b.label)
        for left, title, axis_title, xmax, kind in panels:
            scale = panel_w / xmax
            p.setFont(title_font)
            p.setPen(QColor(INK))
            p.drawText(QRectF(left, y0, panel_w, 5 * mm), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, title)
            _axes(p, left, plot_top, plot_bottom, panel_w, xmax, mm,
                  (lambda v: percent(v / 100, lang, 0)) if kind == "rate" else (lambda v: number(v, lang, 1)))
            p.setFont(_font(7.5))
            p.drawText(QRectF(left, plot_bottom + 5 * mm, panel_w, 4 * mm), Qt.AlignmentFlag.AlignCenter, axis_title)
            if kind == "ratio":
                for at, colour, style in ((1.0, "#BBBBBB", Qt.PenStyle.SolidLine), (chart.line, "#444444", Qt.PenStyle.DashLine)):
                    pen = QPen(QColor(colour), 0.3 * mm)
                    pen.setStyle(style)
                    p.setPen(pen)
                    p.drawLine(QPointF(left + at * scale, plot_top - 1.5 * mm), QPointF(left + at * scale, plot_bottom))
                p.setFont(_font(6.5))
                p.setPen(QColor("#444444"))
                p.drawText(QRectF(left + chart.line * scale - 21 * mm, plot_top - 4.5 * mm, 20 * mm, 3 * mm),
                           Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, chart.line_label)
            for k, b in enumerate(bars):
                y = plot_top + k * row
                bar_top, bar_h = y + 4.0 * mm, 3.6 * mm
                if kind == "rate":
                    value, low, high, text = 100 * b.rate, 100 * b.rate_low, 100 * b.rate_high, b.rate_text
                else:
                    value, low, high, text = b.ratio, b.ratio_low, b.ratio_high, b.ratio_text
                if not b.hidden and math.isfinite(value):
                    colour = _colour(b.colour)
                    p.setPen(QPen(colour.darker(130), 0.2 * mm))
                    p.setBrush(colour)
                    p.drawRect(QRectF(left, bar_top, min(value, xmax) * scale, bar_h))
                    if math.isfinite(low) and math.isfinite(high):
                        mid = bar_top + bar_h / 2
                        a, c = left + max(low, 0) * scale, left + min(high, xmax) * scale
                        _whisker(p, a, c, mid, mm, (0.7, 0.3, 1.1))
                p.setFont(value_font)
                p.setPen(QColor(INK))
                p.drawText(QRectF(left + 0.8 * mm, y + 0.3 * mm, panel_w, 3.6 * mm),
                           Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)

    return height / mm, paint


def _tick_step(xmax: float) -> float:
    for step in (0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10, 20, 25, 50):
        if xmax / step <= 6:
            return step
    return 100.0


def _axes(p, left: float, plot_top: float, plot_bottom: float, panel_w: float, xmax: float, mm: float, label) -> None:
    """A bar panel's left and bottom axes, with ticks at a readable step labelled ``label(value)``."""
    scale = panel_w / xmax
    p.setPen(QPen(QColor("#666666"), 0.25 * mm))
    p.drawLine(QPointF(left, plot_bottom), QPointF(left + panel_w, plot_bottom))
    p.drawLine(QPointF(left, plot_top), QPointF(left, plot_bottom))
    step = _tick_step(xmax)
    p.setFont(_font(7))
    value = 0.0
    while value <= xmax + 1e-9:
        x = left + value * scale
        p.setPen(QPen(QColor("#666666"), 0.25 * mm))
        p.drawLine(QPointF(x, plot_bottom), QPointF(x, plot_bottom + 1.2 * mm))
        p.setPen(QColor("#333333"))
        p.drawText(QRectF(x - 8 * mm, plot_bottom + 1.4 * mm, 16 * mm, 3.5 * mm), Qt.AlignmentFlag.AlignCenter,
                   label(value))
        value += step


def _funnel_painter(doc: PdfPages, chart, lang: str):
    """The Funnel view on paper: per stage, each group's share still in, with the count on top."""
    mm = doc.mm
    # The legend wraps onto as many lines as the groups need (eight name groups do not fit on one).
    metrics = QFontMetricsF(_font(7.5), doc.writer)
    axis_w = 12 * mm  # the title says what the bars are: no axis title beside the ticks
    places, x, line = [], 0.0, 0
    for g in chart.groups:
        w = 4 * mm + metrics.horizontalAdvance(g.label) + 5 * mm
        if x > 0 and x + w > doc.width - axis_w:
            x, line = 0.0, line + 1
        places.append((x, line))
        x += w
    legend_lines = line + 1
    height = 58.0 + 5.2 * legend_lines

    def paint(p: QPainter, x0: float, y0: float) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        title_h, legend_h, axis_h = 6 * mm, (5.2 * legend_lines + 1) * mm, 10 * mm
        left = x0 + axis_w
        width = doc.width - axis_w
        plot_top = y0 + title_h + legend_h
        plot_bottom = y0 + height * mm - axis_h
        scale = (plot_bottom - plot_top) / 110.0
        p.setFont(_font(8.5, bold=True))
        p.setPen(QColor(INK))
        p.drawText(QRectF(x0, y0, doc.width, title_h - 1 * mm), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom,
                   chart.title)
        p.setFont(_font(7.5))
        for g, (lx, ln) in zip(chart.groups, places):
            top = y0 + title_h + ln * 5.2 * mm
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(_colour(g.colour))
            p.drawRect(QRectF(left + lx, top + 1.2 * mm, 3 * mm, 3 * mm))
            p.setPen(QColor(INK))
            p.drawText(QRectF(left + lx + 4 * mm, top, metrics.horizontalAdvance(g.label) + 2 * mm, 5.4 * mm),
                       Qt.AlignmentFlag.AlignVCenter, g.label)
        # axes
        p.setPen(QPen(QColor("#666666"), 0.25 * mm))
        p.drawLine(QPointF(left, plot_bottom), QPointF(left + width, plot_bottom))
        p.drawLine(QPointF(left, plot_top), QPointF(left, plot_bottom))
        p.setFont(_font(7))
        for v in range(0, 101, 20):
            y = plot_bottom - v * scale
            p.setPen(QPen(QColor("#666666"), 0.25 * mm))
            p.drawLine(QPointF(left - 1.2 * mm, y), QPointF(left, y))
            p.setPen(QColor("#333333"))
            p.drawText(QRectF(left - 12 * mm, y - 2 * mm, 10.5 * mm, 4 * mm),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, percent(v / 100, lang, 0))
        steps = len(chart.steps)
        slot = width / steps
        n = max(len(chart.groups), 1)
        bar_w = slot * 0.8 / n
        count_font = _font(6.5 if n > 3 else 7)
        for s, name in enumerate(chart.steps):
            centre = left + slot * (s + 0.5)
            p.setFont(_font(7.5))
            p.setPen(QColor(INK))
            p.drawText(QRectF(centre - slot / 2, plot_bottom + 1.2 * mm, slot, axis_h - 1.2 * mm),
                       Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap, name)
            for k, g in enumerate(chart.groups):
                share = g.shares[s]
                bx = centre - slot * 0.4 + bar_w * k
                colour = _colour(g.colour)
                p.setPen(QPen(colour.darker(130), 0.2 * mm))
                p.setBrush(colour)
                p.drawRect(QRectF(bx + bar_w * 0.04, plot_bottom - 100 * share * scale, bar_w * 0.92, 100 * share * scale))
                p.setFont(count_font)
                p.setPen(QColor(INK))
                p.drawText(QRectF(bx - 3 * mm, plot_bottom - 100 * share * scale - 3.6 * mm, bar_w + 6 * mm, 3.4 * mm),
                           Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, chart.counts_text[k][s])

    return height, paint


# ---------------------------------------------------------------------------------------------
# The hand-out
# ---------------------------------------------------------------------------------------------

def _table_html(table) -> str:
    head = "".join(f"<th align='{'left' if i == 0 else 'right'}'>{_esc(h)}</th>" for i, h in enumerate(table.headers))
    rows = "".join("<tr>" + "".join(f"<td align='{'left' if i == 0 else 'right'}'>{_esc(c)}</td>"
                                    for i, c in enumerate(r)) + "</tr>" for r in table.rows)
    return (f"<table width='100%' cellspacing='0' cellpadding='3' border='0' style='border-collapse: collapse'>"
            f"<tr>{head}</tr>{rows}</table>")


def build_handout(h) -> PdfPages:
    """The pages of a hand-out (``h``: core.handout.Handout), laid out but not yet written."""
    doc = PdfPages(h.title, h.footer, h.lang)
    headings = h.headings
    doc.text(f"<h1>{_esc(h.title)}</h1><p class='meta'>{_esc(h.kind)} · {_esc(h.meta)}</p>")
    doc.heading(headings["lesson"])
    doc.text(f"<p>{_esc(h.lesson)}</p>")
    if h.headline:
        doc.heading(headings["headline"])
        doc.text("".join(f"<p class='headline'>{_esc(s)}</p>" for s in h.headline))
    if h.goals:
        doc.heading(headings["goals"])
        doc.text("<ul style='margin-top:0'>" + "".join(f"<li>{_esc(g)}</li>" for g in h.goals) + "</ul>")
    doc.heading(headings["numbers"])
    doc.text(_table_html(h.table), keep_with_next=True)
    doc.space(1)
    doc.text("".join(f"<p class='small'>{_esc(n)}</p>" for n in h.table.notes))
    if h.mechanism:
        doc.heading(headings["mechanism"])
        doc.text(f"<p>{_esc(h.mechanism)}</p>")
    doc.heading(headings["charts"])
    height, paint = _rates_painter(doc, h.rates, h.lang)
    doc.chart(height, paint)
    doc.space(4)
    height, paint = _funnel_painter(doc, h.funnel, h.lang)
    doc.chart(height, paint)
    if h.funnel.note:
        doc.text(f"<p class='small'>{_esc(h.funnel.note)}</p>")
    if h.legal:
        doc.heading(headings["legal"])
        doc.text(f"<p class='small'>{_esc(h.legal_as_of)}</p>", keep_with_next=True)
        doc.space(1, keep=True)
        for note in h.legal:
            doc.text(f"<p><b>{_esc(note.rule)}</b> — <i>{_esc(note.level)}</i>. {_esc(note.note)}</p>")
            doc.space(1)
    if h.debrief:
        doc.heading(headings["debrief"])
        doc.text("<ol style='margin-top:0'>" + "".join(f"<li>{_esc(d)}</li>" for d in h.debrief) + "</ol>")
    if h.quiz:
        doc.heading(headings["quiz"])
        for k, q in enumerate(h.quiz, start=1):
            options = []
            for i, option in enumerate(q.options):
                letter = chr(ord("A") + i)
                mark = " ✓" if q.answer == i else ""
                line = f"<b>{letter}</b>{mark}&nbsp; {_esc(option)}"
                if q.answer is not None and i < len(q.why) and q.why[i]:
                    line += f"<br><span class='small'>{_esc(q.why[i])}</span>"
                options.append(f"<p style='margin-left:12px'>{line}</p>")
            body = f"<p><b>{k}. {_esc(q.question)}</b></p>" + "".join(options)
            if q.answer is not None:
                answer = t("handout.answer", h.lang, option=chr(ord("A") + q.answer))
                body += f"<p style='margin-top:2px'><span class='answer'>{_esc(answer)}.</span> {_esc(q.explanation)}</p>"
            doc.text(body)
            doc.space(1.5)
    if h.sources:
        doc.heading(headings["sources"])
        doc.text("".join(f"<p class='small' style='margin-bottom:3px'>{_esc(s)}</p>" for s in h.sources))
    doc.space(2)
    doc.text(f"<p class='small'>{_esc(t('handout.seed_note', h.lang))}</p>")
    return doc


def write_handout(h, path: str | Path) -> int:
    """Write a hand-out (core.handout.Handout) as PDF to ``path``; returns the number of pages.

    Safe in a worker thread (no widgets); needs a QGuiApplication. OSError when the file cannot be written."""
    return build_handout(h).write(path)


# ---------------------------------------------------------------------------------------------
# The participation record
# ---------------------------------------------------------------------------------------------

def write_record(r, path: str | Path) -> int:
    """Write a participation record (core.record.RecordPage) as PDF to ``path``; the number of pages."""
    doc = PdfPages(r.title, r.footer, r.lang)
    doc.text(f"<h1>{_esc(r.title)}</h1><p class='meta'>{_esc(r.subtitle)}</p>")
    doc.space(6)
    doc.text("<table cellspacing='0' cellpadding='4'>" + "".join(
        f"<tr><td style='font-size:11pt'><b>{_esc(k)}</b></td><td style='font-size:11pt'>{_esc(v)}</td></tr>" for k, v in r.fields) + "</table>")
    doc.heading(r.table_title)
    if r.table.rows:
        doc.text(_table_html(r.table))
        doc.space(2)
    doc.text("".join(f"<p>{_esc(line)}</p>" for line in r.lines))
    doc.space(6)
    doc.text(f"<p>{_esc(r.why)}</p><p class='small'>{_esc(r.law_as_of)}</p>")
    doc.space(16)
    doc.text(f"<p>{_esc(r.signature)}</p>")
    return doc.write(path)


def ensure_gui_application():
    """An application object for the PDF writer's fonts: the running one, or an offscreen one (the
    command line). A QApplication, as `recruitsim screenshot` makes, so a window can follow in the
    same process."""
    import os

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QApplication([])
    return app


# ---------------------------------------------------------------------------------------------
# The room's one-page summary (core.room_summary) and a room's participation records
# ---------------------------------------------------------------------------------------------

def _paired_painter(doc: PdfPages, chart, compact: bool = False):
    """The room beside the machine: per group two horizontal bars (selection rate, Wilson 95%
    whisker) with the rate and count at each bar's end; a legend above."""
    mm = doc.mm
    bar_h = (2.9 if compact else 3.4) * mm
    row = 2 * bar_h + (2.0 if compact else 2.8) * mm
    top = 5.5 * mm  # the legend
    axis = 8.5 * mm
    bars = chart.bars
    height = top + row * max(len(bars), 1) + axis
    colours = (QColor(PALETTE[0]), QColor(PALETTE[1]))

    def paint(p: QPainter, x0: float, y0: float) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        label_font, value_font = _font(8), _font(7.5)
        metrics = QFontMetricsF(label_font, doc.writer)
        value_metrics = QFontMetricsF(value_font, doc.writer)
        label_w = min(max((metrics.horizontalAdvance(b.label) for b in bars), default=10) + 3 * mm, 48 * mm)
        text_w = max((value_metrics.horizontalAdvance(x) for b in bars for x in b.texts), default=10) + 3 * mm
        left = x0 + label_w
        panel_w = doc.width - label_w - text_w
        highs = [100 * h for b in bars for h in b.highs if math.isfinite(h)]
        highs += [100 * r for b in bars for r in b.rates if math.isfinite(r)]
        xmax = min(max(highs + [10.0]) * 1.08, 100.0)
        scale = panel_w / xmax
        # legend
        p.setFont(value_font)
        x = left
        for colour, name in zip(colours, chart.series):
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(colour)
            p.drawRect(QRectF(x, y0 + 1.0 * mm, 3 * mm, 3 * mm))
            p.setPen(QColor(INK))
            w = value_metrics.horizontalAdvance(name) + 2 * mm
            p.drawText(QRectF(x + 4 * mm, y0, w, 5 * mm), Qt.AlignmentFlag.AlignVCenter, name)
            x += 4 * mm + w + 5 * mm
        plot_top = y0 + top
        plot_bottom = plot_top + row * len(bars)
        _axes(p, left, plot_top, plot_bottom, panel_w, xmax, mm, lambda v: percent(v / 100, doc.lang, 0))
        p.drawText(QRectF(left, plot_bottom + 4.8 * mm, panel_w, 3.7 * mm), Qt.AlignmentFlag.AlignCenter, chart.axis)
        for k, b in enumerate(bars):
            y = plot_top + k * row
            p.setFont(label_font)
            p.setPen(QColor(INK))
            p.drawText(QRectF(x0, y, label_w - 2 * mm, row), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                       | Qt.TextFlag.TextWordWrap, b.label)
            for j in range(2):
                bar_top = y + (row - 2 * bar_h) / 2 + j * bar_h
                rate, low, high = 100 * b.rates[j], 100 * b.lows[j], 100 * b.highs[j]
                end = left
                if math.isfinite(rate):
                    p.setPen(QPen(colours[j].darker(130), 0.2 * mm))
                    p.setBrush(colours[j])
                    p.drawRect(QRectF(left, bar_top + 0.3 * mm, min(rate, xmax) * scale, bar_h - 0.6 * mm))
                    end = left + min(rate, xmax) * scale
                    if math.isfinite(low) and math.isfinite(high):
                        mid = bar_top + bar_h / 2
                        a, c = left + max(low, 0) * scale, left + min(high, xmax) * scale
                        _whisker(p, a, c, mid, mm, (0.6, 0.25, 0.9))
                        end = max(end, c)
                p.setFont(value_font)
                p.setPen(QColor(INK))
                p.drawText(QRectF(end + 1.2 * mm, bar_top, text_w, bar_h), Qt.AlignmentFlag.AlignLeft
                           | Qt.AlignmentFlag.AlignVCenter, b.texts[j])

    return height / mm, paint


def _small_table_html(table, first: int = 40, points: float = 8.0) -> str:
    """A table in small type: the first column (the words) ``first`` per cent of the width, the
    numbers right-aligned in the rest, each on one line."""

    def cell(tag: str, i: int, text: str) -> str:
        if i == 0:
            return f"<{tag} align='left' width='{first}%'>{_esc(text)}</{tag}>"
        shown = _esc(text).replace(" ", "&nbsp;")  # "p < 0.001", "10 of 30 (33%)" never break inside
        return f"<{tag} align='right'>{shown}</{tag}>"

    head = "".join(cell("th", i, h) for i, h in enumerate(table.headers))
    rows = "".join("<tr>" + "".join(cell("td", i, c) for i, c in enumerate(r)) + "</tr>" for r in table.rows)
    return (f"<table width='100%' cellspacing='0' cellpadding='2' border='0' style='font-size: {points}pt'>"
            f"<tr>{head}</tr>{rows}</table>")


def build_room_summary(s, compact: bool = False, zoom: float = 1.0) -> PdfPages:
    """The room's summary (``s``: core.room_summary.RoomSummary) laid out on one A4 page; ``compact``
    tightens it (less space, smaller type, a lower chart) and ``zoom`` < 1 draws it smaller, for a
    room with many groups, long Dutch sentences or names."""
    doc = PdfPages(s.title, s.footer, s.lang, zoom)
    gap, pt, h2 = (1.0, 7.5, 10.0) if compact else (2.0, 8.0, 10.5)
    small = f"style='font-size:{pt - 0.5}pt; color:#444444'"
    plain = f"style='font-size:{pt}pt'"

    def heading(text: str) -> None:
        doc.space(gap)
        doc.text(f"<h2 style='font-size:{h2}pt'>{_esc(text)}</h2>", keep_with_next=True)
        doc.space(0.5, keep=True)

    doc.text(f"<h1 style='font-size:{14 if compact else 15}pt'>{_esc(s.title)}</h1><p class='meta'>{_esc(s.meta)}</p>"
             + (f"<p {small}>{_esc(s.names)}</p>" if s.names else ""))
    h = s.headings
    heading(h["unaided"])
    doc.text(f"<p {small}>{_esc(s.unaided)}</p>", keep_with_next=s.chart is not None)
    if s.chart is not None and s.chart.bars:
        doc.space(1, keep=True)
        height, paint = _paired_painter(doc, s.chart, compact)
        doc.chart(height, paint)
        doc.text(f"<p {small}>{_esc(s.independence)}</p>")
    heading(h["overrides"])
    doc.text(f"<p {small}>{_esc(s.overrides)}</p>" + _small_table_html(s.overrides_table, 40, pt)
             + f"<p {small}>{_esc(s.rubber_stamp)}</p>")
    heading(h["blind"])
    doc.text(f"<p {small}>{_esc(s.blind)}</p>" + _small_table_html(s.blind_table, 40, pt))
    heading(h["quiz"])
    if s.quiz is not None:
        doc.text(_small_table_html(s.quiz, 58, pt))
    else:
        doc.text(f"<p {plain}>{_esc(s.quiz_none)}</p>")
    doc.space(1)
    doc.text(f"<p {plain}><b>{_esc(h['challenges'])}:</b> " + " · ".join(_esc(c) for c in s.challenges) + "</p>")
    heading(h["self_check"])
    doc.text(f"<p {small}>{_esc(s.self_check_note)}</p>"
             + (_small_table_html(s.self_check, 48, pt) if s.self_check is not None else ""))
    return doc


MIN_ZOOM = 0.8  # type on the summary never smaller than 7.5 pt × 0.8 = 6 pt


def fit_room_summary(s) -> PdfPages:
    """The room's summary laid out to fit one page: as it is, else compact, else compact and drawn
    smaller (down to ``MIN_ZOOM``; beyond that it takes a second page rather than becoming unreadable)."""
    doc = build_room_summary(s)
    if len(doc._pages()) == 1:
        return doc
    doc = build_room_summary(s, compact=True)
    zoom = 1.0
    while len(doc._pages()) > 1 and zoom > MIN_ZOOM + 1e-9:
        used = sum(b.height for b in doc.blocks)
        zoom = max(MIN_ZOOM, min(zoom - 0.02, zoom * doc.height / used))
        doc = build_room_summary(s, compact=True, zoom=zoom)
    return doc


def write_room_summary(s, path: str | Path) -> int:
    """Write the room's one-page summary (core.room_summary.RoomSummary) as PDF; the number of pages."""
    return fit_room_summary(s).write(path)


def write_records(records, folder: str | Path, progress=None) -> list[Path]:
    """Write each (file stem, core.record.RecordPage) as ``folder/stem.pdf``; the files written.
    ``progress(done, total)`` after each. Each file is written whole or not at all; an OSError stops
    at the file it names (``RecordsError``), with the files already written kept."""
    folder = Path(folder)
    written: list[Path] = []
    for stem, page in records:
        target = folder / f"{stem}.pdf"
        try:
            write_record(page, target)
        except OSError as exc:
            raise RecordsError(target, exc, written) from None
        written.append(target)
        if progress is not None:
            progress(len(written), len(records))
    return written


class RecordsError(OSError):
    """Writing a folder of records stopped at ``path``; ``written`` were finished before."""

    def __init__(self, path: Path, cause: OSError, written: list[Path]):
        super().__init__(cause.errno, cause.strerror or str(cause), str(path))
        self.path = path
        self.written = list(written)
