"""The wallboard's four charts (pyqtgraph), redrawn from a delivered `WallboardSeries` only.

Each chart keeps its plot items and changes their data: nothing is created
on a redraw. Time runs along the bottom in local clock time.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGridLayout, QWidget

from supervisor.metrics.series import CHARTED_STATES, WallboardSeries

BACKGROUND = "#15181b"
AXIS = "#c8ccd0"
OFFERED, ANSWERED, ABANDONED = "#64b5f6", "#66bb6a", "#ef5350"
WAITING, LEVEL, TARGET = "#ffca28", "#4dd0e1", "#e0e0e0"
STATE_COLOURS = {
    "available": "#43a047",
    "ringing": "#7e57c2",
    "on_call": "#1e88e5",
    "wrap_up": "#fdd835",
    "not_ready": "#e53935",
}


def _plot(title: str) -> pg.PlotWidget:
    plot = pg.PlotWidget(background=BACKGROUND, axisItems={"bottom": pg.DateAxisItem()})
    plot.setMenuEnabled(False)
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()
    plot.showGrid(x=False, y=True, alpha=0.2)
    plot.setTitle(title, color=AXIS, size="18px")
    font = QFont()
    font.setPixelSize(15)
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        axis.setTextPen(AXIS)
        axis.setPen(AXIS)
        axis.setStyle(tickFont=font)
    return plot


def _html(parts: Sequence[tuple[str, str]]) -> str:
    return " ".join(f'<span style="color:{colour}">{text}</span>' for text, colour in parts)


class WallboardCharts(QWidget):
    """Calls waiting, service level, calls per interval, and agents per state."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.waiting = _plot("")
        self.level = _plot("")
        self.calls = _plot("")
        self.states = _plot("")
        self.level.setYRange(0, 100, padding=0.02)
        self.waiting_curve = self.waiting.plot(
            [], [], pen=pg.mkPen(WAITING, width=3), fillLevel=0, brush=(255, 202, 40, 60)
        )
        self.level_curve = self.level.plot([], [], pen=pg.mkPen(LEVEL, width=3))
        self.target_line = pg.InfiniteLine(
            angle=0, pen=pg.mkPen(TARGET, width=2, style=Qt.PenStyle.DashLine)
        )
        self.level.addItem(self.target_line)
        self.call_bars = {
            name: pg.BarGraphItem(x=[], height=[], width=1.0, brush=colour, pen=None)
            for name, colour in (
                ("offered", OFFERED),
                ("answered", ANSWERED),
                ("abandoned", ABANDONED),
            )
        }
        for bars in self.call_bars.values():
            self.calls.addItem(bars)
        self.state_bars = {
            name: pg.BarGraphItem(x=[], height=[], width=1.0, brush=STATE_COLOURS[name], pen=None)
            for name in CHARTED_STATES
        }
        for bars in self.state_bars.values():
            self.states.addItem(bars)
        self._title_px = 18
        self._interval: float = 900.0
        self._titles()
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.waiting, 0, 0)
        layout.addWidget(self.level, 0, 1)
        layout.addWidget(self.calls, 1, 0)
        layout.addWidget(self.states, 1, 1)

    def set_title_size(self, pixels: int) -> None:
        """Pixel size of the charts' titles (smaller on a smaller screen, to fit)."""
        if pixels != self._title_px:
            self._title_px = pixels
            self._titles()

    def _titles(self) -> None:
        size = f"{self._title_px}px"
        self.waiting.setTitle(self.tr("Calls waiting"), color=AXIS, size=size)
        self.level.setTitle(self.tr("Service level, %"), color=AXIS, size=size)
        per = self.tr("per 15 min") if self._interval >= 900 else self.tr("per minute")
        self.calls.setTitle(
            _html(
                [
                    (self.tr("Offered"), OFFERED),
                    (self.tr("answered"), ANSWERED),
                    (self.tr("abandoned"), ABANDONED),
                    (per, AXIS),
                ]
            ),
            size=size,
        )
        names = {
            "available": self.tr("available"),
            "ringing": self.tr("ringing"),
            "on_call": self.tr("on call"),
            "wrap_up": self.tr("wrap-up"),
            "not_ready": self.tr("not ready"),
        }
        self.states.setTitle(
            _html([(self.tr("Agents:"), AXIS)] + [(names[s], STATE_COLOURS[s]) for s in names]),
            size=size,
        )

    def show_series(self, series: WallboardSeries, target_percent: float) -> None:
        """Redraw every chart from `series`; the dashed line is the service-level target."""
        if series.interval_seconds != self._interval:
            self._interval = series.interval_seconds
            self._titles()
        samples = series.samples
        self.waiting_curve.setData(samples, series.calls_waiting)
        levels = [float("nan") if value is None else value for value in series.service_level]
        self.level_curve.setData(samples, levels, connect="finite")
        self.target_line.setValue(target_percent)

        step = series.interval_seconds
        starts = series.intervals.starts
        width = step * 0.28
        for offset, (name, heights) in enumerate(
            (
                ("offered", series.intervals.offered),
                ("answered", series.intervals.answered),
                ("abandoned", series.intervals.abandoned),
            )
        ):
            x = [start + step * (0.2 + 0.3 * offset) for start in starts]
            self.call_bars[name].setOpts(x=x, height=heights, width=width)

        # One stacked bar per interval, the states at its end.
        ends = samples[1:]
        centres = [end - step / 2 for end in ends]
        bottom = [0] * len(ends)
        for name in CHARTED_STATES:
            heights = series.agent_states.get(name, [0] * len(samples))[1:]
            self.state_bars[name].setOpts(
                x=centres, height=heights, y0=list(bottom), width=step * 0.85
            )
            bottom = [low + high for low, high in zip(bottom, heights, strict=True)]
        if samples:
            span = (samples[0], max(samples[-1], samples[0] + step))
            for plot in (self.waiting, self.level, self.calls, self.states):
                plot.setXRange(*span, padding=0.01)
        self.waiting.setYRange(0, max([*series.calls_waiting, 4]) * 1.1, padding=0)
        peak = max([*series.intervals.offered, 4])
        self.calls.setYRange(0, peak * 1.1, padding=0)
        self.states.setYRange(0, max([*bottom, 4]) * 1.05, padding=0)
