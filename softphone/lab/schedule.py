"""A timer wheel for the lab's one thread: actions due at monotonic times, run from its loop."""

from __future__ import annotations

import heapq
import itertools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


@dataclass(order=True)
class Timer:
    """One scheduled action; `cancel()` keeps it from running."""

    due: float
    seq: int
    action: Callable[[], None] = field(compare=False)
    cancelled: bool = field(default=False, compare=False)

    def cancel(self) -> None:
        """Do not run the action."""
        self.cancelled = True


class Scheduler:
    """Runs actions when they are due; nothing runs except from `run_due()`."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.monotonic = monotonic
        self._heap: list[Timer] = []
        self._seq = itertools.count()

    def after(self, seconds: float, action: Callable[[], None]) -> Timer:
        """Run `action` in `seconds` (real seconds)."""
        timer = Timer(self.monotonic() + max(0.0, seconds), next(self._seq), action)
        heapq.heappush(self._heap, timer)
        return timer

    def run_due(self) -> int:
        """Run every action that is due; an action's exception is logged, not raised."""
        ran = 0
        now = self.monotonic()
        while self._heap and self._heap[0].due <= now:
            timer = heapq.heappop(self._heap)
            if timer.cancelled:
                continue
            ran += 1
            try:
                timer.action()
            except Exception:
                log.exception("A scheduled lab action failed")
        return ran

    def clear(self) -> None:
        """Forget every pending action."""
        self._heap.clear()
