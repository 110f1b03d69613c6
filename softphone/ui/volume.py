"""A headset volume control: a slider from silent to twice as loud, with its value in words."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QWidget

from softphone.ui.widgets import named

MAX_PERCENT = 200  # the engine's MAX_VOLUME, in per cent
STEP_PERCENT = 5


class VolumeSlider(QWidget):
    """A volume in per cent (100: as the device gives it), changed by mouse or arrow keys."""

    changed = Signal(int)  # the new volume, in per cent, each time the agent moves it

    def __init__(self, name: str, tip: str, percent: int = 100) -> None:
        super().__init__()
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, MAX_PERCENT)
        self.slider.setSingleStep(STEP_PERCENT)
        self.slider.setPageStep(4 * STEP_PERCENT)
        self.slider.setTickInterval(100)
        self.slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        named(self.slider, name, tip)
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        # Room for "200 %" however the font is, so the slider never jumps.
        self.label.setMinimumWidth(self.label.fontMetrics().horizontalAdvance("200 %") + 4)
        self.label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.label)
        self.set_percent(percent)
        self.slider.valueChanged.connect(self._moved)

    def percent(self) -> int:
        """The volume shown, in per cent."""
        return self.slider.value()

    def set_percent(self, percent: int) -> None:
        """Show `percent` without telling anyone (it came from the profile, not the agent)."""
        self.slider.blockSignals(True)
        self.slider.setValue(percent)
        self.slider.blockSignals(False)
        self._show(self.slider.value())

    def _moved(self, percent: int) -> None:
        self._show(percent)
        self.changed.emit(percent)

    def _show(self, percent: int) -> None:
        self.label.setText(f"{percent} %")
        self.slider.setAccessibleDescription(f"{percent} %")
