"""Each KPI defined once: a pure function with its formula, and the catalogue the README shows.

Rates are percentages from 0 to 100; times are seconds. A KPI whose
denominator is zero is None ("no calls to measure"), never 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


def _percent(numerator: float, denominator: float) -> float | None:
    return None if denominator <= 0 else 100.0 * numerator / denominator


def _mean(total: float, count: int) -> float | None:
    return None if count <= 0 else total / count


def service_level(answered_within: int, answered: int, abandoned: int, short: int) -> float | None:
    """Service level, %: answered within T / (answered + abandoned - short abandoned) x 100.

    T is the queue's `service_level_seconds`; a short abandon waited less than
    `short_abandon_seconds`. Timed-out, key-exit and still-waiting calls are
    in neither part.
    """
    return _percent(answered_within, answered + abandoned - short)


def abandonment_rate(abandoned: int, short: int, offered: int) -> float | None:
    """Abandonment rate, %: (abandoned - short) / (offered - short) x 100."""
    return _percent(abandoned - short, offered - short)


def average_speed_of_answer(total_wait: float, answered: int) -> float | None:
    """ASA, s: sum of the waits of answered calls / answered."""
    return _mean(total_wait, answered)


def longest_wait(now: float, oldest_entry: float | None) -> float | None:
    """Longest wait, s: now - entry time of the oldest call still waiting (None if none waits)."""
    return None if oldest_entry is None else max(0.0, now - oldest_entry)


def average_handle_time(total_handle: float, calls: int) -> float | None:
    """AHT, s: sum of (talk + hold + wrap-up) over handled calls / handled calls.

    From the softphones, talk + hold is answered-to-ended time and wrap-up
    the final wrap-up's started-to-finished time. From the queue feed it is
    calltime only (talk and hold together: the feed gives no wrap-up).
    """
    return _mean(total_handle, calls)


def occupancy(busy: float, available: float) -> float | None:
    """Occupancy, %: (talk + wrap-up) / (talk + wrap-up + available) x 100.

    Time in the states on_call and wrap_up is busy; in available, available.
    Ringing, Not Ready and logged out count in neither.
    """
    return _percent(busy, busy + available)


def first_contact_resolution(resolved: int, final_wrap_ups: int) -> float | None:
    """FCR, %: final wrap-ups marked resolved / final wrap-ups x 100."""
    return _percent(resolved, final_wrap_ups)


def repeat_caller_fcr_estimate(repeats: int, contacts: int) -> float | None:
    """FCR estimate, %: (contacts - repeat contacts) / contacts x 100.

    A contact is an answered inbound call with a known caller; it is a repeat
    when the same caller had an answered call in the 7 days before it.
    """
    return _percent(contacts - repeats, contacts)


def csat(scores: Iterable[int]) -> tuple[float | None, int]:
    """CSAT, %: scores of 4 or 5 (of 5) / scores x 100; and the number of scores."""
    values = list(scores)
    return _percent(sum(1 for score in values if score >= 4), len(values)), len(values)


def nps(scores: Iterable[int]) -> tuple[float | None, int]:
    """NPS, points from -100 to 100: % of scores 9-10 - % of scores 0-6; and the count."""
    values = list(scores)
    if not values:
        return None, 0
    promoters = sum(1 for score in values if score >= 9)
    detractors = sum(1 for score in values if score <= 6)
    return 100.0 * (promoters - detractors) / len(values), len(values)


def ces(scores: Iterable[int]) -> tuple[float | None, int]:
    """CES, 1 to 7: the mean effort score; and the count."""
    values = list(scores)
    return _mean(float(sum(values)), len(values)), len(values)


@dataclass(frozen=True)
class Kpi:
    """One line of the README's KPI table."""

    name: str
    key: str  # the JSON key in `supervisor report`
    formula: str
    unit: str
    source: str  # feed, softphones, or both


KPIS = (
    Kpi("Offered", "offered", "calls that entered the queue (ENTERQUEUE)", "calls", "feed"),
    Kpi("Answered", "answered", "offered calls connected to an agent (CONNECT)", "calls", "feed"),
    Kpi("Abandoned", "abandoned", "offered calls the caller hung up while waiting (ABANDON)",
        "calls", "feed"),
    Kpi("Short abandons", "short_abandoned",
        "abandoned calls that waited less than short_abandon_seconds", "calls", "feed"),
    Kpi("Timed out", "timed_out", "offered calls that left at the queue timeout (EXITWITHTIMEOUT)",
        "calls", "feed"),
    Kpi("Exited by key", "exited_by_key", "offered calls that left by a key (EXITWITHKEY)",
        "calls", "feed"),
    Kpi("Exited empty", "exited_empty", "offered calls that left as no agent was there (EXITEMPTY)",
        "calls", "feed"),
    Kpi("Transferred", "transferred",
        "answered calls ended by TRANSFER, BLINDTRANSFER or ATTENDEDTRANSFER", "calls", "feed"),
    Kpi("Calls waiting", "calls_waiting",
        "offered calls with no outcome yet, entered in the day before now and after the last "
        "QUEUESTART",
        "calls", "feed"),
    Kpi("Longest wait", "longest_wait_seconds", "now - entry time of the oldest call waiting",
        "s", "feed"),
    Kpi("Service level", "service_level_percent",
        "answered with wait <= T / (answered + abandoned - short abandoned) x 100", "%", "feed"),
    Kpi("ASA", "asa_seconds", "sum of waits of answered calls / answered", "s", "feed"),
    Kpi("Abandonment rate", "abandonment_rate_percent",
        "(abandoned - short) / (offered - short) x 100", "%", "feed"),
    Kpi("AHT", "aht_seconds",
        "sum of (talk + hold + wrap-up) / handled calls; aht_parts says which parts it holds",
        "s", "both"),
    Kpi("Occupancy", "occupancy_percent",
        "(on_call + wrap_up time) / (on_call + wrap_up + available time) x 100", "%",
        "softphones"),
    Kpi("FCR", "fcr_percent", "final wrap-ups marked resolved / final wrap-ups x 100", "%",
        "softphones"),
    Kpi("FCR, repeat-caller estimate", "fcr_estimate_percent",
        "(contacts - contacts whose caller had one in the 7 days before) / contacts x 100 "
        "(an estimate)", "%", "both"),
    Kpi("CSAT", "csat_percent", "CSAT scores of 4 or 5 / CSAT scores x 100", "%", "surveys"),
    Kpi("NPS", "nps", "% of NPS scores 9-10 - % of NPS scores 0-6", "points", "surveys"),
    Kpi("CES", "ces", "mean CES score (1 to 7)", "score", "surveys"),
)  # fmt: skip
"""Every KPI the report gives, in order."""
