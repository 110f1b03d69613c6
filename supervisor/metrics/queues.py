"""Queue KPIs from the queue feed: each call that entered a queue in the window, and its outcome.

One query reads, for every ENTERQUEUE in the window, the first outcome of
that call in that queue at or after its entry (CONNECT, ABANDON,
EXITWITHTIMEOUT, EXITWITHKEY, EXITEMPTY), and for a connected call the
first event that ended it (COMPLETECALLER, COMPLETEAGENT or a transfer).
The lookups are forced through `queue_events_by_call_and_queue`, which holds
(call, queue, time, id, event) and so finds each without reading the table
(left to itself the planner walks `queue_events_by_queue` from the entry
onwards, which for a call still waiting reads the rest of the queue's
history); the entries come through `queue_events_by_event`, by entry time
then id. Only the fields the figures use come back: the outcome's wait field
and the end's data. Python then adds the calls up per queue, each against
its own queue's thresholds, in that order: `cache.KpiCache` keeps the
entries from one refresh to the next and adds them up the same way.

A call that enters the same queue twice (sent back by an agent) is offered
twice. A call with no outcome yet is waiting, unless it entered before the
last QUEUESTART (Asterisk restarted and dropped it), after `now`, or more
than `stale_wait_seconds` (a day) before `now` (its outcome was lost).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from supervisor.feeds.events import (
    CALL_END_EVENTS,
    OUTCOME_EVENTS,
    TRANSFER_EVENTS,
    abandon_wait_field,
    calltime_field,
    seconds,
)
from supervisor.metrics.settings import MetricsSettings, QueueThresholds, Window


def _sql_list(names: tuple[str, ...]) -> str:
    return ", ".join(f"'{name}'" for name in names)


# The outcome's field that holds the caller's wait: CONNECT's holdtime, else the waittime.
_WAITS = (f"WHEN '{event}' THEN o.data{abandon_wait_field(event)}" for event in OUTCOME_EVENTS[1:])
_WAIT_FIELD = f"CASE o.event WHEN 'CONNECT' THEN o.data1 {' '.join(_WAITS)} END"
_ENTRIES = f"""
SELECT e.queue, e.entered_at, e.caller, o.event, o.occurred_at, o.agent, {_WAIT_FIELD},
       x.event, x.data1, x.data2, x.data3, x.data4, x.data5, e.entry_id, e.call_id
FROM (
    SELECT e.id AS entry_id, e.call_id, e.queue, e.occurred_at AS entered_at, e.data2 AS caller,
           (SELECT o.id FROM queue_events AS o INDEXED BY queue_events_by_call_and_queue
            WHERE o.call_id = e.call_id AND o.queue IS e.queue
              AND o.event IN ({_sql_list(OUTCOME_EVENTS)})
              AND o.occurred_at >= e.occurred_at
            ORDER BY o.occurred_at, o.id LIMIT 1) AS outcome_id
    FROM queue_events AS e {{entries_index}}
    WHERE e.event = 'ENTERQUEUE' AND e.occurred_at >= :start AND e.occurred_at < :end
      {{queue_filter}}
) AS e
LEFT JOIN queue_events AS o ON o.id = e.outcome_id
LEFT JOIN queue_events AS x ON o.event = 'CONNECT' AND x.id = (
    SELECT x.id FROM queue_events AS x INDEXED BY queue_events_by_call_and_queue
    WHERE x.call_id = e.call_id AND x.queue IS e.queue
      AND x.event IN ({_sql_list(CALL_END_EVENTS)})
      AND x.occurred_at >= o.occurred_at
    ORDER BY x.occurred_at, x.id LIMIT 1)
ORDER BY e.entered_at, e.entry_id
"""  # noqa: S608 - built from this module's constants; values are bound


@dataclass
class QueueCounts:
    """What the feed says about the calls one queue was offered in the window."""

    queue: str | None
    thresholds: QueueThresholds
    offered: int = 0
    answered: int = 0
    answered_within: int = 0
    wait_answered: float = 0.0
    abandoned: int = 0
    short_abandoned: int = 0
    timed_out: int = 0
    exited_by_key: int = 0
    exited_empty: int = 0
    transferred: int = 0
    waiting: int = 0
    oldest_waiting: float | None = None
    ended: int = 0  # answered calls whose end is in the feed
    calltime: float = 0.0  # their talk + hold (the feed's calltime)

    def add(self, other: QueueCounts) -> None:
        """Add another queue's counts into this one (for the total)."""
        for name in ("offered", "answered", "answered_within", "wait_answered", "abandoned",
                     "short_abandoned", "timed_out", "exited_by_key", "exited_empty",
                     "transferred", "waiting", "ended", "calltime"):  # fmt: skip
            setattr(self, name, getattr(self, name) + getattr(other, name))
        if other.oldest_waiting is not None and (
            self.oldest_waiting is None or other.oldest_waiting < self.oldest_waiting
        ):
            self.oldest_waiting = other.oldest_waiting


class QueueCall(NamedTuple):
    """One call offered in the window, as the wallboard's charts need it."""

    queue: str | None
    entered_at: float
    outcome: str | None  # CONNECT, ABANDON, EXITWITHTIMEOUT, EXITWITHKEY, EXITEMPTY, or None
    left_at: float | None  # when it left the queue (the outcome's time); None: no outcome
    waiting: bool  # counted in calls_waiting at `now`
    answered_within: bool  # answered within the queue's service-level threshold
    short_abandon: bool  # abandoned before the queue's short-abandon limit


@dataclass
class MemberCounts:
    """What the feed says about one queue member's calls offered in the window."""

    member: str
    answered: int = 0
    ended: int = 0
    calltime: float = 0.0
    queues: set[str] = field(default_factory=set)


@dataclass
class FeedCalls:
    """The feed's view of the window: per queue, per member, and the answered callers."""

    queues: dict[str | None, QueueCounts]
    members: dict[str, MemberCounts]
    contacts: list[tuple[float, str, str | None]]  # (entered_at, caller id, queue), answered
    calls: list[QueueCall] = field(default_factory=list)  # every offered call, in no set order


def last_queue_start(connection: sqlite3.Connection, now: float) -> float | None:
    """When Asterisk last (re)started its queues at or before `now`, if the feed says."""
    row = connection.execute(
        "SELECT MAX(occurred_at) FROM queue_events WHERE event = 'QUEUESTART' AND occurred_at <= ?",
        (now,),
    ).fetchone()
    return None if row[0] is None else float(row[0])


def feed_calls(
    connection: sqlite3.Connection,
    window: Window,
    now: float,
    settings: MetricsSettings,
    queue: str | None = None,
) -> FeedCalls:
    """Count the calls offered in `window` per queue and per answering member."""
    entries = read_entries(connection, window, queue)
    return count_entries(entries, now, settings, last_queue_start(connection, now), queue)


Entry = tuple[Any, ...]
"""One offered call as `read_entries` gives it (the columns of `_ENTRIES`)."""
ENTRY_ID, ENTRY_CALL = 13, 14  # the ENTERQUEUE row's id and the call's uniqueid


def read_entries(
    connection: sqlite3.Connection,
    window: Window,
    queue: str | None = None,
    *,
    calls: Sequence[str] | None = None,
) -> list[Entry]:
    """The calls that entered a queue (or `queue`) in `window`, by entry time then id,
    each with its outcome and end; with `calls`, only the entries of those call ids."""
    filters: list[str] = []
    params: dict[str, object] = {"start": window.start, "end": window.end}
    if queue is not None:
        filters.append("AND e.queue = :queue")
        params["queue"] = queue
    index = ""
    if calls is not None:  # a few calls: find them by their ids, not through the window
        marks = ", ".join(f":call{n}" for n in range(len(calls)))
        filters.append(f"AND e.call_id IN ({marks})")
        params.update({f"call{n}": call for n, call in enumerate(calls)})
        index = "INDEXED BY queue_events_by_call_and_queue"
    sql = _ENTRIES.format(queue_filter=" ".join(filters), entries_index=index)
    return connection.execute(sql, params).fetchall()


def count_entries(
    entries: Iterable[Entry],
    now: float,
    settings: MetricsSettings,
    restart: float | None,
    queue: str | None = None,
) -> FeedCalls:
    """Count the `entries` (in entry order) per queue and per answering member, as at `now`.

    `restart` is the last QUEUESTART (`last_queue_start`): a call that
    entered before it with no outcome is not waiting.
    """
    queues: dict[str | None, QueueCounts] = {}
    members: dict[str, MemberCounts] = {}
    contacts: list[tuple[float, str, str | None]] = []
    calls: list[QueueCall] = []
    parse = _FieldSeconds()
    oldest = now - settings.stale_wait_seconds
    for row in entries:
        name, entered_at, caller, outcome = row[0], row[1], row[2], row[3]
        counts = queues.get(name)
        if counts is None:
            counts = queues[name] = QueueCounts(name, settings.thresholds(name))
        counts.offered += 1
        if outcome is None:
            waiting = oldest <= entered_at <= now and (restart is None or entered_at >= restart)
            if waiting:
                counts.waiting += 1
                if counts.oldest_waiting is None or entered_at < counts.oldest_waiting:
                    counts.oldest_waiting = entered_at
            calls.append(QueueCall(name, entered_at, None, None, waiting, False, False))
            continue
        left_at = row[4]
        wait = parse(row[6])
        if wait is None:
            wait = max(0.0, left_at - entered_at)
        limits = counts.thresholds
        if outcome == "CONNECT":
            _answered(counts, members, row, wait, parse=parse)
            if caller:
                contacts.append((entered_at, caller, name))
        else:
            _left(counts, outcome, wait)
        calls.append(
            QueueCall(
                name,
                entered_at,
                outcome,
                left_at,
                False,
                outcome == "CONNECT" and wait <= limits.service_level_seconds,
                outcome == "ABANDON" and wait < limits.short_abandon_seconds,
            )
        )
    if queue is not None and queue not in queues:
        queues[queue] = QueueCounts(queue, settings.thresholds(queue))
    return FeedCalls(queues, members, contacts, calls)


class _FieldSeconds:
    """`seconds()` of queue_log fields, each distinct text parsed once per pass."""

    def __init__(self) -> None:
        self._parsed: dict[object, float | None] = {}

    def __call__(self, raw: object) -> float | None:
        try:
            return self._parsed[raw]
        except KeyError:
            value = self._parsed[raw] = seconds(raw if isinstance(raw, str) else None)
            return value


def _left(counts: QueueCounts, outcome: str, wait: float) -> None:
    """Count a call that left the queue unanswered."""
    if outcome == "ABANDON":
        counts.abandoned += 1
        if wait < counts.thresholds.short_abandon_seconds:
            counts.short_abandoned += 1
    elif outcome == "EXITWITHTIMEOUT":
        counts.timed_out += 1
    elif outcome == "EXITWITHKEY":
        counts.exited_by_key += 1
    else:
        counts.exited_empty += 1


def _answered(
    counts: QueueCounts,
    members: dict[str, MemberCounts],
    row: Entry,
    wait: float,
    *,
    parse: _FieldSeconds,
) -> None:
    queue = counts.queue
    counts.answered += 1
    counts.wait_answered += wait
    if wait <= counts.thresholds.service_level_seconds:
        counts.answered_within += 1
    member_name = row[5]
    member = None
    if isinstance(member_name, str):
        member = members.get(member_name)
        if member is None:
            member = members[member_name] = MemberCounts(member_name)
        member.answered += 1
        if queue is not None:
            member.queues.add(queue)
    end_event = row[7]
    if not isinstance(end_event, str):
        return  # still connected
    end_data = row[8:13]
    first = end_data[0] if isinstance(end_data[0], str) else None
    talk = parse(end_data[calltime_field(end_event, first) - 1])
    if end_event in TRANSFER_EVENTS:
        counts.transferred += 1
    if talk is None:
        return
    counts.ended += 1
    counts.calltime += talk
    if member is not None:
        member.ended += 1
        member.calltime += talk
