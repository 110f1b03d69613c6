"""Turning queue_log lines into `QueueEvent`s, in either of the two shapes Asterisk writes.

- The file, `/var/log/asterisk/queue_log`:
  `epoch|callid|queue|agent|event|data1|...|data5`. Older Asterisks write a
  single data field (`epoch|callid|queue|agent|event|data`), which is the
  same shape with fewer fields.
- The CSV export of the realtime `queue_log` table: a header row naming the
  columns (`time, callid, queuename, agent, event, data1..data5`, in any
  order; extra columns such as `id` are ignored; a single `data` column is
  split on `|`), then one row per event. `time` is epoch seconds or a
  date-time; a date-time without an offset is read in the zone given.

`NONE` or an empty callid, queue or agent is stored as NULL; an empty data
field likewise. A line that cannot be read is reported as `Malformed` with
the reason, and never stops the feed.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timezone, tzinfo

from supervisor.feeds.instants import BadInstant, parse_instant
from supervisor.store import QueueEvent

MIN_FIELDS = 5  # time, callid, queue, agent, event
_DATA_FIELDS = 5
_COLUMN_NAMES = {
    "time": "time",
    "timestamp": "time",
    "callid": "callid",
    "uniqueid": "callid",
    "queuename": "queue",
    "queue": "queue",
    "agent": "agent",
    "event": "event",
    "data": "data",
    **{f"data{n}": f"data{n}" for n in range(1, _DATA_FIELDS + 1)},
}
_REQUIRED_COLUMNS = ("time", "callid", "queue", "agent", "event")
_Source = tuple["str | None", "int | None"]  # source_file, source_offset


@dataclass(frozen=True)
class Malformed:
    """A line that is not a queue_log event, and why."""

    reason: str


@dataclass(frozen=True)
class CsvLayout:
    """Where each queue_log column sits in a CSV export's rows, read from its header."""

    positions: dict[str, int]

    @classmethod
    def from_header(cls, header: Sequence[str]) -> CsvLayout | None:
        """The layout a header row describes, or None if the row is not a queue_log header."""
        positions: dict[str, int] = {}
        for index, name in enumerate(header):
            column = _COLUMN_NAMES.get(name.strip().strip('"').lower())
            if column is not None and column not in positions:
                positions[column] = index
        if not all(column in positions for column in _REQUIRED_COLUMNS):
            return None
        return cls(positions)


def _optional(value: str) -> str | None:
    value = value.strip()
    return value or None


def _party(value: str) -> str | None:
    value = value.strip()
    return None if not value or value.upper() == "NONE" else value


def _event(
    fields: Sequence[str], data: Sequence[str], occurred_at: float, source: _Source
) -> QueueEvent | Malformed:
    name = fields[4].strip()
    if not name or any(character.isspace() for character in name):
        return Malformed(f"no event name (found {fields[4]!r})")
    values = [_optional(value) for value in data[:_DATA_FIELDS]]
    if len(data) > _DATA_FIELDS:
        values[-1] = "|".join(data[_DATA_FIELDS - 1 :])
    values += [None] * (_DATA_FIELDS - len(values))
    return QueueEvent(
        occurred_at,
        _party(fields[1]),
        _party(fields[2]),
        _party(fields[3]),
        name,
        data1=values[0],
        data2=values[1],
        data3=values[2],
        data4=values[3],
        data5=values[4],
        source_file=source[0],
        source_offset=source[1],
    )


def parse_file_line(
    line: str, *, source_file: str | None = None, source_offset: int | None = None
) -> QueueEvent | Malformed:
    """One line of a queue_log file (without its line ending)."""
    fields = line.split("|")
    if len(fields) < MIN_FIELDS:
        return Malformed(f"{len(fields)} fields, expected at least {MIN_FIELDS}")
    try:
        occurred_at = parse_instant(fields[0], naive_zone=timezone.utc)
    except BadInstant as exc:
        return Malformed(str(exc))
    return _event(fields, fields[MIN_FIELDS:], occurred_at, (source_file, source_offset))


def parse_csv_row(
    row: Sequence[str],
    layout: CsvLayout,
    zone: tzinfo,
    *,
    source_file: str | None = None,
    source_offset: int | None = None,
) -> QueueEvent | Malformed:
    """One data row of a realtime queue_log CSV export."""
    positions = layout.positions
    if len(row) <= max(positions[column] for column in _REQUIRED_COLUMNS):
        return Malformed(f"{len(row)} columns, fewer than the header names")

    def cell(column: str) -> str:
        index = positions.get(column)
        return row[index] if index is not None and index < len(row) else ""

    try:
        occurred_at = parse_instant(cell("time"), naive_zone=zone)
    except BadInstant as exc:
        return Malformed(str(exc))
    fields = [cell(column) for column in _REQUIRED_COLUMNS]
    if "data" in positions and "data1" not in positions:
        data = cell("data").split("|")
    else:
        data = [cell(f"data{n}") for n in range(1, _DATA_FIELDS + 1)]
    return _event(fields, data, occurred_at, (source_file, source_offset))


def read_csv_line(line: str) -> list[str]:
    """The cells of one CSV record (which may span lines inside quotes)."""
    return next(csv.reader([line]), [])


def csv_record_complete(text: str) -> bool:
    """True when `text` closes every quote it opens: a whole CSV record."""
    return text.count('"') % 2 == 0
