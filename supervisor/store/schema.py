"""The store's tables, and the forward migrations that build them.

The schema version lives in `PRAGMA user_version`. Each `Migration` moves a
store from `version - 1` to `version` in one `BEGIN IMMEDIATE` transaction,
re-reading the version inside it, so several processes opening an old store
at once migrate it exactly once. A store whose version is newer than
`SCHEMA_VERSION` is refused before anything is written to it.

Design of the facts (see DESIGN.md, "The store"):

- Facts are append-only. A trigger on each fact table refuses UPDATE, so
  `sqlite3` users and future code cannot rewrite history by accident.
- A call is a family of facts keyed by (call_id, agent_id): `calls` when it
  starts ringing (or is dialled), `call_context` with it, then at most one
  `call_answers` and one `call_ends` row, and any number of `call_transfers`.
  Each is written when it becomes true, so a crash mid-call loses nothing
  already known, and nothing is rewritten. The `call_summary` view joins
  them back into one row per call. The key includes the agent because an
  internal call between two agents has one SIP Call-ID seen by both.
- A wrap-up is a sequence of draft revisions (`wrap_up_drafts`, one full
  snapshot per change) and then one `wrap_ups` row when it is final. A new
  revision never overwrites the last good one, so killing the process
  mid-write loses at most the change being typed; the final row is written
  once and is immutable. `unfinished_wrap_ups` shows drafts without a final.
- `feed_offsets` is a bookmark of how far a feed has read, written in the
  same transaction as the events, and updated in place.
- `call_legs` is derived, never written directly: `call_summary` kept as a
  table (one row per `calls` row with its answer, end and final wrap-up) by
  triggers on those four fact tables, in the writer's own transaction. The
  KPIs read a window's legs from it in ringing order, without three look-ups
  per leg.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)

_FACT_TABLES = (
    "agent_state_changes",
    "calls",
    "call_context",
    "call_answers",
    "call_ends",
    "call_transfers",
    "wrap_up_drafts",
    "wrap_ups",
    "survey_scores",
    "queue_events",
)

_V1 = (
    """
CREATE TABLE store_migrations (
    version INTEGER PRIMARY KEY,    -- the PRAGMA user_version this migration reached
    description TEXT NOT NULL,
    applied_at REAL NOT NULL        -- UTC epoch seconds
)""",
    """
CREATE TABLE agent_state_changes (
    id INTEGER PRIMARY KEY,
    agent_id TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN
        ('logged_out', 'available', 'not_ready', 'ringing', 'on_call', 'wrap_up')),
    reason TEXT,                    -- not_ready: reason code from the profile; else why, or NULL
    call_id TEXT,                   -- the call behind ringing, on_call and wrap_up
    changed_at REAL NOT NULL        -- UTC epoch seconds the agent entered this state
)""",
    "CREATE INDEX agent_state_changes_by_agent ON agent_state_changes (agent_id, changed_at)",
    "CREATE INDEX agent_state_changes_by_time ON agent_state_changes (changed_at)",
    """
CREATE TABLE calls (
    call_id TEXT NOT NULL,          -- SIP Call-ID of the agent's leg
    agent_id TEXT NOT NULL,
    direction TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    queue TEXT,                     -- from X-Queue; NULL for a direct call
    remote_party TEXT,              -- the caller (inbound) or the number dialled (outbound)
    ringing_at REAL NOT NULL,       -- inbound: began ringing at the agent; outbound: dialled
    PRIMARY KEY (call_id, agent_id)
)""",
    "CREATE INDEX calls_by_time ON calls (ringing_at)",
    "CREATE INDEX calls_by_queue ON calls (queue, ringing_at)",
    "CREATE INDEX calls_by_agent ON calls (agent_id, ringing_at)",
    """
CREATE TABLE call_context (
    call_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    position INTEGER NOT NULL,      -- order of the header in the INVITE
    header TEXT NOT NULL,           -- e.g. X-IVR-Path, X-Customer-Id, Call-Info
    value TEXT NOT NULL,            -- shown to the agent as plain text only
    PRIMARY KEY (call_id, agent_id, position),
    FOREIGN KEY (call_id, agent_id) REFERENCES calls (call_id, agent_id)
)""",
    """
CREATE TABLE call_answers (
    call_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    answered_at REAL NOT NULL,      -- connected: the agent answered, or the callee did
    PRIMARY KEY (call_id, agent_id),
    FOREIGN KEY (call_id, agent_id) REFERENCES calls (call_id, agent_id)
)""",
    """
CREATE TABLE call_ends (
    call_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    ended_at REAL NOT NULL,
    end_reason TEXT NOT NULL,       -- caller_hung_up, agent_hung_up, transferred, declined, ...
    hold_seconds REAL NOT NULL DEFAULT 0 CHECK (hold_seconds >= 0),  -- total time on hold
    sip_status INTEGER,             -- final SIP status code, where there was one
    PRIMARY KEY (call_id, agent_id),
    FOREIGN KEY (call_id, agent_id) REFERENCES calls (call_id, agent_id)
)""",
    "CREATE INDEX call_ends_by_time ON call_ends (ended_at)",
    """
CREATE TABLE call_transfers (
    id INTEGER PRIMARY KEY,
    call_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,         -- the agent who transferred the call
    kind TEXT NOT NULL CHECK (kind IN ('blind', 'attended')),
    target TEXT NOT NULL,           -- SIP URI, or a named transfer target from the profile
    result TEXT NOT NULL CHECK (result IN ('completed', 'failed', 'cancelled')),
    sip_status INTEGER,             -- from the NOTIFY sipfrag, where there was one
    requested_at REAL NOT NULL,
    finished_at REAL NOT NULL,
    FOREIGN KEY (call_id, agent_id) REFERENCES calls (call_id, agent_id)
)""",
    "CREATE INDEX call_transfers_by_call ON call_transfers (call_id, agent_id)",
    """
CREATE TABLE wrap_up_drafts (
    call_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    revision INTEGER NOT NULL,      -- 0 when the wrap-up starts, then one more per change
    disposition TEXT,               -- a disposition code from the profile
    notes TEXT NOT NULL DEFAULT '',
    resolved INTEGER CHECK (resolved IN (0, 1)),  -- resolved on first contact; NULL: not said
    follow_up_at REAL,              -- when to call the customer back, or NULL
    started_at REAL NOT NULL,       -- when the wrap-up began (the call ended)
    saved_at REAL NOT NULL,         -- when this revision was saved
    PRIMARY KEY (call_id, agent_id, revision)
)""",
    "CREATE INDEX wrap_up_drafts_by_agent ON wrap_up_drafts (agent_id)",
    """
CREATE TABLE wrap_ups (
    call_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('submitted', 'skipped', 'timed_out')),
    mode TEXT NOT NULL CHECK (mode IN ('optional', 'mandatory', 'time_boxed')),
    disposition TEXT,
    notes TEXT NOT NULL DEFAULT '',
    resolved INTEGER CHECK (resolved IN (0, 1)),
    follow_up_at REAL,
    started_at REAL NOT NULL,
    finished_at REAL NOT NULL,      -- submitted, skipped, or the time box ran out
    PRIMARY KEY (call_id, agent_id)
)""",
    "CREATE INDEX wrap_ups_by_time ON wrap_ups (finished_at)",
    "CREATE INDEX wrap_ups_by_agent ON wrap_ups (agent_id, finished_at)",
    """
CREATE TABLE survey_scores (
    id INTEGER PRIMARY KEY,
    call_id TEXT NOT NULL,
    survey TEXT NOT NULL CHECK (survey IN ('csat', 'nps', 'ces')),
    score INTEGER NOT NULL,         -- csat 1 to 5, nps 0 to 10, ces 1 to 7
    answered_at REAL NOT NULL,
    CHECK ((survey = 'csat' AND score BETWEEN 1 AND 5)
        OR (survey = 'nps' AND score BETWEEN 0 AND 10)
        OR (survey = 'ces' AND score BETWEEN 1 AND 7))
)""",
    "CREATE INDEX survey_scores_by_survey ON survey_scores (survey, answered_at)",
    "CREATE INDEX survey_scores_by_call ON survey_scores (call_id)",
    """
CREATE TABLE queue_events (
    id INTEGER PRIMARY KEY,
    occurred_at REAL NOT NULL,      -- the queue_log time, UTC epoch seconds
    call_id TEXT,                   -- Asterisk uniqueid of the caller's channel
    queue TEXT,
    agent TEXT,                     -- the queue member, e.g. Local/1001@agents
    event TEXT NOT NULL,            -- ENTERQUEUE, CONNECT, ABANDON, COMPLETECALLER, ...
    data1 TEXT,                     -- event-specific fields, as in queue_log
    data2 TEXT,
    data3 TEXT,
    data4 TEXT,
    data5 TEXT,
    source_file TEXT,               -- the queue_log the line came from
    source_offset INTEGER,          -- byte offset of the line: re-reading adds no duplicate
    UNIQUE (source_file, source_offset)
)""",
    "CREATE INDEX queue_events_by_queue ON queue_events (queue, occurred_at)",
    "CREATE INDEX queue_events_by_event ON queue_events (event, occurred_at)",
    "CREATE INDEX queue_events_by_call ON queue_events (call_id)",
    """
CREATE TABLE feed_offsets (
    source_path TEXT PRIMARY KEY,   -- the file a feed reads, e.g. /var/log/asterisk/queue_log
    source_inode INTEGER,           -- its inode, to notice rotation
    byte_offset INTEGER NOT NULL,   -- everything before this offset is in queue_events
    updated_at REAL NOT NULL
)""",
    """
CREATE VIEW call_summary AS
SELECT c.call_id, c.agent_id, c.direction, c.queue, c.remote_party,
       c.ringing_at, a.answered_at, e.ended_at, e.end_reason, e.hold_seconds, e.sip_status,
       a.answered_at - c.ringing_at AS ring_seconds,
       e.ended_at - a.answered_at AS talk_seconds
FROM calls c
LEFT JOIN call_answers a ON a.call_id = c.call_id AND a.agent_id = c.agent_id
LEFT JOIN call_ends e ON e.call_id = c.call_id AND e.agent_id = c.agent_id""",
    """
CREATE VIEW unfinished_wrap_ups AS
SELECT d.* FROM wrap_up_drafts d
WHERE d.revision = (SELECT MAX(revision) FROM wrap_up_drafts l
                    WHERE l.call_id = d.call_id AND l.agent_id = d.agent_id)
  AND NOT EXISTS (SELECT 1 FROM wrap_ups w
                  WHERE w.call_id = d.call_id AND w.agent_id = d.agent_id)""",
    *(
        f"CREATE TRIGGER {table}_are_facts BEFORE UPDATE ON {table} BEGIN "
        f"SELECT RAISE(ABORT, '{table} holds facts: append new rows, never update'); END"
        for table in _FACT_TABLES
    ),
)

_V2 = (
    # The FCR repeat-caller estimate looks for the same caller within 7 days.
    "CREATE INDEX calls_by_remote_party ON calls (remote_party, ringing_at)",
)


_LEG_SOURCES = (
    ("call_answers", "answered_at = NEW.answered_at", "answered_at = NULL"),
    ("call_ends", "ended_at = NEW.ended_at, hold_seconds = NEW.hold_seconds",
     "ended_at = NULL, hold_seconds = NULL"),
    ("wrap_ups", "wrap_up_started_at = NEW.started_at, wrap_up_finished_at = NEW.finished_at, "
     "resolved = NEW.resolved", "wrap_up_started_at = NULL, wrap_up_finished_at = NULL, "
     "resolved = NULL"),
)  # fmt: skip
_LEG_OF = "call_id = {row}.call_id AND agent_id = {row}.agent_id"
_LEG_FROM_FACTS = """
SELECT c.ringing_at, c.call_id, c.agent_id, c.direction, c.queue, c.remote_party,
       a.answered_at, e.ended_at, e.hold_seconds, w.started_at, w.finished_at, w.resolved
FROM calls AS c
LEFT JOIN call_answers AS a ON a.call_id = c.call_id AND a.agent_id = c.agent_id
LEFT JOIN call_ends AS e ON e.call_id = c.call_id AND e.agent_id = c.agent_id
LEFT JOIN wrap_ups AS w ON w.call_id = c.call_id AND w.agent_id = c.agent_id"""

_V3 = (
    # One refresh of every KPI (supervisor/metrics) reads a window's facts from
    # indexes and tables that hold every column it needs in the order it needs
    # them, instead of visiting a table row (or three) per fact.
    #
    # call_legs: `call_summary` kept as a table, one row per `calls` row with
    # its answer, end and final wrap-up, in ringing order. Triggers on the four
    # fact tables keep it equal to their join; nothing else writes it.
    """
CREATE TABLE call_legs (
    ringing_at REAL NOT NULL,
    call_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    direction TEXT NOT NULL,
    queue TEXT,
    remote_party TEXT,
    answered_at REAL,               -- call_answers
    ended_at REAL,                  -- call_ends
    hold_seconds REAL,
    wrap_up_started_at REAL,        -- wrap_ups (final wrap-ups only)
    wrap_up_finished_at REAL,
    resolved INTEGER,
    PRIMARY KEY (ringing_at, call_id, agent_id)
) WITHOUT ROWID""",
    "CREATE UNIQUE INDEX call_legs_by_call ON call_legs (call_id, agent_id)",
    # The repeat-caller look-back: a caller's earlier answered inbound legs.
    "CREATE INDEX call_legs_by_caller "
    "ON call_legs (remote_party, ringing_at, direction, answered_at)",
    "INSERT INTO call_legs " + _LEG_FROM_FACTS,
    "CREATE TRIGGER calls_add_legs AFTER INSERT ON calls BEGIN INSERT OR REPLACE INTO call_legs "
    + _LEG_FROM_FACTS
    + " WHERE c.call_id = NEW.call_id AND c.agent_id = NEW.agent_id; END",
    # The SQL below is put together from the fixed names above only.
    "CREATE TRIGGER calls_remove_legs AFTER DELETE ON calls BEGIN "  # noqa: S608
    f"DELETE FROM call_legs WHERE {_LEG_OF.format(row='OLD')}; END",
    *(
        f"CREATE TRIGGER {table}_fill_legs AFTER INSERT ON {table} BEGIN "  # noqa: S608
        f"UPDATE call_legs SET {fill} WHERE {_LEG_OF.format(row='NEW')}; END"
        for table, fill, _ in _LEG_SOURCES
    ),
    *(
        f"CREATE TRIGGER {table}_empty_legs AFTER DELETE ON {table} BEGIN "  # noqa: S608
        f"UPDATE call_legs SET {empty} WHERE {_LEG_OF.format(row='OLD')}; END"
        for table, _, empty in _LEG_SOURCES
    ),
    # The agent states of a window in time order, with who and which state:
    # time in state and the state chart. Replaces the index on the time alone.
    "CREATE INDEX agent_state_changes_by_time_with_state "
    "ON agent_state_changes (changed_at, id, agent_id, state)",
    "DROP INDEX agent_state_changes_by_time",
    # A call's events in one queue in time order, with their names: the outcome
    # of each entry and the end of each answered call, found in the index
    # alone. Replaces the index on the call alone.
    "CREATE INDEX queue_events_by_call_and_queue "
    "ON queue_events (call_id, queue, occurred_at, id, event)",
    "DROP INDEX queue_events_by_call",
    # Each queue member's events, for the state of members no softphone reports.
    "CREATE INDEX queue_events_by_member ON queue_events (agent, occurred_at) "
    "WHERE agent IS NOT NULL",
)


@dataclass(frozen=True)
class Migration:
    """The SQL that takes a store from `version - 1` to `version`."""

    version: int
    description: str
    statements: tuple[str, ...]


MIGRATIONS = (
    Migration(1, "facts: agent states, calls, wrap-ups, surveys, queue events", _V1),
    Migration(2, "index calls by remote party for the repeat-caller estimate", _V2),
    Migration(3, "call legs table and covering indexes for one refresh of every KPI", _V3),
)
SCHEMA_VERSION = MIGRATIONS[-1].version


def schema_version(connection: sqlite3.Connection) -> int:
    """The store's `PRAGMA user_version`: 0 for a new, empty file."""
    row = connection.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def migrate(
    connection: sqlite3.Connection,
    *,
    target: int = SCHEMA_VERSION,
    clock: Callable[[], float] = time.time,
) -> list[int]:
    """Apply the migrations up to `target`; return the versions this call applied.

    `connection` must be in autocommit mode (`isolation_level=None`).
    """
    applied: list[int] = []
    for migration in MIGRATIONS:
        if migration.version > target:
            break
        if schema_version(connection) >= migration.version:
            continue
        connection.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have migrated while we waited for the lock.
            if schema_version(connection) < migration.version:
                for statement in migration.statements:
                    connection.execute(statement)
                connection.execute(
                    "INSERT INTO store_migrations (version, description, applied_at) "
                    "VALUES (?, ?, ?)",
                    (migration.version, migration.description, clock()),
                )
                connection.execute(f"PRAGMA user_version = {int(migration.version)}")
                applied.append(migration.version)
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
    if applied:
        log.info("Store migrated to schema version %d (applied %s)", applied[-1], applied)
    return applied
