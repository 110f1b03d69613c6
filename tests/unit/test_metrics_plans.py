"""The KPI queries read the indexes the schema made for them, never a fact table whole.

A planner that picks another index still gives the right figures, but one
refresh then reads far more of the store: these plans are what keeps it fast.
"""

import pytest

from supervisor.metrics.agents import _MEMBER_STATES, _STATES_BEFORE, CHANGES_BETWEEN
from supervisor.metrics.cache import LATE_CHANGES
from supervisor.metrics.calls import _TOTALS
from supervisor.metrics.queues import _ENTRIES
from supervisor.store import open_connection

NOW = 1_750_000_000.0
WINDOW = {"start": NOW - 3600, "end": NOW, "queue": "sales", "repeat_window": 7 * 86_400.0}
QUERIES = {
    "state changes of a window": (
        CHANGES_BETWEEN,
        (NOW - 3600, NOW),
        ["SEARCH agent_state_changes USING COVERING INDEX agent_state_changes_by_time_with_state"],
    ),
    "states at the start": (_STATES_BEFORE, {"start": NOW}, []),
    "state changes written late": (
        LATE_CHANGES,
        (10, NOW),
        ["SEARCH agent_state_changes USING INTEGER PRIMARY KEY (rowid>?)"],
    ),
    "connected legs per agent and queue": (
        _TOTALS.format(queue_filter=""),
        WINDOW,
        [
            "SEARCH c USING PRIMARY KEY (ringing_at>? AND ringing_at<?)",
            "SEARCH p USING COVERING INDEX call_legs_by_caller",
        ],
    ),
    "queue entries and their outcomes": (
        _ENTRIES.format(queue_filter="", entries_index=""),
        WINDOW,
        [
            "SEARCH o USING COVERING INDEX queue_events_by_call_and_queue",
            "SEARCH x USING COVERING INDEX queue_events_by_call_and_queue",
        ],
    ),
    "queue entries of one queue": (
        _ENTRIES.format(queue_filter="AND e.queue = :queue", entries_index=""),
        WINDOW,
        ["SEARCH o USING COVERING INDEX queue_events_by_call_and_queue"],
    ),
    "queue entries of a few calls": (
        _ENTRIES.format(
            queue_filter="AND e.call_id IN (:call0, :call1)",
            entries_index="INDEXED BY queue_events_by_call_and_queue",
        ),
        {**WINDOW, "call0": "1.1", "call1": "2.2"},
        ["SEARCH e USING INDEX queue_events_by_call_and_queue (call_id=?"],
    ),
    "queue members' states": (
        _MEMBER_STATES,
        {"since": NOW - 86_400, "now": NOW},
        [
            "SEARCH l USING INDEX queue_events_by_member",
            "SEARCH f USING INDEX queue_events_by_member",
        ],
    ),
}
FACT_TABLES = ("agent_state_changes", "calls", "call_legs", "queue_events")


@pytest.mark.parametrize("name", QUERIES)
def test_kpi_query_uses_its_indexes(tmp_path, name):
    sql, params, expected = QUERIES[name]
    connection = open_connection(tmp_path / "store.db")
    plan = [row[3] for row in connection.execute("EXPLAIN QUERY PLAN " + sql, params)]
    connection.close()
    for step in expected:
        assert any(line.startswith(step) for line in plan), (step, plan)
    whole = [line for line in plan if line.startswith("SCAN") and line.split()[1] in FACT_TABLES]
    assert whole == [], plan
