"""The agent state machine: one agent, one call at a time, after-call work.

    Logged out --log_in--> Not Ready (or Available, per the profile; or
                           Wrap-up when a wrap-up was left unfinished)
    Available  --set_not_ready--> Not Ready --set_available--> Available
    Available  --call_offered--> Ringing --call_answered--> On call
    Ringing    --call_ended--> back where the agent was (the call was not handled)
    On call    --call_ended--> Wrap-up if the call was connected, else back
    Wrap-up    --submit / skip / time box--> Available, or Not Ready
    Available, Not Ready --dial_out--> On call
    Available, Not Ready --log_out--> Logged out

Rules worth knowing:

- Queue calls are answered 480 Temporarily Unavailable in Not Ready and
  Wrap-up (and when logged out), so the ACD rings the next agent; a second
  call while Ringing or On call gets 486 Busy Here. A direct call (no
  queue) rings an agent who is Not Ready: colleagues can still reach them.
  During Wrap-up every call gets 480: the wrap-up comes first.
- Agents may dial out from Available or Not Ready (a callback is the usual
  reason to be Not Ready), not during Wrap-up.
- Where the agent goes after a call is where they were before it, unless
  they chose otherwise meanwhile: `set_not_ready(reason)` or `set_available()`
  while Ringing, On call or in Wrap-up is remembered and applied when the
  call's work is done ("Not Ready after this call").
- Illegal actions raise `IllegalTransition` and change nothing.
  `call_ended` for a call that is not the agent's current call (one refused
  with 480, say) is ignored, as the SIP layer reports the end of every call.

Every transition is recorded in the store as an `AgentStateChange`. The
session has no threads or timers: `tick()` drives the wrap-up time box, and
the clock is injected.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from softphone.agent.states import (
    BUSY_HERE,
    REASON_LOGGED_IN,
    REASON_RESUMED,
    TEMPORARILY_UNAVAILABLE,
    AgentState,
    Decision,
    IllegalTransition,
    StateChanged,
    UnknownChoice,
)
from softphone.agent.wrap_up import FactRecorder, WrapUp
from softphone.profile import Profile
from supervisor.store import AgentStateChange, FinalWrapUp, WrapUpDraft

log = logging.getLogger(__name__)

Listener = Callable[[StateChanged], None]


class AgentStore(FactRecorder, Protocol):
    """What the session needs of the store: `supervisor.store.StoreWriter` fits."""

    def unfinished_wrap_up(self, agent_id: str) -> WrapUpDraft | None:
        """The agent's wrap-up left unfinished by an earlier run, if any."""


@dataclass
class _Call:
    call_id: str
    direction: str  # inbound or outbound
    queue: str | None
    connected: bool = False


_BUSY_STATES = (AgentState.RINGING, AgentState.ON_CALL, AgentState.WRAP_UP)


class AgentSession:
    """One agent's state, their current call and its wrap-up."""

    def __init__(
        self,
        store: AgentStore,
        agent_id: str,
        profile: Profile,
        clock: Callable[[], float],
    ) -> None:
        self.store = store
        self.agent_id = agent_id
        self.profile = profile
        self._clock = clock
        self._state = AgentState.LOGGED_OUT
        self._reason: str | None = None
        self._call: _Call | None = None
        self._after_call: tuple[AgentState, str | None] = (AgentState.AVAILABLE, None)
        self._wrap_up: WrapUp | None = None
        self._listeners: list[Listener] = []

    # --- what the window shows ---------------------------------------------------------

    @property
    def state(self) -> AgentState:
        """The agent's current state."""
        return self._state

    @property
    def reason(self) -> str | None:
        """The Not Ready reason code (or the system's reason), else None."""
        return self._reason

    @property
    def call_id(self) -> str | None:
        """The call the agent is ringing with, on, or wrapping up; else None."""
        return self._call.call_id if self._call else None

    @property
    def wrap_up(self) -> WrapUp | None:
        """The after-call work in progress, in Wrap-up; else None."""
        return self._wrap_up

    @property
    def after_call(self) -> tuple[AgentState, str | None]:
        """Where the agent goes when the current call's work is done, and with which reason."""
        return self._after_call

    def add_listener(self, listener: Listener) -> Callable[[], None]:
        """Call `listener` after every transition; returns a function that removes it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    # --- the agent's own actions -------------------------------------------------------

    def log_in(self) -> AgentState:
        """Log in; reopen a wrap-up an earlier run left unfinished."""
        self._require({AgentState.LOGGED_OUT}, "log in", "the agent is already logged in")
        start = self.profile.state_after_login
        self._after_call = (
            (AgentState.AVAILABLE, None)
            if start == "available"
            else (AgentState.NOT_READY, REASON_LOGGED_IN)
        )
        draft = self.store.unfinished_wrap_up(self.agent_id)
        if draft is not None:
            log.info("Reopening the unfinished wrap-up of call %s", draft.call_id)
            self._call = _Call(draft.call_id, "inbound", None, connected=True)
            self._open_wrap_up(draft)
            self._enter(AgentState.WRAP_UP, REASON_RESUMED)
            self.tick()
            return self._state
        self._enter(*self._after_call)
        return self._state

    def log_out(self) -> None:
        """Log out, from Available or Not Ready."""
        self._require(
            {AgentState.AVAILABLE, AgentState.NOT_READY},
            "log out",
            "finish the call and its wrap-up first",
        )
        self._enter(AgentState.LOGGED_OUT, None)

    def set_available(self) -> None:
        """Become Available; while busy with a call, become Available once its work is done."""
        if self._state in _BUSY_STATES:
            self._after_call = (AgentState.AVAILABLE, None)
            return
        self._require({AgentState.NOT_READY}, "become Available", self._why_not_available())
        self._enter(AgentState.AVAILABLE, None)

    def set_not_ready(self, reason: str) -> None:
        """Become Not Ready for `reason` (a code from the profile); while busy, after the call."""
        if self.profile.not_ready_reason(reason) is None:
            offered = ", ".join(choice.code for choice in self.profile.not_ready_reasons)
            raise UnknownChoice(
                f"Unknown Not Ready reason '{reason}'. The profile offers: {offered}."
            )
        if self._state in _BUSY_STATES:
            self._after_call = (AgentState.NOT_READY, reason)
            return
        self._require(
            {AgentState.AVAILABLE, AgentState.NOT_READY}, "become Not Ready", "log in first"
        )
        if self._state is AgentState.NOT_READY and self._reason == reason:
            raise IllegalTransition(f"The agent is already Not Ready ({reason}).")
        self._enter(AgentState.NOT_READY, reason)

    def dial_out(self, call_id: str) -> None:
        """The agent dialled `call_id`: On call until it ends (wrap-up if it connected)."""
        self._require(
            {AgentState.AVAILABLE, AgentState.NOT_READY},
            "dial out",
            "calls can be made from Available or Not Ready",
        )
        self._after_call = (self._state, self._reason)
        self._call = _Call(call_id, "outbound", None)
        self._enter(AgentState.ON_CALL, None)

    # --- what the SIP layer reports ----------------------------------------------------

    def call_offered(self, call_id: str, queue: str | None = None) -> Decision:
        """Decide whether an incoming call may ring; `queue` is None for a direct call."""
        state = self._state
        if state in (AgentState.RINGING, AgentState.ON_CALL):
            return Decision(False, BUSY_HERE, f"already {state.label.lower()} with another call")
        if state is AgentState.WRAP_UP:
            return Decision(False, TEMPORARILY_UNAVAILABLE, "agent is in Wrap-up")
        if state is AgentState.LOGGED_OUT:
            return Decision(False, TEMPORARILY_UNAVAILABLE, "agent is logged out")
        if state is AgentState.NOT_READY and queue is not None:
            return Decision(False, TEMPORARILY_UNAVAILABLE, f"agent is Not Ready ({self._reason})")
        self._after_call = (state, self._reason)
        self._call = _Call(call_id, "inbound", queue)
        self._enter(AgentState.RINGING, None)
        return Decision(True, None, "ringing")

    def call_answered(self, call_id: str) -> None:
        """The call connected: the agent answered it, or the dialled party did."""
        call = self._call
        if call is None or call.call_id != call_id:
            raise IllegalTransition(
                f"Cannot answer call {call_id}: it is not the agent's current call "
                f"(the agent is {self._state.label})."
            )
        if self._state is AgentState.RINGING:
            call.connected = True
            self._enter(AgentState.ON_CALL, None)
        elif self._state is AgentState.ON_CALL and not call.connected:
            call.connected = True  # the outbound call was answered: no change of state
        elif self._state is AgentState.ON_CALL:
            raise IllegalTransition(f"Cannot answer call {call_id}: it is already answered.")
        else:
            raise IllegalTransition(f"Cannot answer call {call_id}: it has ended.")

    def call_ended(self, call_id: str) -> AgentState:
        """The call ended: Wrap-up if it was handled, else back where the agent was."""
        call = self._call
        if call is None or call.call_id != call_id or self._state is AgentState.WRAP_UP:
            log.debug("Ignoring the end of call %s: not the agent's current call", call_id)
            return self._state
        if self._state is AgentState.ON_CALL and call.connected:
            now = self._clock()
            first = WrapUpDraft(call.call_id, self.agent_id, 0, started_at=now, saved_at=now)
            self.store.record(first)  # revision 0: a restart can find this wrap-up
            self._open_wrap_up(first)
            self._enter(AgentState.WRAP_UP, None)
        else:
            self._call = None
            self._enter(*self._after_call)
        return self._state

    def tick(self, now: float | None = None) -> None:
        """Advance time: a time-boxed wrap-up whose time is up is saved as timed out."""
        if self._wrap_up is not None:
            self._wrap_up.time_out(self._clock() if now is None else now)

    # --- inside ------------------------------------------------------------------------

    def _open_wrap_up(self, draft: WrapUpDraft) -> None:
        self._wrap_up = WrapUp(
            draft,
            mode=self.profile.wrap_up_mode,
            time_box_seconds=self.profile.wrap_up_seconds,
            profile=self.profile,
            store=self.store,
            clock=self._clock,
            on_finished=self._wrap_up_finished,
        )

    def _wrap_up_finished(self, final: FinalWrapUp) -> None:
        log.info("Wrap-up of call %s %s", final.call_id, final.outcome.replace("_", " "))
        self._wrap_up = None
        self._call = None
        self._enter(*self._after_call)

    def _require(self, allowed: set[AgentState], action: str, hint: str) -> None:
        if self._state not in allowed:
            raise IllegalTransition(f"Cannot {action} while {self._state.label}: {hint}.")

    def _why_not_available(self) -> str:
        if self._state is AgentState.AVAILABLE:
            return "the agent is already Available"
        return "log in first"

    def _enter(self, state: AgentState, reason: str | None) -> None:
        previous = self._state
        at = self._clock()
        call_id = self.call_id if state in _BUSY_STATES else None
        self._state, self._reason = state, reason
        self.store.record(AgentStateChange(self.agent_id, state.value, at, reason, call_id))
        log.info(
            "Agent %s: %s -> %s%s%s",
            self.agent_id,
            previous.label,
            state.label,
            f" ({reason})" if reason else "",
            f" call {call_id}" if call_id else "",
        )
        event = StateChanged(previous, state, reason, call_id, at)
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                log.exception("An agent state listener failed")
