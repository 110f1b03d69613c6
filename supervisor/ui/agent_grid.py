"""The agent grid: name, state, reason, time in state, calls, AHT; sortable, long states flagged.

The model holds plain rows built from `AgentFigures` and sorts them itself,
by the raw value (seconds, counts), not by the text shown: one Python sort
of 500 rows per refresh, where a sort proxy would ask for every cell. A state held longer
than its limit gets an amber or red background and a shape before the time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from supervisor.metrics import AgentFigures
from supervisor.metrics.status import AgentStateLimits, Level
from supervisor.ui import format as fmt
from supervisor.ui.tiles import LEVEL_COLOURS

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class AgentRow:
    """One line of the grid: the raw values and the time-in-state level."""

    name: str
    state: str | None
    reason: str | None
    seconds_in_state: float | None
    calls: int
    aht_seconds: float | None
    level: Level


class AgentTableModel(QAbstractTableModel):
    """The agents as rows; columns in `COLUMNS` order."""

    COLUMNS = ("name", "state", "reason", "time_in_state", "calls", "aht")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[AgentRow] = []
        self.limits = AgentStateLimits()
        self._headers = [
            self.tr("Agent"),
            self.tr("State"),
            self.tr("Reason"),
            self.tr("In state"),
            self.tr("Calls"),
            self.tr("AHT"),
        ]
        self._states = {
            "available": self.tr("Available"),
            "ringing": self.tr("Ringing"),
            "on_call": self.tr("On call"),
            "wrap_up": self.tr("Wrap-up"),
            "not_ready": self.tr("Not ready"),
            "logged_out": self.tr("Logged out"),
        }
        self._marks = {Level.WATCH: "▲ ", Level.ALERT: "✖ "}
        self.sort_column = 0
        self.sort_order = Qt.SortOrder.AscendingOrder

    def show_agents(self, agents: Sequence[AgentFigures]) -> None:
        """Replace the rows with these agents' figures."""
        self.beginResetModel()
        self.rows = [
            AgentRow(
                agent.agent_id,
                agent.state,
                agent.state_reason,
                agent.time_in_state_seconds,
                agent.calls_handled,
                agent.aht_seconds,
                self.limits.judge(agent.state, agent.time_in_state_seconds),
            )
            for agent in agents
        ]
        self._sort_rows()
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by a column's raw values (the view calls this when a header is clicked)."""
        self.sort_column, self.sort_order = column, order
        self.layoutAboutToBeChanged.emit()
        self._sort_rows()
        self.layoutChanged.emit()

    def _sort_rows(self) -> None:
        name = self.COLUMNS[self.sort_column]
        descending = self.sort_order == Qt.SortOrder.DescendingOrder
        self.rows.sort(key=lambda row: row.name.casefold())  # ties in name order
        self.rows.sort(key=lambda row: _sort_key(row, name), reverse=descending)

    def state_name(self, state: str | None) -> str:
        """The state as the grid writes it."""
        return "—" if state is None else self._states.get(state, state)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's default
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's default
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def text(self, row: AgentRow, column: int) -> str:
        """What a cell shows."""
        name = self.COLUMNS[column]
        if name == "name":
            return row.name
        if name == "state":
            return self.state_name(row.state)
        if name == "reason":
            return row.reason or ""
        if name == "time_in_state":
            return self._marks.get(row.level, "") + fmt.clock(row.seconds_in_state)
        if name == "calls":
            return str(row.calls)
        return fmt.duration(row.aht_seconds)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, column)
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            if row.level not in (Level.WATCH, Level.ALERT):
                return None
            background, text = LEVEL_COLOURS[row.level]
            colour = background if role == Qt.ItemDataRole.BackgroundRole else text
            return QBrush(QColor(colour))
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def _sort_key(row: AgentRow, column: str) -> Any:
    if column == "name":
        return row.name.casefold()
    if column == "state":
        return row.state or ""
    if column == "reason":
        return (row.reason or "").casefold()
    if column == "time_in_state":
        return -1.0 if row.seconds_in_state is None else row.seconds_in_state
    if column == "calls":
        return row.calls
    return -1.0 if row.aht_seconds is None else row.aht_seconds


class AgentGrid(QTableView):
    """The sortable table of agents."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.agents = AgentTableModel(self)
        self.setModel(self.agents)
        self.setSortingEnabled(True)
        self.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setMinimumSectionSize(20)
        for column, name in enumerate(AgentTableModel.COLUMNS):
            stretch = name in ("name", "reason")
            mode = QHeaderView.ResizeMode.Stretch if stretch else QHeaderView.ResizeMode.Fixed
            header.setSectionResizeMode(column, mode)
        self.set_font_size(20)

    def set_font_size(self, pixels: int) -> None:
        """Row text and header size; rows grow to fit."""
        font = QFont(self.font())
        font.setPixelSize(pixels)
        self.setFont(font)
        header_font = QFont(font)
        header_font.setBold(True)
        self.horizontalHeader().setFont(header_font)
        self.verticalHeader().setDefaultSectionSize(int(pixels * 1.7))
        # Fixed widths from the widest text a column shows: measuring 500 rows on every
        # refresh (ResizeToContents) would cost more than the whole redraw.
        metrics = QFontMetrics(header_font)
        widest = {"state": self.agents.state_name("not_ready"), "time_in_state": "✖ 1:00:00",
                  "calls": "999", "aht": "10:00"}  # fmt: skip
        for column, name in enumerate(AgentTableModel.COLUMNS):
            if name in widest:
                title = str(self.agents.headerData(column, Qt.Orientation.Horizontal))
                text = max(title, widest[name], key=metrics.horizontalAdvance)
                self.horizontalHeader().resizeSection(column, metrics.horizontalAdvance(text) + 24)

    def shown_rows(self) -> list[list[str]]:
        """The cells as shown, in the order shown (for the CSV export)."""
        columns = range(len(AgentTableModel.COLUMNS))
        return [[self.agents.text(row, column) for column in columns] for row in self.agents.rows]

    def headers(self) -> list[str]:
        """The column titles."""
        return [
            str(self.agents.headerData(column, Qt.Orientation.Horizontal))
            for column in range(len(AgentTableModel.COLUMNS))
        ]
