"""The SIP engine: one pjsua2 endpoint, its accounts and calls, polled by its owner.

Rules this module keeps (see DESIGN.md, "pjsua2: threading and lifetime"):

- the endpoint is created in the thread that polls it, with no pjsua2
  worker threads (`threadCnt = 0`, `mainThreadOnly = True`);
- callbacks only queue events; `poll()` hands them to listeners afterwards;
- every Account and Call is held in a dict keyed by the engine's own id,
  and a Call is dropped after DISCONNECTED, outside its own callback;
- `shutdown()` hangs up, waits (bounded) for the calls to end, unregisters,
  drops every object, collects garbage, and only then destroys the library.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import itertools
import logging
import os
import re
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pjsua2 as pj

from softphone.audio import pulse
from softphone.audio.bridge import BridgeStats, PortAudioBridge
from softphone.audio.devices import AudioDevice, headset_devices
from softphone.sip._pjsua import PjAccount, PjCall, PjEndpoint, PjLogWriter
from softphone.sip.backoff import Backoff
from softphone.sip.events import (
    AudioDeviceListChanged,
    AudioDeviceReturned,
    AudioDevicesChanged,
    CallDirection,
    CallMediaChanged,
    CallReplaced,
    CallState,
    CallStateChanged,
    DtmfReceived,
    EngineEvent,
    IncomingCall,
    RegistrationChanged,
    RegistrationStatus,
    TransferProgress,
    TransferRequested,
)
from softphone.sip.headers import parse_sip_message
from softphone.sip.headset_test import HeadsetTest
from softphone.sip.native_audio import (
    NativeHeadset,
    Present,
    all_present,
    list_devices,
    lost_devices,
)
from softphone.sip.settings import MAX_VOLUME, AccountSettings, EngineSettings
from softphone.sip.uri import InvalidTarget, normalize_target

log = logging.getLogger("softphone.sip")

Listener = Callable[[EngineEvent], None]

_DTMF = re.compile(r"^[0-9*#A-Da-d]+$")
_TRANSPORT_TYPES = {
    "udp": pj.PJSIP_TRANSPORT_UDP,
    "tcp": pj.PJSIP_TRANSPORT_TCP,
    "tls": pj.PJSIP_TRANSPORT_TLS,
}
_SRTP = {
    "off": pj.PJMEDIA_SRTP_DISABLED,
    "optional": pj.PJMEDIA_SRTP_OPTIONAL,
    "mandatory": pj.PJMEDIA_SRTP_MANDATORY,
}
_CALL_STATES = {
    pj.PJSIP_INV_STATE_NULL: CallState.CALLING,
    pj.PJSIP_INV_STATE_CALLING: CallState.CALLING,
    pj.PJSIP_INV_STATE_INCOMING: CallState.INCOMING,
    pj.PJSIP_INV_STATE_EARLY: CallState.EARLY,
    pj.PJSIP_INV_STATE_CONNECTING: CallState.CONNECTING,
    pj.PJSIP_INV_STATE_CONFIRMED: CallState.CONFIRMED,
    pj.PJSIP_INV_STATE_DISCONNECTED: CallState.DISCONNECTED,
}
# pjsip (as built in the pjsua2 wheel) reads at most 4000 bytes of one SIP
# message: a UDP datagram beyond that is cut, a larger TCP message dropped.
# How often the build's own device list is read again (a headset plugged or pulled).
NATIVE_DEVICE_CHECK_SECONDS = 2.0
_PACKET_LIMIT_HINT = 3900
# Characters a URI header value may carry unescaped: hnv-unreserved and unreserved.
_HEADER_VALUE_SAFE = "[]/:+$-_.!~*'()"
_SYSTEM_CA_BUNDLES = (
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/cert.pem",
)


class EngineError(RuntimeError):
    """An engine operation failed; the message is fit to show the agent."""


@dataclass
class _AccountEntry:
    account: PjAccount
    settings: AccountSettings
    status: RegistrationStatus = RegistrationStatus.REGISTERING
    failures: int = 0
    retry_at: float | None = None
    last_code: int = 0
    last_reason: str = ""


@dataclass
class _CallEntry:
    call: PjCall
    account_id: int
    direction: CallDirection
    remote_uri: str = ""
    sip_call_id: str = ""
    local_hold: bool = False
    muted: bool = False
    audio: list[Any] = field(default_factory=list)
    state: CallState = CallState.CALLING
    answered: bool = False
    negotiating_until: float = 0.0
    wanted_hold: bool | None = None
    transfer_target: str = ""


@dataclass(frozen=True)
class EngineProbe:
    """What a started engine can do: for the self-test and the About box."""

    version: str
    transports: tuple[str, ...]
    codecs: tuple[str, ...]
    native_audio_devices: int
    native_devices: tuple[AudioDevice, ...]


class SipEngine:
    """The process's SIP user agent. Create, `start()`, `poll()` often, `shutdown()` once."""

    def __init__(
        self,
        settings: EngineSettings | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        backoff: Backoff | None = None,
    ) -> None:
        self.settings = settings or EngineSettings()
        self._clock = clock
        self._backoff = backoff or Backoff()
        self._ep: PjEndpoint | None = None
        self._log_writer: PjLogWriter | None = None
        self._transports: dict[tuple[str, str, bool], int] = {}
        self._accounts: dict[int, _AccountEntry] = {}
        self._calls: dict[int, _CallEntry] = {}
        self._ended: list[int] = []
        self._transferred: list[int] = []
        self._events: deque[EngineEvent] = deque()
        self._listeners: list[Listener] = []
        self._ids = itertools.count(1)
        self._closing = False
        self._bridge: PortAudioBridge | None = None
        self._next_device_check = 0.0
        self._device_watch: pulse.DeviceWatcher | None = None
        # What the agent chose, while the headset runs on a fallback (capture, playback).
        self._wanted_devices: tuple[str, str] | None = None
        self._offered_return = False
        self._native: NativeHeadset | None = None  # the build's own devices, when in use
        self._native_error = False  # set by pjsua's media event: a device stopped on error
        self.audio_backend = "none"
        self.audio_problem = ""
        self._headset_test = HeadsetTest(self._queue, self._clock, self.settings.clock_rate)

    # -- lifecycle -------------------------------------------------------

    @property
    def running(self) -> bool:
        """True between `start()` and `shutdown()`."""
        return self._ep is not None

    def add_listener(self, listener: Listener) -> None:
        """Call `listener(event)` for every event, from `poll()`."""
        self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        """Stop calling `listener`."""
        with contextlib.suppress(ValueError):
            self._listeners.remove(listener)

    def start(self) -> None:
        """Create the endpoint in this thread, open the UDP and TCP transports, start."""
        if self._ep is not None:
            raise EngineError("The SIP engine is already running.")
        ep = PjEndpoint(self)
        with _quiet_stdout():
            ep.libCreate()
        try:
            cfg = pj.EpConfig()
            cfg.uaConfig.threadCnt = 0
            cfg.uaConfig.mainThreadOnly = True
            cfg.uaConfig.maxCalls = self.settings.max_calls
            cfg.uaConfig.userAgent = self.settings.user_agent
            cfg.logConfig.level = self.settings.log_level
            cfg.logConfig.consoleLevel = self.settings.log_level
            self._log_writer = PjLogWriter()
            cfg.logConfig.writer = self._log_writer
            cfg.logConfig.decor = 0
            cfg.medConfig.hasIoqueue = True
            cfg.medConfig.threadCnt = 1
            cfg.medConfig.clockRate = self.settings.clock_rate
            cfg.medConfig.sndClockRate = self.settings.clock_rate
            ep.libInit(cfg)
            self._ep = ep
            for kind in ("udp", "tcp"):
                self._transport(kind)
            _prefer_codecs(ep)
            native = self._choose_native_devices(ep)
            ep.libStart()
        except pj.Error as exc:
            self._ep = ep
            self._destroy_library()
            raise EngineError(f"Could not start the SIP engine: {_pj_text(exc)}") from exc
        if not native:
            self._open_bridge()
        if self.audio_backend != "none" and self.volumes != (1.0, 1.0):
            try:
                self.set_volumes(*self.volumes)
            except EngineError as exc:
                log.warning("%s", exc)
        log.info(
            "SIP engine started (pjsua2 %s), audio: %s", ep.libVersion().full, self.audio_backend
        )

    def probe(self) -> EngineProbe:
        """Version, open transports, codecs by priority, and the build's own audio devices."""
        ep = self._require()
        transports = []
        for (kind, _, _), transport_id in sorted(self._transports.items()):
            info = ep.transportGetInfo(transport_id)
            transports.append(f"{kind.upper()} {info.localName}")
        codecs = tuple(
            str(c.codecId)
            for c in sorted(ep.codecEnum2(), key=lambda c: -int(c.priority))
            if int(c.priority) > 0
        )
        devices = list_devices(ep.audDevManager())
        return EngineProbe(ep.libVersion().full, tuple(transports), codecs, len(devices), devices)

    def poll(self, timeout_ms: int = 0) -> int:
        """Let pjsua2 work for up to `timeout_ms`, then deliver queued events.

        Returns the number of events delivered.
        """
        ep = self._ep
        if ep is None:
            return 0
        ep.libHandleEvents(max(0, timeout_ms))
        self._hang_up_transferred()
        self._check_audio_devices()
        self._headset_test.step()
        self._run_deferred_holds()
        self._run_due_retries()
        self._drop_ended_calls()
        return self._deliver()

    def run(self, should_stop: Callable[[], bool], interval_ms: int = 10) -> None:
        """Poll until `should_stop()` is true: the loop of a headless softphone."""
        while self.running and not should_stop():
            self.poll(interval_ms)

    def shutdown(self, timeout: float = 3.0) -> None:
        """Hang up, unregister, drop every pjsua2 object and destroy the library.

        Safe to call more than once and after a failed start.
        """
        ep = self._ep
        if ep is None or self._closing:
            return
        self._closing = True
        log.info(
            "SIP engine shutting down (%d call(s), %d account(s))",
            len(self._calls),
            len(self._accounts),
        )
        deadline = self._clock() + timeout
        for call_id in list(self._calls):
            self.hangup(call_id)
        while self._calls and self._clock() < deadline:
            ep.libHandleEvents(20)
            self._drop_ended_calls()
        if self._calls:
            log.warning("%d call(s) did not end in time; dropping them", len(self._calls))
        self._unregister_all(deadline=self._clock() + min(2.0, timeout))
        self._deliver()
        self._calls.clear()
        for entry in self._accounts.values():
            with contextlib.suppress(pj.Error):
                entry.account.shutdown()
        self._accounts.clear()
        self._destroy_library()
        log.info("SIP engine stopped")

    # -- accounts --------------------------------------------------------

    def add_account(self, settings: AccountSettings, password: str) -> int:
        """Create an account and start registering it; returns its id."""
        self._require()
        account_id = next(self._ids)
        cfg = pj.AccountConfig()
        cfg.idUri = _with_display_name(settings)
        cfg.regConfig.registrarUri = settings.registrar_uri()
        cfg.regConfig.timeoutSec = settings.register_expires
        cfg.regConfig.retryIntervalSec = 0  # the engine owns retries: see Backoff
        cfg.regConfig.registerOnAdd = True
        cfg.sipConfig.proxies.append(_loose_route(settings.registrar_uri()))
        cfg.sipConfig.authCreds.append(
            pj.AuthCredInfo("digest", "*", settings.auth_user, 0, password)
        )
        cfg.sipConfig.transportId = self._transport(
            settings.transport, settings.tls_ca_file, settings.tls_verify
        )
        cfg.natConfig.udpKaIntervalSec = settings.keepalive_seconds
        cfg.mediaConfig.srtpUse = _SRTP[settings.srtp]
        cfg.mediaConfig.srtpSecureSignaling = 0
        account = PjAccount(account_id, self)
        entry = _AccountEntry(account, settings)
        self._accounts[account_id] = entry
        try:
            account.create(cfg)
        except pj.Error as exc:
            del self._accounts[account_id]
            raise EngineError(
                f"Could not create account {settings.sip_uri}: {_pj_text(exc)}"
            ) from exc
        log.info(
            "Account %d (%s) registering at %s over %s%s",
            account_id,
            settings.sip_uri,
            settings.registrar_uri(),
            settings.transport,
            ""
            if settings.tls_verify or settings.transport != "tls"
            else " WITHOUT certificate verification",
        )
        self._queue(RegistrationChanged(account_id, RegistrationStatus.REGISTERING, 0, ""))
        return account_id

    def remove_account(self, account_id: int) -> None:
        """Unregister (best effort) and delete an account."""
        entry = self._accounts.pop(account_id, None)
        if entry is None:
            return
        with contextlib.suppress(pj.Error):
            entry.account.shutdown()

    def register(self, account_id: int) -> None:
        """Register now, cancelling any scheduled retry."""
        entry = self._account(account_id)
        entry.retry_at = None
        self._send_register(account_id, entry)

    def registration(self, account_id: int) -> RegistrationChanged:
        """The account's current registration, as the last event said it."""
        entry = self._account(account_id)
        retry_in = None
        if entry.retry_at is not None:
            retry_in = max(0.0, entry.retry_at - self._clock())
        return RegistrationChanged(
            account_id, entry.status, entry.last_code, entry.last_reason, 0, retry_in
        )

    def account_settings(self, account_id: int) -> AccountSettings:
        """The settings an account was created with."""
        return self._account(account_id).settings

    # -- calls -----------------------------------------------------------

    def make_call(
        self, account_id: int, target: str, headers: Sequence[tuple[str, str]] = ()
    ) -> int:
        """Dial `target` (a number, `tel:` or SIP URI) from an account; returns the call id."""
        ep = self._require()
        entry = self._account(account_id)
        uri = normalize_target(target, entry.settings.domain)
        if ep.utilVerifySipUri(uri) != 0:
            raise InvalidTarget(f"'{target}' is not a valid SIP address.")
        self._headset_test.cancel("a call started")
        call_id = next(self._ids)
        call = PjCall(entry.account, call_id, self, pj.PJSUA_INVALID_ID)
        self._calls[call_id] = _CallEntry(call, account_id, CallDirection.OUTBOUND, uri)
        prm = pj.CallOpParam(True)
        for name, value in headers:
            prm.txOption.headers.append(_header(name, value))
        try:
            call.makeCall(uri, prm)
        except pj.Error as exc:
            del self._calls[call_id]
            raise EngineError(f"Could not call {uri}: {_pj_text(exc)}") from exc
        self._calls[call_id].sip_call_id = _safe_text(lambda: call.getInfo().callIdString)
        log.info("Call %d: dialling %s", call_id, uri)
        return call_id

    def answer(self, call_id: int, code: int = 200) -> None:
        """Answer a ringing call (200), or send a provisional response such as 180."""
        entry = self._call(call_id)
        if 200 <= code < 300:
            self._headset_test.cancel("a call was answered")
        prm = pj.CallOpParam(True)
        prm.statusCode = code
        self._do(call_id, "answer", lambda: entry.call.answer(prm))

    def reject(self, call_id: int, code: int = 486, reason: str = "") -> None:
        """Refuse a ringing call with a final status such as 480, 486 or 603."""
        if not 400 <= code <= 699:
            raise ValueError(f"a rejection needs a 4xx to 6xx status, not {code}")
        entry = self._call(call_id)
        prm = pj.CallOpParam(True)
        prm.statusCode = code
        if reason:
            prm.reason = reason
        log.info("Call %d: rejecting with %d %s", call_id, code, reason)
        self._do(call_id, "reject", lambda: entry.call.hangup(prm))

    def hangup(self, call_id: int) -> None:
        """End a call in any state. A call that has already ended is left alone."""
        entry = self._calls.get(call_id)
        if entry is None or entry.state is CallState.DISCONNECTED:
            return
        log.info("Call %d: hanging up", call_id)
        try:
            entry.call.hangup(pj.CallOpParam(True))
        except pj.Error as exc:
            log.info("Call %d: hang-up not sent: %s", call_id, _pj_text(exc))

    def hold(self, call_id: int) -> None:
        """Put the other side on hold (re-INVITE with sendonly).

        While an earlier hold or resume is still being negotiated, the request
        waits and is sent once that one completes.
        """
        self._set_hold(call_id, True)

    def resume(self, call_id: int) -> None:
        """Take the other side off hold (re-INVITE with sendrecv), waiting like `hold`."""
        self._set_hold(call_id, False)

    def _set_hold(self, call_id: int, hold: bool) -> None:
        entry = self._call(call_id)
        entry.wanted_hold = hold
        if entry.negotiating_until > self._clock():
            log.info(
                "Call %d: %s waits for the previous re-INVITE",
                call_id,
                "hold" if hold else "resume",
            )
            return
        self._send_hold(call_id, entry)

    def _send_hold(self, call_id: int, entry: _CallEntry) -> None:
        hold = entry.wanted_hold
        if hold is None or hold == entry.local_hold:
            entry.wanted_hold = None
            return
        prm = pj.CallOpParam(True)
        what = "hold" if hold else "resume"
        try:
            if hold:
                entry.call.setHold(prm)
            else:
                prm.opt.flag = pj.PJSUA_CALL_UNHOLD
                entry.call.reinvite(prm)
        except pj.Error as exc:
            entry.wanted_hold = None
            raise EngineError(f"Could not {what} call {call_id}: {_pj_text(exc)}") from exc
        log.info("Call %d: %s sent", call_id, what)
        # A re-INVITE that gets no answer must not block later holds for good.
        entry.negotiating_until = self._clock() + 10.0
        entry.local_hold = hold
        entry.wanted_hold = None

    def set_mute(self, call_id: int, muted: bool) -> None:
        """Stop (or restart) sending the microphone to the other side."""
        entry = self._call(call_id)
        entry.muted = muted
        self._route_audio(entry)
        self._queue_media(call_id, entry)

    def transfer(self, call_id: int, target: str, headers: Sequence[tuple[str, str]] = ()) -> str:
        """Blind transfer: ask the other side (REFER) to call `target` instead.

        `headers` ride in the Refer-To URI, so the transferee's INVITE to the
        target carries them: that is how the caller context reaches the next
        agent or IVR. Progress arrives as `TransferProgress`; after a final
        2xx the engine hangs up this leg. Returns the Refer-To URI sent.
        """
        entry = self._call(call_id)
        uri = normalize_target(target, self._accounts[entry.account_id].settings.domain)
        refer_to = refer_to_uri(uri, headers)
        entry.transfer_target = uri
        self._do(call_id, "transfer", lambda: entry.call.xfer(refer_to, pj.CallOpParam(True)))
        log.info("Call %d: blind transfer to %s (%d header(s))", call_id, uri, len(headers))
        return refer_to

    def transfer_to_call(self, call_id: int, consult_call_id: int) -> None:
        """Attended transfer: join the party on `call_id` with the one on `consult_call_id`.

        Sends REFER with Replaces to the party on `call_id`, who calls the
        consulted party in place of us. Progress arrives as `TransferProgress`.
        """
        entry = self._call(call_id)
        consult = self._call(consult_call_id)
        entry.transfer_target = consult.remote_uri
        self._do(
            call_id,
            "transfer",
            lambda: entry.call.xferReplaces(consult.call, pj.CallOpParam(True)),
        )
        log.info(
            "Call %d: attended transfer to call %d (%s)",
            call_id,
            consult_call_id,
            consult.remote_uri,
        )

    def is_sending_microphone(self, call_id: int) -> bool:
        """True when the microphone reaches the other side (media up and not muted)."""
        ep = self._require()
        entry = self._call(call_id)
        if not entry.audio:
            return False
        capture, _ = self._headset(ep)
        # Keep the info object alive while reading it: SWIG's vectors point into it.
        info = capture.getPortInfo()
        listeners = {int(port) for port in info.listeners}
        return all(media.getPortId() in listeners for media in entry.audio)

    def send_dtmf(self, call_id: int, digits: str) -> None:
        """Send DTMF digits (0-9, *, #, A-D) in RTP as RFC 2833 events."""
        if not _DTMF.match(digits):
            raise ValueError(f"'{digits}' holds characters that are not DTMF digits")
        entry = self._call(call_id)
        self._do(call_id, "send DTMF", lambda: entry.call.dialDtmf(digits.upper()))

    def call_ids(self) -> list[int]:
        """Ids of the calls that have not ended."""
        return [cid for cid, e in self._calls.items() if e.state is not CallState.DISCONNECTED]

    def sip_call_id(self, call_id: int) -> str:
        """The call's SIP Call-ID, the key the store and the PBX know it by."""
        return self._call(call_id).sip_call_id

    def remote_uri(self, call_id: int) -> str:
        """The other party of a call, as a SIP URI."""
        return self._call(call_id).remote_uri

    def call_state(self, call_id: int) -> CallState:
        """The call's state as last reported."""
        return self._call(call_id).state

    # -- the headset test ------------------------------------------------

    def start_headset_test(self) -> None:
        """Beep on the earphones, record the microphone for 3 s, play that back.

        Progress arrives as `HeadsetTestProgress` events. Refused while a call
        is up or ringing, and when there is no sound device; a call that
        starts (dialled or answered) cancels the test.
        """
        ep = self._require()
        if self.call_ids():
            raise EngineError("The headset cannot be tested during a call.")
        if self.audio_backend == "none":
            why = self.audio_problem or "calls have no sound device"
            raise EngineError(f"The headset cannot be tested: {why}.")
        if self._headset_test.running:
            raise EngineError("The headset test is already running.")
        self._headset_test.start(*self._headset(ep))

    def cancel_headset_test(self) -> None:
        """Stop the headset test if one runs (it ends with a "cancelled" event)."""
        self._headset_test.cancel("stopped by the agent")

    # -- pjsua2 callbacks (see _pjsua.EngineHooks) -------------------------

    def on_reg_state(self, account_id: int, code: int, reason: str, expires: int) -> None:
        """Record a registration result, scheduling a retry after a failure."""
        entry = self._accounts.get(account_id)
        if entry is None:
            return
        entry.last_code, entry.last_reason = code, reason
        retry_in = None
        if 200 <= code < 300 and expires > 0:
            entry.status = RegistrationStatus.REGISTERED
            entry.failures = 0
            entry.retry_at = None
            log.info(
                "Account %d registered: %d %s, expires in %d s", account_id, code, reason, expires
            )
        elif 200 <= code < 300:
            entry.status = RegistrationStatus.UNREGISTERED
            log.info("Account %d unregistered", account_id)
        else:
            entry.status = RegistrationStatus.FAILED
            if not self._closing:
                retry_in = self._backoff.delay(entry.failures, code)
                entry.failures += 1
                entry.retry_at = self._clock() + retry_in
            log.warning(
                "Account %d registration failed: %d %s; retry in %s s",
                account_id,
                code,
                reason,
                "-" if retry_in is None else f"{retry_in:.1f}",
            )
        self._queue(RegistrationChanged(account_id, entry.status, code, reason, expires, retry_in))

    def on_incoming_call(self, account_id: int, prm: Any) -> None:
        """Take an incoming INVITE: keep the call, ring back, report it with its headers."""
        entry = self._accounts.get(account_id)
        if entry is None:
            return
        call_id = next(self._ids)
        call = PjCall(entry.account, call_id, self, prm.callId)
        raw = _safe_text(lambda: prm.rdata.wholeMsg)
        message = parse_sip_message(raw)
        if len(raw) >= _PACKET_LIMIT_HINT and "Content-Length" not in message.headers:
            log.warning(
                "Call %d: the INVITE was cut at the SIP stack's packet limit (%d bytes read); "
                "its caller context may be incomplete. Large contexts need a smaller INVITE.",
                call_id,
                len(raw),
            )
        info = call.getInfo()
        call_entry = _CallEntry(
            call,
            account_id,
            CallDirection.INBOUND,
            info.remoteUri,
            info.callIdString,
            state=CallState.INCOMING,
        )
        self._calls[call_id] = call_entry
        if self._closing:
            self._hangup_quietly(call, 503)
            return
        ringing = pj.CallOpParam(True)
        ringing.statusCode = 180
        call.answer(ringing)
        log.info(
            "Call %d: incoming from %s (%d header(s)%s)",
            call_id,
            info.remoteUri,
            len(message.headers),
            f"; {', '.join(message.notes)}" if message.notes else "",
        )
        self._queue(
            IncomingCall(
                call_id,
                account_id,
                info.remoteUri,
                info.callIdString,
                message.headers,
                _safe_text(lambda: prm.rdata.srcAddress),
            )
        )

    def on_call_state(self, call_id: int) -> None:
        """Record a call state change, with its durations."""
        entry = self._calls.get(call_id)
        if entry is None:
            return
        info = entry.call.getInfo()
        state = _CALL_STATES.get(info.state, CallState.CALLING)
        if state is CallState.EARLY and entry.direction is CallDirection.INBOUND:
            state = CallState.INCOMING  # we sent 180: still ringing for the agent
        entry.state = state
        entry.sip_call_id = info.callIdString
        if state is CallState.CONFIRMED:
            entry.answered = True
        if state is CallState.DISCONNECTED:
            self._ended.append(call_id)
            entry.audio.clear()
        log.info("Call %d: %s (%d %s)", call_id, state.value, info.lastStatusCode, info.lastReason)
        self._queue(
            CallStateChanged(
                call_id,
                state,
                entry.direction,
                info.remoteUri,
                int(info.lastStatusCode),
                str(info.lastReason),
                _seconds(info.totalDuration),
                _seconds(info.connectDuration),
                info.callIdString,
            )
        )

    def on_call_media_state(self, call_id: int) -> None:
        """Connect the call's audio to the devices once media is up; report holds."""
        entry = self._calls.get(call_id)
        if entry is None:
            return
        info = entry.call.getInfo()
        entry.audio.clear()
        remote_hold = False
        for index, media in enumerate(info.media):
            if media.type != pj.PJMEDIA_TYPE_AUDIO:
                continue
            if media.status == pj.PJSUA_CALL_MEDIA_REMOTE_HOLD:
                remote_hold = True
            if media.status in (pj.PJSUA_CALL_MEDIA_ACTIVE, pj.PJSUA_CALL_MEDIA_REMOTE_HOLD):
                entry.audio.append(entry.call.getAudioMedia(index))
        self._route_audio(entry)
        entry.negotiating_until = 0.0
        self._queue(
            CallMediaChanged(call_id, bool(entry.audio), entry.local_hold, remote_hold, entry.muted)
        )

    def on_dtmf(self, call_id: int, digit: str) -> None:
        """Report a DTMF digit from the other side."""
        if call_id in self._calls:
            self._queue(DtmfReceived(call_id, digit))

    def on_transfer_status(self, call_id: int, code: int, reason: str, final: bool) -> None:
        """Report a transfer's progress; after a final 2xx, leave the call (from `poll()`)."""
        entry = self._calls.get(call_id)
        if entry is None:
            return
        log.info(
            "Call %d: transfer to %s: %d %s%s",
            call_id,
            entry.transfer_target,
            code,
            reason,
            " (final)" if final else "",
        )
        if final and 200 <= code < 300:
            self._transferred.append(call_id)
        self._queue(TransferProgress(call_id, entry.transfer_target, code, reason, final))

    def on_transfer_request(self, call_id: int, prm: Any) -> None:
        """The other side sent REFER: accept it and place the new call ourselves."""
        entry = self._calls.get(call_id)
        account = self._accounts.get(entry.account_id) if entry else None
        if entry is None or account is None or self._closing:
            prm.statusCode = 603
            return
        target = str(prm.dstUri)
        new_id = next(self._ids)
        new_call = PjCall(account.account, new_id, self, pj.PJSUA_INVALID_ID)
        self._calls[new_id] = _CallEntry(new_call, entry.account_id, CallDirection.OUTBOUND, target)
        prm.newCall = new_call
        prm.statusCode = 202
        log.info(
            "Call %d: transferred by the other side to %s (new call %d)", call_id, target, new_id
        )
        self._queue(TransferRequested(call_id, target, new_id))

    def on_call_replaced(self, call_id: int, prm: Any) -> None:
        """An INVITE with Replaces took over `call_id`: keep the new call in its place."""
        entry = self._calls.get(call_id)
        account = self._accounts.get(entry.account_id) if entry else None
        if entry is None or account is None:
            return
        new_id = next(self._ids)
        new_call = PjCall(account.account, new_id, self, int(prm.newCallId))
        prm.newCall = new_call
        info = new_call.getInfo()
        self._calls[new_id] = _CallEntry(
            new_call,
            entry.account_id,
            CallDirection.INBOUND,
            info.remoteUri,
            info.callIdString,
            state=CallState.CONFIRMED,
            answered=True,
        )
        log.info("Call %d replaced by call %d from %s", call_id, new_id, info.remoteUri)
        self._queue(CallReplaced(call_id, new_id, info.remoteUri))

    def on_transport_state(self, transport_type: str, state: int, error: int) -> None:
        """A TCP or TLS connection dropped: re-register the accounts that used it."""
        if state != pj.PJSIP_TP_STATE_DISCONNECTED or self._closing:
            return
        kind = transport_type.lower()
        for account_id, entry in self._accounts.items():
            if entry.settings.transport != kind or entry.status is RegistrationStatus.FAILED:
                continue
            log.warning("Account %d lost its %s connection to the registrar", account_id, kind)
            entry.status = RegistrationStatus.FAILED
            entry.last_code, entry.last_reason = 503, "Connection to the registrar lost"
            retry_in = self._backoff.delay(0, 503)
            entry.failures = 1
            entry.retry_at = self._clock() + retry_in
            self._queue(
                RegistrationChanged(account_id, entry.status, 503, entry.last_reason, 0, retry_in)
            )

    # -- internals -------------------------------------------------------

    def _require(self) -> PjEndpoint:
        if self._ep is None:
            raise EngineError("The SIP engine is not running.")
        return self._ep

    def _account(self, account_id: int) -> _AccountEntry:
        try:
            return self._accounts[account_id]
        except KeyError:
            raise EngineError(f"No account {account_id}.") from None

    def _call(self, call_id: int) -> _CallEntry:
        entry = self._calls.get(call_id)
        if entry is None or entry.state is CallState.DISCONNECTED:
            raise EngineError("That call has ended.")
        return entry

    def _do(self, call_id: int, what: str, action: Callable[[], None]) -> None:
        try:
            action()
        except pj.Error as exc:
            raise EngineError(f"Could not {what} call {call_id}: {_pj_text(exc)}") from exc

    def _queue(self, event: EngineEvent) -> None:
        self._events.append(event)

    def _queue_media(self, call_id: int, entry: _CallEntry) -> None:
        self._queue(
            CallMediaChanged(call_id, bool(entry.audio), entry.local_hold, False, entry.muted)
        )

    def _deliver(self) -> int:
        delivered = 0
        while self._events:
            event = self._events.popleft()
            delivered += 1
            for listener in list(self._listeners):
                try:
                    listener(event)
                except Exception:
                    log.exception("Listener failed on %s", type(event).__name__)
        return delivered

    def _transport(self, kind: str, ca_file: str = "", verify: bool = True) -> int:
        key = (kind, ca_file if kind == "tls" else "", verify if kind == "tls" else True)
        if key in self._transports:
            return self._transports[key]
        ep = self._require()
        tc = pj.TransportConfig()
        tc.port = self.settings.sip_port if kind == "udp" else 0
        if self.settings.bind_address:
            tc.boundAddress = self.settings.bind_address
        if kind == "tls":
            tc.tlsConfig.CaListFile = ca_file or self.settings.tls_ca_file or _system_ca_bundle()
            tc.tlsConfig.verifyServer = verify
        try:
            transport_id = int(ep.transportCreate(_TRANSPORT_TYPES[kind], tc))
        except pj.Error as exc:
            raise EngineError(
                f"Could not open a {kind.upper()} transport: {_pj_text(exc)}"
            ) from exc
        self._transports[key] = transport_id
        return transport_id

    def _send_register(self, account_id: int, entry: _AccountEntry) -> None:
        entry.status = RegistrationStatus.REGISTERING
        self._queue(
            RegistrationChanged(account_id, entry.status, entry.last_code, entry.last_reason)
        )
        try:
            entry.account.setRegistration(True)
        except pj.Error as exc:
            self.on_reg_state(account_id, 503, f"Not sent: {_pj_text(exc)}", 0)

    def _hang_up_transferred(self) -> None:
        while self._transferred:
            self.hangup(self._transferred.pop(0))

    def _run_deferred_holds(self) -> None:
        now = self._clock()
        for call_id, entry in list(self._calls.items()):
            if (
                entry.wanted_hold is None
                or entry.negotiating_until > now
                or entry.state is CallState.DISCONNECTED
            ):
                continue
            try:
                self._send_hold(call_id, entry)
            except EngineError as exc:
                log.warning("%s", exc)

    def _run_due_retries(self) -> None:
        if self._closing:
            return
        now = self._clock()
        for account_id, entry in list(self._accounts.items()):
            if entry.retry_at is not None and entry.retry_at <= now:
                entry.retry_at = None
                log.info(
                    "Account %d: registering again (attempt %d)", account_id, entry.failures + 1
                )
                self._send_register(account_id, entry)

    def _drop_ended_calls(self) -> None:
        while self._ended:
            call_id = self._ended.pop()
            self._calls.pop(call_id, None)

    def _route_audio(self, entry: _CallEntry) -> None:
        ep = self._ep
        if ep is None or not entry.audio:
            return
        try:
            capture, playback = self._headset(ep)
            for media in entry.audio:
                media.startTransmit(playback)
                if entry.muted:
                    capture.stopTransmit(media)
                else:
                    capture.startTransmit(media)
        except pj.Error as exc:
            log.warning("Could not connect call audio to the sound device: %s", _pj_text(exc))

    def _choose_native_devices(self, ep: PjEndpoint) -> bool:
        """Use the build's own sound devices when it has them and may; else the null device."""
        manager = ep.audDevManager()
        wanted = self.settings.audio
        if wanted in ("auto", "native") and manager.getDevCount() > 0:
            native = self._native = NativeHeadset(manager)
            chosen = (self.settings.capture_device, self.settings.playback_device)
            missing = native.use(*chosen)
            if missing:
                log.warning("Audio device(s) %s not found; using the default", missing)
                lost = " / ".join(dict.fromkeys(missing))
                self._fell_back(chosen, (native.capture, native.playback), lost, "is missing")
            self.audio_backend = "native"
            self._set_native_echo_cancellation(manager, self.settings.echo_cancellation)
            return True
        manager.setNullDev()
        return False

    @staticmethod
    def _set_native_echo_cancellation(manager: Any, on: bool) -> None:
        try:
            # pjmedia's default canceller (WebRTC or Speex, as built), 200 ms tail.
            manager.setEcOptions(200 if on else 0, pj.PJMEDIA_ECHO_DEFAULT if on else 0)
        except pj.Error as exc:
            log.warning("Echo cancellation not set: %s", _pj_text(exc))

    @property
    def echo_cancelled(self) -> bool:
        """Whether an echo canceller is in place on the headset now."""
        if self._bridge is not None:
            return self._bridge.echo_cancelled
        return self.audio_backend == "native" and self.settings.echo_cancellation

    def set_echo_cancellation(self, on: bool) -> None:
        """Turn echo cancellation on or off, calls up or not (EngineError when it fails)."""
        ep = self._require()
        self.settings = dataclasses.replace(self.settings, echo_cancellation=on)
        if self._bridge is not None:
            try:
                self._bridge.set_echo_cancellation(on)
            except OSError as exc:
                raise EngineError(f"Could not reopen the headset: {exc}") from exc
        elif self.audio_backend == "native":
            self._set_native_echo_cancellation(ep.audDevManager(), on)

    def _open_bridge(self) -> None:
        """Open the PortAudio bridge, or say why calls will have no sound.

        A chosen headset that is not there (unplugged since last time) gives
        way to the default devices, with a notice; it is offered again when
        it comes back.
        """
        if self.settings.audio not in ("auto", "portaudio"):
            self.audio_backend = "none"
            return
        chosen = (self.settings.capture_device, self.settings.playback_device)
        echo = self.settings.echo_cancellation
        bridge = PortAudioBridge(
            self.settings.clock_rate, chosen[0] or None, chosen[1] or None, echo_cancellation=echo
        )
        try:
            try:
                bridge.start()
            except OSError as exc:
                if not any(chosen):
                    raise
                log.warning("The chosen headset did not open (%s); trying the default", exc)
                bridge = PortAudioBridge(self.settings.clock_rate, echo_cancellation=echo)
                bridge.start()
                self._fell_back(
                    chosen,
                    ("", ""),
                    " / ".join(dict.fromkeys(n for n in chosen if n)),
                    "is missing",
                )
        except (OSError, pj.Error) as exc:
            self.audio_backend = "none"
            self.audio_problem = f"no sound device could be opened: {_pj_text(exc)}"
            log.warning("Calls will have no sound: %s", self.audio_problem)
            return
        self._bridge = bridge
        self.audio_backend = "portaudio"
        watcher = pulse.DeviceWatcher()
        if watcher.start():
            self._device_watch = watcher

    def _headset(self, ep: PjEndpoint) -> tuple[Any, Any]:
        """The conference ports that stand for the agent's microphone and earphones."""
        if self._bridge is not None:
            return self._bridge.media, self._bridge.media
        manager = ep.audDevManager()
        return manager.getCaptureDevMedia(), manager.getPlaybackDevMedia()

    def audio_levels(self) -> tuple[float, float]:
        """(microphone, earphones) signal levels from 0 to 1, for the window's meters."""
        ep = self._ep
        if ep is None:
            return (0.0, 0.0)
        try:
            capture, playback = self._headset(ep)
            # The conference keeps two levels per port (0 to 255). Measured here:
            # "tx" is what the port sends into the bridge (the microphone), "rx"
            # what the port receives from it (the earphones).
            return (capture.getTxLevel() / 255.0, playback.getRxLevel() / 255.0)
        except pj.Error:
            return (0.0, 0.0)

    def set_volumes(self, microphone: float, earphones: float) -> None:
        """Scale the microphone and the earphones (1.0 as is, 0 silent, up to 2.0 louder).

        Calls up or not, and they last through a change of devices.
        """
        ep = self._require()
        for name, value in (("microphone", microphone), ("earphones", earphones)):
            if not 0.0 <= value <= MAX_VOLUME:
                raise ValueError(f"{name} volume must be from 0.0 to {MAX_VOLUME}, not {value}")
        self.settings = dataclasses.replace(
            self.settings, microphone_volume=microphone, earphone_volume=earphones
        )
        if self.audio_backend == "none":
            return  # nothing to scale; kept for when a device opens
        capture, playback = self._headset(ep)
        # As with the levels above: "tx" is the port's own signal into the
        # bridge, "rx" what it is given to play.
        try:
            capture.adjustTxLevel(microphone)
            playback.adjustRxLevel(earphones)
        except pj.Error as exc:
            raise EngineError(f"Could not set the headset volume: {_pj_text(exc)}") from exc
        log.info(
            "Headset volume: microphone %.0f %%, earphones %.0f %%",
            microphone * 100,
            earphones * 100,
        )

    @property
    def volumes(self) -> tuple[float, float]:
        """The (microphone, earphones) volumes in use, 1.0 as the devices give them."""
        return self.settings.microphone_volume, self.settings.earphone_volume

    def switch_audio_devices(self, capture: str, playback: str) -> None:
        """Use other devices for the headset, by name ("" for the default), calls up or not."""
        self._require()
        self._wanted_devices = None  # the agent chose: no more offers to switch back
        if self._bridge is not None:
            try:
                self._bridge.switch_devices(capture or None, playback or None)
            except OSError as exc:
                raise EngineError(f"Could not switch the headset: {exc}") from exc
            self._queue(AudioDevicesChanged(capture, playback, "switched"))
            return
        if self._native is not None:
            native = self._native
            try:
                native.refresh()
                missing = native.use(capture, playback)
            except pj.Error as exc:
                raise EngineError(f"Could not switch the headset: {_pj_text(exc)}") from exc
            if missing:
                lost = " / ".join(dict.fromkeys(missing))
                reason = f"{lost} is not plugged in; using the default device"
                self._queue(AudioDevicesChanged(native.capture, native.playback, reason, lost))
            else:
                self._queue(AudioDevicesChanged(capture, playback, "switched"))

    def _check_audio_devices(self) -> None:
        """Every second or two: follow the system's devices, and fall back when the headset goes.

        A headset goes in one of three ways: PortAudio stops the bridge's
        stream (the device vanished under it); the sound server or the
        build's own device list no longer has it; or pjsua reports that its
        device stopped on an error. Each way the headset reopens on what is
        left, the agent is told, and when the device comes back the agent is
        offered to switch back.
        """
        now = self._clock()
        if now < self._next_device_check:
            return
        if self._native is not None:
            self._next_device_check = now + NATIVE_DEVICE_CHECK_SECONDS
            self._check_native_devices(self._native)
            return
        bridge = self._bridge
        if bridge is None:
            return
        self._next_device_check = now + 1.0
        if self._device_watch is not None and self._device_watch.changed():
            self._queue(AudioDeviceListChanged())
            self._follow_device_list(bridge)
        if bridge.streams_alive():
            return
        chosen = (bridge.capture_device or "", bridge.playback_device or "")
        lost = " / ".join(dict.fromkeys(name for name in chosen if name)) or "default"
        log.warning("The headset (%s) stopped; falling back to the default devices", lost)
        try:
            bridge.switch_devices(None, None)
        except OSError as exc:
            self.audio_problem = f"no sound device could be opened: {exc}"
            log.warning("Calls will have no sound: %s", self.audio_problem)
            return
        self._fell_back(chosen, ("", ""), lost, "stopped")

    def _follow_device_list(self, bridge: PortAudioBridge) -> None:
        served = pulse.pulse_devices()
        if served is None:
            return

        def present(name: str, output: bool) -> bool:
            return not name or pulse.find(served, name, "sink" if output else "source") is not None

        current = (bridge.capture_device or "", bridge.playback_device or "")
        gone = lost_devices(current, present)
        if gone is None:
            self._offer_return(current, present)
            return
        keep, lost = gone
        log.warning("The headset (%s) went away; using %s", lost, keep)
        try:
            bridge.switch_devices(keep[0] or None, keep[1] or None)
        except OSError as exc:
            self.audio_problem = f"no sound device could be opened: {exc}"
            log.warning("Calls will have no sound: %s", self.audio_problem)
            return
        self._fell_back(current, keep, lost)

    def _check_native_devices(self, native: NativeHeadset) -> None:
        """The build's own devices: read the list again, follow the headset, say what changed."""
        failed, self._native_error = self._native_error, False
        current = (native.capture, native.playback)
        try:
            if native.refresh():
                self._queue(AudioDeviceListChanged())
            gone = lost_devices(current, native.present)
            if gone is None and not failed:
                self._offer_return(current, native.present)
                return
            if gone is None:  # the device is listed, but pjsua says it stopped on an error
                keep = ("", "")
                lost = " / ".join(dict.fromkeys(name for name in current if name)) or "default"
                how = "stopped"
            else:
                (keep, lost), how = gone, "went away"
            log.warning("The headset (%s) %s; using %s", lost, how, keep)
            native.use(*keep, reopen=failed)
        except pj.Error as exc:
            log.warning("Following the sound devices: %s", _pj_text(exc))
            return
        self._fell_back(current, keep, lost, how)

    def _offer_return(self, current: tuple[str, str], present: Present) -> None:
        """Once per fallback: offer the devices the agent chose when they are back."""
        wanted = self._wanted_devices
        if wanted is None or self._offered_return or wanted == current:
            return
        if all_present(wanted, present):
            self._offered_return = True
            self._queue(AudioDeviceReturned(*wanted))

    def on_audio_device_error(self) -> None:
        """pjsua's sound device stopped on an error (unplugged): any thread, only a flag."""
        self._native_error = True

    def _fell_back(
        self, chosen: tuple[str, str], now: tuple[str, str], lost: str, how: str = "went away"
    ) -> None:
        """Remember what the agent chose, and say the headset now runs on `now`."""
        if self._wanted_devices is None and any(chosen):
            self._wanted_devices = chosen
        self._offered_return = False
        reason = f"{lost} {how}; using the default device"
        self._queue(AudioDevicesChanged(now[0], now[1], reason, lost=lost))

    def audio_devices(self) -> tuple[AudioDevice, ...]:
        """The devices the agent can choose from now, read afresh: the build's own when calls
        use them, else the sound server's or PortAudio's."""
        if self._native is not None:
            try:
                self._native.refresh()
            except pj.Error as exc:
                log.warning("Reading the sound devices: %s", _pj_text(exc))
            return self._native.devices
        return headset_devices()[0]

    def bridge_stats(self) -> BridgeStats | None:
        """The PortAudio bridge's frame counters, when the bridge is in use."""
        return self._bridge.stats() if self._bridge is not None else None

    def _unregister_all(self, deadline: float) -> None:
        ep = self._ep
        if ep is None:
            return
        waiting = []
        for account_id, entry in self._accounts.items():
            entry.retry_at = None
            if entry.status is RegistrationStatus.REGISTERED:
                try:
                    entry.account.setRegistration(False)
                    waiting.append(account_id)
                except pj.Error as exc:
                    log.info("Account %d: unregister not sent: %s", account_id, _pj_text(exc))
        while waiting and self._clock() < deadline:
            ep.libHandleEvents(20)
            waiting = [
                a for a in waiting if self._accounts[a].status is RegistrationStatus.REGISTERED
            ]

    def _hangup_quietly(self, call: PjCall, code: int) -> None:
        prm = pj.CallOpParam(True)
        prm.statusCode = code
        with contextlib.suppress(pj.Error):
            call.hangup(prm)

    def _destroy_library(self) -> None:
        self._headset_test.close()
        ep = self._ep
        self._ep = None
        self._calls.clear()
        self._accounts.clear()
        if self._device_watch is not None:
            self._device_watch.stop()
            self._device_watch = None
        if self._bridge is not None:
            self._bridge.stop()
            self._bridge = None
        gc.collect()
        if ep is not None:
            try:
                # Calls and registrations were already ended above, with their
                # own bounded waits: skip pjsua's extra second of listening.
                ep.libDestroy(pj.PJSUA_DESTROY_NO_RX_MSG)
            except pj.Error as exc:
                log.warning("pjsua2 did not shut down cleanly: %s", _pj_text(exc))
        del ep
        self._log_writer = None
        self._transports.clear()
        self._closing = False
        gc.collect()


# The codecs offered first, best first. G.722 is wideband and every PBX
# speaks it; G.711 (PCMU, PCMA) is what every PBX falls back to. pjsua's own
# order puts Speex first, which PBXs rarely offer, and which turned a caller's
# steady tone into loud noise for seconds at a time in about a third of
# the rig's calls (never with G.722 in 8 runs).
CODEC_PREFERENCE = ("G722/16000/1", "PCMU/8000/1", "PCMA/8000/1")


def _prefer_codecs(ep: Any) -> None:
    """Put `CODEC_PREFERENCE` ahead of the build's other codecs (absent ones skipped)."""
    available = {str(codec.codecId) for codec in ep.codecEnum2()}
    for rank, codec_id in enumerate(CODEC_PREFERENCE):
        if codec_id in available:
            ep.codecSetPriority(codec_id, 255 - rank)


def _pj_text(exc: Any) -> str:
    try:
        return str(exc.reason or exc.info())
    except Exception:
        return str(exc)


def _seconds(duration: Any) -> float:
    return float(duration.sec) + float(duration.msec) / 1000.0


def _header(name: str, value: str) -> Any:
    header = pj.SipHeader()
    header.hName = name
    header.hValue = value
    return header


def refer_to_uri(uri: str, headers: Sequence[tuple[str, str]]) -> str:
    """`uri` with `headers` embedded (RFC 3261 section 19.1.1), in angle brackets for Refer-To."""
    if not headers:
        return f"<{uri}>"
    embedded = "&".join(
        f"{quote(name, safe='-')}={quote(value, safe=_HEADER_VALUE_SAFE)}"
        for name, value in headers
    )
    return f"<{uri}?{embedded}>"


def _loose_route(uri: str) -> str:
    return uri if ";lr" in uri else f"{uri};lr"


def _with_display_name(settings: AccountSettings) -> str:
    name = settings.display_name.replace('"', "'").strip()
    return f'"{name}" <{settings.sip_uri}>' if name else settings.sip_uri


def _safe_text(read: Callable[[], Any]) -> str:
    try:
        value = read()
    except UnicodeDecodeError as exc:
        return bytes(exc.object).decode("utf-8", errors="replace")
    except Exception:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def _system_ca_bundle() -> str:
    for candidate in _SYSTEM_CA_BUNDLES:
        if Path(candidate).is_file():
            return candidate
    return ""


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Keep pjlib's start-up banner off stdout: it prints before logging is configured."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    sys.stdout.flush()
    saved = os.dup(fd)
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), fd)
        yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)
