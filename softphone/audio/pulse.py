"""Headsets on a Linux desktop: PulseAudio's (or PipeWire's) devices, by their own names.

On Linux PortAudio reaches the sound server through ALSA, and ALSA shows it
as two devices, "pulse" and "default": the agent's USB headset is not in
PortAudio's list at all. The server's `pactl` lists the real sinks and
sources ("Jabra EVOLVE 20 Mono"), and libpulse lets a client pick one with
the `PULSE_SINK` and `PULSE_SOURCE` variables, read once when ALSA's pulse
plugin opens a stream. So a headset chosen by its description is opened as
PortAudio's "pulse" device with those variables set for the moment of the
open (`routed_to`), and the stream stays on that headset for its lifetime.

`pactl subscribe` reports when a sink or source comes or goes (a headset
plugged in or pulled); `DeviceWatcher` turns that into a flag the engine
checks once a second. Everything here runs `pactl` with a timeout and
treats any failure as "no PulseAudio": the PortAudio list is then used as is.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass

log = logging.getLogger(__name__)

PACTL_TIMEOUT = 3.0
HOST_API = "PulseAudio"
# What PortAudio calls the sound server's device through ALSA.
PORTAUDIO_DEVICE = "pulse"


@dataclass(frozen=True)
class PulseDevice:
    """A sink (earphones, speakers) or a source (a microphone) of the sound server."""

    name: str  # the server's id, e.g. alsa_output.usb-GN_Netcom_Jabra_EVOLVE_20-00.mono
    description: str  # what the agent sees, e.g. "Jabra EVOLVE 20 Mono"
    kind: str  # "sink" or "source"
    monitor: bool = False  # a sink's monitor: openable by its id, never listed for the agent


def _pactl(*args: str) -> subprocess.CompletedProcess[str] | None:
    if not sys.platform.startswith("linux") or shutil.which("pactl") is None:
        return None
    try:
        done = subprocess.run(
            ["pactl", *args],
            env={**os.environ, "LC_ALL": "C"},
            capture_output=True,
            text=True,
            timeout=PACTL_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.info("pactl %s: %s", args[0], exc)
        return None
    return done if done.returncode == 0 else None


def parse_pactl_list(text: str, kind: str) -> list[PulseDevice]:
    """Devices from `pactl list sinks` or `pactl list sources` (C locale).

    A source that is a sink's monitor ("Monitor of Sink: speaker") records
    what the speakers play: no agent means that by "microphone", so it is
    flagged, and left out of the lists the agent picks from.
    """
    devices: list[PulseDevice] = []
    name = description = ""
    monitor = False

    def flush() -> None:
        if name:
            devices.append(PulseDevice(name, description or name, kind, monitor))

    for raw in text.splitlines():
        line = raw.strip()
        if raw and not raw[0].isspace() and line.endswith(tuple("0123456789")) and "#" in line:
            # "Sink #3" / "Source #7": a new device starts.
            flush()
            name, description, monitor = "", "", False
        elif line.startswith("Name:"):
            name = line.partition(":")[2].strip()
        elif line.startswith("Description:"):
            description = line.partition(":")[2].strip()
        elif line.startswith("Monitor of Sink:"):
            monitor = line.partition(":")[2].strip() not in ("", "n/a")
    flush()
    return devices


def pulse_devices() -> list[PulseDevice] | None:
    """The server's sinks and sources; None when there is no PulseAudio/PipeWire to ask."""
    sinks = _pactl("list", "sinks")
    sources = _pactl("list", "sources")
    if sinks is None or sources is None:
        return None
    return parse_pactl_list(sinks.stdout, "sink") + parse_pactl_list(sources.stdout, "source")


def find(devices: list[PulseDevice], wanted: str, kind: str) -> PulseDevice | None:
    """The device of `kind` the agent means by `wanted`: its description, or the server's id."""
    for device in devices:
        if device.kind != kind:
            continue
        if wanted == device.name or (wanted == device.description and not device.monitor):
            return device
    return None


def defaults() -> tuple[str, str] | None:
    """The server's default (sink, source) ids; None without a server."""
    info = _pactl("info")
    if info is None:
        return None
    found = {"Default Sink": "", "Default Source": ""}
    for line in info.stdout.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in found:
            found[key.strip()] = value.strip()
    return found["Default Sink"], found["Default Source"]


EC_SINK = "callboard_echo_cancel_sink"
EC_SOURCE = "callboard_echo_cancel_source"


class EchoCanceller:
    """The sound server's echo canceller (module-echo-cancel, WebRTC) around the headset.

    The agent's earphones and microphone become the canceller's masters;
    the bridge plays into its sink and records from its source, and what
    the microphone picks up of the earphones (a headset's leak, a laptop's
    speakers) is taken out before the caller hears it. One module per
    softphone, unloaded when the headset changes or the softphone stops;
    one a crashed softphone left behind is unloaded at the next start.
    """

    def __init__(self) -> None:
        self.module: str | None = None

    def load(self, sink_master: str, source_master: str) -> bool:
        """Load the canceller on these masters (server ids); False when the server refuses."""
        self.unload()
        for line in (_pactl("list", "short", "modules") or _NO_OUTPUT).stdout.splitlines():
            fields = line.split("\t")
            if len(fields) >= 3 and fields[1] == "module-echo-cancel" and EC_SINK in fields[2]:
                _pactl("unload-module", fields[0])  # left by a softphone that crashed
        done = _pactl(
            "load-module",
            "module-echo-cancel",
            "aec_method=webrtc",
            "use_master_format=1",
            f"sink_master={sink_master}",
            f"source_master={source_master}",
            f"sink_name={EC_SINK}",
            f"source_name={EC_SOURCE}",
            "sink_properties=device.description=Callboard-echo-cancelled",
            "source_properties=device.description=Callboard-echo-cancelled",
        )
        if done is None:
            log.warning("The sound server did not load its echo canceller")
            return False
        self.module = done.stdout.strip()
        log.info("Echo cancellation on: %s / %s", sink_master, source_master)
        return True

    def unload(self) -> None:
        """Remove the canceller (nothing when none is loaded)."""
        module, self.module = self.module, None
        if module:
            _pactl("unload-module", module)


_NO_OUTPUT = subprocess.CompletedProcess[str]([], 0, "", "")


@contextlib.contextmanager
def routed_to(sink: str | None = None, source: str | None = None) -> Iterator[None]:
    """Open PortAudio's "pulse" streams inside this block to reach `sink` / `source`.

    libpulse reads the variables when ALSA's pulse plugin opens the stream
    and keeps them for the stream's life, so they are put back right after.
    Streams are opened from one thread (the engine's), so nothing else sees
    the variables change.
    """
    saved = {key: os.environ.get(key) for key in ("PULSE_SINK", "PULSE_SOURCE")}
    for key, value in (("PULSE_SINK", sink), ("PULSE_SOURCE", source)):
        if value:
            os.environ[key] = value
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


_COME_OR_GO = ("'new'", "'remove'")
_DEVICES = ("sink", "source")


class DeviceWatcher:
    """`pactl subscribe` in the background: `changed()` says if a sink or source came or went."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None
        self._thread: threading.Thread | None = None
        self._changed = threading.Event()

    def start(self) -> bool:
        """Start watching; False when there is no sound server to watch."""
        if _pactl("info") is None:
            return False
        pactl = shutil.which("pactl")
        if pactl is None:
            return False
        try:
            self._process = subprocess.Popen(
                [pactl, "subscribe"],
                env={**os.environ, "LC_ALL": "C"},
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
            )
        except OSError as exc:
            log.info("Not watching audio devices: %s", exc)
            return False
        self._thread = threading.Thread(
            target=self._read, args=(self._process,), name="audio-device-watch", daemon=True
        )
        self._thread.start()
        return True

    def _read(self, process: subprocess.Popen[str]) -> None:
        # A thread of its own: lines like "Event 'remove' on sink #4". Our own
        # streams come and go as sink-input / source-output events: ignored.
        assert process.stdout is not None
        for line in process.stdout:
            words = line.split()
            if len(words) >= 4 and words[1] in _COME_OR_GO and words[3] in _DEVICES:
                self._changed.set()

    def changed(self) -> bool:
        """True once after a sink or source was added or removed."""
        if self._changed.is_set():
            self._changed.clear()
            return True
        return False

    @property
    def running(self) -> bool:
        """Whether `pactl subscribe` is still there to tell."""
        return self._process is not None and self._process.poll() is None

    def stop(self) -> None:
        """Stop `pactl subscribe` (by its pid) and its reader."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(2)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(2)
        if self._thread is not None:
            self._thread.join(2)
            self._thread = None
