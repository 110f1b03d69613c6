"""Call audio reaches real PortAudio devices (PulseAudio null sinks) through the bridge."""

import numpy as np
import pytest

from softphone.sip import AudioDevicesChanged, CallState, IncomingCall
from tests.rig.engine_harness import EngineHarness
from tests.rig.pulse import dominant_frequency, read_recording, tone_share


@pytest.fixture
def phone(pulseaudio, kamailio):
    with EngineHarness() as harness:
        harness.account = harness.register(kamailio, "1001")
        yield harness


def _answered(phone, registered_peer, kamailio):
    caller = registered_peer("1002")
    caller.send("call", uri=kamailio.user_uri("1001"))
    incoming = phone.wait_for(IncomingCall)
    phone.engine.answer(incoming.call_id)
    phone.wait_call_state(incoming.call_id, CallState.CONFIRMED)
    caller.wait_for("call_state", state="CONFIRMED")
    return caller, incoming.call_id


def test_the_engine_uses_the_portaudio_bridge(phone):
    assert phone.engine.audio_backend == "portaudio"


def test_a_tone_from_the_caller_reaches_the_headset(phone, pulseaudio, registered_peer, kamailio):
    caller, _ = _answered(phone, registered_peer, kamailio)
    caller.send("tone", freq=1000)
    phone.poll_for(0.5)
    # Through ALSA's PulseAudio plugin a new playback stream sometimes runs
    # slow for its first seconds (see issue 7): listen up to four times.
    for _ in range(4):
        share, rms = _heard(phone, pulseaudio, seconds=2.0)
        if share > 0.3:
            break
    stats = phone.engine.bridge_stats()
    assert rms > 0.01, f"the headset heard almost nothing (rms {rms:.4f}); {stats}"
    # Silence or noise holds about 1 % of its energy near 1 kHz; the tone, even
    # through the bridge's counted glitches, far more.
    assert share > 0.3, f"only {share:.0%} of what was heard is the 1 kHz tone; {stats}"


def test_the_agent_microphone_reaches_the_caller(
    phone, pulseaudio, registered_peer, kamailio, tmp_path
):
    caller, _ = _answered(phone, registered_peer, kamailio)
    wav = tmp_path / "caller-heard.wav"
    caller.send("record", path=str(wav))
    player = pulseaudio.play_tone("mic", 440, 2.0)
    phone.poll_for(2.0)
    player.wait(5)
    caller.send("stop_media")
    samples = read_recording(wav)  # the peer runs at 16 kHz, like the pulse rig
    freq, rms = dominant_frequency(samples[len(samples) // 4 :])
    assert rms > 0.01, f"the caller heard almost nothing (rms {rms:.4f})"
    assert abs(freq - 440) < 20, f"the caller heard {freq:.0f} Hz instead of 440 Hz"
    stats = phone.engine.bridge_stats()
    assert stats is not None and stats.from_headset.read > 50


def _heard(phone, pulseaudio, seconds=1.5):
    """(share of the 1 kHz tone in what the earphones played, its RMS)."""
    recorder = pulseaudio.record("speaker.monitor", seconds + 0.5)
    phone.poll_for(seconds)
    recorder.terminate()
    data, _ = recorder.communicate(timeout=5)
    samples = np.frombuffer(data, dtype="<i2")[len(data) // 8 :]
    return tone_share(samples, 1000), dominant_frequency(samples)[1]


def test_a_headset_that_stops_falls_back_to_the_default_device(
    phone, pulseaudio, registered_peer, kamailio
):
    caller, _ = _answered(phone, registered_peer, kamailio)
    caller.send("tone", freq=1000)
    # What PortAudio does when a USB headset is pulled: the stream stops.
    phone.engine._bridge._streams[1].abort()
    lost = phone.wait_for(AudioDevicesChanged, lambda e: e.reason != "switched")
    assert "stopped" in lost.reason and "default" in lost.reason
    phone.poll_for(1.5)
    assert phone.engine._bridge.streams_alive()
    share, rms = _heard(phone, pulseaudio)
    # The call's sound reaches the default device again. Its quality right
    # after a reopen is not pinned: through ALSA's PulseAudio plugin a new
    # playback stream sometimes runs slow for seconds (issue 7's note).
    assert rms > 0.01, (share, rms, phone.engine.bridge_stats())


def test_levels_follow_the_call_and_the_earphone_volume_is_applied(
    phone, pulseaudio, registered_peer, kamailio
):
    caller, _ = _answered(phone, registered_peer, kamailio)
    caller.send("tone", freq=1000)
    assert phone.eventually(lambda: phone.engine.audio_levels()[1] > 0.05)
    phone.engine.set_volumes(1.0, 0.0)
    phone.poll_for(1.5)  # the new streams settle: PulseAudio prebuffers a new stream
    _, rms = _heard(phone, pulseaudio)
    assert rms < 0.005, f"the earphones still play at rms {rms:.4f} with volume 0"
    with pytest.raises(ValueError, match="volume"):
        phone.engine.set_volumes(3.0, 1.0)
