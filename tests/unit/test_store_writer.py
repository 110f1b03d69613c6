"""Writing facts: each kind reads back as written, and no store trouble reaches the caller."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from store_helpers import T0, FakeClock, read_only, rows

from supervisor.store import (
    SCHEMA_VERSION,
    AgentStateChange,
    CallAnswered,
    CallEnded,
    CallStarted,
    FeedOffset,
    FinalWrapUp,
    QueueEvent,
    StoreFullError,
    StoreWriter,
    SurveyScore,
    Transfer,
    WrapUpDraft,
    open_connection,
    open_store,
)
from supervisor.store.errors import translate_error

HELPERS = Path(__file__).with_name("store_helpers.py")


def _state(n: int = 0, agent: str = "a1") -> AgentStateChange:
    return AgentStateChange(agent, "available", T0 + n)


def _count(db: Path) -> int:
    return rows(db, "SELECT COUNT(*) FROM agent_state_changes")[0][0]


def test_a_call_reads_back_with_its_context_answer_transfer_and_end(tmp_path):
    db = tmp_path / "callboard.db"
    context = (("X-IVR-Path", "main>billing"), ("X-Customer-Id", "C-42"), ("X-Queue", "sales"))
    with StoreWriter(db) as writer:
        writer.record(
            CallStarted(
                "c1",
                "a1",
                "inbound",
                T0,
                queue="sales",
                remote_party="sip:+15550100@pbx",
                context=context,
            )
        )
        writer.record(CallAnswered("c1", "a1", T0 + 4))
        writer.record(
            Transfer(
                "c1", "a1", "attended", "sip:2000@pbx", "failed", T0 + 30, T0 + 40, sip_status=486
            )
        )
        writer.record(CallEnded("c1", "a1", T0 + 90, "caller_hung_up", hold_seconds=12.5))

    with open_store(db) as store:
        (call,) = store.calls(since=T0, until=T0 + 1)
    assert (call.queue, call.remote_party, call.answered_at, call.ended_at) == (
        "sales",
        "sip:+15550100@pbx",
        T0 + 4,
        T0 + 90,
    )
    assert (call.end_reason, call.hold_seconds) == ("caller_hung_up", 12.5)
    assert call.context == context
    assert [(t.kind, t.target, t.result, t.sip_status) for t in call.transfers] == [
        ("attended", "sip:2000@pbx", "failed", 486)
    ]
    assert rows(db, "SELECT talk_seconds FROM call_summary") == [(86.0,)]


def test_agent_states_wrap_ups_and_survey_scores_read_back_as_written(tmp_path):
    db = tmp_path / "callboard.db"
    facts = [
        AgentStateChange("a1", "not_ready", T0, reason="lunch"),
        WrapUpDraft("c1", "a1", 0, T0, T0),
        WrapUpDraft(
            "c1",
            "a1",
            1,
            T0,
            T0 + 5,
            disposition="sale",
            notes="n",
            resolved=True,
            follow_up_at=T0 + 86400,
        ),
        FinalWrapUp(
            "c1",
            "a1",
            "submitted",
            "mandatory",
            T0,
            T0 + 9,
            disposition="sale",
            notes="n",
            resolved=True,
            follow_up_at=T0 + 86400,
        ),
        SurveyScore("c1", "nps", 9, T0 + 60),
    ]
    with StoreWriter(db) as writer:
        for fact in facts:
            writer.record(fact)

    with open_store(db) as store:
        assert store.agent_state_changes(agent_id="a1") == [facts[0]]
        assert store.wrap_up_drafts("c1", "a1") == facts[1:3]
        assert store.wrap_ups(since=T0) == [facts[3]]
        assert store.survey_scores(survey="nps") == [facts[4]]
        assert store.unfinished_wrap_up("a1") is None


def test_the_latest_state_of_each_agent_is_found(tmp_path):
    db = tmp_path / "callboard.db"
    with StoreWriter(db) as writer:
        for n, (agent, state) in enumerate(
            [("a1", "available"), ("a2", "available"), ("a1", "on_call"), ("a2", "logged_out")]
        ):
            writer.record(AgentStateChange(agent, state, T0 + n))
    with open_store(db) as store:
        assert [(s.agent_id, s.state) for s in store.current_agent_states()] == [
            ("a1", "on_call"),
            ("a2", "logged_out"),
        ]


def test_queue_events_and_the_feed_offset_are_written_together_and_never_twice(tmp_path):
    db = tmp_path / "callboard.db"
    events = [
        QueueEvent(
            T0,
            "1700.1",
            "sales",
            "NONE",
            "ENTERQUEUE",
            "",
            "+15550100",
            "1",
            source_file="/var/log/asterisk/queue_log",
            source_offset=0,
        ),
        QueueEvent(
            T0 + 7,
            "1700.1",
            "sales",
            "Local/1001@agents",
            "CONNECT",
            "7",
            "1700.2",
            "3",
            source_file="/var/log/asterisk/queue_log",
            source_offset=61,
        ),
    ]
    offset = FeedOffset("/var/log/asterisk/queue_log", 130, T0 + 8, source_inode=1234)
    with StoreWriter(db) as writer:
        writer.record_queue_events(events, offset)
        writer.record_queue_events(events, offset)  # the feed re-read the same lines

    with open_store(db) as store:
        assert store.queue_events(queue="sales") == events
        assert store.queue_events(event="CONNECT") == events[1:]
        assert store.feed_offset("/var/log/asterisk/queue_log") == offset


def test_a_bad_fact_is_refused_where_it_is_made():
    with pytest.raises(ValueError, match="state: expected one of"):
        AgentStateChange("a1", "dancing", T0)
    with pytest.raises(ValueError, match="a csat score runs from 1 to 5"):
        SurveyScore("c1", "csat", 6, T0)
    with pytest.raises(ValueError, match="changed_at: expected UTC epoch seconds"):
        AgentStateChange("a1", "available", float("nan"))


def test_a_fact_the_store_can_never_take_is_dropped_without_blocking_the_rest(tmp_path):
    db = tmp_path / "callboard.db"
    final = FinalWrapUp("c1", "a1", "submitted", "optional", T0, T0 + 9)
    with StoreWriter(db) as writer:
        writer.record(final)
        writer.record(FinalWrapUp("c1", "a1", "skipped", "optional", T0, T0 + 10))
        writer.record(FeedOffset("/q", 2**70, T0))  # too large for SQLite's INTEGER
        writer.record(_state())
        assert writer.health.ok
        assert writer.health.rejected_facts == 2
    with open_store(db) as store:
        assert store.wrap_ups() == [final]  # the final wrap-up was not replaced
    assert _count(db) == 1


def test_a_file_that_is_not_sqlite_keeps_facts_in_memory_until_it_is_replaced(tmp_path):
    db = tmp_path / "callboard.db"
    db.write_text("not a database")
    heard = []
    writer = StoreWriter(db, on_health_change=heard.append)
    writer.record(_state(1))
    writer.record(_state(2))

    assert not writer.health.ok
    assert "not a Callboard store" in writer.health.reason
    assert writer.health.pending_facts == 2
    assert db.read_text() == "not a database"

    db.unlink()
    assert writer.flush()
    assert writer.health.ok and writer.health.pending_facts == 0
    assert [h.ok for h in heard] == [False, True]
    writer.close()
    assert _count(db) == 2


def test_a_store_from_a_newer_version_keeps_facts_in_memory_and_is_left_untouched(tmp_path):
    db = tmp_path / "callboard.db"
    connection = sqlite3.connect(db)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.close()
    before = db.read_bytes()

    writer = StoreWriter(db)
    writer.record(_state())

    assert "newer" in writer.health.reason
    assert writer.health.pending_facts == 1
    assert db.read_bytes() == before
    writer.close()


def test_a_read_only_store_keeps_facts_in_memory_until_it_is_writable(monkeypatch):
    # Not under tmp_path: as root the test looks at the file as `nobody`,
    # who must be able to reach the folder.
    folder = Path(tempfile.mkdtemp(prefix="callboard-ro-"))
    try:
        os.chmod(folder, 0o755)  # noqa: S103 - `nobody` must reach the store in it
        db = folder / "callboard.db"
        open_connection(db).close()

        with read_only(db):
            writer = StoreWriter(db)
            writer.record(_state(1))
            health = writer.health
        assert not health.ok
        assert "read-only" in health.reason
        assert health.pending_facts == 1

        assert writer.flush()
        writer.close()
        assert _count(db) == 1
    finally:
        shutil.rmtree(folder)


def test_sqlite_reporting_a_full_disk_is_explained_as_one(tmp_path):
    connection = open_connection(tmp_path / "callboard.db")
    pages = connection.execute("PRAGMA page_count").fetchone()[0]
    connection.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(sqlite3.OperationalError) as full:
        connection.execute(
            "INSERT INTO queue_events (occurred_at, event, data1) VALUES (0, 'X', ?)", ("x" * 9000,)
        )
    connection.close()
    error = translate_error(full.value, tmp_path / "callboard.db")
    assert isinstance(error, StoreFullError)
    assert "is full" in str(error)


def test_a_full_disk_keeps_facts_in_memory_until_there_is_room(tmp_path):
    db = tmp_path / "callboard.db"
    open_connection(db).close()
    done = subprocess.run(
        [sys.executable, str(HELPERS), "fill-disk", str(db)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    before, during, after = json.loads(done.stdout)

    assert before["ok"]
    assert not during["ok"]
    assert "disk" in during["reason"]
    assert during["pending_facts"] == 20
    assert after == {"ok": True, "reason": "", "pending_facts": 0, "rejected_facts": 0}
    assert _count(db) == 21


def test_a_store_locked_past_the_busy_timeout_degrades_then_catches_up(tmp_path):
    db = tmp_path / "callboard.db"
    clock = FakeClock(0.0)
    writer = StoreWriter(db, busy_timeout=0.05, busy_retries=1, monotonic=clock)
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")

    writer.record(_state(1))
    assert "busy" in writer.health.reason
    assert "database is locked" not in writer.health.reason

    other.execute("COMMIT")
    other.close()
    writer.record(_state(2))  # too soon after the failure: queued, not retried
    assert writer.health.pending_facts == 2
    clock.advance(writer.retry_interval)
    writer.record(_state(3))
    assert writer.health.ok
    writer.close()
    assert [row[0] for row in rows(db, "SELECT changed_at FROM agent_state_changes")] == [
        T0 + 1,
        T0 + 2,
        T0 + 3,
    ]
