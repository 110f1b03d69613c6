"""How the wallboard judges a figure: OK, Watch or Alert, against a queue's thresholds.

The service-level figures follow the queue's `QueueThresholds` (T and the
target); the others follow `TileLimits`, whose defaults are common
call-centre goals. A figure with nothing to measure is judged `NONE`.

| figure | OK | Watch | Alert |
|---|---|---|---|
| service level | >= target | >= target - 10 points | below |
| longest wait | <= T | <= 3 T | above |
| ASA | <= T | <= 2 T | above |
| calls waiting | <= 2 | <= 5 | above |
| abandonment rate | <= 5 % | <= 10 % | above |
| AHT | <= 6 min | <= 8 min | above |
| FCR | >= 75 % | >= 65 % | below |
| CSAT | >= 85 % | >= 75 % | below |
| agents available | >= 1, or none needed | 0 with no call waiting | 0 with calls waiting |
| agents in wrap-up, not ready | <= 20 % of logged-in agents | <= 35 % | above |

Agents on a call are counted, not judged (`INFO`). In the agent grid a
state held too long is Watch, then Alert (`AgentStateLimits`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

from supervisor.metrics.settings import QueueThresholds


class Level(Enum):
    """A figure's judgement; the wallboard shows each with a colour and a word."""

    OK = "ok"
    WATCH = "watch"
    ALERT = "alert"
    INFO = "info"  # counted, not judged
    NONE = "none"  # nothing to measure


@dataclass(frozen=True)
class TileLimits:
    """The (watch, alert) limits of the figures QueueThresholds does not cover."""

    calls_waiting: tuple[float, float] = (2, 5)  # above the first: watch; above the second: alert
    abandonment_rate_percent: tuple[float, float] = (5.0, 10.0)
    aht_seconds: tuple[float, float] = (360.0, 480.0)
    fcr_percent: tuple[float, float] = (75.0, 65.0)  # below the first: watch; below the second
    csat_percent: tuple[float, float] = (85.0, 75.0)
    agents_share_percent: tuple[float, float] = (20.0, 35.0)  # wrap-up and not ready


def _at_most(value: float, limits: tuple[float, float]) -> Level:
    if value <= limits[0]:
        return Level.OK
    return Level.WATCH if value <= limits[1] else Level.ALERT


def _at_least(value: float, limits: tuple[float, float]) -> Level:
    if value >= limits[0]:
        return Level.OK
    return Level.WATCH if value >= limits[1] else Level.ALERT


def judge(
    key: str,
    value: float | None,
    thresholds: QueueThresholds,
    limits: TileLimits | None = None,
) -> Level:
    """The level of one queue figure (a key of `supervisor report`'s `total`)."""
    limits = limits or TileLimits()
    if key == "longest_wait_seconds" and value is None:
        return Level.OK  # no call is waiting
    if value is None:
        return Level.NONE
    seconds = thresholds.service_level_seconds
    target = thresholds.service_level_target_percent
    rules = {
        "service_level_percent": lambda: _at_least(value, (target, target - 10.0)),
        "longest_wait_seconds": lambda: _at_most(value, (seconds, 3 * seconds)),
        "asa_seconds": lambda: _at_most(value, (seconds, 2 * seconds)),
        "calls_waiting": lambda: _at_most(value, limits.calls_waiting),
        "abandonment_rate_percent": lambda: _at_most(value, limits.abandonment_rate_percent),
        "aht_seconds": lambda: _at_most(value, limits.aht_seconds),
        "fcr_percent": lambda: _at_least(value, limits.fcr_percent),
        "csat_percent": lambda: _at_least(value, limits.csat_percent),
    }
    rule = rules.get(key)
    return Level.INFO if rule is None else rule()


@dataclass(frozen=True)
class AgentCounts:
    """How many agents are in each state now (logged-out agents are not counted)."""

    available: int = 0
    on_call: int = 0  # ringing counts here: the agent is taken
    wrap_up: int = 0
    not_ready: int = 0

    @property
    def logged_in(self) -> int:
        """Agents in any state but logged out."""
        return self.available + self.on_call + self.wrap_up + self.not_ready


def count_agents(states: Mapping[str, str | None]) -> AgentCounts:
    """Agent id -> current state, counted per tile."""
    tally = {"available": 0, "on_call": 0, "wrap_up": 0, "not_ready": 0}
    for state in states.values():
        key = "on_call" if state == "ringing" else state
        if key in tally:
            tally[key] += 1
    return AgentCounts(**tally)


def judge_agents(
    counts: AgentCounts, calls_waiting: int, limits: TileLimits | None = None
) -> dict[str, Level]:
    """Levels of the four agent tiles: available, on_call, wrap_up, not_ready."""
    limits = limits or TileLimits()
    if counts.available > 0:
        available = Level.OK
    else:
        available = Level.ALERT if calls_waiting > 0 else Level.WATCH
    levels = {"available": available, "on_call": Level.INFO}
    for state, number in (("wrap_up", counts.wrap_up), ("not_ready", counts.not_ready)):
        if counts.logged_in == 0:
            levels[state] = Level.NONE
        else:
            share = 100.0 * number / counts.logged_in
            levels[state] = _at_most(share, limits.agents_share_percent)
    return levels


@dataclass(frozen=True)
class AgentStateLimits:
    """Seconds in a state after which the agent grid shows Watch, then Alert."""

    limits: Mapping[str, tuple[float, float]] = field(
        default_factory=lambda: {
            "ringing": (20.0, 40.0),
            "on_call": (600.0, 1200.0),
            "wrap_up": (120.0, 300.0),
            "not_ready": (600.0, 1200.0),
        }
    )

    def judge(self, state: str | None, seconds: float | None) -> Level:
        """OK, or Watch / Alert for a state held longer than its limits."""
        limit = self.limits.get(state or "")
        if limit is None or seconds is None:
            return Level.OK
        return _at_most(seconds, limit)
