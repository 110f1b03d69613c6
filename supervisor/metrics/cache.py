"""What one refresh of a window read, kept so that the next refresh reads only what is new.

The wallboard refreshes the same window every second; for a long window
("today") most of what a refresh reads has not changed since the last one.
`KpiCache` keeps two reads of the last refresh of a window:

- the agent-state history: the changes of [start, until) and the running
  seconds per state up to `until`. The next refresh, of a window with the
  same start and a later `until`, reads only the changes of [old until,
  new until) and carries the sums on;
- the queue feed's offered calls: each entry of [start, end) with its
  outcome and end, as `queues.read_entries` gives them. The next refresh
  reads the entries of [old end, new end), and again those of the calls that
  the feed has written an event of since (an outcome, an end); it counts them
  all again, in the same order, as `feed_calls` would.

Either way the figures are exactly those of reading everything again: the
same rows, added up in the same order.

Facts are appended, never changed (DESIGN.md, "The store"), and a new row
always gets a higher id than every row before it. So the cache notes the
highest id of each table it has read, and looks at the rows written since:
a state change for a time before the kept `until`, a queue entry before the
kept end, or more new queue events than it is worth sorting out (a bulk
ingest) make the next refresh read everything again, as does another window
start, an earlier end, another queue, or another connection. A deleted fact
is not noticed.

The softphones' connected calls are added up afresh on every refresh: a
wrap-up can arrive for any call of the day, and their one aggregate query
costs less than keeping them would.

One cache per connection and thread (the refresh worker's); it is not safe
to share between threads.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from supervisor.metrics.agents import (
    CHANGES_BETWEEN,
    StateHistory,
    StateTally,
    state_history,
)
from supervisor.metrics.queues import (
    ENTRY_CALL,
    ENTRY_ID,
    Entry,
    FeedCalls,
    count_entries,
    last_queue_start,
    read_entries,
)
from supervisor.metrics.settings import MetricsSettings, Window

LATE_CHANGES = (
    "SELECT 1 FROM agent_state_changes NOT INDEXED WHERE id > ? AND changed_at < ? LIMIT 1"
)
"""A state change written after id ? for a time before ?: through the ids, the new rows only."""
NEW_QUEUE_EVENTS = (
    "SELECT call_id, event, occurred_at FROM queue_events NOT INDEXED WHERE id > ? LIMIT ?"
)
"""The queue events written after id ? (at most ?), through their ids."""
MOST_NEW_EVENTS = 1000  # more new queue events than this since the last refresh: read it all


@dataclass
class _KeptHistory:
    connection: sqlite3.Connection
    history: StateHistory
    tally: StateTally  # the sums up to the last change of `history`
    last_id: int  # the highest agent_state_changes id when `history` was read


@dataclass
class _KeptEntries:
    connection: sqlite3.Connection
    window: Window  # the entries are those of [window.start, window.end)
    queue: str | None
    entries: list[Entry]  # by entry time, then id
    calls: set[str]  # their call ids
    last_id: int  # the highest queue_events id when they were read


class KpiCache:
    """The last refresh's agent-state history and queue entries, extended by the next one."""

    def __init__(self) -> None:
        self._history: _KeptHistory | None = None
        self._entries: _KeptEntries | None = None
        self.whole_reads = {"history": 0, "entries": 0}  # for tests and logs

    def state_history(
        self, connection: sqlite3.Connection, window: Window, now: float
    ) -> tuple[StateHistory, dict[str, dict[str, float]]]:
        """The window's `state_history`, and the seconds per agent and state within it."""
        until = max(window.start, min(window.end, now))
        # The highest id first: a row committed while the rest is read is then seen as
        # new on the next refresh, never lost.
        last_id = _last_id(connection, "agent_state_changes")
        kept = self._history
        if kept is None or not self._history_extends(kept, connection, window, until, last_id):
            return self._read_history(connection, window, now, last_id)
        tail = connection.execute(CHANGES_BETWEEN, (kept.history.until, until)).fetchall()
        kept.tally.add(tail)
        history = StateHistory(
            window.start, until, dict(kept.history.before), kept.history.changes + tail
        )
        kept.history, kept.last_id = history, last_id
        return _copy(history), kept.tally.seconds(until)

    def feed_calls(
        self,
        connection: sqlite3.Connection,
        window: Window,
        now: float,
        settings: MetricsSettings,
        queue: str | None = None,
    ) -> FeedCalls:
        """What `queues.feed_calls` gives for these arguments."""
        last_id = _last_id(connection, "queue_events")
        restart = last_queue_start(connection, now)
        kept = self._entries
        if kept is None or not self._bring_up_to_date(kept, connection, window, queue, last_id):
            self.whole_reads["entries"] += 1
            entries = read_entries(connection, window, queue)
            calls = {row[ENTRY_CALL] for row in entries if row[ENTRY_CALL] is not None}
            self._entries = _KeptEntries(connection, window, queue, entries, calls, last_id)
            return count_entries(entries, now, settings, restart, queue)
        if window.end > kept.window.end:
            tail = read_entries(connection, Window(kept.window.end, window.end), queue)
            kept.entries = kept.entries + tail
            kept.calls.update(row[ENTRY_CALL] for row in tail if row[ENTRY_CALL] is not None)
        kept.window, kept.last_id = window, last_id
        return count_entries(kept.entries, now, settings, restart, queue)

    def _history_extends(
        self,
        kept: _KeptHistory,
        connection: sqlite3.Connection,
        window: Window,
        until: float,
        last_id: int,
    ) -> bool:
        """Whether `kept` plus the changes after its `until` is the history of `window`."""
        if connection is not kept.connection or window.start != kept.history.start:
            return False
        if until < kept.history.until or last_id < kept.last_id:
            return False
        if last_id == kept.last_id:
            return True
        late = connection.execute(LATE_CHANGES, (kept.last_id, kept.history.until)).fetchone()
        return late is None

    def _bring_up_to_date(
        self,
        kept: _KeptEntries,
        connection: sqlite3.Connection,
        window: Window,
        queue: str | None,
        last_id: int,
    ) -> bool:
        """Read again the kept entries of the calls the feed has written about since; False
        when the kept entries cannot stand for those of `window` before their end."""
        same = connection is kept.connection and queue == kept.queue
        if not same or window.start != kept.window.start or window.end < kept.window.end:
            return False
        if last_id <= kept.last_id:
            return last_id == kept.last_id
        new = connection.execute(NEW_QUEUE_EVENTS, (kept.last_id, MOST_NEW_EVENTS + 1)).fetchall()
        if len(new) > MOST_NEW_EVENTS:
            return False
        touched = set()
        for call_id, event, occurred_at in new:
            if event == "ENTERQUEUE" and occurred_at < kept.window.end:
                return False  # a call entered the kept part of the window: count it in order
            if call_id in kept.calls:
                touched.add(call_id)
        if touched:
            older = Window(kept.window.start, kept.window.end)
            fresh = {
                row[ENTRY_ID]: row
                for row in read_entries(connection, older, queue, calls=sorted(touched))
            }
            kept.entries = [fresh.get(row[ENTRY_ID], row) for row in kept.entries]
        return True

    def _read_history(
        self, connection: sqlite3.Connection, window: Window, now: float, last_id: int
    ) -> tuple[StateHistory, dict[str, dict[str, float]]]:
        self.whole_reads["history"] += 1
        history = state_history(connection, window, now)
        tally = StateTally(history.start, history.before)
        tally.add(history.changes)
        self._history = _KeptHistory(connection, history, tally, last_id)
        return _copy(history), tally.seconds(history.until)


def _last_id(connection: sqlite3.Connection, table: str) -> int:
    row = connection.execute(f"SELECT MAX(id) FROM {table}").fetchone()  # noqa: S608 - fixed names
    return -1 if row[0] is None else int(row[0])


def _copy(history: StateHistory) -> StateHistory:
    """A history the caller may change without changing the kept one."""
    return StateHistory(history.start, history.until, dict(history.before), list(history.changes))
