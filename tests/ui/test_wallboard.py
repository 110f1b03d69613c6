"""The wallboard window on a fixture store: the real feed's day.queue_log plus softphone facts.

D = 2025-06-15T00:00:00Z, now D + 3100, today's window, support's T = 30 s.
Queue figures as in tests/unit/test_metrics_queue.py: 1 call waiting since
D + 3000 (100 s), service level 3 / 5 = 60 %, ASA 70 / 4 = 17.5 s,
abandonment 1 / 8 = 12.5 %. From the softphones: AHT (150 + 70) / 2 = 110 s,
FCR 1 of 2 = 50 %, CSAT 2 of 3 = 67 %. Agents: 1001 available since
D + 775, 1002 on a call since D + 3050, 1003 not ready (lunch) since D + 1100,
1004 in wrap-up since D + 3000.
"""

from __future__ import annotations

import csv
import dataclasses
import gc
import time
from datetime import timezone
from pathlib import Path

import pytest
from PySide6.QtCore import QElapsedTimer, Qt, QTimer
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QComboBox

from supervisor.feeds import ingest, stored_offsets
from supervisor.metrics import MetricsSettings, QueueThresholds
from supervisor.metrics.series import CHARTED_STATES
from supervisor.metrics.status import Level
from supervisor.store import (
    AgentStateChange,
    CallAnswered,
    CallEnded,
    CallStarted,
    FinalWrapUp,
    StoreWriter,
    SurveyScore,
    open_connection,
)
from supervisor.ui import export
from supervisor.ui.agent_grid import TEXT_MARGIN, AgentGrid, AgentTableModel
from supervisor.ui.app import install_translations
from supervisor.ui.charts import WallboardCharts
from supervisor.ui.refresh import compute, read_only_connection
from supervisor.ui.wallboard import WallboardWindow
from tests.ui.busy_wallboard import BusyCallCenter
from tests.ui.conftest import OFFSCREEN_NOISE, save_screenshot
from tests.ui.scenes import text_problems

pytestmark = OFFSCREEN_NOISE

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "queue_log"
D = 1_749_945_600.0
NOW = D + 3100
SETTINGS = MetricsSettings(queues={"support": QueueThresholds(service_level_seconds=30)})
WAIT_MS = 10_000


def _softphone_facts(writer: StoreWriter) -> None:
    for at, state, call_id in (
        (0, "available", None), (100, "ringing", "sip-1"), (110, "on_call", "sip-1"),
        (230, "wrap_up", "sip-1"), (260, "available", None), (700, "ringing", "sip-7"),
        (705, "on_call", "sip-7"), (765, "wrap_up", "sip-7"), (775, "available", None),
    ):  # fmt: skip
        writer.record(AgentStateChange("1001", state, D + at, call_id=call_id))
    for call_id, start, end, wrap, resolved in (("sip-1", 100, 230, 30, True),
                                                ("sip-7", 700, 765, 10, False)):  # fmt: skip
        writer.record(CallStarted(call_id, "1001", "inbound", D + start, "sales", "+15550100"))
        writer.record(CallAnswered(call_id, "1001", D + start + 10 - (5 if start == 700 else 0)))
        writer.record(CallEnded(call_id, "1001", D + end, "caller_hung_up"))
        writer.record(
            FinalWrapUp(
                call_id,
                "1001",
                "submitted",
                "mandatory",
                D + end,
                D + end + wrap,
                resolved=resolved,
            )
        )
    writer.record(AgentStateChange("1002", "available", D + 200))
    writer.record(AgentStateChange("1002", "on_call", D + 3050, call_id="sip-9"))
    writer.record(AgentStateChange("1003", "available", D + 300))
    writer.record(AgentStateChange("1003", "not_ready", D + 1100, reason="lunch"))
    writer.record(AgentStateChange("1004", "available", D + 400))
    writer.record(AgentStateChange("1004", "wrap_up", D + 3000, call_id="sip-8"))
    for n, score in enumerate((5, 4, 2)):
        writer.record(SurveyScore("sip-1", "csat", score, D + 300 + n))


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("wallboard") / "store.db"
    writer = StoreWriter(db)
    connection = open_connection(db)
    ingest(FIXTURES / "day.queue_log", writer, stored_offsets(connection))
    _softphone_facts(writer)
    writer.close()
    connection.close()
    return db


@pytest.fixture
def make_wallboard(qtbot, fixture_db):
    """A shown wallboard on the fixture store, at NOW, in UTC; `start=False` to start by hand."""
    windows: list[WallboardWindow] = []

    def make(size=(1920, 1080), *, work=compute, interval_ms=1000, start=True):
        window = WallboardWindow(
            lambda: read_only_connection(fixture_db),
            SETTINGS,
            zone=timezone.utc,
            clock=lambda: NOW,
            work=work,
            interval_ms=interval_ms,
        )
        qtbot.addWidget(window)
        window.resize(*size)
        window.show()
        qtbot.waitExposed(window)
        windows.append(window)
        if start:
            window.start()
            qtbot.waitUntil(lambda: window.wallboard is not None, timeout=WAIT_MS)
        return window

    yield make
    for window in windows:
        window.stop()
        window.close()
    # Collect the stopped windows now, while no other refresh thread runs,
    # rather than at whatever point a later test's allocation triggers it.
    windows.clear()
    gc.collect()


def _shown(window) -> dict[str, str]:
    return {key: tile.value for key, tile in window.tiles.items()}


def test_the_tiles_show_the_fixtures_figures(make_wallboard):
    window = make_wallboard()
    assert _shown(window) == {
        "calls_waiting": "1",
        "longest_wait_seconds": "1:40",
        "service_level_percent": "60 %",
        "asa_seconds": "18 s",
        "abandonment_rate_percent": "13 %",
        "aht_seconds": "1:50",
        "fcr_percent": "50 %",
        "csat_percent": "67 %",
        "available": "1",
        "on_call": "1",
        "wrap_up": "1",
        "not_ready": "1",
    }
    assert window.updated.text() == "Updated 00:51:40"


def test_tiles_are_coloured_and_worded_by_threshold(make_wallboard):
    window = make_wallboard()
    levels = {key: tile.level for key, tile in window.tiles.items()}
    assert levels["service_level_percent"] is Level.ALERT  # 60 % against 80 %
    assert levels["asa_seconds"] is Level.OK  # 17.5 s within 20 s
    assert levels["longest_wait_seconds"] is Level.ALERT  # 100 s: past 3 T = 60 s
    assert levels["abandonment_rate_percent"] is Level.ALERT  # 12.5 % above 10 %
    assert levels["not_ready"] is Level.WATCH  # 1 of 4 agents: 25 %
    assert window.tiles["service_level_percent"].status == "✖ ALERT"
    assert window.tiles["asa_seconds"].status == "✔ OK"
    assert window.tiles["service_level_percent"].colours()[0].name() == "#c62828"


def test_the_queue_filter_shows_one_queue_against_its_own_threshold(make_wallboard, qtbot):
    window = make_wallboard()
    index = window.queue_filter.findData("support")
    assert index > 0
    window.queue_filter.setCurrentIndex(index)
    window.queue_filter.activated.emit(index)
    qtbot.waitUntil(lambda: window.wallboard.report.queue_filter == "support", timeout=WAIT_MS)
    shown = _shown(window)
    assert (shown["calls_waiting"], shown["service_level_percent"]) == ("0", "100 %")
    assert window.tiles["service_level_percent"].level is Level.OK


def test_the_window_selector_changes_the_window(make_wallboard, qtbot):
    window = make_wallboard()
    index = window.window_choice.findData("last_15")
    window.window_choice.setCurrentIndex(index)
    window.window_choice.activated.emit(index)
    qtbot.waitUntil(
        lambda: window.wallboard.report.window.seconds == pytest.approx(900), timeout=WAIT_MS
    )
    assert window.tiles["calls_waiting"].value == "1"  # c8 entered 100 s ago
    assert window.tiles["service_level_percent"].value == "—"


def _grid_column(window, column: int) -> list[str]:
    proxy = window.grid.model()
    return [proxy.index(row, column).data() for row in range(proxy.rowCount())]


def test_the_agent_grid_lists_agents_and_sorts_by_any_column(make_wallboard):
    window = make_wallboard()
    time_column = AgentTableModel.COLUMNS.index("time_in_state")
    assert _grid_column(window, 0)[:4] == ["1001", "1002", "1003", "1004"]
    window.grid.sortByColumn(time_column, Qt.SortOrder.DescendingOrder)
    # 1001 available 2325 s, 1003 not ready 2000 s, 1004 wrap-up 100 s, 1002 on call 50 s.
    assert _grid_column(window, 0)[:4] == ["1001", "1003", "1004", "1002"]
    window.grid.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert _grid_column(window, 0)[-1] == "1001"


def test_a_long_state_is_highlighted_with_colour_and_a_mark(make_wallboard):
    window = make_wallboard()
    proxy = window.grid.model()
    rows = {proxy.index(row, 0).data(): row for row in range(proxy.rowCount())}
    time_column = AgentTableModel.COLUMNS.index("time_in_state")
    lunch = proxy.index(rows["1003"], time_column)
    assert lunch.data() == "✖ 33:20"  # not ready 2000 s: past the 20 min alert
    assert proxy.index(rows["1003"], 2).data() == "lunch"
    assert lunch.data(Qt.ItemDataRole.BackgroundRole).color().name() == "#c62828"
    available = proxy.index(rows["1001"], time_column)
    assert available.data() == "38:45"
    assert available.data(Qt.ItemDataRole.BackgroundRole) is None


def test_csv_export_writes_the_shown_tiles_and_grid(make_wallboard, qtbot, tmp_path, monkeypatch):
    window = make_wallboard()
    window.grid.sortByColumn(AgentTableModel.COLUMNS.index("time_in_state"),
                             Qt.SortOrder.DescendingOrder)  # fmt: skip
    target = tmp_path / "board.csv"
    asked: list[Path] = []
    monkeypatch.setattr(
        export, "choose_export_path", lambda parent, suggested: asked.append(suggested) or target
    )
    qtbot.mouseClick(window.export_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 1
    with target.open(encoding="utf-8") as file:
        tiles = list(csv.DictReader(file))
    assert [[row["Figure"], row["Value"], row["Status"]] for row in tiles] == window.shown_tiles()
    assert len(tiles) == 12
    assert tiles[2]["Value"] == "60 %" and tiles[2]["Status"] == "alert"
    assert tiles[0]["Queue"] == "All queues" and tiles[0]["Window"] == "Today"
    with export.agents_path(target).open(encoding="utf-8") as file:
        agents = list(csv.reader(file))
    assert agents[0] == ["Agent", "State", "Reason", "In state", "Calls", "AHT"]
    assert [row[0] for row in agents[1:5]] == ["1001", "1003", "1004", "1002"]
    assert agents[2][1:4] == ["Not ready", "lunch", "✖ 33:20"]


def test_a_cancelled_export_writes_nothing(make_wallboard, qtbot, tmp_path, monkeypatch):
    window = make_wallboard()
    monkeypatch.setattr(export, "choose_export_path", lambda parent, suggested: None)
    qtbot.mouseClick(window.export_button, Qt.MouseButton.LeftButton)
    assert list(tmp_path.iterdir()) == []


def test_a_slow_refresh_does_not_block_the_window(make_wallboard, qtbot):
    refreshes: list[float] = []

    def slow(connection, request, cache):
        time.sleep(0.8)  # a store on a busy disk
        refreshes.append(time.monotonic())
        return compute(connection, request, cache)

    window = make_wallboard(work=slow, interval_ms=100, start=False)
    beats: list[int] = []
    heartbeat = QTimer()
    heartbeat.timeout.connect(lambda: beats.append(1))
    heartbeat.start(20)
    clock = QElapsedTimer()
    clock.start()
    window.start()
    qtbot.waitUntil(lambda: len(refreshes) >= 2, timeout=WAIT_MS)
    elapsed_ms = clock.elapsed()
    heartbeat.stop()
    # The GUI thread kept ticking at 20 ms through two refreshes of 0.8 s each...
    assert len(beats) >= 0.5 * elapsed_ms / 20
    # ...and ticks that came while a refresh ran were skipped, not queued.
    assert window.refresher.skipped >= 5
    qtbot.waitUntil(lambda: window.wallboard is not None, timeout=WAIT_MS)


def test_refreshes_after_the_first_read_only_what_is_new(make_wallboard, qtbot, fixture_db):
    reads: list[dict[str, int]] = []

    def counted(connection, request, cache):
        result = compute(connection, request, cache)
        reads.append(dict(cache.whole_reads))
        return result

    window = make_wallboard(work=counted, interval_ms=50)
    qtbot.waitUntil(lambda: len(reads) >= 4, timeout=WAIT_MS)
    # The day's state history and queue entries were read once, then carried on...
    assert reads[-1] == {"history": 1, "entries": 1}
    # ...and the figures are those of a refresh that reads everything.
    connection = read_only_connection(fixture_db)
    fresh = compute(connection, window.refresher._make_request())
    connection.close()
    assert window.wallboard.report.total == fresh.report.total
    assert window.wallboard.report.agents == fresh.report.agents


def test_f11_toggles_full_screen(make_wallboard, qtbot):
    window = make_wallboard(start=False)
    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.keyClick(window, Qt.Key.Key_F11)
    qtbot.waitUntil(window.isFullScreen, timeout=WAIT_MS)
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.isFullScreen(), timeout=WAIT_MS)


@pytest.fixture
def language(request, qapp):
    """The wallboard's language for one test ("en" or "zh_TW"), English again afterwards."""
    translators = install_translations(qapp, request.param) if request.param != "en" else []
    assert translators or request.param == "en", f"no supervisor_{request.param}.qm was loaded"
    yield request.param
    for translator in translators:
        qapp.removeTranslator(translator)


def board_problems(window: WallboardWindow) -> list[str]:
    """Whatever the board does not show in full: cut or elided text, squeezed figures."""
    problems = text_problems(window)  # labels and buttons
    for combo in window.findChildren(QComboBox):
        if combo.sizeHint().width() > combo.width() + 1:
            problems.append(f"combo box {combo.currentText()!r}: needs {combo.sizeHint().width()}")
    problems += [
        f"tile {key}: does not fit" for key, tile in window.tiles.items() if not tile.fits()
    ]
    grid, header = window.grid, window.grid.horizontalHeader()
    if header.length() > grid.viewport().width():
        problems.append(f"grid: {header.length()} px of columns in {grid.viewport().width()}")
    metrics = QFontMetrics(grid.font())
    for column, title in enumerate(grid.headers()):
        width = header.sectionSize(column)
        if header.sectionSizeHint(column) > width:
            problems.append(f"grid title {title!r}: needs {header.sectionSizeHint(column)}")
        for text in {row.cells[column] for row in grid.agents.rows}:
            if metrics.horizontalAdvance(text) + 2 * TEXT_MARGIN > width:
                problems.append(f"grid cell {text!r} in {title!r}: {width} px is too narrow")
    for key in ("waiting", "level", "calls", "states"):
        plot = getattr(window.charts, key)
        label = plot.getPlotItem().titleLabel
        text, room = label.item.boundingRect(), label.geometry()
        if text.width() > plot.width() or text.height() > room.height() + 1:
            problems.append(f"chart {key}: title {text.size()} in {room.size()}")
        drawn = plot.getPlotItem().geometry()
        if drawn.width() > plot.width() + 1 or drawn.height() > plot.height() + 1:
            problems.append(f"chart {key}: {drawn.width():.0f} px drawn in {plot.width()}")
    return problems


SIZES = [(1280, 800), (1920, 1080)]


@pytest.mark.parametrize("language", ["en", "zh_TW"], indirect=True)
@pytest.mark.parametrize("size", SIZES)
def test_the_board_shows_everything_in_full(make_wallboard, qtbot, language, size):
    window = make_wallboard(size)
    qtbot.wait(20)  # the layouts settle, as before any paint on screen
    save_screenshot(window, f"wallboard_{language}_{size[0]}x{size[1]}")
    assert board_problems(window) == []
    value = window.tiles["calls_waiting"].font_for("value").pixelSize()
    title = window.tiles["calls_waiting"].font_for("title").pixelSize()
    assert value >= 0.05 * size[1] and title >= 18  # large figures, for across a room


@pytest.mark.parametrize("language", ["en", "zh_TW"], indirect=True)
@pytest.mark.parametrize("size", SIZES)
def test_a_busy_board_with_500_agents_shows_everything_in_full(
    make_wallboard, qtbot, language, size
):
    window = make_wallboard(size, start=False)
    center = BusyCallCenter(500)
    for _ in range(3):
        window.show_wallboard(center.refresh())
        qtbot.wait(20)  # the layouts settle, as before any paint on screen
    save_screenshot(window, f"wallboard_busy_{language}_{size[0]}x{size[1]}")
    assert window.grid.model().rowCount() == 500
    assert board_problems(window) == []


@pytest.mark.parametrize("language", ["zh_TW"], indirect=True)
def test_the_wallboard_speaks_traditional_chinese(make_wallboard, language):
    window = make_wallboard()
    labels = {tile.title for tile in window.tiles.values()}
    assert "服務水準" in labels and "等候中的來電" in labels
    assert window.window_choice.itemText(0) == "今天"
    states = [row[1] for row in window.grid.shown_rows()]
    assert states == ["待命", "通話中", "未就緒", "話後處理"]


def test_a_refresh_announces_only_the_cells_that_changed(qtbot):
    grid = AgentGrid()
    qtbot.addWidget(grid)
    center = BusyCallCenter(500, seed=7)
    grid.show_agents(center.refresh().report.agents)
    before = {row.name: row for row in grid.agents.rows}
    changed: list[tuple[int, int, int, int]] = []
    resets: list[str] = []
    grid.agents.dataChanged.connect(
        lambda top, bottom, *_: changed.append(
            (top.row(), top.column(), bottom.row(), bottom.column())
        )
    )
    grid.agents.modelReset.connect(lambda: resets.append("reset"))
    grid.agents.layoutChanged.connect(lambda *_: resets.append("layout"))
    grid.show_agents(center.refresh().report.agents)
    time_column = AgentTableModel.COLUMNS.index("time_in_state")
    # A second later every time in state moved on: runs down that column...
    runs = [change for change in changed if change[1] == change[3] == time_column]
    timed = {row for top, _, bottom, _ in runs for row in range(top, bottom + 1)}
    # ...and each agent with a new state or level is one row, announced once, across it.
    others = [change for change in changed if change not in runs]
    assert all(top == bottom for top, _, bottom, _ in others)
    whole = sorted(top for top, _, _, _ in others)
    rows = grid.agents.rows
    assert whole == [
        number
        for number, row in enumerate(rows)
        if (row.state, row.level) != (before[row.name].state, before[row.name].level)
    ]
    assert whole, "the seed gives no state change: the test would pin nothing"
    assert timed | set(whole) == set(range(500)) and not timed & set(whole)
    assert len(runs) <= len(whole) + 1
    assert resets == []


def test_a_refresh_that_changes_most_rows_is_announced_as_one_range(qtbot):
    grid = AgentGrid()
    qtbot.addWidget(grid)
    agents = BusyCallCenter(100, seed=3).refresh().report.agents
    grid.show_agents(agents)
    changed: list[tuple[int, int]] = []
    grid.agents.dataChanged.connect(
        lambda top, bottom, *_: changed.append((top.row(), bottom.row()))
    )
    grid.show_agents(
        [
            dataclasses.replace(agent, state="not_ready", state_reason="fire drill")
            for agent in agents
        ]
    )
    assert changed == [(0, 99)]


def test_a_refresh_within_a_quarter_hour_redraws_only_the_live_end_of_each_chart(qtbot):
    charts = WallboardCharts()
    qtbot.addWidget(charts)
    center = BusyCallCenter(50)
    charts.show_series(center.refresh().series, 80)
    closed = [charts.waiting_curve.xData, charts.level_curve.xData]
    closed += [charts.state_bars[name].opts["height"] for name in CHARTED_STATES]
    closed += [bars.opts["height"] for bars in charts.call_bars.values()]
    live = charts.waiting_live.xData
    second = center.refresh()
    charts.show_series(second.series, 80)
    assert all(
        now is before
        for now, before in zip(
            [charts.waiting_curve.xData, charts.level_curve.xData]
            + [charts.state_bars[name].opts["height"] for name in CHARTED_STATES]
            + [bars.opts["height"] for bars in charts.call_bars.values()],
            closed,
            strict=True,
        )
    )
    assert charts.waiting_live.xData is not live
    assert charts.waiting_live.xData[-1] == second.report.now


def test_a_new_sort_order_keeps_the_rows_and_moves_them(qtbot):
    grid = AgentGrid()
    qtbot.addWidget(grid)
    grid.show_agents(BusyCallCenter(50, seed=7).refresh().report.agents)
    resets: list[str] = []
    grid.agents.modelReset.connect(lambda: resets.append("reset"))
    time_column = AgentTableModel.COLUMNS.index("time_in_state")
    grid.sortByColumn(time_column, Qt.SortOrder.DescendingOrder)
    seconds = [row.seconds_in_state for row in grid.agents.rows]
    assert seconds == sorted(seconds, reverse=True)
    assert resets == []
