"""PBX queue feeds into the store: Asterisk's queue_log, as a file or a realtime CSV export.

- `ingest(path, writer, offsets)` reads a queue_log once, to its end;
- `QueueLogFeed(path, writer, offsets).poll()` on a timer (or `follow`)
  reads it as it grows, through rotation and truncation;
- `stored_offsets(connection)` finds where an earlier run stopped.

Events are written with `StoreWriter.record_queue_events`, each batch with
the feed's offset in the same transaction. Every line is stored as an
event, Asterisk's own (`ASTERISK_EVENTS`) and vendor events alike; only the
former count in the metrics. Malformed lines are counted, logged and
skipped. Nothing here imports Qt.
"""

from supervisor.feeds.events import (
    ASTERISK_EVENTS,
    CALL_END_EVENTS,
    MEMBER_EVENTS,
    OUTCOME_EVENTS,
    TRANSFER_EVENTS,
)
from supervisor.feeds.instants import BadInstant, format_instant, parse_instant
from supervisor.feeds.parse import CsvLayout, Malformed, parse_csv_row, parse_file_line
from supervisor.feeds.queue_log import (
    EventWriter,
    FeedStats,
    OffsetLookup,
    QueueLogFeed,
    Shape,
    follow,
    ingest,
    stored_offsets,
)

__all__ = [
    "ASTERISK_EVENTS",
    "CALL_END_EVENTS",
    "MEMBER_EVENTS",
    "OUTCOME_EVENTS",
    "TRANSFER_EVENTS",
    "BadInstant",
    "CsvLayout",
    "EventWriter",
    "FeedStats",
    "Malformed",
    "OffsetLookup",
    "QueueLogFeed",
    "Shape",
    "follow",
    "format_instant",
    "ingest",
    "parse_csv_row",
    "parse_file_line",
    "parse_instant",
    "stored_offsets",
]
