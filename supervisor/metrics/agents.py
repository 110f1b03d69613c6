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

from supervisor.feeds.events import MEMBER_EVENTS, MEMBER_STATE_AFTER
from supervisor.metrics import definitions
from supervisor.metrics.queues import MemberCounts
from supervisor.metrics.settings import Window
from supervisor.store.reader import current_agent_states

FEED_STATE_LOOKBACK = 24 * 3600.0  # how far back member events are read for a feed-only state
BUSY_STATES = ("on_call", "wrap_up")


@dataclass
class HandledCall:
    """A call the softphones saw connected, with its wrap-up where there is one."""

    call_id: str
    agent_id: str
    direction: str
    queue: str | None
    remote_party: str | None
    answered_at: float
    ended_at: float | None
    hold_seconds: float
    wrap_up_seconds: float | None  # None while the wrap-up is not final
    resolved: bool | None
    final_wrap_up: bool

    @property
    def handle_seconds(self) -> float | None:
        """talk + hold + wrap-up, once the call has ended and its wrap-up is final."""
        if self.ended_at is None or self.wrap_up_seconds is None:
            return None
        return (self.ended_at - self.answered_at) + self.wrap_up_seconds


_CALLS = """
SELECT c.call_id, c.agent_id, c.direction, c.queue, c.remote_party, a.answered_at,
       e.ended_at, e.hold_seconds, w.finished_at - w.started_at, w.resolved, w.call_id
FROM calls AS c
JOIN call_answers AS a ON a.call_id = c.call_id AND a.agent_id = c.agent_id
LEFT JOIN call_ends AS e ON e.call_id = c.call_id AND e.agent_id = c.agent_id
LEFT JOIN wrap_ups AS w ON w.call_id = c.call_id AND w.agent_id = c.agent_id
WHERE c.ringing_at >= ? AND c.ringing_at < ?
"""


def handled_calls(
    connection: sqlite3.Connection, window: Window, queue: str | None = None
) -> list[HandledCall]:
    """Connected calls that began ringing (or were dialled) in the window."""
    sql = _CALLS + (" AND c.queue = ?" if queue is not None else "")
    params: list[object] = [window.start, window.end]
    if queue is not None:
        params.append(queue)
    calls = []
    for row in connection.execute(sql, params):
        call_id, agent_id, direction, call_queue, remote, answered = row[:6]
        ended, hold, wrap, resolved, final = row[6:]
        calls.append(
            HandledCall(
                call_id,
                agent_id,
                direction,
                call_queue,
                remote,
                answered,
                ended,
                hold or 0.0,
                wrap,
                None if resolved is None else bool(resolved),
                final is not None,
            )
        )
    return calls


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


def state_history(connection: sqlite3.Connection, window: Window, now: float) -> StateHistory:
    """Read the agent states behind the window once: for time in state and the state chart.

    The states at the start come through the (agent_id, changed_at) index,
    one look-up per agent; the changes through `agent_state_changes_by_time`.
    """
    until = max(window.start, min(window.end, now))
    before = {
        agent_id: state
        for agent_id, state in connection.execute(_STATES_BEFORE, {"start": window.start})
        if state is not None
    }
    changes = [
        (changed_at, agent_id, state)
        for agent_id, state, changed_at in connection.execute(
            "SELECT agent_id, state, changed_at FROM agent_state_changes "
            "WHERE changed_at >= ? AND changed_at < ? ORDER BY changed_at, id",
            (window.start, until),
        )
    ]
    return StateHistory(window.start, until, before, changes)


def seconds_in_states(history: StateHistory) -> dict[str, dict[str, float]]:
    """Seconds each agent spent in each state within [start, until), from one pass."""
    result: dict[str, dict[str, float]] = {}
    if history.until <= history.start:
        return result
    at: dict[str, float] = {}
    state: dict[str, str] = dict(history.before)
    for agent_id in state:
        at[agent_id] = history.start
        result[agent_id] = {}
    for changed_at, agent_id, next_state in history.changes:
        totals = result.get(agent_id)
        if totals is None:
            totals = result[agent_id] = {}
            previous, since = "logged_out", history.start
        else:
            previous, since = state[agent_id], at[agent_id]
        totals[previous] = totals.get(previous, 0.0) + (changed_at - since)
        at[agent_id], state[agent_id] = changed_at, next_state
    for agent_id, totals in result.items():
        current = state[agent_id]
        totals[current] = totals.get(current, 0.0) + (history.until - at[agent_id])
    return result


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


def feed_member_states(
    connection: sqlite3.Connection, now: float
) -> dict[str, tuple[str, float, str | None]]:
    """Each member's state after its latest member event of the last 24 h: (state, since, reason).

    A member paused in one queue and not in another counts as not ready: the
    feed says the agent chose not to take some calls.
    """
    marks = ", ".join("?" for _ in MEMBER_EVENTS)
    states: dict[str, tuple[str, float, str | None]] = {}
    for member, event, occurred_at, data1 in connection.execute(
        "SELECT agent, event, occurred_at, data1 FROM queue_events "  # noqa: S608
        f"WHERE event IN ({marks}) AND occurred_at >= ? AND occurred_at <= ? "
        "ORDER BY occurred_at, id",
        (*MEMBER_EVENTS, now - FEED_STATE_LOOKBACK, now),
    ):
        if member is None:
            continue
        state = MEMBER_STATE_AFTER[event]
        reason = data1 if state == "not_ready" else None
        previous = states.get(member)
        if previous is None or previous[0] != state:
            states[member] = (state, occurred_at, reason)
    return states


def agent_figures(
    connection: sqlite3.Connection,
    window: Window,
    now: float,
    *,
    calls: list[HandledCall],
    members: Mapping[str, MemberCounts],
    aliases: Mapping[str, str],
    queue: str | None = None,
    history: StateHistory | None = None,
) -> list[AgentFigures]:
    """Every agent's row: softphone agents active or on the window, and feed members.

    `history` is the window's `state_history`, read here when not given.
    """
    current = {change.agent_id: change for change in current_agent_states(connection)}
    feed_states = feed_member_states(connection, now)
    members = dict(members)
    if queue is None:  # members the feed shows logged in, though they answered nothing
        for member, (state, _, _) in feed_states.items():
            if state != "logged_out" and member not in members:
                members[member] = MemberCounts(member)
    by_agent: dict[str, list[HandledCall]] = {}
    for call in calls:
        by_agent.setdefault(call.agent_id, []).append(call)
    member_agents = {member: agent_for_member(member, current, aliases) for member in members}
    wanted = set(by_agent) | {agent for agent in member_agents.values() if agent in current}
    if queue is None:
        wanted |= {agent for agent, change in current.items() if change.state != "logged_out"}
    if history is None:
        history = state_history(connection, window, now)
    times = seconds_in_states(history)
    rows: dict[str, AgentFigures] = {}
    for agent_id in sorted(wanted):
        row = rows[agent_id] = AgentFigures(agent_id, "softphone")
        change = current.get(agent_id)
        if change is not None:
            row.state, row.state_reason = change.state, change.reason
            row.state_since = change.changed_at
            row.time_in_state_seconds = max(0.0, now - change.changed_at)
        _softphone_calls(row, by_agent.get(agent_id, []))
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


def _softphone_calls(row: AgentFigures, calls: list[HandledCall]) -> None:
    inbound = [call for call in calls if call.direction == "inbound" and call.ended_at is not None]
    row.calls_handled = len(inbound)
    complete = [call for call in inbound if call.handle_seconds is not None]
    for call in complete:
        assert call.ended_at is not None and call.wrap_up_seconds is not None
        row.hold_seconds += call.hold_seconds
        row.talk_seconds += call.ended_at - call.answered_at - call.hold_seconds
        row.wrap_up_seconds += call.wrap_up_seconds
    total = row.talk_seconds + row.hold_seconds + row.wrap_up_seconds
    row.aht_seconds = definitions.average_handle_time(total, len(complete))
    if complete:
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
