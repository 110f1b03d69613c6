"""Reading the store: queries that return plain dataclasses.

Each query takes time bounds as UTC epoch seconds, `since` inclusive and
`until` exclusive, and is shaped to use the indexes the schema declares
(tests check the plans). The metrics package runs its aggregate SQL on
`Store.connection`; these functions are for lists an operator or a test
wants to see whole.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import Any

from supervisor.store.connection import BUSY_TIMEOUT, default_store_path, open_connection
from supervisor.store.records import (
    AgentStateChange,
    CallRecord,
    FeedOffset,
    FinalWrapUp,
    QueueEvent,
    SurveyScore,
    Transfer,
    WrapUpDraft,
)
from supervisor.store.schema import schema_version

_Params = list[object]

# SQL in this module is put together only from fixed fragments written here;
# every value is bound as a parameter. Hence the S608 waivers below.


def _where(filters: Sequence[tuple[str, object]]) -> tuple[str, _Params]:
    """A WHERE clause from fixed column conditions whose value is not None."""
    clauses = [condition for condition, value in filters if value is not None]
    params: _Params = [value for _, value in filters if value is not None]
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def agent_state_changes(
    connection: sqlite3.Connection,
    *,
    agent_id: str | None = None,
    since: float | None = None,
    until: float | None = None,
) -> list[AgentStateChange]:
    """State changes in time order, for one agent or all."""
    where, params = _where(
        [("agent_id = ?", agent_id), ("changed_at >= ?", since), ("changed_at < ?", until)]
    )
    rows = connection.execute(
        "SELECT agent_id, state, changed_at, reason, call_id FROM agent_state_changes"
        + where
        + " ORDER BY changed_at, id",
        params,
    )
    return [AgentStateChange(*row) for row in rows]


def current_agent_states(connection: sqlite3.Connection) -> list[AgentStateChange]:
    """The latest state of every agent the store has seen, by agent id.

    Walks the distinct agents through the (agent_id, changed_at) index, so
    the cost grows with the number of agents, not of state changes.
    """
    rows = connection.execute(
        """
        WITH RECURSIVE agents(agent_id) AS (
            SELECT MIN(agent_id) FROM agent_state_changes
            UNION ALL
            SELECT (SELECT MIN(agent_id) FROM agent_state_changes WHERE agent_id > agents.agent_id)
            FROM agents WHERE agents.agent_id IS NOT NULL
        )
        SELECT s.agent_id, s.state, s.changed_at, s.reason, s.call_id
        FROM agents JOIN agent_state_changes s ON s.id = (
            SELECT id FROM agent_state_changes
            WHERE agent_id = agents.agent_id ORDER BY changed_at DESC, id DESC LIMIT 1)
        ORDER BY s.agent_id
        """
    )
    return [AgentStateChange(*row) for row in rows]


_CALL_COLUMNS = (
    "c.call_id, c.agent_id, c.direction, c.ringing_at, c.queue, c.remote_party, "
    "a.answered_at, e.ended_at, e.end_reason, e.hold_seconds, e.sip_status"
)
_CALL_JOINS = (
    " FROM calls c"
    " LEFT JOIN call_answers a ON a.call_id = c.call_id AND a.agent_id = c.agent_id"
    " LEFT JOIN call_ends e ON e.call_id = c.call_id AND e.agent_id = c.agent_id"
)


def calls(
    connection: sqlite3.Connection,
    *,
    since: float | None = None,
    until: float | None = None,
    queue: str | None = None,
    agent_id: str | None = None,
) -> list[CallRecord]:
    """Calls that started ringing in [since, until), with their context and transfers."""
    where, params = _where(
        [
            ("c.queue = ?", queue),
            ("c.agent_id = ?", agent_id),
            ("c.ringing_at >= ?", since),
            ("c.ringing_at < ?", until),
        ]
    )
    rows = connection.execute(
        "SELECT " + _CALL_COLUMNS + _CALL_JOINS + where + " ORDER BY c.ringing_at", params
    ).fetchall()
    return [_call_record(connection, row) for row in rows]


def call(connection: sqlite3.Connection, call_id: str, agent_id: str) -> CallRecord | None:
    """One call as `agent_id` saw it, or None."""
    row = connection.execute(
        "SELECT " + _CALL_COLUMNS + _CALL_JOINS + " WHERE c.call_id = ? AND c.agent_id = ?",
        (call_id, agent_id),
    ).fetchone()
    return None if row is None else _call_record(connection, row)


def _call_record(connection: sqlite3.Connection, row: tuple[Any, ...]) -> CallRecord:
    call_id, agent_id = row[0], row[1]
    context = connection.execute(
        "SELECT header, value FROM call_context WHERE call_id = ? AND agent_id = ? "
        "ORDER BY position",
        (call_id, agent_id),
    ).fetchall()
    transfers = connection.execute(
        "SELECT call_id, agent_id, kind, target, result, requested_at, finished_at, sip_status "
        "FROM call_transfers WHERE call_id = ? AND agent_id = ? ORDER BY requested_at, id",
        (call_id, agent_id),
    ).fetchall()
    return replace(
        CallRecord(*row),
        context=tuple((str(name), str(value)) for name, value in context),
        transfers=tuple(Transfer(*transfer) for transfer in transfers),
    )


_DRAFT_COLUMNS = (
    "call_id, agent_id, revision, started_at, saved_at, disposition, notes, resolved, follow_up_at"
)


def _draft(row: Sequence[object]) -> WrapUpDraft:
    values = list(row)
    values[7] = None if values[7] is None else bool(values[7])
    return WrapUpDraft(*values)  # type: ignore[arg-type]


def wrap_up_drafts(
    connection: sqlite3.Connection, call_id: str, agent_id: str
) -> list[WrapUpDraft]:
    """Every saved revision of one wrap-up, oldest first."""
    rows = connection.execute(
        "SELECT " + _DRAFT_COLUMNS + " FROM wrap_up_drafts "
        "WHERE call_id = ? AND agent_id = ? ORDER BY revision",
        (call_id, agent_id),
    )
    return [_draft(row) for row in rows]


def unfinished_wrap_up(connection: sqlite3.Connection, agent_id: str) -> WrapUpDraft | None:
    """The agent's latest wrap-up if it never became final: what a restart reopens.

    Every wrap-up writes revision 0 when it starts, so the agent's most
    recently written draft belongs to their latest wrap-up.
    """
    latest = connection.execute(
        "SELECT call_id FROM wrap_up_drafts WHERE agent_id = ? ORDER BY rowid DESC LIMIT 1",
        (agent_id,),
    ).fetchone()
    if latest is None:
        return None
    row = connection.execute(
        "SELECT " + _DRAFT_COLUMNS + " FROM wrap_up_drafts d "
        "WHERE call_id = ? AND agent_id = ? AND NOT EXISTS ("
        "  SELECT 1 FROM wrap_ups w WHERE w.call_id = d.call_id AND w.agent_id = d.agent_id) "
        "ORDER BY revision DESC LIMIT 1",
        (latest[0], agent_id),
    ).fetchone()
    return None if row is None else _draft(row)


def wrap_ups(
    connection: sqlite3.Connection,
    *,
    since: float | None = None,
    until: float | None = None,
    agent_id: str | None = None,
) -> list[FinalWrapUp]:
    """Final wrap-ups that finished in [since, until)."""
    where, params = _where(
        [("agent_id = ?", agent_id), ("finished_at >= ?", since), ("finished_at < ?", until)]
    )
    sql = (
        "SELECT call_id, agent_id, outcome, mode, started_at, finished_at, disposition, "
        "notes, resolved, follow_up_at FROM wrap_ups" + where + " ORDER BY finished_at"
    )
    rows = connection.execute(sql, params)
    result = []
    for row in rows:
        values = list(row)
        values[8] = None if values[8] is None else bool(values[8])
        result.append(FinalWrapUp(*values))
    return result


def survey_scores(
    connection: sqlite3.Connection,
    *,
    survey: str | None = None,
    since: float | None = None,
    until: float | None = None,
) -> list[SurveyScore]:
    """Survey answers given in [since, until)."""
    where, params = _where(
        [("survey = ?", survey), ("answered_at >= ?", since), ("answered_at < ?", until)]
    )
    rows = connection.execute(
        "SELECT call_id, survey, score, answered_at FROM survey_scores"
        + where
        + " ORDER BY answered_at, id",
        params,
    )
    return [SurveyScore(*row) for row in rows]


def queue_events(
    connection: sqlite3.Connection,
    *,
    queue: str | None = None,
    event: str | None = None,
    call_id: str | None = None,
    since: float | None = None,
    until: float | None = None,
    limit: int | None = None,
) -> list[QueueEvent]:
    """Queue events in time order, filtered by queue, event name, call or time."""
    where, params = _where(
        [
            ("queue = ?", queue),
            ("event = ?", event),
            ("call_id = ?", call_id),
            ("occurred_at >= ?", since),
            ("occurred_at < ?", until),
        ]
    )
    sql = (
        "SELECT occurred_at, call_id, queue, agent, event, data1, data2, data3, data4, "
        "data5, source_file, source_offset FROM queue_events" + where + " ORDER BY occurred_at, id"
    )
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    return [QueueEvent(*row) for row in connection.execute(sql, params)]


def feed_offset(connection: sqlite3.Connection, source_path: str) -> FeedOffset | None:
    """How far the feed has read `source_path`, or None if it never has."""
    row = connection.execute(
        "SELECT source_path, byte_offset, updated_at, source_inode FROM feed_offsets "
        "WHERE source_path = ?",
        (source_path,),
    ).fetchone()
    return None if row is None else FeedOffset(*row)


class Store:
    """An open store for reading; `connection` is there for the metrics' aggregate SQL."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self.connection = connection
        self.path = path

    @property
    def schema_version(self) -> int:
        """The store's schema version (`PRAGMA user_version`)."""
        return schema_version(self.connection)

    def agent_state_changes(
        self,
        *,
        agent_id: str | None = None,
        since: float | None = None,
        until: float | None = None,
    ) -> list[AgentStateChange]:
        """See `reader.agent_state_changes`."""
        return agent_state_changes(self.connection, agent_id=agent_id, since=since, until=until)

    def current_agent_states(self) -> list[AgentStateChange]:
        """See `reader.current_agent_states`."""
        return current_agent_states(self.connection)

    def calls(
        self,
        *,
        since: float | None = None,
        until: float | None = None,
        queue: str | None = None,
        agent_id: str | None = None,
    ) -> list[CallRecord]:
        """See `reader.calls`."""
        return calls(self.connection, since=since, until=until, queue=queue, agent_id=agent_id)

    def call(self, call_id: str, agent_id: str) -> CallRecord | None:
        """See `reader.call`."""
        return call(self.connection, call_id, agent_id)

    def wrap_up_drafts(self, call_id: str, agent_id: str) -> list[WrapUpDraft]:
        """See `reader.wrap_up_drafts`."""
        return wrap_up_drafts(self.connection, call_id, agent_id)

    def unfinished_wrap_up(self, agent_id: str) -> WrapUpDraft | None:
        """See `reader.unfinished_wrap_up`."""
        return unfinished_wrap_up(self.connection, agent_id)

    def wrap_ups(
        self,
        *,
        since: float | None = None,
        until: float | None = None,
        agent_id: str | None = None,
    ) -> list[FinalWrapUp]:
        """See `reader.wrap_ups`."""
        return wrap_ups(self.connection, since=since, until=until, agent_id=agent_id)

    def survey_scores(
        self,
        *,
        survey: str | None = None,
        since: float | None = None,
        until: float | None = None,
    ) -> list[SurveyScore]:
        """See `reader.survey_scores`."""
        return survey_scores(self.connection, survey=survey, since=since, until=until)

    def queue_events(
        self,
        *,
        queue: str | None = None,
        event: str | None = None,
        call_id: str | None = None,
        since: float | None = None,
        until: float | None = None,
        limit: int | None = None,
    ) -> list[QueueEvent]:
        """See `reader.queue_events`."""
        return queue_events(
            self.connection,
            queue=queue,
            event=event,
            call_id=call_id,
            since=since,
            until=until,
            limit=limit,
        )

    def feed_offset(self, source_path: str) -> FeedOffset | None:
        """See `reader.feed_offset`."""
        return feed_offset(self.connection, source_path)

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def open_store(
    path: str | os.PathLike[str] | None = None, *, busy_timeout: float = BUSY_TIMEOUT
) -> Store:
    """Open the store for reading (creating and migrating it as needed).

    Raises `StoreError` when the file cannot be used; to write facts with
    resilience use `StoreWriter` instead.
    """
    store = Path(path).expanduser() if path is not None else default_store_path()
    return Store(open_connection(store, busy_timeout=busy_timeout), store)
