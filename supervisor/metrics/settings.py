"""Per-queue thresholds, the window a report covers, and how feed members map to agents."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from pathlib import Path


@dataclass(frozen=True)
class QueueThresholds:
    """The service-level goal of a queue (DESIGN.md defaults: 80 % within 20 s, short < 5 s)."""

    service_level_seconds: float = 20.0  # T: answered within this wait counts as in service
    service_level_target_percent: float = 80.0  # the goal for the service level
    short_abandon_seconds: float = 5.0  # abandons that waited less are "short"

    def __post_init__(self) -> None:
        for name in ("service_level_seconds", "service_level_target_percent",
                     "short_abandon_seconds"):  # fmt: skip
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"{name}: expected a number, got {value!r}")
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"{name}: expected a number of at least 0, got {value!r}")
        if self.service_level_target_percent > 100:
            raise ValueError("service_level_target_percent: at most 100")


@dataclass(frozen=True)
class MetricsSettings:
    """Thresholds (a default and per queue) and the feed-member to agent-id aliases."""

    default: QueueThresholds = field(default_factory=QueueThresholds)
    queues: Mapping[str, QueueThresholds] = field(default_factory=dict)
    # queue_log member name (e.g. "PJSIP/1001") -> softphone agent id, where the
    # default match (the member itself, or its extension "1001") is not enough.
    agent_aliases: Mapping[str, str] = field(default_factory=dict)
    # A call with no outcome after this long is lost (its outcome never reached the
    # feed), not waiting: without a limit one lost line would grow "longest wait" forever.
    stale_wait_seconds: float = 86_400.0

    def thresholds(self, queue: str | None) -> QueueThresholds:
        """The thresholds of `queue`, or the default ones."""
        return self.queues.get(queue, self.default) if queue is not None else self.default


class SettingsError(ValueError):
    """A thresholds file that cannot be used; the message names the file and the key."""


def load_settings(path: Path) -> MetricsSettings:
    """Read a thresholds file (JSON).

    {"default": {"service_level_seconds": 20, "service_level_target_percent": 80,
                 "short_abandon_seconds": 5},
     "queues": {"sales": {"service_level_seconds": 30}},
     "agent_aliases": {"PJSIP/1001": "ada"}}

    A queue's missing keys come from "default".
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SettingsError(f"{path}: cannot be read as JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise SettingsError(f"{path}: expected a JSON object")
    unknown = set(data) - {"default", "queues", "agent_aliases"}
    if unknown:
        raise SettingsError(f"{path}: unknown key(s) {', '.join(sorted(unknown))}")
    default = _thresholds(path, "default", data.get("default", {}), QueueThresholds())
    queues_data = data.get("queues", {})
    if not isinstance(queues_data, dict):
        raise SettingsError(f"{path}: 'queues' must be an object of queue name to thresholds")
    queues = {
        str(name): _thresholds(path, f"queues.{name}", value, default)
        for name, value in queues_data.items()
    }
    aliases = data.get("agent_aliases", {})
    if not isinstance(aliases, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in aliases.items()
    ):
        raise SettingsError(f"{path}: 'agent_aliases' must map member names to agent ids")
    return MetricsSettings(default, queues, aliases)


def _thresholds(path: Path, where: str, value: object, base: QueueThresholds) -> QueueThresholds:
    if not isinstance(value, dict):
        raise SettingsError(f"{path}: '{where}' must be an object")
    known = {"service_level_seconds", "service_level_target_percent", "short_abandon_seconds"}
    unknown = set(value) - known
    if unknown:
        raise SettingsError(f"{path}: '{where}' has unknown key(s) {', '.join(sorted(unknown))}")
    merged = {name: value.get(name, getattr(base, name)) for name in sorted(known)}
    try:
        return QueueThresholds(**merged)
    except ValueError as exc:
        raise SettingsError(f"{path}: '{where}.{exc}") from exc


@dataclass(frozen=True)
class Window:
    """The half-open time range [start, end) of a report, UTC epoch seconds.

    A call belongs to the window in which it entered the queue (or, for the
    softphones' facts, began ringing at an agent).
    """

    start: float
    end: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.start) and math.isfinite(self.end)):
            raise ValueError("a window needs finite bounds")
        if self.end <= self.start:
            raise ValueError("a window ends after it starts")

    @classmethod
    def today(cls, now: float, zone: tzinfo) -> Window:
        """From the last local midnight in `zone` to `now`."""
        local = datetime.fromtimestamp(now, tz=zone)
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()
        return cls(midnight, max(now, midnight + 1e-6))

    @classmethod
    def last(cls, minutes: float, now: float) -> Window:
        """The last `minutes` minutes up to `now` (15, 30 and 60 on the wallboard)."""
        return cls(now - minutes * 60.0, now)

    @classmethod
    def day(cls, year: int, month: int, day: int, zone: tzinfo) -> Window:
        """One local calendar day in `zone` (23 or 25 hours when the clocks change)."""
        first = datetime(year, month, day, tzinfo=zone)
        following = (first + timedelta(days=1)).replace(tzinfo=zone)
        return cls(first.timestamp(), following.timestamp())

    @property
    def seconds(self) -> float:
        """The window's length."""
        return self.end - self.start
