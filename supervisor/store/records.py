"""The facts the store holds, as plain dataclasses: what is written is what is read.

Every timestamp is UTC epoch seconds (a float, as `time.time()` gives).
Each dataclass checks its own fields on creation and raises `ValueError`
naming the field, so a bad fact fails where it is made, not later when the
writer flushes it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, TypeAlias

AGENT_STATES = ("logged_out", "available", "not_ready", "ringing", "on_call", "wrap_up")
CALL_DIRECTIONS = ("inbound", "outbound")
END_REASONS = (
    "caller_hung_up",  # the remote party hung up
    "agent_hung_up",  # the agent hung up
    "transferred",  # the agent transferred the caller away
    "declined",  # the agent or the softphone refused the call while it rang
    "cancelled",  # the caller or the ACD gave up while it rang
    "no_answer",  # an outbound call that nobody answered
    "busy",  # an outbound call answered with busy
    "failed",  # network, media or protocol failure
)
TRANSFER_KINDS = ("blind", "attended")
TRANSFER_RESULTS = ("completed", "failed", "cancelled")
WRAP_UP_MODES = ("optional", "mandatory", "time_boxed")
WRAP_UP_OUTCOMES = ("submitted", "skipped", "timed_out")
SURVEY_RANGES = {"csat": (1, 5), "nps": (0, 10), "ces": (1, 7)}


def _text(name: str, value: object, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name}: expected a non-empty string, got {value!r}")


def _time(name: str, value: object, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{name}: expected UTC epoch seconds, got {value!r}")


def _string(name: str, value: object) -> None:
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{name}: expected text or None, got {value!r}")


def _sip_status(value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 100 <= value <= 699:
        raise ValueError(f"sip_status: expected a SIP status code from 100 to 699, got {value!r}")


def _choice(name: str, value: object, choices: Iterable[str]) -> None:
    options = tuple(choices)
    if value not in options:
        raise ValueError(f"{name}: expected one of {', '.join(options)}, got {value!r}")


@dataclass(frozen=True)
class AgentStateChange:
    """An agent entered `state` at `changed_at`."""

    agent_id: str
    state: str
    changed_at: float
    reason: str | None = None  # not_ready: the profile's reason code; else why, or None
    call_id: str | None = None  # the call behind ringing, on_call and wrap_up

    def __post_init__(self) -> None:
        _text("agent_id", self.agent_id)
        _choice("state", self.state, AGENT_STATES)
        _time("changed_at", self.changed_at)
        _text("reason", self.reason, optional=True)
        _text("call_id", self.call_id, optional=True)


@dataclass(frozen=True)
class CallStarted:
    """A call began ringing at the agent (inbound) or the agent dialled (outbound)."""

    call_id: str  # SIP Call-ID of the agent's leg
    agent_id: str
    direction: str
    ringing_at: float
    queue: str | None = None  # None for a direct call
    remote_party: str | None = None  # the caller, or the number dialled
    context: tuple[tuple[str, str], ...] = ()  # caller context headers, in message order

    def __post_init__(self) -> None:
        _text("call_id", self.call_id)
        _text("agent_id", self.agent_id)
        _choice("direction", self.direction, CALL_DIRECTIONS)
        _time("ringing_at", self.ringing_at)
        _text("queue", self.queue, optional=True)
        _string("remote_party", self.remote_party)
        for pair in self.context:
            if len(pair) != 2 or not all(isinstance(part, str) for part in pair):
                raise ValueError(f"context: expected (header, value) text pairs, got {pair!r}")


@dataclass(frozen=True)
class CallAnswered:
    """The call was connected: the agent answered, or the dialled party did."""

    call_id: str
    agent_id: str
    answered_at: float

    def __post_init__(self) -> None:
        _text("call_id", self.call_id)
        _text("agent_id", self.agent_id)
        _time("answered_at", self.answered_at)


@dataclass(frozen=True)
class CallEnded:
    """The call ended; `hold_seconds` is the total time the caller spent on hold."""

    call_id: str
    agent_id: str
    ended_at: float
    end_reason: str
    hold_seconds: float = 0.0
    sip_status: int | None = None  # the final SIP status, where there was one

    def __post_init__(self) -> None:
        _text("call_id", self.call_id)
        _text("agent_id", self.agent_id)
        _time("ended_at", self.ended_at)
        _choice("end_reason", self.end_reason, END_REASONS)
        _time("hold_seconds", self.hold_seconds)
        if self.hold_seconds < 0:
            raise ValueError(f"hold_seconds: must not be negative, got {self.hold_seconds!r}")
        _sip_status(self.sip_status)


@dataclass(frozen=True)
class Transfer:
    """One transfer attempt of a call, with its target and result."""

    call_id: str
    agent_id: str
    kind: str
    target: str  # a SIP URI, or the name of a transfer target from the profile
    result: str
    requested_at: float
    finished_at: float
    sip_status: int | None = None  # from the NOTIFY sipfrag, where there was one

    def __post_init__(self) -> None:
        _text("call_id", self.call_id)
        _text("agent_id", self.agent_id)
        _choice("kind", self.kind, TRANSFER_KINDS)
        _text("target", self.target)
        _choice("result", self.result, TRANSFER_RESULTS)
        _time("requested_at", self.requested_at)
        _time("finished_at", self.finished_at)
        _sip_status(self.sip_status)


@dataclass(frozen=True)
class CallRecord:
    """A call as read back: its start, answer and end facts joined together."""

    call_id: str
    agent_id: str
    direction: str
    ringing_at: float
    queue: str | None = None
    remote_party: str | None = None
    answered_at: float | None = None
    ended_at: float | None = None
    end_reason: str | None = None
    hold_seconds: float | None = None
    sip_status: int | None = None
    context: tuple[tuple[str, str], ...] = ()
    transfers: tuple[Transfer, ...] = ()


@dataclass(frozen=True)
class WrapUpDraft:
    """One saved revision of an unfinished wrap-up (revision 0 is written when it starts)."""

    call_id: str
    agent_id: str
    revision: int
    started_at: float
    saved_at: float
    disposition: str | None = None  # a disposition code from the profile
    notes: str = ""
    resolved: bool | None = None  # resolved on first contact; None: not said yet
    follow_up_at: float | None = None  # when someone should call the customer back

    def __post_init__(self) -> None:
        _text("call_id", self.call_id)
        _text("agent_id", self.agent_id)
        if isinstance(self.revision, bool) or not isinstance(self.revision, int):
            raise ValueError(f"revision: expected an integer, got {self.revision!r}")
        _time("started_at", self.started_at)
        _time("saved_at", self.saved_at)
        _wrap_up_fields(self.disposition, self.notes, self.resolved, self.follow_up_at)


@dataclass(frozen=True)
class FinalWrapUp:
    """A finished wrap-up: submitted, skipped or timed out. Written once, never changed."""

    call_id: str
    agent_id: str
    outcome: str
    mode: str
    started_at: float
    finished_at: float
    disposition: str | None = None
    notes: str = ""
    resolved: bool | None = None
    follow_up_at: float | None = None

    def __post_init__(self) -> None:
        _text("call_id", self.call_id)
        _text("agent_id", self.agent_id)
        _choice("outcome", self.outcome, WRAP_UP_OUTCOMES)
        _choice("mode", self.mode, WRAP_UP_MODES)
        _time("started_at", self.started_at)
        _time("finished_at", self.finished_at)
        _wrap_up_fields(self.disposition, self.notes, self.resolved, self.follow_up_at)


def _wrap_up_fields(
    disposition: object, notes: object, resolved: object, follow_up_at: object
) -> None:
    _text("disposition", disposition, optional=True)
    if not isinstance(notes, str):
        raise ValueError(f"notes: expected text, got {notes!r}")
    if resolved is not None and not isinstance(resolved, bool):
        raise ValueError(f"resolved: expected True, False or None, got {resolved!r}")
    _time("follow_up_at", follow_up_at, optional=True)


@dataclass(frozen=True)
class SurveyScore:
    """A customer's answer to a post-call survey: CSAT 1-5, NPS 0-10 or CES 1-7."""

    call_id: str
    survey: str
    score: int
    answered_at: float

    def __post_init__(self) -> None:
        _text("call_id", self.call_id)
        _choice("survey", self.survey, SURVEY_RANGES)
        low, high = SURVEY_RANGES[self.survey]
        if isinstance(self.score, bool) or not isinstance(self.score, int):
            raise ValueError(f"score: expected an integer, got {self.score!r}")
        if not low <= self.score <= high:
            raise ValueError(f"score: a {self.survey} score runs from {low} to {high}")
        _time("answered_at", self.answered_at)


@dataclass(frozen=True)
class QueueEvent:
    """One line of an Asterisk queue_log: time|callid|queue|agent|event|data1..data5."""

    occurred_at: float
    call_id: str | None
    queue: str | None
    agent: str | None
    event: str
    data1: str | None = None
    data2: str | None = None
    data3: str | None = None
    data4: str | None = None
    data5: str | None = None
    source_file: str | None = None  # the queue_log it was read from
    source_offset: int | None = None  # byte offset of the line in that file

    def __post_init__(self) -> None:
        _time("occurred_at", self.occurred_at)
        _text("event", self.event)
        for name in (
            "call_id",
            "queue",
            "agent",
            "data1",
            "data2",
            "data3",
            "data4",
            "data5",
            "source_file",
        ):
            _string(name, getattr(self, name))
        offset = self.source_offset
        if offset is not None and (isinstance(offset, bool) or not isinstance(offset, int)):
            raise ValueError(f"source_offset: expected an integer or None, got {offset!r}")


@dataclass(frozen=True)
class FeedOffset:
    """How far a feed has read a source file; `source_inode` notices log rotation."""

    source_path: str
    byte_offset: int
    updated_at: float
    source_inode: int | None = None

    def __post_init__(self) -> None:
        _text("source_path", self.source_path)
        if isinstance(self.byte_offset, bool) or not isinstance(self.byte_offset, int):
            raise ValueError(f"byte_offset: expected an integer, got {self.byte_offset!r}")
        if self.byte_offset < 0:
            raise ValueError("byte_offset: must not be negative")
        _time("updated_at", self.updated_at)
        inode = self.source_inode
        if inode is not None and (isinstance(inode, bool) or not isinstance(inode, int)):
            raise ValueError(f"source_inode: expected an integer or None, got {inode!r}")


Fact: TypeAlias = (
    AgentStateChange
    | CallStarted
    | CallAnswered
    | CallEnded
    | Transfer
    | WrapUpDraft
    | FinalWrapUp
    | SurveyScore
    | FeedOffset
)


@dataclass(frozen=True)
class StoreHealth:
    """Whether facts reach the store; while degraded they wait in memory."""

    ok: bool
    reason: str = ""  # why the store is unavailable, in words for the agent
    pending_facts: int = 0
    rejected_facts: int = field(default=0, compare=False)  # dropped as invalid, see the log


class StoreDescription(NamedTuple):
    """Where the store is and which schema version it has."""

    path: Path
    schema_version: int
