"""The lab's Asterisk-format queue_log: `epoch|callid|queue|agent|event|data1|...`.

Lines are written as app_queue writes them (see `supervisor.feeds.events` for
what each event's data fields mean), with two liberties: times and waits
keep three decimals, as a sped-up lab's waits last fractions of a second,
and each line is flushed at once so that `supervisor ingest --follow` sees
it. `NONE` stands for a missing call id, queue or agent, as in Asterisk.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType


def seconds_field(value: float) -> str:
    """A duration as the lab writes it: seconds with three decimals."""
    return f"{max(0.0, value):.3f}"


def rounded(value: float) -> float:
    """A duration exactly as a queue_log line written by the lab will read back."""
    return float(seconds_field(value))


class QueueLogWriter:
    """Appends queue_log lines to a file, one flushed line per event."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = self.path.open("a", encoding="utf-8")

    def write(
        self,
        at: float,
        call_id: str | None,
        queue: str | None,
        agent: str | None,
        event: str,
        *data: str,
    ) -> None:
        """Write one event; `data` are its data fields, in order."""
        fields = [f"{at:.3f}", call_id or "NONE", queue or "NONE", agent or "NONE", event]
        fields += [value.replace("|", "/").replace("\n", " ") for value in data] or [""]
        self._file.write("|".join(fields) + "\n")
        self._file.flush()

    def close(self) -> None:
        """Close the file."""
        self._file.close()

    def __enter__(self) -> QueueLogWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
