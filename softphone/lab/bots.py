"""Bot agents: queue members that answer in logic and write their facts as a softphone does.

A bot has no SIP leg. What reaches the store is what a softphone's `Phone`
and `AgentSession` would write for the same call: the agent's state changes
(available, ringing, on_call, wrap_up, not_ready), `CallStarted` with the
caller context, `CallAnswered`, `CallEnded`, a `Transfer` when it sends the
caller to the survey, the first wrap-up draft and the `FinalWrapUp`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol

from supervisor.store import (
    AgentStateChange,
    CallAnswered,
    CallEnded,
    CallStarted,
    Fact,
    FinalWrapUp,
    Transfer,
    WrapUpDraft,
)

WRAP_UP_MODE = "optional"


class FactRecorder(Protocol):
    """Where facts go: `supervisor.store.StoreWriter` fits."""

    def record(self, fact: Fact) -> None:
        """Write (or queue) one fact."""


@dataclass
class BotCall:
    """The call a bot is ringing with, talking on or wrapping up."""

    call_id: str  # a SIP-like Call-ID, the store's key for the call
    queue: str
    ringing_at: float
    answered_at: float | None = None
    ended_at: float | None = None
    wrap_up_started_at: float | None = None


class BotAgent:
    """One bot agent: its state and the facts it writes."""

    def __init__(self, agent_id: str, store: FactRecorder) -> None:
        self.agent_id = agent_id
        self.member = f"Local/{agent_id}@lab"
        self.store = store
        self.state = "logged_out"
        self.idle_since = 0.0  # monotonic: the longest-idle bot is offered the next call
        self.call: BotCall | None = None

    def _enter(self, state: str, at: float, reason: str | None = None) -> None:
        self.state = state
        busy = state in ("ringing", "on_call", "wrap_up")
        call_id = self.call.call_id if self.call is not None and busy else None
        self.store.record(AgentStateChange(self.agent_id, state, at, reason, call_id))

    def log_in(self, at: float) -> None:
        """Log in, ready for calls."""
        self._enter("available", at, "logged_in")

    def log_out(self, at: float) -> None:
        """Log out (the lab stops)."""
        self._enter("logged_out", at)

    def pause(self, at: float, reason: str) -> None:
        """Go Not Ready for `reason` (a Not Ready reason code)."""
        self._enter("not_ready", at, reason)

    def unpause(self, at: float) -> None:
        """Back to Available."""
        self._enter("available", at)

    def ring(self, at: float, queue: str, caller: str, context: tuple[tuple[str, str], ...]) -> str:
        """A queue call rings at this bot; returns its Call-ID."""
        self.call = BotCall(f"{uuid.uuid4().hex}@lab.callboard", queue, at)
        self.store.record(
            CallStarted(self.call.call_id, self.agent_id, "inbound", at, queue, caller, context)
        )
        self._enter("ringing", at)
        return self.call.call_id

    def ring_ended(self, at: float, reason: str = "cancelled") -> None:
        """The call stopped ringing unanswered (rang out, or the caller hung up)."""
        call = self._require_call()
        self.store.record(CallEnded(call.call_id, self.agent_id, at, reason))
        self.call = None
        self._enter("available", at)

    def answer(self, at: float) -> None:
        """Answer the ringing call."""
        call = self._require_call()
        call.answered_at = at
        self.store.record(CallAnswered(call.call_id, self.agent_id, at))
        self._enter("on_call", at)

    def end(self, at: float, reason: str, transfer_to: str | None = None) -> None:
        """The connected call ended (`reason` is a store end reason); wrap-up starts."""
        call = self._require_call()
        if transfer_to is not None:
            self.store.record(
                Transfer(
                    call.call_id, self.agent_id, "blind", transfer_to, "completed", at, at, 202
                )
            )
        call.ended_at = at
        self.store.record(CallEnded(call.call_id, self.agent_id, at, reason))
        call.wrap_up_started_at = at
        self._enter("wrap_up", at)
        self.store.record(WrapUpDraft(call.call_id, self.agent_id, 0, at, at))

    def finish_wrap_up(
        self, at: float, disposition: str, resolved: bool, pause_reason: str | None = None
    ) -> float:
        """Submit the wrap-up; returns its length in seconds.

        The bot is then Available, or Not Ready for `pause_reason`.
        """
        call = self._require_call()
        started = call.wrap_up_started_at if call.wrap_up_started_at is not None else at
        self.store.record(
            FinalWrapUp(
                call.call_id,
                self.agent_id,
                "submitted",
                WRAP_UP_MODE,
                started,
                at,
                disposition=disposition,
                notes="",
                resolved=resolved,
            )
        )
        self.call = None
        if pause_reason is None:
            self._enter("available", at)
        else:
            self._enter("not_ready", at, pause_reason)
        return at - started

    def _require_call(self) -> BotCall:
        if self.call is None:
            raise RuntimeError(f"bot {self.agent_id} has no call")
        return self.call
