"""pjsua2 subclasses whose callbacks only record what happened.

Each callback catches and logs its own exceptions (SWIG would only print
them), never blocks, and forwards to the engine through a weak reference,
so that the engine, not pjsua2, decides when objects die.
"""

from __future__ import annotations

import logging
import weakref
from typing import TYPE_CHECKING, Any, Protocol

import pjsua2 as pj

if TYPE_CHECKING:
    from collections.abc import Callable

log = logging.getLogger("softphone.sip")
pjsua_log = logging.getLogger("softphone.sip.pjsua")


class EngineHooks(Protocol):
    """What the pjsua2 subclasses call back into."""

    def on_reg_state(self, account_id: int, code: int, reason: str, expires: int) -> None: ...

    def on_incoming_call(self, account_id: int, prm: Any) -> None: ...

    def on_call_state(self, call_id: int) -> None: ...

    def on_call_media_state(self, call_id: int) -> None: ...

    def on_dtmf(self, call_id: int, digit: str) -> None: ...

    def on_transport_state(self, transport_type: str, state: int, error: int) -> None: ...

    def on_transfer_status(self, call_id: int, code: int, reason: str, final: bool) -> None: ...

    def on_transfer_request(self, call_id: int, prm: Any) -> None: ...

    def on_call_replaced(self, call_id: int, prm: Any) -> None: ...

    def on_audio_device_error(self) -> None: ...


def _guarded(what: str, fn: Callable[[], None]) -> None:
    try:
        fn()
    except Exception:
        log.exception("Error in pjsua2 callback %s", what)


class PjEndpoint(pj.Endpoint):  # type: ignore[misc]
    """The process's one endpoint, reporting transport state changes."""

    def __init__(self, hooks: EngineHooks) -> None:
        super().__init__()
        self._hooks = weakref.ref(hooks)

    def onTransportState(self, prm: Any) -> None:
        hooks = self._hooks()
        if hooks is not None:
            _guarded(
                "onTransportState",
                lambda: hooks.on_transport_state(str(prm.type), int(prm.state), int(prm.lastError)),
            )

    def onMediaEvent(self, prm: Any) -> None:
        # pjsua reports here that its sound device stopped on an error (a
        # headset pulled), possibly from the device's own thread: a flag only.
        hooks = self._hooks()
        if hooks is not None and int(prm.ev.type) == pj.PJMEDIA_EVENT_AUD_DEV_ERROR:
            _guarded("onMediaEvent", hooks.on_audio_device_error)


class PjAccount(pj.Account):  # type: ignore[misc]
    """One SIP account."""

    def __init__(self, account_id: int, hooks: EngineHooks) -> None:
        super().__init__()
        self.account_id = account_id
        self._hooks = weakref.ref(hooks)

    def onRegState(self, prm: Any) -> None:
        hooks = self._hooks()
        if hooks is not None:
            _guarded(
                "onRegState",
                lambda: hooks.on_reg_state(
                    self.account_id, int(prm.code), str(prm.reason), int(prm.expiration)
                ),
            )

    def onIncomingCall(self, prm: Any) -> None:
        hooks = self._hooks()
        if hooks is not None:
            _guarded("onIncomingCall", lambda: hooks.on_incoming_call(self.account_id, prm))


class PjCall(pj.Call):  # type: ignore[misc]
    """One call; `call_id` is the engine's handle, never reused."""

    def __init__(self, account: PjAccount, call_id: int, hooks: EngineHooks, pj_id: int) -> None:
        super().__init__(account, pj_id)
        self.call_id = call_id
        self._hooks = weakref.ref(hooks)

    def onCallState(self, prm: Any) -> None:
        hooks = self._hooks()
        if hooks is not None:
            _guarded("onCallState", lambda: hooks.on_call_state(self.call_id))

    def onCallMediaState(self, prm: Any) -> None:
        hooks = self._hooks()
        if hooks is not None:
            _guarded("onCallMediaState", lambda: hooks.on_call_media_state(self.call_id))

    def onDtmfDigit(self, prm: Any) -> None:
        hooks = self._hooks()
        if hooks is not None:
            _guarded("onDtmfDigit", lambda: hooks.on_dtmf(self.call_id, str(prm.digit)))

    def onCallTransferStatus(self, prm: Any) -> None:
        hooks = self._hooks()
        if hooks is not None:
            _guarded(
                "onCallTransferStatus",
                lambda: hooks.on_transfer_status(
                    self.call_id, int(prm.statusCode), str(prm.reason), bool(prm.finalNotify)
                ),
            )

    def onCallTransferRequest(self, prm: Any) -> None:
        hooks = self._hooks()
        if hooks is not None:
            _guarded("onCallTransferRequest", lambda: hooks.on_transfer_request(self.call_id, prm))

    def onCallReplaced(self, prm: Any) -> None:
        hooks = self._hooks()
        if hooks is not None:
            _guarded("onCallReplaced", lambda: hooks.on_call_replaced(self.call_id, prm))


class PjLogWriter(pj.LogWriter):  # type: ignore[misc]
    """Sends pjsua2's own log lines to Python logging (errors and warnings up, the rest DEBUG)."""

    def write(self, entry: Any) -> None:
        try:
            level = int(entry.level)
            if level <= 1:
                py_level = logging.ERROR
            elif level == 2:
                py_level = logging.WARNING
            else:
                py_level = logging.DEBUG
            pjsua_log.log(py_level, "%s", str(entry.msg).rstrip())
        except Exception:  # noqa: S110 - a log line must never take the media thread down
            pass
