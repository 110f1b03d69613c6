"""The wallboard window: twelve tiles, four charts and the agent grid, for a wall display.

Every second the `Refresher` computes the figures in its worker thread; the
window only draws what it delivers (`show_wallboard`). A queue filter and a
window selector (today, the last 15, 30 or 60 minutes) choose what is
computed; F11 toggles full screen (Esc leaves it); Export writes the shown
tiles and agent grid as CSV.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, tzinfo
from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QPalette,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from supervisor.metrics import MetricsSettings
from supervisor.metrics.series import Wallboard
from supervisor.metrics.status import Level, count_agents, judge, judge_agents
from supervisor.ui import export
from supervisor.ui import format as fmt
from supervisor.ui.agent_grid import AgentGrid
from supervisor.ui.charts import BACKGROUND, WallboardCharts
from supervisor.ui.refresh import WINDOWS, Compute, Refresher, RefreshRequest, compute
from supervisor.ui.tiles import KpiTile

log = logging.getLogger(__name__)

QUEUE_TILES = (
    ("calls_waiting", fmt.count),
    ("longest_wait_seconds", fmt.duration),
    ("service_level_percent", fmt.percent),
    ("asa_seconds", fmt.duration),
    ("abandonment_rate_percent", fmt.percent),
    ("aht_seconds", fmt.duration),
    ("fcr_percent", fmt.percent),
    ("csat_percent", fmt.percent),
)
AGENT_TILES = ("available", "on_call", "wrap_up", "not_ready")
TILE_COLUMNS = 6
TEXT, STALE = "#e8eaed", "#ff8a80"


class WallboardWindow(QMainWindow):
    """The supervisor's wallboard."""

    def __init__(
        self,
        connect: Callable[[], object],
        settings: MetricsSettings,
        *,
        zone: tzinfo,
        clock: Callable[[], float] = time.time,
        work: Compute = compute,
        interval_ms: int = 1000,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.zone = zone
        self.clock = clock
        self.wallboard: Wallboard | None = None
        self.setWindowTitle(self.tr("Callboard wallboard"))
        # Colours through palettes, not a style sheet: a style sheet on the window
        # would send every paint of every widget below it through Qt's slower
        # style-sheet style (it doubled the agent grid's paint time).
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor(BACKGROUND))
        palette.setColor(QPalette.ColorRole.WindowText, QColor(TEXT))
        self.setPalette(palette)
        self.refresher = Refresher(
            connect,  # type: ignore[arg-type]
            self.request,
            work,
            interval_ms,
            parent=self,
        )
        self.refresher.refreshed.connect(self.show_wallboard)
        self.refresher.failed.connect(self.show_failure)
        top = self._build_top_bar()
        tile_grid = self._build_tiles()
        self.charts = WallboardCharts()
        self.grid = AgentGrid()
        lower = QHBoxLayout()
        lower.setSpacing(10)
        lower.addWidget(self.charts, 3)
        lower.addWidget(self.grid, 2)

        central = QWidget()
        central.setObjectName("central")
        layout = QVBoxLayout(central)
        layout.setContentsMargins(10, 8, 10, 10)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addLayout(tile_grid, 33)
        layout.addLayout(lower, 67)
        self.setCentralWidget(central)

        self._scale_fonts(1080)
        self.setMinimumSize(1024, 640)

    def _build_top_bar(self) -> QHBoxLayout:
        self.heading = QLabel(self.tr("Callboard"))
        self.heading.setObjectName("heading")
        self.queue_filter = QComboBox()
        self.queue_filter.addItem(self.tr("All queues"), None)
        for name in sorted(self.settings.queues):
            self.queue_filter.addItem(name, name)
        self.window_choice = QComboBox()
        for key, text in zip(
            WINDOWS,
            (
                self.tr("Today"),
                self.tr("Last 15 min"),
                self.tr("Last 30 min"),
                self.tr("Last 60 min"),
            ),
            strict=True,
        ):
            self.window_choice.addItem(text, key)
        self.updated = QLabel("")
        self.updated.setObjectName("updated")
        self.updated.setProperty("stale", False)
        self.updated.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.export_button = QPushButton(self.tr("Export CSV…"))
        self.full_screen_button = QPushButton(self.tr("Full screen (F11)"))
        self.queue_filter.activated.connect(self.choice_changed)
        self.window_choice.activated.connect(self.choice_changed)
        self.export_button.clicked.connect(self.export_csv)
        self.full_screen_button.clicked.connect(self.toggle_full_screen)
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(self.updated)
        top.addSpacing(16)
        top.addWidget(self.queue_filter)
        top.addWidget(self.window_choice)
        top.addWidget(self.export_button)
        top.addWidget(self.full_screen_button)
        return top

    def _build_tiles(self) -> QGridLayout:
        titles = {
            "calls_waiting": self.tr("Calls waiting"),
            "longest_wait_seconds": self.tr("Longest wait"),
            "service_level_percent": self.tr("Service level"),
            "asa_seconds": self.tr("ASA"),
            "abandonment_rate_percent": self.tr("Abandoned"),
            "aht_seconds": self.tr("AHT"),
            "fcr_percent": self.tr("FCR"),
            "csat_percent": self.tr("CSAT"),
            "available": self.tr("Available"),
            "on_call": self.tr("On call"),
            "wrap_up": self.tr("Wrap-up"),
            "not_ready": self.tr("Not ready"),
        }
        self.level_words = {
            Level.OK: self.tr("✔ OK"),
            Level.WATCH: self.tr("▲ WATCH"),
            Level.ALERT: self.tr("✖ ALERT"),
            Level.INFO: " ",
            Level.NONE: self.tr("no data"),
        }
        self.tiles = {key: KpiTile(key, title) for key, title in titles.items()}
        tile_grid = QGridLayout()
        tile_grid.setSpacing(8)
        for position, tile in enumerate(self.tiles.values()):
            tile_grid.addWidget(tile, *divmod(position, TILE_COLUMNS))
        return tile_grid

    # -- refresh ---------------------------------------------------------

    def start(self) -> None:
        """Start refreshing every second."""
        self.refresher.start()

    def stop(self) -> None:
        """Stop refreshing and end the worker thread."""
        self.refresher.stop()

    def request(self) -> RefreshRequest:
        """What the next refresh computes: the chosen window and queue, as of now."""
        return RefreshRequest(
            self.window_choice.currentData(),
            self.queue_filter.currentData(),
            self.clock(),
            self.zone,
            self.settings,
        )

    @Slot()
    def choice_changed(self) -> None:
        """A new queue or window: refresh now rather than at the next tick."""
        self.refresher.tick()

    @Slot(object)
    def show_wallboard(self, wallboard: Wallboard) -> None:
        """Draw a delivered refresh: tiles, charts and grid."""
        self.wallboard = wallboard
        report = wallboard.report
        thresholds = self.settings.thresholds(report.queue_filter)
        total = report.total
        for key, write in QUEUE_TILES:
            value = total.get(key)
            number = value if isinstance(value, (int, float)) else None
            level = judge(key, number, thresholds)
            self.tiles[key].show_figure(write(number), level, self.level_words[level])
        counts = count_agents({agent.agent_id: agent.state for agent in report.agents})
        waiting = total.get("calls_waiting")
        levels = judge_agents(counts, waiting if isinstance(waiting, int) else 0)
        for key in AGENT_TILES:
            number = getattr(counts, key)
            self.tiles[key].show_figure(str(number), levels[key], self.level_words[levels[key]])
        self.charts.show_series(wallboard.series, thresholds.service_level_target_percent)
        self.grid.show_agents(report.agents)
        self._add_queues([row["queue"] for row in report.queues])
        stamp = datetime.fromtimestamp(report.now, tz=self.zone).strftime("%H:%M:%S")
        self._set_updated(self.tr("Updated %s") % stamp, stale=False)

    @Slot(str)
    def show_failure(self, reason: str) -> None:
        """Keep the last figures, and say the store cannot be read."""
        self._set_updated(self.tr("Store not readable: %s") % reason, stale=True)

    def _set_updated(self, text: str, *, stale: bool) -> None:
        """The time of the figures, or why they are old; sized so a new second relays nothing."""
        if self.updated.text() != text:
            self.updated.setText(text)
            self._size_updated()
        if self.updated.property("stale") != stale:
            self.updated.setProperty("stale", stale)
            palette = self.updated.palette()
            palette.setColor(QPalette.ColorRole.WindowText, QColor(STALE if stale else TEXT))
            self.updated.setPalette(palette)

    def _size_updated(self) -> None:
        """A fixed size, wide enough for "Updated 00:00:00" or the text shown if longer.

        A label of fixed size never asks the layouts above it to recompute when
        its text changes, as it does once a second here.
        """
        metrics = QFontMetrics(self.updated.font())
        template = metrics.horizontalAdvance(self.tr("Updated %s") % "00:00:00")
        width = max(template, metrics.horizontalAdvance(self.updated.text())) + 8
        height = metrics.height() + 4
        if (self.updated.minimumWidth(), self.updated.maximumWidth()) != (width, width):
            self.updated.setFixedWidth(width)
        if (self.updated.minimumHeight(), self.updated.maximumHeight()) != (height, height):
            self.updated.setFixedHeight(height)

    def _add_queues(self, names: list[object]) -> None:
        known = {self.queue_filter.itemData(i) for i in range(self.queue_filter.count())}
        for name in names:
            if isinstance(name, str) and name not in known:
                self.queue_filter.addItem(name, name)

    # -- export and full screen -----------------------------------------

    def shown_tiles(self) -> list[list[str]]:
        """The tiles as shown: figure, value, status."""
        return [[tile.title, tile.value, tile.level.value] for tile in self.tiles.values()]

    @Slot()
    def export_csv(self) -> None:
        """Save the shown tiles and agent grid as CSV, where the supervisor chooses."""
        suggested = Path.home() / f"wallboard-{datetime.now():%Y%m%d-%H%M}.csv"
        path = export.choose_export_path(self, suggested)
        if path is None:
            return
        report = self.wallboard.report if self.wallboard is not None else None
        scope = [
            self.queue_filter.currentText(),
            self.window_choice.currentText(),
            self.updated.text(),
        ]
        header = [self.tr("Figure"), self.tr("Value"), self.tr("Status"),
                  self.tr("Queue"), self.tr("Window"), self.tr("As of")]  # fmt: skip
        rows = [[*tile, *scope] for tile in self.shown_tiles()]
        try:
            export.write_csv(path, header, rows, self.grid.headers(), self.grid.shown_rows())
        except OSError as exc:
            self._set_updated(self.tr("Export failed: %s") % exc, stale=True)
            return
        log.info("Wallboard exported to %s (as of %s)", path, report.now if report else None)

    @Slot()
    def toggle_full_screen(self) -> None:
        """F11: full screen for the wall display, or back."""
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()

    @Slot()
    def leave_full_screen(self) -> None:
        """Esc: back from full screen."""
        if self.isFullScreen():
            self.showNormal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """F11 toggles full screen and Esc leaves it, wherever the focus is."""
        if event.key() == Qt.Key.Key_F11:
            self.toggle_full_screen()
        elif event.key() == Qt.Key.Key_Escape:
            self.leave_full_screen()
        else:
            super().keyPressEvent(event)

    # -- sizes ------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Scale the type with the window, so a wall display gets large figures."""
        super().resizeEvent(event)
        self._scale_fonts(event.size().height())

    def _scale_fonts(self, height: int) -> None:
        value_px = max(36, min(110, int(height * 0.058)))
        label_px = max(18, int(height * 0.019))
        for tile in self.tiles.values():
            tile.set_font_sizes(value_px, label_px)
        self.grid.set_font_size(max(16, int(height * 0.018)))
        self.charts.set_title_size(max(14, int(height * 0.019)))
        top_font = QFont(self.font())
        top_font.setPixelSize(label_px)
        for widget in (self.updated, self.queue_filter, self.window_choice,
                       self.export_button, self.full_screen_button):  # fmt: skip
            widget.setFont(top_font)
        self._size_updated()
        heading = QFont(top_font)
        heading.setPixelSize(int(label_px * 1.4))
        heading.setBold(True)
        self.heading.setFont(heading)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing the window stops the refresh thread first."""
        self.stop()
        super().closeEvent(event)
