"""A wallboard tile: a figure's name, its value in large type, and OK / Watch / Alert.

The level is shown three ways, so it reads for colour-blind viewers too: the
tile's colour, a shape (check, triangle, cross) and a word.

A tile paints its three lines itself, in one pass, rather than holding three
labels in a layout: a new value then repaints the tile and nothing else,
where a label's new text asks every layout up to the window to recompute.
A text wider than the tile is drawn in a smaller size, never cut.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from supervisor.metrics.status import Level

# Background, text colour. Amber carries dark text: white on amber is hard to read.
LEVEL_COLOURS = {
    Level.OK: ("#1e7b34", "#ffffff"),
    Level.WATCH: ("#f0a800", "#111111"),
    Level.ALERT: ("#c62828", "#ffffff"),
    Level.INFO: ("#2f4f6f", "#ffffff"),
    Level.NONE: ("#3a3f44", "#d0d4d8"),
}
_QCOLOURS = {
    level: (QColor(background), QColor(text)) for level, (background, text) in LEVEL_COLOURS.items()
}
MARGIN_X, MARGIN_Y = 8, 6
RADIUS = 6.0


def fitted_font(font: QFont, text: str, width: int) -> QFont:
    """`font`, or a smaller pixel size of it that draws `text` within `width`."""
    advance = QFontMetrics(font).horizontalAdvance(text)
    if advance <= width or not text or width <= 0:
        return font
    smaller = QFont(font)
    pixels = max(6, int(font.pixelSize() * width / advance))
    smaller.setPixelSize(pixels)
    while pixels > 6 and QFontMetrics(smaller).horizontalAdvance(text) > width:
        pixels -= 1
        smaller.setPixelSize(pixels)
    return smaller


class KpiTile(QWidget):
    """One figure on the wallboard."""

    def __init__(self, key: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.setObjectName(f"tile_{key}")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.title = title
        self.value = "—"
        self.status = ""
        self.level = Level.NONE
        self._fonts = {"title": QFont(), "value": QFont(), "status": QFont()}
        self._fitted: dict[tuple[str, str, int], QFont] = {}
        self.set_font_sizes(56, 20)
        self._describe()

    def set_font_sizes(self, value_px: int, label_px: int) -> None:
        """Pixel sizes of the figure and of the name and status lines."""
        value = QFont(self.font())
        value.setPixelSize(value_px)
        value.setBold(True)
        title = QFont(self.font())
        title.setPixelSize(label_px)
        status = QFont(title)
        status.setBold(True)
        fonts = {"title": title, "value": value, "status": status}
        if fonts != self._fonts:
            self._fonts = fonts
            self._fitted.clear()
            self.updateGeometry()
            self.update()

    def show_figure(self, text: str, level: Level, status: str) -> None:
        """Show `text` judged `level`, with the level's word (translated by the caller)."""
        if (text, level, status) == (self.value, self.level, self.status):
            return
        self.value, self.level, self.status = text, level, status
        self._describe()
        self.update()

    def colours(self) -> tuple[QColor, QColor]:
        """The background and text colours of the tile's level."""
        return _QCOLOURS[self.level]

    def font_for(self, line: str) -> QFont:
        """The font a line ("title", "value" or "status") is drawn in: smaller when too wide."""
        text = {"title": self.title, "value": self.value, "status": self.status}[line]
        width = self.width() - 2 * MARGIN_X
        key = (line, text, width)
        font = self._fitted.get(key)
        if font is None:
            if len(self._fitted) > 256:  # values come and go: keep the cache small
                self._fitted.clear()
            font = self._fitted[key] = fitted_font(self._fonts[line], text, width)
        return font

    def fits(self) -> bool:
        """Every line is drawn in full, at a size no smaller than 60 % of the set size."""
        for line in ("title", "value", "status"):
            if self.font_for(line).pixelSize() < 0.6 * self._fonts[line].pixelSize():
                return False
        heights = sum(QFontMetrics(self.font_for(line)).height() for line in self._fonts)
        return heights <= self.height() - 2 * MARGIN_Y

    def sizeHint(self) -> QSize:
        lines = sum(QFontMetrics(font).height() for font in self._fonts.values())
        return QSize(12 * self._fonts["value"].pixelSize() // 2, lines + 2 * MARGIN_Y)

    def minimumSizeHint(self) -> QSize:
        lines = sum(QFontMetrics(font).height() for font in self._fonts.values())
        return QSize(4 * self._fonts["value"].pixelSize() // 2, lines + 2 * MARGIN_Y)

    def paintEvent(self, event: QPaintEvent) -> None:
        """The level's colour with rounded corners, then the name, the value and the status."""
        background, ink = _QCOLOURS[self.level]
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(background)
        painter.drawRoundedRect(QRectF(self.rect()), RADIUS, RADIUS)
        painter.setPen(ink)
        inner = self.rect().adjusted(MARGIN_X, MARGIN_Y, -MARGIN_X, -MARGIN_Y)
        title, value, status = (self.font_for(line) for line in ("title", "value", "status"))
        title_h = QFontMetrics(title).height()
        status_h = QFontMetrics(status).height()
        centre = Qt.AlignmentFlag.AlignCenter
        painter.setFont(title)
        painter.drawText(QRect(inner.left(), inner.top(), inner.width(), title_h), centre,
                         self.title)  # fmt: skip
        painter.setFont(status)
        painter.drawText(
            QRect(inner.left(), inner.bottom() - status_h + 1, inner.width(), status_h),
            centre,
            self.status,
        )
        painter.setFont(value)
        middle = inner.adjusted(0, title_h, 0, -status_h)
        painter.drawText(middle, centre, self.value)
        painter.end()

    def _describe(self) -> None:
        """Screen readers read the painted lines as one name."""
        self.setAccessibleName(f"{self.title}: {self.value} {self.status}".strip())
