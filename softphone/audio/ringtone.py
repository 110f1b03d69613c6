"""The ringtone: `resources/sounds/ringtone.wav` in a loop on the ringer device, by name.

Ringing must never fail because of audio: a missing PortAudio, an unplugged
headset or a busy device is logged and the call still rings on screen.
`sounddevice` is imported only when the ringtone first plays (loading
PortAudio is slow, and may fail).
"""

from __future__ import annotations

import logging
import wave
from pathlib import Path
from typing import Any

from softphone.audio import pulse
from softphone.audio.devices import open_target
from softphone.profile import resources_dir

log = logging.getLogger(__name__)


def ringtone_file() -> Path:
    """The ring, made by packaging/make_ringtone.py."""
    return resources_dir() / "sounds" / "ringtone.wav"


class Ringtone:
    """Plays the ringtone in a loop on the device named `device` ("" for the default)."""

    def __init__(self, device: str = "", file: Path | None = None) -> None:
        self.device = device
        self.file = file or ringtone_file()
        self.playing = False
        self._stream: Any = None

    def start(self) -> None:
        """Start ringing; any audio failure is logged, never raised."""
        if self.playing:
            return
        self.playing = True
        try:
            self._stream = self._open()
            self._stream.start()
        except Exception as exc:  # PortAudio, the device, the file: ringing goes on
            log.warning("Ringtone not played on %r: %s", self.device or "default", exc)
            self._stream = None

    def stop(self) -> None:
        """Stop ringing (also when it never started)."""
        self.playing = False
        stream, self._stream = self._stream, None
        if stream is None:
            return
        try:
            stream.stop()
            stream.close()
        except Exception as exc:
            log.warning("Ringtone did not stop cleanly: %s", exc)

    def _open(self) -> Any:
        import numpy  # noqa: PLC0415 - with sounddevice, only when it rings
        import sounddevice  # noqa: PLC0415

        with wave.open(str(self.file), "rb") as ring:
            rate = ring.getframerate()
            samples = numpy.frombuffer(ring.readframes(ring.getnframes()), dtype="<i2")
        position = 0

        def fill(out: Any, frames: int, _time: Any, _status: Any) -> None:
            nonlocal position  # the media thread: copy samples, nothing else
            index = (numpy.arange(frames) + position) % len(samples)
            out[:, 0] = samples[index]
            position = (position + frames) % len(samples)

        served = pulse.pulse_devices() if self.device else None
        target = open_target(self.device, output=True, devices=served)
        with pulse.routed_to(sink=target.sink):
            return sounddevice.OutputStream(
                samplerate=rate,
                channels=1,
                dtype="int16",
                device=_device_index(sounddevice, target.portaudio_device or ""),
                callback=fill,
            )


def _device_index(sounddevice: Any, name: str) -> int | None:
    """The output device called `name` now (indices change on hot-plug); None: the default."""
    if not name:
        return None
    for index, device in enumerate(sounddevice.query_devices()):
        if device["name"] == name and device["max_output_channels"] > 0:
            return index
    log.warning("Ringer device %r not found: ringing on the default device", name)
    return None
