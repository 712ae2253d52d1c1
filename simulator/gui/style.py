"""Colours, fonts and sizes shared by every view, so a group has the same colour everywhere.

The palette is Okabe–Ito, safe for the common forms of colour blindness. Presentation mode scales
fonts and line widths for a projector.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont

# Okabe–Ito, reordered so the first colours are the most distinct.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#000000"]
GREY = "#9A9A9A"
REFERENCE_LINE = "#444444"
HIGHLIGHT = "#D55E00"


class Style:
    """Current look; presentation mode makes everything bigger."""

    # On a 1920×1080 projector 8.5 pt labels become 15 pt (20 px), readable at 8 m. A 1280×720
    # projector throws the same picture with two thirds of the pixels, so the same physical size
    # needs two thirds of the scale: 1.8 there would not fit the views (titles cut, bars pushed off).
    FULL_SCALE = 1.8
    FULL_SIZE = (1920, 1080)
    SMALLEST_SCALE = 1.25

    def __init__(self):
        self.presentation = False
        self.screen = self.FULL_SIZE  # the presentation's window size, in pixels

    @property
    def scale(self) -> float:
        if not self.presentation:
            return 1.0
        return self.scale_for(*self.screen)

    @classmethod
    def scale_for(cls, width: int, height: int) -> float:
        """The presentation scale for a window of this size: 1.8 at 1920×1080 and larger, less on
        a smaller screen (1.25 at 1280×720), never below 1.25; rounded so small moves of the window
        do not restyle everything."""
        fraction = min(width / cls.FULL_SIZE[0], height / cls.FULL_SIZE[1])
        scale = max(cls.SMALLEST_SCALE, min(cls.FULL_SCALE, cls.FULL_SCALE * fraction))
        return round(scale * 20) / 20

    def font(self, points: float = 10, bold: bool = False) -> QFont:
        font = QFont()
        font.setPointSizeF(points * self.scale)
        font.setBold(bool(bold))
        return font

    def pen_width(self, base: float = 1.0) -> float:
        return base * (2.0 if self.presentation else 1.0)


STYLE = Style()


def group_colour(index: int) -> QColor:
    return QColor(PALETTE[index % len(PALETTE)])


def configure_pyqtgraph() -> None:
    pg.setConfigOptions(background="w", foreground="k", antialias=True)


def style_plot(plot: pg.PlotItem) -> None:
    """Readable axes: larger tick fonts, no clipped labels."""
    font = STYLE.font(10)
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        axis.setTickFont(font)
        axis.setTextPen(pg.mkPen("#222222"))
        axis.setPen(pg.mkPen("#666666"))
        axis.label.setFont(STYLE.font(10.5))
    plot.showGrid(x=False, y=False)


def compact_combo(combo, characters: int = 16):
    """Let a combo box be narrower than its longest item (the popup still shows it in full)."""
    from PySide6.QtWidgets import QComboBox

    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(characters)
    return combo


class LocaleAxis(pg.AxisItem):
    """An axis whose tick numbers follow the language: 0,5 in Dutch, 0.5 in English."""

    lang = "en"

    def tickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph's name)
        strings = super().tickStrings(values, scale, spacing)
        if self.lang == "nl":
            strings = [s.replace(",", "\x00").replace(".", ",").replace("\x00", ".") for s in strings]
        return strings


class ChartWidget(pg.PlotWidget):
    """A plot that asks for a modest size and grows into the room it gets. A view in a scroll area
    with a wrapped caption is made as tall as its parts *ask* for, so pyqtgraph's large default
    request pushed the chart's bottom axis out of sight on a projector."""

    def sizeHint(self):  # noqa: N802 (Qt name)
        from PySide6.QtCore import QSize

        return QSize(480, 280)


def plot_widget() -> pg.PlotWidget:
    """A plot with language-aware number axes, no mouse panning (a teaching chart, not an explorer)."""
    widget = ChartWidget(axisItems={"bottom": LocaleAxis("bottom"), "left": LocaleAxis("left")})
    widget.setMouseEnabled(False, False)
    widget.getPlotItem().setMenuEnabled(False)
    return widget


def set_axis_language(plot: pg.PlotItem, lang: str) -> None:
    for name in ("bottom", "left"):
        axis = plot.getAxis(name)
        if isinstance(axis, LocaleAxis) and axis.lang != lang:
            axis.lang = lang
            axis.picture = None
            axis.update()


def fit_axis_to_labels(axis: pg.AxisItem, labels) -> None:
    """Give a left axis room for its widest tick label: pyqtgraph silently drops labels that do not fit."""
    from PySide6.QtGui import QFontMetrics

    metrics = QFontMetrics(STYLE.font(10))  # the tick font style_plot sets
    lines = [line for s in labels for line in str(s).split("\n")]
    axis.setWidth(max((metrics.horizontalAdvance(line) for line in lines), default=30) + 14)


def two_lines(label: str, longer_than: int = 22) -> str:
    """A long tick label on two lines, broken at the space nearest its middle ("born in NL, parent
    born abroad" would take a third of a narrow chart's width on one line)."""
    if len(label) <= longer_than or " " not in label:
        return label
    middle = len(label) // 2
    spaces = [k for k, ch in enumerate(label) if ch == " "]
    k = min(spaces, key=lambda k: abs(k - middle))
    return label[:k] + "\n" + label[k + 1:]


def readable_step(span: float, most: int = 6) -> float:
    """A tick step (1, 2 or 5 times a power of ten) that puts at most ``most`` ticks on an axis
    from 0 to ``span``: 0, 5, 10, 15 rather than 1, 2, …, 14 crowded together."""
    import math

    if not (span > 0 and math.isfinite(span)):
        return 1.0
    power = 10.0 ** math.floor(math.log10(span / most))
    for factor in (1, 2, 5, 10):  # not 2.5: its ticks would be printed rounded (7.5 as 8)
        if span / (factor * power) <= most:
            return factor * power
    return 10 * power


class BarSample(pg.graphicsItems.LegendItem.ItemSample):
    """A legend swatch for a bar chart: the bar's colour as a square, without the line pyqtgraph
    draws through every non-scatter sample (a stray dash beside each swatch)."""

    def paint(self, p, *args):
        opts = self.item.opts
        p.setPen(pg.mkPen(opts.get("pen") or "#333333"))
        p.setBrush(pg.mkBrush(opts.get("brush") or "#888888"))
        p.drawRect(pg.QtCore.QRectF(2, 2, 16, 16))


def symbol_icon(symbol: str, pen, brush, size: float):
    """A small picture of a scatter marker, for a legend outside the chart."""
    from PySide6.QtGui import QPainter, QPixmap
    from pyqtgraph.graphicsItems.ScatterPlotItem import drawSymbol

    side = int(size + 8)
    pixmap = QPixmap(side, side)
    pixmap.fill(pg.QtCore.Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.translate(side / 2, side / 2)
    drawSymbol(painter, symbol, size, pen, brush)
    painter.end()
    return pixmap


def fit_title(plot: pg.PlotItem, title: str, points: float = 11.0) -> None:
    """The plot's title at ``points`` (times the presentation scale), smaller if that is wider than
    the plot: a title wider than its plot makes the whole chart wider than its widget (cut off)."""
    from PySide6.QtGui import QFontMetrics

    view = plot.getViewWidget()  # the widget: the plot itself grows with a too wide title
    room = (view.width() if view is not None else plot.width()) - 16
    while points > 7 and QFontMetrics(STYLE.font(points)).horizontalAdvance(title) > room:
        points -= 0.5
    size = f"{points * STYLE.scale:.1f}pt"
    if (plot.titleLabel.text, plot.titleLabel.opts.get("size")) != (title, size):
        plot.setTitle(title, size=size)
