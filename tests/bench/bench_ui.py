"""The window's event loop during call setup: the longest gap between 10 ms engine polls.

Run with `make bench` (or `pytest tests/bench/bench_ui.py -o python_files='bench_*.py' -s`).
Ten calls are set up from the window (dial, Connected, hang up, skip the
wrap-up) through a real Kamailio to a pjsua2 peer that answers at once. Each
poll of `QtSipEngine` runs the window's slots for the events it delivers, so
the gap between two polls is how long the event loop was busy. The baseline
is the same ten calls driven on the `QtSipEngine` alone, without the window.
Figures are printed against the 50 ms target; nothing is asserted on time.
"""

from __future__ import annotations

import dataclasses
import time

from softphone.profile import default_profile
from softphone.sip import AccountSettings, CallState, EngineSettings, SipEngine
from softphone.ui.qt_engine import QtSipEngine
from tests.ui.conftest import AGENT, OFFSCREEN_NOISE, WindowRig

pytestmark = OFFSCREEN_NOISE

CALLS = 10
TARGET_MS = 50.0
WAIT_MS = 15_000


class PollClock:
    """Times every poll of a QtSipEngine: gaps between poll starts, and poll lengths."""

    def __init__(self, qt_engine: QtSipEngine) -> None:
        self._poll = qt_engine.poll
        qt_engine._timer.timeout.disconnect()
        qt_engine._timer.timeout.connect(self.poll)
        self.recording = False
        self.last_start: float | None = None
        self.gaps_ms: list[float] = []
        self.polls_ms: list[float] = []

    def poll(self) -> None:
        started = time.perf_counter()
        self._poll()
        if self.recording:
            if self.last_start is not None:
                self.gaps_ms.append((started - self.last_start) * 1000)
            self.polls_ms.append((time.perf_counter() - started) * 1000)
        self.last_start = started

    def start(self) -> None:
        self.recording, self.last_start = True, None

    def stop(self) -> None:
        self.recording = False


def _print(name: str, clock: PollClock, baseline: PollClock | None = None) -> None:
    gap, poll = max(clock.gaps_ms), max(clock.polls_ms)
    line = f"{name}: longest gap between polls {gap:.1f} ms, longest poll {poll:.1f} ms"
    line += f" (target {TARGET_MS:.0f} ms"
    if baseline is not None:
        line += f"; engine alone: gap {max(baseline.gaps_ms):.1f} ms"
        line += f", poll {max(baseline.polls_ms):.1f} ms; gap ratio "
        line += f"{gap / max(baseline.gaps_ms):.2f}x"
    print(line + ")")


def _engine_alone(qtbot, kamailio, target: str) -> PollClock:
    engine = SipEngine(EngineSettings(bind_address="127.0.0.1"))
    qt_engine = QtSipEngine(engine)
    clock = PollClock(qt_engine)
    states: dict[int, CallState] = {}
    qt_engine.call_state_changed.connect(lambda e: states.__setitem__(e.call_id, e.state))
    qt_engine.start()
    try:
        account = engine.add_account(
            AccountSettings(kamailio.user_uri("1001"), kamailio.registrar_uri("udp")),
            kamailio.users["1001"],
        )
        qtbot.waitUntil(lambda: engine.registration(account).code == 200, timeout=WAIT_MS)
        for _ in range(CALLS):
            clock.start()
            call = engine.make_call(account, target)
            qtbot.waitUntil(lambda c=call: states.get(c) is CallState.CONFIRMED, timeout=WAIT_MS)
            clock.stop()
            engine.hangup(call)
            qtbot.waitUntil(lambda c=call: states.get(c) is CallState.DISCONNECTED, timeout=WAIT_MS)
    finally:
        qt_engine.stop()
    return clock


def _window(qtbot, kamailio, tmp_path, target: str) -> PollClock:
    profile = dataclasses.replace(default_profile(AGENT), folder=tmp_path / "profile")
    account = AccountSettings(kamailio.user_uri("1001"), kamailio.registrar_uri("udp"))
    rig = WindowRig(qtbot, tmp_path, profile, account, kamailio.users["1001"])
    window = rig.window
    clock = PollClock(rig.qt_engine)
    try:
        qtbot.waitUntil(
            lambda: "Registered" in window.status_line.registration.text(), timeout=WAIT_MS
        )
        for _ in range(CALLS):
            clock.start()
            window.dial(target)
            qtbot.waitUntil(lambda: window.call_panel.status.text() == "Connected", timeout=WAIT_MS)
            clock.stop()
            window.hang_up()
            qtbot.waitUntil(
                lambda: window.pages.currentWidget() is window.wrap_up_form, timeout=WAIT_MS
            )
            window.wrap_up_form.skip()
    finally:
        rig.close()
    return clock


def test_the_event_loop_during_call_setup(qtbot, kamailio, registered_peer, tmp_path):
    registered_peer("1002", auto_answer=200)
    target = kamailio.user_uri("1002")
    baseline = _engine_alone(qtbot, kamailio, target)
    window = _window(qtbot, kamailio, tmp_path, target)
    print()
    _print(f"QtSipEngine alone, {CALLS} call setups", baseline)
    _print(f"softphone window, {CALLS} call setups", window, baseline)
