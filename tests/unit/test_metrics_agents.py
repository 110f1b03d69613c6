"""Agent, handle-time and quality KPIs from the softphones' facts, joined with the feed.

Agent 1001 (PJSIP/1001 in the feed), from D = 2025-06-15T00:00:00Z, now D + 3100:
available 100 s, ringing 10, on call 120 (20 of them on hold), wrap-up 30,
available 440, ringing 5, on call 60, wrap-up 10, then available to now
(2325 s). Busy 120 + 30 + 60 + 10 = 220 s; available 100 + 440 + 2325 = 2865 s.
"""

from datetime import timezone
from pathlib import Path

import pytest

from supervisor.feeds import ingest, stored_offsets
from supervisor.metrics import MetricsSettings, Window, compute_kpis
from supervisor.store import (
    AgentStateChange,
    CallAnswered,
    CallEnded,
    CallStarted,
    FinalWrapUp,
    StoreWriter,
    SurveyScore,
    open_connection,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "queue_log"
D = 1_749_945_600.0
NOW = D + 3100
STATES = [
    (0, "available", None),
    (100, "ringing", "sip-1"),
    (110, "on_call", "sip-1"),
    (230, "wrap_up", "sip-1"),
    (260, "available", None),
    (700, "ringing", "sip-7"),
    (705, "on_call", "sip-7"),
    (765, "wrap_up", "sip-7"),
    (775, "available", None),
]


def _softphone_facts(writer: StoreWriter, caller_of_second: str = "+15550100") -> None:
    writer.record(AgentStateChange("1001", "not_ready", D - 600, reason="lunch"))
    for at, state, call_id in STATES:
        writer.record(AgentStateChange("1001", state, D + at, call_id=call_id))
    writer.record(CallStarted("sip-1", "1001", "inbound", D + 100, "sales", "+15550100"))
    writer.record(CallAnswered("sip-1", "1001", D + 110))
    writer.record(CallEnded("sip-1", "1001", D + 230, "caller_hung_up", hold_seconds=20))
    writer.record(
        FinalWrapUp("sip-1", "1001", "submitted", "mandatory", D + 230, D + 260, resolved=True)
    )
    writer.record(CallStarted("sip-7", "1001", "inbound", D + 700, "sales", caller_of_second))
    writer.record(CallAnswered("sip-7", "1001", D + 705))
    writer.record(CallEnded("sip-7", "1001", D + 765, "transferred"))
    writer.record(
        FinalWrapUp("sip-7", "1001", "submitted", "mandatory", D + 765, D + 775, resolved=False)
    )
    # A call still on at "now": answered, not ended, so not yet in AHT or FCR.
    writer.record(AgentStateChange("1002", "on_call", D + 3050, call_id="sip-9"))
    writer.record(CallStarted("sip-9", "1002", "inbound", D + 3040, "support", "+15550199"))
    writer.record(CallAnswered("sip-9", "1002", D + 3050))
    for survey, scores in (("csat", (5, 4, 2)), ("nps", (10, 9, 7, 3)), ("ces", (2, 4))):
        for n, score in enumerate(scores):
            writer.record(SurveyScore("sip-1", survey, score, D + 300 + n))


@pytest.fixture
def store(tmp_path):
    db = tmp_path / "store.db"
    writer = StoreWriter(db)
    connection = open_connection(db)
    ingest(FIXTURES / "day.queue_log", writer, stored_offsets(connection))
    _softphone_facts(writer)
    writer.close()
    yield connection
    connection.close()


def _today(connection, settings=None):
    return compute_kpis(connection, Window.today(NOW, timezone.utc), NOW, settings)


def test_agent_state_and_time_in_state(store):
    agent = _today(store).agent("1001")
    assert (agent.state, agent.state_since) == ("available", D + 775)
    assert agent.time_in_state_seconds == pytest.approx(2325.0)


def test_calls_handled_and_aht_with_talk_hold_and_wrap_up(store):
    agent = _today(store).agent("1001")
    assert agent.calls_handled == 2
    assert agent.aht_seconds == pytest.approx(((120 + 30) + (60 + 10)) / 2)
    assert agent.aht_parts == ("talk", "hold", "wrap_up")
    assert (agent.talk_seconds, agent.hold_seconds, agent.wrap_up_seconds) == (160, 20, 40)


def test_occupancy_is_busy_over_busy_and_available(store):
    agent = _today(store).agent("1001")
    assert (agent.busy_seconds, agent.available_seconds) == (220, 2865)
    assert agent.occupancy_percent == pytest.approx(100 * 220 / 3085)


def test_occupancy_counts_the_state_held_when_the_window_began(store):
    last_hour = compute_kpis(store, Window(NOW - 3600, NOW), NOW)
    # From D - 500 the agent was Not Ready until D, then as above.
    agent = last_hour.agent("1001")
    assert agent.available_seconds == pytest.approx(2865)
    assert agent.busy_seconds == pytest.approx(220)


def test_an_agent_in_both_sources_is_joined_by_extension(store):
    report = _today(store)
    agent = report.agent("1001")
    assert agent.source == "both"
    assert agent.feed_members == ["PJSIP/1001"]
    assert agent.queue_calls_answered == 2
    assert "PJSIP/1001" not in [row.agent_id for row in report.agents]


def test_an_alias_joins_a_member_whose_name_is_not_the_agent_id(store):
    settings = MetricsSettings(agent_aliases={"PJSIP/1002": "1001"})
    agent = _today(store, settings).agent("1001")
    assert sorted(agent.feed_members) == ["PJSIP/1001", "PJSIP/1002"]
    assert agent.queue_calls_answered == 3


def test_a_call_still_connected_is_not_handled_yet(store):
    agent = _today(store).agent("1002")
    assert (agent.state, agent.calls_handled, agent.aht_seconds) == ("on_call", 0, None)


def test_queue_aht_prefers_the_softphones_which_know_the_wrap_up(store):
    report = _today(store)
    sales = report.queue("sales")
    assert sales["aht_seconds"] == pytest.approx(110.0)
    assert (sales["aht_parts"], sales["aht_source"]) == (["talk", "hold", "wrap_up"], "softphones")
    assert report.queue("support")["aht_source"] == "feed"  # no softphone finished one there
    assert "aht_wrap_up" not in report.unavailable


def test_team_occupancy_adds_up_every_softphone_agent(store):
    report = _today(store)
    busy = 220 + (NOW - (D + 3050))  # agent 1002 on call for the last 50 s
    assert report.total["occupancy_percent"] == pytest.approx(100 * busy / (busy + 2865))


def test_fcr_is_resolved_over_final_wrap_ups(store):
    report = _today(store)
    assert report.total["fcr_percent"] == pytest.approx(50.0)
    assert (report.total["fcr_resolved"], report.total["final_wrap_ups"]) == (1, 2)


def test_the_repeat_caller_estimate_uses_the_softphones_callers(store):
    report = _today(store)
    # sip-7 is from sip-1's caller, 600 s later: 1 repeat in 3 contacts (sip-9 included).
    assert report.total["fcr_estimate_percent"] == pytest.approx(100 * 2 / 3)
    assert report.total["fcr_estimate_source"] == "softphones"


def test_a_caller_from_more_than_7_days_ago_is_not_a_repeat(tmp_path):
    db = tmp_path / "store.db"
    writer = StoreWriter(db)
    for call_id, at in (("old", D - 8 * 86_400), ("new", D + 10)):
        writer.record(CallStarted(call_id, "1001", "inbound", at, "sales", "+15550100"))
        writer.record(CallAnswered(call_id, "1001", at + 5))
    writer.close()
    connection = open_connection(db)
    report = compute_kpis(connection, Window(D, NOW), NOW)
    connection.close()
    assert report.total["fcr_estimate_percent"] == pytest.approx(100.0)


def test_csat_nps_and_ces_from_survey_scores(store):
    report = _today(store)
    total = report.total
    assert (total["csat_percent"], total["csat_responses"]) == (pytest.approx(200 / 3), 3)
    assert (total["nps"], total["nps_responses"]) == (pytest.approx(25.0), 4)
    assert (total["ces"], total["ces_responses"]) == (pytest.approx(3.0), 2)
    assert report.queue("sales")["csat_responses"] == 3  # through the call's queue
    assert report.queue("support")["csat_responses"] == 0
