"""Supervisor benchmarks: queue_log ingest rate, and one refresh of every KPI.

Each figure is one printed line starting with "supervisor:"; where a
baseline is measured in the same run the line gives the ratio. Nothing here
asserts a time. Run with `pytest tests/bench -o python_files='bench_*.py' -s`.
"""

import random
import statistics
import time
from datetime import timezone

from supervisor.feeds import ingest, stored_offsets
from supervisor.metrics import KpiCache, Window, compute_kpis
from supervisor.store import FeedOffset, QueueEvent, StoreWriter, open_connection

T0 = 1_750_000_000.0
DAY = 86_400.0
QUEUE_EVENTS = 1_000_000
AGENTS = 200
INGEST_LINES = 200_000
QUEUES = ("sales", "support", "billing")


def _queue_log(count: int, days: float, end: float) -> list[tuple]:
    """Calls arriving over `days` up to `end` into 3 queues, answered by 200 agents.

    80 % answered after an exponential wait (mean 25 s) and completed (a few
    transferred), 15 % abandoned, 5 % timed out; time order, like a queue_log.
    """
    rng = random.Random(7)
    calls = int(count / 2.8 * 1.01)
    gap = days * DAY / calls
    entered = end - days * DAY
    rows: list[tuple] = []
    for n in range(calls):
        entered += rng.expovariate(1 / gap)
        uid, queue = f"{1700000000 + n}.{n}", QUEUES[n % 3]
        wait = rng.expovariate(1 / 25)
        rows.append((entered, uid, queue, None, "ENTERQUEUE", None, f"+1555{n % 50_000:05d}", "1"))
        outcome = rng.random()
        if outcome < 0.8:
            agent = f"PJSIP/{1000 + n % AGENTS}"
            talk = rng.expovariate(1 / 240)
            rows.append((entered + wait, uid, queue, agent, "CONNECT", f"{wait:.0f}", uid, "3"))
            end_event = "BLINDTRANSFER" if outcome < 0.05 else "COMPLETECALLER"
            data = ("2000", "internal", f"{wait:.0f}") if end_event == "BLINDTRANSFER" else (
                f"{wait:.0f}", f"{talk:.0f}", "1")  # fmt: skip
            rows.append((entered + wait + talk, uid, queue, agent, end_event, *data))
        elif outcome < 0.95:
            rows.append((entered + wait, uid, queue, None, "ABANDON", "1", "1", f"{wait:.0f}"))
        else:
            rows.append((entered + wait, uid, queue, None, "EXITWITHTIMEOUT", "1", "1", "300"))
    rows.sort(key=lambda row: row[0])
    return rows[:count]


def _softphone_facts(connection, now: float) -> None:
    """200 agents over the last 2 days: a call every ~10 minutes, each with its wrap-up."""
    rng = random.Random(11)
    states, calls, answers, ends, wraps = [], [], [], [], []
    for agent in range(AGENTS):
        agent_id = str(1000 + agent)
        at = now - 2 * DAY
        states.append((agent_id, "available", None, at))
        n = 0
        while at < now - 900:
            at += rng.expovariate(1 / 300)
            call_id = f"sip-{agent_id}-{n}"
            talk, wrap = rng.expovariate(1 / 240), rng.uniform(10, 60)
            states += [
                (agent_id, "ringing", call_id, at),
                (agent_id, "on_call", call_id, at + 5),
                (agent_id, "wrap_up", call_id, at + 5 + talk),
                (agent_id, "available", None, at + 5 + talk + wrap),
            ]
            queue, caller = QUEUES[n % 3], f"+1555{rng.randrange(50_000):05d}"
            calls.append((call_id, agent_id, "inbound", queue, caller, at))
            answers.append((call_id, agent_id, at + 5))
            ends.append((call_id, agent_id, at + 5 + talk, "caller_hung_up", 0.0))
            wraps.append((call_id, agent_id, "submitted", "optional", n % 4 != 0,
                          at + 5 + talk, at + 5 + talk + wrap))  # fmt: skip
            at += 5 + talk + wrap
            n += 1
    connection.execute("BEGIN")
    connection.executemany(
        "INSERT INTO agent_state_changes (agent_id, state, call_id, changed_at) "
        "VALUES (?, ?, ?, ?)",
        states,
    )
    connection.executemany(
        "INSERT INTO calls (call_id, agent_id, direction, queue, remote_party, ringing_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        calls,
    )
    connection.executemany("INSERT INTO call_answers VALUES (?, ?, ?)", answers)
    connection.executemany(
        "INSERT INTO call_ends (call_id, agent_id, ended_at, end_reason, hold_seconds) "
        "VALUES (?, ?, ?, ?, ?)",
        ends,
    )
    connection.executemany(
        "INSERT INTO wrap_ups (call_id, agent_id, outcome, mode, resolved, started_at, "
        "finished_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        wraps,
    )
    connection.execute("COMMIT")
    print(
        f"\nsupervisor: softphone facts for {AGENTS} agents over 2 days: {len(states):,} state "
        f"changes, {len(calls):,} calls with wrap-ups"
    )


def test_ingest_lines_per_second(tmp_path):
    rows = _queue_log(INGEST_LINES, 7, T0)
    log = tmp_path / "queue_log"
    with log.open("w", encoding="utf-8") as file:
        for row in rows:
            fields = ["NONE" if value is None else str(value) for value in row[1:5]]
            data = ["" if value is None else str(value) for value in row[5:]]
            file.write(f"{int(row[0])}|{'|'.join(fields)}|{'|'.join(data)}\n")

    # Baseline: the same events, already parsed, written the way the feed writes them.
    events = [
        QueueEvent(float(int(row[0])), *row[1:5], *row[5:], source_file="/q", source_offset=n)
        for n, row in enumerate(rows)
    ]
    writer = StoreWriter(tmp_path / "baseline.db")
    began = time.perf_counter()
    for first in range(0, len(events), 500):
        batch = events[first : first + 500]
        writer.record_queue_events(batch, FeedOffset("/q", first + len(batch), T0))
    baseline = len(events) / (time.perf_counter() - began)
    writer.close()

    db = tmp_path / "ingest.db"
    writer, reader = StoreWriter(db), open_connection(db)
    began = time.perf_counter()
    stats = ingest(log, writer, stored_offsets(reader))
    elapsed = time.perf_counter() - began
    writer.close()
    reader.close()
    rate = stats.lines / elapsed
    print(
        f"\nsupervisor: ingest of a {log.stat().st_size / 1e6:.1f} MB queue_log: "
        f"{stats.lines:,} lines in {elapsed:.2f} s = {rate:,.0f} lines/s, "
        f"{rate / baseline:.2f}x writing the same events pre-parsed ({baseline:,.0f} events/s)"
    )
    assert (stats.events, stats.malformed) == (INGEST_LINES, 0)


def _median_ms(action, runs: int) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def test_one_refresh_of_every_kpi_over_a_million_queue_events(tmp_path):
    db = tmp_path / "kpi.db"
    connection = open_connection(db)
    connection.execute("PRAGMA cache_size = -65536")  # as `supervisor report` does
    rows = _queue_log(QUEUE_EVENTS, 30, T0)
    now = rows[-1][0]  # the wallboard looks back from the latest event
    began = time.perf_counter()
    connection.execute("BEGIN")
    connection.executemany(
        "INSERT INTO queue_events (occurred_at, call_id, queue, agent, event, data1, data2, "
        "data3) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    connection.execute("COMMIT")
    print(f"\nsupervisor: {len(rows):,} queue events loaded in {time.perf_counter() - began:.1f} s")
    _softphone_facts(connection, now)

    baseline_sql = (
        "SELECT queue, COUNT(*) FROM queue_events WHERE event = 'ENTERQUEUE' "
        "AND occurred_at >= ? AND occurred_at < ? GROUP BY queue"
    )
    for label, window in (
        ("today", Window.today(now, timezone.utc)),
        ("last 60 min", Window.last(60, now)),
        ("last 15 min", Window.last(15, now)),
    ):
        report = compute_kpis(connection, window, now)
        refresh = _median_ms(lambda window=window: compute_kpis(connection, window, now), 7)
        bare = _median_ms(
            lambda window=window: connection.execute(
                baseline_sql, (window.start, window.end)
            ).fetchall(),
            7,
        )
        print(
            f"supervisor: one refresh of every KPI ({label}: {report.total['offered']:,} calls "
            f"offered, {len(report.agents)} agents) over {QUEUE_EVENTS:,} queue events: "
            f"{refresh:.1f} ms median, {refresh / bare:.1f}x a bare count of offered calls "
            f"per queue ({bare:.2f} ms) (target: under 100 ms)"
        )
        assert report.total["offered"] > 0
        live = _median_ms(_live_refreshes(connection, label, now), 7)
        print(
            f"supervisor: the wallboard's refresh a second later with a KpiCache ({label}, "
            f"new facts written in between): {live:.1f} ms median, {live / refresh:.2f}x one "
            "refresh without it"
        )
    connection.close()


def _live_refreshes(connection, label: str, now: float):
    """Each call: a second later, a new state change and queue entry, and a cached refresh."""
    cache, seconds = KpiCache(), [0]
    window_at = {
        "today": lambda at: Window.today(at, timezone.utc),
        "last 60 min": lambda at: Window.last(60, at),
        "last 15 min": lambda at: Window.last(15, at),
    }[label]
    compute_kpis(connection, window_at(now), now, cache=cache)

    def refresh() -> None:
        seconds[0] += 1
        at = now + seconds[0]
        connection.execute(
            "INSERT INTO agent_state_changes (agent_id, state, changed_at) VALUES (?, ?, ?)",
            (str(1000 + seconds[0]), "not_ready", at - 0.5),
        )
        connection.execute(
            "INSERT INTO queue_events (occurred_at, call_id, queue, event) "
            "VALUES (?, ?, 'sales', 'ENTERQUEUE')",
            (at - 0.5, f"live-{label}-{seconds[0]}"),
        )
        compute_kpis(connection, window_at(at), at, cache=cache)

    return refresh
