"""Call audio reaches real PortAudio devices (PulseAudio null sinks) through the bridge."""

import subprocess
import sys

import numpy as np
import pytest

from softphone.sip import (
    AudioDeviceListChanged,
    AudioDeviceReturned,
    AudioDevicesChanged,
    CallState,
    EngineSettings,
    IncomingCall,
)
from tests.rig.engine_harness import EngineHarness
from tests.rig.pulse import dominant_frequency, read_recording, tone_share
from tests.rig.softphone_process import ROOT, softphone_environment


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


def _heard(phone, pulseaudio, seconds=1.5, device="speaker.monitor"):
    """(share of the 1 kHz tone in what `device` played, its RMS)."""
    recorder = pulseaudio.record(device, seconds + 0.5)
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


def test_volumes_from_the_settings_hold_from_the_start_and_through_a_device_switch(
    pulseaudio, kamailio, registered_peer
):
    settings = EngineSettings(bind_address="127.0.0.1", earphone_volume=0.0)
    with EngineHarness(settings) as phone:
        phone.register(kamailio, "1001")
        caller, _ = _answered(phone, registered_peer, kamailio)
        caller.send("tone", freq=1000)
        phone.poll_for(1.0)
        _, rms = _heard(phone, pulseaudio)
        assert rms < 0.005, f"earphones at volume 0 from the start played rms {rms:.4f}"
        phone.engine.switch_audio_devices("", "")  # the streams reopen, the volume stays
        phone.poll_for(1.5)
        _, rms = _heard(phone, pulseaudio)
        assert rms < 0.005, f"after a switch the earphones played rms {rms:.4f}"
        phone.engine.set_volumes(1.0, 1.0)
        assert phone.engine.volumes == (1.0, 1.0)
        share, _ = _heard(phone, pulseaudio)
        assert share > 0.3, f"back at 100 % the earphones played {share:.0%} of the tone"


@pytest.fixture
def headset(pulseaudio):
    """A USB headset plugged in for one test (and pulled again after it)."""
    pulseaudio.plug_headset()
    yield pulseaudio
    pulseaudio.unplug_headset()


HEADSET = EngineSettings(
    bind_address="127.0.0.1",
    capture_device="Jabra Headset Microphone",
    playback_device="Jabra Headset",
)


def test_a_headset_chosen_by_name_carries_the_call(headset, kamailio, registered_peer, tmp_path):
    with EngineHarness(HEADSET) as phone:
        phone.register(kamailio, "1001")
        caller, _ = _answered(phone, registered_peer, kamailio)
        caller.send("tone", freq=1000)
        phone.poll_for(0.5)
        share, _ = _heard(phone, headset, device="headset.monitor")
        assert share > 0.3, f"the headset played {share:.0%} of the tone"
        _, rms = _heard(phone, headset, device="speaker.monitor")
        assert rms < 0.005, f"the speakers played the call too (rms {rms:.4f})"
        # The headset's microphone, not the default one, reaches the caller.
        wav = tmp_path / "caller-heard.wav"
        caller.send("record", path=str(wav))
        into_headset = headset.play_tone("headset_in", 440, 2.0)
        into_default = headset.play_tone("mic", 700, 2.0)
        phone.poll_for(2.0)
        into_headset.wait(5)
        into_default.wait(5)
        caller.send("stop_media")
        samples = read_recording(wav)
        freq, rms = dominant_frequency(samples[len(samples) // 4 :])
        assert rms > 0.01 and abs(freq - 440) < 20, (freq, rms)


def test_a_headset_unplugged_in_a_call_falls_back_and_is_offered_back(
    headset, kamailio, registered_peer
):
    with EngineHarness(HEADSET) as phone:
        phone.register(kamailio, "1001")
        caller, _ = _answered(phone, registered_peer, kamailio)
        caller.send("tone", freq=1000)
        phone.poll_for(0.5)

        headset.unplug_headset()
        lost = phone.wait_for(AudioDevicesChanged, lambda e: bool(e.lost))
        assert lost.lost == "Jabra Headset Microphone / Jabra Headset"
        assert (lost.capture, lost.playback) == ("", "")
        phone.poll_for(0.5)
        share, _ = _heard(phone, headset)
        assert share > 0.3, f"after the unplug the speakers played {share:.0%} of the tone"

        headset.plug_headset()
        phone.wait_for(AudioDeviceListChanged)
        back = phone.wait_for(AudioDeviceReturned)
        assert (back.capture, back.playback) == (HEADSET.capture_device, HEADSET.playback_device)
        phone.engine.switch_audio_devices(back.capture, back.playback)
        phone.poll_for(0.5)
        share, _ = _heard(phone, headset, device="headset.monitor")
        assert share > 0.3, f"back on the headset, it played {share:.0%} of the tone"


def test_a_chosen_headset_that_is_missing_at_start_gives_way_to_the_default(
    pulseaudio, kamailio, registered_peer
):
    with EngineHarness(HEADSET) as phone:
        assert phone.engine.audio_backend == "portaudio"
        notice = phone.wait_for(AudioDevicesChanged)
        assert notice.lost == "Jabra Headset Microphone / Jabra Headset"
        phone.register(kamailio, "1001")
        caller, _ = _answered(phone, registered_peer, kamailio)
        caller.send("tone", freq=1000)
        phone.poll_for(0.5)
        share, _ = _heard(phone, pulseaudio)
        assert share > 0.3


@pytest.fixture
def leaky_headset(pulseaudio):
    """The earphones leak into the microphone: the speakers loop into the `mic` sink (40 ms)."""
    module = pulseaudio.pactl(
        "load-module", "module-loopback", "source=speaker.monitor", "sink=mic", "latency_msec=40"
    ).stdout.strip()
    yield pulseaudio
    pulseaudio.pactl("unload-module", module)


def _echo_the_caller_hears(kamailio, registered_peer, wav, echo_cancellation, agent=None):
    """(the caller's own 1 kHz tone coming back, the agent's 440 Hz voice), as RMS.

    The caller talks all along (1 kHz) through a leaky headset; `agent` is
    the rig to play the agent's voice into the microphone from, if at all.
    """
    settings = EngineSettings(bind_address="127.0.0.1", echo_cancellation=echo_cancellation)
    with EngineHarness(settings) as phone:
        assert phone.engine.echo_cancelled is echo_cancellation
        phone.register(kamailio, "1001")
        caller, _ = _answered(phone, registered_peer, kamailio)
        caller.send("tone", freq=1000)
        caller.send("record", path=str(wav))
        phone.poll_for(4.0)  # the canceller adapts while only the caller talks
        voice = agent.play_tone("mic", 440, 2.5) if agent is not None else None
        phone.poll_for(2.5)
        caller.send("stop_media")
        if voice is not None:
            voice.wait(5)
    samples = read_recording(wav)[-2 * 16000 :]  # the last 2 s
    rms = dominant_frequency(samples)[1]
    return tone_share(samples, 1000) * rms, tone_share(samples, 440) * rms


def test_echo_cancellation_takes_the_earphones_out_of_what_the_caller_hears(
    leaky_headset, kamailio, registered_peer, tmp_path
):
    plain, _ = _echo_the_caller_hears(kamailio, registered_peer, tmp_path / "off.wav", False)
    cancelled, voice = _echo_the_caller_hears(
        kamailio, registered_peer, tmp_path / "on.wav", True, agent=leaky_headset
    )
    print(f"\necho: {plain:.4f} without the canceller, {cancelled:.4f} with; voice {voice:.4f}")
    assert plain > 0.02, f"without the canceller the caller should hear the echo ({plain:.4f})"
    assert cancelled < plain / 10, f"echo {cancelled:.4f} with the canceller, {plain:.4f} without"
    # Not a gate that mutes the microphone: the agent talking over the caller is heard.
    assert voice > 0.02, f"the agent's voice reached the caller at {voice:.4f} only"
    modules = leaky_headset.pactl("list", "short", "modules").stdout
    assert "module-echo-cancel" not in modules, "the canceller outlived the softphone"


def test_self_test_reports_the_bridge_and_the_headset_by_name(headset, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "softphone", "--self-test", "--db", str(tmp_path / "s.db")],
        cwd=ROOT,
        env={**softphone_environment(tmp_path), **headset.env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    audio = [line for line in result.stdout.splitlines() if "audio:" in line]
    assert audio and audio[0].startswith("  [ ok ] audio: PortAudio bridge"), result.stdout
    devices = result.stdout.split("audio:", 1)[1].split("keychain:", 1)[0]
    # The sound server's devices by the names the agent knows, no sink monitor among them.
    assert "device: Jabra Headset [PulseAudio] in 0 / out 1" in devices
    assert "device: Jabra Headset Microphone [PulseAudio] in 1 / out 0" in devices
    assert "Monitor" not in devices


def test_echo_cancellation_turned_on_and_off_in_a_call_keeps_the_call_heard(
    pulseaudio, kamailio, registered_peer
):
    settings = EngineSettings(bind_address="127.0.0.1", echo_cancellation=False)
    with EngineHarness(settings) as phone:
        phone.register(kamailio, "1001")
        caller, _ = _answered(phone, registered_peer, kamailio)
        caller.send("tone", freq=1000)
        phone.engine.set_echo_cancellation(True)
        assert phone.engine.echo_cancelled
        assert "module-echo-cancel" in pulseaudio.pactl("list", "short", "modules").stdout
        phone.poll_for(1.5)  # the canceller's streams settle
        share, _ = _heard(phone, pulseaudio)
        assert share > 0.3, f"through the canceller the earphones played {share:.0%} of the tone"
        phone.engine.set_echo_cancellation(False)
        assert not phone.engine.echo_cancelled
        assert "module-echo-cancel" not in pulseaudio.pactl("list", "short", "modules").stdout
        phone.poll_for(1.5)
        share, _ = _heard(phone, pulseaudio)
        assert share > 0.3, f"without the canceller the earphones played {share:.0%} of the tone"
