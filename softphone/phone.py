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
    CallReplaced,
    CallState,
    CallStateChanged,
    EngineError,
    EngineEvent,
    EngineSettings,
    IncomingCall,
    SipEngine,
    TransferProgress,
    TransferRequested,
)
from supervisor.store import CallAnswered, CallEnded, CallStarted, StoreWriter, Transfer

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
    context: tuple[tuple[str, str], ...] = ()
    queue: str | None = None
    # The call the agent session knows this leg by: its own, or for a consult
    # leg or a leg that a transfer put in place of another, the caller's.
    session_call_id: str = ""
    transferred: bool = False
    unrecorded: bool = False  # placed by the engine (a REFER): stored once its Call-ID is known


@dataclass(frozen=True)
class PhoneNotice:
    """A message for the agent about a call: transfer progress, a failed consult."""

    call_id: int
    text: str
    warning: bool = False


@dataclass
class _Transfer:
    call_id: int
    kind: str  # blind or attended
    target: str
    label: str
    requested_at: float
    consult_call_id: int | None = None
    completing: bool = False  # REFER with Replaces sent: the consult leg is expected to end


def engine_settings(profile: Profile) -> EngineSettings:
    """The SIP engine's settings from the agent's profile (network and headset)."""
    return EngineSettings(
        bind_address=profile.bind_address,
        sip_port=profile.sip_port,
        capture_device=profile.capture_device,
        playback_device=profile.playback_device,
        echo_cancellation=profile.echo_cancellation,
        microphone_volume=profile.microphone_volume / 100,
        earphone_volume=profile.earphone_volume / 100,
    )


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
        self.transfers: dict[int, _Transfer] = {}
        self._notice_listeners: list[Callable[[PhoneNotice], None]] = []
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
        self._calls[call_id] = _PhoneCall(
            call_id, sip_call_id, CallDirection.OUTBOUND, remote, session_call_id=sip_call_id
        )
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

    def reject(self, call_id: int, code: int = 486) -> None:
        """Refuse a ringing call with a final status (486 Busy Here, 603 Decline)."""
        call = self._calls.get(call_id)
        if call is not None:
            call.hung_up_here = True
        self.engine.reject(call_id, code, _REASON_PHRASES.get(code, ""))

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
        """Send DTMF digits to whoever the agent is talking to about `call_id`.

        During a consult that is the consulted party (an IVR menu, say), not
        the caller on hold.
        """
        transfer = self.transfers.get(call_id)
        caller = self._calls.get(call_id)
        if (
            transfer is not None
            and transfer.consult_call_id is not None
            and caller is not None
            and caller.held_since is not None
        ):
            call_id = transfer.consult_call_id
        self.engine.send_dtmf(call_id, digits)

    def test_headset(self) -> None:
        """Beep, record the microphone 3 s and play it back (not in a call; EngineError)."""
        self.engine.start_headset_test()

    def cancel_headset_test(self) -> None:
        """Stop a running headset test."""
        self.engine.cancel_headset_test()

    def current_call_id(self) -> int | None:
        """The engine id of the leg the agent's current call is on (not a consult leg).

        Usually the call that rang or was dialled; after a transfer by the
        other side, the leg that took its place.
        """
        wanted = self.session.call_id
        consults = {t.consult_call_id for t in self.transfers.values()}
        legs = [
            c.call_id
            for c in self._calls.values()
            if c.session_call_id == wanted and c.call_id not in consults
        ]
        return legs[-1] if legs else None

    def call_details(self, call_id: int) -> tuple[str | None, tuple[tuple[str, str], ...]]:
        """The queue and caller context of a call (or of the call it took the place of)."""
        call = self._calls.get(call_id)
        return (call.queue, call.context) if call is not None else (None, ())

    def consult_label(self, call_id: int) -> str | None:
        """Who the agent is consulting about `call_id`, while a consult call is up."""
        transfer = self.transfers.get(call_id)
        if transfer is None or transfer.consult_call_id is None:
            return None
        return transfer.label

    # -- transfers --------------------------------------------------------

    def add_notice_listener(self, listener: Callable[[PhoneNotice], None]) -> None:
        """Call `listener` with each message for the agent (transfer progress and failures)."""
        self._notice_listeners.append(listener)

    def transfer_target(self, text: str) -> tuple[str, str]:
        """(what to dial, what to call it) for a typed number, SIP URI or named target."""
        wanted = text.strip().casefold()
        for target in self.profile.transfer_targets:
            if target.name.casefold() == wanted:
                return target.uri, target.name
        return text.strip(), text.strip()

    def blind_transfer(self, call_id: int, target: str) -> None:
        """Send the caller to `target` (number, URI or named IVR menu) and leave the call.

        The caller context goes along in the Refer-To URI. Progress and the
        outcome arrive as notices; a failure leaves the caller with the agent.
        """
        call = self._require_call(call_id)
        dial, label = self.transfer_target(target)
        self.engine.transfer(call_id, dial, call.context)
        self.transfers[call_id] = _Transfer(call_id, "blind", dial, label, self._clock())
        self._notify(call_id, f"Transferring to {label}…")

    def consult(self, call_id: int, target: str) -> int:
        """Hold the caller and call `target` to talk first (the start of an attended transfer)."""
        call = self._require_call(call_id)
        if call_id in self.transfers:
            raise IllegalTransition("A transfer of this call is already under way.")
        dial, label = self.transfer_target(target)
        if call.held_since is None:
            self.hold(call_id)
        consult_id = self.engine.make_call(self._account(), dial, call.context)
        self._calls[consult_id] = _PhoneCall(
            consult_id,
            self.engine.sip_call_id(consult_id),
            CallDirection.OUTBOUND,
            self.engine.remote_uri(consult_id),
            context=call.context,
            session_call_id=call.session_call_id,
        )
        self.store.record(
            CallStarted(
                self._calls[consult_id].sip_call_id,
                self.session.agent_id,
                "outbound",
                self._clock(),
                remote_party=self._calls[consult_id].remote,
                context=call.context,
            )
        )
        self.transfers[call_id] = _Transfer(
            call_id, "attended", dial, label, self._clock(), consult_id
        )
        self._notify(call_id, f"Calling {label}; the caller is on hold.")
        return consult_id

    def complete_transfer(self, call_id: int) -> None:
        """Join the held caller with the consulted party (REFER with Replaces)."""
        transfer = self.transfers.get(call_id)
        if transfer is None or transfer.consult_call_id is None:
            raise IllegalTransition("There is no consult call to complete the transfer with.")
        self.engine.transfer_to_call(call_id, transfer.consult_call_id)
        transfer.completing = True
        self._notify(call_id, f"Transferring the caller to {transfer.label}…")

    def swap(self, call_id: int) -> None:
        """Talk to the other party of an attended transfer: the caller or the consulted one."""
        transfer = self.transfers.get(call_id)
        if transfer is None or transfer.consult_call_id is None:
            raise IllegalTransition("There is no consult call to swap with.")
        caller = self._require_call(call_id)
        consult_id = transfer.consult_call_id
        if caller.held_since is not None:
            self.hold(consult_id)
            self.resume(call_id)
        else:
            self.hold(call_id)
            self.resume(consult_id)

    def cancel_consult(self, call_id: int) -> None:
        """Hang up the consult call and go back to the caller."""
        transfer = self.transfers.pop(call_id, None)
        if transfer is None or transfer.consult_call_id is None:
            raise IllegalTransition("There is no consult call to cancel.")
        self.hangup(transfer.consult_call_id)
        self._record_transfer(transfer, "cancelled", None)
        if self._require_call(call_id).held_since is not None:
            self.resume(call_id)
        self._notify(call_id, "Back with the caller.")

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
        elif isinstance(event, TransferProgress):
            self._transfer_progress(event)
        elif isinstance(event, TransferRequested):
            self._transferred_away(event.call_id, event.new_call_id, event.target, inbound=False)
        elif isinstance(event, CallReplaced):
            self._transferred_away(event.call_id, event.new_call_id, event.remote_uri, inbound=True)

    def _incoming(self, event: IncomingCall) -> None:
        headers = event.headers
        queue = headers.get(QUEUE_HEADER) or None
        context = tuple(
            (name, value[:MAX_CONTEXT_VALUE])
            for name, value in headers.matching(self.profile.caller_context_headers)
        )
        call = _PhoneCall(
            event.call_id,
            event.sip_call_id,
            CallDirection.INBOUND,
            event.remote_uri,
            context=context,
            queue=queue,
            session_call_id=event.sip_call_id,
        )
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
        if call.unrecorded and event.sip_call_id:
            call.unrecorded = False
            call.sip_call_id = event.sip_call_id
            self.store.record(
                CallStarted(
                    call.sip_call_id,
                    agent,
                    call.direction.value,
                    self._clock(),
                    remote_party=call.remote,
                    context=call.context,
                )
            )
        primary = call.sip_call_id == call.session_call_id
        if event.state is CallState.CONFIRMED and not call.answered:
            call.answered = True
            call.answer_at = None
            self.store.record(CallAnswered(call.sip_call_id, agent, self._clock()))
            if call.declined is None and primary:
                self.session.call_answered(call.sip_call_id)
        elif event.state is CallState.DISCONNECTED:
            del self._calls[event.call_id]
            self._end_hold(call)
            self._consult_ended(call, event)
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
            if not any(c.session_call_id == call.session_call_id for c in self._calls.values()):
                self.session.call_ended(call.session_call_id)

    def _transfer_progress(self, event: TransferProgress) -> None:
        transfer = self.transfers.get(event.call_id)
        if transfer is None:
            return
        label = transfer.label
        if not event.final:
            stage = "ringing" if event.code in (180, 183) else "trying"
            self._notify(event.call_id, f"Transfer to {label}: {stage} ({event.code}).")
            return
        del self.transfers[event.call_id]
        if event.succeeded:
            call = self._calls.get(event.call_id)
            if call is not None:
                call.transferred = True
            consult = self._calls.get(transfer.consult_call_id or -1)
            if consult is not None:
                consult.transferred = True
            self._record_transfer(transfer, "completed", event.code)
            self._notify(event.call_id, f"Transferred to {label}.")
            return
        self._record_transfer(transfer, "failed", event.code)
        where = "on hold" if transfer.kind == "attended" else "still on the line"
        self._notify(
            event.call_id,
            f"Transfer to {label} failed: {event.code} {event.reason}. The caller is {where}.",
            warning=True,
        )

    def _consult_ended(self, call: _PhoneCall, event: CallStateChanged) -> None:
        """A consult leg ended before the transfer completed: say so; the caller stays held."""
        for transfer in list(self.transfers.values()):
            if transfer.consult_call_id != call.call_id or call.transferred:
                continue
            if transfer.completing:
                # The consulted party took the caller (Replaces) and let our leg go;
                # the NOTIFY on the caller's leg still brings the outcome.
                call.transferred = True
                continue
            del self.transfers[transfer.call_id]
            self._record_transfer(transfer, "failed", event.code or None)
            what = "did not answer" if not call.answered else "hung up"
            reason = f" ({event.code} {event.reason})" if not call.answered else ""
            self._notify(
                transfer.call_id,
                f"{transfer.label} {what}{reason}. The caller is on hold: resume to go back.",
                warning=True,
            )

    def _transferred_away(self, old_id: int, new_id: int, remote: str, *, inbound: bool) -> None:
        """A REFER or a Replaces moved the agent's call to a new leg: follow it."""
        old = self._calls.get(old_id)
        if old is None:
            return
        old.transferred = True
        new = _PhoneCall(
            new_id,
            "",
            CallDirection.INBOUND if inbound else CallDirection.OUTBOUND,
            remote,
            answered=inbound,
            context=old.context,
            queue=old.queue,
            session_call_id=old.session_call_id,
            unrecorded=True,
        )
        self._calls[new_id] = new
        try:
            new.sip_call_id = self.engine.sip_call_id(new_id)
        except EngineError:
            new.sip_call_id = ""
        if new.sip_call_id:  # a Replaces call is known at once; a REFER's once it is placed
            new.unrecorded = False
            agent, now = self.session.agent_id, self._clock()
            self.store.record(
                CallStarted(
                    new.sip_call_id,
                    agent,
                    new.direction.value,
                    now,
                    remote_party=remote,
                    context=new.context,
                )
            )
            if inbound:
                self.store.record(CallAnswered(new.sip_call_id, agent, now))
        self._notify(old_id, f"The call was transferred to {remote}.")

    def _record_transfer(self, transfer: _Transfer, result: str, code: int | None) -> None:
        call = self._calls.get(transfer.call_id)
        sip_call_id = call.sip_call_id if call is not None else ""
        if not sip_call_id:
            return
        self.store.record(
            Transfer(
                sip_call_id,
                self.session.agent_id,
                transfer.kind,
                transfer.label,
                result,
                transfer.requested_at,
                self._clock(),
                code,
            )
        )

    def _notify(self, call_id: int, text: str, *, warning: bool = False) -> None:
        notice = PhoneNotice(call_id, text, warning)
        (log.warning if warning else log.info)("Call %d: %s", call_id, text)
        for listener in list(self._notice_listeners):
            try:
                listener(notice)
            except Exception:
                log.exception("Notice listener failed")

    def _require_call(self, call_id: int) -> _PhoneCall:
        call = self._calls.get(call_id)
        if call is None:
            raise IllegalTransition("That call has ended.")
        return call

    def _account(self) -> int:
        if self.account_id is None:
            raise IllegalTransition("There is no account to call from.")
        return self.account_id

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
    if call.transferred:
        return "transferred"
    if call.answered:
        return "agent_hung_up" if call.hung_up_here else "caller_hung_up"
    if call.direction is CallDirection.INBOUND:
        return "declined" if call.hung_up_here else "cancelled"
    if call.hung_up_here:
        return "cancelled"
    return _UNANSWERED_OUTBOUND.get(event.code, "failed")
