"""The wallboard's time series, against answers worked out by hand from day.queue_log.

D = 2025-06-15T00:00:00Z, now D + 3100, in a window [D, D + 4 h) so the
intervals are 15 minutes and the samples D, +900, +1800, +2700 and +3100.
sales: c1 entered +100 (answered +110, 10 s), c2 +200 (answered +230, 30 s),
c3 +300 (abandoned +303, short), c4 +400 (abandoned +450), c5 +500 (timed out
+800), c6 +600 (key +610), c7 +700 (answered +705, 5 s), c8 +3000 (waiting).
support (T = 30 s): c10 +1000 (answered +1025, 25 s), c11 +1200 (abandoned
+1204, short).
"""

from pathlib import Path

import pytest

from supervisor.feeds import ingest, stored_offsets
from supervisor.metrics import MetricsSettings, QueueThresholds, Window
from supervisor.metrics.agents import StateHistory
from supervisor.metrics.queues import QueueCall
from supervisor.metrics.series import (
    agent_states_over_time,
    calls_waiting_over_time,
    compute_wallboard,
    interval_seconds,
    sample_times,
    service_level_over_time,
)
from supervisor.store import StoreWriter, open_connection

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "queue_log"
D = 1_749_945_600.0
NOW = D + 3100
SETTINGS = MetricsSettings(queues={"support": QueueThresholds(service_level_seconds=30)})


@pytest.fixture
def store(tmp_path):
    db = tmp_path / "store.db"
    writer = StoreWriter(db)
    connection = open_connection(db)
    ingest(FIXTURES / "day.queue_log", writer, stored_offsets(connection))
    writer.close()
    yield connection
    connection.close()


def _series(store, queue=None):
    return compute_wallboard(store, Window(D, D + 4 * 3600), NOW, SETTINGS, queue).series


def test_intervals_are_quarter_hours_for_long_windows_and_minutes_for_short_ones():
    assert interval_seconds(Window(D, D + 4 * 3600)) == 900
    assert interval_seconds(Window.last(60, NOW)) == 60


def test_samples_are_the_interval_boundaries_then_the_end_of_the_data():
    assert sample_times(D, D + 3100, 900) == [D, D + 900, D + 1800, D + 2700, D + 3100]
    assert sample_times(D, D + 1800, 900) == [D, D + 900, D + 1800]


def test_offered_answered_and_abandoned_per_interval(store):
    intervals = _series(store).intervals
    assert intervals.starts == [D, D + 900, D + 1800, D + 2700]
    assert intervals.offered == [7, 2, 0, 1]
    assert intervals.answered == [3, 1, 0, 0]
    assert intervals.abandoned == [2, 1, 0, 0]


def test_service_level_through_the_day_is_a_running_figure(store):
    series = _series(store)
    # +900: c1, c7 within of 3 answered + 2 abandoned - 1 short = 50 %;
    # +1800: c10 within its 30 s, c11 short: 3 / (4 + 3 - 2) = 60 %, the day's figure.
    assert series.service_level == [None, 50.0, 60.0, 60.0, 60.0]


def test_calls_waiting_over_time_counts_the_call_still_waiting_at_the_end(store):
    assert _series(store).calls_waiting == [0, 0, 0, 0, 1]


def test_one_queue_only(store):
    series = _series(store, "support")
    assert series.intervals.offered == [0, 2, 0, 0]
    # c10 within its 30 s, c11 short and left out: 1 / (1 + 1 - 1).
    assert series.service_level == [None, None, 100.0, 100.0, 100.0]


def _call(entered, outcome, left, *, waiting=False, within=False, short=False):
    return QueueCall("q", entered, outcome, left, waiting, within, short)


def test_calls_waiting_between_entry_and_outcome():
    calls = [
        _call(10, "CONNECT", 30),
        _call(20, "ABANDON", 50),
        _call(40, None, None, waiting=True),
        _call(5, None, None),  # lost: no outcome, too old to be waiting
    ]
    assert calls_waiting_over_time(calls, [0, 10, 25, 30, 45, 50, 60]) == [0, 1, 2, 1, 2, 1, 1]


def test_service_level_counts_a_call_once_its_outcome_is_known():
    calls = [
        _call(0, "CONNECT", 10, within=True),
        _call(0, "CONNECT", 40),
        _call(0, "ABANDON", 3, short=True),
        _call(0, "EXITWITHTIMEOUT", 20),
    ]
    assert service_level_over_time(calls, [0, 5, 15, 45]) == [None, None, 100.0, 50.0]


def test_agents_per_state_over_time():
    history = StateHistory(
        start=100,
        until=200,
        before={"a": "available", "b": "not_ready", "c": "logged_out"},
        changes=[(110, "a", "on_call"), (120, "d", "available"), (150, "a", "wrap_up")],
    )
    counts = agent_states_over_time(history, [100, 120, 160, 200])
    assert counts["available"] == [1, 1, 1, 1]
    assert counts["on_call"] == [0, 1, 0, 0]
    assert counts["wrap_up"] == [0, 0, 1, 1]
    assert counts["not_ready"] == [1, 1, 1, 1]
    only_a = agent_states_over_time(history, [100, 160], agents=["a"])
    assert (only_a["available"], only_a["wrap_up"]) == ([1, 0], [0, 1])
