"""A byte ring for 20 ms audio frames between two clocks.

One thread writes frames (PortAudio's callback, or pjsua2's media clock) and
another reads them. The two clocks drift, so the ring keeps its fill near a
target: when it grows past `high_water` the oldest frames are dropped, and
when a reader finds it empty it gets the last frame once more (a short gap
is less audible repeated than silent), then silence. Both are counted, so a
benchmark can say how often it happened.

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

    @property
    def loss_ratio(self) -> float:
        """Frames dropped or repeated, as a share of the frames read."""
        return (self.dropped + self.repeated) / self.read if self.read else 0.0


class FrameRing:
    """A FIFO of fixed-size frames with drop-oldest on overflow and repeat-last on underrun."""

    def __init__(self, frame_bytes: int, capacity_frames: int = 16, high_water: int = 4) -> None:
        if capacity_frames < 2 or not 1 <= high_water < capacity_frames:
            raise ValueError("need capacity_frames >= 2 and 1 <= high_water < capacity_frames")
        self.frame_bytes = frame_bytes
        self.capacity = capacity_frames
        self.high_water = high_water
        self.stats = RingStats()
        self._buffer = bytearray(frame_bytes * capacity_frames)
        self._last = bytearray(frame_bytes)
        self._silence = bytes(frame_bytes)
        self._underruns_in_a_row = 0
        self._head = 0  # next frame to read
        self._count = 0
        self._lock = threading.Lock()

    @property
    def fill(self) -> int:
        """Frames waiting to be read."""
        return self._count

    def write(self, frame: bytes | bytearray | memoryview) -> None:
        """Append one frame (exactly `frame_bytes` long; shorter is padded with silence)."""
        size = self.frame_bytes
        with self._lock:
            if self._count >= self.high_water:
                # The reader's clock is slower: drop the oldest, keep latency bounded.
                self._head = (self._head + 1) % self.capacity
                self._count -= 1
                self.stats.dropped += 1
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
