"""Store benchmarks: facts written per second, alone and 50 at once, and a KPI query.

Each figure is one printed line starting with "store:"; where there is a
baseline measured in the same run the line gives the ratio. Nothing here
asserts a time: only correctness (no lost row, an indexed query plan).
"""

import multiprocessing
import random
import statistics
import time

from supervisor.store import (
    AgentStateChange,
    FeedOffset,
    QueueEvent,
    StoreWriter,
    open_connection,
)

T0 = 1_750_000_000.0
DAY = 86_400.0
SINGLE_FACTS = 5_000
WRITERS = 50
FACTS_EACH = 1_000
QUEUE_EVENTS = 1_000_000
FED_EVENTS = 50_000


def _write_facts(db, agent_id, count, start, results):
    writer = StoreWriter(db)
    start.wait()
    began = time.perf_counter()
    for n in range(count):
        writer.record(AgentStateChange(agent_id, "available", T0 + n))
    while not writer.flush():
        time.sleep(0.05)
    elapsed = time.perf_counter() - began
    writer.close()
    results.put((agent_id, elapsed, writer.health.ok))


def _context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _one_writer_rate(tmp_path) -> float:
    db = tmp_path / "one.db"
    open_connection(db).close()
    writer = StoreWriter(db)
    began = time.perf_counter()
    for n in range(SINGLE_FACTS):
        writer.record(AgentStateChange("solo", "available", T0 + n))
    elapsed = time.perf_counter() - began
    writer.close()
    rate = SINGLE_FACTS / elapsed
    print(
        f"\nstore: one writer: {SINGLE_FACTS:,} facts in {elapsed:.2f} s = {rate:,.0f} facts/s "
        "(one transaction per fact)"
    )
    return rate


def test_facts_per_second_one_writer_and_fifty_at_once(tmp_path):
    baseline = _one_writer_rate(tmp_path)

    db = tmp_path / "fifty.db"
    open_connection(db).close()
    context = _context()
    start, results = context.Event(), context.Queue()
    workers = [
        context.Process(
            target=_write_facts, args=(str(db), f"a{n:02d}", FACTS_EACH, start, results)
        )
        for n in range(WRITERS)
    ]
    for worker in workers:
        worker.start()
    time.sleep(0.5)  # let every process reach the start line
    began = time.perf_counter()
    start.set()
    reports = [results.get(timeout=300) for _ in workers]
    elapsed = time.perf_counter() - began
    for worker in workers:
        worker.join(timeout=30)

    connection = open_connection(db)
    stored = connection.execute("SELECT COUNT(*) FROM agent_state_changes").fetchone()[0]
    connection.close()
    total = WRITERS * FACTS_EACH
    rate = total / elapsed
    slowest = max(seconds for _, seconds, _ in reports)
    degraded = sum(not ok for _, _, ok in reports)
    print(
        f"store: {WRITERS} writers at once: {total:,} facts in {elapsed:.2f} s = {rate:,.0f} "
        f"facts/s, {rate / baseline:.2f}x one writer; slowest writer {slowest:.2f} s; "
        f"rows lost {total - stored}; writers left degraded {degraded}"
    )
    assert stored == total
    assert degraded == 0


def _queue_log_rows(count: int) -> list[tuple[object, ...]]:
    """A queue_log's worth of events: calls arriving over 30 days into 3 queues, in time order.

    80 % are answered after an exponential wait (mean 25 s), 15 % abandoned,
    5 % time out; answered calls end with COMPLETECALLER.
    """
    rng = random.Random(7)
    calls = int(count / 2.8 * 1.01)  # 2.8 events per call on average
    mean_gap = 30 * DAY / calls
    events: list[tuple[object, ...]] = []
    entered = T0 - 30 * DAY
    for call in range(calls):
        entered += rng.expovariate(1 / mean_gap)
        uid = f"{1700000000 + call}.{call}"
        queue = ("sales", "support", "billing")[call % 3]
        wait = rng.expovariate(1 / 25)
        waited = f"{wait:.0f}"
        events.append((entered, uid, queue, "NONE", "ENTERQUEUE", "", "+15550100", "1"))
        outcome = rng.random()
        if outcome < 0.8:
            agent = f"Local/{1000 + call % 40}@agents"
            talk = f"{rng.expovariate(1 / 240):.0f}"
            events.append((entered + wait, uid, queue, agent, "CONNECT", waited, uid, "3"))
            events.append(
                (
                    entered + wait + float(talk),
                    uid,
                    queue,
                    agent,
                    "COMPLETECALLER",
                    waited,
                    talk,
                    "1",
                )
            )
        elif outcome < 0.95:
            events.append((entered + wait, uid, queue, "NONE", "ABANDON", "1", "1", waited))
        else:
            events.append((entered + wait, uid, queue, "NONE", "EXITWITHTIMEOUT", "1", "1", waited))
    events.sort(key=lambda event: event[0])  # a queue_log is written in time order
    return events[:count]


SERVICE_LEVEL = """
SELECT e.queue,
       COUNT(*) AS offered,
       SUM(o.event = 'CONNECT') AS answered,
       SUM(o.event = 'CONNECT' AND CAST(o.data1 AS REAL) <= 20) AS answered_within_20_s,
       SUM(o.event = 'ABANDON' AND CAST(o.data3 AS REAL) >= 5) AS abandoned_not_short,
       AVG(CASE WHEN o.event = 'CONNECT' THEN CAST(o.data1 AS REAL) END) AS asa_seconds
FROM queue_events AS e {hint}
LEFT JOIN queue_events AS o
       ON o.call_id = e.call_id
      AND o.event IN ('CONNECT', 'ABANDON', 'EXITWITHTIMEOUT', 'EXITWITHKEY')
WHERE e.event = 'ENTERQUEUE' AND e.occurred_at >= ? AND e.occurred_at < ?
GROUP BY e.queue
"""


def _median_ms(connection, sql, params, runs) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        connection.execute(sql, params).fetchall()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def _load(connection, rows) -> None:
    began = time.perf_counter()
    connection.execute("BEGIN IMMEDIATE")
    connection.executemany(
        "INSERT INTO queue_events (occurred_at, call_id, queue, agent, event, data1, data2, "
        "data3) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    connection.execute("COMMIT")
    elapsed = time.perf_counter() - began
    print(f"\nstore: loading {len(rows):,} queue events in one transaction: {elapsed:.1f} s")


def _feed(db, rows) -> None:
    """Write `rows` the way the supervisor's feed does: batches of 500 with their offset."""
    events = [QueueEvent(*row, source_file="/q", source_offset=n) for n, row in enumerate(rows)]
    writer = StoreWriter(db)
    began = time.perf_counter()
    for first in range(0, len(events), 500):
        batch = events[first : first + 500]
        writer.record_queue_events(batch, FeedOffset("/q", first + len(batch), T0))
    elapsed = time.perf_counter() - began
    writer.close()
    print(
        f"store: feed ingest through StoreWriter into a store of {QUEUE_EVENTS - len(rows):,} "
        f"events, batches of 500 with their offset: {len(rows) / elapsed:,.0f} events/s"
    )


def test_kpi_query_over_a_million_queue_events_uses_the_indexes(tmp_path):
    db = tmp_path / "kpi.db"
    connection = open_connection(db)
    rows = _queue_log_rows(QUEUE_EVENTS)
    _load(connection, rows[:-FED_EVENTS])
    _feed(db, rows[-FED_EVENTS:])
    assert connection.execute("SELECT COUNT(*) FROM queue_events").fetchone() == (QUEUE_EVENTS,)

    sql = SERVICE_LEVEL.format(hint="")
    plan = [r[3] for r in connection.execute("EXPLAIN QUERY PLAN " + sql, (T0, T0))]
    print("store: KPI query plan: " + "; ".join(plan))
    assert not [step for step in plan if step.startswith("SCAN")], plan

    now = rows[-1][0]  # the wallboard looks back from the latest event
    for label, window in (("last hour", 3600.0), ("last 24 h", DAY)):
        params = (now - window, now)
        offered = sum(row[1] for row in connection.execute(sql, params))
        indexed = _median_ms(connection, sql, params, 11)
        scanned = _median_ms(connection, SERVICE_LEVEL.format(hint="NOT INDEXED"), params, 3)
        print(
            f"store: KPI query (offered, answered, SL 20 s, abandoned, ASA per queue) over "
            f"{QUEUE_EVENTS:,} queue events, {label} ({offered:,} calls offered): "
            f"{indexed:.1f} ms median; full scan {scanned:.0f} ms, "
            f"{scanned / indexed:.0f}x slower (target: under 100 ms per refresh)"
        )
    connection.close()
