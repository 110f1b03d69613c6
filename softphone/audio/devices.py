"""Which audio backend a build uses, and the devices it can open.

The Linux pjsua2 wheel has no sound device of its own, so calls go through
PortAudio (`sounddevice`); the macOS and Windows wheels bring CoreAudio and
WMME. Devices are named, not numbered: indices change when a headset is
plugged in. On a Linux desktop the headsets are the sound server's devices,
which PortAudio cannot list: `headset_devices()` lists those instead
(`softphone.audio.pulse`), and `open_target()` says how to open one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from softphone.audio import pulse

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
    devices, problem = headset_devices()
    return AudioReport(PORTAUDIO, devices, problem)


def headset_devices() -> tuple[tuple[AudioDevice, ...], str]:
    """The devices an agent can pick for the bridge: the sound server's, else PortAudio's."""
    served = pulse.pulse_devices()
    if served:
        return tuple(_from_pulse(device) for device in served if not device.monitor), ""
    return portaudio_devices()


def _from_pulse(device: pulse.PulseDevice) -> AudioDevice:
    sink = device.kind == "sink"
    return AudioDevice(device.description, pulse.HOST_API, int(not sink), int(sink), 0.0)


@dataclass(frozen=True)
class OpenTarget:
    """How to open a device chosen by name: PortAudio's device, and the server's if routed."""

    portaudio_device: str | None
    sink: str | None = None
    source: str | None = None


def open_target(
    name: str | None, output: bool, devices: list[pulse.PulseDevice] | None
) -> OpenTarget:
    """PortAudio's device for `name`; a sound server's device goes through "pulse", routed.

    `devices` is the server's list (None without a server): a name found
    there is opened through PortAudio's "pulse" device with the server told
    which sink or source; any other name is PortAudio's own.
    """
    if not name:
        return OpenTarget(None)
    if devices:
        found = pulse.find(devices, name, "sink" if output else "source")
        if found is not None:
            if output:
                return OpenTarget(pulse.PORTAUDIO_DEVICE, sink=found.name)
            return OpenTarget(pulse.PORTAUDIO_DEVICE, source=found.name)
    return OpenTarget(name)


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
