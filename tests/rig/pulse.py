"""A private PulseAudio with two null sinks, so PortAudio has real devices to open.

`speaker` is the default sink: what the softphone plays can be recorded from
`speaker.monitor`. `mic` is a second sink whose monitor is the default
source: what a test plays into `mic` is what the softphone's microphone
hears. (One null sink used for both directions captured nothing in an
earlier probe; two work.) The daemon runs in the foreground under the test's
pid, with its runtime folder in the test's temp folder, and is stopped by pid.

An idle null sink renders in 2-second blocks: a stream that joins it gets
its first callback, then nothing for about 1.9 s until the sink wakes up and
adopts the stream's latency (probed: every new PortAudio stream, every time).
A hardware sink does not do that, and it made the first seconds after every
reopen look like a broken device. So each sink gets a keep-alive client, a
`pacat` playing silence at 20 ms latency, started with the daemon and
stopped with it: the sinks then run at a small latency all along, as a
headset's sink does.
"""

from __future__ import annotations

import math
import os
import signal
import struct
import subprocess
import time
from pathlib import Path

import numpy as np

from tests.rig.kamailio import RigError, require_binary

RATE = 16000

_CONFIG = """\
load-module module-native-protocol-unix
load-module module-null-sink sink_name=speaker sink_properties=device.description=Speaker
load-module module-null-sink sink_name=mic sink_properties=device.description=Microphone
load-module module-always-sink
set-default-sink speaker
set-default-source mic.monitor
"""


class PulseAudio:
    """pulseaudio -n with a config of our own, on a private socket."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = Path(workdir)
        self.runtime = self.workdir / "run"
        self.home = self.workdir / "home"
        self.log_path = self.workdir / "pulseaudio.log"
        self._process: subprocess.Popen[bytes] | None = None
        self._keep_alive: list[subprocess.Popen[bytes]] = []
        self._headset_modules: list[str] = []

    @property
    def env(self) -> dict[str, str]:
        """Variables that point PulseAudio clients (and ALSA's pulse plugin) here."""
        return {
            "XDG_RUNTIME_DIR": str(self.runtime),
            "PULSE_SERVER": f"unix:{self.runtime / 'pulse' / 'native'}",
            "PULSE_RUNTIME_PATH": str(self.runtime / "pulse"),
        }

    def _client_env(self) -> dict[str, str]:
        return {**os.environ, **self.env, "HOME": str(self.home)}

    def start(self) -> PulseAudio:
        """Start the daemon and wait until it answers `pactl info`."""
        binary = require_binary("pulseaudio")
        require_binary("pactl")
        for folder in (self.runtime, self.home):
            folder.mkdir(parents=True, exist_ok=True)
        self.runtime.chmod(0o700)
        config = self.workdir / "default.pa"
        config.write_text(_CONFIG)
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                [binary, "--daemonize=no", "--exit-idle-time=-1", "--system=no", "-n",
                 "-F", str(config), "--log-target=stderr"],
                env=self._client_env(), stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RigError(f"pulseaudio exited at start:\n{self.log_text()}")
            if self.pactl("info", check=False).returncode == 0:
                self._start_keep_alive()
                return self
            time.sleep(0.05)
        self.stop()
        raise RigError(f"pulseaudio did not answer within 10 s:\n{self.log_text()}")

    def _start_keep_alive(self, sinks: tuple[str, ...] = ("speaker", "mic")) -> None:
        command = ["pacat", "--format=s16le", f"--rate={RATE}", "--channels=1", "--raw",
                   "--playback", "--latency-msec=20"]  # fmt: skip
        with open("/dev/zero", "rb") as zeros:
            for sink in sinks:
                self._keep_alive.append(
                    subprocess.Popen(
                        [*command, f"--device={sink}"],
                        env=self._client_env(),
                        stdin=zeros,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                        start_new_session=True,
                    )
                )
        # A sink takes up the small latency after the 2-second block it was
        # rendering when the client joined: a stream opened before then stalls.
        time.sleep(2.1)

    def plug_headset(self) -> None:
        """A USB headset appears: sink `headset` ("Jabra Headset") and source `headset_mic`.

        The headset's microphone is a source remapped from the monitor of a
        null sink `headset_in`: what a test plays into `headset_in` is what
        the headset's microphone hears, and the source is a real one (not a
        monitor), as a headset's microphone is.
        """
        self._headset_modules = [
            self._load("module-null-sink", "sink_name=headset",
                       "sink_properties='device.description=\"Jabra Headset\"'"),
            self._load("module-null-sink", "sink_name=headset_in"),
            self._load("module-remap-source", "source_name=headset_mic",
                       "master=headset_in.monitor",
                       "source_properties='device.description=\"Jabra Headset Microphone\"'"),
        ]  # fmt: skip
        self._start_keep_alive(("headset", "headset_in"))

    def unplug_headset(self) -> None:
        """The headset is pulled: its sink and source go away (no-op when not plugged)."""
        modules, self._headset_modules = self._headset_modules, []
        for client in self._keep_alive[2:]:
            client.kill()
            client.wait(5)
        del self._keep_alive[2:]
        for module in reversed(modules):
            self.pactl("unload-module", module)

    def _load(self, *args: str) -> str:
        return self.pactl("load-module", *args).stdout.strip()

    def stop(self) -> None:
        """SIGTERM by pid, SIGKILL if it lingers."""
        for client in self._keep_alive:
            client.kill()
            client.wait(5)
        self._keep_alive.clear()
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)

    def log_text(self) -> str:
        """What the daemon logged."""
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def pactl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run pactl against this daemon."""
        return subprocess.run(
            ["pactl", *args],
            env=self._client_env(),
            capture_output=True,
            text=True,
            timeout=10,
            check=check,
        )

    def record(self, device: str, seconds: float) -> subprocess.Popen[bytes]:
        """Start recording `device` (say `speaker.monitor`) as 16 kHz mono; read its stdout."""
        return subprocess.Popen(
            ["parec", f"--device={device}", "--format=s16le", f"--rate={RATE}",
             "--channels=1", "--raw", "--latency-msec=20"],
            env=self._client_env(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def play_tone(self, device: str, freq: float, seconds: float) -> subprocess.Popen[bytes]:
        """Play a sine tone into `device` (say the `mic` sink) for `seconds`."""
        process = subprocess.Popen(
            ["pacat", f"--device={device}", "--format=s16le", f"--rate={RATE}",
             "--channels=1", "--raw", "--playback"],
            env=self._client_env(), stdin=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        assert process.stdin is not None
        process.stdin.write(sine(freq, seconds))
        process.stdin.close()
        return process


def sine(freq: float, seconds: float, amplitude: float = 0.5) -> bytes:
    """A 16 kHz mono s16le sine tone."""
    count = int(RATE * seconds)
    peak = int(32767 * amplitude)
    return struct.pack(
        f"<{count}h", *(int(peak * math.sin(2 * math.pi * freq * n / RATE)) for n in range(count))
    )


def dominant_frequency(
    samples: np.ndarray, rate: int = RATE, lowest: float = 100.0
) -> tuple[float, float]:
    """The strongest frequency above `lowest` Hz in `samples`, and the signal's RMS (0 to 1).

    Below `lowest` lies the hum that a dropped or repeated frame leaves: the
    question is whether the tone arrived, not whether the path was glitch-free
    (the benchmark counts glitches).
    """
    data = samples.astype(np.float64) / 32768.0
    if data.size == 0:
        return 0.0, 0.0
    rms = float(np.sqrt(np.mean(data**2)))
    spectrum = np.abs(np.fft.rfft(data * np.hanning(data.size)))
    freqs = np.fft.rfftfreq(data.size, 1.0 / rate)
    spectrum[freqs < lowest] = 0.0
    return float(freqs[int(np.argmax(spectrum))]), rms


def tone_share(samples: np.ndarray, freq: float, rate: int = RATE, width: float = 40.0) -> float:
    """The share of the signal's energy from 100 Hz up that lies within `width` Hz of `freq`.

    A tone that arrived through a path with a few glitches still holds most
    of the energy near its frequency; silence or noise holds almost none.
    """
    data = samples.astype(np.float64) / 32768.0
    if data.size == 0:
        return 0.0
    power = np.abs(np.fft.rfft(data * np.hanning(data.size))) ** 2
    freqs = np.fft.rfftfreq(data.size, 1.0 / rate)
    audible = power[freqs >= 100.0].sum()
    near = power[(freqs >= freq - width) & (freqs <= freq + width)].sum()
    return float(near / audible) if audible > 0 else 0.0


def read_recording(path: Path) -> np.ndarray:
    """The samples of a pjsua recorder's WAV file (16-bit mono at the peer's clock rate).

    pjsua finishes the header when its conference port is removed, a media
    tick after the recorder is deleted; the 44-byte header is skipped rather
    than read, so a file still being closed reads the same.
    """
    data = path.read_bytes()[44:]
    return np.frombuffer(data[: len(data) // 2 * 2], dtype="<i2")
