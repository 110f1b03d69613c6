"""A wallboard tile: a figure's name, its value in large type, and OK / Watch / Alert.

The level is shown three ways, so it reads for colour-blind viewers too: the
tile's colour, a shape (check, triangle, cross) and a word.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from supervisor.metrics.status import Level

# Background, text colour. Amber carries dark text: white on amber is hard to read.
LEVEL_COLOURS = {
    Level.OK: ("#1e7b34", "#ffffff"),
    Level.WATCH: ("#f0a800", "#111111"),
    Level.ALERT: ("#c62828", "#ffffff"),
    Level.INFO: ("#2f4f6f", "#ffffff"),
    Level.NONE: ("#3a3f44", "#d0d4d8"),
}


class KpiTile(QFrame):
    """One figure on the wallboard."""

    def __init__(self, key: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.setObjectName(f"tile_{key}")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAutoFillBackground(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.title = QLabel(title)
        self.value = QLabel("—")
        self.status = QLabel("")
        for label in (self.title, self.value, self.status):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.value.setObjectName("value")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(0)
        layout.addWidget(self.title)
        layout.addWidget(self.value, 1)
        layout.addWidget(self.status)
        self.level = Level.NONE
        self._styled: Level | None = None
        self.set_font_sizes(56, 20)
        self._apply_style()

    def set_font_sizes(self, value_px: int, label_px: int) -> None:
        """Pixel sizes of the figure and of the name and status lines."""
        big = QFont(self.value.font())
        big.setPixelSize(value_px)
        big.setBold(True)
        self.value.setFont(big)
        small = QFont(self.title.font())
        small.setPixelSize(label_px)
        small.setBold(False)
        self.title.setFont(small)
        status = QFont(small)
        status.setBold(True)
        self.status.setFont(status)

    def show_figure(self, text: str, level: Level, status: str) -> None:
        """Show `text` judged `level`, with the level's word (translated by the caller)."""
        if self.value.text() != text:
            self.value.setText(text)
        if self.status.text() != status:
            self.status.setText(status)
        self.level = level
        if self._styled is not level:
            self._apply_style()

    def _apply_style(self) -> None:
        background, text = LEVEL_COLOURS[self.level]
        self.setStyleSheet(
            f"KpiTile {{ background-color: {background}; border-radius: 6px; }}"
            f"QLabel {{ color: {text}; background: transparent; }}"
        )
        self._styled = self.level
