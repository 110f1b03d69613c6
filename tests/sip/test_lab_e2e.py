"""The lab end to end: 50 simulated calls, read by the supervisor, match the lab's own record."""

from __future__ import annotations

import pytest

from softphone.lab import read_record, summarize
from supervisor.feeds import ingest, stored_offsets
from supervisor.metrics import MetricsSettings, QueueThresholds, Window, compute_kpis
from supervisor.store import StoreWriter, open_connection
from tests.rig.lab import LabProcess

SPEED = 100.0
CALLS = 50
FIGURES = (
    "offered", "answered", "abandoned", "short_abandoned", "transferred",
    "answered_within_threshold", "service_level_percent", "asa_seconds",
    "abandonment_rate_percent", "aht_seconds", "fcr_percent", "csat_percent", "csat_responses",
)  # fmt: skip


@pytest.fixture(scope="module")
def finished_lab(tmp_path_factory):
    lab = LabProcess(
        tmp_path_factory.mktemp("lab"),
        "--speed", str(SPEED), "--calls", str(CALLS), "--seed", "8", "--rate", "4",
    )  # fmt: skip
    try:
        lab.start()
        lab.wait_event("finished", timeout=120)
        status = lab.wait(20)
    finally:
        status = lab.stop()
    assert status == 0, lab.stderr_tail()
    return lab


def _report(lab):
    # The supervisor's normal feed: the queue_log into the store, then the KPIs.
    with StoreWriter(lab.db) as writer:
        connection = open_connection(lab.db)
        ingest(lab.queue_log, writer, stored_offsets(connection))
    calls, surveys = read_record(lab.record)
    start = min(c.entered_at for c in calls) - 60
    end = max(c.ended_at or c.entered_at for c in calls) + 60
    thresholds = QueueThresholds(20 / SPEED, 80, 5 / SPEED)
    report = compute_kpis(connection, Window(start, end), end, MetricsSettings(default=thresholds))
    expected = summarize(
        calls,
        surveys,
        service_level_seconds=thresholds.service_level_seconds,
        short_abandon_seconds=thresholds.short_abandon_seconds,
    )
    return report, expected, calls, connection


def test_fifty_calls_are_all_offered_and_each_has_an_outcome(finished_lab):
    calls, _ = read_record(finished_lab.record)
    assert len(calls) == CALLS
    assert {c.outcome for c in calls} <= {"answered", "abandoned"}
    # A lively lab: some answered, some abandoned, some sent to the survey.
    assert sum(c.outcome == "answered" for c in calls) >= 10
    assert sum(c.outcome == "abandoned" for c in calls) >= 1
    assert any(c.ended_by == "transfer" for c in calls)


def test_supervisor_report_equals_the_labs_own_figures(finished_lab):
    report, expected, _, _ = _report(finished_lab)
    got = {key: report.total[key] for key in FIGURES}
    want = {key: expected[key] for key in FIGURES}
    assert got == pytest.approx(want, abs=1e-6)
    assert report.total["calls_waiting"] == 0


def test_each_agent_is_credited_with_the_calls_the_lab_gave_them(finished_lab):
    report, _expected, calls, _ = _report(finished_lab)
    by_agent = {}
    for call in calls:
        if call.outcome == "answered":
            by_agent[call.agent_id] = by_agent.get(call.agent_id, 0) + 1
    for agent_id, answered in by_agent.items():
        figures = report.agent(agent_id)
        assert figures.queue_calls_answered == answered, agent_id  # from the queue_log
        assert figures.calls_handled == answered, agent_id  # from the bot's own facts
        assert figures.source == "both", agent_id


def test_survey_scores_in_the_store_are_the_digits_callers_pressed(finished_lab):
    _, _, _, connection = _report(finished_lab)
    _, surveys = read_record(finished_lab.record)
    stored = sorted(connection.execute("SELECT call_id, score FROM survey_scores").fetchall())
    assert stored == sorted((s.call_id, s.score) for s in surveys)
    assert stored


def test_bot_facts_are_those_of_a_softphone(finished_lab):
    _, _, calls, connection = _report(finished_lab)
    bot_calls = [c for c in calls if c.bot]
    finals = dict(connection.execute("SELECT call_id, disposition FROM wrap_ups").fetchall())
    for call in bot_calls:
        assert finals[call.agent_call_id] == call.disposition
    states = {
        row[0] for row in connection.execute("SELECT DISTINCT state FROM agent_state_changes")
    }
    assert {"available", "ringing", "on_call", "wrap_up", "logged_out"} <= states
