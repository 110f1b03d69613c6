"""The store file: created private, in WAL mode, migrated forward, never damaged when refused."""

import hashlib
import sqlite3
import stat
from pathlib import Path

import pytest
from store_helpers import T0, rows

from supervisor.store import (
    MIGRATIONS,
    SCHEMA_VERSION,
    CallAnswered,
    CallEnded,
    CallStarted,
    FinalWrapUp,
    NewerSchemaError,
    NotAStoreError,
    StoreWriter,
    default_store_path,
    describe_store,
    open_connection,
    open_store,
)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_new_store_is_readable_by_its_owner_only(tmp_path):
    db = tmp_path / "callboard.db"
    connection = open_connection(db)
    connection.execute(
        "INSERT INTO survey_scores (call_id, survey, score, answered_at) "
        "VALUES ('c1', 'csat', 5, 0)"
    )
    for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    connection.close()


def test_a_new_store_is_in_wal_mode_at_the_current_schema_version(tmp_path):
    db = tmp_path / "callboard.db"
    open_connection(db).close()
    assert rows(db, "PRAGMA journal_mode") == [("wal",)]
    assert rows(db, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    applied = rows(db, "SELECT version FROM store_migrations ORDER BY version")
    assert applied == [(m.version,) for m in MIGRATIONS]


def test_connections_wait_5_s_for_locks_sync_normally_and_check_foreign_keys(tmp_path):
    connection = open_connection(tmp_path / "callboard.db")
    assert connection.execute("PRAGMA busy_timeout").fetchone() == (5000,)
    assert connection.execute("PRAGMA synchronous").fetchone() == (1,)  # NORMAL
    assert connection.execute("PRAGMA foreign_keys").fetchone() == (1,)
    connection.close()


def test_tables_are_named_for_what_they_hold(tmp_path):
    db = tmp_path / "callboard.db"
    open_connection(db).close()
    tables = {name for (name,) in rows(db, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == {
        "store_migrations",
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
        "feed_offsets",
        "call_legs",
    }
    views = {name for (name,) in rows(db, "SELECT name FROM sqlite_master WHERE type = 'view'")}
    assert views == {"call_summary", "unfinished_wrap_ups"}


def test_a_missing_folder_is_created(tmp_path):
    db = tmp_path / "new" / "folder" / "callboard.db"
    open_connection(db).close()
    assert db.is_file()


def test_the_default_path_follows_callboard_db(tmp_path, monkeypatch):
    monkeypatch.setenv("CALLBOARD_DB", str(tmp_path / "elsewhere.db"))
    assert default_store_path() == tmp_path / "elsewhere.db"


def test_without_callboard_db_the_store_lives_in_the_user_data_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("CALLBOARD_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_store_path() == tmp_path / "data" / "Callboard" / "callboard.db"


def test_describe_store_creates_a_missing_store_and_reports_path_and_version(tmp_path):
    db = tmp_path / "callboard.db"
    path, version = describe_store(db)
    assert (path, version) == (db.resolve(), SCHEMA_VERSION)
    assert db.is_file()


def test_a_version_1_store_is_migrated_with_its_data_kept(tmp_path):
    db = tmp_path / "callboard.db"
    old = open_connection(db, target_version=1)
    assert old.execute("PRAGMA user_version").fetchone() == (1,)
    old.execute(
        "INSERT INTO calls (call_id, agent_id, direction, remote_party, ringing_at) "
        "VALUES ('c1', 'a1', 'inbound', 'sip:+15550100@pbx', ?)",
        (T0,),
    )
    old.execute(
        "INSERT INTO agent_state_changes (agent_id, state, changed_at) "
        "VALUES ('a1', 'available', ?)",
        (T0,),
    )
    old.close()
    assert rows(db, "SELECT name FROM sqlite_master WHERE name = 'calls_by_remote_party'") == []

    with open_store(db) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert [c.call_id for c in store.calls()] == ["c1"]
        assert [s.state for s in store.agent_state_changes()] == ["available"]
    assert rows(db, "SELECT name FROM sqlite_master WHERE name = 'calls_by_remote_party'") != []
    applied = rows(db, "SELECT version FROM store_migrations ORDER BY version")
    assert applied == [(m.version,) for m in MIGRATIONS]


def test_a_version_2_store_gains_call_legs_and_the_kpi_indexes_with_its_data_kept(tmp_path):
    db = tmp_path / "callboard.db"
    old = open_connection(db, target_version=2)
    old.execute(
        "INSERT INTO calls (call_id, agent_id, direction, queue, remote_party, ringing_at) "
        "VALUES ('c1', 'a1', 'inbound', 'sales', '+15550100', ?)",
        (T0,),
    )
    old.execute("INSERT INTO call_answers VALUES ('c1', 'a1', ?)", (T0 + 5,))
    old.execute(
        "INSERT INTO queue_events (occurred_at, call_id, queue, agent, event) "
        "VALUES (?, 'u1', 'sales', 'PJSIP/1001', 'CONNECT')",
        (T0,),
    )
    old.close()

    with open_store(db) as store:
        assert store.schema_version == 3
        assert [e.event for e in store.queue_events(call_id="u1")] == ["CONNECT"]
        assert [(c.call_id, c.answered_at) for c in store.calls()] == [("c1", T0 + 5)]
    legs = rows(db, "SELECT call_id, agent_id, answered_at, ended_at FROM call_legs")
    assert legs == [("c1", "a1", T0 + 5, None)]  # the legs written before the migration
    indexes = {name for (name,) in rows(db, "SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {
        "agent_state_changes_by_time_with_state",
        "queue_events_by_call_and_queue",
        "queue_events_by_member",
    } <= indexes
    assert not {"agent_state_changes_by_time", "queue_events_by_call"} & indexes


def test_call_legs_follow_every_fact_of_a_call_as_it_is_written(tmp_path):
    db = tmp_path / "callboard.db"
    writer = StoreWriter(db)
    writer.record(CallStarted("c1", "a1", "inbound", T0, "sales", "+15550100"))
    writer.record(CallStarted("c2", "a1", "outbound", T0 + 1, None, "+15550199"))
    writer.record(CallAnswered("c1", "a1", T0 + 5))
    writer.record(CallEnded("c1", "a1", T0 + 65, "caller_hung_up", hold_seconds=12.5))
    writer.record(FinalWrapUp("c1", "a1", "submitted", "optional", T0 + 65, T0 + 80, resolved=True))
    writer.record(CallEnded("c2", "a1", T0 + 20, "no_answer"))
    writer.close()

    legs = rows(db, "SELECT * FROM call_legs ORDER BY ringing_at")
    assert legs == [
        (T0, "c1", "a1", "inbound", "sales", "+15550100", T0 + 5, T0 + 65, 12.5, T0 + 65,
         T0 + 80, 1),
        (T0 + 1, "c2", "a1", "outbound", None, "+15550199", None, T0 + 20, 0.0, None, None,
         None),
    ]  # fmt: skip
    joined = rows(
        db,
        "SELECT ringing_at, call_id, agent_id, direction, queue, remote_party, answered_at, "
        "ended_at, hold_seconds FROM call_summary ORDER BY ringing_at",
    )
    assert [leg[:9] for leg in legs] == joined


def test_call_legs_forget_facts_that_are_deleted(tmp_path):
    db = tmp_path / "callboard.db"
    writer = StoreWriter(db)
    writer.record(CallStarted("c1", "a1", "inbound", T0, "sales", "+15550100"))
    writer.record(CallStarted("c2", "a1", "inbound", T0 + 1, "sales", "+15550100"))
    writer.record(CallAnswered("c1", "a1", T0 + 5))
    writer.record(FinalWrapUp("c1", "a1", "submitted", "optional", T0 + 65, T0 + 80))
    writer.close()
    connection = open_connection(db)
    connection.execute("DELETE FROM wrap_ups")
    connection.execute("DELETE FROM calls WHERE call_id = 'c2'")
    connection.close()

    legs = rows(db, "SELECT call_id, answered_at, wrap_up_finished_at FROM call_legs")
    assert legs == [("c1", T0 + 5, None)]


def test_a_store_from_a_newer_version_is_refused_and_left_untouched(tmp_path):
    db = tmp_path / "callboard.db"
    connection = sqlite3.connect(db)
    connection.execute("CREATE TABLE from_the_future (x)")
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.close()
    before = _digest(db)

    with pytest.raises(NewerSchemaError) as refused:
        open_connection(db)

    message = str(refused.value)
    assert f"schema version {SCHEMA_VERSION + 1}" in message
    assert "left untouched" in message
    assert _digest(db) == before
    assert not Path(f"{db}-wal").exists()


def test_a_file_that_is_not_sqlite_is_refused_and_left_untouched(tmp_path):
    db = tmp_path / "callboard.db"
    db.write_text("agent,calls\nada,42\n")
    before = _digest(db)

    with pytest.raises(NotAStoreError, match="not a Callboard store"):
        open_connection(db)

    assert _digest(db) == before


def test_facts_cannot_be_updated_once_written(tmp_path):
    db = tmp_path / "callboard.db"
    connection = open_connection(db)
    connection.execute(
        "INSERT INTO agent_state_changes (agent_id, state, changed_at) "
        "VALUES ('a1', 'available', 0)"
    )
    with pytest.raises(sqlite3.IntegrityError, match="never update"):
        connection.execute("UPDATE agent_state_changes SET state = 'not_ready'")
    connection.close()


# Queries of the shape the supervisor's metrics run; none may scan a fact table whole.
KPI_QUERIES = {
    "service level per queue": (
        "SELECT queue, event, COUNT(*) FROM queue_events "
        "WHERE event IN ('ENTERQUEUE', 'CONNECT', 'ABANDON') "
        "AND occurred_at >= ? AND occurred_at < ? GROUP BY queue, event",
        (T0, T0 + 3600),
    ),
    "calls waiting in one queue": (
        "SELECT e.call_id, e.occurred_at FROM queue_events e WHERE e.queue = ? "
        "AND e.event = 'ENTERQUEUE' AND e.occurred_at >= ? AND NOT EXISTS ("
        "SELECT 1 FROM queue_events o WHERE o.call_id = e.call_id "
        "AND o.event IN ('CONNECT', 'ABANDON', 'EXITWITHTIMEOUT', 'EXITWITHKEY'))",
        ("sales", T0),
    ),
    "agent occupancy": (
        "SELECT agent_id, state, changed_at FROM agent_state_changes "
        "WHERE agent_id = ? AND changed_at >= ? ORDER BY changed_at",
        ("a1", T0),
    ),
    "handle time": (
        "SELECT c.call_id, a.answered_at, e.ended_at, e.hold_seconds, w.finished_at "
        "FROM calls c JOIN call_answers a USING (call_id, agent_id) "
        "JOIN call_ends e USING (call_id, agent_id) "
        "LEFT JOIN wrap_ups w USING (call_id, agent_id) "
        "WHERE c.ringing_at >= ? AND c.ringing_at < ?",
        (T0, T0 + 3600),
    ),
    "first contact resolution": (
        "SELECT SUM(resolved), COUNT(*) FROM wrap_ups WHERE finished_at >= ?",
        (T0,),
    ),
    "repeat callers": (
        "SELECT COUNT(*) FROM calls WHERE remote_party = ? AND ringing_at >= ?",
        ("sip:+15550100@pbx", T0 - 7 * 86400),
    ),
    "csat": (
        "SELECT AVG(score >= 4) FROM survey_scores WHERE survey = 'csat' AND answered_at >= ?",
        (T0,),
    ),
}


@pytest.mark.parametrize("name", KPI_QUERIES)
def test_kpi_queries_search_indexes_instead_of_scanning_tables(tmp_path, name):
    connection = open_connection(tmp_path / "callboard.db")
    sql, params = KPI_QUERIES[name]
    plan = [row[3] for row in connection.execute("EXPLAIN QUERY PLAN " + sql, params)]
    connection.close()
    assert [step for step in plan if step.startswith("SCAN")] == [], plan
