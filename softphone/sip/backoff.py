"""How long to wait before registering again after a failure."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

# Status codes that mean "your credentials are wrong": retrying quickly would
# only lock the account on PBXs that count failed attempts.
AUTH_FAILURES = frozenset({401, 403, 407})


@dataclass(frozen=True)
class Backoff:
    """Exponential back-off with jitter, slower for authentication failures.

    Attempt n (from 0) waits `base * 2**n` seconds, capped at `ceiling`, then
    spread by +/- `jitter` so many softphones restarting together do not hit
    the PBX in the same second.
    """

    base: float = 2.0
    ceiling: float = 300.0
    auth_base: float = 60.0
    auth_ceiling: float = 1800.0
    jitter: float = 0.2

    def delay(self, attempt: int, code: int, rand: Callable[[], float] = random.random) -> float:
        """Seconds to wait before retry number `attempt` after a failure with `code`."""
        if code in AUTH_FAILURES:
            base, ceiling = self.auth_base, self.auth_ceiling
        else:
            base, ceiling = self.base, self.ceiling
        raw: float = min(ceiling, base * 2.0 ** min(attempt, 30))
        spread = 1.0 + self.jitter * (2.0 * rand() - 1.0)
        return max(0.5, raw * spread)
