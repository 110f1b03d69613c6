"""A random store, and every KPI worked out from it the plain way, for the cross-check tests.

`random_store` writes two days of queue feed and softphone facts around a
day boundary: answered, transferred (all three kinds), abandoned (short and
not), timed-out, key-exit and empty-exit calls, calls still waiting, lost,
or dropped by a QUEUESTART, calls that enter a queue twice, malformed
fields, member pauses with reasons, unanswered and outbound legs, wrap-ups
never made final, repeat callers, surveys, and timestamps shared by several
facts. Rows go in out of time order, as several writers would leave them.

`reference_report` reads every table whole and works each figure out with
plain loops, one call and one agent at a time, from the definitions
(DESIGN.md, the README's KPI table): no SQL aggregate, no index, no
shortcut. It is slow on purpose; the metrics package must agree with it.
"""

from __future__ import annotations

import random
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from supervisor.feeds.events import (
    CALL_END_EVENTS,
    MEMBER_EVENTS,
    MEMBER_STATE_AFTER,
    OUTCOME_EVENTS,
    TRANSFER_EVENTS,
    abandon_wait_field,
    calltime_field,
    seconds,
)
from supervisor.metrics import definitions
from supervisor.metrics.settings import MetricsSettings, QueueThresholds, Window
from supervisor.store import open_connection

D = 1_749_945_600.0  # 2025-06-15T00:00:00Z, the "today" of every random store
DAY = 86_400.0
WEEK = 7 * DAY
QUEUES = ("sales", "support", "billing")
SOFTPHONE_AGENTS = ("1000", "1001", "1002", "1003", "1004", "ada", "bob")
MEMBERS = ("PJSIP/1000", "PJSIP/1001", "Local/1002@agents", "Agent/1003", "PJSIP/1004",
           "PJSIP/2000", "PJSIP/1009", "SIP/3000")  # fmt: skip
ALIASES = {"PJSIP/2000": "ada"}  # 1009 and 3000 are members no softphone knows
SURVEYS = ("csat", "nps", "ces")
Row = tuple  # a row as SQLite returns it

# --- the random store --------------------------------------------------------------------


def random_store(path: Path, seed: int, *, feed: bool = True, softphones: bool = True) -> float:
    """Write a random store at `path`; return its "now" (during the day D)."""
    rng = random.Random(seed)
    now = D + rng.uniform(4 * 3600, 20 * 3600)
    connection = open_connection(path)
    connection.execute("BEGIN")
    if feed:
        _queue_feed(connection, _Clock(rng), now)
    if softphones:
        _softphones(connection, _Clock(rng), now)
    connection.execute("COMMIT")
    connection.close()
    return now


class _Clock:
    """Random times; now and then one already given, so that facts share a timestamp."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.given: list[float] = []

    def between(self, start: float, end: float) -> float:
        earlier = [value for value in self.given[-20:] if start <= value <= end]
        if earlier and self.rng.random() < 0.1:
            return self.rng.choice(earlier)
        value = self.rng.uniform(start, end)
        self.given.append(value)
        return value


def _queue_feed(connection: sqlite3.Connection, clock: _Clock, now: float) -> None:
    rng, rows = clock.rng, []
    for n in range(rng.randint(120, 220)):
        call = None if rng.random() < 0.02 else f"{1_749_000_000 + n}.{n}"
        queue = None if rng.random() < 0.03 else rng.choice(QUEUES)
        entered = clock.between(D - 2 * DAY, now + 600)
        for _ in range(2 if rng.random() < 0.1 else 1):  # sent back: enters a queue again
            left = _queue_call(rows, rng, now, call, queue, entered)
            entered = left + rng.uniform(0, 30)
            queue = rng.choice(QUEUES) if rng.random() < 0.3 else queue
    for _ in range(rng.randint(0, 2)):
        rows.append(_event(clock.between(D - DAY, now), None, None, None, "QUEUESTART"))
    rows.append(_event(clock.between(D - DAY, now), None, "sales", None, "CONFIGRELOAD"))
    rows.append(_event(clock.between(D - DAY, now), "v1", "sales", None, "DID", "5551000"))
    for member in MEMBERS:
        at = D - 2 * DAY
        for _ in range(rng.randint(0, 12)):
            at = clock.between(at, min(now + 300, at + 8 * 3600))
            names = MEMBER_EVENTS[:10] if rng.random() < 0.7 else ("PAUSE", "PAUSEALL")
            for _ in range(rng.choice((1, 1, 2, 3))):  # several at one instant: ids decide
                name = rng.choice(names)
                reason = rng.choice(("lunch", "training", None)) if "PAUSE" in name else None
                queue = None if name.endswith("ALL") else rng.choice(QUEUES)
                rows.append(_event(at, None, queue, member, name, reason))
    connection.executemany(
        "INSERT INTO queue_events (occurred_at, call_id, queue, agent, event, "
        "data1, data2, data3, data4, data5) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rng.sample(rows, len(rows)),
    )


def _event(
    at: float, call: str | None, queue: str | None, agent: str | None, name: str, *data: str | None
) -> Row:
    return (at, call, queue, agent, name, *data, *([None] * (5 - len(data))))


def _queue_call(
    rows: list[Row],
    rng: random.Random,
    now: float,
    call: str | None,
    queue: str | None,
    entered: float,
) -> float:
    """One entry into a queue and what followed; return when it left the queue."""
    caller = rng.choice([f"+1555{n:04d}" for n in range(60)] + ["", "anonymous", None])
    rows.append(_event(entered, call, queue, None, "ENTERQUEUE", "", caller, "1"))
    wait = rng.choice([0.0, 2.0, 4.9, 5.0, 12.0, 20.0, 20.5, 31.0, 75.0, 400.0])
    wait += rng.random() if rng.random() < 0.5 else 0.0
    shown = rng.choice([f"{wait:.0f}"] * 3 + ["", "x", "-3"])
    left = entered + wait + rng.choice([0.0, 0.0, 1.5])
    member, outcome = rng.choice(MEMBERS), rng.random()
    if rng.random() < 0.05:  # a second outcome logged in the same second: ids decide
        rows.append(_event(left, call, queue, None, "EXITEMPTY", "1", "1", shown))
    if outcome < 0.5:
        rows.append(_event(left, call, queue, member, "CONNECT", shown, "chan", "2"))
        talk = 0.0 if rng.random() < 0.1 else rng.uniform(5, 900)  # hung up at once
        _call_end(rows, rng, now, (call, queue, member), left + talk, shown)
    elif outcome < 0.86:
        name = ("ABANDON", "EXITWITHTIMEOUT", "EXITWITHKEY", "EXITEMPTY")[int(outcome * 10) - 5]
        data = ["1", "1", "1"] if name == "EXITWITHKEY" else ["1", "1"]
        rows.append(_event(left, call, queue, None, name, *data, shown))
    elif outcome < 0.9:
        rows.append(_event(left, call, queue, member, "RINGNOANSWER", "15000"))
    # else: no outcome at all: waiting, or lost, or dropped by a restart
    return left


def _call_end(
    rows: list[Row],
    rng: random.Random,
    now: float,
    who: tuple[str | None, str | None, str],
    ended: float,
    shown: str,
) -> None:
    call, queue, member = who
    talk = rng.choice([f"{ended % 900:.0f}"] * 6 + ["", "nan", "12|34"])
    end = rng.random()
    if end < 0.45:
        name = rng.choice(("COMPLETECALLER", "COMPLETEAGENT"))
        rows.append(_event(ended, call, queue, member, name, shown, talk, "1"))
    elif end < 0.6:
        name = rng.choice(("TRANSFER", "BLINDTRANSFER"))
        rows.append(_event(ended, call, queue, member, name, "2000", "ctx", shown, talk, "1"))
    elif end < 0.75:
        method = rng.choice(("BRIDGE", "APP", "LINK", "link"))
        data = (method, "chan", shown, talk, "1")
        if method.upper() == "LINK":
            data = (method, "chanA", "chanB", shown, f"{talk}|1")
        rows.append(_event(ended, call, queue, member, "ATTENDEDTRANSFER", *data))
    elif end < 0.85 and ended > now:
        pass  # still connected at "now"
    elif end < 0.9:  # two ends: the first counts
        rows.append(_event(ended, call, queue, member, "COMPLETECALLER", shown, talk, "1"))
        later = ended + rng.choice((0.0, 1.0))  # in the same second: ids decide
        rows.append(_event(later, call, queue, member, "COMPLETEAGENT", shown, "1", "1"))
    # else: the end never reached the feed


@dataclass
class _Facts:
    states: list[Row] = field(default_factory=list)
    calls: list[Row] = field(default_factory=list)
    answers: list[Row] = field(default_factory=list)
    ends: list[Row] = field(default_factory=list)
    wraps: list[Row] = field(default_factory=list)
    surveys: list[Row] = field(default_factory=list)


def _softphones(connection: sqlite3.Connection, clock: _Clock, now: float) -> None:
    rng, facts = clock.rng, _Facts()
    for agent in SOFTPHONE_AGENTS:
        if agent != "1004" or rng.random() < 0.5:  # 1004: sometimes in the feed only
            _agent_days(facts, clock, now, agent)
    for _ in range(8):  # scores for calls only the feed knows, or nobody knows
        n = rng.randint(0, 150)
        call_id = f"{1_749_000_000 + n}.{n}" if rng.random() < 0.8 else "unknown"
        facts.surveys.append((call_id, "csat", rng.randint(1, 5), rng.uniform(D - DAY, now)))
    for sql, rows in (
        (
            "INSERT INTO agent_state_changes (agent_id, state, reason, call_id, changed_at) "
            "VALUES (?, ?, ?, ?, ?)",
            rng.sample(facts.states, len(facts.states)),
        ),
        (
            "INSERT OR IGNORE INTO calls (call_id, agent_id, direction, queue, remote_party, "
            "ringing_at) VALUES (?, ?, ?, ?, ?, ?)",
            facts.calls,
        ),
        ("INSERT OR IGNORE INTO call_answers VALUES (?, ?, ?)", facts.answers),
        (
            "INSERT OR IGNORE INTO call_ends (call_id, agent_id, ended_at, end_reason, "
            "hold_seconds) VALUES (?, ?, ?, ?, ?)",
            facts.ends,
        ),
        (
            "INSERT OR IGNORE INTO wrap_ups (call_id, agent_id, outcome, mode, resolved, "
            "started_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            facts.wraps,
        ),
        (
            "INSERT INTO survey_scores (call_id, survey, score, answered_at) VALUES (?, ?, ?, ?)",
            facts.surveys,
        ),
    ):
        connection.executemany(sql, rows)


def _agent_days(facts: _Facts, clock: _Clock, now: float, agent: str) -> None:
    """One agent's states and calls, from some time two days ago to about `now`."""
    rng = clock.rng
    at = D - 2 * DAY + rng.uniform(0, DAY)
    facts.states.append((agent, "available", None, None, at))
    while at < now + (600 if agent == "bob" else -60):  # bob has facts after "now"
        at = clock.between(at, at + rng.expovariate(1 / 3600))
        pick = rng.random()
        if pick < 0.16:  # a pause, or a log-out
            state = "not_ready" if pick < 0.12 else "logged_out"
            reason = rng.choice(("lunch", "training", "meeting")) if pick < 0.12 else None
            facts.states.append((agent, state, reason, None, at))
            at += rng.uniform(60, 3600 if pick < 0.12 else 6 * 3600)
            facts.states.append((agent, "available", None, None, at))
        elif not _agent_call(facts, rng, now, agent, at):
            return  # still on that call at "now"
        else:
            at = max(fact[4] for fact in facts.states[-2:])


def _agent_call(facts: _Facts, rng: random.Random, now: float, agent: str, at: float) -> bool:
    """One leg ringing at `at`; False when the agent is still on it at `now`."""
    n = len(facts.calls) + 1
    call_id = f"sip-{n}" if rng.random() < 0.9 else f"sip-{max(1, n - 1)}"  # shared Call-IDs
    direction = "outbound" if rng.random() < 0.15 else "inbound"
    party = (
        None if rng.random() < 0.05 else rng.choice([f"+1555{k:04d}" for k in range(150)] + [""])
    )
    facts.calls.append((call_id, agent, direction, rng.choice((*QUEUES, None)), party, at))
    facts.states.append((agent, "ringing", None, call_id, at))
    if rng.random() < 0.15:  # never answered
        facts.states.append((agent, "available", None, None, at + rng.uniform(1, 30)))
        return True
    answered = at + rng.choice([0.0, rng.uniform(1, 20)])
    facts.answers.append((call_id, agent, answered))
    facts.states.append((agent, "on_call", None, call_id, answered))
    ended = answered + rng.uniform(10, 1200)
    if ended > now and rng.random() < 0.5:
        return False
    if direction == "inbound" and party and rng.random() < 0.3:
        _other_legs(facts, rng, agent, (call_id, party, at), ended)
    hold = rng.choice([0.0, 0.0, rng.uniform(0, (ended - answered) / 2)])
    facts.ends.append((call_id, agent, ended, "caller_hung_up", hold))
    facts.states.append((agent, "wrap_up", None, call_id, ended))
    finished = ended + rng.uniform(0, 120)
    if rng.random() < 0.85:  # else the wrap-up never became final
        resolved = rng.choice((0, 1, None))
        facts.wraps.append((call_id, agent, "submitted", "optional", resolved, ended, finished))
    facts.states.append((agent, "available", None, None, finished))
    for survey, low, top in (("csat", 1, 5), ("nps", 0, 10), ("ces", 1, 7)):
        if rng.random() < 0.2:
            score = rng.randint(low, top)
            facts.surveys.append((call_id, survey, score, finished + rng.uniform(0, 600)))
    return True


def _other_legs(
    facts: _Facts, rng: random.Random, agent: str, call: tuple[str, str, float], ended: float
) -> None:
    """Legs of the same caller at the edges of the repeat-caller estimate."""
    call_id, party, at = call
    other = rng.choice([name for name in SOFTPHONE_AGENTS if name != agent])
    pick = rng.random()
    if pick < 0.4:  # transferred: the same call, answered by another agent (not a repeat)
        leg = (call_id, other, "inbound", rng.choice(QUEUES), party, ended)
    elif pick < 0.7:  # another call rung at the same instant (not a repeat of each other)
        leg = (f"{call_id}-same-time", other, "inbound", rng.choice(QUEUES), party, at)
    else:  # a call exactly 7 days before (a repeat: the look-back includes its start)
        leg = (f"{call_id}-week", other, "inbound", rng.choice(QUEUES), party, at - WEEK)
    facts.calls.append(leg)
    facts.answers.append((leg[0], other, leg[5] + 2))


# --- the reference -----------------------------------------------------------------------


@dataclass
class _Queue:
    """What the feed says of one queue's calls offered in the window."""

    offered: int = 0
    answered: int = 0
    within: int = 0
    wait: float = 0.0
    abandoned: int = 0
    short: int = 0
    timed_out: int = 0
    by_key: int = 0
    empty: int = 0
    transferred: int = 0
    waiting: int = 0
    oldest: float | None = None
    ended: int = 0
    calltime: float = 0.0

    def add(self, other: _Queue) -> None:
        for name in (
            "offered",
            "answered",
            "within",
            "wait",
            "abandoned",
            "short",
            "timed_out",
            "by_key",
            "empty",
            "transferred",
            "waiting",
            "ended",
            "calltime",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        if other.oldest is not None and (self.oldest is None or other.oldest < self.oldest):
            self.oldest = other.oldest


@dataclass
class _Member:
    answered: int = 0
    ended: int = 0
    calltime: float = 0.0


@dataclass
class _Feed:
    """The feed's view of the window."""

    queues: dict[str | None, _Queue] = field(default_factory=dict)
    members: dict[str, _Member] = field(default_factory=dict)
    contacts: list[tuple[float, str, str | None]] = field(default_factory=list)
    calls: list[Row] = field(default_factory=list)  # the fields of each QueueCall


@dataclass
class Reference:
    """What the metrics must report: total and queue rows (QUEUE_KEYS), agent rows, facts."""

    total: dict[str, object]
    queues: list[dict[str, object]]
    agents: list[dict[str, object]]
    calls: list[Row]
    before: dict[str, str]
    changes: list[tuple[float, str, str]]


def reference_report(
    connection: sqlite3.Connection,
    window: Window,
    now: float,
    settings: MetricsSettings,
    queue: str | None = None,
) -> Reference:
    """Every figure of `compute_kpis`, the plain way."""
    events = connection.execute(
        "SELECT id, occurred_at, call_id, queue, agent, event, data1, data2, data3, data4, data5 "
        "FROM queue_events"
    ).fetchall()
    feed = _feed(events, window, now, settings, queue)
    legs = _legs(connection, window, queue)
    surveys = _surveys(connection, events, window, queue)
    repeats = _repeats(connection, events, legs, feed.contacts)
    agents, occupancy = _agents(
        connection, events, legs, feed.members, window, now, settings, queue
    )
    names = sorted(
        set(feed.queues) | {leg["queue"] for leg in legs if leg["queue"] is not None},
        key=lambda name: (name is None, name or ""),
    )
    if queue is not None:
        names = [queue]
    rows, total_counts = [], _Queue()
    for name in names:
        counts = feed.queues.get(name, _Queue())
        total_counts.add(counts)
        mine = [leg for leg in legs if leg["queue"] == name]
        scores = surveys.get(name, {"csat": [], "nps": [], "ces": []})
        limits = settings.thresholds(name)
        rows.append(_row(name, counts, limits, mine, repeats.get(name), scores, now, None))
    scores = {key: [s for bucket in surveys.values() for s in bucket[key]] for key in SURVEYS}
    total = _row(
        queue, total_counts, settings.default, legs, repeats.get("*"), scores, now, occupancy
    )
    if queue is not None:
        total = dict(rows[0], occupancy_percent=occupancy)
    before, changes = _history(connection, window, now)
    return Reference(total, rows, agents, feed.calls, before, changes)


def _first(rows: list[Row], queue: str | None, names: tuple[str, ...], at: float) -> Row | None:
    """The first of `rows` (by time, then id) in `queue`, named in `names`, at or after `at`."""
    found = [row for row in rows if row[3] == queue and row[5] in names and row[1] >= at]
    return min(found, key=lambda row: (row[1], row[0])) if found else None


def _feed(
    events: list[Row], window: Window, now: float, settings: MetricsSettings, queue: str | None
) -> _Feed:
    """Each call that entered a queue in the window: its outcome, its end, its counts."""
    by_call: dict[object, list[Row]] = defaultdict(list)
    for row in events:
        if row[2] is not None:
            by_call[row[2]].append(row)
    restarts = [row[1] for row in events if row[5] == "QUEUESTART" and row[1] <= now]
    restart = max(restarts) if restarts else None
    feed = _Feed()
    for entry in events:
        _, entered, call, name, _, kind = entry[:6]
        if kind != "ENTERQUEUE" or not window.start <= entered < window.end:
            continue
        if queue is not None and name != queue:
            continue
        counts = feed.queues.setdefault(name, _Queue())
        counts.offered += 1
        outcome = _first(by_call.get(call, []), name, OUTCOME_EVENTS, entered)
        if outcome is None:
            waiting = now - settings.stale_wait_seconds <= entered <= now and (
                restart is None or entered >= restart
            )
            counts.waiting += waiting
            if waiting and (counts.oldest is None or entered < counts.oldest):
                counts.oldest = entered
            feed.calls.append((name, entered, None, None, waiting, False, False))
            continue
        wait = _wait(outcome, entered)
        limits = settings.thresholds(name)
        if outcome[5] == "CONNECT":
            _connected(feed, counts, limits, entry, outcome, by_call.get(call, []), wait)
        else:
            _unanswered(counts, limits, outcome[5], wait)
        feed.calls.append(
            (
                name,
                entered,
                outcome[5],
                outcome[1],
                False,
                outcome[5] == "CONNECT" and wait <= limits.service_level_seconds,
                outcome[5] == "ABANDON" and wait < limits.short_abandon_seconds,
            )
        )
    if queue is not None:
        feed.queues.setdefault(queue, _Queue())
    return feed


def _wait(outcome: Row, entered: float) -> float:
    number = 1 if outcome[5] == "CONNECT" else abandon_wait_field(outcome[5])
    raw = outcome[5 + number]
    shown = seconds(raw if isinstance(raw, str) else None)
    return max(0.0, outcome[1] - entered) if shown is None else shown


def _connected(
    feed: _Feed,
    counts: _Queue,
    limits: QueueThresholds,
    entry: Row,
    outcome: Row,
    mine: list[Row],
    wait: float,
) -> None:
    name, member = entry[3], outcome[4]
    counts.answered += 1
    counts.wait += wait
    counts.within += wait <= limits.service_level_seconds
    if isinstance(member, str):
        feed.members.setdefault(member, _Member()).answered += 1
    if entry[7]:
        feed.contacts.append((entry[1], entry[7], name))
    end = _first(mine, name, CALL_END_EVENTS, outcome[1])
    if end is None:
        return
    counts.transferred += end[5] in TRANSFER_EVENTS
    data1 = end[6] if isinstance(end[6], str) else None
    raw = end[5 + calltime_field(end[5], data1)]
    talk = seconds(raw if isinstance(raw, str) else None)
    if talk is None:
        return
    counts.ended += 1
    counts.calltime += talk
    if isinstance(member, str):
        feed.members[member].ended += 1
        feed.members[member].calltime += talk


def _unanswered(counts: _Queue, limits: QueueThresholds, kind: str, wait: float) -> None:
    if kind == "ABANDON":
        counts.abandoned += 1
        counts.short += wait < limits.short_abandon_seconds
    elif kind == "EXITWITHTIMEOUT":
        counts.timed_out += 1
    elif kind == "EXITWITHKEY":
        counts.by_key += 1
    else:
        counts.empty += 1


def _legs(connection: sqlite3.Connection, window: Window, queue: str | None) -> list[dict]:
    """The softphones' connected legs that began ringing in the window, from the facts."""

    def table(sql: str) -> dict[tuple[str, str], Row]:
        return {(row[0], row[1]): row[2:] for row in connection.execute(sql)}

    answers = table("SELECT call_id, agent_id, answered_at FROM call_answers")
    ends = table("SELECT call_id, agent_id, ended_at, hold_seconds FROM call_ends")
    wraps = table("SELECT call_id, agent_id, started_at, finished_at, resolved FROM wrap_ups")
    legs = []
    for call_id, agent, direction, name, party, ringing in connection.execute(
        "SELECT call_id, agent_id, direction, queue, remote_party, ringing_at FROM calls"
    ):
        key = (call_id, agent)
        if key not in answers or not window.start <= ringing < window.end:
            continue
        if queue is not None and name != queue:
            continue
        ended, hold = ends.get(key, (None, None))
        wrap = wraps.get(key)
        legs.append(
            {
                "call_id": call_id,
                "agent": agent,
                "direction": direction,
                "queue": name,
                "party": party,
                "ringing": ringing,
                "answered": answers[key][0],
                "ended": ended,
                "hold": hold or 0.0,
                "wrap": None if wrap is None else wrap[1] - wrap[0],
                "resolved": None if wrap is None or wrap[2] is None else bool(wrap[2]),
                "final": wrap is not None,
            }
        )
    return legs


def _surveys(
    connection: sqlite3.Connection, events: list[Row], window: Window, queue: str | None
) -> dict[str | None, dict[str, list[int]]]:
    """Scores answered in the window, by the queue of their call: its first leg (by agent)
    that came through a queue, else its first entry into a queue in the feed."""
    calls = connection.execute("SELECT call_id, agent_id, queue FROM calls").fetchall()
    result: dict[str | None, dict[str, list[int]]] = {}
    for call_id, survey, score, answered in connection.execute(
        "SELECT call_id, survey, score, answered_at FROM survey_scores"
    ):
        if not window.start <= answered < window.end:
            continue
        legs = sorted(
            (agent, name) for call, agent, name in calls if call == call_id and name is not None
        )
        entries = sorted(
            (row[0], row[3]) for row in events if row[2] == call_id and row[5] == "ENTERQUEUE"
        )
        name = legs[0][1] if legs else entries[0][1] if entries else None
        result.setdefault(name, {key: [] for key in SURVEYS})[survey].append(score)
    if queue is not None:
        result = {queue: result.get(queue, {key: [] for key in SURVEYS})}
    return result


def _repeats(
    connection: sqlite3.Connection,
    events: list[Row],
    legs: list[dict],
    contacts: list[tuple[float, str, str | None]],
) -> dict:
    """(contacts, repeats, source) per queue and under "*": the softphones', else the feed's."""
    mine = [leg for leg in legs if leg["direction"] == "inbound" and leg["party"]]
    if not mine:
        return _feed_repeats(events, contacts)
    answered = {(row[0], row[1]) for row in connection.execute("SELECT * FROM call_answers")}
    calls = connection.execute(
        "SELECT call_id, agent_id, direction, remote_party, ringing_at FROM calls"
    ).fetchall()
    tallies: dict[str | None, list[int]] = {}
    for leg in mine:
        repeat = any(
            party == leg["party"]
            and direction == "inbound"
            and (call_id, agent) in answered
            and leg["ringing"] - WEEK <= ringing < leg["ringing"]
            and call_id != leg["call_id"]
            for call_id, agent, direction, party, ringing in calls
        )
        tally = tallies.setdefault(leg["queue"], [0, 0])
        tally[0] += 1
        tally[1] += repeat
    inbound = {leg["queue"] for leg in legs if leg["direction"] == "inbound"}
    result = {name: (*tallies.get(name, [0, 0]), "softphones") for name in inbound if name}
    result["*"] = (
        sum(n for n, _ in tallies.values()),
        sum(r for _, r in tallies.values()),
        "softphones",
    )
    return result


def _feed_repeats(events: list[Row], contacts: list[tuple[float, str, str | None]]) -> dict:
    if not contacts:
        return {}
    connected = {row[2] for row in events if row[5] == "CONNECT" and row[2] is not None}
    earliest = min(at for at, _, _ in contacts)
    latest = max(at for at, _, _ in contacts)
    seen = [
        (row[7], row[1])
        for row in events
        if row[5] == "ENTERQUEUE" and earliest - WEEK <= row[1] < latest and row[2] in connected
    ]
    tallies: dict[str | None, list[int]] = {}
    for at, caller, name in contacts:
        tally = tallies.setdefault(name, [0, 0])
        tally[0] += 1
        tally[1] += any(who == caller and at - WEEK <= then < at for who, then in seen)
    result: dict = {name: (n, r, "feed") for name, (n, r) in tallies.items()}
    result["*"] = (sum(n for n, _ in tallies.values()), sum(r for _, r in tallies.values()), "feed")
    return result


def _row(
    name: str | None,
    counts: _Queue,
    limits: QueueThresholds,
    legs: list[dict],
    repeat: tuple | None,
    scores: dict[str, list[int]],
    now: float,
    occupancy: float | None,
) -> dict[str, object]:
    """One row of QUEUE_KEYS."""
    level = definitions.service_level(
        counts.within, counts.answered, counts.abandoned, counts.short
    )
    handled = [
        (leg["ended"] - leg["answered"]) + leg["wrap"]
        for leg in legs
        if leg["direction"] == "inbound" and leg["ended"] is not None and leg["wrap"] is not None
    ]
    aht: tuple = (None, [], None, 0)
    if handled:
        aht = (sum(handled) / len(handled), ["talk", "hold", "wrap_up"], "softphones", len(handled))
    elif counts.ended:
        aht = (counts.calltime / counts.ended, ["talk", "hold"], "feed", counts.ended)
    finals = [leg for leg in legs if leg["final"]]
    resolved = sum(1 for leg in finals if leg["resolved"])
    contacts = repeat[0] if repeat else 0
    return {
        "queue": name,
        "offered": counts.offered,
        "answered": counts.answered,
        "abandoned": counts.abandoned,
        "short_abandoned": counts.short,
        "timed_out": counts.timed_out,
        "exited_by_key": counts.by_key,
        "exited_empty": counts.empty,
        "transferred": counts.transferred,
        "calls_waiting": counts.waiting,
        "longest_wait_seconds": None if counts.oldest is None else max(0.0, now - counts.oldest),
        "answered_within_threshold": counts.within,
        "service_level_percent": level,
        "service_level_threshold_seconds": limits.service_level_seconds,
        "service_level_target_percent": limits.service_level_target_percent,
        "service_level_met": None
        if level is None
        else (level >= limits.service_level_target_percent),
        "short_abandon_seconds": limits.short_abandon_seconds,
        "asa_seconds": counts.wait / counts.answered if counts.answered else None,
        "abandonment_rate_percent": (
            100.0 * (counts.abandoned - counts.short) / (counts.offered - counts.short)
            if counts.offered > counts.short
            else None
        ),
        "aht_seconds": aht[0],
        "aht_parts": aht[1],
        "aht_source": aht[2],
        "aht_calls": aht[3],
        "occupancy_percent": occupancy,
        "fcr_percent": 100.0 * resolved / len(finals) if finals else None,
        "fcr_resolved": resolved,
        "final_wrap_ups": len(finals),
        "fcr_estimate_percent": (
            100.0 * (contacts - repeat[1]) / contacts if repeat and contacts else None
        ),
        "fcr_estimate_contacts": contacts,
        "fcr_estimate_source": repeat[2] if repeat else None,
        "csat_percent": definitions.csat(scores["csat"])[0],
        "csat_responses": len(scores["csat"]),
        "nps": definitions.nps(scores["nps"])[0],
        "nps_responses": len(scores["nps"]),
        "ces": definitions.ces(scores["ces"])[0],
        "ces_responses": len(scores["ces"]),
    }


def _history(connection: sqlite3.Connection, window: Window, now: float) -> tuple[dict, list]:
    """Each agent's state at the window's start, and the changes from then to min(end, now)."""
    until = max(window.start, min(window.end, now))
    changes = sorted(
        connection.execute("SELECT changed_at, id, agent_id, state FROM agent_state_changes")
    )
    before = {agent: state for at, _, agent, state in changes if at < window.start}
    inside = [(at, agent, state) for at, _, agent, state in changes if window.start <= at < until]
    return before, inside


def _seconds(
    before: dict[str, str], changes: list[tuple[float, str, str]], start: float, until: float
) -> dict[str, dict[str, float]]:
    """Per agent, per state: seconds within [start, until), one agent at a time."""
    spent: dict[str, dict[str, float]] = {}
    if until <= start:
        return spent
    for agent in set(before) | {agent for _, agent, _ in changes}:
        state, since, totals = before.get(agent, "logged_out"), start, {}
        for at, who, next_state in changes:
            if who == agent:
                totals[state] = totals.get(state, 0.0) + (at - since)
                state, since = next_state, at
        totals[state] = totals.get(state, 0.0) + (until - since)
        spent[agent] = totals
    return spent


def _member_states(events: list[Row], now: float) -> dict[str, tuple[str, float, str | None]]:
    """Each member's state after its member events of the last day, and since when."""
    states: dict[str, tuple[str, float, str | None]] = {}
    for at, _, member, kind, data1 in sorted(
        (row[1], row[0], row[4], row[5], row[6])
        for row in events
        if row[5] in MEMBER_EVENTS and now - DAY <= row[1] <= now and row[4] is not None
    ):
        state = MEMBER_STATE_AFTER[kind]
        if member not in states or states[member][0] != state:
            states[member] = (state, at, data1 if state == "not_ready" else None)
    return states


def _agents(
    connection: sqlite3.Connection,
    events: list[Row],
    legs: list[dict],
    members: dict[str, _Member],
    window: Window,
    now: float,
    settings: MetricsSettings,
    queue: str | None,
) -> tuple[list[dict[str, object]], float | None]:
    """Every agent's row, and the team's occupancy."""
    latest = {
        row[2]: row
        for row in sorted(
            connection.execute(
                "SELECT changed_at, id, agent_id, state, reason FROM agent_state_changes"
            )
        )
    }
    feed_states = _member_states(events, now)
    members = dict(members)
    if queue is None:
        for member, (state, _, _) in feed_states.items():
            if state != "logged_out":
                members.setdefault(member, _Member())

    def agent_of(member: str) -> str:
        if member in settings.agent_aliases:
            return settings.agent_aliases[member]
        extension = member.split("/", 1)[-1].split("@", 1)[0]
        return member if member in latest or extension not in latest else extension

    wanted = {leg["agent"] for leg in legs} | {
        agent_of(member) for member in members if agent_of(member) in latest
    }
    if queue is None:
        wanted |= {agent for agent, row in latest.items() if row[3] != "logged_out"}
    until = max(window.start, min(window.end, now))
    spent = _seconds(*_history(connection, window, now), window.start, until)
    rows = {
        agent: _softphone_row(agent, latest.get(agent), legs, spent.get(agent, {}), now)
        for agent in sorted(wanted)
    }
    for member, counts in sorted(members.items()):
        row = rows.setdefault(agent_of(member), _agent_row(agent_of(member), "feed"))
        row["source"] = "both" if row["source"] == "softphone" else row["source"]
        row["feed_members"].append(member)
        row["queue_calls_answered"] += counts.answered
        row["queue_calltime_seconds"] += counts.calltime
        if row["source"] == "feed":
            _feed_row(row, counts, feed_states.get(member), now)
    softphone = [rows[agent] for agent in sorted(rows) if rows[agent]["source"] != "feed"]
    occupancy = None
    if latest:
        occupancy = definitions.occupancy(
            sum(row["busy_seconds"] for row in softphone),
            sum(row["available_seconds"] for row in softphone),
        )
    return [rows[agent] for agent in sorted(rows)], occupancy


def _softphone_row(
    agent: str, current: Row | None, legs: list[dict], spent: dict[str, float], now: float
) -> dict[str, object]:
    row = _agent_row(agent, "softphone")
    if current is not None:
        row.update(
            state=current[3],
            state_reason=current[4],
            state_since=current[0],
            time_in_state_seconds=max(0.0, now - current[0]),
        )
    handled = [
        leg
        for leg in legs
        if leg["agent"] == agent and leg["direction"] == "inbound" and leg["ended"] is not None
    ]
    complete = [leg for leg in handled if leg["wrap"] is not None]
    talk = hold = wrap = 0.0
    for leg in complete:
        hold += leg["hold"]
        talk += leg["ended"] - leg["answered"] - leg["hold"]
        wrap += leg["wrap"]
    row.update(
        calls_handled=len(handled), talk_seconds=talk, hold_seconds=hold, wrap_up_seconds=wrap
    )
    if complete:
        row.update(
            aht_seconds=(talk + hold + wrap) / len(complete), aht_parts=("talk", "hold", "wrap_up")
        )
    busy = spent.get("on_call", 0.0) + spent.get("wrap_up", 0.0)
    available = spent.get("available", 0.0)
    row.update(busy_seconds=busy, available_seconds=available)
    if current is not None:
        row["occupancy_percent"] = definitions.occupancy(busy, available)
    return row


def _feed_row(
    row: dict[str, object], counts: _Member, state: tuple[str, float, str | None] | None, now: float
) -> None:
    row.update(
        calls_handled=counts.ended,
        talk_seconds=counts.calltime,
        aht_seconds=counts.calltime / counts.ended if counts.ended else None,
        aht_parts=("talk", "hold") if counts.ended else (),
    )
    if state is not None:
        row.update(
            state=state[0],
            state_since=state[1],
            state_reason=state[2],
            time_in_state_seconds=max(0.0, now - state[1]),
        )


def _agent_row(agent: str, source: str) -> dict[str, object]:
    return {
        "agent_id": agent, "source": source, "feed_members": [], "state": None,
        "state_reason": None, "state_since": None, "time_in_state_seconds": None,
        "calls_handled": 0, "aht_seconds": None, "aht_parts": (), "talk_seconds": 0.0,
        "hold_seconds": 0.0, "wrap_up_seconds": 0.0, "busy_seconds": 0.0,
        "available_seconds": 0.0, "occupancy_percent": None, "queue_calls_answered": 0,
        "queue_calltime_seconds": 0.0,
    }  # fmt: skip
