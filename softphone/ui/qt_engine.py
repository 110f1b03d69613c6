"""The SIP engine on a Qt event loop: a QTimer polls it, Qt signals carry its events."""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QObject, QTimer, Signal

from softphone.sip import (
    AudioDeviceListChanged,
    AudioDeviceReturned,
    AudioDevicesChanged,
    CallMediaChanged,
    CallStateChanged,
    DtmfReceived,
    EngineEvent,
    HeadsetTestProgress,
    IncomingCall,
    RegistrationChanged,
    SipEngine,
)

log = logging.getLogger(__name__)


class QtSipEngine(QObject):
    """Drives a `SipEngine` from the GUI thread and re-emits its events as signals.

    The engine is created and polled in the GUI thread (pjsua2's
    `mainThreadOnly`), every `interval_ms` milliseconds. A poll that takes
    longer than `slow_poll_ms` is logged, so stalls show up in the log.
    """

    registration_changed = Signal(object)
    incoming_call = Signal(object)
    call_state_changed = Signal(object)
    call_media_changed = Signal(object)
    dtmf_received = Signal(object)
    audio_devices_changed = Signal(object)
    audio_device_returned = Signal(object)
    audio_device_list_changed = Signal(object)
    headset_test_progress = Signal(object)

    def __init__(
        self,
        engine: SipEngine,
        interval_ms: int = 10,
        slow_poll_ms: float = 50.0,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.engine = engine
        self.slow_poll_ms = slow_poll_ms
        self.longest_poll_ms = 0.0
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.poll)
        engine.add_listener(self._dispatch)

    def start(self) -> None:
        """Start the engine in this (the GUI) thread and begin polling."""
        if not self.engine.running:
            self.engine.start()
        self._timer.start()

    def stop(self, timeout: float = 3.0) -> None:
        """Stop polling and shut the engine down cleanly (bounded by `timeout`)."""
        self._timer.stop()
        self.engine.shutdown(timeout)

    def poll(self) -> None:
        """One turn of the engine: called by the timer."""
        started = time.perf_counter()
        try:
            self.engine.poll(0)
        except Exception:
            log.exception("SIP engine poll failed")
        elapsed_ms = (time.perf_counter() - started) * 1000.0
        self.longest_poll_ms = max(self.longest_poll_ms, elapsed_ms)
        if elapsed_ms > self.slow_poll_ms:
            log.warning("SIP engine poll took %.0f ms", elapsed_ms)

    def _dispatch(self, event: EngineEvent) -> None:
        if isinstance(event, RegistrationChanged):
            self.registration_changed.emit(event)
        elif isinstance(event, IncomingCall):
            self.incoming_call.emit(event)
        elif isinstance(event, CallStateChanged):
            self.call_state_changed.emit(event)
        elif isinstance(event, CallMediaChanged):
            self.call_media_changed.emit(event)
        elif isinstance(event, DtmfReceived):
            self.dtmf_received.emit(event)
        elif isinstance(event, AudioDevicesChanged):
            self.audio_devices_changed.emit(event)
        elif isinstance(event, AudioDeviceReturned):
            self.audio_device_returned.emit(event)
        elif isinstance(event, AudioDeviceListChanged):
            self.audio_device_list_changed.emit(event)
        elif isinstance(event, HeadsetTestProgress):
            self.headset_test_progress.emit(event)
