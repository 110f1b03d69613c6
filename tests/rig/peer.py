"""A scriptable pjsua2 SIP peer in a process of its own, driven by JSON lines.

Run as ``python -m tests.rig.peer [--log-file PATH] [--log-level N]``. Commands
arrive on stdin and events leave on stdout, one JSON object per line. Nothing
else is ever written to stdout: the events go to a private copy of the
original stdout, and fd 1 is pointed at stderr so that native pjsua output
cannot corrupt the protocol. tests/rig/peer_client.py documents the protocol.

This is raw pjsua2 on purpose, independent of the project's SIP engine:
one thread polls the endpoint (threadCnt 0, mainThreadOnly), a reader thread
only queues stdin lines, Account and Call objects are held in dicts, and a
Call is dropped after DISCONNECTED outside its own callback.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import queue
import re
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

import pjsua2 as pj

# Bounds of the shutdown steps: on loopback a live registrar or peer answers
# in milliseconds; these only matter when it is gone (stopped by the test).
HANGUP_TIMEOUT_S = 2.0
UNREGISTER_TIMEOUT_S = 1.0

_CALL_STATES = {
    pj.PJSIP_INV_STATE_NULL: "NULL",
    pj.PJSIP_INV_STATE_CALLING: "CALLING",
    pj.PJSIP_INV_STATE_INCOMING: "INCOMING",
    pj.PJSIP_INV_STATE_EARLY: "EARLY",
    pj.PJSIP_INV_STATE_CONNECTING: "CONNECTING",
    pj.PJSIP_INV_STATE_CONFIRMED: "CONFIRMED",
    pj.PJSIP_INV_STATE_DISCONNECTED: "DISCONNECTED",
}
_MEDIA_STATUS = {
    pj.PJSUA_CALL_MEDIA_NONE: "none",
    pj.PJSUA_CALL_MEDIA_ACTIVE: "active",
    pj.PJSUA_CALL_MEDIA_LOCAL_HOLD: "local_hold",
    pj.PJSUA_CALL_MEDIA_REMOTE_HOLD: "remote_hold",
    pj.PJSUA_CALL_MEDIA_ERROR: "error",
}
_TRANSPORTS = {
    "udp": pj.PJSIP_TRANSPORT_UDP,
    "tcp": pj.PJSIP_TRANSPORT_TCP,
    "tls": pj.PJSIP_TRANSPORT_TLS,
}
_DIRECTIONS = ("sendrecv", "sendonly", "recvonly", "inactive")


class CommandError(Exception):
    """A command that cannot be carried out; reported as an error event."""


def parse_headers(message: str) -> dict[str, str]:
    """Return the header fields of a SIP message (folded lines joined, repeats comma-joined)."""
    head = re.split(r"\r?\n\r?\n", message, maxsplit=1)[0]
    lines = re.split(r"\r?\n", head)[1:]
    headers: dict[str, str] = {}
    last = None
    for line in lines:
        if line[:1] in (" ", "\t") and last is not None:
            headers[last] += " " + line.strip()
            continue
        name, sep, value = line.partition(":")
        if not sep:
            continue
        name, value = name.strip(), value.strip()
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
        last = name
    return headers


def sdp_direction(sdp: str) -> str:
    """Return the direction of the first audio stream of an SDP (sendrecv if unsaid)."""
    session, media = sdp, ""
    match = re.search(r"^m=audio .*$", sdp, flags=re.M)
    if match:
        session = sdp[: match.start()]
        rest = sdp[match.end() :]
        following = re.search(r"^m=", rest, flags=re.M)
        media = rest[: following.start()] if following else rest
    for part in (media, session):
        for line in re.findall(r"^a=(\w+)\s*$", part, flags=re.M):
            if line in _DIRECTIONS:
                return str(line)
    return "sendrecv"


class Peer:
    """The peer's state: the endpoint, accounts, calls, and the event stream."""

    def __init__(self, out: Any) -> None:
        self.out = out
        self.ep: pj.Endpoint | None = None
        self.transports: dict[str, int] = {}
        self.accounts: dict[str, PeerAccount] = {}
        self.calls: dict[int, PeerCall] = {}
        self.next_call_label = 1
        self.auto_answer_code: int | None = None
        self.auto_answer_delay_ms = 0
        self.refer_code = 202  # how this peer answers a REFER: 202 accepts it
        # Tone players and recorders, by call label: deleted before libDestroy.
        self.media_objects: dict[str, Any] = {}
        self.timers: list[tuple[float, Callable[[], None]]] = []
        self.to_drop: set[int] = set()

    # --- events -------------------------------------------------------

    def emit(self, event: str, **fields: Any) -> None:
        """Write one event as a JSON line on the private stdout."""
        self.out.write(json.dumps({"event": event, **fields}) + "\n")
        self.out.flush()

    def log(self, text: str) -> None:
        """Write a line for humans on stderr."""
        sys.stderr.write(f"peer: {text}\n")
        sys.stderr.flush()

    # --- lifetime -----------------------------------------------------

    def start(self, log_file: str | None, log_level: int) -> None:
        """Create the endpoint on this thread and start the library."""
        ep = self.ep = pj.Endpoint()
        ep.libCreate()
        config = pj.EpConfig()
        config.uaConfig.threadCnt = 0
        config.uaConfig.mainThreadOnly = True
        config.uaConfig.userAgent = "callboard-test-peer"
        config.logConfig.level = log_level
        config.logConfig.consoleLevel = log_level if not log_file else min(log_level, 2)
        if log_file:
            config.logConfig.filename = log_file
        config.medConfig.noVad = True
        ep.libInit(config)
        ep.audDevManager().setNullDev()
        # Offer what a PBX offers (Asterisk: G.722, G.711), not pjsua's Speex
        # first: Speex turns a steady test tone into noise now and then.
        for rank, codec in enumerate(("G722/16000/1", "PCMU/8000/1", "PCMA/8000/1")):
            ep.codecSetPriority(codec, 255 - rank)
        ep.libStart()

    def transport_id(self, kind: str, ca_cert: str | None) -> int:
        """Return the id of this peer's transport of a kind, creating it on first use."""
        if kind not in _TRANSPORTS:
            raise CommandError(f"unknown transport {kind!r}: use udp, tcp or tls")
        if kind not in self.transports:
            assert self.ep is not None
            config = pj.TransportConfig()
            config.port = 0
            config.boundAddress = "127.0.0.1"
            if kind == "tls":
                if ca_cert:
                    config.tlsConfig.CaListFile = ca_cert
                    config.tlsConfig.verifyServer = True
                config.tlsConfig.method = pj.PJSIP_TLSV1_2_METHOD
            self.transports[kind] = self.ep.transportCreate(_TRANSPORTS[kind], config)
        return self.transports[kind]

    def poll(self) -> None:
        """Run due timers and drop disconnected calls, outside any callback."""
        now = time.monotonic()
        due = [t for t in self.timers if t[0] <= now]
        self.timers = [t for t in self.timers if t[0] > now]
        for _, action in due:
            self.guard("timer", action)
        for label in sorted(self.to_drop):
            self.calls.pop(label, None)
        self.to_drop.clear()

    def shutdown(self) -> None:
        """Hang up every call, wait for them to end, then destroy the library."""
        if self.ep is None:
            return
        # Each step is a method of its own so that no loop variable keeps a
        # Call or Account alive past libDestroy(), which would abort.
        self.media_objects.clear()
        self._end_calls()
        self._end_accounts()
        gc.collect()
        self.ep.libDestroy(pj.PJSUA_DESTROY_NO_NETWORK)
        self.ep = None
        gc.collect()

    def _end_calls(self) -> None:
        assert self.ep is not None
        for call in list(self.calls.values()):
            if call.state != "DISCONNECTED":
                try:
                    call.hangup(pj.CallOpParam())
                except Exception as exc:
                    self.log(f"hangup of call {call.label} at shutdown: {describe(exc)}")
        deadline = time.monotonic() + HANGUP_TIMEOUT_S
        while time.monotonic() < deadline and any(
            c.state != "DISCONNECTED" and c.started for c in self.calls.values()
        ):
            self.ep.libHandleEvents(10)
        self.calls.clear()
        self.timers.clear()

    def _end_accounts(self) -> None:
        # Unregister here, bounded, then destroy without network: libDestroy
        # would otherwise always spend about a second on unregistration.
        assert self.ep is not None
        for account in self.accounts.values():
            if account.registered:
                try:
                    account.setRegistration(False)
                except Exception as exc:
                    self.log(f"unregistration of {account.user} at shutdown: {describe(exc)}")
        deadline = time.monotonic() + UNREGISTER_TIMEOUT_S
        while time.monotonic() < deadline and any(a.registered for a in self.accounts.values()):
            self.ep.libHandleEvents(10)
        for account in self.accounts.values():
            account.shutdown()
        self.accounts.clear()

    def guard(self, what: str, action: Callable[[], Any]) -> Any:
        """Run action; log and report an exception instead of raising it."""
        try:
            return action()
        except Exception as exc:
            self.log(f"{what} failed: {exc!r}\n{traceback.format_exc()}")
            self.emit("exception", where=what, message=describe(exc))
            return None

    # --- calls --------------------------------------------------------

    def add_call(self, call: PeerCall) -> int:
        """Keep a strong reference to a call and return its label."""
        label = self.next_call_label
        self.next_call_label += 1
        call.label = label
        self.calls[label] = call
        return label

    def find_call(self, label: int | None, *, live: bool = True) -> PeerCall:
        """Return the call with a label, or the newest live call."""
        if label is not None:
            call = self.calls.get(int(label))
            if call is None:
                raise CommandError(f"no call {label}")
            return call
        candidates = [c for c in self.calls.values() if not live or c.state != "DISCONNECTED"]
        if not candidates:
            raise CommandError("no call")
        return candidates[-1]

    def find_account(self, user: str | None) -> PeerAccount:
        """Return the account of a user, or the newest one."""
        if user is not None:
            if user not in self.accounts:
                raise CommandError(f"no account for {user!r}")
            return self.accounts[user]
        if not self.accounts:
            raise CommandError("no account: send register first")
        return list(self.accounts.values())[-1]

    def schedule(self, delay_ms: int, action: Callable[[], None]) -> None:
        """Run action from the poll loop after delay_ms."""
        self.timers.append((time.monotonic() + delay_ms / 1000.0, action))

    # --- commands -----------------------------------------------------

    def handle(self, line: str) -> bool:
        """Carry out one command line; return False when the peer should quit."""
        try:
            command = json.loads(line)
            if not isinstance(command, dict):
                raise CommandError("a command is a JSON object")
        except (json.JSONDecodeError, CommandError) as exc:
            self.emit("error", message=f"bad command line {line!r}: {exc}")
            return True
        name = command.get("cmd")
        reply_id = command.get("id")
        if name == "quit":
            self.emit("ok", id=reply_id, cmd="quit")
            return False
        handler = getattr(self, f"cmd_{name}", None) if isinstance(name, str) else None
        try:
            if handler is None:
                raise CommandError(f"unknown command {name!r}")
            result = handler(command) or {}
        except Exception as exc:
            if not isinstance(exc, CommandError):
                self.log(f"command {name} failed:\n{traceback.format_exc()}")
            self.emit("error", id=reply_id, cmd=name, message=describe(exc))
        else:
            self.emit("ok", id=reply_id, cmd=name, **result)
        return True

    def cmd_register(self, command: dict[str, Any]) -> dict[str, Any]:
        user = str(command["user"])
        registrar = str(command["registrar"])
        transport = str(command.get("transport", "udp"))
        domain = str(command.get("domain") or re.sub(r"^sips?:|[:;].*$", "", registrar))
        if user in self.accounts:
            raise CommandError(f"{user} is already registered here")
        config = pj.AccountConfig()
        config.idUri = f"sip:{user}@{domain}"
        config.regConfig.registrarUri = registrar
        config.regConfig.timeoutSec = int(command.get("expires", 60))
        config.regConfig.retryIntervalSec = int(command.get("retry_s", 0))
        config.sipConfig.authCreds.append(
            pj.AuthCredInfo("digest", "*", user, 0, str(command["password"]))
        )
        config.sipConfig.proxies.append(f"{registrar};lr")
        config.sipConfig.transportId = self.transport_id(transport, command.get("ca_cert"))
        config.natConfig.sipOutboundUse = 0
        config.natConfig.contactRewriteUse = 0
        config.natConfig.viaRewriteUse = 0
        config.natConfig.sdpNatRewriteUse = 0
        # RTP stays on loopback too; port 0 lets pjsua pick a free pair.
        config.mediaConfig.transportConfig.boundAddress = "127.0.0.1"
        config.mediaConfig.transportConfig.port = 0
        account = PeerAccount(self, user)
        account.create(config)
        self.accounts[user] = account
        return {"user": user, "uri": config.idUri}

    def cmd_unregister(self, command: dict[str, Any]) -> dict[str, Any]:
        account = self.find_account(command.get("user"))
        account.setRegistration(False)
        return {"user": account.user}

    def cmd_call(self, command: dict[str, Any]) -> dict[str, Any]:
        account = self.find_account(command.get("user"))
        call = PeerCall(self, account)
        label = self.add_call(call)
        param = pj.CallOpParam(True)
        for name, value in (command.get("headers") or {}).items():
            header = pj.SipHeader()
            header.hName = str(name)
            header.hValue = str(value)
            param.txOption.headers.append(header)
        call.started = True
        try:
            call.makeCall(str(command["uri"]), param)
        except Exception:
            self.calls.pop(label, None)
            raise
        return {"call": label}

    def cmd_answer(self, command: dict[str, Any]) -> dict[str, Any]:
        call = self.find_call(command.get("call"))
        code = int(command.get("code", 200))
        self.answer(call, code)
        return {"call": call.label, "code": code}

    def cmd_auto_answer(self, command: dict[str, Any]) -> dict[str, Any]:
        code = command.get("code", 200)
        self.auto_answer_code = None if code is None else int(code)
        self.auto_answer_delay_ms = int(command.get("delay_ms", 0))
        return {"code": self.auto_answer_code, "delay_ms": self.auto_answer_delay_ms}

    def cmd_tone(self, command: dict[str, Any]) -> dict[str, Any]:
        call = self.find_call(command.get("call"))
        tone = pj.ToneGenerator()
        tone.createToneGenerator()
        desc = pj.ToneDesc()
        desc.freq1 = int(command["freq"])
        desc.freq2 = 0
        desc.on_msec = 1000
        desc.off_msec = 0
        desc.volume = 0
        tones = pj.ToneDescVector()
        tones.append(desc)
        tone.play(tones, True)
        tone.startTransmit(call.getAudioMedia(-1))
        self.media_objects[f"tone{call.label}"] = tone
        return {"call": call.label}

    def cmd_record(self, command: dict[str, Any]) -> dict[str, Any]:
        call = self.find_call(command.get("call"))
        recorder = pj.AudioMediaRecorder()
        recorder.createRecorder(str(command["path"]))
        call.getAudioMedia(-1).startTransmit(recorder)
        self.media_objects[f"rec{call.label}"] = recorder
        return {"call": call.label}

    def cmd_stop_media(self, command: dict[str, Any]) -> dict[str, Any]:
        # Deleting a recorder finishes its WAV file.
        self.media_objects.clear()
        gc.collect()
        return {}

    def cmd_refer_answer(self, command: dict[str, Any]) -> dict[str, Any]:
        self.refer_code = int(command["code"])
        return {"code": self.refer_code}

    def cmd_hangup(self, command: dict[str, Any]) -> dict[str, Any]:
        call = self.find_call(command.get("call"))
        param = pj.CallOpParam()
        if "code" in command:
            param.statusCode = int(command["code"])
        call.hangup(param)
        return {"call": call.label}

    def cmd_hold(self, command: dict[str, Any]) -> dict[str, Any]:
        call = self.find_call(command.get("call"))
        call.setHold(pj.CallOpParam(True))
        return {"call": call.label}

    def cmd_unhold(self, command: dict[str, Any]) -> dict[str, Any]:
        call = self.find_call(command.get("call"))
        param = pj.CallOpParam(True)
        param.opt.flag = pj.PJSUA_CALL_UNHOLD
        call.reinvite(param)
        return {"call": call.label}

    def cmd_dtmf(self, command: dict[str, Any]) -> dict[str, Any]:
        call = self.find_call(command.get("call"))
        param = pj.CallSendDtmfParam()
        param.digits = str(command["digits"])
        param.method = pj.PJSUA_DTMF_METHOD_RFC2833
        call.sendDtmf(param)
        return {"call": call.label}

    def cmd_transfer(self, command: dict[str, Any]) -> dict[str, Any]:
        call = self.find_call(command.get("call"))
        call.xfer(str(command["uri"]), pj.CallOpParam(True))
        return {"call": call.label}

    def cmd_transfer_replaces(self, command: dict[str, Any]) -> dict[str, Any]:
        call = self.find_call(command["call"])
        target = self.find_call(command["target_call"])
        call.xferReplaces(target, pj.CallOpParam(True))
        return {"call": call.label}

    def answer(self, call: PeerCall, code: int) -> None:
        """Answer (or reject, for code >= 300) an incoming call."""
        param = pj.CallOpParam(True)
        param.statusCode = code
        call.answer(param)


class PeerAccount(pj.Account):
    """An account whose callbacks turn into events."""

    def __init__(self, peer: Peer, user: str) -> None:
        super().__init__()
        self.peer = peer
        self.user = user
        self.registered = False

    def onRegState(self, prm: pj.OnRegStateParam) -> None:
        def report() -> None:
            info = self.getInfo()
            self.registered = bool(info.regIsActive)
            self.peer.emit(
                "reg_state",
                user=self.user,
                code=int(prm.code),
                reason=str(prm.reason),
                active=bool(info.regIsActive),
                expires=int(prm.expiration),
            )

        self.peer.guard("onRegState", report)

    def onIncomingCall(self, prm: pj.OnIncomingCallParam) -> None:
        self.peer.guard("onIncomingCall", lambda: self._incoming(prm))

    def _incoming(self, prm: pj.OnIncomingCallParam) -> None:
        peer = self.peer
        call = PeerCall(peer, self, prm.callId)
        call.started = True
        label = peer.add_call(call)
        raw = str(prm.rdata.wholeMsg)
        info = call.getInfo()
        peer.emit(
            "incoming",
            call=label,
            user=self.user,
            **{"from": str(info.remoteUri), "to": str(info.localUri)},
            headers=parse_headers(raw),
            raw=raw,
        )
        code = peer.auto_answer_code
        if code is None:
            peer.answer(call, 180)
        elif peer.auto_answer_delay_ms <= 0 and code >= 300:
            peer.answer(call, code)
        else:
            peer.answer(call, 180)

            def answer_if_still_ringing() -> None:
                if call.state in ("INCOMING", "EARLY"):
                    peer.answer(call, code)

            peer.schedule(peer.auto_answer_delay_ms, answer_if_still_ringing)


class PeerCall(pj.Call):
    """A call whose callbacks turn into events."""

    def __init__(self, peer: Peer, account: PeerAccount, call_id: int | None = None) -> None:
        if call_id is None:
            super().__init__(account)
        else:
            super().__init__(account, call_id)
        self.peer = peer
        self.account = account
        self.label = 0
        self.state = "NULL" if call_id is None else "INCOMING"
        self.started = False

    def onCallState(self, prm: pj.OnCallStateParam) -> None:
        def report() -> None:
            info = self.getInfo()
            self.state = _CALL_STATES.get(info.state, str(info.state))
            self.peer.emit(
                "call_state",
                call=self.label,
                state=self.state,
                code=int(info.lastStatusCode),
                reason=str(info.lastReason),
            )
            if self.state == "DISCONNECTED":
                self.peer.to_drop.add(self.label)

        self.peer.guard("onCallState", report)

    def onCallMediaState(self, prm: pj.OnCallMediaStateParam) -> None:
        def report() -> None:
            info = self.getInfo()
            for media in info.media:
                if media.type == pj.PJMEDIA_TYPE_AUDIO:
                    status = _MEDIA_STATUS.get(media.status, str(media.status))
                    self.peer.emit("media_state", call=self.label, status=status)
                    return
            self.peer.emit("media_state", call=self.label, status="none")

        self.peer.guard("onCallMediaState", report)

    def onCallRxOffer(self, prm: pj.OnCallRxOfferParam) -> None:
        def report() -> None:
            sdp = str(prm.offer.wholeSdp)
            self.peer.emit("rx_offer", call=self.label, direction=sdp_direction(sdp), sdp=sdp)

        self.peer.guard("onCallRxOffer", report)

    def onDtmfDigit(self, prm: pj.OnDtmfDigitParam) -> None:
        self.peer.guard(
            "onDtmfDigit", lambda: self.peer.emit("dtmf", call=self.label, digit=str(prm.digit))
        )

    def onCallTransferRequest(self, prm: pj.OnCallTransferRequestParam) -> None:
        def accept() -> None:
            self.peer.emit("transfer_request", call=self.label, target=str(prm.dstUri))
            if self.peer.refer_code != 202:
                prm.statusCode = self.peer.refer_code
                return
            new_call = PeerCall(self.peer, self.account)
            new_call.started = True
            self.peer.add_call(new_call)
            prm.newCall = new_call
            prm.statusCode = 202

        self.peer.guard("onCallTransferRequest", accept)

    def onCallTransferStatus(self, prm: pj.OnCallTransferStatusParam) -> None:
        def report() -> None:
            code, final = int(prm.statusCode), bool(prm.finalNotify)
            self.peer.emit(
                "transfer_status", call=self.label, code=code, reason=str(prm.reason), final=final
            )
            if final and 200 <= code < 300:
                # Like a desk phone: the transfer worked, so leave the call
                # (from the poll loop, not from inside this callback).
                self.peer.schedule(0, self.hang_up_if_live)

        self.peer.guard("onCallTransferStatus", report)

    def hang_up_if_live(self) -> None:
        """Hang up unless the call has already ended."""
        if self.state != "DISCONNECTED":
            self.hangup(pj.CallOpParam())

    def onCallReplaced(self, prm: pj.OnCallReplacedParam) -> None:
        def replace() -> None:
            new_call = PeerCall(self.peer, self.account, prm.newCallId)
            new_call.started = True
            label = self.peer.add_call(new_call)
            prm.newCall = new_call
            self.peer.emit("call_replaced", call=self.label, new_call=label)

        self.peer.guard("onCallReplaced", replace)


def describe(exc: BaseException) -> str:
    """A one-line description of an exception, with pjsua2's error details."""
    if hasattr(exc, "info") and callable(exc.info):
        try:
            return str(exc.info())
        except Exception:  # noqa: S110 - fall back to repr below
            pass
    return f"{type(exc).__name__}: {exc}"


def main(argv: list[str] | None = None) -> int:
    """Run the peer until quit, end of stdin or SIGTERM; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--log-file", help="pjsua log file (default: stderr only)")
    parser.add_argument("--log-level", type=int, default=4, help="pjsua log level 0-6")
    args = parser.parse_args(argv)

    # Keep the real stdout for events; anything else writing to fd 1
    # (pjsua's console log is printf) lands on stderr instead.
    sys.stdout.flush()
    events = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    lines: queue.Queue[str | None] = queue.Queue()

    def read_stdin() -> None:
        # os.read, not sys.stdin: a daemon thread blocked inside a buffered
        # reader can abort the interpreter at exit ("could not acquire lock").
        pending = b""
        while chunk := os.read(0, 65536):
            pending += chunk
            *complete, pending = pending.split(b"\n")
            for line in complete:
                lines.put(line.decode("utf-8", errors="replace"))
        if pending.strip():
            lines.put(pending.decode("utf-8", errors="replace"))
        lines.put(None)

    threading.Thread(target=read_stdin, name="stdin-reader", daemon=True).start()

    peer = Peer(events)
    peer.start(args.log_file, args.log_level)
    peer.emit("ready", pid=os.getpid())
    assert peer.ep is not None
    try:
        while not stop.is_set():
            peer.ep.libHandleEvents(10)
            peer.poll()
            while True:
                try:
                    line = lines.get_nowait()
                except queue.Empty:
                    break
                if line is None:
                    peer.log("stdin closed: shutting down")
                    stop.set()
                    break
                if line.strip() and not peer.handle(line):
                    stop.set()
                    break
    finally:
        peer.shutdown()
        peer.emit("bye")
    return 0


if __name__ == "__main__":
    sys.exit(main())
