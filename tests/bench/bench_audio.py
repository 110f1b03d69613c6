"""PortAudio bridge benchmarks: frames dropped or repeated, added latency, CPU per call.

Run with `make bench` (needs the PulseAudio null sinks the tests start). The
CPU figure is a ratio against the same call on pjsua2's null device (no
bridge), measured in the same run. Times are printed, never asserted.
"""

from __future__ import annotations

import resource
import statistics
import time

from softphone.sip import CallState, EngineSettings, IncomingCall
from tests.rig.engine_harness import EngineHarness

SECONDS = 60.0
CPU_SECONDS = 15.0


def _call_up(harness, registered_peer, kamailio):
    account = harness.register(kamailio, "1001")
    caller = registered_peer("1002")
    caller.send("call", uri=kamailio.user_uri("1001"))
    incoming = harness.wait_for(IncomingCall)
    harness.engine.answer(incoming.call_id)
    harness.wait_call_state(incoming.call_id, CallState.CONFIRMED)
    caller.send("tone", freq=700)
    return account, caller


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _cpu_during_call(audio: str, registered_peer, kamailio) -> float:
    with EngineHarness(EngineSettings(bind_address="127.0.0.1", audio=audio)) as harness:
        _call_up(harness, registered_peer, kamailio)
        harness.poll_for(1.0)
        started = _cpu_seconds()
        harness.poll_for(CPU_SECONDS)
        return (_cpu_seconds() - started) / CPU_SECONDS


def test_bridge_drops_latency_and_cpu(pulseaudio, kamailio, registered_peer):
    with EngineHarness() as harness:
        _call_up(harness, registered_peer, kamailio)
        assert harness.engine.audio_backend == "portaudio"
        bridge = harness.engine._bridge
        assert bridge is not None
        # Steady state: the rings' first drift window (1 s) trims whatever the
        # streams' start queued up, and the call's media settles.
        harness.poll_for(3.0)
        before = harness.engine.bridge_stats()
        assert before is not None
        fills_out, fills_in = [], []
        deadline = time.monotonic() + SECONDS
        while time.monotonic() < deadline:
            harness.poll_for(0.1)
            fills_out.append(bridge.to_headset.fill)
            fills_in.append(bridge.from_headset.fill)
        after = harness.engine.bridge_stats()
        assert after is not None
        in_latency, out_latency = bridge.stream_latency()
    for name, ring_before, ring_after, fills, device_latency in (
        ("to the headset", before.to_headset, after.to_headset, fills_out, out_latency),
        ("from the microphone", before.from_headset, after.from_headset, fills_in, in_latency),
    ):
        frames = ring_after.read - ring_before.read
        dropped = ring_after.dropped - ring_before.dropped
        repeated = ring_after.repeated - ring_before.repeated
        skips = ring_after.trims - ring_before.trims
        share = 100.0 * (dropped + repeated) / max(1, frames)
        buffered_ms = statistics.mean(fills) * 20.0
        print(
            f"\naudio: bridge {name} over {SECONDS:.0f} s: {frames} frames, {dropped} dropped "
            f"(in {skips} skips), "
            f"{repeated} repeated = {share:.3f} % (target under 0.1 %)"
        )
        print(
            f"audio: latency the bridge adds {name}: {buffered_ms:.1f} ms on average (ring "
            f"fill x 20 ms; target under 40 ms); the device's own latency, which a native "
            f"device has too, as PortAudio reports it: {device_latency * 1000:.1f} ms"
        )

    bridged = _cpu_during_call("auto", registered_peer, kamailio)
    null = _cpu_during_call("none", registered_peer, kamailio)
    print(
        f"audio: CPU with one call up: bridge {bridged * 100:.1f} % of a core, null device "
        f"{null * 100:.1f} %, ratio {bridged / max(null, 1e-6):.2f}x"
    )
