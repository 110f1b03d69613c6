"""Queue KPIs from the feed alone, against answers worked out by hand from day.queue_log.

The fixture's day starts at D = 2025-06-15T00:00:00Z; "now" is D + 3100 s.

sales (T = 20 s, short < 5 s): c1 answered after 10 s, talk 120; c2 answered
after 30 s, talk 60; c3 abandoned after 3 s (short); c4 abandoned after 50 s;
c5 timed out; c6 left by key; c7 answered after 5 s, blind-transferred after
60 s talk; c8 entered at D + 3000 and still waits. c9 entered at D - 2 s:
yesterday's call, though answered today.
support (T = 30 s in these settings): c10 answered after 25 s, attended
transfer after 75 s talk; c11 abandoned after 4 s (short).
"""

from datetime import timezone
from pathlib import Path

import pytest

from supervisor.feeds import ingest, stored_offsets
from supervisor.metrics import MetricsSettings, QueueThresholds, Window, compute_kpis
from supervisor.store import QueueEvent, StoreWriter, open_connection

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "queue_log"
D = 1_749_945_600.0
NOW = D + 3100
SETTINGS = MetricsSettings(queues={"support": QueueThresholds(service_level_seconds=30)})


@pytest.fixture
def store(tmp_path):
    db = tmp_path / "store.db"
    writer = StoreWriter(db)
    connection = open_connection(db)
    ingest(FIXTURES / "day.queue_log", writer, stored_offsets(connection))
    writer.close()
    yield connection
    connection.close()


def _today(connection, **kwargs):
    return compute_kpis(connection, Window.today(NOW, timezone.utc), NOW, SETTINGS, **kwargs)


def test_today_is_from_midnight_to_now():
    assert Window.today(NOW, timezone.utc) == Window(D, NOW)


def test_counts_of_offered_calls_and_their_outcomes(store):
    sales = _today(store).queue("sales")
    assert {key: sales[key] for key in (
        "offered", "answered", "abandoned", "short_abandoned", "timed_out", "exited_by_key",
        "exited_empty", "transferred", "calls_waiting", "answered_within_threshold",
    )} == {
        "offered": 8, "answered": 3, "abandoned": 2, "short_abandoned": 1, "timed_out": 1,
        "exited_by_key": 1, "exited_empty": 0, "transferred": 1, "calls_waiting": 1,
        "answered_within_threshold": 2,
    }  # fmt: skip


def test_service_level_leaves_short_abandons_out(store):
    report = _today(store)
    assert report.queue("sales")["service_level_percent"] == pytest.approx(100 * 2 / (3 + 2 - 1))
    assert report.queue("sales")["service_level_met"] is False
    assert report.queue("support")["service_level_percent"] == pytest.approx(100.0)
    assert report.total["service_level_percent"] == pytest.approx(100 * 3 / (4 + 3 - 2))


def test_each_queue_is_judged_against_its_own_threshold(store):
    support = _today(store).queue("support")
    assert support["service_level_threshold_seconds"] == 30
    assert support["answered_within_threshold"] == 1  # 25 s: within 30, not within 20
    default = compute_kpis(store, Window(D, NOW), NOW, MetricsSettings())
    assert default.queue("support")["answered_within_threshold"] == 0


def test_abandonment_rate_leaves_short_abandons_out_of_both_parts(store):
    report = _today(store)
    assert report.queue("sales")["abandonment_rate_percent"] == pytest.approx(100 * 1 / 7)
    assert report.queue("support")["abandonment_rate_percent"] == pytest.approx(0.0)
    assert report.total["abandonment_rate_percent"] == pytest.approx(100 * 1 / 8)


def test_asa_is_the_mean_wait_of_answered_calls(store):
    report = _today(store)
    assert report.queue("sales")["asa_seconds"] == pytest.approx((10 + 30 + 5) / 3)
    assert report.total["asa_seconds"] == pytest.approx((10 + 30 + 5 + 25) / 4)


def test_longest_wait_is_now_minus_the_oldest_waiting_entry(store):
    report = _today(store)
    assert report.total["calls_waiting"] == 1
    assert report.total["longest_wait_seconds"] == pytest.approx(100.0)
    later = compute_kpis(store, Window(D, NOW), NOW + 60, SETTINGS)
    assert later.total["longest_wait_seconds"] == pytest.approx(160.0)


def test_feed_aht_is_calltime_and_says_it_has_no_wrap_up(store):
    report = _today(store)
    sales = report.queue("sales")
    assert sales["aht_seconds"] == pytest.approx((120 + 60 + 60) / 3)
    assert (sales["aht_parts"], sales["aht_source"], sales["aht_calls"]) == (
        ["talk", "hold"],
        "feed",
        3,
    )
    assert report.queue("support")["aht_seconds"] == pytest.approx(75.0)
    assert "wrap-up" in report.unavailable["aht_wrap_up"]


def test_transfers_of_every_kind_are_counted(store):
    report = _today(store)
    assert report.queue("sales")["transferred"] == 1  # BLINDTRANSFER
    assert report.queue("support")["transferred"] == 1  # ATTENDEDTRANSFER
    assert report.total["transferred"] == 2


def test_a_call_belongs_to_the_day_it_entered_the_queue(store):
    yesterday = compute_kpis(store, Window(D - 86_400, D), NOW, SETTINGS)
    assert (yesterday.total["offered"], yesterday.total["answered"]) == (1, 1)
    assert yesterday.total["aht_seconds"] == pytest.approx(60.0)
    assert _today(store).total["offered"] == 10


def test_the_window_is_half_open(store):
    at_entry = compute_kpis(store, Window(D + 100, D + 200), NOW, SETTINGS)
    assert at_entry.total["offered"] == 1  # c1 at D + 100 in; c2 at D + 200 out


def test_the_last_15_minutes_hold_only_the_waiting_call(store):
    report = compute_kpis(store, Window.last(15, NOW), NOW, SETTINGS)
    assert (report.total["offered"], report.total["calls_waiting"]) == (1, 1)
    assert report.total["service_level_percent"] is None
    assert report.unavailable["service_level_percent"] == "nothing to measure in the window"


def test_one_queue_only(store):
    report = _today(store, queue="support")
    assert [row["queue"] for row in report.queues] == ["support"]
    assert report.total["offered"] == 2
    assert report.total["service_level_threshold_seconds"] == 30


def test_a_call_entered_before_asterisk_restarted_is_not_waiting(tmp_path):
    db = tmp_path / "store.db"
    writer = StoreWriter(db)
    writer.record_queue_events(
        [
            QueueEvent(D + 10, "lost", "sales", None, "ENTERQUEUE"),
            QueueEvent(D + 20, None, None, None, "QUEUESTART"),
            QueueEvent(D + 30, "new", "sales", None, "ENTERQUEUE"),
        ]
    )
    writer.close()
    connection = open_connection(db)
    report = compute_kpis(connection, Window(D, NOW), NOW, SETTINGS)
    connection.close()
    assert (report.total["offered"], report.total["calls_waiting"]) == (2, 1)
    assert report.total["longest_wait_seconds"] == pytest.approx(NOW - (D + 30))


def test_a_queue_feed_alone_says_which_kpis_it_cannot_give(store):
    report = _today(store)
    assert report.sources == {"queue_feed": True, "softphones": False, "surveys": False}
    assert report.total["occupancy_percent"] is None
    assert "softphones" in report.unavailable["occupancy_percent"]
    assert report.total["fcr_percent"] is None
    assert "wrap-ups" in report.unavailable["fcr_percent"]
    for key in ("csat_percent", "nps", "ces"):
        assert report.total[key] is None
        assert "scores" in report.unavailable[key]


def test_the_feed_gives_a_repeat_caller_estimate_without_softphones(store):
    report = _today(store)
    # c7 (D + 700) is from c1's caller (D + 100): 1 repeat in 3 answered sales contacts.
    assert report.queue("sales")["fcr_estimate_percent"] == pytest.approx(100 * 2 / 3)
    assert report.queue("sales")["fcr_estimate_source"] == "feed"
    assert report.total["fcr_estimate_contacts"] == 4


def test_feed_members_get_the_figures_the_feed_gives(store):
    report = _today(store)
    assert [agent.agent_id for agent in report.agents] == ["Agent/1003", "PJSIP/1001", "PJSIP/1002"]
    ada = report.agent("PJSIP/1001")
    assert (ada.source, ada.calls_handled, ada.queue_calls_answered) == ("feed", 2, 2)
    assert ada.aht_seconds == pytest.approx((120 + 60) / 2)
    assert ada.aht_parts == ("talk", "hold")
    paused = report.agent("Agent/1003")
    assert (paused.state, paused.state_since) == ("available", D + 1100)
    assert paused.time_in_state_seconds == pytest.approx(NOW - (D + 1100))


def test_a_member_paused_in_the_feed_is_not_ready_with_its_reason(tmp_path):
    db = tmp_path / "store.db"
    writer = StoreWriter(db)
    writer.record_queue_events(
        [
            QueueEvent(D + 10, None, "sales", "PJSIP/1005", "ADDMEMBER"),
            QueueEvent(D + 20, None, "sales", "PJSIP/1005", "PAUSE", "lunch"),
        ]
    )
    writer.close()
    connection = open_connection(db)
    report = compute_kpis(connection, Window(D, NOW), NOW)
    connection.close()
    agent = report.agent("PJSIP/1005")
    assert (agent.state, agent.state_reason, agent.state_since) == ("not_ready", "lunch", D + 20)
