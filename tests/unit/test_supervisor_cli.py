"""The supervisor command runs today: it opens the store and shows its status."""

from supervisor.__main__ import main


def test_status_creates_and_describes_the_store(tmp_path, capsys):
    db = tmp_path / "callboard.db"
    assert main(["--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert str(db) in out
    assert "schema version" in out
    assert "queue_events: 0 row(s)" in out


def test_a_file_that_is_not_a_store_is_refused_and_kept(tmp_path, capsys):
    db = tmp_path / "notes.db"
    db.write_text("not a database")
    assert main(["--db", str(db)]) == 1
    assert "Store:" in capsys.readouterr().err
    assert db.read_text() == "not a database"
