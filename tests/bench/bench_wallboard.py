"""Wallboard benchmark: what one refresh costs the window with 500 agents, at 1920x1080.

A frame is what the shown window does once a second: `show_wallboard(result)`
with the next refresh of a busy call center (tests/ui/busy_wallboard.py: every
agent's time in state moves on, a few agents change state, the queue figures
and the last sample of each chart move, and a quarter hour passes during the
run), then `QApplication.processEvents()`, which paints what Qt marked for
repainting (the tiles, cells and charts that changed, not the whole window)
into the window's backing store, as it would on a screen. Computing the
refresh is not in it (the refresh thread does that), nor is the copy of the
backing store to the screen: the offscreen platform has no screen.

Figures (medians of FRAMES frames, with the worst frame where it matters):

- baseline: every widget of the window repainted once with nothing changed
  (`update()` on each, then `processEvents()`): what painting the whole
  window costs on this machine;
- frame with the grid sorted by agent name (the default), split into the
  update (`show_wallboard` alone) and the paint (`processEvents`);
- frame with the grid sorted by time in state, where each state change moves
  a row, so the visible grid repaints whole;
- frame with the window "last 15 minutes" (grid by name): samples a minute
  apart from a start that moves each second, so the charts redraw whole;
- full frame: `show_wallboard` then `grab()`, which paints every widget
  whatever changed: what a frame would cost if everything changed each second.

The worst frame is usually the one where a quarter hour (or, for the last 15
minutes, a minute) passes: the time axes move, and every closed series is
drawn anew. Ratios are against the baseline of the same run. The widgets a
frame repainted are listed too. Asserts no time. Run with `make bench` (or pytest tests/bench
-o python_files='bench_*.py' -s).
"""

from __future__ import annotations

import statistics
import time
from collections import Counter
from datetime import timezone

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QWidget

from supervisor.metrics import MetricsSettings
from supervisor.ui.agent_grid import AgentTableModel
from supervisor.ui.wallboard import WallboardWindow
from tests.ui.busy_wallboard import BusyCallCenter

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

AGENTS = 500
FRAMES = 60
WARM_UP = 5
TARGET_MS = 16.0


class _PaintLog(QObject):
    """Counts the paint events each kind of widget gets."""

    def __init__(self) -> None:
        super().__init__()
        self.painted: Counter[str] = Counter()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and isinstance(watched, QWidget):
            parent = watched.parentWidget()
            if isinstance(parent, QAbstractScrollArea) and watched is parent.viewport():
                name = f"{type(parent).__name__} viewport"
            else:
                name = watched.objectName() or type(watched).__name__
            self.painted[name] += 1
        return False


def _frame(window: WallboardWindow, center: BusyCallCenter) -> tuple[float, float]:
    """One frame: (update ms, paint ms)."""
    board = center.refresh()
    began = time.perf_counter()
    window.show_wallboard(board)
    updated = time.perf_counter()
    QApplication.processEvents()
    painted = time.perf_counter()
    return (updated - began) * 1000, (painted - updated) * 1000


def _frames(window: WallboardWindow, center: BusyCallCenter) -> tuple[float, float, float, float]:
    """Median update, paint and frame ms, and the worst frame, over FRAMES frames."""
    for _ in range(WARM_UP):
        _frame(window, center)
    timed = [_frame(window, center) for _ in range(FRAMES)]
    totals = [update + paint for update, paint in timed]
    return (
        statistics.median(update for update, _ in timed),
        statistics.median(paint for _, paint in timed),
        statistics.median(totals),
        max(totals),
    )


def _median_ms(action, frames: int = FRAMES) -> float:
    times = []
    for _ in range(frames):
        began = time.perf_counter()
        action()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def _line(label: str, figures: tuple[float, float, float, float], baseline: float) -> str:
    update, paint, frame, worst = figures
    return (
        f"supervisor: wallboard frame with {AGENTS} agents at 1920x1080, {label}: "
        f"{frame:.1f} ms median (update {update:.1f} + paint {paint:.1f}), worst {worst:.1f} ms, "
        f"{frame / baseline:.2f}x the baseline (target: under {TARGET_MS:.0f} ms)"
    )


def test_a_wallboard_redraw_with_500_agents(qtbot):
    window = WallboardWindow(lambda: None, MetricsSettings(), zone=timezone.utc)
    qtbot.addWidget(window)
    window.resize(1920, 1080)
    window.show()
    qtbot.waitExposed(window)
    center = BusyCallCenter(AGENTS)
    window.show_wallboard(center.refresh())
    QApplication.processEvents()

    widgets = [window, *window.findChildren(QWidget)]

    def repaint_everything() -> None:
        for widget in widgets:
            widget.update()
        QApplication.processEvents()

    baseline = _median_ms(repaint_everything)
    by_name = _frames(window, center)

    log = _PaintLog()
    QApplication.instance().installEventFilter(log)
    _frame(window, center)
    QApplication.instance().removeEventFilter(log)

    time_column = AgentTableModel.COLUMNS.index("time_in_state")
    window.grid.sortByColumn(time_column, Qt.SortOrder.DescendingOrder)
    QApplication.processEvents()
    by_time = _frames(window, center)
    window.grid.sortByColumn(0, Qt.SortOrder.AscendingOrder)

    def full_frame() -> None:
        window.show_wallboard(center.refresh())
        window.grab()

    full = _median_ms(full_frame)

    last_15 = BusyCallCenter(AGENTS, last_minutes=15)
    window.show_wallboard(last_15.refresh())
    QApplication.processEvents()
    sliding = _frames(window, last_15)

    print(
        f"\nsupervisor: wallboard baseline, every widget of the window repainted with nothing "
        f"changed, 1920x1080: {baseline:.1f} ms median"
    )
    print(_line("grid by name", by_name, baseline))
    print(_line("grid by time in state", by_time, baseline))
    print(_line("last 15 minutes, grid by name", sliding, baseline))
    print(
        f"supervisor: wallboard full frame with {AGENTS} agents (update, then grab() of every "
        f"widget): {full:.1f} ms median, {full / baseline:.2f}x the baseline"
    )
    painted = ", ".join(f"{name} {count}" for name, count in sorted(log.painted.items()))
    print(f"supervisor: widgets one frame repainted (grid by name): {painted}")
    assert window.grid.model().rowCount() == AGENTS
    assert log.painted, "a frame painted nothing: the benchmark would measure no paint"
