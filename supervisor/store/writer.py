"""Writing facts so that no call is ever held up by the store.

`StoreWriter.record(fact)` queues the fact in memory and writes everything
queued in one `BEGIN IMMEDIATE` transaction. When the store cannot take it
(locked past the busy timeout, read-only, disk full, not a database, from a
newer Callboard) the facts stay queued, `health` turns degraded with the
reason in plain words, and `on_health_change` is called. Later records retry
at most every `retry_interval` seconds; the owner should also call `flush()`
from a timer while degraded, so queued facts reach the store as soon as it is
back even when no new fact arrives. Nothing here starts a thread.

A fact the store refuses as invalid (a constraint says it can never be
written, such as a second final wrap-up for one call) is logged at ERROR
and dropped, so it cannot block the facts behind it; `health` counts them.

Memory: queued facts are kept without limit (a few hundred bytes each); a
softphone makes a few thousand a day, so a day-long outage costs a few MB.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from supervisor.store.connection import BUSY_TIMEOUT, default_store_path, open_connection
from supervisor.store.errors import StoreBusyError, StoreError, is_busy, translate_error
from supervisor.store.reader import unfinished_wrap_up
from supervisor.store.records import (
    AgentStateChange,
    CallAnswered,
    CallEnded,
    CallStarted,
    Fact,
    FeedOffset,
    FinalWrapUp,
    QueueEvent,
    StoreHealth,
    SurveyScore,
    Transfer,
    WrapUpDraft,
)

log = logging.getLogger(__name__)

_Row = tuple[object, ...]

# Errors that say a fact can never be written (a broken constraint, a value
# SQLite cannot hold): retrying cannot help, so the fact is dropped and logged.
_INVALID_FACT = (
    sqlite3.IntegrityError,
    sqlite3.InterfaceError,
    sqlite3.ProgrammingError,
    OverflowError,
)


@dataclass(frozen=True)
class _Write:
    """One queued fact as SQL: statements run in order; a list of rows runs executemany."""

    label: str
    statements: tuple[tuple[str, _Row | list[_Row]], ...]

    def apply(self, connection: sqlite3.Connection) -> None:
        for sql, params in self.statements:
            if isinstance(params, list):
                connection.executemany(sql, params)
            else:
                connection.execute(sql, params)


# Facts with a natural key are inserted OR IGNORE: writing the same fact twice
# (a replay after an unclear failure) keeps one row. A final wrap-up is not:
# a second one for the same call is refused, as final means final.
_INSERT_AGENT_STATE = (
    "INSERT INTO agent_state_changes (agent_id, state, reason, call_id, changed_at) "
    "VALUES (?, ?, ?, ?, ?)"
)
_INSERT_CALL = (
    "INSERT OR IGNORE INTO calls (call_id, agent_id, direction, queue, remote_party, ringing_at) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)
_INSERT_CONTEXT = (
    "INSERT OR IGNORE INTO call_context (call_id, agent_id, position, header, value) "
    "VALUES (?, ?, ?, ?, ?)"
)
_INSERT_ANSWER = (
    "INSERT OR IGNORE INTO call_answers (call_id, agent_id, answered_at) VALUES (?, ?, ?)"
)
_INSERT_END = (
    "INSERT OR IGNORE INTO call_ends "
    "(call_id, agent_id, ended_at, end_reason, hold_seconds, sip_status) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)
_INSERT_TRANSFER = (
    "INSERT INTO call_transfers (call_id, agent_id, kind, target, result, sip_status, "
    "requested_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_DRAFT = (
    "INSERT OR IGNORE INTO wrap_up_drafts (call_id, agent_id, revision, disposition, notes, "
    "resolved, follow_up_at, started_at, saved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_FINAL = (
    "INSERT INTO wrap_ups (call_id, agent_id, outcome, mode, disposition, notes, resolved, "
    "follow_up_at, started_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_SURVEY = (
    "INSERT INTO survey_scores (call_id, survey, score, answered_at) VALUES (?, ?, ?, ?)"
)
_INSERT_QUEUE_EVENT = (
    "INSERT OR IGNORE INTO queue_events (occurred_at, call_id, queue, agent, event, "
    "data1, data2, data3, data4, data5, source_file, source_offset) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_UPSERT_OFFSET = (
    "INSERT INTO feed_offsets (source_path, source_inode, byte_offset, updated_at) "
    "VALUES (?, ?, ?, ?) ON CONFLICT (source_path) DO UPDATE SET "
    "source_inode = excluded.source_inode, byte_offset = excluded.byte_offset, "
    "updated_at = excluded.updated_at"
)


def _flag(value: bool | None) -> int | None:
    return None if value is None else int(value)


def _as_write(fact: Fact) -> _Write:  # noqa: PLR0911 - one branch per kind of fact
    if isinstance(fact, AgentStateChange):
        row: _Row = (fact.agent_id, fact.state, fact.reason, fact.call_id, fact.changed_at)
        return _Write(f"agent {fact.agent_id} {fact.state}", ((_INSERT_AGENT_STATE, row),))
    if isinstance(fact, CallStarted):
        key = (fact.call_id, fact.agent_id)
        call: _Row = (*key, fact.direction, fact.queue, fact.remote_party, fact.ringing_at)
        context: list[_Row] = [
            (*key, n, name, value) for n, (name, value) in enumerate(fact.context)
        ]
        statements: tuple[tuple[str, _Row | list[_Row]], ...] = (
            (_INSERT_CALL, call),
            (_INSERT_CONTEXT, context),
        )
        return _Write(f"call {fact.call_id} started", statements)
    if isinstance(fact, CallAnswered):
        row = (fact.call_id, fact.agent_id, fact.answered_at)
        return _Write(f"call {fact.call_id} answered", ((_INSERT_ANSWER, row),))
    if isinstance(fact, CallEnded):
        row = (fact.call_id, fact.agent_id, fact.ended_at, fact.end_reason)
        row += (fact.hold_seconds, fact.sip_status)
        return _Write(f"call {fact.call_id} ended", ((_INSERT_END, row),))
    if isinstance(fact, Transfer):
        row = (fact.call_id, fact.agent_id, fact.kind, fact.target, fact.result)
        row += (fact.sip_status, fact.requested_at, fact.finished_at)
        return _Write(f"transfer of call {fact.call_id}", ((_INSERT_TRANSFER, row),))
    if isinstance(fact, WrapUpDraft):
        row = (fact.call_id, fact.agent_id, fact.revision, fact.disposition, fact.notes)
        row += (_flag(fact.resolved), fact.follow_up_at, fact.started_at, fact.saved_at)
        return _Write(f"wrap-up draft {fact.revision} of {fact.call_id}", ((_INSERT_DRAFT, row),))
    if isinstance(fact, FinalWrapUp):
        row = (fact.call_id, fact.agent_id, fact.outcome, fact.mode, fact.disposition)
        row += (fact.notes, _flag(fact.resolved), fact.follow_up_at)
        row += (fact.started_at, fact.finished_at)
        return _Write(f"final wrap-up of {fact.call_id}", ((_INSERT_FINAL, row),))
    if isinstance(fact, SurveyScore):
        row = (fact.call_id, fact.survey, fact.score, fact.answered_at)
        return _Write(f"{fact.survey} score for {fact.call_id}", ((_INSERT_SURVEY, row),))
    if isinstance(fact, FeedOffset):
        return _Write(f"offset of {fact.source_path}", ((_UPSERT_OFFSET, _offset_row(fact)),))
    raise TypeError(f"not a store fact: {fact!r}")


def _offset_row(offset: FeedOffset) -> _Row:
    return (offset.source_path, offset.source_inode, offset.byte_offset, offset.updated_at)


def _queue_event_row(event: QueueEvent) -> _Row:
    data = (event.data1, event.data2, event.data3, event.data4, event.data5)
    where = (event.source_file, event.source_offset)
    return (event.occurred_at, event.call_id, event.queue, event.agent, event.event, *data, *where)


class StoreWriter:
    """Writes facts to the store, keeping them in memory while it is unavailable.

    `path` defaults to `default_store_path()`. `monotonic` paces the retries
    and is there for tests. The writer is used from one thread.
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        busy_timeout: float = BUSY_TIMEOUT,
        busy_retries: int = 2,
        retry_interval: float = 5.0,
        on_health_change: Callable[[StoreHealth], None] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = Path(path).expanduser() if path is not None else default_store_path()
        self.busy_timeout = busy_timeout
        self.busy_retries = busy_retries
        self.retry_interval = retry_interval
        self.on_health_change = on_health_change
        self._monotonic = monotonic
        self._connection: sqlite3.Connection | None = None
        self._pending: deque[_Write] = deque()
        self._reason = ""
        self._rejected = 0
        self._last_attempt = float("-inf")
        try:
            self._connect()
        except StoreError as exc:
            self._degrade(exc)

    @property
    def health(self) -> StoreHealth:
        """ok, or degraded with the reason; and how many facts wait in memory."""
        return StoreHealth(not self._reason, self._reason, len(self._pending), self._rejected)

    def record(self, fact: Fact) -> None:
        """Queue one fact and write the queue now if the store is usable.

        Never raises for store trouble; raises TypeError if `fact` is not a
        store fact.
        """
        self._pending.append(_as_write(fact))
        self._write_soon()

    def record_queue_events(
        self, events: Sequence[QueueEvent], offset: FeedOffset | None = None
    ) -> None:
        """Queue feed events and the feed's new offset, to be written in one transaction."""
        statements: list[tuple[str, _Row | list[_Row]]] = [
            (_INSERT_QUEUE_EVENT, [_queue_event_row(event) for event in events])
        ]
        if offset is not None:
            statements.append((_UPSERT_OFFSET, _offset_row(offset)))
        self._pending.append(_Write(f"{len(events)} queue events", tuple(statements)))
        self._write_soon()

    def flush(self) -> bool:
        """Try to write every queued fact now; True when none is left waiting."""
        self._last_attempt = self._monotonic()
        try:
            connection = self._connect()
            if self._pending:
                self._write_pending(connection)
        except StoreError as exc:
            self._degrade(exc)
            return False
        self._recover()
        return True

    def unfinished_wrap_up(self, agent_id: str) -> WrapUpDraft | None:
        """The agent's unfinished wrap-up in the store, or None (also when it is unreachable)."""
        try:
            return unfinished_wrap_up(self._connect(), agent_id)
        except StoreError as exc:
            self._degrade(exc)
        except sqlite3.Error as exc:
            self._degrade(self._translate(exc))
        log.warning("Could not look for an unfinished wrap-up of %s: %s", agent_id, self._reason)
        return None

    def close(self) -> None:
        """Write what is queued if the store allows, then close.

        Facts still queued are lost, and the log says how many.
        """
        self.flush()
        if self._pending:
            log.error(
                "%d facts could not be written to %s and are lost: %s",
                len(self._pending),
                self.path,
                self._reason,
            )
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def __enter__(self) -> StoreWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _write_soon(self) -> None:
        waited = self._monotonic() - self._last_attempt
        if not self._reason or waited >= self.retry_interval:
            self.flush()

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            self._connection = open_connection(self.path, busy_timeout=self.busy_timeout)
        return self._connection

    def _write_pending(self, connection: sqlite3.Connection) -> None:
        batch = list(self._pending)
        attempt = 0
        while True:
            try:
                try:
                    self._write_batch(connection, batch)
                except _INVALID_FACT:
                    self._write_batch_rejecting_invalid(connection, batch)
            except sqlite3.Error as exc:
                if is_busy(exc) and attempt < self.busy_retries:
                    attempt += 1
                    log.debug("Store busy past the busy timeout, retry %d", attempt)
                    continue
                raise self._translate(exc) from exc
            break
        for _ in batch:
            self._pending.popleft()

    def _write_batch(self, connection: sqlite3.Connection, batch: Iterable[_Write]) -> None:
        connection.execute("BEGIN IMMEDIATE")
        try:
            for write in batch:
                write.apply(connection)
            connection.execute("COMMIT")
        except BaseException:
            _rollback(connection)
            raise

    def _write_batch_rejecting_invalid(
        self, connection: sqlite3.Connection, batch: Iterable[_Write]
    ) -> None:
        """Write the batch, dropping (and logging) each fact the store refuses as invalid."""
        connection.execute("BEGIN IMMEDIATE")
        try:
            for write in batch:
                connection.execute("SAVEPOINT fact")
                try:
                    write.apply(connection)
                except _INVALID_FACT as exc:
                    connection.execute("ROLLBACK TO fact")
                    self._rejected += 1
                    log.error("The store refused %s and it was dropped: %s", write.label, exc)
                connection.execute("RELEASE fact")
            connection.execute("COMMIT")
        except BaseException:
            _rollback(connection)
            raise

    def _translate(self, exc: sqlite3.Error) -> StoreError:
        error = translate_error(exc, self.path)
        if not isinstance(error, StoreBusyError) and self._connection is not None:
            # Reopen next time, so a replaced or repaired file is seen afresh.
            self._connection.close()
            self._connection = None
        return error

    def _degrade(self, error: StoreError) -> None:
        reason = str(error)
        if reason != self._reason:
            log.warning("Store unavailable, keeping facts in memory: %s", reason)
            self._reason = reason
            self._notify()

    def _recover(self) -> None:
        if self._reason:
            log.info("Store %s is back; queued facts are written", self.path)
            self._reason = ""
            self._notify()

    def _notify(self) -> None:
        if self.on_health_change is None:
            return
        try:
            self.on_health_change(self.health)
        except Exception:
            log.exception("A store health listener failed")


def _rollback(connection: sqlite3.Connection) -> None:
    if connection.in_transaction:
        try:
            connection.execute("ROLLBACK")
        except sqlite3.Error:
            log.debug("Rollback failed; the connection will be reopened", exc_info=True)
