"""The PortAudio bridge: call audio through `sounddevice` when pjsua2 has no sound device.

pjsua2 runs on its null device; one `AudioMediaPort` joins its conference
bridge as "the headset". Calls transmit to the port (what the agent hears)
and the port transmits to calls (what the agent says). A PortAudio duplex
stream moves the same 20 ms frames to and from the real devices. Two
`FrameRing`s sit between the two clocks and absorb their drift.

One port serves every call: the conference bridge already mixes a consult
call with a held one, so the headset needs one port, not one per call.
Capture and playback are two PortAudio streams, not one duplex stream: the
microphone and the earphones may be different devices with different
clocks, and ALSA's PulseAudio plugin stalls duplex streams.

Threads: `onFrameRequested`/`onFrameReceived` run on pjsua2's media clock,
the stream callback on PortAudio's. Both only copy bytes through the rings:
no pjsua2 call, no Qt, no logging there.
"""

from __future__ import annotations

import ctypes
import dataclasses
import logging
from dataclasses import dataclass
from typing import Any

import pjsua2 as pj

from softphone.audio import pulse
from softphone.audio.devices import OpenTarget, open_target
from softphone.audio.ring import FrameRing, RingStats

log = logging.getLogger(__name__)

FRAME_MS = 20
BYTES_PER_SAMPLE = 2  # 16-bit signed little-endian, mono


@dataclass(frozen=True)
class BridgeStats:
    """Frames through the bridge each way, and how many were dropped or repeated."""

    to_headset: RingStats
    from_headset: RingStats
    stream_underflows: int
    stream_overflows: int


class _VectorBytes:
    """Fast copies out of pjsua2's `ByteVector` (a SWIG `std::vector<unsigned char>`).

    SWIG converts a `ByteVector` to `bytes` one element at a time: 460 us for
    a 20 ms frame at 16 kHz, measured, on the media thread 50 times a second.
    A `std::vector` starts with the pointer to its data in libstdc++, libc++
    and MSVC's library alike; `probe()` checks that on a vector of known
    bytes before the fast path is used, and the slow path stays for a build
    where the check fails.
    """

    def __init__(self) -> None:
        self.fast = self.probe()

    @staticmethod
    def data_address(vector: Any) -> int:
        """Where the vector's bytes are (valid until it is resized)."""
        return int(ctypes.c_void_p.from_address(int(vector.this)).value or 0)

    @classmethod
    def probe(cls) -> bool:
        """True when reading a vector's data pointer gives back its bytes."""
        known = bytes(range(1, 251))
        try:
            vector = pj.ByteVector(known)
            address = cls.data_address(vector)
            return address != 0 and ctypes.string_at(address, len(known)) == known
        except Exception:  # any surprise means: use the slow, safe path
            return False

    def read(self, vector: Any) -> bytes:
        """The vector's bytes."""
        if self.fast:
            return ctypes.string_at(self.data_address(vector), vector.size())
        return bytes(vector)


class _BridgePort(pj.AudioMediaPort):  # type: ignore[misc]
    """The conference side: pulls microphone frames, pushes what the agent should hear."""

    def __init__(self, to_headset: FrameRing, from_headset: FrameRing) -> None:
        super().__init__()
        self._to_headset = to_headset
        self._from_headset = from_headset
        self._bytes = _VectorBytes()
        self._frame = bytearray(to_headset.frame_bytes)
        self._vector = pj.ByteVector()

    def onFrameRequested(self, frame: Any) -> None:
        # Media clock thread: the conference wants a microphone frame. A new
        # ByteVector each time (27 us): writing into one vector's storage
        # through ctypes and handing that vector over garbled the call's
        # incoming audio within seconds in 2 runs of 5 (never with this).
        try:
            self._from_headset.read_into(self._frame)
            frame.type = pj.PJMEDIA_FRAME_TYPE_AUDIO
            self._vector = pj.ByteVector(bytes(self._frame))
            frame.buf = self._vector
            frame.size = len(self._frame)
        except Exception:  # noqa: S110 - nothing may escape onto the media thread
            pass

    def onFrameReceived(self, frame: Any) -> None:
        # Media clock thread: the conference hands over what the agent hears.
        try:
            if frame.type == pj.PJMEDIA_FRAME_TYPE_AUDIO:
                self._to_headset.write(self._bytes.read(frame.buf))
        except Exception:  # noqa: S110 - nothing may escape onto the media thread
            pass


class PortAudioBridge:
    """The headset through PortAudio, as a port of pjsua2's conference bridge."""

    def __init__(
        self,
        clock_rate: int,
        capture_device: str | None = None,
        playback_device: str | None = None,
        latency: str | float = "low",
        echo_cancellation: bool = False,
    ) -> None:
        self.clock_rate = clock_rate
        self.capture_device = capture_device
        self.playback_device = playback_device
        self.latency = latency
        self.echo_cancellation = echo_cancellation  # wanted
        self.echo_cancelled = False  # in place now (the sound server's canceller)
        self._canceller = pulse.EchoCanceller()
        self.frame_samples = clock_rate * FRAME_MS // 1000
        frame_bytes = self.frame_samples * BYTES_PER_SAMPLE
        self.to_headset = FrameRing(frame_bytes)
        self.from_headset = FrameRing(frame_bytes)
        self._port: _BridgePort | None = None
        self._streams: list[Any] = []
        self._underflows = 0
        self._overflows = 0

    @property
    def media(self) -> Any:
        """The conference port calls connect to (both directions)."""
        if self._port is None:
            raise RuntimeError("the PortAudio bridge is not started")
        return self._port

    def start(self) -> None:
        """Open the PortAudio streams, then join the conference bridge (OSError on failure).

        The streams come first: pjmedia adds and removes conference ports on
        its media thread, a frame later, so a port created and dropped at once
        (because no device opens) could be used after it was freed.
        """
        self._open_streams()
        port = _BridgePort(self.to_headset, self.from_headset)
        fmt = pj.MediaFormatAudio()
        fmt.init(pj.PJMEDIA_FORMAT_PCM, self.clock_rate, 1, FRAME_MS * 1000, 16)
        port.createPort("callboard-headset", fmt)
        self._port = port

    def _open_streams(self) -> None:
        import sounddevice  # noqa: PLC0415 - PortAudio loads only when the bridge is used

        common = {
            "samplerate": self.clock_rate,
            "blocksize": self.frame_samples,
            "channels": 1,
            "dtype": "int16",
            "latency": self.latency,
        }
        # A headset chosen by its sound-server name opens through "pulse", routed.
        wanted = self.capture_device or self.playback_device or self.echo_cancellation
        served = pulse.pulse_devices() if wanted else None
        capture = open_target(self.capture_device, output=False, devices=served)
        playback = open_target(self.playback_device, output=True, devices=served)
        if self.echo_cancellation and served is not None:
            capture, playback = self._cancel_echo(capture, playback)
        try:
            with pulse.routed_to(source=capture.source):
                self._streams.append(
                    sounddevice.RawInputStream(
                        device=capture.portaudio_device, callback=self._on_capture, **common
                    )
                )
            with pulse.routed_to(sink=playback.sink):
                self._streams.append(
                    sounddevice.RawOutputStream(
                        device=playback.portaudio_device, callback=self._on_playback, **common
                    )
                )
            for stream in self._streams:
                stream.start()
        except Exception as exc:
            self._close_streams()
            raise OSError(f"the audio device could not be opened: {exc}") from exc
        log.info(
            "PortAudio bridge open: capture %s, playback %s, %d Hz, latency %s",
            self.capture_device or "default",
            self.playback_device or "default",
            self.clock_rate,
            self._describe_latency(),
        )

    def _cancel_echo(
        self, capture: OpenTarget, playback: OpenTarget
    ) -> tuple[OpenTarget, OpenTarget]:
        """Route both streams through the sound server's echo canceller, when it has one."""
        defaults = pulse.defaults()
        direct = capture.portaudio_device is None or capture.source is not None
        direct = direct and (playback.portaudio_device is None or playback.sink is not None)
        if defaults is None or not direct:
            return capture, playback  # an ALSA device PulseAudio does not serve
        sink = playback.sink or defaults[0]
        source = capture.source or defaults[1]
        if not self._canceller.load(sink, source):
            return capture, playback
        self.echo_cancelled = True
        return (
            OpenTarget(pulse.PORTAUDIO_DEVICE, source=pulse.EC_SOURCE),
            OpenTarget(pulse.PORTAUDIO_DEVICE, sink=pulse.EC_SINK),
        )

    def set_echo_cancellation(self, on: bool) -> None:
        """Turn the echo canceller on or off: the streams reopen (OSError on failure)."""
        self.echo_cancellation = on
        self.switch_devices(self.capture_device, self.playback_device)

    def _close_streams(self) -> None:
        streams, self._streams = self._streams, []
        for stream in streams:
            try:
                stream.stop()
                stream.close()
            except Exception as exc:
                log.warning("Closing an audio stream: %s", exc)
        self._canceller.unload()
        self.echo_cancelled = False
        self.to_headset.clear()
        self.from_headset.clear()

    def switch_devices(self, capture: str | None, playback: str | None) -> None:
        """Reopen the streams on other devices; the conference port (and the calls) stay."""
        old = (self.capture_device, self.playback_device)
        self._close_streams()
        self.capture_device, self.playback_device = capture, playback
        try:
            self._open_streams()
        except OSError:
            log.warning("Could not open %s / %s; back to %s / %s", capture, playback, *old)
            self.capture_device, self.playback_device = old
            self._open_streams()
            raise
        log.info(
            "Headset now: capture %s, playback %s", capture or "default", playback or "default"
        )

    def streams_alive(self) -> bool:
        """False when PortAudio stopped a stream (the device went away)."""
        return len(self._streams) == 2 and all(stream.active for stream in self._streams)

    def stop(self) -> None:
        """Close the streams and leave the conference (before the library is destroyed)."""
        self._close_streams()
        self._port = None

    def stats(self) -> BridgeStats:
        """Counters since the bridge started."""
        return BridgeStats(
            dataclasses.replace(self.to_headset.stats),
            dataclasses.replace(self.from_headset.stats),
            self._underflows,
            self._overflows,
        )

    def stream_latency(self) -> tuple[float, float]:
        """PortAudio's own input and output latency in seconds (0, 0 when closed)."""
        if len(self._streams) != 2:
            return (0.0, 0.0)
        return (float(self._streams[0].latency), float(self._streams[1].latency))

    def _describe_latency(self) -> str:
        inp, out = self.stream_latency()
        return f"in {inp * 1000:.0f} ms / out {out * 1000:.0f} ms"

    def _on_capture(self, indata: Any, _frames: int, _time: Any, status: Any) -> None:
        # PortAudio's capture thread: a microphone frame in. Bytes only.
        if status.input_overflow:
            self._overflows += 1
        self.from_headset.write(indata)

    def _on_playback(self, outdata: Any, _frames: int, _time: Any, status: Any) -> None:
        # PortAudio's playback thread: an earphone frame out. Bytes only.
        if status.output_underflow:
            self._underflows += 1
        self.to_headset.read_into(outdata)
