"""The wallboard's refresh: KPIs computed in a worker thread every second, results by signal.

The worker owns its own read-only SQLite connection (SQLite connections
belong to the thread that made them): it opens it on the first refresh and
closes it when the refresher stops. The GUI thread only asks and receives:
a tick is skipped while the previous refresh still runs, so a slow store
never queues up work or blocks the window.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from urllib.parse import quote

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from supervisor.metrics import KpiCache, MetricsSettings, Window
from supervisor.metrics.series import Wallboard, compute_wallboard
from supervisor.store import BUSY_TIMEOUT

log = logging.getLogger(__name__)

REFRESH_MS = 1000
# Refresh threads that did not stop in time: kept referenced so that Python
# never destroys a running QThread (Qt aborts the process when that happens).
_STRANDED: list[QThread] = []
WINDOWS = ("today", "last_15", "last_30", "last_60")
_KPI_CACHE_KIB = -65_536  # as `supervisor report`: the KPI queries revisit the same pages


@dataclass(frozen=True)
class RefreshRequest:
    """What to compute: the window choice, the queue (None: all) and the time it is for."""

    window: str  # one of WINDOWS
    queue: str | None
    now: float
    zone: tzinfo
    settings: MetricsSettings


def window_for(request: RefreshRequest) -> Window:
    """The report window a choice names, up to the request's `now`."""
    if request.window == "today":
        return Window.today(request.now, request.zone)
    minutes = float(request.window.removeprefix("last_"))
    return Window.last(minutes, request.now)


def compute(
    connection: sqlite3.Connection, request: RefreshRequest, cache: KpiCache | None = None
) -> Wallboard:
    """The default work of one refresh: every KPI and the charts' series.

    `cache` is what the last refresh on this connection read (the worker keeps
    one): the next refresh of the same window reads only what is new.
    """
    return compute_wallboard(
        connection,
        window_for(request),
        request.now,
        request.settings,
        request.queue,
        zone=request.zone,
        cache=cache,
    )


def read_only_connection(path: Path) -> sqlite3.Connection:
    """A query-only connection to the store, for the worker thread that makes it."""
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    connection = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT, isolation_level=None)
    connection.execute("PRAGMA query_only = ON")
    connection.execute(f"PRAGMA cache_size = {_KPI_CACHE_KIB}")
    return connection


Compute = Callable[[sqlite3.Connection, RefreshRequest, KpiCache], Wallboard]
"""One refresh: (the worker's connection, what to compute, the worker's cache)."""


class RefreshWorker(QObject):
    """Lives in the worker thread; computes one refresh per request."""

    refreshed = Signal(object)  # Wallboard
    failed = Signal(str)

    def __init__(self, connect: Callable[[], sqlite3.Connection], work: Compute) -> None:
        super().__init__()
        self._connect = connect
        self._work = work
        self._connection: sqlite3.Connection | None = None
        self._cache = KpiCache()  # belongs to `_connection` and to this worker's thread

    @Slot(object)
    def refresh(self, request: RefreshRequest) -> None:
        """Compute one refresh and emit it (or why it failed)."""
        try:
            if self._connection is None:
                self._connection = self._connect()
                self._cache = KpiCache()
            began = time.perf_counter()
            result = self._work(self._connection, request, self._cache)
            log.debug("Refresh in %.1f ms", (time.perf_counter() - began) * 1000)
        except Exception as exc:  # a refresh must never kill the worker
            log.warning("Wallboard refresh failed: %s", exc)
            self._cache = KpiCache()  # the next refresh reads everything again
            self.failed.emit(str(exc))
            return
        self.refreshed.emit(result)

    @Slot()
    def close(self) -> None:
        """Close the connection, in the thread that opened it."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None


class Refresher(QObject):
    """In the GUI thread: ticks every second, asks the worker, skips while it is busy."""

    requested = Signal(object)  # RefreshRequest, to the worker (queued)
    closing = Signal()
    refreshed = Signal(object)  # Wallboard, in the GUI thread
    failed = Signal(str)

    def __init__(
        self,
        connect: Callable[[], sqlite3.Connection],
        make_request: Callable[[], RefreshRequest],
        work: Compute = compute,
        interval_ms: int = REFRESH_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._make_request = make_request
        self.busy = False
        self.skipped = 0
        self.worker_thread = QThread()
        self.worker_thread.setObjectName("wallboard-refresh")
        self.worker = RefreshWorker(connect, work)
        self.worker.moveToThread(self.worker_thread)
        self.requested.connect(self.worker.refresh)
        self.closing.connect(self.worker.close)
        self.worker.refreshed.connect(self._delivered)
        self.worker.failed.connect(self._failed)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.tick)

    def start(self) -> None:
        """Start the worker thread and the ticks, with a first refresh at once."""
        self.worker_thread.start()
        self.timer.start()
        self.tick()

    @Slot()
    def tick(self) -> None:
        """Ask for a refresh unless the last one is still running."""
        if self.busy:
            self.skipped += 1
            return
        self.busy = True
        self.requested.emit(self._make_request())

    def _delivered(self, result: Wallboard) -> None:
        self.busy = False
        self.refreshed.emit(result)

    def _failed(self, reason: str) -> None:
        self.busy = False
        self.failed.emit(reason)

    def stop(self, timeout_ms: int = 10_000) -> None:
        """Stop ticking, close the worker's connection, end the thread (waits for a refresh)."""
        self.timer.stop()
        if not self.worker_thread.isRunning():
            return
        self.closing.emit()  # queued: runs in the worker thread before it quits
        self.worker_thread.quit()
        if not self.worker_thread.wait(timeout_ms):
            # Destroying a running QThread aborts the process: keep it alive instead.
            log.warning("The refresh thread did not stop within %d ms", timeout_ms)
            _STRANDED.append(self.worker_thread)
