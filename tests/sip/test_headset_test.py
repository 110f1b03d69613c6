"""The "test my headset" action on real PortAudio devices (PulseAudio null sinks).

What the earphones play is recorded from `speaker.monitor` the whole time,
each block stamped with the moment it arrived, so a phase's sound is judged
by the blocks that arrived while the engine said it was in that phase.
"""

from __future__ import annotations

import tempfile
import threading
import time

import numpy as np
import pytest

from softphone.sip import EngineError, EngineSettings, HeadsetTestProgress, IncomingCall
from tests.rig.engine_harness import EngineHarness
from tests.rig.pulse import dominant_frequency, tone_share

# The sound path (bridge rings, PortAudio, the null sink) delays what the
# earphones play by tens of milliseconds: a phase is judged away from its edges.
EDGE = 0.25


@pytest.fixture
def phone(pulseaudio, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where the recording goes
    with EngineHarness() as harness:
        assert harness.engine.audio_backend == "portaudio"
        yield harness


class Earphones:
    """Records `speaker.monitor` in a thread; blocks kept with their arrival time."""

    def __init__(self, pulseaudio) -> None:
        self._process = pulseaudio.record("speaker.monitor", 0)
        self._blocks: list[tuple[float, bytes]] = []
        self._thread = threading.Thread(target=self._drain, daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        stream = self._process.stdout
        while block := stream.read1(640):
            self._blocks.append((time.monotonic(), block))

    def stop(self) -> None:
        self._process.terminate()
        self._process.wait(5)
        self._thread.join(5)

    def between(self, start: float, end: float) -> np.ndarray:
        """The samples that arrived from `start` to `end` (monotonic seconds)."""
        data = b"".join(block for at, block in self._blocks if start <= at <= end)
        return np.frombuffer(data[: len(data) // 2 * 2], dtype="<i2")


def _run_test(phone, timeout: float = 15.0) -> list[tuple[float, HeadsetTestProgress]]:
    """Start the test and collect its progress, each with when it arrived, to the end."""
    seen: list[tuple[float, HeadsetTestProgress]] = []
    phone.engine.start_headset_test()
    while not seen or not seen[-1][1].finished:
        event = phone.wait_for(HeadsetTestProgress, timeout=timeout)
        seen.append((time.monotonic(), event))
    return seen


def test_the_phases_arrive_in_order_and_the_file_is_deleted(phone, tmp_path):
    seen = _run_test(phone)
    assert [event.phase for _, event in seen] == ["tone", "recording", "playing_back", "done"]
    phone.poll_for(0.5)
    assert list(tmp_path.glob("callboard-headset-*")) == []


def test_the_tone_reaches_the_earphones_and_the_microphone_is_played_back(phone, pulseaudio):
    earphones = Earphones(pulseaudio)
    phone.poll_for(0.3)
    phone.engine.start_headset_test()
    tone_at = time.monotonic()
    recording = phone.wait_for(HeadsetTestProgress, lambda e: e.phase == "recording")
    recording_at = time.monotonic()
    speaking = pulseaudio.play_tone("mic", 440, 3.5)  # the agent says "aaah" at 440 Hz
    playing = phone.wait_for(HeadsetTestProgress, lambda e: e.phase == "playing_back")
    playing_at = time.monotonic()
    done = phone.wait_for(HeadsetTestProgress, lambda e: e.finished)
    done_at = time.monotonic()
    speaking.wait(5)
    earphones.stop()
    assert recording.phase == "recording" and done.phase == "done", done

    beep = earphones.between(tone_at + EDGE, tone_at + 1.0)
    freq, rms = dominant_frequency(beep)
    assert rms > 0.02, f"the earphones heard almost no tone (rms {rms:.4f})"
    assert abs(freq - 1000) < 20, f"the tone arrived at {freq:.0f} Hz, not 1000 Hz"

    # While recording, the agent does not hear the microphone live.
    live = earphones.between(recording_at + EDGE, playing_at - EDGE)
    assert tone_share(live, 440) < 0.1 or dominant_frequency(live)[1] < 0.005

    played = earphones.between(playing_at + EDGE, done_at - EDGE)
    freq, rms = dominant_frequency(played)
    assert rms > 0.05, f"the playback was almost silent (rms {rms:.4f})"
    assert abs(freq - 440) < 20, f"the playback was {freq:.0f} Hz, not the 440 Hz recorded"
    assert tone_share(played, 440) > 0.5

    assert playing.mic_level is not None and playing.mic_level > 0.2
    assert done.mic_level == playing.mic_level
    assert not done.microphone_silent


def test_a_silent_microphone_is_reported(phone):
    seen = _run_test(phone)
    done = seen[-1][1]
    assert done.phase == "done"
    assert done.mic_level is not None and done.mic_level < 0.01
    assert done.microphone_silent
    assert "silent" in done.detail


def test_the_agent_can_cancel_the_test_and_the_earphones_go_quiet(phone, pulseaudio, tmp_path):
    phone.engine.start_headset_test()
    phone.wait_for(HeadsetTestProgress, lambda e: e.phase == "recording")
    phone.engine.cancel_headset_test()
    cancelled = phone.wait_for(HeadsetTestProgress)
    assert cancelled.phase == "cancelled"
    assert "stopped by the agent" in cancelled.detail
    earphones = Earphones(pulseaudio)
    phone.poll_for(4.0)  # past where the playback would have been
    earphones.stop()
    quiet = earphones.between(0, time.monotonic())
    assert dominant_frequency(quiet)[1] < 0.005
    assert [e for e in phone.events if isinstance(e, HeadsetTestProgress)][-1] == cancelled
    assert list(tmp_path.glob("callboard-headset-*")) == []
    # A new test may start at once.
    assert [event.phase for _, event in _run_test(phone)][-1] == "done"


def test_a_recording_that_cannot_be_made_fails_with_the_reason(phone, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "gone"))
    phases = [event.phase for _, event in _run_test(phone)]
    assert phases == ["tone", "failed"]
    failed = [e for e in phone.events if isinstance(e, HeadsetTestProgress)][-1]
    assert "No such file or directory" in failed.detail
    assert failed.mic_level is None
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert [event.phase for _, event in _run_test(phone)][-1] == "done"


def test_a_second_start_while_running_is_refused(phone):
    phone.engine.start_headset_test()
    with pytest.raises(EngineError, match="already running"):
        phone.engine.start_headset_test()
    phone.engine.cancel_headset_test()


def test_without_a_sound_device_the_test_is_refused():
    settings = EngineSettings(bind_address="127.0.0.1", audio="none")
    with EngineHarness(settings) as harness, pytest.raises(EngineError, match="cannot be tested"):
        harness.engine.start_headset_test()


def test_the_test_is_refused_during_a_call_and_a_call_cancels_it(phone, kamailio, registered_peer):
    phone.register(kamailio, "1001")
    caller = registered_peer("1002")

    phone.engine.start_headset_test()
    phone.wait_for(HeadsetTestProgress, lambda e: e.phase == "recording")
    caller.send("call", uri=kamailio.user_uri("1001"))
    incoming = phone.wait_for(IncomingCall)
    with pytest.raises(EngineError, match="during a call"):
        phone.engine.start_headset_test()  # a second test: refused while it rings
    phone.engine.answer(incoming.call_id)
    cancelled = phone.wait_for(HeadsetTestProgress, lambda e: e.finished)
    assert cancelled.phase == "cancelled"
    assert "call" in cancelled.detail
    phone.wait_peer(caller, "call_state", state="CONFIRMED")
    with pytest.raises(EngineError, match="during a call"):
        phone.engine.start_headset_test()
    phone.engine.hangup(incoming.call_id)
    assert phone.eventually(lambda: not phone.engine.call_ids())


def test_dialling_out_cancels_a_running_test(phone, kamailio, registered_peer):
    account = phone.register(kamailio, "1001")
    registered_peer("1002", auto_answer=200)
    phone.engine.start_headset_test()
    phone.wait_for(HeadsetTestProgress, lambda e: e.phase == "tone")
    call_id = phone.engine.make_call(account, "1002")
    cancelled = phone.wait_for(HeadsetTestProgress, lambda e: e.finished)
    assert cancelled.phase == "cancelled"
    assert "a call started" in cancelled.detail
    phone.engine.hangup(call_id)
    assert phone.eventually(lambda: not phone.engine.call_ids())


def test_shutdown_during_the_test_drops_everything_cleanly(pulseaudio, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with EngineHarness() as harness:
        harness.engine.start_headset_test()
        harness.wait_for(HeadsetTestProgress, lambda e: e.phase == "recording")
        harness.poll_for(0.5)
    assert not harness.engine.running
    assert list(tmp_path.glob("callboard-headset-*")) == []
