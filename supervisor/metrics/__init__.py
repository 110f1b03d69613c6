"""KPI definitions over the store: queue KPIs from the queue feed, agent KPIs from the softphones.

- `compute_kpis(connection, window, now, settings, queue, cache=...)` gives
  every KPI of `definitions.KPIS` for the calls that entered a queue in the
  window, per queue and in total, and each agent's figures; a `KpiCache`
  kept across a refresh worker's refreshes makes the next one cheaper;
- `to_json(report)` / `to_csv(report)` are what `supervisor report` prints;
- `Window.today / last / day` and `Window(start, end)` are the windows the
  wallboard and the report use; `MetricsSettings` holds the per-queue
  thresholds (`load_settings` reads them from JSON).

The clock is never read here: `now` is an argument. Nothing imports Qt.
"""

from supervisor.metrics.agents import AgentFigures
from supervisor.metrics.cache import KpiCache
from supervisor.metrics.definitions import KPIS, Kpi
from supervisor.metrics.report import (
    AGENT_KEYS,
    QUEUE_KEYS,
    REPORT_FORMAT,
    KpiReport,
    compute_kpis,
    to_csv,
    to_json,
)
from supervisor.metrics.settings import (
    MetricsSettings,
    QueueThresholds,
    SettingsError,
    Window,
    load_settings,
)

__all__ = [
    "AGENT_KEYS",
    "KPIS",
    "QUEUE_KEYS",
    "REPORT_FORMAT",
    "AgentFigures",
    "Kpi",
    "KpiCache",
    "KpiReport",
    "MetricsSettings",
    "QueueThresholds",
    "SettingsError",
    "Window",
    "compute_kpis",
    "load_settings",
    "to_csv",
    "to_json",
]
