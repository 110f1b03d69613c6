"""Agent figures: the softphones' facts (state, time in state, calls handled, AHT, occupancy),
joined with what the queue feed says of the same agent as a queue member.

The softphones' facts are the authority where an agent appears in both; a
member only the feed knows still gets the figures the feed can give: calls
answered, their talk + hold time, and a state read from its member events
(paused, logged in, on a call) of the last 24 hours.

A feed member is the softphone agent named in `MetricsSettings.agent_aliases`,
else the agent whose id equals the member name, else the one whose id is the
member's extension (`PJSIP/1001`, `Local/1001@agents` and `Agent/1001` are all
`1001`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from supervisor.feeds.events import MEMBER_EVENTS, MEMBER_STATE_AFTER
from supervisor.metrics import definitions
from supervisor.metrics.calls import CallTotals
from supervisor.metrics.queues import MemberCounts
from supervisor.metrics.settings import Window
from supervisor.store.reader import current_agent_states

FEED_STATE_LOOKBACK = 24 * 3600.0  # how far back member events are read for a feed-only state
BUSY_STATES = ("on_call", "wrap_up")


@dataclass
class AgentFigures:
    """One agent's row in the report."""

    agent_id: str
    source: str  # softphone, feed, or both
    feed_members: list[str] = field(default_factory=list)
    state: str | None = None
    state_reason: str | None = None
    state_since: float | None = None
    time_in_state_seconds: float | None = None
    calls_handled: int = 0
    aht_seconds: float | None = None
    aht_parts: tuple[str, ...] = ()
    talk_seconds: float = 0.0  # softphones: answered-to-ended minus hold, over AHT's calls
    hold_seconds: float = 0.0
    wrap_up_seconds: float = 0.0
    busy_seconds: float = 0.0  # on_call + wrap_up time in the window
    available_seconds: float = 0.0
    occupancy_percent: float | None = None
    queue_calls_answered: int = 0  # from the feed
    queue_calltime_seconds: float = 0.0  # from the feed: talk + hold of its ended calls


@dataclass
class StateHistory:
    """Every agent's state at the window's start, and its changes up to `until`, in time order."""

    start: float
    until: float  # min(window end, now)
    before: dict[str, str]  # agent id -> state at `start` (agents seen before it only)
    changes: list[tuple[float, str, str]]  # (changed_at, agent id, state), by time then id


_STATES_BEFORE = """
WITH RECURSIVE agents(agent_id) AS (
    SELECT MIN(agent_id) FROM agent_state_changes
    UNION ALL
    SELECT (SELECT MIN(agent_id) FROM agent_state_changes WHERE agent_id > agents.agent_id)
    FROM agents WHERE agents.agent_id IS NOT NULL
)
SELECT agent_id, (
    SELECT state FROM agent_state_changes AS s
    WHERE s.agent_id = agents.agent_id AND s.changed_at < :start
    ORDER BY s.changed_at DESC, s.id DESC LIMIT 1)
FROM agents WHERE agent_id IS NOT NULL
"""


CHANGES_BETWEEN = (
    "SELECT changed_at, agent_id, state FROM agent_state_changes "
    "WHERE changed_at >= ? AND changed_at < ? ORDER BY changed_at, id"
)
"""The state changes of [?, ?), as `StateHistory.changes` holds them."""


def state_history(connection: sqlite3.Connection, window: Window, now: float) -> StateHistory:
    """Read the agent states behind the window once: for time in state and the state chart.

    The states at the start come through the (agent_id, changed_at) index,
    one look-up per agent; the changes from `agent_state_changes_by_time_with_state`
    alone, which holds every column read here, in time order.
    """
    until = max(window.start, min(window.end, now))
    before = {
        agent_id: state
        for agent_id, state in connection.execute(_STATES_BEFORE, {"start": window.start})
        if state is not None
    }
    changes = connection.execute(CHANGES_BETWEEN, (window.start, until)).fetchall()
    return StateHistory(window.start, until, before, changes)


class StateTally:
    """The running sums behind `seconds_in_states`: each agent's state, since when, and the
    seconds each state has had so far.

    Fed the changes in time order, in one part or in several, it gives exactly
    the sums of one pass over them all (the same additions in the same order).
    """

    def __init__(self, start: float, before: Mapping[str, str]) -> None:
        self.start = start
        # agent id -> [state, since, seconds per state so far], updated in place
        self._held: dict[str, list[Any]] = {
            agent_id: [state, start, {}] for agent_id, state in before.items()
        }

    def add(self, changes: Iterable[tuple[float, str, str]]) -> None:
        """Count the changes in: (changed_at, agent id, state), in time order, after any before."""
        held, start = self._held, self.start
        for changed_at, agent_id, next_state in changes:
            stretch = held.get(agent_id)
            if stretch is None:  # unknown until now: logged out since the start
                stretch = held[agent_id] = ["logged_out", start, {}]
            previous, since, totals = stretch
            totals[previous] = totals.get(previous, 0.0) + (changed_at - since)
            stretch[0], stretch[1] = next_state, changed_at

    def seconds(self, until: float) -> dict[str, dict[str, float]]:
        """Seconds per agent and state within [start, until), `until` not before the last change."""
        result: dict[str, dict[str, float]] = {}
        if until <= self.start:
            return result
        for agent_id, (state, since, totals) in self._held.items():
            spent = result[agent_id] = dict(totals)
            spent[state] = spent.get(state, 0.0) + (until - since)
        return result


def seconds_in_states(history: StateHistory) -> dict[str, dict[str, float]]:
    """Seconds each agent spent in each state within [start, until), from one pass.

    An agent's time before its first known state is `logged_out`. Each
    state's seconds are added up in time order, one stretch at a time.
    """
    if history.until <= history.start:
        return {}
    tally = StateTally(history.start, history.before)
    tally.add(history.changes)
    return tally.seconds(history.until)


def state_seconds(
    connection: sqlite3.Connection, agents: Iterable[str], window: Window, now: float
) -> dict[str, dict[str, float]]:
    """Seconds each agent spent in each state within [window.start, min(window.end, now))."""
    if min(window.end, now) <= window.start:
        return {}
    spent = seconds_in_states(state_history(connection, window, now))
    return {
        agent_id: spent.get(agent_id, {"logged_out": min(window.end, now) - window.start})
        for agent_id in agents
    }


def member_extension(member: str) -> str:
    """`PJSIP/1001`, `Local/1001@agents/n` or `Agent/1001` -> `1001`."""
    return member.split("/", 1)[-1].split("@", 1)[0]


def agent_for_member(member: str, agents: Iterable[str], aliases: Mapping[str, str]) -> str:
    """The softphone agent id a feed member is, or the member name when none matches."""
    if member in aliases:
        return aliases[member]
    known = set(agents)
    if member in known:
        return member
    extension = member_extension(member)
    return extension if extension in known else member


def _state_after(alias: str) -> str:
    """SQL: the state a member event of the row `alias` leaves its member in."""
    cases = (f"WHEN '{event}' THEN '{state}'" for event, state in MEMBER_STATE_AFTER.items())
    return f"CASE {alias}.event {' '.join(cases)} END"


_MEMBER_EVENT_LIST = ", ".join(f"'{event}'" for event in MEMBER_EVENTS)
_MEMBER_EVENTS_OF = f"""
    WHERE {{alias}}.agent = {{member}} AND {{alias}}.event IN ({_MEMBER_EVENT_LIST})
      AND {{alias}}.occurred_at >= {{since}} AND {{alias}}.occurred_at <= :now"""
_SINCE_THE_CHANGE = "MAX(:since, COALESCE(changed.changed_at, :since))"
# Per member: its latest member event; the latest before it that left it in
# another state; and the first after that one, which began the current state.
_MEMBER_STATES = f"""
WITH RECURSIVE members(agent) AS (
    SELECT MIN(agent) FROM queue_events WHERE agent IS NOT NULL
    UNION ALL
    SELECT (SELECT MIN(agent) FROM queue_events WHERE agent > members.agent)
    FROM members WHERE members.agent IS NOT NULL
),
latest AS (
    SELECT m.agent, e.occurred_at, e.id, {_state_after("e")} AS state
    FROM members AS m
    JOIN queue_events AS e ON e.id = (
        SELECT l.id FROM queue_events AS l INDEXED BY queue_events_by_member
        {_MEMBER_EVENTS_OF.format(alias="l", member="m.agent", since=":since")}
        ORDER BY l.occurred_at DESC, l.id DESC LIMIT 1)
    WHERE m.agent IS NOT NULL
),
changed AS (
    SELECT latest.agent, latest.state, b.occurred_at AS changed_at, b.id AS changed_id
    FROM latest
    LEFT JOIN queue_events AS b ON b.id = (
        SELECT o.id FROM queue_events AS o INDEXED BY queue_events_by_member
        {_MEMBER_EVENTS_OF.format(alias="o", member="latest.agent", since=":since")}
          AND {_state_after("o")} != latest.state
        ORDER BY o.occurred_at DESC, o.id DESC LIMIT 1)
)
SELECT changed.agent, changed.state, s.occurred_at, s.data1
FROM changed
JOIN queue_events AS s ON s.id = (
    SELECT f.id FROM queue_events AS f INDEXED BY queue_events_by_member
    {_MEMBER_EVENTS_OF.format(alias="f", member="changed.agent", since=_SINCE_THE_CHANGE)}
      AND (changed.changed_id IS NULL OR f.occurred_at > changed.changed_at
           OR f.id > changed.changed_id)
    ORDER BY f.occurred_at, f.id LIMIT 1)
"""  # noqa: S608 - built from the feed's event constants; values are bound


def feed_member_states(
    connection: sqlite3.Connection, now: float
) -> dict[str, tuple[str, float, str | None]]:
    """Each member's state after its latest member event of the last 24 h: (state, since, reason).

    `since` is when the member's run of events leaving it in that state
    began, and `reason` that event's (a PAUSE's reason, for not ready). A
    member paused in one queue and not in another counts as not ready: the
    feed says the agent chose not to take some calls. Reads a few events per
    member through `queue_events_by_member`, however busy the day was.
    """
    params = {"since": now - FEED_STATE_LOOKBACK, "now": now}
    return {
        member: (state, since, data1 if state == "not_ready" else None)
        for member, state, since, data1 in connection.execute(_MEMBER_STATES, params)
    }


def agent_figures(
    connection: sqlite3.Connection,
    window: Window,
    now: float,
    *,
    calls: Mapping[str, CallTotals],
    members: Mapping[str, MemberCounts],
    aliases: Mapping[str, str],
    queue: str | None = None,
    history: StateHistory | None = None,
    times: Mapping[str, Mapping[str, float]] | None = None,
) -> list[AgentFigures]:
    """Every agent's row: softphone agents active or on the window, and feed members.

    `calls` are each agent's connected legs of the window (`calls.by_agent`);
    `times` the seconds per agent and state of the window, else worked out
    from `history`, the window's `state_history`, read here when not given.
    """
    current = {change.agent_id: change for change in current_agent_states(connection)}
    feed_states = feed_member_states(connection, now)
    members = dict(members)
    if queue is None:  # members the feed shows logged in, though they answered nothing
        for member, (state, _, _) in feed_states.items():
            if state != "logged_out" and member not in members:
                members[member] = MemberCounts(member)
    member_agents = {member: agent_for_member(member, current, aliases) for member in members}
    wanted = set(calls) | {agent for agent in member_agents.values() if agent in current}
    if queue is None:
        wanted |= {agent for agent, change in current.items() if change.state != "logged_out"}
    if times is None:
        times = seconds_in_states(history or state_history(connection, window, now))
    rows: dict[str, AgentFigures] = {}
    for agent_id in sorted(wanted):
        row = rows[agent_id] = AgentFigures(agent_id, "softphone")
        change = current.get(agent_id)
        if change is not None:
            row.state, row.state_reason = change.state, change.reason
            row.state_since = change.changed_at
            row.time_in_state_seconds = max(0.0, now - change.changed_at)
        totals = calls.get(agent_id)
        if totals is not None:
            _softphone_calls(row, totals)
        spent = times.get(agent_id, {})
        row.busy_seconds = sum(spent.get(state, 0.0) for state in BUSY_STATES)
        row.available_seconds = spent.get("available", 0.0)
        if change is not None:
            row.occupancy_percent = definitions.occupancy(row.busy_seconds, row.available_seconds)
    for member, counts in sorted(members.items()):
        agent_id = member_agents[member]
        row = rows.get(agent_id) or rows.setdefault(agent_id, AgentFigures(agent_id, "feed"))
        if row.source == "softphone":
            row.source = "both"
        row.feed_members.append(member)
        row.queue_calls_answered += counts.answered
        row.queue_calltime_seconds += counts.calltime
        if row.source == "feed":
            _feed_only(row, counts, feed_states.get(member), now)
    return [rows[agent_id] for agent_id in sorted(rows)]


def _softphone_calls(row: AgentFigures, totals: CallTotals) -> None:
    """Calls handled (inbound, ended) and AHT over those whose wrap-up is final."""
    row.calls_handled = totals.handled
    row.talk_seconds = totals.talk_seconds
    row.hold_seconds = totals.hold_seconds
    row.wrap_up_seconds = totals.wrap_up_seconds
    total = row.talk_seconds + row.hold_seconds + row.wrap_up_seconds
    row.aht_seconds = definitions.average_handle_time(total, totals.complete)
    if totals.complete:
        row.aht_parts = ("talk", "hold", "wrap_up")


def _feed_only(
    row: AgentFigures,
    counts: MemberCounts,
    state: tuple[str, float, str | None] | None,
    now: float,
) -> None:
    row.calls_handled = counts.ended
    row.aht_seconds = definitions.average_handle_time(counts.calltime, counts.ended)
    row.aht_parts = ("talk", "hold") if counts.ended else ()
    row.talk_seconds = counts.calltime
    if state is not None:
        row.state, row.state_since, row.state_reason = state
        row.time_in_state_seconds = max(0.0, now - state[1])
