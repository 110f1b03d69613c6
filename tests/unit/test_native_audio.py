"""The build's own sound devices (macOS, Windows) kept by name through hot-plug.

The Linux pjsua2 wheel has no sound device, so these tests drive the
engine's native path with a device manager of their own that behaves as
pjsua2's `AudDevManager` does: devices by index, indices that move when the
list is read again, and -1 / -2 for the system's default capture / playback.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from softphone.sip import (
    AudioDeviceListChanged,
    AudioDeviceReturned,
    AudioDevicesChanged,
    EngineSettings,
    SipEngine,
)
from softphone.sip.native_audio import DEFAULT_CAPTURE, DEFAULT_PLAYBACK, NativeHeadset

BUILT_IN_MIC = ("MacBook Pro Microphone", 1, 0)
BUILT_IN_SPEAKERS = ("MacBook Pro Speakers", 0, 2)
JABRA = ("Jabra EVOLVE 20", 1, 1)


@dataclass
class _Info:
    name: str
    inputCount: int  # noqa: N815 - pjsua2's names
    outputCount: int  # noqa: N815
    driver: str = "coreaudio"
    defaultSamplesPerSec: int = 48000  # noqa: N815


class FakeManager:
    """pjsua2's AudDevManager as far as the engine uses it; `plugged` is what the system has."""

    def __init__(self, *plugged: tuple[str, int, int]) -> None:
        self.plugged = list(plugged)
        self._listed = list(plugged)  # what enumDev2 says until refreshDevs
        self.set_calls: list[tuple[str, int]] = []
        self.capture, self.playback = DEFAULT_CAPTURE, DEFAULT_PLAYBACK

    def enumDev2(self):
        return [_Info(*device) for device in self._listed]

    def refreshDevs(self) -> None:
        self._listed = list(self.plugged)

    def setCaptureDev(self, index: int) -> None:
        self.set_calls.append(("capture", index))
        self.capture = index

    def setPlaybackDev(self, index: int) -> None:
        self.set_calls.append(("playback", index))
        self.playback = index

    def name_of(self, index: int) -> str:
        return "default" if index < 0 else self._listed[index][0]


def test_devices_are_chosen_by_name_and_defaults_are_pjmedias_own():
    manager = FakeManager(BUILT_IN_MIC, BUILT_IN_SPEAKERS, JABRA)
    headset = NativeHeadset(manager)
    assert headset.use("Jabra EVOLVE 20", "Jabra EVOLVE 20") == []
    assert (manager.capture, manager.playback) == (2, 2)
    assert headset.use("", "") == []
    assert (manager.capture, manager.playback) == (DEFAULT_CAPTURE, DEFAULT_PLAYBACK)


def test_a_name_that_cannot_play_is_not_taken_for_earphones():
    headset = NativeHeadset(FakeManager(BUILT_IN_MIC, BUILT_IN_SPEAKERS))
    assert headset.use("", "MacBook Pro Microphone") == ["MacBook Pro Microphone"]
    assert headset.playback == ""


def test_pjsua_is_told_only_of_an_index_that_changed():
    manager = FakeManager(BUILT_IN_MIC, BUILT_IN_SPEAKERS, JABRA)
    headset = NativeHeadset(manager)
    headset.use("Jabra EVOLVE 20", "")
    manager.set_calls.clear()
    headset.use("Jabra EVOLVE 20", "")  # nothing moved: the open device is left alone
    assert manager.set_calls == []
    headset.use("Jabra EVOLVE 20", "", reopen=True)
    assert manager.set_calls == [("capture", 2), ("playback", DEFAULT_PLAYBACK)]


def test_a_device_plugged_in_before_the_headset_moves_its_index_and_pjsua_follows():
    manager = FakeManager(BUILT_IN_MIC, BUILT_IN_SPEAKERS, JABRA)
    headset = NativeHeadset(manager)
    headset.use("Jabra EVOLVE 20", "Jabra EVOLVE 20")
    manager.plugged.insert(0, ("USB Speakerphone", 1, 1))
    assert headset.refresh() is True
    assert manager.name_of(manager.capture) == "Jabra EVOLVE 20"
    assert manager.name_of(manager.playback) == "Jabra EVOLVE 20"
    assert headset.refresh() is False


@pytest.fixture
def engine():
    """An engine whose native devices are the fake's (the engine is never started)."""
    clock = [0.0]
    settings = EngineSettings(capture_device="Jabra EVOLVE 20", playback_device="Jabra EVOLVE 20")
    engine = SipEngine(settings, clock=lambda: clock[0])
    manager = FakeManager(BUILT_IN_MIC, BUILT_IN_SPEAKERS, JABRA)
    engine._native = NativeHeadset(manager)
    engine._native.use(settings.capture_device, settings.playback_device)
    engine.audio_backend = "native"

    def check(seconds: float = 2.0) -> list[object]:
        clock[0] += seconds
        engine._check_audio_devices()
        events = list(engine._events)
        engine._events.clear()
        return events

    engine.check = check
    engine.manager = manager
    return engine


def test_a_headset_pulled_in_a_call_falls_back_and_is_offered_back(engine):
    manager = engine.manager
    assert engine.check() == []
    manager.plugged.remove(JABRA)
    listed, lost = engine.check()
    assert isinstance(listed, AudioDeviceListChanged)
    assert isinstance(lost, AudioDevicesChanged)
    assert lost.lost == "Jabra EVOLVE 20"
    assert (lost.capture, lost.playback) == ("", "")
    assert (manager.capture, manager.playback) == (DEFAULT_CAPTURE, DEFAULT_PLAYBACK)
    assert engine.check() == []  # told once

    manager.plugged.append(JABRA)
    listed, back = engine.check()
    assert isinstance(listed, AudioDeviceListChanged)
    assert back == AudioDeviceReturned("Jabra EVOLVE 20", "Jabra EVOLVE 20")
    assert engine.check() == []  # offered once
    assert (manager.capture, manager.playback) == (DEFAULT_CAPTURE, DEFAULT_PLAYBACK)


def test_the_list_is_read_every_two_seconds_not_every_poll(engine):
    engine.manager.plugged.remove(JABRA)
    assert engine.check(seconds=2.0) != []
    engine.manager.plugged.append(JABRA)
    assert engine.check(seconds=0.5) == []
    assert engine.check(seconds=1.5) != []


def test_a_device_error_from_pjsua_reopens_the_defaults(engine):
    manager = engine.manager
    engine.on_audio_device_error()  # what pjsua's media event reports, from any thread
    (stopped,) = engine.check()
    assert "stopped" in stopped.reason
    assert stopped.lost == "Jabra EVOLVE 20"
    assert manager.set_calls[-2:] == [("capture", DEFAULT_CAPTURE), ("playback", DEFAULT_PLAYBACK)]
    # Still listed: the agent may try it again.
    assert engine.check() == [AudioDeviceReturned("Jabra EVOLVE 20", "Jabra EVOLVE 20")]


def test_the_settings_list_is_the_builds_own_read_afresh(engine):
    engine.manager.plugged.append(("Poly Blackwire 3220", 1, 1))
    names = [device.name for device in engine.audio_devices()]
    assert names[-1] == "Poly Blackwire 3220"
