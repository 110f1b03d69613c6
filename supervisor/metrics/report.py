"""Every KPI over one window: `compute_kpis`, and its JSON and CSV forms for `supervisor report`.

The JSON keys are stable (the README lists them): a new figure gets a new
key, an existing key never changes its meaning. A KPI that cannot be
computed is null, and `unavailable` says why (no queue feed, no softphone
facts, no surveys, or nothing to measure in the window).
"""

from __future__ import annotations

import csv
import io
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field

from supervisor.feeds.instants import format_instant
from supervisor.metrics import calls as softphone_calls
from supervisor.metrics import definitions
from supervisor.metrics.agents import (
    AgentFigures,
    StateHistory,
    agent_figures,
    seconds_in_states,
    state_history,
)
from supervisor.metrics.cache import KpiCache
from supervisor.metrics.calls import CallTotals
from supervisor.metrics.quality import RepeatEstimate, Surveys, feed_repeats, survey_scores
from supervisor.metrics.queues import QueueCall, QueueCounts, feed_calls
from supervisor.metrics.settings import MetricsSettings, Window

REPORT_FORMAT = 1  # the "format" key: raised only if a key changes meaning

QUEUE_KEYS = (
    "queue", "offered", "answered", "abandoned", "short_abandoned", "timed_out", "exited_by_key",
    "exited_empty", "transferred", "calls_waiting", "longest_wait_seconds",
    "answered_within_threshold", "service_level_percent", "service_level_threshold_seconds",
    "service_level_target_percent", "service_level_met", "short_abandon_seconds", "asa_seconds",
    "abandonment_rate_percent", "aht_seconds", "aht_parts", "aht_source", "aht_calls",
    "occupancy_percent", "fcr_percent", "fcr_resolved", "final_wrap_ups", "fcr_estimate_percent",
    "fcr_estimate_contacts", "fcr_estimate_source", "csat_percent", "csat_responses", "nps",
    "nps_responses", "ces", "ces_responses",
)  # fmt: skip
"""The keys of `total` and of each `queues` entry, in order (CSV columns likewise)."""

AGENT_KEYS = tuple(AgentFigures.__dataclass_fields__)
"""The keys of each `agents` entry."""

_FEED_KPIS = (
    "offered", "answered", "abandoned", "short_abandoned", "timed_out", "exited_by_key",
    "exited_empty", "transferred", "calls_waiting", "longest_wait_seconds",
    "answered_within_threshold", "service_level_percent", "asa_seconds",
    "abandonment_rate_percent",
)  # fmt: skip
NO_FEED = "no queue feed in the store: run `supervisor ingest` on the PBX's queue_log"
NO_SOFTPHONES = "no agent states from softphones in the store"
NO_WRAP_UPS = "no final wrap-ups from softphones in the window"
NO_SURVEYS = "no {survey} scores in the window"
NOTHING = "nothing to measure in the window"
FEED_AHT = "the queue feed gives no wrap-up time: aht_seconds holds talk and hold only"


@dataclass
class KpiReport:
    """Every KPI over one window, per queue and per agent."""

    window: Window
    now: float
    queue_filter: str | None
    sources: dict[str, bool]
    total: dict[str, object]
    queues: list[dict[str, object]]
    agents: list[AgentFigures]
    unavailable: dict[str, str] = field(default_factory=dict)
    # The facts behind the figures, kept for the wallboard's charts (not in JSON or CSV).
    calls: list[QueueCall] = field(default_factory=list, repr=False, compare=False)
    history: StateHistory | None = field(default=None, repr=False, compare=False)

    def queue(self, name: str | None) -> dict[str, object]:
        """The figures of one queue (KeyError if the window has none of its calls)."""
        for row in self.queues:
            if row["queue"] == name:
                return row
        raise KeyError(name)

    def agent(self, agent_id: str) -> AgentFigures:
        """One agent's figures (KeyError if absent)."""
        for row in self.agents:
            if row.agent_id == agent_id:
                return row
        raise KeyError(agent_id)


def _exists(connection: sqlite3.Connection, table: str) -> bool:
    sql = f"SELECT EXISTS (SELECT 1 FROM {table})"  # noqa: S608 - fixed table names only
    return bool(connection.execute(sql).fetchone()[0])


def compute_kpis(
    connection: sqlite3.Connection,
    window: Window,
    now: float,
    settings: MetricsSettings | None = None,
    queue: str | None = None,
    *,
    cache: KpiCache | None = None,
) -> KpiReport:
    """Every KPI for calls that entered a queue in `window`, as seen at `now`.

    `now` is injected: nothing here reads a clock. With `queue`, only that
    queue's calls count (agents' state and occupancy stay whole). A `cache`
    kept from one refresh to the next (one per connection) spares the next
    refresh of the same window re-reading the agent states and the queue
    entries that have not changed: the figures are the same with it or
    without.
    """
    settings = settings or MetricsSettings()
    sources = {
        "queue_feed": _exists(connection, "queue_events"),
        "softphones": _exists(connection, "agent_state_changes"),
        "surveys": _exists(connection, "survey_scores"),
    }
    if cache is None:
        feed = feed_calls(connection, window, now, settings, queue)
    else:
        feed = cache.feed_calls(connection, window, now, settings, queue)
    legs = softphone_calls.call_totals(connection, window, queue)
    per_queue = softphone_calls.by_queue(legs)
    surveys = survey_scores(connection, window)
    if queue is not None:
        surveys = {queue: surveys.get(queue, Surveys([], [], []))}
    if cache is None:
        history = state_history(connection, window, now)
        times = seconds_in_states(history)
    else:
        history, times = cache.state_history(connection, window, now)
    agents = agent_figures(
        connection,
        window,
        now,
        calls=softphone_calls.by_agent(legs),
        members=feed.members,
        aliases=settings.agent_aliases,
        queue=queue,
        times=times,
    )
    repeats = _repeat_estimates(connection, per_queue, feed.contacts)

    names = sorted(
        set(feed.queues) | {name for name in per_queue if name is not None},
        key=lambda name: (name is None, name or ""),
    )
    if queue is not None:
        names = [queue]
    rows = []
    total_counts = QueueCounts(None, settings.default)
    for name in names:
        counts = feed.queues.get(name) or QueueCounts(name, settings.thresholds(name))
        total_counts.add(counts)
        scores = surveys.get(name, Surveys([], [], []))
        in_queue = per_queue.get(name) or CallTotals()
        rows.append(
            _figures(
                counts, in_queue, repeat=repeats.get(name), scores=scores, now=now, occupancy=None
            )
        )
    all_scores = Surveys([], [], [])
    for bucket in surveys.values():
        all_scores.csat.extend(bucket.csat)
        all_scores.nps.extend(bucket.nps)
        all_scores.ces.extend(bucket.ces)
    softphone_agents = [agent for agent in agents if agent.source != "feed"]
    occupancy = (
        definitions.occupancy(
            sum(agent.busy_seconds for agent in softphone_agents),
            sum(agent.available_seconds for agent in softphone_agents),
        )
        if sources["softphones"]
        else None
    )
    total = _figures(
        total_counts,
        softphone_calls.add_up(per_queue.values()),
        repeat=repeats.get("*"),
        scores=all_scores,
        now=now,
        occupancy=occupancy,
    )
    total["queue"] = queue
    if queue is not None:  # one queue: the total is that queue, thresholds included
        total = dict(rows[0], occupancy_percent=occupancy)
    report = KpiReport(window, now, queue, sources, total, rows, agents)
    report.unavailable = _unavailable(report)
    report.calls, report.history = feed.calls, history
    return report


def _repeat_estimates(
    connection: sqlite3.Connection,
    per_queue: Mapping[str | None, CallTotals],
    contacts: Sequence[tuple[float, str, str | None]],
) -> dict[str | None, RepeatEstimate]:
    """Per queue, and under "*" for all: from the softphones' calls, else from the feed."""
    if any(legs.contacts for legs in per_queue.values()):
        estimates: dict[str | None, RepeatEstimate] = {
            name: RepeatEstimate(legs.contacts, legs.repeats, "softphones")
            for name, legs in per_queue.items()
            if name and legs.inbound
        }
        estimates["*"] = RepeatEstimate(
            sum(legs.contacts for legs in per_queue.values()),
            sum(legs.repeats for legs in per_queue.values()),
            "softphones",
        )
        return estimates
    estimates = dict(feed_repeats(connection, contacts))
    if estimates:
        estimates["*"] = RepeatEstimate(
            sum(estimate.contacts for estimate in estimates.values()),
            sum(estimate.repeats for estimate in estimates.values()),
            "feed",
        )
    return estimates


def _figures(
    counts: QueueCounts,
    legs: CallTotals,
    *,
    repeat: RepeatEstimate | None,
    scores: Surveys,
    now: float,
    occupancy: float | None,
) -> dict[str, object]:
    """One row of queue figures from the feed's counts and the softphones' connected legs."""
    limits = counts.thresholds
    level = definitions.service_level(
        counts.answered_within, counts.answered, counts.abandoned, counts.short_abandoned
    )
    if legs.complete:
        aht = definitions.average_handle_time(legs.handle_seconds, legs.complete)
        parts, aht_source, aht_calls = ["talk", "hold", "wrap_up"], "softphones", legs.complete
    elif counts.ended:
        aht = definitions.average_handle_time(counts.calltime, counts.ended)
        parts, aht_source, aht_calls = ["talk", "hold"], "feed", counts.ended
    else:
        aht, parts, aht_source, aht_calls = None, [], None, 0
    finals, resolved = legs.final_wrap_ups, legs.resolved
    csat, csat_n = definitions.csat(scores.csat)
    nps, nps_n = definitions.nps(scores.nps)
    ces, ces_n = definitions.ces(scores.ces)
    return {
        "queue": counts.queue,
        "offered": counts.offered,
        "answered": counts.answered,
        "abandoned": counts.abandoned,
        "short_abandoned": counts.short_abandoned,
        "timed_out": counts.timed_out,
        "exited_by_key": counts.exited_by_key,
        "exited_empty": counts.exited_empty,
        "transferred": counts.transferred,
        "calls_waiting": counts.waiting,
        "longest_wait_seconds": definitions.longest_wait(now, counts.oldest_waiting),
        "answered_within_threshold": counts.answered_within,
        "service_level_percent": level,
        "service_level_threshold_seconds": limits.service_level_seconds,
        "service_level_target_percent": limits.service_level_target_percent,
        "service_level_met": (
            None if level is None else level >= limits.service_level_target_percent
        ),
        "short_abandon_seconds": limits.short_abandon_seconds,
        "asa_seconds": definitions.average_speed_of_answer(counts.wait_answered, counts.answered),
        "abandonment_rate_percent": definitions.abandonment_rate(
            counts.abandoned, counts.short_abandoned, counts.offered
        ),
        "aht_seconds": aht,
        "aht_parts": parts,
        "aht_source": aht_source,
        "aht_calls": aht_calls,
        "occupancy_percent": occupancy,
        "fcr_percent": definitions.first_contact_resolution(resolved, finals),
        "fcr_resolved": resolved,
        "final_wrap_ups": finals,
        "fcr_estimate_percent": (
            definitions.repeat_caller_fcr_estimate(repeat.repeats, repeat.contacts)
            if repeat
            else None
        ),
        "fcr_estimate_contacts": repeat.contacts if repeat else 0,
        "fcr_estimate_source": repeat.source if repeat else None,
        "csat_percent": csat,
        "csat_responses": csat_n,
        "nps": nps,
        "nps_responses": nps_n,
        "ces": ces,
        "ces_responses": ces_n,
    }


def _unavailable(report: KpiReport) -> dict[str, str]:
    """Why each null KPI of the total is null."""
    sources, total = report.sources, report.total
    reasons: dict[str, str] = {}
    for key in _FEED_KPIS:
        if not sources["queue_feed"]:
            reasons[key] = NO_FEED
    for key in ("longest_wait_seconds", "service_level_percent", "asa_seconds",
                "abandonment_rate_percent"):  # fmt: skip
        if total[key] is None and key not in reasons:
            reasons[key] = "no call is waiting" if key == "longest_wait_seconds" else NOTHING
    if total["aht_seconds"] is None:
        reasons["aht_seconds"] = NOTHING
    elif total["aht_source"] == "feed":
        reasons["aht_wrap_up"] = FEED_AHT
    if total["occupancy_percent"] is None:
        reasons["occupancy_percent"] = NO_SOFTPHONES if not sources["softphones"] else NOTHING
    if total["fcr_percent"] is None:
        reasons["fcr_percent"] = NO_WRAP_UPS
    if total["fcr_estimate_percent"] is None:
        reasons["fcr_estimate_percent"] = "no answered call with a known caller in the window"
    for survey, key in (("CSAT", "csat_percent"), ("NPS", "nps"), ("CES", "ces")):
        if total[key] is None:
            reasons[key] = NO_SURVEYS.format(survey=survey)
    if not sources["softphones"]:
        reasons["agent_state"] = (
            "no softphone facts: agent states are read from the feed's member events"
            if sources["queue_feed"]
            else NO_SOFTPHONES
        )
        reasons["agent_occupancy_percent"] = NO_SOFTPHONES
    return reasons


def _round(value: object) -> object:
    return round(value, 3) if isinstance(value, float) else value


def to_json(report: KpiReport) -> dict[str, object]:
    """The report as the JSON object `supervisor report --format json` prints."""
    agents = []
    for agent in report.agents:
        row = {key: _round(value) for key, value in asdict(agent).items()}
        row["aht_parts"] = list(agent.aht_parts)
        row["state_since"] = (
            None if agent.state_since is None else format_instant(agent.state_since)
        )
        agents.append(row)
    return {
        "format": REPORT_FORMAT,
        "generated_at": format_instant(report.now),
        "window": {
            "from": format_instant(report.window.start),
            "to": format_instant(report.window.end),
        },
        "queue_filter": report.queue_filter,
        "sources": dict(report.sources),
        "total": {key: _round(report.total[key]) for key in QUEUE_KEYS},
        "queues": [{key: _round(row[key]) for key in QUEUE_KEYS} for row in report.queues],
        "agents": agents,
        "unavailable": dict(report.unavailable),
    }


def _cell(value: object) -> object:
    if isinstance(value, (list, tuple)):
        return "+".join(str(part) for part in value)
    if value is None:
        return ""
    return _round(value)


def to_csv(report: KpiReport, *, agents: bool = False) -> str:
    """The report as CSV: a `total` row then one row per queue; or, with `agents`, agent rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    window = [format_instant(report.window.start), format_instant(report.window.end)]
    if agents:
        data = to_json(report)["agents"]
        assert isinstance(data, list)
        writer.writerow(["from", "to", *AGENT_KEYS])
        for row in data:
            writer.writerow([*window, *(_cell(row[key]) for key in AGENT_KEYS)])
        return out.getvalue()
    writer.writerow(["from", "to", "scope", *QUEUE_KEYS])
    writer.writerow([*window, "total", *(_cell(report.total[key]) for key in QUEUE_KEYS)])
    for row in report.queues:
        writer.writerow([*window, "queue", *(_cell(row[key]) for key in QUEUE_KEYS)])
    return out.getvalue()
