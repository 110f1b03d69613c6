"""A busy call center for the wallboard's benchmark and screenshots, one refresh a second.

`BusyCallCenter(agents=500).refresh()` gives the `Wallboard` a refresh would
deliver, then the clock moves on one second. What changes from one refresh to
the next is what changes in a real one: every agent's time in state; a state
change for about one agent in 240 each second (a state lasts four minutes on
average, ringing a few seconds), with the calls handled counted as wrap-ups
end; calls entering and
leaving the queue; the tiles' figures drifting; the last sample of each
series, and a new sample and interval when a quarter hour passes. The day
starts at midnight UTC; the first refresh is at 14:14:30, so a run of a
minute crosses 14:15. With `last_minutes=15` the window is the last 15
minutes instead, sampled a minute apart from its start, so every point of
the charts moves each second.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timezone

from supervisor.metrics import AgentFigures, KpiReport, Window
from supervisor.metrics.series import (
    CHARTED_STATES,
    QUARTER_HOUR,
    IntervalCounts,
    Wallboard,
    WallboardSeries,
    quarter_hours,
    sample_times,
)

MIDNIGHT = 1_749_945_600.0  # 2025-06-15T00:00:00Z
FIRST_REFRESH = MIDNIGHT + 14 * 3600 + 14 * 60 + 30
NEXT = {
    "available": ("ringing",),
    "ringing": ("on_call",),
    "on_call": ("wrap_up",),
    "wrap_up": ("available", "available", "available", "not_ready"),
    "not_ready": ("available",),
}
REASONS = ("break", "lunch", "training", "team meeting", "coaching")
CHANGES_PER_SECOND = 1 / 240  # per agent
RINGS_PER_SECOND = 1 / 8  # a ringing agent answers within seconds
SHARES = {"available": 0.2, "ringing": 0.04, "on_call": 0.46, "wrap_up": 0.12, "not_ready": 0.18}
ARRIVALS_PER_SECOND = 0.12


@dataclass
class _Agent:
    agent_id: str
    state: str
    reason: str | None
    since: float
    calls: int
    aht: float


class BusyCallCenter:
    """Agents and queue figures that move on one second per `refresh()`."""

    def __init__(
        self,
        agents: int = 500,
        seed: int = 5,
        now: float = FIRST_REFRESH,
        last_minutes: int | None = None,
    ) -> None:
        self.rng = random.Random(seed)
        self.now = now
        self.last_minutes = last_minutes  # None: today; else the last N minutes, per minute
        self.agents = [self._agent(n) for n in range(agents)]
        quarters = int((now - MIDNIGHT) // QUARTER_HOUR) + 1
        self.offered = [self.rng.randrange(40, 200) for _ in range(quarters - 1)] + [0]
        self.answered = [int(n * self.rng.uniform(0.75, 0.95)) for n in self.offered]
        self.abandoned = [int(n * self.rng.uniform(0.02, 0.08)) for n in self.offered]
        self.waiting_history = [self.rng.randrange(0, 20) for _ in range(quarters)]
        self.level_history = [self.rng.uniform(60, 95) for _ in range(quarters)]
        self.state_history: dict[str, list[int]] = {state: [] for state in CHARTED_STATES}
        for _ in range(quarters):
            shares = {state: SHARES[state] * self.rng.uniform(0.7, 1.3) for state in SHARES}
            whole = sum(shares.values())
            for state in CHARTED_STATES:
                self.state_history[state].append(int(len(self.agents) * shares[state] / whole))
        self.waiting = 6
        self.longest_wait = 40.0
        self.level = 78.0

    def _agent(self, n: int) -> _Agent:
        state = self.rng.choices(list(SHARES), weights=list(SHARES.values()))[0]
        reason = self.rng.choice(REASONS) if state == "not_ready" else None
        mean = 1 / RINGS_PER_SECOND if state == "ringing" else 1 / CHANGES_PER_SECOND
        since = self.now - min(self.rng.expovariate(1 / mean), 3000)
        calls = self.rng.randrange(60)
        return _Agent(str(1001 + n), state, reason, since, calls, self.rng.uniform(180, 420))

    def refresh(self) -> Wallboard:
        """The refresh for the present second; then the clock moves on one second."""
        board = self._wallboard()
        self._tick()
        return board

    def _tick(self) -> None:
        rng = self.rng
        self.now += 1
        for agent in self.agents:
            rate = RINGS_PER_SECOND if agent.state == "ringing" else CHANGES_PER_SECOND
            if rng.random() < rate:
                agent.state = rng.choice(NEXT[agent.state])
                agent.reason = rng.choice(REASONS) if agent.state == "not_ready" else None
                agent.since = self.now
                if agent.state == "available":
                    agent.calls += 1
        quarter = int((self.now - MIDNIGHT) // QUARTER_HOUR)
        while quarter >= len(self.offered):  # a quarter hour passed: a new interval
            for series in (self.offered, self.answered, self.abandoned):
                series.append(0)
            self.waiting_history.append(self.waiting)
            self.level_history.append(self.level)
            for state, history in self.state_history.items():
                history.append(sum(agent.state == state for agent in self.agents))
        if rng.random() < ARRIVALS_PER_SECOND:
            self.offered[-1] += 1
            self.waiting += 1
        if self.waiting and rng.random() < ARRIVALS_PER_SECOND:
            self.waiting -= 1
            self.answered[-1] += 1
        self.longest_wait = self.longest_wait + 1 if self.waiting else 0.0
        self.level = min(100.0, max(0.0, self.level + rng.uniform(-0.05, 0.05)))

    def _wallboard(self) -> Wallboard:
        now = self.now
        window = Window(MIDNIGHT, now)
        agents = [
            AgentFigures(
                agent_id=agent.agent_id,
                source="softphone",
                state=agent.state,
                state_reason=agent.reason,
                state_since=agent.since,
                time_in_state_seconds=now - agent.since,
                calls_handled=agent.calls,
                aht_seconds=agent.aht,
            )
            for agent in self.agents
        ]
        total: dict[str, object] = {
            "queue": None,
            "calls_waiting": self.waiting,
            "longest_wait_seconds": self.longest_wait if self.waiting else None,
            "service_level_percent": self.level,
            "asa_seconds": 14.0 + self.waiting,
            "abandonment_rate_percent": 100.0 * sum(self.abandoned) / max(1, sum(self.offered)),
            "aht_seconds": 312.0,
            "fcr_percent": 74.0,
            "csat_percent": 86.0,
        }
        sources = {"queue_feed": True, "softphones": True, "surveys": True}
        current = {state: sum(a.state == state for a in self.agents) for state in CHARTED_STATES}
        if self.last_minutes is not None:
            window = Window(now - 60 * self.last_minutes, now)
            report = KpiReport(window, now, None, sources, total, [total], agents)
            return Wallboard(report, self._last_minutes_series(window, current))
        report = KpiReport(window, now, None, sources, total, [total], agents)
        samples = sample_times(MIDNIGHT, now, QUARTER_HOUR)
        series = WallboardSeries(
            sample_seconds=QUARTER_HOUR,
            intervals=IntervalCounts(
                [MIDNIGHT + n * QUARTER_HOUR for n in range(len(self.offered))],
                list(self.offered),
                list(self.answered),
                list(self.abandoned),
            ),
            samples=samples,
            calls_waiting=[*self.waiting_history[: len(samples) - 1], self.waiting],
            service_level=[*self.level_history[: len(samples) - 1], self.level],
            agent_states={
                state: [*history[: len(samples) - 1], current[state]]
                for state, history in self.state_history.items()
            },
        )
        return Wallboard(report, series)

    def _last_minutes_series(self, window: Window, current: dict[str, int]) -> WallboardSeries:
        """Samples a minute apart from the window's start: every one moves each second."""
        samples = sample_times(window.start, window.end, 60)
        past = [random.Random(int(t // 60)) for t in samples[:-1]]  # the same minute, the same
        quarters = quarter_hours(window.start, window.end, timezone.utc)
        first = int((quarters[0] - MIDNIGHT) // QUARTER_HOUR)
        shares = [
            {state: SHARES[state] * rng.uniform(0.7, 1.3) for state in SHARES} for rng in past
        ]
        return WallboardSeries(
            sample_seconds=60,
            intervals=IntervalCounts(
                quarters,
                self.offered[first : first + len(quarters)],
                self.answered[first : first + len(quarters)],
                self.abandoned[first : first + len(quarters)],
            ),
            samples=samples,
            calls_waiting=[*(rng.randrange(0, 20) for rng in past), self.waiting],
            service_level=[*(rng.uniform(60, 95) for rng in past), self.level],
            agent_states={
                state: [
                    *(int(len(self.agents) * one[state] / sum(one.values())) for one in shares),
                    current[state],
                ]
                for state in CHARTED_STATES
            },
        )
