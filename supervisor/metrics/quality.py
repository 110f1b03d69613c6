"""Quality KPIs: first contact resolution, its repeat-caller estimate, CSAT, NPS and CES."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from supervisor.metrics.settings import Window

REPEAT_WINDOW = 7 * 86_400.0  # a caller who calls again within 7 days was not resolved


@dataclass(frozen=True)
class RepeatEstimate:
    """Contacts in the window, and how many of them repeat one of the 7 days before."""

    contacts: int
    repeats: int
    source: str  # softphones or feed


def feed_repeats(
    connection: sqlite3.Connection, contacts: Sequence[tuple[float, str, str | None]]
) -> dict[str | None, RepeatEstimate]:
    """The repeat-caller estimate from the feed, per queue: answered calls' caller ids
    (ENTERQUEUE data2).

    `contacts` are (entered_at, caller id, queue) of the window's answered
    calls. Reads the answered entries of the 7 days before the earliest
    contact (`queue_events_by_event`): this costs more than the softphones'
    way (`calls.call_totals`), and is used only when the softphones saw no
    contact.
    """
    if not contacts:
        return {}
    earliest = min(entered_at for entered_at, _, _ in contacts)
    latest = max(entered_at for entered_at, _, _ in contacts)
    callers = {caller for _, caller, _ in contacts}
    seen: dict[str, list[float]] = {}
    for caller, entered_at in connection.execute(
        "SELECT e.data2, e.occurred_at FROM queue_events AS e "
        "WHERE e.event = 'ENTERQUEUE' AND e.occurred_at >= ? AND e.occurred_at < ? "
        "AND EXISTS (SELECT 1 FROM queue_events AS o WHERE o.call_id = e.call_id "
        "AND o.event = 'CONNECT')",
        (earliest - REPEAT_WINDOW, latest),
    ):
        if caller in callers:
            seen.setdefault(caller, []).append(entered_at)
    counts: dict[str | None, list[int]] = {}
    for entered_at, caller, queue in contacts:
        earlier = seen.get(caller, ())
        repeat = any(entered_at - REPEAT_WINDOW <= then < entered_at for then in earlier)
        tally = counts.setdefault(queue, [0, 0])
        tally[0] += 1
        tally[1] += int(repeat)
    return {queue: RepeatEstimate(n, r, "feed") for queue, (n, r) in counts.items()}


@dataclass
class Surveys:
    """The survey scores answered in the window, per survey."""

    csat: list[int]
    nps: list[int]
    ces: list[int]


# The call's queue: from its first leg (by agent id) that came through a queue,
# else from its first ENTERQUEUE in the feed.
_SURVEYS = """
SELECT s.survey, s.score, COALESCE(
    (SELECT c.queue FROM calls AS c WHERE c.call_id = s.call_id AND c.queue IS NOT NULL
        ORDER BY c.agent_id LIMIT 1),
    (SELECT q.queue FROM queue_events AS q WHERE q.call_id = s.call_id
        AND q.event = 'ENTERQUEUE' ORDER BY q.id LIMIT 1))
FROM survey_scores AS s
WHERE s.survey = ? AND s.answered_at >= ? AND s.answered_at < ?
"""


def survey_scores(connection: sqlite3.Connection, window: Window) -> dict[str | None, Surveys]:
    """Scores answered in the window, by the queue of their call (None: not known); a survey
    belongs to the window in which it was answered."""
    result: dict[str | None, Surveys] = {}
    for survey in ("csat", "nps", "ces"):
        for _, score, queue in connection.execute(_SURVEYS, (survey, window.start, window.end)):
            bucket = result.setdefault(queue, Surveys([], [], []))
            getattr(bucket, survey).append(int(score))
    return result
