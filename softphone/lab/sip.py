"""The lab's one pjsua2 endpoint: the PBX's edge toward the human agent and the IVR.

It listens on a loopback UDP port and registers nothing. Through the lab's
Kamailio (its outbound proxy) it places:

- agent legs: a caller's call to the human agent's SIP user, carrying the
  IVR's context headers; the caller's voice is a tone. A REFER on that leg
  (the agent transferring the caller) is accepted: the caller's side calls
  the transfer target, as a caller's phone would;
- after a transfer to the survey, the caller's call to it, pressing a score.

It answers, as the IVR, the INVITEs Kamailio routes to the lab's
extensions: the survey (8100) plays a prompt, reads one DTMF digit 1 to 5
and reports it; the other menus (8000, 8200) play a tone and hang up.

Rules of DESIGN.md: the Endpoint is created on the thread that polls it
(threadCnt 0, mainThreadOnly); every callback catches its own exceptions
and only queues work; calls, tone players and the account are held in dicts
and dropped after DISCONNECTED from `poll()`, outside their callbacks;
`shutdown()` hangs up, waits (bounded), drops everything, then destroys the
library.
"""

from __future__ import annotations

import gc
import itertools
import logging
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import pjsua2 as pj

from softphone.lab.scenario import SURVEY_EXTENSION
from softphone.lab.schedule import Scheduler

log = logging.getLogger(__name__)

MAX_CALLS = 4  # PJSUA_MAX_CALLS of the pjsua2-python build: uaConfig.maxCalls cannot raise it
MENU_EXTENSIONS = ("8000", "8200")  # answered with a tone, then hung up
CALL_KEY_HEADER = "X-Callboard-Call-Id"  # which call a survey call is about
HANGUP_TIMEOUT_S = 2.0
PROMPT_SECONDS = 0.6  # the survey prompt: two beeps
DIGIT_AFTER_S = 0.9  # a caller presses their score after the prompt
SURVEY_TIMEOUT_S = 20.0  # the survey hangs up on a caller who presses nothing
MENU_SECONDS = 3.0


class LabListener(Protocol):
    """What the endpoint reports to the call center."""

    def leg_answered(self, leg: str) -> None:
        """An agent leg was answered."""

    def leg_transferred(self, leg: str, target: str) -> None:
        """The agent on `leg` transferred the caller to `target`."""

    def leg_ended(self, leg: str, code: int, by_lab: bool) -> None:
        """An agent leg ended with `code`; `by_lab` when the lab hung it up."""

    def survey_pressed(self, call_key: str, score: int) -> None:
        """A caller of the lab pressed `score` in a survey."""

    def survey_scored(self, call_key: str, score: int) -> None:
        """The survey IVR read `score` for the call `call_key`."""


@dataclass
class _Role:
    kind: str  # agent_leg, survey_caller, survey, menu
    call_key: str = ""  # survey and survey_caller: the call the score belongs to
    digit: int | None = None  # survey_caller: what to press


def _header(name: str, value: str) -> Any:
    header = pj.SipHeader()
    header.hName = name
    header.hValue = value
    return header


def _describe(exc: BaseException) -> str:
    info = getattr(exc, "info", None)
    if callable(info):
        try:
            return str(info())
        except Exception:  # noqa: S110 - fall back to the type and message
            pass
    return f"{type(exc).__name__}: {exc}"


def _message_headers(message: str) -> dict[str, str]:
    head = re.split(r"\r?\n\r?\n", message, maxsplit=1)[0]
    headers: dict[str, str] = {}
    for line in re.split(r"\r?\n", head)[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers.setdefault(name.strip().lower(), value.strip())
    return headers


def _request_user(message: str) -> str:
    first = message.split("\n", 1)[0]
    match = re.match(r"\s*\w+\s+sips?:([^@;>\s]+)@", first)
    return match.group(1) if match else ""


class _Account(pj.Account):  # type: ignore[misc]
    def __init__(self, endpoint: LabEndpoint) -> None:
        super().__init__()
        self.endpoint = endpoint

    def onIncomingCall(self, prm: Any) -> None:
        self.endpoint.guard("onIncomingCall", lambda: self.endpoint.on_incoming(self, prm))


class _Call(pj.Call):  # type: ignore[misc]
    def __init__(
        self, endpoint: LabEndpoint, account: _Account, role: _Role, call_id: int | None = None
    ) -> None:
        if call_id is None:
            super().__init__(account)
        else:
            super().__init__(account, call_id)
        self.endpoint = endpoint
        self.account = account
        self.role = role
        self.label = 0
        self.sip_call_id = ""
        self.state = "NULL"
        self.code = 0
        self.answered = False
        self.hung_up_here = False
        self.ended = False
        self.media_started = False
        self.digit_read = False

    def onCallState(self, prm: Any) -> None:
        self.endpoint.guard("onCallState", lambda: self.endpoint.on_call_state(self))

    def onCallMediaState(self, prm: Any) -> None:
        self.endpoint.guard("onCallMediaState", lambda: self.endpoint.on_media(self))

    def onDtmfDigit(self, prm: Any) -> None:
        digit = str(prm.digit)
        self.endpoint.guard("onDtmfDigit", lambda: self.endpoint.on_dtmf(self, digit))

    def onCallTransferRequest(self, prm: Any) -> None:
        self.endpoint.guard(
            "onCallTransferRequest", lambda: self.endpoint.on_transfer_request(self, prm)
        )


class LabEndpoint:
    """The lab's pjsua2 endpoint: agent legs out, survey calls out, IVR extensions in."""

    def __init__(
        self,
        listener: LabListener,
        scheduler: Scheduler,
        *,
        port: int = 0,
        host: str = "127.0.0.1",
        log_file: str | None = None,
    ) -> None:
        self.listener = listener
        self.scheduler = scheduler
        self.port = port
        self.host = host
        self.log_file = log_file
        self.proxy = ""
        self.domain = host
        self._ep: Any = None
        self._account: _Account | None = None
        self._calls: dict[int, _Call] = {}
        self._by_sip_id: dict[str, _Call] = {}
        self._survey_keys: dict[str, str] = {}  # SIP Call-ID of a survey_caller -> call key
        self._tones: dict[int, Any] = {}  # by call label
        self._labels = itertools.count(1)
        self._work: deque[Callable[[], None]] = deque()
        self._to_drop: list[int] = []

    # -- life ------------------------------------------------------------

    def start(self) -> int:
        """Create the endpoint on this thread and listen; returns the UDP port."""
        ep = pj.Endpoint()
        ep.libCreate()
        self._ep = ep
        config = pj.EpConfig()
        config.uaConfig.threadCnt = 0
        config.uaConfig.mainThreadOnly = True
        config.uaConfig.maxCalls = MAX_CALLS
        config.uaConfig.userAgent = "Callboard lab"
        config.logConfig.level = 4 if self.log_file else 1
        config.logConfig.consoleLevel = 1
        if self.log_file:
            config.logConfig.filename = self.log_file
        config.medConfig.noVad = True
        ep.libInit(config)
        transport = pj.TransportConfig()
        transport.port = self.port
        transport.boundAddress = self.host
        transport_id = ep.transportCreate(pj.PJSIP_TRANSPORT_UDP, transport)
        self.port = int(ep.transportGetInfo(transport_id).localName.rsplit(":", 1)[1])
        self._transport_id = transport_id
        ep.audDevManager().setNullDev()
        ep.libStart()
        log.info("Lab SIP endpoint listening on udp:%s:%d", self.host, self.port)
        return self.port

    def use_proxy(self, proxy_uri: str, domain: str) -> None:
        """Create the lab's account: no registration, every request through `proxy_uri`."""
        config = pj.AccountConfig()
        config.idUri = f'"Callboard lab" <sip:lab@{domain}>'
        config.sipConfig.proxies.append(f"{proxy_uri};lr")
        config.sipConfig.transportId = self._transport_id
        config.natConfig.sipOutboundUse = 0
        config.natConfig.contactRewriteUse = 0
        config.natConfig.viaRewriteUse = 0
        config.natConfig.sdpNatRewriteUse = 0
        config.mediaConfig.transportConfig.boundAddress = self.host
        config.mediaConfig.transportConfig.port = 0
        account = _Account(self)
        account.create(config, True)
        self._account = account
        self.proxy, self.domain = proxy_uri, domain

    def poll(self, timeout_ms: int = 10) -> None:
        """Let pjsua2 work, then run the work its callbacks queued and drop ended calls."""
        if self._ep is None:
            return
        self._ep.libHandleEvents(timeout_ms)
        while self._work:
            self.guard("lab work", self._work.popleft())
        for label in self._to_drop:
            call = self._calls.pop(label, None)
            self._tones.pop(label, None)
            if call is not None:
                self._by_sip_id.pop(call.sip_call_id, None)
        self._to_drop.clear()

    @property
    def busy(self) -> bool:
        """True while any survey or menu call is under way."""
        return any(c.role.kind != "agent_leg" for c in self._calls.values())

    def shutdown(self) -> None:
        """Hang up every call, wait for them to end (bounded), destroy the library."""
        ep = self._ep
        if ep is None:
            return
        self._tones.clear()
        self._hang_up_all()
        self._calls.clear()
        self._by_sip_id.clear()
        self._work.clear()
        if self._account is not None:
            self._account.shutdown()
            self._account = None
        gc.collect()
        ep.libDestroy(pj.PJSUA_DESTROY_NO_NETWORK)
        self._ep = None
        gc.collect()
        log.info("Lab SIP endpoint stopped")

    def _hang_up_all(self) -> None:
        for call in list(self._calls.values()):
            if not call.ended:
                try:
                    call.hangup(pj.CallOpParam())
                except Exception as exc:
                    log.debug("Hang-up at shutdown: %s", _describe(exc))
        deadline = time.monotonic() + HANGUP_TIMEOUT_S
        while time.monotonic() < deadline and any(not c.ended for c in self._calls.values()):
            self._ep.libHandleEvents(10)

    def guard(self, what: str, action: Callable[[], Any]) -> None:
        """Run `action`; log an exception instead of letting it reach pjsua2."""
        try:
            action()
        except Exception:
            log.exception("Lab SIP: %s failed", what)

    # -- calls the lab places ----------------------------------------------

    def _place(self, uri: str, role: _Role, headers: list[tuple[str, str]]) -> _Call:
        if self._account is None:
            raise RuntimeError("the lab endpoint has no proxy: call use_proxy() first")
        if sum(1 for c in self._calls.values() if not c.ended) >= MAX_CALLS:
            # A Call object whose makeCall failed for want of a slot aborts
            # pjsua at its destruction: refuse before making one.
            raise RuntimeError(f"the lab already has {MAX_CALLS} calls, pjsua2's limit")
        call = _Call(self, self._account, role)
        call.label = next(self._labels)
        self._calls[call.label] = call
        prm = pj.CallOpParam(True)
        for name, value in headers:
            prm.txOption.headers.append(_header(name, value))
        try:
            call.makeCall(uri, prm)
        except Exception:
            self._calls.pop(call.label, None)
            raise
        call.sip_call_id = str(call.getInfo().callIdString)
        self._by_sip_id[call.sip_call_id] = call
        return call

    def call_agent(
        self, user: str, headers: list[tuple[str, str]], survey_digit: int | None
    ) -> str:
        """Ring the agent's SIP user with the caller context; returns the leg's SIP Call-ID."""
        call = self._place(
            f"sip:{user}@{self.domain}", _Role("agent_leg", digit=survey_digit), headers
        )
        log.info("Agent leg %s to %s", call.sip_call_id, user)
        return call.sip_call_id

    def hang_up(self, leg: str) -> None:
        """End an agent leg (CANCEL while it rings, BYE once answered)."""
        call = self._by_sip_id.get(leg)
        if call is None or call.ended:
            return
        call.hung_up_here = True
        try:
            call.hangup(pj.CallOpParam(True))
        except Exception as exc:
            log.info("Hang-up of %s not sent: %s", leg, _describe(exc))

    # -- callbacks (queued work only) --------------------------------------

    def on_call_state(self, call: _Call) -> None:
        info = call.getInfo()
        states = {
            pj.PJSIP_INV_STATE_CALLING: "CALLING",
            pj.PJSIP_INV_STATE_INCOMING: "INCOMING",
            pj.PJSIP_INV_STATE_EARLY: "EARLY",
            pj.PJSIP_INV_STATE_CONNECTING: "CONNECTING",
            pj.PJSIP_INV_STATE_CONFIRMED: "CONFIRMED",
            pj.PJSIP_INV_STATE_DISCONNECTED: "DISCONNECTED",
        }
        call.state = states.get(info.state, str(info.state))
        call.code = int(info.lastStatusCode)
        if not call.sip_call_id:
            call.sip_call_id = str(info.callIdString)
            self._by_sip_id[call.sip_call_id] = call
            if call.role.kind == "survey_caller":
                self._survey_keys[call.sip_call_id] = call.role.call_key
        if call.state == "CONFIRMED" and not call.answered:
            call.answered = True
            if call.role.kind == "agent_leg":
                leg = call.sip_call_id
                self._work.append(lambda: self.listener.leg_answered(leg))
        elif call.state == "DISCONNECTED" and not call.ended:
            call.ended = True
            self._to_drop.append(call.label)
            if call.role.kind == "agent_leg":
                leg, code, by_lab = call.sip_call_id, call.code, call.hung_up_here
                self._work.append(lambda: self.listener.leg_ended(leg, code, by_lab))
            log.debug("Lab call %s (%s) ended: %d", call.sip_call_id, call.role.kind, call.code)

    def on_media(self, call: _Call) -> None:
        info = call.getInfo()
        active = any(
            m.type == pj.PJMEDIA_TYPE_AUDIO and m.status == pj.PJSUA_CALL_MEDIA_ACTIVE
            for m in info.media
        )
        if not active or call.media_started:
            return
        call.media_started = True
        kind = call.role.kind
        if kind == "agent_leg":
            self._play(call, [(420, 0, 900, 300)], loop=True)  # the caller speaking
        elif kind == "survey_caller":
            self._play(call, [(300, 0, 700, 500)], loop=True)
            label = call.label
            self.scheduler.after(DIGIT_AFTER_S, lambda: self._press(label))
        elif kind == "survey":
            self._play(call, [(880, 0, 150, 150), (1320, 0, 150, 150)], loop=False)
            label = call.label
            self.scheduler.after(SURVEY_TIMEOUT_S, lambda: self._end(label))
        elif kind == "menu":
            self._play(call, [(440, 480, 2000, 1000)], loop=True)
            label = call.label
            self.scheduler.after(MENU_SECONDS, lambda: self._end(label))

    def _play(self, call: _Call, tones: list[tuple[int, int, int, int]], *, loop: bool) -> None:
        player = pj.ToneGenerator()
        player.createToneGenerator()
        descs = pj.ToneDescVector()
        for freq1, freq2, on_ms, off_ms in tones:
            desc = pj.ToneDesc()
            desc.freq1, desc.freq2, desc.on_msec, desc.off_msec = freq1, freq2, on_ms, off_ms
            desc.volume = 0
            descs.append(desc)
        player.play(descs, loop)
        player.startTransmit(call.getAudioMedia(-1))
        self._tones[call.label] = player

    def _press(self, label: int) -> None:
        call = self._calls.get(label)
        if call is None or call.ended or call.role.digit is None:
            return
        digit = call.role.digit
        call.dialDtmf(str(digit))
        key = call.role.call_key
        self.listener.survey_pressed(key, digit)
        log.info("Survey caller for %s pressed %d", key, digit)

    def _end(self, label: int) -> None:
        call = self._calls.get(label)
        if call is not None and not call.ended:
            call.hung_up_here = True
            call.hangup(pj.CallOpParam(True))

    def on_dtmf(self, call: _Call, digit: str) -> None:
        if call.role.kind != "survey" or call.digit_read:
            return
        if digit not in "12345" or len(digit) != 1:
            log.info("Survey %s: digit %r is not a score from 1 to 5", call.role.call_key, digit)
            return
        call.digit_read = True
        key, score, label = call.role.call_key, int(digit), call.label
        log.info("Survey for %s: score %d", key, score)
        self._work.append(lambda: self.listener.survey_scored(key, score))
        self.scheduler.after(PROMPT_SECONDS, lambda: self._end(label))

    def on_transfer_request(self, call: _Call, prm: Any) -> None:
        if call.role.kind != "agent_leg":
            prm.statusCode = 603
            return
        assert self._account is not None
        target = str(prm.dstUri)
        if sum(1 for c in self._calls.values() if not c.ended) >= MAX_CALLS:
            log.warning(
                "Agent leg %s: transfer to %s refused, no call slot", call.sip_call_id, target
            )
            prm.statusCode = 503
            return
        match = re.search(r"sips?:([^@;>\s]+)@", target)
        to_survey = match is not None and match.group(1) == SURVEY_EXTENSION
        digit = call.role.digit if to_survey else None
        new = _Call(self, self._account, _Role("survey_caller", call.sip_call_id, digit))
        new.label = next(self._labels)
        self._calls[new.label] = new
        prm.newCall = new
        prm.statusCode = 202
        leg = call.sip_call_id
        self._work.append(lambda: self.listener.leg_transferred(leg, target))
        log.info("Agent leg %s: transfer to %s accepted", leg, target)

    def on_incoming(self, account: _Account, prm: Any) -> None:
        message = str(prm.rdata.wholeMsg)
        user = _request_user(message)
        headers = _message_headers(message)
        sip_call_id = headers.get("call-id", "")
        if user == SURVEY_EXTENSION:
            key = (
                self._survey_keys.get(sip_call_id)
                or headers.get(CALL_KEY_HEADER.lower())
                or sip_call_id
            )
            role = _Role("survey", key)
        elif user in MENU_EXTENSIONS:
            role = _Role("menu")
        else:
            role = _Role("unknown")
        call = _Call(self, account, role, prm.callId)
        call.label = next(self._labels)
        call.state = "INCOMING"
        self._calls[call.label] = call
        answer = pj.CallOpParam(True)
        answer.statusCode = 404 if role.kind == "unknown" else 200
        call.answer(answer)
        log.info("IVR: incoming call to %s (%s), %d", user, role.kind, answer.statusCode)
