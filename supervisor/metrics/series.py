"""The wallboard's time series, from the facts behind one `KpiReport`.

- calls waiting over time: at each sample time t, the window's calls that had
  entered by t and had not left the queue yet (a call still waiting at `now`
  counts until `now`; a lost call, with no outcome and too old to wait, never);
- service level through the day: the service level of the calls that entered
  from the window's start to the end of each interval (a running figure, as
  the day's goal is judged), each against its own queue's threshold;
- calls offered, answered and abandoned per 15-minute interval, by the time
  they entered: fixed quarter hours of local time (:00, :15, :30, :45),
  whatever the window, from the one holding the window's start to the one
  holding the end of the data. A window that starts or ends inside a quarter
  hour counts only its own part of it: a call belongs to the window in which
  it entered the queue;
- agents per state over time: how many agents were in each state at each
  sample time, from the softphones' state changes.

The sample step is 15 minutes for windows longer than two hours, else 1
minute. The sample times are the steps from the window's start, and finally
the end of the data (min(window end, now)). A call that entered before the
window is not in its facts, so it is missing from "calls waiting" early in
the window. Nothing here reads a clock or imports Qt.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone, tzinfo

from supervisor.metrics.agents import StateHistory
from supervisor.metrics.cache import KpiCache
from supervisor.metrics.definitions import service_level
from supervisor.metrics.queues import QueueCall
from supervisor.metrics.report import KpiReport, compute_kpis
from supervisor.metrics.settings import MetricsSettings, Window

LONG_WINDOW_SECONDS = 2 * 3600.0  # windows longer than this are sampled every 15 minutes
QUARTER_HOUR = 900.0  # the calls chart's interval, whatever the window
MINUTE = 60.0
CHARTED_STATES = ("available", "ringing", "on_call", "wrap_up", "not_ready")
"""Agent states in the stacked chart, bottom to top; logged-out agents are left out."""


@dataclass(frozen=True)
class IntervalCounts:
    """Calls offered, answered and abandoned that entered the queue in each interval."""

    starts: list[float]  # each interval is [start, start + seconds)
    offered: list[int]
    answered: list[int]
    abandoned: list[int]
    seconds: float = QUARTER_HOUR


@dataclass(frozen=True)
class WallboardSeries:
    """Everything the wallboard charts, for one window."""

    sample_seconds: float  # the step between the samples below
    intervals: IntervalCounts  # per local quarter hour
    samples: list[float]  # sample times of the three series below
    calls_waiting: list[int]
    service_level: list[float | None]  # running service level at each sample, %
    agent_states: dict[str, list[int]] = field(default_factory=dict)  # CHARTED_STATES keys


@dataclass(frozen=True)
class Wallboard:
    """One refresh of the wallboard: every KPI and the charts' series."""

    report: KpiReport
    series: WallboardSeries


def sample_seconds(window: Window) -> float:
    """The sample step: 15 minutes for a window longer than two hours, else one minute."""
    return QUARTER_HOUR if window.seconds > LONG_WINDOW_SECONDS else MINUTE


def quarter_hours(start: float, until: float, zone: tzinfo) -> list[float]:
    """The starts of the local quarter hours that [start, until) touches (at least start's).

    Aligned to :00, :15, :30 and :45 of the clock in `zone`. Every zone in use
    is a whole number of quarter hours from UTC and changes its clocks by
    whole quarter hours, so the quarter hours are 900 s apart in absolute
    time, across a clock change too.
    """
    offset = datetime.fromtimestamp(start, tz=zone).utcoffset()
    shift = 0.0 if offset is None else offset.total_seconds()
    first = math.floor((start + shift) / QUARTER_HOUR) * QUARTER_HOUR - shift
    count = max(1, math.ceil((until - first) / QUARTER_HOUR))
    return [first + n * QUARTER_HOUR for n in range(count)]


def sample_times(start: float, until: float, step: float) -> list[float]:
    """start, start + step, ... while before `until`, then `until` itself."""
    if until <= start:
        return [start]
    count = math.ceil((until - start) / step)
    times = [start + n * step for n in range(count)]
    times.append(until)
    return times


def interval_counts(
    calls: Iterable[QueueCall], starts: Sequence[float], step: float = QUARTER_HOUR
) -> IntervalCounts:
    """Per interval [start, start + step): offered, answered and abandoned, by entry time."""
    size = len(starts)
    offered, answered, abandoned = [0] * size, [0] * size, [0] * size
    if not starts:
        return IntervalCounts([], offered, answered, abandoned, step)
    first = starts[0]
    for call in calls:
        index = int((call.entered_at - first) // step)
        if not 0 <= index < size:
            continue
        offered[index] += 1
        if call.outcome == "CONNECT":
            answered[index] += 1
        elif call.outcome == "ABANDON":
            abandoned[index] += 1
    return IntervalCounts(list(starts), offered, answered, abandoned, step)


def calls_waiting_over_time(calls: Iterable[QueueCall], samples: Sequence[float]) -> list[int]:
    """At each sample time t: calls entered at or before t that had not left by t.

    A call still waiting at `now` counts from its entry on (samples never
    pass `now`); a lost call (no outcome, not waiting) never counts.
    """
    moves: list[tuple[float, int]] = []
    for call in calls:
        if call.left_at is not None:
            if call.left_at > call.entered_at:
                moves.append((call.entered_at, 1))
                moves.append((call.left_at, -1))
        elif call.waiting:
            moves.append((call.entered_at, 1))
    moves.sort()
    result, waiting, index = [], 0, 0
    for t in samples:
        while index < len(moves) and moves[index][0] <= t:
            waiting += moves[index][1]
            index += 1
        result.append(waiting)
    return result


def service_level_over_time(
    calls: Iterable[QueueCall], samples: Sequence[float]
) -> list[float | None]:
    """At each sample time t: the service level of the calls entered from the start up to t.

    Each call counts once its outcome is known at t (answered or abandoned
    by then); a still-waiting call counts in neither part, as in the KPI.
    """
    events: list[
        tuple[float, int, int, int, int]
    ] = []  # (known at, within, answered, aband., short)
    for call in calls:
        if call.left_at is None or call.outcome not in ("CONNECT", "ABANDON"):
            continue
        answered = call.outcome == "CONNECT"
        events.append(
            (
                call.left_at,
                int(call.answered_within),
                int(answered),
                int(not answered),
                int(call.short_abandon),
            )
        )
    events.sort()
    result: list[float | None] = []
    within = answered_n = abandoned_n = short_n = index = 0
    for t in samples:
        while index < len(events) and events[index][0] <= t:
            _, w, a, b, s = events[index]
            within, answered_n, abandoned_n, short_n = (
                within + w, answered_n + a, abandoned_n + b, short_n + s,
            )  # fmt: skip
            index += 1
        result.append(service_level(within, answered_n, abandoned_n, short_n))
    return result


def agent_states_over_time(
    history: StateHistory, samples: Sequence[float], agents: Iterable[str] | None = None
) -> dict[str, list[int]]:
    """At each sample time: how many agents (of `agents`, or all) were in each charted state."""
    wanted = None if agents is None else set(agents)
    state = {
        agent: value for agent, value in history.before.items() if wanted is None or agent in wanted
    }
    counts = {name: [0] * len(samples) for name in CHARTED_STATES}
    changes, index = history.changes, 0
    for position, t in enumerate(samples):
        while index < len(changes) and changes[index][0] <= t:
            _, agent, value = changes[index]
            if wanted is None or agent in wanted:
                state[agent] = value
            index += 1
        for value in state.values():
            column = counts.get(value)
            if column is not None:
                column[position] += 1
    return counts


def wallboard_series(report: KpiReport, zone: tzinfo = timezone.utc) -> WallboardSeries:
    """The charts' series for the report's window, from the facts it kept.

    `zone` is the local time zone whose quarter hours the calls chart counts in.
    """
    window, now = report.window, report.now
    step = sample_seconds(window)
    until = max(window.start, min(window.end, now))
    samples = sample_times(window.start, until, step)
    history = report.history
    agent_ids = None
    if report.queue_filter is not None:  # one queue: the agents the report shows for it
        agent_ids = [agent.agent_id for agent in report.agents]
    return WallboardSeries(
        sample_seconds=step,
        intervals=interval_counts(report.calls, quarter_hours(window.start, until, zone)),
        samples=samples,
        calls_waiting=calls_waiting_over_time(report.calls, samples),
        service_level=service_level_over_time(report.calls, samples),
        agent_states=(
            agent_states_over_time(history, samples, agent_ids)
            if history is not None
            else {name: [0] * len(samples) for name in CHARTED_STATES}
        ),
    )


def compute_wallboard(
    connection: sqlite3.Connection,
    window: Window,
    now: float,
    settings: MetricsSettings | None = None,
    queue: str | None = None,
    *,
    zone: tzinfo = timezone.utc,
    cache: KpiCache | None = None,
) -> Wallboard:
    """One wallboard refresh: `compute_kpis` and the series drawn from the same facts.

    `cache` is the refresh worker's `KpiCache`, kept from one refresh to the next.
    """
    report = compute_kpis(connection, window, now, settings, queue, cache=cache)
    return Wallboard(report, wallboard_series(report, zone))
