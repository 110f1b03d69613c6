"""What the API tells its clients: engine, agent and phone events as JSON objects.

`EventFeed` listens to the engine, the agent session and the phone's
notices (all of which report from the polling thread) and hands each event
to every subscribed client through a bounded queue of its own. A client
that does not keep up is dropped, never waited for: the polling thread must
not stall because a CRM stopped reading.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from softphone.agent import AgentState, StateChanged, WrapUp
from softphone.phone import Phone, PhoneNotice
from softphone.sip import (
    AudioDeviceReturned,
    AudioDevicesChanged,
    CallMediaChanged,
    CallReplaced,
    CallStateChanged,
    DtmfReceived,
    EngineEvent,
    IncomingCall,
    RegistrationChanged,
    TransferProgress,
    TransferRequested,
)

log = logging.getLogger(__name__)

Event = dict[str, Any]  # {"type": ..., "id": n, "at": epoch seconds, ...fields}
CLIENT_QUEUE_SIZE = 500


class Subscription:
    """One client's stream: events wait in a bounded queue; None in it means 'closed'."""

    def __init__(self, size: int = CLIENT_QUEUE_SIZE) -> None:
        self.queue: queue.Queue[Event | None] = queue.Queue(size)
        self.dropped = False

    def offer(self, event: Event) -> bool:
        """Queue `event` without waiting; False (and the client dropped) when it is full."""
        try:
            self.queue.put_nowait(event)
        except queue.Full:
            self.dropped = True
            return False
        return True

    def close(self) -> None:
        """Tell the client's handler to end the stream, even when the queue is full."""
        while True:
            try:
                self.queue.put_nowait(None)
                return
            except queue.Full:
                with contextlib.suppress(queue.Empty):
                    self.queue.get_nowait()  # make room for the end mark


class EventFeed:
    """Turns the phone's events into JSON events and fans them out to subscribers."""

    def __init__(self, phone: Phone, clock: Callable[[], float] = time.time) -> None:
        self._phone = phone
        self._clock = clock
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._subscriptions: list[Subscription] = []
        self._wrap_up: WrapUp | None = None
        self._attached = False

    def attach(self) -> None:
        """Start listening to the engine, the agent session and the phone's notices."""
        if self._attached:
            return
        self._attached = True
        self._phone.engine.add_listener(self.on_engine_event)
        self._phone.session.add_listener(self.on_agent_state)
        self._phone.add_notice_listener(self.on_notice)

    def subscribe(self, first: Event | None = None) -> Subscription:
        """A new client stream, starting with `first` (the state at subscription) if given."""
        subscription = Subscription()
        if first is not None:
            subscription.offer(self._stamped(first))
        with self._lock:
            self._subscriptions.append(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        """Forget a client stream (its handler ended)."""
        with self._lock:
            if subscription in self._subscriptions:
                self._subscriptions.remove(subscription)

    def close_all(self) -> None:
        """End every client stream (the server is stopping)."""
        with self._lock:
            subscriptions, self._subscriptions = self._subscriptions, []
        for subscription in subscriptions:
            subscription.close()

    @property
    def subscriber_count(self) -> int:
        """How many clients follow the stream."""
        with self._lock:
            return len(self._subscriptions)

    def publish(self, event: Event) -> None:
        """Stamp `event` and queue it for every client; drop clients that fell behind."""
        stamped = self._stamped(event)
        with self._lock:
            subscriptions = list(self._subscriptions)
        for subscription in subscriptions:
            if not subscription.offer(stamped):
                log.warning("An automation client fell behind on events: dropping it")
                self.unsubscribe(subscription)
                subscription.close()

    def _stamped(self, event: Event) -> Event:
        return {"id": next(self._ids), "at": round(self._clock(), 3), **event}

    # -- listeners (polling thread) ----------------------------------------------------

    def on_engine_event(self, event: EngineEvent) -> None:
        """Engine listener: registration, calls, media, transfers."""
        try:
            converted = self._engine_event(event)
        except Exception:
            log.exception("Could not turn %s into an automation event", type(event).__name__)
            return
        if converted is not None:
            self.publish(converted)

    def on_agent_state(self, change: StateChanged) -> None:
        """Agent session listener: state changes, and the wrap-up starting and finishing."""
        if change.previous is AgentState.WRAP_UP and self._wrap_up is not None:
            wrap_up, self._wrap_up = self._wrap_up, None
            final = wrap_up.final
            self.publish(
                {
                    "type": "wrap_up_finished",
                    "sip_call_id": wrap_up.call_id,
                    "outcome": final.outcome if final is not None else "unknown",
                    "disposition": final.disposition if final is not None else None,
                    "notes": final.notes if final is not None else "",
                    "resolved": final.resolved if final is not None else None,
                    "follow_up_at": final.follow_up_at if final is not None else None,
                }
            )
        self.publish(
            {
                "type": "agent_state",
                "state": change.state.value,
                "previous": change.previous.value,
                "reason": change.reason,
                "call_id": change.call_id,
            }
        )
        if change.state is AgentState.WRAP_UP:
            self._wrap_up = self._phone.session.wrap_up
            if self._wrap_up is not None:
                self.publish({"type": "wrap_up_started", **wrap_up_json(self._wrap_up)})

    def on_notice(self, notice: PhoneNotice) -> None:
        """Phone notice listener: transfer progress and failures, in the agent's words."""
        self.publish(
            {
                "type": "notice",
                "call_id": notice.call_id,
                "text": notice.text,
                "warning": notice.warning,
            }
        )

    def _engine_event(self, event: EngineEvent) -> Event | None:  # noqa: PLR0911 - one per kind
        if isinstance(event, RegistrationChanged):
            return {"type": "registration", **registration_json(event)}
        if isinstance(event, IncomingCall):
            return self._incoming(event)
        if isinstance(event, CallStateChanged):
            return {
                "type": "call_state",
                "call_id": event.call_id,
                "sip_call_id": event.sip_call_id,
                "state": event.state.value,
                "direction": event.direction.value,
                "remote_uri": event.remote_uri,
                "code": event.code,
                "reason": event.reason,
            }
        if isinstance(event, CallMediaChanged):
            return {
                "type": "call_media",
                "call_id": event.call_id,
                "local_hold": event.local_hold,
                "remote_hold": event.remote_hold,
                "muted": event.muted,
            }
        if isinstance(event, DtmfReceived):
            return {"type": "dtmf_received", "call_id": event.call_id, "digit": event.digit}
        if isinstance(event, TransferProgress):
            return {
                "type": "transfer",
                "call_id": event.call_id,
                "target": event.target,
                "code": event.code,
                "reason": event.reason,
                "final": event.final,
                "succeeded": event.succeeded,
            }
        if isinstance(event, AudioDevicesChanged):
            return {
                "type": "headset",
                "capture": event.capture,
                "playback": event.playback,
                "reason": event.reason,
                "lost": event.lost,
            }
        if isinstance(event, AudioDeviceReturned):
            return {
                "type": "headset_returned",
                "capture": event.capture,
                "playback": event.playback,
            }
        if isinstance(event, (TransferRequested, CallReplaced)):
            return {
                "type": "call_replaced",
                "call_id": event.call_id,
                "new_call_id": event.new_call_id,
                "by": "refer" if isinstance(event, TransferRequested) else "replaces",
            }
        return None

    def _incoming(self, event: IncomingCall) -> Event:
        """The screen pop: who calls, from which queue, with the context the IVR collected."""
        queue_name, context = self._phone.call_details(event.call_id)
        session = self._phone.session
        ringing = session.state is AgentState.RINGING and session.call_id == event.sip_call_id
        return {
            "type": "incoming_call",
            "call_id": event.call_id,
            "sip_call_id": event.sip_call_id,
            "remote_uri": event.remote_uri,
            "queue": queue_name,
            "context": context_json(context),
            "ringing": ringing,
        }


def context_json(context: tuple[tuple[str, str], ...]) -> list[dict[str, str]]:
    """Caller context as a list of {name, value} (a header may repeat)."""
    return [{"name": name, "value": value} for name, value in context]


def registration_json(event: RegistrationChanged) -> dict[str, Any]:
    """An account's registration as JSON fields."""
    return {
        "account_id": event.account_id,
        "status": event.status.value,
        "code": event.code,
        "reason": event.reason,
        "retry_in": event.retry_in,
    }


def wrap_up_json(wrap_up: WrapUp) -> dict[str, Any]:
    """The wrap-up in progress as JSON fields."""
    return {
        "sip_call_id": wrap_up.call_id,
        "mode": wrap_up.mode,
        "started_at": wrap_up.started_at,
        "deadline": wrap_up.deadline,
        "can_skip": wrap_up.can_skip,
        "disposition": wrap_up.disposition,
        "notes": wrap_up.notes,
        "resolved": wrap_up.resolved,
        "follow_up_at": wrap_up.follow_up_at,
    }
