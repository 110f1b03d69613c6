"""The wallboard's OK / Watch / Alert judgement of each figure."""

import pytest

from supervisor.metrics import QueueThresholds
from supervisor.metrics.status import (
    AgentCounts,
    AgentStateLimits,
    Level,
    count_agents,
    judge,
    judge_agents,
)

T = QueueThresholds(service_level_seconds=20, service_level_target_percent=80)


@pytest.mark.parametrize(
    ("key", "value", "level"),
    [
        ("service_level_percent", 80.0, Level.OK),
        ("service_level_percent", 70.0, Level.WATCH),
        ("service_level_percent", 69.9, Level.ALERT),
        ("longest_wait_seconds", None, Level.OK),
        ("longest_wait_seconds", 20.0, Level.OK),
        ("longest_wait_seconds", 60.0, Level.WATCH),
        ("longest_wait_seconds", 61.0, Level.ALERT),
        ("asa_seconds", 41.0, Level.ALERT),
        ("calls_waiting", 2, Level.OK),
        ("calls_waiting", 6, Level.ALERT),
        ("abandonment_rate_percent", 7.5, Level.WATCH),
        ("aht_seconds", 500.0, Level.ALERT),
        ("fcr_percent", 70.0, Level.WATCH),
        ("csat_percent", None, Level.NONE),
        ("offered", 3, Level.INFO),
    ],
)
def test_each_figure_against_its_limits(key, value, level):
    assert judge(key, value, T) is level


def test_service_level_follows_the_queues_own_target():
    strict = QueueThresholds(service_level_target_percent=90)
    assert judge("service_level_percent", 85.0, strict) is Level.WATCH


def test_no_agent_available_is_an_alert_only_when_calls_wait():
    none_free = AgentCounts(available=0, on_call=4)
    assert judge_agents(none_free, calls_waiting=0)["available"] is Level.WATCH
    assert judge_agents(none_free, calls_waiting=1)["available"] is Level.ALERT


def test_wrap_up_and_not_ready_are_judged_as_a_share_of_logged_in_agents():
    counts = count_agents({"a": "available", "b": "ringing", "c": "wrap_up", "d": "not_ready",
                           "e": "not_ready", "f": "logged_out"})  # fmt: skip
    assert counts == AgentCounts(available=1, on_call=1, wrap_up=1, not_ready=2)
    levels = judge_agents(counts, calls_waiting=0)
    assert (levels["wrap_up"], levels["not_ready"]) == (Level.OK, Level.ALERT)  # 20 %, 40 %


def test_a_state_held_too_long_is_flagged():
    limits = AgentStateLimits()
    assert limits.judge("wrap_up", 60) is Level.OK
    assert limits.judge("wrap_up", 200) is Level.WATCH
    assert limits.judge("not_ready", 1500) is Level.ALERT
    assert limits.judge("available", 99_999) is Level.OK
