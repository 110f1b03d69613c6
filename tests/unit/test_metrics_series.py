"""The wallboard's time series, against answers worked out by hand from day.queue_log.

D = 2025-06-15T00:00:00Z, now D + 3100, in a window [D, D + 4 h) so the
samples are 15 minutes apart: D, +900, +1800, +2700 and +3100. The calls
chart counts per quarter hour of the clock whatever the window: D, +900,
+1800 and +2700 here.
sales: c1 entered +100 (answered +110, 10 s), c2 +200 (answered +230, 30 s),
c3 +300 (abandoned +303, short), c4 +400 (abandoned +450), c5 +500 (timed out
+800), c6 +600 (key +610), c7 +700 (answered +705, 5 s), c8 +3000 (waiting).
support (T = 30 s): c10 +1000 (answered +1025, 25 s), c11 +1200 (abandoned
+1204, short).
"""

from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from supervisor.feeds import ingest, stored_offsets
from supervisor.metrics import MetricsSettings, QueueThresholds, Window
from supervisor.metrics.agents import StateHistory
from supervisor.metrics.queues import QueueCall
from supervisor.metrics.series import (
    agent_states_over_time,
    calls_waiting_over_time,
    compute_wallboard,
    quarter_hours,
    sample_seconds,
    sample_times,
    service_level_over_time,
)
from supervisor.store import StoreWriter, open_connection

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "queue_log"
D = 1_749_945_600.0
NOW = D + 3100
SETTINGS = MetricsSettings(queues={"support": QueueThresholds(service_level_seconds=30)})
FOUR_HOURS = Window(D, D + 4 * 3600)


@pytest.fixture
def store(tmp_path):
    db = tmp_path / "store.db"
    writer = StoreWriter(db)
    connection = open_connection(db)
    ingest(FIXTURES / "day.queue_log", writer, stored_offsets(connection))
    writer.close()
    yield connection
    connection.close()


def _series(store, queue=None, window=FOUR_HOURS):
    return compute_wallboard(store, window, NOW, SETTINGS, queue).series


def test_samples_are_quarter_hours_apart_for_long_windows_and_minutes_for_short_ones():
    assert sample_seconds(Window(D, D + 4 * 3600)) == 900
    assert sample_seconds(Window.last(60, NOW)) == 60


def test_samples_are_the_interval_boundaries_then_the_end_of_the_data():
    assert sample_times(D, D + 3100, 900) == [D, D + 900, D + 1800, D + 2700, D + 3100]
    assert sample_times(D, D + 1800, 900) == [D, D + 900, D + 1800]


def test_offered_answered_and_abandoned_per_interval(store):
    intervals = _series(store).intervals
    assert intervals.seconds == 900
    assert intervals.starts == [D, D + 900, D + 1800, D + 2700]
    assert intervals.offered == [7, 2, 0, 1]
    assert intervals.answered == [3, 1, 0, 0]
    assert intervals.abandoned == [2, 1, 0, 0]


def test_a_15_minute_window_across_a_quarter_hour_shows_the_two_it_touches(store):
    # [00:10, 00:25): c6 (+600, key) and c7 (+700, answered) in 00:00-00:15,
    # c10 (+1000, answered) and c11 (+1200, short abandon) in 00:15-00:30.
    intervals = _series(store, window=Window(D + 600, D + 1500)).intervals
    assert intervals.seconds == 900
    assert intervals.starts == [D, D + 900]
    assert intervals.offered == [2, 2]
    assert intervals.answered == [1, 1]
    assert intervals.abandoned == [0, 1]


def test_a_15_minute_window_on_a_quarter_hour_shows_that_quarter_hour(store):
    intervals = _series(store, window=Window(D + 900, D + 1800)).intervals
    assert intervals.starts == [D + 900]
    assert (intervals.offered, intervals.answered, intervals.abandoned) == ([2], [1], [1])


def test_the_last_15_minutes_are_counted_in_clock_quarter_hours(store):
    # now 00:51:40: the window [00:36:40, 00:51:40) touches 00:30 and 00:45;
    # only c8 (+3000, still waiting) entered in it.
    series = _series(store, window=Window.last(15, NOW))
    assert series.sample_seconds == 60
    assert series.intervals.starts == [D + 1800, D + 2700]
    assert series.intervals.offered == [0, 1]
    assert series.intervals.answered == [0, 0]


def test_a_day_window_counts_quarter_hours_up_to_the_end_of_the_data(store):
    intervals = _series(store, window=Window(D, D + 86_400)).intervals
    assert intervals.starts == [D, D + 900, D + 1800, D + 2700]  # now is 00:51:40
    assert intervals.offered == [7, 2, 0, 1]


def _local(zone, *fields):
    return datetime(*fields, tzinfo=zone).timestamp()


def test_quarter_hours_follow_the_local_clock():
    kathmandu = ZoneInfo("Asia/Kathmandu")  # UTC+05:45
    starts = quarter_hours(
        _local(kathmandu, 2025, 6, 15, 10, 7), _local(kathmandu, 2025, 6, 15, 10, 52), kathmandu
    )
    assert [datetime.fromtimestamp(t, kathmandu).strftime("%H:%M") for t in starts] == [
        "10:00", "10:15", "10:30", "10:45",
    ]  # fmt: skip
    # A made-up zone 10 minutes from UTC shows that the local clock, not UTC, sets them.
    ahead = timezone(timedelta(minutes=10))
    assert quarter_hours(D + 600, D + 1500, ahead) == [D + 300, D + 1200]


def test_quarter_hours_run_on_across_a_clock_change():
    new_york = ZoneInfo("America/New_York")  # 2025-03-09 02:00 EST became 03:00 EDT
    start = _local(new_york, 2025, 3, 9, 1, 40)
    starts = quarter_hours(start, start + 3600, new_york)
    assert [datetime.fromtimestamp(t, new_york).strftime("%H:%M") for t in starts] == [
        "01:30", "01:45", "03:00", "03:15", "03:30",
    ]  # fmt: skip


def test_quarter_hours_hold_at_least_the_one_of_the_start():
    assert quarter_hours(D + 100, D + 100, timezone.utc) == [D]
    assert quarter_hours(D, D + 900, timezone.utc) == [D]
    assert quarter_hours(D, D + 901, timezone.utc) == [D, D + 900]


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
