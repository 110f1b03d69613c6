"""The queue feed into the store: both shapes, no line twice, rotation, truncation, malformed."""

import os
import shutil
from pathlib import Path

from store_helpers import rows

from supervisor.__main__ import main
from supervisor.feeds import QueueLogFeed, follow, ingest, stored_offsets
from supervisor.store import StoreWriter, open_connection

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "queue_log"
DAY_EVENTS = 31  # lines in day.queue_log and rows in day_realtime.csv


def _line(n: int, event: str = "ENTERQUEUE") -> str:
    return f"{1750000000 + n}|call-{n}|sales|NONE|{event}||+1555{n:04d}|1\n"


def _write(path: Path, *lines: str, mode: str = "a") -> None:
    with path.open(mode, encoding="utf-8") as file:
        file.write("".join(lines))


class _Feed:
    """A feed on `log` writing into `db`, with the store's offsets; closed by the test."""

    def __init__(self, db: Path, log: Path) -> None:
        self.writer = StoreWriter(db)
        self.reader = open_connection(db)
        self.feed = QueueLogFeed(log, self.writer, stored_offsets(self.reader), clock=lambda: 0.0)

    def close(self) -> None:
        self.feed.close()
        self.writer.close()
        self.reader.close()


def _ingest(db: Path, log: Path):
    writer = StoreWriter(db)
    reader = open_connection(db)
    try:
        return ingest(log, writer, stored_offsets(reader), clock=lambda: 0.0)
    finally:
        writer.close()
        reader.close()


def _calls(db: Path) -> list[str]:
    return [call for (call,) in rows(db, "SELECT call_id FROM queue_events ORDER BY id")]


def test_a_queue_log_file_is_stored_line_by_line_with_its_offsets(tmp_path):
    db = tmp_path / "store.db"
    stats = _ingest(db, FIXTURES / "day.queue_log")
    assert (stats.lines, stats.events, stats.malformed) == (DAY_EVENTS, DAY_EVENTS, 0)
    stored = rows(db, "SELECT source_file, source_offset, event FROM queue_events ORDER BY id")
    assert len(stored) == DAY_EVENTS
    assert stored[0][1:] == (0, "QUEUESTART")
    assert str(stored[0][0]).startswith(str(FIXTURES / "day.queue_log") + "#")
    size = (FIXTURES / "day.queue_log").stat().st_size
    assert rows(db, "SELECT byte_offset FROM feed_offsets") == [(size,)]


def test_vendor_events_are_kept_and_counted(tmp_path):
    db = tmp_path / "store.db"
    stats = _ingest(db, FIXTURES / "day.queue_log")
    assert stats.vendor_events == 1
    assert rows(db, "SELECT data1 FROM queue_events WHERE event = 'DID'") == [("5551000",)]


def test_the_realtime_csv_export_gives_the_same_events_as_the_file(tmp_path):
    from_file, from_csv = tmp_path / "file.db", tmp_path / "csv.db"
    _ingest(from_file, FIXTURES / "day.queue_log")
    stats = _ingest(from_csv, FIXTURES / "day_realtime.csv")
    assert (stats.lines, stats.events, stats.malformed) == (DAY_EVENTS, DAY_EVENTS, 0)
    sql = (
        "SELECT occurred_at, call_id, queue, agent, event, data1, data2, data3, data4, data5 "
        "FROM queue_events ORDER BY id"
    )
    assert rows(from_csv, sql) == rows(from_file, sql)


def test_a_headerless_csv_export_in_table_order_is_read(tmp_path):
    export = tmp_path / "export.csv"
    _write(export, "1750000000,c1,sales,NONE,ENTERQUEUE,,+15550100,1,,\n")
    _write(export, '"2025-06-15 15:06:50Z",c1,sales,PJSIP/1001,CONNECT,10,c1b,2,,\n')
    stats = _ingest(tmp_path / "store.db", export)
    assert (stats.events, stats.malformed) == (2, 0)
    assert rows(tmp_path / "store.db", "SELECT occurred_at FROM queue_events WHERE "
                "event = 'CONNECT'") == [(1750000010.0,)]  # fmt: skip


def test_reading_the_same_file_again_adds_nothing(tmp_path):
    db = tmp_path / "store.db"
    _ingest(db, FIXTURES / "day.queue_log")
    again = _ingest(db, FIXTURES / "day.queue_log")
    assert (again.lines, again.events) == (0, 0)
    assert rows(db, "SELECT COUNT(*) FROM queue_events") == [(DAY_EVENTS,)]


def test_lines_appended_later_are_read_from_where_the_last_run_stopped(tmp_path):
    db, log = tmp_path / "store.db", tmp_path / "queue_log"
    _write(log, _line(1), _line(2))
    _ingest(db, log)
    _write(log, _line(3))
    stats = _ingest(db, log)
    assert stats.events == 1
    assert _calls(db) == ["call-1", "call-2", "call-3"]


def test_a_copy_of_the_file_under_another_name_adds_nothing_twice(tmp_path):
    db, log = tmp_path / "store.db", tmp_path / "queue_log"
    _write(log, _line(1), _line(2))
    _ingest(db, log)
    _write(log, _line(3))
    shutil.copy(log, tmp_path / "queue_log.1")
    stats = _ingest(db, tmp_path / "queue_log.1")
    assert stats.events == 1
    assert _calls(db) == ["call-1", "call-2", "call-3"]


def test_malformed_lines_are_counted_and_reported_never_fatal(tmp_path):
    db, log = tmp_path / "store.db", tmp_path / "queue_log"
    _write(log, _line(1), "not a queue_log line\n", "\n", "1750000002|c|q\n", _line(3))
    _write(log, b"1750000004|c4|sales|NONE|ENTERQUEUE||Jos\xe9|1\n".decode("latin-1"))
    stats = _ingest(db, log)
    assert (stats.lines, stats.events, stats.malformed) == (5, 3, 2)
    assert [reason for _, _, reason in stats.malformed_samples] == [
        "1 fields, expected at least 5",
        "3 fields, expected at least 5",
    ]
    assert _calls(db) == ["call-1", "call-3", "c4"]
    again = _ingest(db, log)
    assert again.malformed == 0  # skipped lines are behind the offset too


def test_the_cli_ingests_a_file_and_prints_what_it_read(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CALLBOARD_LOG_DIR", str(tmp_path / "logs"))
    db, log = tmp_path / "store.db", tmp_path / "queue_log"
    _write(log, _line(1), "oops\n", _line(2, "OUTDIAL"))
    assert main(["ingest", str(log), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "3 line(s) read, 2 event(s) stored (1 vendor event(s)" in out
    assert "1 malformed line(s) skipped" in out
    assert f"malformed at byte {len(_line(1))} of {log}#" in out
    assert main(["ingest", str(log), "--db", str(db)]) == 0
    assert "0 line(s) read, 0 event(s) stored" in capsys.readouterr().out


def test_following_waits_for_a_line_to_be_complete(tmp_path):
    db, log = tmp_path / "store.db", tmp_path / "queue_log"
    _write(log, _line(1), _line(2)[:20])
    feed = _Feed(db, log)
    try:
        assert feed.feed.poll() == 1
        _write(log, _line(2)[20:])
        assert feed.feed.poll() == 1
    finally:
        feed.close()
    assert _calls(db) == ["call-1", "call-2"]


def test_following_survives_rotation_without_losing_the_old_files_last_lines(tmp_path):
    db, log = tmp_path / "store.db", tmp_path / "queue_log"
    _write(log, _line(1))
    feed = _Feed(db, log)
    try:
        feed.feed.poll()
        _write(log, _line(2))  # written just before the rotation, not yet read
        os.rename(log, tmp_path / "queue_log.1")
        _write(log, _line(3), mode="w")
        feed.feed.poll()
        _write(log, _line(4))
        feed.feed.poll()
        assert feed.feed.stats.rotations == 1
    finally:
        feed.close()
    assert _calls(db) == ["call-1", "call-2", "call-3", "call-4"]
    assert _ingest(db, tmp_path / "queue_log.1").events == 0  # the rotated file is all read


def test_following_survives_truncation_in_place(tmp_path):
    db, log = tmp_path / "store.db", tmp_path / "queue_log"
    _write(log, _line(1), _line(2))
    feed = _Feed(db, log)
    try:
        feed.feed.poll()
        _write(log, _line(3), mode="w")  # copytruncate: same file, shorter, new first line
        feed.feed.poll()
        _write(log, _line(4), _line(5), _line(6))  # now longer than before the truncation
        feed.feed.poll()
        assert feed.feed.stats.truncations == 1
    finally:
        feed.close()
    assert _calls(db) == ["call-1", "call-2", "call-3", "call-4", "call-5", "call-6"]


def test_a_file_truncated_and_regrown_past_the_offset_is_noticed_by_its_first_line(tmp_path):
    db, log = tmp_path / "store.db", tmp_path / "queue_log"
    _write(log, _line(1))
    feed = _Feed(db, log)
    try:
        feed.feed.poll()
        _write(log, _line(7), _line(8), mode="w")
        feed.feed.poll()
    finally:
        feed.close()
    assert _calls(db) == ["call-1", "call-7", "call-8"]


def test_a_truncated_file_read_again_later_adds_nothing_twice(tmp_path):
    db, log = tmp_path / "store.db", tmp_path / "queue_log"
    _write(log, _line(1), _line(2))
    _ingest(db, log)
    _write(log, _line(3), mode="w")
    _ingest(db, log)
    _ingest(db, log)
    assert _calls(db) == ["call-1", "call-2", "call-3"]


def test_follow_waits_for_a_missing_file_and_stops_when_told(tmp_path):
    db, log = tmp_path / "store.db", tmp_path / "queue_log"
    feed = _Feed(db, log)
    polls = []

    def sleep(seconds: float) -> None:
        polls.append(seconds)
        if len(polls) == 2:
            _write(log, _line(1))

    stats = follow(feed.feed, feed.writer, stop=lambda: len(polls) >= 4, interval=0.5, sleep=sleep)
    feed.close()
    assert polls == [0.5] * 4
    assert stats.events == 1
    assert _calls(db) == ["call-1"]
