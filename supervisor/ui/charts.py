"""The wallboard's four charts (pyqtgraph), redrawn from a delivered `WallboardSeries` only.

Each chart keeps its plot items and changes their data: nothing is created
on a redraw, and an item whose data did not change is not touched. Each
series is two items, its closed part and its live end (the last interval,
up to now), so a refresh repaints only the end of a chart until a new
interval begins. The time axes move in whole steps (a minute, or a
quarter hour for a day), not with every second, so their ticks are worked
out again only when a step passes. Grid lines and the area under a curve
are opaque colours: Qt's software painter draws them many times slower
with an alpha channel. The titles double as legends; on a narrow chart
they wrap onto more lines, never cut. Time runs along the bottom in local
clock time; the calls chart counts per quarter hour of the clock.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QGridLayout, QWidget

from supervisor.metrics.series import CHARTED_STATES, WallboardSeries

BACKGROUND = "#15181b"
AXIS = "#c8ccd0"
GRID = "#33383d"  # AXIS at about 20 % over BACKGROUND, as one opaque colour
OFFERED, ANSWERED, ABANDONED = "#64b5f6", "#66bb6a", "#ef5350"
WAITING, LEVEL, TARGET = "#ffca28", "#4dd0e1", "#e0e0e0"
WAITING_FILL = "#4c421e"  # WAITING at about 25 % over BACKGROUND, opaque like the grid
STATE_COLOURS = {
    "available": "#43a047",
    "ringing": "#7e57c2",
    "on_call": "#1e88e5",
    "wrap_up": "#fdd835",
    "not_ready": "#e53935",
}
TITLE_MARGIN = 16  # the title's text item keeps a few pixels of margin each side

Parts = Sequence[tuple[str, str]]  # (text, colour) of a title, in order


def _plot() -> pg.PlotWidget:
    plot = pg.PlotWidget(background=BACKGROUND, axisItems={"bottom": pg.DateAxisItem()})
    plot.setMenuEnabled(False)
    plot.setMouseEnabled(x=False, y=False)
    plot.disableAutoRange()
    plot.hideButtons()
    font = QFont()
    font.setPixelSize(15)
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        axis.setTextPen(AXIS)
        axis.setPen(AXIS)
        axis.setStyle(tickFont=font, tickAlpha=255)
    left = plot.getAxis("left")
    left.setWidth(QFontMetrics(font).horizontalAdvance("0000") + 10)  # the four charts line up
    left.setTickPen(pg.mkPen(GRID))
    left.setGrid(255)  # horizontal grid lines at the labelled values only
    left.setStyle(maxTickLevel=0)
    return plot


def _curve(plot: pg.PlotWidget, **options: object) -> pg.PlotCurveItem:
    curve = pg.PlotCurveItem(**options)
    plot.addItem(curve)
    return curve


def _bars(plot: pg.PlotWidget, colour: str) -> pg.BarGraphItem:
    bars = pg.BarGraphItem(x=[], height=[], width=1.0, brush=colour, pen=None)
    plot.addItem(bars)
    return bars


def _closed_and_live(values: Sequence[Any]) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """All values but the last, and the last two (the live end): they share one point."""
    return tuple(values[:-1]), tuple(values[-2:])


def _html(lines: Sequence[Parts]) -> str:
    return "<br>".join(
        " ".join(f'<span style="color:{colour}">{text}</span>' for text, colour in line)
        for line in lines
    )


def wrap_title(parts: Parts, font: QFont, width: int) -> list[list[tuple[str, str]]]:
    """The title's parts in lines no wider than `width` (a part is never split)."""
    metrics = QFontMetrics(font)
    lines: list[list[tuple[str, str]]] = []
    for part in parts:
        if lines:
            trial = " ".join(text for text, _ in [*lines[-1], part])
            if metrics.horizontalAdvance(trial) <= width:
                lines[-1].append(part)
                continue
        lines.append([part])
    return lines


def _extent(first: float, last: float, step: float) -> tuple[float, float]:
    """[first, last] widened to whole steps, so it moves once a step, not every second."""
    low = math.floor(first / step) * step
    return low, max(math.ceil(last / step) * step, low + step)


class WallboardCharts(QWidget):
    """Calls waiting, service level, calls per quarter hour, and agents per state."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.waiting = _plot()
        self.level = _plot()
        self.calls = _plot()
        self.states = _plot()
        self.level.setYRange(0, 100, padding=0.02)
        # Each series is two items: what is closed (up to the last sample but one)
        # and the live end, which alone changes from one second to the next, so a
        # refresh repaints only the end of a chart.
        waiting = {"pen": pg.mkPen(WAITING, width=3), "fillLevel": 0, "brush": WAITING_FILL,
                   "skipFiniteCheck": True}  # fmt: skip
        self.waiting_curve = _curve(self.waiting, **waiting)
        self.waiting_live = _curve(self.waiting, **waiting)
        self.level_curve = _curve(self.level, pen=pg.mkPen(LEVEL, width=3))
        self.level_live = _curve(self.level, pen=pg.mkPen(LEVEL, width=3))
        self.target_line = pg.InfiniteLine(
            angle=0, pen=pg.mkPen(TARGET, width=2, style=Qt.PenStyle.DashLine)
        )
        self.level.addItem(self.target_line)
        calls = {"offered": OFFERED, "answered": ANSWERED, "abandoned": ABANDONED}
        self.call_bars = {name: _bars(self.calls, colour) for name, colour in calls.items()}
        self.call_live = {name: _bars(self.calls, colour) for name, colour in calls.items()}
        self.state_bars = {name: _bars(self.states, STATE_COLOURS[name]) for name in CHARTED_STATES}
        self.state_live = {name: _bars(self.states, STATE_COLOURS[name]) for name in CHARTED_STATES}
        self._title_px = 18
        self._shown: dict[str, Hashable] = {}  # what each item and range last got
        self.titles: dict[str, tuple[str, int]] = {}  # each title's HTML and pixel size
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.waiting, 0, 0)
        layout.addWidget(self.level, 0, 1)
        layout.addWidget(self.calls, 1, 0)
        layout.addWidget(self.states, 1, 1)
        for line in (0, 1):  # four equal charts, whatever their titles ask for
            layout.setColumnStretch(line, 1)
            layout.setRowStretch(line, 1)
        for plot in (self.waiting, self.level, self.calls, self.states):
            plot.installEventFilter(self)
        self._fit_titles()

    # -- titles -----------------------------------------------------------

    def set_title_size(self, pixels: int) -> None:
        """Pixel size of the charts' titles (smaller on a smaller screen, to fit)."""
        if pixels != self._title_px:
            self._title_px = pixels
            self._fit_titles()

    def title_font(self) -> QFont:
        """The font the titles are drawn in."""
        font = QFont(self.font())
        font.setPixelSize(self._title_px)
        return font

    def title_parts(self) -> dict[str, Parts]:
        """Each chart's title, as coloured parts: the words double as the legend."""
        names = {
            "available": self.tr("available"),
            "ringing": self.tr("ringing"),
            "on_call": self.tr("on call"),
            "wrap_up": self.tr("wrap-up"),
            "not_ready": self.tr("not ready"),
        }
        return {
            "waiting": [(self.tr("Calls waiting"), AXIS)],
            "level": [(self.tr("Service level, %"), AXIS)],
            "calls": [
                (self.tr("Offered"), OFFERED),
                (self.tr("answered"), ANSWERED),
                (self.tr("abandoned"), ABANDONED),
                (self.tr("per 15 min"), AXIS),
            ],
            "states": [(self.tr("Agents:"), AXIS)]
            + [(names[state], STATE_COLOURS[state]) for state in names],
        }

    def _fit_titles(self) -> None:
        """Each title on as many lines as its chart's width needs; set only when it changes."""
        font = self.title_font()
        for key, parts in self.title_parts().items():
            plot = getattr(self, key)
            room = (
                plot.width() - plot.getAxis("left").minimumWidth() - TITLE_MARGIN
            )  # over the data
            lines = wrap_title(parts, font, max(1, room))
            title = (_html(lines), self._title_px)
            if self.titles.get(key) != title:
                self.titles[key] = title
                plot.setTitle(title[0], size=f"{self._title_px}px")
                # pyqtgraph gives a title one row 30 px high: make it as high as the lines.
                item = plot.getPlotItem()
                height = math.ceil(item.titleLabel.item.boundingRect().height())
                item.titleLabel.setMaximumHeight(height)
                item.layout.setRowFixedHeight(0, height)
                # A longer title made the plot wider than its widget when the
                # widget was resized, and the plot keeps that width: fit it again.
                item.setGeometry(plot.range)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """A chart resized: wrap its title anew for the new width."""
        if event.type() == QEvent.Type.Resize:
            self._fit_titles()
        return False

    # -- data -------------------------------------------------------------

    def _changed(self, key: str, value: Hashable) -> bool:
        """Whether `value` differs from what `key` last got (and remember it)."""
        if self._shown.get(key) == value:
            return False
        self._shown[key] = value
        return True

    def show_series(self, series: WallboardSeries, target_percent: float) -> None:
        """Redraw what changed in `series`; the dashed line is the service-level target."""
        samples = series.samples
        step = series.sample_seconds
        for (closed, live), values, options in (
            ((self.waiting_curve, self.waiting_live), series.calls_waiting, {}),
            ((self.level_curve, self.level_live), series.service_level, {"connect": "finite"}),
        ):
            for item, times, points in zip(
                (closed, live), _closed_and_live(samples), _closed_and_live(values), strict=True
            ):
                if self._changed(f"curve {id(item)}", (times, points)):
                    y = [math.nan if point is None else point for point in points]  # no level yet
                    item.setData(np.asarray(times, float), np.asarray(y, float), **options)
        if self._changed("target", target_percent):
            self.target_line.setValue(target_percent)
        self._show_calls(series)
        stacked_top = self._show_states(series)

        if samples:
            span = _extent(samples[0], samples[-1], step)
            for plot in (self.waiting, self.level, self.states):
                if self._changed(f"x {id(plot)}", span):
                    plot.setXRange(*span, padding=0.01)
        self._set_top(self.waiting, max([*series.calls_waiting, 4]) * 1.1)
        self._set_top(self.states, max([*stacked_top, 4]) * 1.05)

    def _show_calls(self, series: WallboardSeries) -> None:
        """Three bars per quarter hour: offered, answered, abandoned (the last one live)."""
        intervals = series.intervals
        step = intervals.seconds
        starts = intervals.starts
        for offset, (name, heights) in enumerate(
            (
                ("offered", intervals.offered),
                ("answered", intervals.answered),
                ("abandoned", intervals.abandoned),
            )
        ):
            x = [start + step * (0.2 + 0.3 * offset) for start in starts]
            live = len(x) - 1
            for item, first, last in ((self.call_bars[name], 0, live),
                                      (self.call_live[name], live, len(x))):  # fmt: skip
                shown = (tuple(x[first:last]), tuple(heights[first:last]))
                if self._changed(f"bars {id(item)}", shown):
                    item.setOpts(x=list(shown[0]), height=list(shown[1]), width=step * 0.28)
        if starts and self._changed("x calls", (starts[0], starts[-1] + step)):
            self.calls.setXRange(starts[0], starts[-1] + step, padding=0.01)
        self._set_top(self.calls, max([*intervals.offered, 4]) * 1.1)

    def _show_states(self, series: WallboardSeries) -> list[int]:
        """A stacked bar over each sample interval, the states at its end (or now).

        Returns the stack tops.
        """
        step = series.sample_seconds
        centres = [start + step / 2 for start in series.samples[:-1]]
        bottom = [0] * len(centres)
        live = len(centres) - 1
        for name in CHARTED_STATES:
            heights = series.agent_states.get(name, [0] * len(series.samples))[1:]
            for item, first, last in ((self.state_bars[name], 0, live),
                                      (self.state_live[name], live, len(centres))):  # fmt: skip
                shown = (
                    tuple(centres[first:last]),
                    tuple(bottom[first:last]),
                    tuple(heights[first:last]),
                )
                if self._changed(f"bars {id(item)}", shown):
                    item.setOpts(x=list(shown[0]), y0=list(shown[1]), height=list(shown[2]),
                                 width=step * 0.85)  # fmt: skip
            bottom = [low + high for low, high in zip(bottom, heights, strict=True)]
        return bottom

    def _set_top(self, plot: pg.PlotWidget, top: float) -> None:
        if self._changed(f"y {id(plot)}", top):
            plot.setYRange(0, top, padding=0)
