"""A byte ring for 20 ms audio frames between two clocks.

One thread writes frames (PortAudio's callback, or pjsua2's media clock) and
another reads them. The two sides deliver in bursts (PortAudio through
PulseAudio hands over two frames every 40 ms) and their clocks drift apart
slowly. The ring absorbs bursts without touching the audio, and trims drift
only when it has built up: when the fill never fell below `excess` frames
during a whole `window` of reads, the standing delay above `excess - 1`
frames is dropped at once (one skip after a stall that queued up many
frames, rather than one skip a window for seconds).
When a reader finds the ring empty it gets the last frame once more (a short
gap is less audible repeated than silent), then silence. Drops and repeats
are counted, so a benchmark can say how often they happened.

Everything is preallocated; a read or write copies bytes under a lock and
never allocates, logs or calls into pjsua2 or Qt.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass
class RingStats:
    """What happened to the frames that went through a ring."""

    written: int = 0
    read: int = 0
    dropped: int = 0
    repeated: int = 0
    trims: int = 0  # times standing delay was dropped (each one audible skip)

    @property
    def loss_ratio(self) -> float:
        """Frames dropped or repeated, as a share of the frames read."""
        return (self.dropped + self.repeated) / self.read if self.read else 0.0


class FrameRing:
    """A FIFO of fixed-size frames that keeps delay bounded between two clocks."""

    def __init__(
        self, frame_bytes: int, capacity_frames: int = 16, excess: int = 2, window: int = 50
    ) -> None:
        if capacity_frames < 4 or not 1 <= excess < capacity_frames or window < 1:
            raise ValueError("need capacity_frames >= 4, 1 <= excess < capacity, window >= 1")
        self.frame_bytes = frame_bytes
        self.capacity = capacity_frames
        self.excess = excess
        self.window = window
        self.stats = RingStats()
        self._buffer = bytearray(frame_bytes * capacity_frames)
        self._last = bytearray(frame_bytes)
        self._silence = bytes(frame_bytes)
        self._underruns_in_a_row = 0
        self._head = 0  # next frame to read
        self._count = 0
        self._lowest = capacity_frames  # the lowest fill seen in this window of reads
        self._reads_in_window = 0
        self._lock = threading.Lock()

    @property
    def fill(self) -> int:
        """Frames waiting to be read."""
        return self._count

    def write(self, frame: bytes | bytearray | memoryview) -> None:
        """Append one frame (exactly `frame_bytes` long; shorter is padded with silence)."""
        size = self.frame_bytes
        with self._lock:
            if self._count >= self.capacity:
                # The reader stopped reading: keep the newest audio.
                self._skip_oldest()
            slot = ((self._head + self._count) % self.capacity) * size
            length = min(len(frame), size)
            self._buffer[slot : slot + length] = frame[:length]
            if length < size:
                self._buffer[slot + length : slot + size] = bytes(size - length)
            self._count += 1
            self.stats.written += 1

    def read_into(self, out: bytearray | memoryview) -> bool:
        """Copy the oldest frame into `out`; on underrun the last frame again. False on underrun."""
        size = self.frame_bytes
        with self._lock:
            self.stats.read += 1
            self._watch_drift()
            if self._count == 0:
                out[:size] = self._last if self._underruns_in_a_row == 0 else self._silence
                self._underruns_in_a_row += 1
                self.stats.repeated += 1
                return False
            self._underruns_in_a_row = 0
            slot = self._head * size
            out[:size] = self._buffer[slot : slot + size]
            self._last[:] = self._buffer[slot : slot + size]
            self._head = (self._head + 1) % self.capacity
            self._count -= 1
            return True

    def clear(self) -> None:
        """Forget every frame (a device change starts a fresh stream)."""
        with self._lock:
            self._head = 0
            self._count = 0
            self._last[:] = bytes(self.frame_bytes)
            self._lowest = self.capacity
            self._reads_in_window = 0

    def _watch_drift(self) -> None:
        # Called under the lock before each read.
        self._lowest = min(self._lowest, self._count)
        self._reads_in_window += 1
        if self._reads_in_window < self.window:
            return
        if self._lowest >= self.excess:
            # The writer's clock ran ahead, or a stall queued frames up: this
            # much delay never drained during the window.
            for _ in range(self._lowest - self.excess + 1):
                self._skip_oldest()
            self.stats.trims += 1
        self._lowest = self.capacity
        self._reads_in_window = 0

    def _skip_oldest(self) -> None:
        self._head = (self._head + 1) % self.capacity
        self._count -= 1
        self.stats.dropped += 1
