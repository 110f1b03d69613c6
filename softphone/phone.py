"""The softphone without its window: SIP events become agent states and store facts.

`Phone` sits between the SIP engine, the agent's state machine and the
store. The window, the headless mode and the automation API all drive the
same `Phone`, so a call is handled the same way whichever of them the agent
uses:

- an incoming call is offered to the agent session, which decides whether it
  may ring (a queue call to a Not Ready agent is answered 480, so the ACD
  rings the next agent); the call and its caller context are stored;
- answering, hanging up, holding and the end of a call are stored as facts,
  and the session moves the agent to On call and then to Wrap-up;
- `tick()` (about once a second) drives the wrap-up time box, auto-answer,
  and writes facts kept in memory while the store was unavailable.

Calls are named by the engine's call id in this API and by their SIP Call-ID
in the store, where the supervisor joins them with the PBX's records.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from softphone.agent import AgentSession, AgentState, IllegalTransition
from softphone.profile import Profile
from softphone.sip import (
    AccountSettings,
    CallDirection,
    CallMediaChanged,
    CallState,
    CallStateChanged,
    EngineEvent,
    IncomingCall,
    SipEngine,
)
from supervisor.store import CallAnswered, CallEnded, CallStarted, StoreWriter

log = logging.getLogger(__name__)

QUEUE_HEADER = "X-Queue"
# Reason phrases sent with the status codes the agent session chooses.
_REASON_PHRASES = {480: "Temporarily Unavailable", 486: "Busy Here"}
# A stored header value is capped: a hostile PBX must not fill the store.
MAX_CONTEXT_VALUE = 8192


@dataclass
class _PhoneCall:
    call_id: int
    sip_call_id: str
    direction: CallDirection
    remote: str
    answered: bool = False
    declined: int | None = None
    hung_up_here: bool = False
    held_since: float | None = None
    hold_seconds: float = 0.0
    answer_at: float | None = None


class Phone:
    """One agent's phone: engine, agent session and store, wired together."""

    def __init__(
        self,
        engine: SipEngine,
        session: AgentSession,
        store: StoreWriter,
        profile: Profile,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.engine = engine
        self.session = session
        self.store = store
        self.profile = profile
        self._clock = clock
        self._calls: dict[int, _PhoneCall] = {}
        self.account_id: int | None = None
        engine.add_listener(self.on_event)

    # -- the agent's actions ---------------------------------------------

    def start(self, account: AccountSettings | None, password: str) -> int | None:
        """Start the engine, register the account (if there is one) and log the agent in."""
        if not self.engine.running:
            self.engine.start()
        if account is not None:
            self.account_id = self.engine.add_account(account, password)
        self.session.log_in()
        return self.account_id

    def set_account(self, account: AccountSettings, password: str) -> int:
        """Register `account` in place of the current one (the agent changed Settings)."""
        if self.account_id is not None:
            self.engine.remove_account(self.account_id)
            self.account_id = None
        self.account_id = self.engine.add_account(account, password)
        return self.account_id

    def dial(self, target: str) -> int:
        """Call `target` (number, tel: or sip: URI); the agent goes On call."""
        if self.account_id is None:
            raise IllegalTransition("There is no account to call from.")
        if self.session.state not in (AgentState.AVAILABLE, AgentState.NOT_READY):
            raise IllegalTransition(
                f"Calls can be made from Available or Not Ready, not {self.session.state.label}."
            )
        call_id = self.engine.make_call(self.account_id, target)
        sip_call_id = self.engine.sip_call_id(call_id)
        remote = self.engine.remote_uri(call_id)
        self._calls[call_id] = _PhoneCall(call_id, sip_call_id, CallDirection.OUTBOUND, remote)
        self.session.dial_out(sip_call_id)
        self.store.record(
            CallStarted(
                sip_call_id, self.session.agent_id, "outbound", self._clock(), remote_party=remote
            )
        )
        return call_id

    def answer(self, call_id: int) -> None:
        """Answer a ringing call."""
        self.engine.answer(call_id)

    def hangup(self, call_id: int) -> None:
        """Hang up (or refuse, while ringing) a call."""
        call = self._calls.get(call_id)
        if call is not None:
            call.hung_up_here = True
        self.engine.hangup(call_id)

    def hold(self, call_id: int) -> None:
        """Put the caller on hold; hold time is counted for the call's record."""
        self.engine.hold(call_id)
        call = self._calls.get(call_id)
        if call is not None and call.held_since is None:
            call.held_since = self._clock()

    def resume(self, call_id: int) -> None:
        """Take the caller off hold."""
        self.engine.resume(call_id)
        self._end_hold(self._calls.get(call_id))

    def mute(self, call_id: int, muted: bool) -> None:
        """Stop (or restart) sending the agent's microphone to the other side."""
        self.engine.set_mute(call_id, muted)

    def send_dtmf(self, call_id: int, digits: str) -> None:
        """Send DTMF digits to the other side (an IVR menu, say)."""
        self.engine.send_dtmf(call_id, digits)

    def tick(self) -> None:
        """About once a second: time box, auto-answer, and catching up with the store."""
        now = self._clock()
        self.session.tick(now)
        for call in list(self._calls.values()):
            if call.answer_at is not None and call.answer_at <= now:
                call.answer_at = None
                log.info("Call %d: auto-answering", call.call_id)
                self.engine.answer(call.call_id)
        if not self.store.health.ok:
            self.store.flush()

    def stop(self) -> None:
        """Hang up, unregister, log out when the agent's work allows, and close the store."""
        self.engine.shutdown()
        if self.session.state in (AgentState.AVAILABLE, AgentState.NOT_READY):
            self.session.log_out()
        else:
            log.info(
                "Agent left in %s: it is picked up at the next start", self.session.state.label
            )
        self.store.close()

    # -- engine events ---------------------------------------------------

    def on_event(self, event: EngineEvent) -> None:
        """Handle one engine event (the engine calls this from `poll()`)."""
        if isinstance(event, IncomingCall):
            self._incoming(event)
        elif isinstance(event, CallStateChanged):
            self._call_state(event)
        elif isinstance(event, CallMediaChanged):
            call = self._calls.get(event.call_id)
            if call is not None and not event.local_hold:
                self._end_hold(call)

    def _incoming(self, event: IncomingCall) -> None:
        headers = event.headers
        queue = headers.get(QUEUE_HEADER) or None
        context = tuple(
            (name, value[:MAX_CONTEXT_VALUE])
            for name, value in headers.matching(self.profile.caller_context_headers)
        )
        call = _PhoneCall(event.call_id, event.sip_call_id, CallDirection.INBOUND, event.remote_uri)
        self._calls[event.call_id] = call
        agent = self.session.agent_id
        self.store.record(
            CallStarted(
                event.sip_call_id,
                agent,
                "inbound",
                self._clock(),
                queue=queue,
                remote_party=event.remote_uri,
                context=context,
            )
        )
        decision = self.session.call_offered(event.sip_call_id, queue)
        if not decision.accept:
            code = decision.status_code or 480
            call.declined = code
            log.info("Call %d refused with %d: %s", event.call_id, code, decision.reason)
            self.engine.reject(event.call_id, code, _REASON_PHRASES.get(code, ""))
            return
        if self.profile.auto_answer_seconds is not None:
            call.answer_at = self._clock() + self.profile.auto_answer_seconds

    def _call_state(self, event: CallStateChanged) -> None:
        call = self._calls.get(event.call_id)
        if call is None:
            return
        agent = self.session.agent_id
        if event.state is CallState.CONFIRMED and not call.answered:
            call.answered = True
            call.answer_at = None
            self.store.record(CallAnswered(call.sip_call_id, agent, self._clock()))
            if call.declined is None:
                self.session.call_answered(call.sip_call_id)
        elif event.state is CallState.DISCONNECTED:
            del self._calls[event.call_id]
            self._end_hold(call)
            self.store.record(
                CallEnded(
                    call.sip_call_id,
                    agent,
                    self._clock(),
                    _end_reason(call, event),
                    call.hold_seconds,
                    event.code or None,
                )
            )
            self.session.call_ended(call.sip_call_id)

    def _end_hold(self, call: _PhoneCall | None) -> None:
        if call is not None and call.held_since is not None:
            call.hold_seconds += max(0.0, self._clock() - call.held_since)
            call.held_since = None


# How an outbound call that was never answered ended, by its final status.
_UNANSWERED_OUTBOUND = {
    487: "cancelled",
    486: "busy",
    600: "busy",
    408: "no_answer",
    480: "no_answer",
}


def _end_reason(call: _PhoneCall, event: CallStateChanged) -> str:
    """Why the call ended, in the store's words."""
    if call.declined is not None:
        return "declined"
    if call.answered:
        return "agent_hung_up" if call.hung_up_here else "caller_hung_up"
    if call.direction is CallDirection.INBOUND:
        return "declined" if call.hung_up_here else "cancelled"
    if call.hung_up_here:
        return "cancelled"
    return _UNANSWERED_OUTBOUND.get(event.code, "failed")
