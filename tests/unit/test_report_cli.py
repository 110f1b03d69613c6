"""`supervisor report`: the window from --from and --to, JSON with stable keys, CSV, errors."""

import csv
import io
import json
from pathlib import Path

import pytest

from supervisor.__main__ import main
from supervisor.metrics import AGENT_KEYS, KPIS, QUEUE_KEYS

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "queue_log"
DAY = "2025-06-15T00:00:00Z"
NEXT_DAY = "2025-06-16T00:00:00+00:00"


@pytest.fixture
def db(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CALLBOARD_LOG_DIR", str(tmp_path / "logs"))
    path = tmp_path / "store.db"
    assert main(["ingest", str(FIXTURES / "day.queue_log"), "--db", str(path)]) == 0
    capsys.readouterr()
    return path


def _json(capsys, *args: str) -> dict:
    assert main(["report", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_report_has_the_documented_keys(db, capsys):
    report = _json(capsys, "--db", str(db), "--from", DAY, "--to", NEXT_DAY)
    assert list(report) == [
        "format", "generated_at", "window", "queue_filter", "sources", "total", "queues",
        "agents", "unavailable",
    ]  # fmt: skip
    assert report["window"] == {"from": "2025-06-15T00:00:00Z", "to": "2025-06-16T00:00:00Z"}
    assert list(report["total"]) == list(QUEUE_KEYS)
    assert [row["queue"] for row in report["queues"]] == ["sales", "support"]
    assert all(list(agent) == list(AGENT_KEYS) for agent in report["agents"])


def test_json_report_figures_over_a_date_range(db, capsys):
    total = _json(capsys, "--db", str(db), "--from", DAY, "--to", NEXT_DAY)["total"]
    assert (total["offered"], total["answered"], total["abandoned"]) == (10, 4, 3)
    assert total["service_level_percent"] == 40.0  # default 20 s: c10's 25 s wait is out
    assert total["abandonment_rate_percent"] == 12.5
    assert total["asa_seconds"] == 17.5
    assert total["aht_seconds"] == 78.75
    assert total["calls_waiting"] == 0  # c8 has waited for months: lost, not waiting


def test_epoch_seconds_and_offsets_name_the_same_window(db, capsys):
    by_epoch = _json(capsys, "--db", str(db), "--from", "1749945600", "--to", "1750032000")
    by_offset = _json(
        capsys, "--db", str(db), "--from", "2025-06-15T02:00:00+02:00", "--to", NEXT_DAY
    )
    assert by_epoch["total"] == by_offset["total"]


def test_the_window_is_half_open(db, capsys):
    # c1 entered at D + 100, c2 at D + 200.
    report = _json(capsys, "--db", str(db), "--from", "1749945700", "--to", "1749945800")
    assert report["total"]["offered"] == 1


def test_one_queue(db, capsys):
    report = _json(capsys, "--db", str(db), "--queue", "support", "--from", DAY, "--to", NEXT_DAY)
    assert report["queue_filter"] == "support"
    assert report["total"]["offered"] == 2
    assert [row["queue"] for row in report["queues"]] == ["support"]


def test_csv_report_has_a_total_row_and_a_row_per_queue(db, capsys):
    args = ["report", "--db", str(db), "--from", DAY, "--to", NEXT_DAY, "--format", "csv"]
    assert main(args) == 0
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(row["scope"], row["queue"]) for row in table] == [
        ("total", ""),
        ("queue", "sales"),
        ("queue", "support"),
    ]
    assert table[1]["offered"] == "8"
    assert table[1]["aht_parts"] == "talk+hold"
    assert table[0]["from"] == "2025-06-15T00:00:00Z"


def test_csv_agent_rows(db, capsys):
    args = ["report", "--db", str(db), "--from", DAY, "--to", NEXT_DAY, "--format", "csv"]
    assert main([*args, "--agents"]) == 0
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [row["agent_id"] for row in table] == ["Agent/1003", "PJSIP/1001", "PJSIP/1002"]


def test_thresholds_file_sets_a_queues_threshold(db, capsys, tmp_path):
    thresholds = tmp_path / "thresholds.json"
    thresholds.write_text(json.dumps({"queues": {"support": {"service_level_seconds": 30}}}))
    report = _json(
        capsys, "--db", str(db), "--from", DAY, "--to", NEXT_DAY, "--thresholds", str(thresholds)
    )
    support = report["queues"][1]
    assert (support["service_level_threshold_seconds"], support["answered_within_threshold"]) == (
        30,
        1,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2025-06-15T00:00:00"], "has no offset"),
        (["--from", "yesterday"], "not a time"),
        (["--from", NEXT_DAY, "--to", DAY], "ends after it starts"),
    ],
)
def test_bad_times_are_refused_with_a_message(db, capsys, args, message):
    assert main(["report", "--db", str(db), *args]) == 2
    assert message in capsys.readouterr().err


def test_a_bad_thresholds_file_names_the_file_and_the_key(db, capsys, tmp_path):
    thresholds = tmp_path / "thresholds.json"
    thresholds.write_text(json.dumps({"queues": {"sales": {"service_level_secs": 30}}}))
    assert main(["report", "--db", str(db), "--thresholds", str(thresholds)]) == 2
    err = capsys.readouterr().err
    assert str(thresholds) in err
    assert "queues.sales" in err
    assert "service_level_secs" in err


def test_the_readme_documents_every_kpi_and_every_json_key():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Supervisor: queue feed, KPIs and report") :]
    for kpi in KPIS:
        assert f"`{kpi.key}`" in section, kpi.key
    for key in (*QUEUE_KEYS, *AGENT_KEYS):
        assert f"`{key}`" in section, key
