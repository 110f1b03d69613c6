"""The agent's states, the answer to an offered call, and the errors of the workflow."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class AgentState(str, Enum):
    """Where the agent is in the call-center workflow; the values are stored as they are."""

    LOGGED_OUT = "logged_out"
    AVAILABLE = "available"
    NOT_READY = "not_ready"
    RINGING = "ringing"
    ON_CALL = "on_call"
    WRAP_UP = "wrap_up"

    @property
    def label(self) -> str:
        """The state as the agent reads it: 'Not Ready', 'Wrap-up'."""
        return _LABELS[self]


_LABELS = {
    AgentState.LOGGED_OUT: "Logged out",
    AgentState.AVAILABLE: "Available",
    AgentState.NOT_READY: "Not Ready",
    AgentState.RINGING: "Ringing",
    AgentState.ON_CALL: "On call",
    AgentState.WRAP_UP: "Wrap-up",
}

# Reasons the softphone itself gives, beside the profile's Not Ready reasons.
REASON_LOGGED_IN = "logged_in"  # Not Ready right after logging in
REASON_RESUMED = "resumed_after_restart"  # a wrap-up reopened after the softphone restarted

TEMPORARILY_UNAVAILABLE = 480  # Not Ready, Wrap-up, logged out: the ACD rings the next agent
BUSY_HERE = 486  # already ringing or on a call


@dataclass(frozen=True)
class Decision:
    """What to do with an offered call: ring, or answer with `status_code`."""

    accept: bool
    status_code: int | None = None  # the SIP final response when not accepted
    reason: str = ""  # why, in words for the log and the agent


@dataclass(frozen=True)
class StateChanged:
    """Told to listeners after each transition."""

    previous: AgentState
    state: AgentState
    reason: str | None
    call_id: str | None
    at: float  # UTC epoch seconds


class AgentError(Exception):
    """Base of the workflow's errors; the message is for the agent."""


class IllegalTransition(AgentError):
    """The action is not possible in the agent's current state; nothing changed."""


class WrapUpIncomplete(AgentError):
    """The wrap-up cannot be submitted yet: the message says what is missing."""


class UnknownChoice(AgentError):
    """A disposition or Not Ready reason that the profile does not offer."""
