"""Reading an Asterisk queue_log into the store, once or following it as it grows.

How a feed keeps its place
--------------------------

A queue_log is rotated (renamed, a new file created) or truncated in place
(logrotate's copytruncate) while the feed reads it. Byte offsets alone
cannot tell one generation of the file from the next, so each generation is
named by a fingerprint: the SHA-1 of its first line (of its first two for a
CSV export, whose first line is the header). Events are stored with
`source_file = "<path>#<fingerprint>"` and the byte offset of their line;
`feed_offsets` holds, under the same key, how far that generation has been
read. The offset is written in the same transaction as the events before
it, so a crash never loses or doubles a line, and reading a file again, or
under another name (`queue_log.1` after rotation), resumes where the last
read stopped.

Following (`QueueLogFeed.poll` on a timer, or `follow`):

- rotation: when the path names another file than the one open, the old
  file is read to its end (a last unterminated line included) before the
  new one is opened, so no line written before the rotation is lost;
- truncation: when the open file is shorter than the feed's offset, or its
  first line changed, it is read again from its start as a new generation.

A line is consumed only once its line ending is there, except when reading
to the end (`final=True`, as `supervisor ingest` without `--follow` does):
then a last line without one is read too.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timezone, tzinfo
from enum import Enum
from pathlib import Path
from typing import BinaryIO, Protocol

from supervisor.feeds.events import ASTERISK_EVENTS
from supervisor.feeds.instants import BadInstant, parse_instant
from supervisor.feeds.parse import (
    CsvLayout,
    Malformed,
    csv_record_complete,
    parse_csv_row,
    parse_file_line,
    read_csv_line,
)
from supervisor.store import FeedOffset, QueueEvent

log = logging.getLogger(__name__)

BATCH_LINES = 500  # lines per transaction
_CHUNK = 1 << 20  # bytes read at a time
_HEAD_LIMIT = 1 << 16  # a first line longer than this is not a queue_log's
_MALFORMED_SAMPLES = 20  # malformed lines kept (and logged) for the report
_DEFAULT_CSV_COLUMNS = (
    "time", "callid", "queuename", "agent", "event", "data1", "data2", "data3", "data4", "data5",
)  # fmt: skip


class EventWriter(Protocol):
    """Where the feed's events go: `supervisor.store.StoreWriter` fits."""

    def record_queue_events(
        self, events: Sequence[QueueEvent], offset: FeedOffset | None = None
    ) -> None:
        """Write events and the feed's new offset in one transaction (or queue them)."""

    def flush(self) -> bool:
        """Retry what waits in memory; True when nothing is left waiting."""


OffsetLookup = Callable[[str], "FeedOffset | None"]
"""The stored offset of the file generation with this fingerprint, or None."""


def stored_offsets(connection: sqlite3.Connection) -> OffsetLookup:
    """An `OffsetLookup` over the store's `feed_offsets` (a small table)."""

    def find(fingerprint: str) -> FeedOffset | None:
        row = connection.execute(
            "SELECT source_path, byte_offset, updated_at, source_inode FROM feed_offsets "
            "WHERE source_path LIKE ? ORDER BY byte_offset DESC LIMIT 1",
            (f"%#{fingerprint}",),
        ).fetchone()
        return None if row is None else FeedOffset(*row)

    return find


class Shape(str, Enum):
    """The two shapes of a queue_log."""

    FILE = "file"  # epoch|callid|queue|agent|event|data1|...|data5
    CSV = "csv"  # the realtime queue_log table exported as CSV


@dataclass(frozen=True)
class _Head:
    """What the first line(s) of a file generation say: its name, shape and CSV layout."""

    fingerprint: str
    shape: Shape
    layout: CsvLayout | None
    header_end: int  # bytes of CSV header to skip; 0 otherwise


@dataclass
class FeedStats:
    """What a feed has read so far."""

    lines: int = 0  # non-blank lines (CSV records) read, the header not counted
    events: int = 0  # stored, vendor events included
    vendor_events: int = 0  # events Asterisk's app_queue does not write: kept, not in metrics
    malformed: int = 0
    malformed_samples: list[tuple[str, int, str]] = field(default_factory=list)  # key, offset, why
    generations: int = 0  # file generations opened
    rotations: int = 0
    truncations: int = 0


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")  # Asterisk writes caller names as it got them


def _read_head(file: BinaryIO, final: bool) -> _Head | None:
    """The file's head, or None while its first line (two for a CSV) is not complete."""
    file.seek(0)
    data = file.read(_HEAD_LIMIT)
    first_end = data.find(b"\n")
    if first_end < 0:
        if not (final and data.strip()):
            return None
        first_end = len(data) - 1
    first = data[: first_end + 1]
    text = _decode(first).rstrip("\r\n")
    shape, layout, header_end, named = Shape.FILE, None, 0, first
    if "|" not in text:
        cells = read_csv_line(text)
        header = CsvLayout.from_header(cells)
        if header is not None:
            shape, layout, header_end = Shape.CSV, header, first_end + 1
            second_end = data.find(b"\n", header_end)
            if second_end < 0:
                if not (final and data[header_end:].strip()):
                    return None
                second_end = len(data) - 1
            named = data[: second_end + 1]
        elif len(cells) >= len(_DEFAULT_CSV_COLUMNS) - 5 and _is_instant(cells[0]):
            shape, layout = Shape.CSV, CsvLayout.from_header(_DEFAULT_CSV_COLUMNS)
    digest = hashlib.sha1(named.rstrip(b"\r\n"), usedforsecurity=False).hexdigest()[:16]
    return _Head(digest, shape, layout, header_end)


def _is_instant(text: str) -> bool:
    try:
        parse_instant(text, naive_zone=timezone.utc)
    except BadInstant:
        return False
    return True


class QueueLogFeed:
    """Reads one queue_log path into the store: call `poll()` on a timer, or once with final=True.

    `offsets` finds where an earlier run stopped (see `stored_offsets`);
    `zone` places CSV date-times written without an offset; `clock` stamps
    the offsets. Used from one thread; starts none.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        writer: EventWriter,
        offsets: OffsetLookup,
        *,
        zone: tzinfo = timezone.utc,
        clock: Callable[[], float] = time.time,
        batch_lines: int = BATCH_LINES,
    ) -> None:
        self.path = Path(path).absolute()
        self.stats = FeedStats()
        self._writer = writer
        self._offsets = offsets
        self._zone = zone
        self._clock = clock
        self._batch_lines = batch_lines
        self._file: BinaryIO | None = None
        self._head: _Head | None = None
        self._key = ""
        self._position = 0
        self._inode: int | None = None
        self._known: dict[str, tuple[str, int]] = {}  # fingerprint: (key, offset) this run
        self._missing_logged = False

    @property
    def source_key(self) -> str:
        """`source_file` of the generation being read ("" before one is open)."""
        return self._key

    @property
    def position(self) -> int:
        """Byte offset in the open generation up to which everything has been read."""
        return self._position

    def poll(self, *, final: bool = False) -> int:
        """Read what is new (following rotation and truncation); return the events read."""
        if self._file is None and not self._open(final):
            return 0
        read = 0
        if self._restarted(final):
            self.stats.truncations += 1
            log.info("%s was truncated or rewritten: reading it again from its start", self.path)
            self._close_file()
            if not self._open(final):
                return 0
        read += self._read_new(final)
        if self._rotated():
            read += self._read_new(final=True)  # nothing more will be written to it
            self.stats.rotations += 1
            log.info("%s was rotated: finished the old file at byte %d", self.path, self._position)
            self._close_file()
            if self.path.exists():
                read += self.poll(final=final)
        return read

    def close(self) -> None:
        """Close the file; the store keeps the offset."""
        self._close_file()

    # --- the file and its generations ------------------------------------------------

    def _open(self, final: bool) -> bool:
        try:
            file = self.path.open("rb")
        except FileNotFoundError:
            if not self._missing_logged:
                log.warning("%s does not exist (yet): waiting for it", self.path)
                self._missing_logged = True
            return False
        self._missing_logged = False
        head = _read_head(file, final)
        if head is None:
            file.close()
            return False
        stat = os.fstat(file.fileno())
        key, position = self._known.get(head.fingerprint, (f"{self.path}#{head.fingerprint}", 0))
        if head.fingerprint not in self._known:
            stored = self._offsets(head.fingerprint)
            if stored is not None:
                key, position = stored.source_path, stored.byte_offset
        # A shorter copy of a generation already read (an earlier export) has nothing new.
        position = min(max(position, head.header_end), stat.st_size)
        self._file, self._head, self._key = file, head, key
        self._position, self._inode = position, stat.st_ino
        self._known[head.fingerprint] = (key, position)
        self.stats.generations += 1
        log.info("Reading %s (%s) as %s from byte %d", self.path, head.shape.value, key, position)
        return True

    def _close_file(self) -> None:
        if self._file is not None:
            self._file.close()
        self._file, self._head = None, None

    def _restarted(self, final: bool) -> bool:
        """True when the open file was truncated or rewritten under the feed."""
        assert self._file is not None and self._head is not None
        if os.fstat(self._file.fileno()).st_size < self._position:
            return True
        head = _read_head(self._file, final)
        return head is not None and head.fingerprint != self._head.fingerprint

    def _rotated(self) -> bool:
        """True when the path now names another file than the open one (or none)."""
        assert self._file is not None
        try:
            current = os.stat(self.path)
        except FileNotFoundError:
            return True
        own = os.fstat(self._file.fileno())
        return (current.st_ino, current.st_dev) != (own.st_ino, own.st_dev)

    # --- lines -----------------------------------------------------------------------

    def _read_new(self, final: bool) -> int:
        """Read every complete line after the offset, writing batches with their offset."""
        assert self._file is not None and self._head is not None
        events: list[QueueEvent] = []
        pending = b""  # the start of a line (or CSV record) not yet complete
        consumed = self._position  # everything before this is handled
        self._file.seek(self._position)
        total = 0
        while True:
            chunk = self._file.read(_CHUNK)
            at_end = len(chunk) < _CHUNK
            data = pending + chunk
            start = 0
            lines_in_batch = 0
            while True:
                end = data.find(b"\n", start)
                if end < 0:
                    break
                if self._head.shape is Shape.CSV and not csv_record_complete(
                    _decode(data[start : end + 1])
                ):
                    # A quoted cell spans lines: look for the end of the record further on.
                    next_end = self._record_end(data, start, end)
                    if next_end is None:
                        break
                    end = next_end
                self._take(data[start:end], consumed + start, events)
                start = end + 1
                lines_in_batch += 1
                if lines_in_batch >= self._batch_lines:
                    total += self._write(events, consumed + start)
                    events, lines_in_batch = [], 0
            pending = data[start:]
            consumed += start
            if at_end:
                break
        if final and pending.strip():
            self._take(pending, consumed, events)
            consumed += len(pending)
        if events or consumed != self._position:
            total += self._write(events, consumed)
        return total

    def _record_end(self, data: bytes, start: int, end: int) -> int | None:
        while True:
            end = data.find(b"\n", end + 1)
            if end < 0:
                return None
            if csv_record_complete(_decode(data[start : end + 1])):
                return end

    def _take(self, raw: bytes, offset: int, events: list[QueueEvent]) -> None:
        assert self._head is not None
        text = _decode(raw).rstrip("\r\n")
        if not text.strip():
            return
        self.stats.lines += 1
        key = self._key
        if self._head.shape is Shape.CSV:
            assert self._head.layout is not None
            layout = self._head.layout
            event = parse_csv_row(
                read_csv_line(text), layout, self._zone, source_file=key, source_offset=offset
            )
        else:
            event = parse_file_line(text, source_file=key, source_offset=offset)
        if isinstance(event, Malformed):
            self._malformed(offset, event.reason, text)
            return
        if event.event.upper() not in ASTERISK_EVENTS:
            self.stats.vendor_events += 1
        events.append(event)

    def _malformed(self, offset: int, reason: str, text: str) -> None:
        self.stats.malformed += 1
        if len(self.stats.malformed_samples) < _MALFORMED_SAMPLES:
            self.stats.malformed_samples.append((self._key, offset, reason))
            log.warning(
                "Malformed line at byte %d of %s (%s): %.120r", offset, self._key, reason, text
            )

    def _write(self, events: list[QueueEvent], offset: int) -> int:
        assert self._head is not None
        mark = FeedOffset(self._key, offset, self._clock(), self._inode)
        self._writer.record_queue_events(events, mark)
        self._position = offset
        self._known[self._head.fingerprint] = (self._key, offset)
        self.stats.events += len(events)
        log.debug("Stored %d events of %s up to byte %d", len(events), self._key, offset)
        return len(events)


def ingest(
    path: str | os.PathLike[str],
    writer: EventWriter,
    offsets: OffsetLookup,
    *,
    zone: tzinfo = timezone.utc,
    clock: Callable[[], float] = time.time,
) -> FeedStats:
    """Read `path` to its end once (a last line without a line ending included)."""
    feed = QueueLogFeed(path, writer, offsets, zone=zone, clock=clock)
    try:
        feed.poll(final=True)
    finally:
        feed.close()
    return feed.stats


def follow(
    feed: QueueLogFeed,
    writer: EventWriter,
    *,
    stop: Callable[[], bool],
    interval: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
) -> FeedStats:
    """Poll `feed` every `interval` seconds until `stop()` is true; retry a degraded store."""
    try:
        while not stop():
            feed.poll()
            writer.flush()
            sleep(interval)
    finally:
        feed.close()
    return feed.stats
