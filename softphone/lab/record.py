"""The lab's own record of what happened, and the figures it implies.

Each caller leaves one JSON line when their call is over (`kind: "call"`);
each survey score a caller pressed leaves one (`kind: "survey"`). The
end-to-end test compares `summarize(...)` of this record with what the
supervisor computes from the queue_log and the store, so the formulas below
follow DESIGN.md's definitions, written out again independently.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class CallOutcome:
    """One caller's call, from arrival to the end (times in UTC epoch seconds)."""

    call_id: str  # the queue_log call id
    queue: str
    customer_id: str
    entered_at: float
    outcome: str  # answered or abandoned
    wait: float  # as written in the queue_log (CONNECT holdtime or ABANDON waittime)
    member: str | None = None  # the queue member who answered
    agent_id: str | None = None
    agent_call_id: str | None = None  # the agent leg's Call-ID (the store's call key)
    talk: float | None = None  # calltime as written in the queue_log
    ended_by: str | None = None  # caller, agent or transfer
    bot: bool = False  # a bot handled it (its facts are in the store)
    answered_at: float | None = None  # bots: as stored
    ended_at: float | None = None
    wrap_up_seconds: float | None = None
    resolved: bool | None = None
    disposition: str | None = None
    refused_by: tuple[str, ...] = ()  # members that let it ring out or refused it


@dataclass(frozen=True)
class SurveyPressed:
    """A caller pressed a score in the survey IVR."""

    call_id: str  # the agent leg's Call-ID
    score: int
    pressed_at: float


class LabRecord:
    """Appends the record as JSON lines, and keeps it in memory."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.calls: list[CallOutcome] = []
        self.surveys: list[SurveyPressed] = []
        self._file = self.path.open("a", encoding="utf-8") if self.path is not None else None

    def add_call(self, outcome: CallOutcome) -> None:
        """Record a finished call."""
        self.calls.append(outcome)
        self._write({"kind": "call", **asdict(outcome)})

    def add_survey(self, pressed: SurveyPressed) -> None:
        """Record a survey score a caller pressed."""
        self.surveys.append(pressed)
        self._write({"kind": "survey", **asdict(pressed)})

    def _write(self, data: dict[str, Any]) -> None:
        if self._file is not None:
            self._file.write(json.dumps(data) + "\n")
            self._file.flush()

    def close(self) -> None:
        """Close the file."""
        if self._file is not None:
            self._file.close()
            self._file = None


def read_record(path: str | os.PathLike[str]) -> tuple[list[CallOutcome], list[SurveyPressed]]:
    """Read a record file back."""
    calls: list[CallOutcome] = []
    surveys: list[SurveyPressed] = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        data = json.loads(line)
        kind = data.pop("kind")
        if kind == "call":
            data["refused_by"] = tuple(data.get("refused_by") or ())
            calls.append(CallOutcome(**data))
        elif kind == "survey":
            surveys.append(SurveyPressed(**data))
    return calls, surveys


def _percent(part: float, whole: float) -> float | None:
    return None if whole <= 0 else 100.0 * part / whole


def summarize(
    calls: Iterable[CallOutcome],
    surveys: Iterable[SurveyPressed] = (),
    *,
    service_level_seconds: float = 20.0,
    short_abandon_seconds: float = 5.0,
) -> dict[str, Any]:
    """The queue figures the record implies, keyed as `supervisor report` keys them."""
    calls = list(calls)
    answered = [c for c in calls if c.outcome == "answered"]
    abandoned = [c for c in calls if c.outcome == "abandoned"]
    short = [c for c in abandoned if c.wait < short_abandon_seconds]
    within = [c for c in answered if c.wait <= service_level_seconds]
    bot_handled = [c for c in answered if c.bot and c.wrap_up_seconds is not None]
    scores = [s.score for s in surveys]
    wrapped = [c for c in answered if c.bot and c.resolved is not None]
    return {
        "offered": len(calls),
        "answered": len(answered),
        "abandoned": len(abandoned),
        "short_abandoned": len(short),
        "transferred": sum(1 for c in answered if c.ended_by == "transfer"),
        "answered_within_threshold": len(within),
        "service_level_percent": _percent(len(within), len(answered) + len(abandoned) - len(short)),
        "asa_seconds": (sum(c.wait for c in answered) / len(answered)) if answered else None,
        "abandonment_rate_percent": _percent(len(abandoned) - len(short), len(calls) - len(short)),
        "aht_seconds": (
            sum(
                (c.ended_at or 0.0) - (c.answered_at or 0.0) + (c.wrap_up_seconds or 0.0)
                for c in bot_handled
            )
            / len(bot_handled)
            if bot_handled
            else None
        ),
        "fcr_percent": _percent(sum(1 for c in wrapped if c.resolved), len(wrapped)),
        "csat_percent": _percent(sum(1 for s in scores if s >= 4), len(scores)),
        "csat_responses": len(scores),
        "by_member": _by_member(answered),
    }


def _by_member(answered: list[CallOutcome]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for call in answered:
        if call.member is not None:
            counts[call.member] = counts.get(call.member, 0) + 1
    return counts
