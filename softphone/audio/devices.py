"""Which audio backend a build uses, and the devices it can open.

The Linux pjsua2 wheel has no sound device of its own, so calls go through
PortAudio (`sounddevice`); the macOS and Windows wheels bring CoreAudio and
WMME. Devices are named, not numbered: indices change when a headset is
plugged in.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

NATIVE = "pjsua2 native devices"
PORTAUDIO = "PortAudio bridge"


@dataclass(frozen=True)
class AudioDevice:
    """One device as the agent picks it: by name, with what it can do."""

    name: str
    host_api: str
    inputs: int
    outputs: int
    default_rate: float


@dataclass(frozen=True)
class AudioReport:
    """The backend chosen and the devices it found, or why there are none."""

    backend: str
    devices: tuple[AudioDevice, ...] = ()
    problem: str = ""
    details: tuple[str, ...] = field(default_factory=tuple)

    @property
    def capture_devices(self) -> list[AudioDevice]:
        """Devices with a microphone."""
        return [d for d in self.devices if d.inputs > 0]

    @property
    def playback_devices(self) -> list[AudioDevice]:
        """Devices with a speaker."""
        return [d for d in self.devices if d.outputs > 0]


def describe_audio(
    native_device_count: int, native_devices: tuple[AudioDevice, ...] = ()
) -> AudioReport:
    """The backend for a pjsua2 build with `native_device_count` devices, and its devices."""
    if native_device_count > 0:
        return AudioReport(NATIVE, native_devices)
    devices, problem = portaudio_devices()
    return AudioReport(PORTAUDIO, devices, problem)


def portaudio_devices() -> tuple[tuple[AudioDevice, ...], str]:
    """PortAudio's devices, and a problem text when PortAudio cannot be used."""
    try:
        import sounddevice  # noqa: PLC0415 - loading PortAudio is slow and may fail
    except OSError as exc:
        return (), f"PortAudio could not be loaded ({exc}); install libportaudio2"
    try:
        raw: Any = sounddevice.query_devices()
        apis: Any = sounddevice.query_hostapis()
    except Exception as exc:
        return (), f"PortAudio could not list devices: {exc}"
    devices = tuple(
        AudioDevice(
            name=str(item["name"]),
            host_api=str(apis[item["hostapi"]]["name"]),
            inputs=int(item["max_input_channels"]),
            outputs=int(item["max_output_channels"]),
            default_rate=float(item["default_samplerate"]),
        )
        for item in raw
    )
    if not devices:
        return (), "PortAudio found no audio device (is a sound server running?)"
    return devices, ""
