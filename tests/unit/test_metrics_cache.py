"""A KpiCache gives the figures of a fresh refresh, and reads again when new rows say so."""

from dataclasses import asdict
from datetime import timezone

import pytest
from metrics_reference import random_store

from supervisor.metrics import KpiCache, MetricsSettings, Window, compute_kpis
from supervisor.store import open_connection

SETTINGS = MetricsSettings()


@pytest.fixture
def store(tmp_path):
    db = tmp_path / "store.db"
    now = random_store(db, 7)
    reader, writer = open_connection(db), open_connection(db)  # a softphone writes apart
    yield reader, writer, now
    reader.close()
    writer.close()


def _state(writer, agent: str, state: str, at: float) -> None:
    writer.execute(
        "INSERT INTO agent_state_changes (agent_id, state, changed_at) VALUES (?, ?, ?)",
        (agent, state, at),
    )


def _event(writer, at: float, call: str | None, event: str, *data: str) -> None:
    fields = (*data, None, None, None)[:3]
    writer.execute(
        "INSERT INTO queue_events (occurred_at, call_id, queue, agent, event, data1, data2, "
        "data3) VALUES (?, ?, 'sales', 'PJSIP/1001', ?, ?, ?, ?)",
        (at, call, event, *fields),
    )


def _same_as_fresh(connection, window: Window, now: float, cache: KpiCache, queue=None) -> None:
    cached = compute_kpis(connection, window, now, SETTINGS, queue, cache=cache)
    fresh = compute_kpis(connection, window, now, SETTINGS, queue)
    assert [asdict(agent) for agent in cached.agents] == [asdict(a) for a in fresh.agents]
    assert cached.total == fresh.total
    assert cached.queues == fresh.queues
    assert cached.calls == fresh.calls
    assert cached.history == fresh.history


def test_refreshes_a_second_apart_read_the_history_once_and_agree_with_fresh_ones(store):
    reader, writer, now = store
    cache = KpiCache()
    for second in range(5):
        at = now + second
        if second % 2:
            _state(writer, "1001", "not_ready" if second == 1 else "available", at - 0.5)
        _same_as_fresh(reader, Window.today(at, timezone.utc), at, cache)
    assert cache.whole_reads["history"] == 1


def test_a_state_written_late_makes_the_next_refresh_read_everything_again(store):
    reader, writer, now = store
    cache = KpiCache()
    _same_as_fresh(reader, Window.today(now, timezone.utc), now, cache)
    _state(writer, "1002", "not_ready", now - 600)  # before what the cache holds
    _same_as_fresh(reader, Window.today(now + 1, timezone.utc), now + 1, cache)
    assert cache.whole_reads["history"] == 2


def test_a_state_written_ahead_of_time_counts_once_its_time_comes(store):
    reader, writer, now = store
    cache = KpiCache()
    _state(writer, "1003", "logged_out", now + 30)
    before = compute_kpis(reader, Window.today(now, timezone.utc), now, cache=cache)
    _same_as_fresh(reader, Window.today(now + 60, timezone.utc), now + 60, cache)
    after = compute_kpis(reader, Window.today(now + 60, timezone.utc), now + 60, cache=cache)
    assert before.history is not None and after.history is not None
    assert (now + 30, "1003", "logged_out") not in before.history.changes
    assert (now + 30, "1003", "logged_out") in after.history.changes
    assert cache.whole_reads["history"] == 1


def test_another_window_or_an_earlier_end_reads_everything_again(store):
    reader, _, now = store
    cache = KpiCache()
    _same_as_fresh(reader, Window.today(now, timezone.utc), now, cache)
    _same_as_fresh(reader, Window.last(15, now), now, cache)
    assert cache.whole_reads["history"] == 2
    _same_as_fresh(reader, Window.last(15, now), now - 5, cache)  # `until` went back
    assert cache.whole_reads["history"] == 3


def test_changing_a_report_leaves_the_kept_history_alone(store):
    reader, _, now = store
    cache = KpiCache()
    for at in (now, now + 1):  # read whole, then extended
        report = compute_kpis(reader, Window.today(at, timezone.utc), at, cache=cache)
        assert report.history is not None
        report.history.changes.clear()
        report.history.before.clear()
    _same_as_fresh(reader, Window.today(now + 2, timezone.utc), now + 2, cache)


def test_queue_events_written_since_count_as_a_fresh_read_counts_them(store):
    reader, writer, now = store
    cache = KpiCache()
    _event(writer, now - 100, "mine-1", "ENTERQUEUE", "", "+15550100")
    _event(writer, now - 90, "mine-2", "ENTERQUEUE", "", "+15550101")
    _event(writer, now - 80, "mine-2", "CONNECT", "10")
    _same_as_fresh(reader, Window.today(now, timezone.utc), now, cache)
    for second, (call, event, data) in enumerate(
        [
            ("mine-1", "CONNECT", ("101",)),  # the waiting call is answered
            ("mine-2", "COMPLETECALLER", ("10", "85")),  # the connected one ends
            ("mine-3", "ENTERQUEUE", ("", "+15550102")),  # a new call, after the kept end
            ("mine-3", "ABANDON", ("1", "1", "1")),  # ... which the caller soon gives up
            ("mine-4", "ENTERQUEUE", ("", "+15550103")),
            (None, "QUEUESTART", ()),  # Asterisk restarts: mine-4 is no longer waiting
        ],
        start=1,
    ):
        _event(writer, now + second - 0.5, call, event, *data)
        at = now + second
        _same_as_fresh(reader, Window.today(at, timezone.utc), at, cache)
    assert cache.whole_reads["entries"] == 1


def test_a_queue_entry_written_late_makes_the_next_refresh_read_every_entry_again(store):
    reader, writer, now = store
    cache = KpiCache()
    _same_as_fresh(reader, Window.today(now, timezone.utc), now, cache)
    _event(writer, now - 3600, "late-1", "ENTERQUEUE", "", "+15550100")
    _same_as_fresh(reader, Window.today(now + 1, timezone.utc), now + 1, cache)
    assert cache.whole_reads["entries"] == 2


def test_a_bulk_of_new_queue_events_makes_the_next_refresh_read_every_entry_again(store):
    reader, writer, now = store
    cache = KpiCache()
    _same_as_fresh(reader, Window.today(now, timezone.utc), now, cache)
    for n in range(1001):
        _event(writer, now + 0.5, f"bulk-{n}", "ENTERQUEUE", "", "+15550100")
    _same_as_fresh(reader, Window.today(now + 1, timezone.utc), now + 1, cache)
    assert cache.whole_reads["entries"] == 2


def test_another_queue_reads_every_entry_again(store):
    reader, _, now = store
    cache = KpiCache()
    for queue in (None, "sales", "sales", None):
        _same_as_fresh(reader, Window.today(now, timezone.utc), now, cache, queue)
    assert cache.whole_reads["entries"] == 3


QUEUE_EVENT_COLUMNS = "occurred_at, call_id, queue, agent, event, data1, data2, data3, data4, data5"
STATE_COLUMNS = "changed_at, agent_id, state, reason, call_id"


@pytest.mark.parametrize("seed", [21, 22, 23])
def test_a_store_written_bit_by_bit_gives_with_a_cache_what_fresh_reads_give(tmp_path, seed):
    source = tmp_path / "all.db"
    now = random_store(source, seed)
    db = tmp_path / "growing.db"
    reader, writer = open_connection(db), open_connection(db)
    writer.execute("ATTACH DATABASE ? AS source", (str(source),))
    for table in ("calls", "call_answers", "call_ends", "wrap_ups", "survey_scores"):
        writer.execute(f"INSERT INTO {table} SELECT * FROM source.{table}")  # noqa: S608
    read = "SELECT id, {columns} FROM source.{table} ORDER BY id"
    pending = {
        table: writer.execute(read.format(columns=columns, table=table)).fetchall()
        for table, columns in (("queue_events", QUEUE_EVENT_COLUMNS),
                               ("agent_state_changes", STATE_COLUMNS))
    }  # fmt: skip
    cache = KpiCache()
    # Facts arrive as the day goes on, each with the next id, in the random order of their
    # ids in the random store; a seventh of them a refresh late.
    for step, at in enumerate([now - 7200, now - 3600, now - 60, now, now + 30, now + 900]):
        for table, columns in (("queue_events", QUEUE_EVENT_COLUMNS),
                               ("agent_state_changes", STATE_COLUMNS)):  # fmt: skip
            due = [row for row in pending[table] if row[1] < at and row[0] % 7 != step]
            marks = ", ".join("?" for _ in columns.split(","))
            writer.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608
                [row[1:] for row in due],
            )
            pending[table] = [row for row in pending[table] if row not in due]
        _same_as_fresh(reader, Window.today(at, timezone.utc), at, cache)
    assert 1 <= cache.whole_reads["entries"] < 6
    assert 1 <= cache.whole_reads["history"] < 6
    reader.close()
    writer.close()
