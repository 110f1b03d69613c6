"""The "test my headset" action: a beep, three seconds of the microphone, played back.

A small state machine that `SipEngine.poll()` steps on the thread that owns
pjsua2; nothing here blocks. Its phases, each reported as a
`HeadsetTestProgress` event:

- "tone": a 1 kHz beep of one second on the earphones (a `ToneGenerator`);
- "recording": three seconds of the microphone into a temporary WAV file
  (an `AudioMediaRecorder`). pjsua finishes the file's header a media tick
  after the recorder is deleted, so the test waits for it before going on;
- "playing_back": the recording on the earphones, once (an
  `AudioMediaPlayer` with `PJMEDIA_FILE_NO_LOOP`);
- then "done" with the recording's peak level, "failed" with the reason, or
  "cancelled" (the agent stopped it, or a call started).

Lifetime (DESIGN.md): every pjsua2 object made here, and the headset's
conference ports it connects them to, is held by this object. An object is
disconnected first and dropped a few media frames later, once the
conference has let go of it; `close()` drops everything, and the engine
calls it before `libDestroy()`. The WAV file (the agent's voice) is made
readable by the agent only and deleted however the test ends.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import tempfile
import time
import wave
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pjsua2 as pj

from softphone.sip.events import SILENT_MICROPHONE, HeadsetTestProgress

log = logging.getLogger(__name__)

Report = Callable[[HeadsetTestProgress], None]

TONE_HZ = 1000
TONE_SECONDS = 1.0
# Amplitude out of 32767: about -12 dBFS, clear in a headset without startling.
TONE_VOLUME = 8192
# A pause after the beep, so a headset's microphone does not record its end.
TONE_GAP_SECONDS = 0.2
RECORD_SECONDS = 3.0
# How long pjsua may take to finish the WAV file once the recorder is deleted.
SAVE_TIMEOUT_SECONDS = 2.0
# After the file ends, what the sound device still holds plays out.
PLAYBACK_TAIL_SECONDS = 0.3
# The conference applies a disconnect on its media thread, a frame (20 ms)
# later: an object is dropped only after a few frames have passed.
RETIRE_SECONDS = 0.1


class HeadsetTest:
    """Tone, recording and playback on the headset's conference ports, stepped by `step()`."""

    def __init__(
        self,
        report: Report,
        clock: Callable[[], float] = time.monotonic,
        clock_rate: int = 16000,
    ) -> None:
        self._report = report
        self._clock = clock
        self._clock_rate = clock_rate
        self._phase = "idle"  # or tone, recording, saving, playing_back
        self._until = 0.0
        self._capture: Any = None
        self._playback: Any = None
        self._media: Any = None  # the tone generator, recorder or player in use
        self._link: tuple[Any, Any] | None = None  # (source, sink) now connected
        self._file: Path | None = None
        self._mic_level: float | None = None
        self._retired: list[tuple[float, Any]] = []  # (drop after, object)
        self._leftovers: list[Path] = []  # files to delete once nothing holds them

    @property
    def running(self) -> bool:
        """True from `start()` until done, failed or cancelled."""
        return self._phase != "idle"

    def start(self, capture: Any, playback: Any) -> None:
        """Begin with the tone on `playback`; `capture` is recorded next.

        pjsua2 failures end the test at once with a "failed" event.
        """
        if self.running:
            raise RuntimeError("the headset test is already running")
        self._capture, self._playback = capture, playback
        self._mic_level = None
        log.info("Headset test started")
        self._attempt(self._play_tone)

    def step(self) -> None:
        """Move on when the current phase is over (from `poll()`, often)."""
        if self._retired or self._leftovers:
            self._tidy()
        if self._phase == "idle":
            return
        now = self._clock()
        if self._phase == "saving":
            if not self._retired:  # the recorder is gone: its file gets finished
                self._attempt(self._play_back_when_saved)
        elif now < self._until:
            return
        elif self._phase == "tone":
            self._attempt(self._record)
        elif self._phase == "recording":
            self._attempt(self._save)
        elif self._phase == "playing_back":
            self._finish()

    def cancel(self, reason: str) -> None:
        """Stop the test, if it runs, and report it "cancelled" because of `reason`."""
        if not self.running:
            return
        log.info("Headset test cancelled: %s", reason)
        self._end()
        self._report(HeadsetTestProgress("cancelled", reason))

    def close(self) -> None:
        """Drop every pjsua2 object and delete the file, silently (before `libDestroy()`)."""
        held = self._media is not None or bool(self._retired)
        self._end()
        if held:
            time.sleep(RETIRE_SECONDS)  # let the media thread apply the disconnect
        self._retired.clear()
        self._tidy()

    # -- the phases ------------------------------------------------------

    def _play_tone(self) -> None:
        tone = pj.ToneGenerator()
        tone.createToneGenerator(self._clock_rate, 1)
        desc = pj.ToneDesc()
        desc.freq1 = TONE_HZ
        desc.freq2 = 0
        desc.on_msec = int(TONE_SECONDS * 1000)
        desc.off_msec = 0
        desc.volume = TONE_VOLUME
        tones = pj.ToneDescVector()
        tones.append(desc)
        tone.play(tones, False)
        self._media = tone
        self._connect(tone, self._playback)
        self._enter("tone", TONE_SECONDS + TONE_GAP_SECONDS)
        self._report(
            HeadsetTestProgress(
                "tone", f"A {TONE_HZ} Hz tone on the earphones for {TONE_SECONDS:.0f} s."
            )
        )

    def _record(self) -> None:
        self._release()
        fd, name = tempfile.mkstemp(prefix="callboard-headset-", suffix=".wav")
        os.close(fd)
        self._file = Path(name)
        recorder = pj.AudioMediaRecorder()
        recorder.createRecorder(name)
        self._media = recorder
        self._connect(self._capture, recorder)
        self._enter("recording", RECORD_SECONDS)
        self._report(
            HeadsetTestProgress(
                "recording", f"Recording the microphone for {RECORD_SECONDS:.0f} s."
            )
        )

    def _save(self) -> None:
        # Deleting the recorder finishes the file; it is read once its header is.
        self._release()
        self._enter("saving", RETIRE_SECONDS + SAVE_TIMEOUT_SECONDS)

    def _play_back_when_saved(self) -> None:
        path = self._file
        assert path is not None
        frames = _saved_frames(path)
        if frames == 0:
            if self._clock() >= self._until:
                self._fail("the recording was not saved")
            return
        level = _peak_level(path)
        self._mic_level = level
        seconds = frames / self._clock_rate
        player = pj.AudioMediaPlayer()
        player.createPlayer(str(path), pj.PJMEDIA_FILE_NO_LOOP)
        self._media = player
        self._connect(player, self._playback)
        self._enter("playing_back", seconds + PLAYBACK_TAIL_SECONDS)
        self._report(
            HeadsetTestProgress(
                "playing_back",
                f"Playing back {seconds:.1f} s of the microphone (peak {level:.0%}).",
                level,
            )
        )

    def _finish(self) -> None:
        level = self._mic_level or 0.0
        self._end()
        if level < SILENT_MICROPHONE:
            detail = f"Done. The microphone was silent (peak {level:.1%} of full scale)."
        else:
            detail = f"Done. The microphone peaked at {level:.0%} of full scale."
        log.info("Headset test done: microphone peak %.3f", level)
        self._report(HeadsetTestProgress("done", detail, level))

    # -- plumbing --------------------------------------------------------

    def _attempt(self, action: Callable[[], None]) -> None:
        try:
            action()
        except (pj.Error, OSError, wave.Error, EOFError) as exc:
            self._fail(_error_text(exc))

    def _fail(self, reason: str) -> None:
        log.warning("Headset test failed: %s", reason)
        level = self._mic_level
        self._end()
        self._report(HeadsetTestProgress("failed", reason, level))

    def _enter(self, phase: str, seconds: float) -> None:
        self._phase = phase
        self._until = self._clock() + seconds

    def _connect(self, source: Any, sink: Any) -> None:
        source.startTransmit(sink)
        self._link = (source, sink)

    def _disconnect(self) -> None:
        link, self._link = self._link, None
        if link is not None:
            with contextlib.suppress(pj.Error):
                link[0].stopTransmit(link[1])

    def _release(self) -> None:
        """Disconnect the object in use and drop it a few frames later."""
        self._disconnect()
        media, self._media = self._media, None
        if media is not None:
            self._retired.append((self._clock() + RETIRE_SECONDS, media))

    def _end(self) -> None:
        """Back to idle: release what is in use; the file goes once nothing holds it."""
        self._release()
        self._phase = "idle"
        self._capture = self._playback = None
        if self._file is not None:
            self._leftovers.append(self._file)
            self._file = None

    def _tidy(self) -> None:
        now = self._clock()
        self._retired = [(due, media) for due, media in self._retired if due > now]
        if self._retired or self._phase != "idle":
            return
        for path in list(self._leftovers):
            try:
                path.unlink(missing_ok=True)
            except OSError as exc:  # still open elsewhere (Windows): try again later
                log.debug("Headset test file %s not deleted yet: %s", path, exc)
                continue
            self._leftovers.remove(path)


def _saved_frames(path: Path) -> int:
    """Frames in the finished WAV file; 0 while pjsua has not written its header yet."""
    try:
        with wave.open(str(path), "rb") as wav:
            return wav.getnframes()
    except (wave.Error, EOFError):
        return 0


def _peak_level(path: Path) -> float:
    """The loudest sample of a 16-bit mono WAV file, from 0 to 1 (full scale)."""
    with wave.open(str(path), "rb") as wav:
        if wav.getsampwidth() != 2:
            raise wave.Error(f"{wav.getsampwidth() * 8}-bit samples, not 16-bit")
        samples = array("h")
        samples.frombytes(wav.readframes(wav.getnframes()))
    if sys.byteorder == "big":
        samples.byteswap()
    if not samples:
        return 0.0
    loudest, quietest = max(samples), min(samples)
    return min(1.0, max(loudest, -quietest) / 32768.0)


def _error_text(exc: BaseException) -> str:
    """A pjsua2 error's reason, or an OS or WAV error's message."""
    return str(getattr(exc, "reason", "") or exc)
