"""Every KPI of `compute_kpis` agrees with a plain, call-by-call reference on random stores.

The metrics add the facts up in SQL (GROUP BY, covering indexes, the
`call_legs` table the store keeps by triggers); `metrics_reference` works the
same figures out with loops over whole tables. A wrong aggregate, join,
index order or trigger makes the two disagree on some seed. Sums of seconds
are compared to 1e-9 relative: SQL and the reference add them in different
orders, which changes the last binary digits and nothing else.
"""

import math
from dataclasses import asdict
from datetime import timezone

import pytest
from metrics_reference import ALIASES, DAY, D, random_store, reference_report

from supervisor.metrics import MetricsSettings, QueueThresholds, Window, compute_kpis
from supervisor.store import QueueEvent, StoreWriter, open_connection

SETTINGS = MetricsSettings(
    queues={"support": QueueThresholds(service_level_seconds=30, short_abandon_seconds=3)},
    agent_aliases=ALIASES,
)
STORES = {  # seed: (queue feed, softphones)
    1: (True, True),
    2: (True, True),
    3: (True, True),
    4: (True, False),
    5: (False, True),
    6: (True, True),
}


def _windows(now: float) -> dict[str, Window]:
    return {
        "today": Window.today(now, timezone.utc),
        "last 15 min": Window.last(15, now),
        "last 30 min": Window.last(30, now),
        "last 60 min": Window.last(60, now),
        "yesterday": Window(D - DAY, D),
        "across midnight": Window(D - 3 * 3600, D + 3 * 3600),
        "ending after now": Window(now - 7200, now + 3600),
    }


def _agree(actual: object, expected: object, where: str) -> None:
    if isinstance(actual, float) or isinstance(expected, float):
        assert actual is not None and expected is not None, (where, actual, expected)
        assert math.isclose(actual, expected, rel_tol=1e-9, abs_tol=1e-9), (
            where,
            actual,
            expected,
        )
    elif isinstance(actual, (list, tuple)) and isinstance(expected, (list, tuple)):
        assert len(actual) == len(expected), (where, actual, expected)
        for n, (one, other) in enumerate(zip(actual, expected, strict=True)):
            _agree(one, other, f"{where}[{n}]")
    elif isinstance(actual, dict) and isinstance(expected, dict):
        assert set(actual) == set(expected), (where, set(actual) ^ set(expected))
        for key in actual:
            _agree(actual[key], expected[key], f"{where}.{key}")
    else:
        assert actual == expected, (where, actual, expected)


def _in_order(calls: list) -> list:
    return sorted((tuple(call) for call in calls), key=lambda call: [repr(v) for v in call])


@pytest.fixture(params=sorted(STORES), ids=lambda seed: f"seed {seed}")
def store(request, tmp_path):
    feed, softphones = STORES[request.param]
    db = tmp_path / "store.db"
    now = random_store(db, request.param, feed=feed, softphones=softphones)
    connection = open_connection(db)
    yield connection, now
    connection.close()


def test_every_kpi_agrees_with_the_plain_reference(store):
    connection, now = store
    for label, window in _windows(now).items():
        for queue in (None, "sales"):
            report = compute_kpis(connection, window, now, SETTINGS, queue)
            expected = reference_report(connection, window, now, SETTINGS, queue)
            where = f"{label}, queue {queue}"
            _agree(report.total, expected.total, f"{where}: total")
            _agree(report.queues, expected.queues, f"{where}: queues")
            _agree([asdict(agent) for agent in report.agents], expected.agents, f"{where}: agents")


def test_the_facts_kept_for_the_charts_agree_with_the_reference(store):
    connection, now = store
    for label, window in _windows(now).items():
        report = compute_kpis(connection, window, now, SETTINGS)
        expected = reference_report(connection, window, now, SETTINGS)
        assert _in_order(report.calls) == _in_order(expected.calls), label
        assert report.history is not None
        assert report.history.before == expected.before, label
        assert report.history.changes == expected.changes, label


def test_default_settings_and_a_queue_nobody_called_agree_too(store):
    connection, now = store
    window = Window.today(now, timezone.utc)
    for settings, queue in ((MetricsSettings(), None), (SETTINGS, "nowhere")):
        report = compute_kpis(connection, window, now, settings, queue)
        expected = reference_report(connection, window, now, settings, queue)
        _agree(report.total, expected.total, f"queue {queue}: total")
        _agree(report.queues, expected.queues, f"queue {queue}: queues")
        _agree([asdict(agent) for agent in report.agents], expected.agents, f"queue {queue}")


def test_member_events_of_one_instant_count_in_the_order_the_feed_wrote_them(tmp_path):
    db = tmp_path / "store.db"
    writer = StoreWriter(db)
    t = D + 1000.0
    writer.record_queue_events(
        [
            QueueEvent(t, None, "sales", "PJSIP/1005", "PAUSE", "lunch"),
            QueueEvent(t, None, None, "PJSIP/1005", "AGENTLOGOFF"),
            QueueEvent(t, None, "sales", "PJSIP/1005", "ADDMEMBER"),
            QueueEvent(t + 10, None, "sales", "PJSIP/1005", "PAUSE", "training"),
            QueueEvent(t + 10, None, None, "PJSIP/1005", "PAUSEALL", "meeting"),
        ]
    )
    writer.close()
    connection = open_connection(db)
    now = t + 100
    report = compute_kpis(connection, Window(D, now), now)
    expected = reference_report(connection, Window(D, now), now, MetricsSettings())
    connection.close()
    # Available after the last event at t; not ready from the first at t + 10, for its reason.
    agent = report.agent("PJSIP/1005")
    assert (agent.state, agent.state_since, agent.state_reason) == ("not_ready", t + 10, "training")
    _agree([asdict(agent) for agent in report.agents], expected.agents, "agents")
