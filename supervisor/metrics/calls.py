"""The softphones' connected calls of a window, added up per agent and queue in one pass.

A connected call is a leg (the call as one agent saw it: a `calls` row)
with an answer, that began ringing, or was dialled, in the window. One query
over `call_legs` (the store keeps each leg there with its answer, end and
final wrap-up, in ringing order) adds up, per (agent, queue), what AHT, FCR,
the agent rows and the repeat-caller estimate need; Python only adds the
groups together. Where a sum is of seconds, the groups' sums are added in
(agent, queue) order, so a figure may differ from a call-by-call sum in its
last binary digits, never more.

Per leg (inbound, ended and with a final wrap-up, it is "complete"):

- talk = ended - answered - hold; hold; wrap-up = finished - started;
- handle = (ended - answered) + wrap-up, the AHT numerator of the queue rows;
- a contact is an inbound leg with a known caller (`remote_party` not empty);
  it repeats when an answered inbound leg from the same caller, of another
  call, began ringing in the 7 days before it (`quality.REPEAT_WINDOW`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from supervisor.metrics.quality import REPEAT_WINDOW
from supervisor.metrics.settings import Window


@dataclass
class CallTotals:
    """Connected legs and their sums, for one agent in one queue or added across several."""

    connected: int = 0  # legs answered, whatever their direction and state
    inbound: int = 0
    handled: int = 0  # inbound legs that have ended
    complete: int = 0  # ... and whose wrap-up is final: the calls in AHT
    talk_seconds: float = 0.0  # over the complete legs
    hold_seconds: float = 0.0
    wrap_up_seconds: float = 0.0
    handle_seconds: float = 0.0  # (ended - answered) + wrap-up, over the complete legs
    final_wrap_ups: int = 0  # legs with a final wrap-up, any direction
    resolved: int = 0  # ... marked resolved
    contacts: int = 0  # inbound legs with a known caller
    repeats: int = 0  # ... whose caller had an answered inbound call in the 7 days before

    def add(self, other: CallTotals) -> None:
        """Add another group's legs into this one."""
        self.connected += other.connected
        self.inbound += other.inbound
        self.handled += other.handled
        self.complete += other.complete
        self.talk_seconds += other.talk_seconds
        self.hold_seconds += other.hold_seconds
        self.wrap_up_seconds += other.wrap_up_seconds
        self.handle_seconds += other.handle_seconds
        self.final_wrap_ups += other.final_wrap_ups
        self.resolved += other.resolved
        self.contacts += other.contacts
        self.repeats += other.repeats


def add_up(groups: Iterable[CallTotals]) -> CallTotals:
    """The totals of several groups."""
    total = CallTotals()
    for group in groups:
        total.add(group)
    return total


_ENDED = "c.direction = 'inbound' AND c.ended_at IS NOT NULL"
_COMPLETE = _ENDED + " AND c.wrap_up_finished_at IS NOT NULL"
_CONTACT = "c.direction = 'inbound' AND c.remote_party IS NOT NULL AND c.remote_party != ''"
_TOTALS = f"""
SELECT c.agent_id, c.queue, COUNT(*), SUM(c.direction = 'inbound'), SUM({_ENDED}),
       SUM({_COMPLETE}),
       TOTAL(CASE WHEN {_COMPLETE} THEN c.ended_at - c.answered_at - c.hold_seconds END),
       TOTAL(CASE WHEN {_COMPLETE} THEN c.hold_seconds END),
       TOTAL(CASE WHEN {_COMPLETE} THEN c.wrap_up_finished_at - c.wrap_up_started_at END),
       TOTAL(CASE WHEN {_COMPLETE} THEN (c.ended_at - c.answered_at)
                                        + (c.wrap_up_finished_at - c.wrap_up_started_at) END),
       COUNT(c.wrap_up_finished_at), COUNT(CASE WHEN c.resolved != 0 THEN 1 END),
       SUM({_CONTACT}),
       SUM(CASE WHEN {_CONTACT} THEN EXISTS (
           SELECT 1 FROM call_legs AS p INDEXED BY call_legs_by_caller
           WHERE p.remote_party = c.remote_party AND p.direction = 'inbound'
             AND p.ringing_at >= c.ringing_at - :repeat_window AND p.ringing_at < c.ringing_at
             AND p.answered_at IS NOT NULL AND p.call_id != c.call_id) ELSE 0 END)
FROM call_legs AS c
WHERE c.ringing_at >= :start AND c.ringing_at < :end AND c.answered_at IS NOT NULL
  {{queue_filter}}
GROUP BY c.agent_id, c.queue
ORDER BY c.agent_id, c.queue
"""  # noqa: S608 - built from this module's constants; values are bound


def call_totals(
    connection: sqlite3.Connection, window: Window, queue: str | None = None
) -> dict[tuple[str, str | None], CallTotals]:
    """(agent id, queue) -> its connected legs of the window (with `queue`: that queue's only).

    In the order of agent id, then queue (no queue first).
    """
    sql = _TOTALS.format(queue_filter="AND c.queue = :queue" if queue is not None else "")
    params = {
        "start": window.start,
        "end": window.end,
        "queue": queue,
        "repeat_window": REPEAT_WINDOW,
    }
    return {(row[0], row[1]): CallTotals(*row[2:]) for row in connection.execute(sql, params)}


def by_agent(totals: Mapping[tuple[str, str | None], CallTotals]) -> dict[str, CallTotals]:
    """Each agent's legs in every queue (`totals` in the order `call_totals` gives)."""
    result: dict[str, CallTotals] = {}
    for (agent_id, _), group in totals.items():
        result.setdefault(agent_id, CallTotals()).add(group)
    return result


def by_queue(totals: Mapping[tuple[str, str | None], CallTotals]) -> dict[str | None, CallTotals]:
    """Each queue's legs (None: calls that came through no queue), every agent's."""
    result: dict[str | None, CallTotals] = {}
    for (_, call_queue), group in totals.items():
        result.setdefault(call_queue, CallTotals()).add(group)
    return result
