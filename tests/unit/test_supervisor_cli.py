"""The supervisor command: `status` describes the store; with no subcommand, the wallboard."""

from supervisor.__main__ import main


def test_status_creates_and_describes_the_store(tmp_path, capsys):
    db = tmp_path / "callboard.db"
    assert main(["status", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert str(db) in out
    assert "schema version" in out
    assert "queue_events: 0 row(s)" in out


def test_a_file_that_is_not_a_store_is_refused_and_kept(tmp_path, capsys):
    db = tmp_path / "notes.db"
    db.write_text("not a database")
    assert main(["status", "--db", str(db)]) == 1
    assert "Store:" in capsys.readouterr().err
    assert db.read_text() == "not a database"


def test_the_wallboard_refuses_a_file_that_is_not_a_store_before_any_window(
    tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("CALLBOARD_LOG_DIR", str(tmp_path / "logs"))
    db = tmp_path / "notes.db"
    db.write_text("not a database")
    assert main(["--db", str(db)]) == 1
    assert "Store:" in capsys.readouterr().err


def test_the_wallboard_refuses_a_bad_thresholds_file(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CALLBOARD_LOG_DIR", str(tmp_path / "logs"))
    thresholds = tmp_path / "thresholds.json"
    thresholds.write_text('{"queues": {"sales": {"service_level_secs": 30}}}')
    assert main(["--db", str(tmp_path / "c.db"), "--thresholds", str(thresholds)]) == 2
    assert "service_level_secs" in capsys.readouterr().err
