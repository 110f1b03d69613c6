"""The agent grid: name, state, reason, time in state, calls, AHT; sortable, long states flagged.

The model holds plain rows built from `AgentFigures`, with the texts they
show worked out once per refresh, and sorts them itself by the raw value
(seconds, counts), not by the text shown. A refresh that keeps the agents in
the same order tells the view which cells changed (usually only the times in
state, one column), so only those are repainted; a new order is a layout
change, and new or departed agents a reset. The view repaints only the
changed cells it shows, and `CellPainter` draws them with texts laid out
once. A state held longer than its limit gets an amber or red background
and a shape before the time.

Columns fit their widest text in the current language, never less than
their title: the grid asks for that much room and gives what is left to the
name and reason columns. Measuring is cached per text (digits counted as
zeros), so a refresh measures only texts it has not seen.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    Qt,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QResizeEvent,
    QStaticText,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from supervisor.metrics import AgentFigures
from supervisor.metrics.status import AgentStateLimits, Level
from supervisor.ui import format as fmt
from supervisor.ui.tiles import LEVEL_COLOURS

_Index = QModelIndex | QPersistentModelIndex
_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_BACKGROUND = Qt.ItemDataRole.BackgroundRole.value
_FOREGROUND = Qt.ItemDataRole.ForegroundRole.value
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole.value
_RIGHT = (Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value
_HIGHLIGHTS = {
    level: (QBrush(QColor(LEVEL_COLOURS[level][0])), QBrush(QColor(LEVEL_COLOURS[level][1])))
    for level in (Level.WATCH, Level.ALERT)
}
_ZEROS = str.maketrans("123456789", "000000000")
GRID_COLOURS = {"base": "#1d2125", "alternate": "#252a2f", "text": "#eceff1", "header": "#2f353b"}
TEXT_MARGIN = 4  # px between a cell's edge and its text
MANY_RANGES = 32  # more changed ranges than this in one refresh are announced as one


class AgentRow(NamedTuple):
    """One line of the grid: the raw values, the time-in-state level and the texts shown."""

    name: str
    state: str | None
    reason: str | None
    seconds_in_state: float | None
    calls: int
    aht_seconds: float | None
    level: Level
    cells: tuple[str, ...] = ()


class AgentTableModel(QAbstractTableModel):
    """The agents as rows; columns in `COLUMNS` order."""

    COLUMNS = ("name", "state", "reason", "time_in_state", "calls", "aht")
    NUMBERS = 3  # columns from this one on are figures, aligned right

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
        self._texts: dict[tuple[object, ...], tuple[str, str, str, str]] = {}
        self.sort_column = 0
        self.sort_order = Qt.SortOrder.AscendingOrder

    def show_agents(self, agents: Sequence[AgentFigures]) -> set[int]:
        """Show these agents' figures, telling the view only what changed.

        Returns the columns whose texts changed (all of them for new agents).
        """
        if len(self._texts) > 4 * len(agents) + 64:  # keep the texts of current figures only
            self._texts.clear()
        rows = [self._row(agent) for agent in agents]
        self._sort_rows(rows)
        old = self.rows
        names = [row.name for row in rows]
        if names == [row.name for row in old]:
            self.rows = rows
            return self._announce_changes(old, rows)
        if len(names) == len(old) and set(names) == {row.name for row in old}:
            self._reorder(rows)
        else:
            self.beginResetModel()
            self.rows = rows
            self.endResetModel()
        return set(range(len(self.COLUMNS)))

    def _row(self, agent: AgentFigures) -> AgentRow:
        seconds = agent.time_in_state_seconds
        level = self.limits.judge(agent.state, seconds)
        key = (agent.state, agent.state_reason, agent.calls_handled, agent.aht_seconds)
        texts = self._texts.get(key)
        if texts is None:  # only the time in state changes every second: the rest is kept
            texts = self._texts[key] = (
                self.state_name(agent.state),
                agent.state_reason or "",
                str(agent.calls_handled),
                fmt.duration(agent.aht_seconds),
            )
        state, reason, calls, aht = texts
        time_in_state = self._marks.get(level, "") + fmt.clock(seconds)
        cells = (agent.agent_id, state, reason, time_in_state, calls, aht)
        return AgentRow(
            agent.agent_id,
            agent.state,
            agent.state_reason,
            agent.time_in_state_seconds,
            agent.calls_handled,
            agent.aht_seconds,
            level,
            cells,
        )

    def _announce_changes(self, old: Sequence[AgentRow], new: Sequence[AgentRow]) -> set[int]:
        """dataChanged for what changed: runs of rows where one column did, else the row.

        Each second the time in state changes in every row: that is one run
        down one column. A row with more changes (a new state, a new level and
        so a new colour) is announced as one range across its changed columns.
        When many rows changed, one range covers them all: announcing each
        would cost more than the repaint it saves.
        """
        single: list[list[int]] = [[] for _ in self.COLUMNS]
        rows: list[tuple[int, int, int]] = []  # (row, first column, last column)
        for number, (before, after) in enumerate(zip(old, new, strict=True)):
            if before.cells == after.cells and before.level is after.level:
                continue
            if before.level is not after.level:
                changed = list(range(len(self.COLUMNS)))
            else:
                pairs = zip(before.cells, after.cells, strict=True)
                changed = [column for column, (was, now) in enumerate(pairs) if was != now]
            if len(changed) == 1:
                single[changed[0]].append(number)
            else:
                rows.append((number, changed[0], changed[-1]))
        ranges = [(first, column, last, column) for column, numbers in enumerate(single)
                  for first, last in _runs(numbers)]  # fmt: skip
        ranges += [(number, first, number, last) for number, first, last in rows]
        if len(ranges) > MANY_RANGES:
            ranges = [(min(r[0] for r in ranges), min(r[1] for r in ranges),
                       max(r[2] for r in ranges), max(r[3] for r in ranges))]  # fmt: skip
        for top, left, bottom, right in ranges:
            self.dataChanged.emit(self.index(top, left), self.index(bottom, right))
        return {column for _, left, _, right in ranges for column in range(left, right + 1)}

    def _reorder(self, rows: list[AgentRow]) -> None:
        """The same agents in a new order: a layout change that keeps indexes on their agent."""
        self.layoutAboutToBeChanged.emit()
        position = {row.name: number for number, row in enumerate(rows)}
        old = self.rows
        kept = self.persistentIndexList()
        moved = [self.index(position[old[index.row()].name], index.column()) for index in kept]
        self.rows = rows
        self.changePersistentIndexList(kept, moved)
        self.layoutChanged.emit()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by a column's raw values (the view calls this when a header is clicked)."""
        self.sort_column, self.sort_order = column, order
        rows = list(self.rows)
        self._sort_rows(rows)
        if [row.name for row in rows] != [row.name for row in self.rows]:
            self._reorder(rows)

    def _sort_rows(self, rows: list[AgentRow]) -> None:
        name = self.COLUMNS[self.sort_column]
        descending = self.sort_order == Qt.SortOrder.DescendingOrder
        rows.sort(key=lambda row: row.name.casefold())  # ties in name order
        rows.sort(key=lambda row: _sort_key(row, name), reverse=descending)

    def state_name(self, state: str | None) -> str:
        """The state as the grid writes it."""
        return "—" if state is None else self._states.get(state, state)

    def state_names(self) -> list[str]:
        """Every state as the grid writes it, in the current language."""
        return list(self._states.values())

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
        return row.cells[column]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        return self._value(self.rows[index.row()], index.column(), int(role))

    def _value(self, row: AgentRow, column: int, role: int) -> object:
        if role == _DISPLAY:
            return row.cells[column]
        if role in (_BACKGROUND, _FOREGROUND):
            colours = _HIGHLIGHTS.get(row.level)
            if colours is None:
                return None
            return colours[0] if role == _BACKGROUND else colours[1]
        if role == _ALIGNMENT and column >= self.NUMBERS:
            return _RIGHT
        return None


def _runs(numbers: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted row numbers as (first, last) runs of consecutive numbers."""
    runs: list[tuple[int, int]] = []
    for number in numbers:
        if runs and runs[-1][1] == number - 1:
            runs[-1] = (runs[-1][0], number)
        else:
            runs.append((number, number))
    return runs


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


class CellPainter(QStyledItemDelegate):
    """Paints the grid's cells: the level's colour, then the text, laid out once per text.

    Qt's own delegate lays every cell's text out anew on each paint, which made
    a repaint of the shown rows cost 2.5 times as much. Texts here are plain
    (never rich text) and never cut: the columns are as wide as their texts.
    """

    def __init__(self, model: AgentTableModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._laid_out: dict[str, QStaticText] = {}

    def forget(self) -> None:
        """Drop the laid-out texts (the font changed)."""
        self._laid_out.clear()

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        row = self.model.rows[index.row()]
        column = index.column()
        rect = option.rect
        highlight = _HIGHLIGHTS.get(row.level)
        if highlight is None:
            painter.setPen(option.palette.color(QPalette.ColorRole.Text))
        else:
            painter.fillRect(rect, highlight[0])
            painter.setPen(highlight[1].color())
        text = row.cells[column]
        laid_out = self._laid_out.get(text)
        if laid_out is None:
            if len(self._laid_out) > 2048:  # times in state: a new text every second
                self._laid_out.clear()
            laid_out = QStaticText(text)
            laid_out.setTextFormat(Qt.TextFormat.PlainText)
            laid_out.prepare(font=option.font)
            self._laid_out[text] = laid_out
        size = laid_out.size()
        if column >= AgentTableModel.NUMBERS:
            x = rect.right() + 1 - TEXT_MARGIN - size.width()
        else:
            x = rect.left() + TEXT_MARGIN
        painter.drawStaticText(QPointF(x, rect.top() + (rect.height() - size.height()) / 2),
                               laid_out)  # fmt: skip


# The narrowest a figure column gets, as texts it could show (digits count as zeros).
_AT_LEAST = {"time_in_state": "✖ 00:00", "calls": "00", "aht": "00:00"}


class AgentGrid(QTableView):
    """The sortable table of agents."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.agents = AgentTableModel(self)
        self.setModel(self.agents)
        self.cells = CellPainter(self.agents, self)
        self.setItemDelegate(self.cells)
        self.setSortingEnabled(True)
        self.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        palette = self.palette()
        for role, colour in ((QPalette.ColorRole.Base, GRID_COLOURS["base"]),
                             (QPalette.ColorRole.AlternateBase, GRID_COLOURS["alternate"]),
                             (QPalette.ColorRole.Text, GRID_COLOURS["text"]),
                             (QPalette.ColorRole.Window, GRID_COLOURS["base"]),  # scroll bar
                             (QPalette.ColorRole.Button, GRID_COLOURS["header"]),
                             (QPalette.ColorRole.ButtonText, GRID_COLOURS["text"])):  # fmt: skip
            palette.setColor(role, QColor(colour))
        self.setPalette(palette)
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # uniform: nothing to measure
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setMinimumSectionSize(20)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.sortIndicatorChanged.connect(self._sort_indicator_moved)
        self._titles: list[int] = []  # each title's width, with room for the sort indicator
        self._advances: dict[str, int] = {}
        self._content: dict[int, int] = {}  # column -> width of its widest text, as measured
        self._needed: list[int] = []
        self.set_font_size(20)

    def show_agents(self, agents: Sequence[AgentFigures]) -> None:
        """Show these agents, widening a column when a text needs it."""
        for column in self.agents.show_agents(agents):
            self._content.pop(column, None)
        # After a new order Qt lays the rows out again on a timer, and that repaints
        # the grid a second time: lay them out now, before the one paint.
        self.executeDelayedItemsLayout()
        self.fit_columns()

    def dataChanged(
        self,
        topLeft: _Index,  # noqa: N803 - Qt's names
        bottomRight: _Index,  # noqa: N803
        roles: Sequence[int] = (),
    ) -> None:
        """Repaint the changed cells that are on screen, and only those.

        Qt repaints the whole grid for a range longer than about a hundred rows,
        or one wholly off screen: the times in state change in every row each
        second, so the range is cut to the rows shown first. Rows scrolled into
        view later are painted from the model then.
        """
        first = self.rowAt(0)
        if first < 0:  # nothing shown yet
            super().dataChanged(topLeft, bottomRight, list(roles))
            return
        last = self.rowAt(self.viewport().height() - 1)
        if last < 0:
            last = self.agents.rowCount() - 1
        top, bottom = max(topLeft.row(), first), min(bottomRight.row(), last)
        if top > bottom:
            return
        super().dataChanged(
            self.agents.index(top, topLeft.column()),
            self.agents.index(bottom, bottomRight.column()),
            list(roles),
        )

    def set_font_size(self, pixels: int) -> None:
        """Row text and header size; rows grow to fit."""
        if pixels == self.font().pixelSize() and self._needed:
            return  # a resize that keeps the type size changes nothing here
        font = QFont(self.font())
        font.setPixelSize(pixels)
        self.setFont(font)
        # The header alone has a style sheet (on the table it would slow every
        # cell's paint); with one, the header's font must be in it too.
        self.horizontalHeader().setStyleSheet(
            f"QHeaderView {{ font-size: {pixels}px; font-weight: bold; }}"
            f"QHeaderView::section {{ background: {GRID_COLOURS['header']};"
            f" color: {GRID_COLOURS['text']}; border: none; padding: 4px; }}"
        )
        self.verticalHeader().setDefaultSectionSize(int(pixels * 1.7))
        self.cells.forget()
        self._advances.clear()
        self._content.clear()
        self._titles = []
        self._needed = []
        self.fit_columns()

    def _sort_indicator_moved(self) -> None:
        self._titles = []
        self.fit_columns()

    def needed_widths(self) -> list[int]:
        """Each column's width for its widest text (cells and title) in the current language."""
        metrics = QFontMetrics(self.font())
        padding = metrics.horizontalAdvance("0") + 2 * TEXT_MARGIN  # the margins, and some air
        header = self.horizontalHeader()
        if not self._titles:
            self._titles = [header.sectionSizeHint(c) for c in range(header.count())]
        widths = []
        for column, name in enumerate(AgentTableModel.COLUMNS):
            content = self._content.get(column)
            if content is None:  # its texts changed since it was measured
                texts = {row.cells[column].translate(_ZEROS) for row in self.agents.rows}
                if name == "state":
                    texts.update(self.agents.state_names())
                texts.add(_AT_LEAST.get(name, ""))
                content = max(self._advance(metrics, text) for text in texts)
                self._content[column] = content
            widths.append(max(content + padding, self._titles[column]))
        return widths

    def _advance(self, metrics: QFontMetrics, text: str) -> int:
        width = self._advances.get(text)
        if width is None:
            if len(self._advances) > 4096:  # names and reasons come and go over the days
                self._advances.clear()
            width = self._advances[text] = metrics.horizontalAdvance(text)
        return width

    def fit_columns(self) -> None:
        """Give each column what it needs and the name and reason columns what is left.

        The grid's minimum width is the sum of the needs, so the window's layout
        never squeezes a column below its text.
        """
        needed = self.needed_widths()
        if needed != self._needed:
            self._needed = needed
            chrome = 2 * self.frameWidth() + self.verticalScrollBar().sizeHint().width()
            self.setMinimumWidth(sum(needed) + chrome)
        spare = max(0, self.viewport().width() - sum(needed))
        widths = list(needed)
        name, reason = (AgentTableModel.COLUMNS.index(key) for key in ("name", "reason"))
        widths[name] += spare - spare // 2
        widths[reason] += spare // 2
        header = self.horizontalHeader()
        for column, width in enumerate(widths):
            if header.sectionSize(column) != width:
                header.resizeSection(column, width)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Spread the new width over the name and reason columns."""
        super().resizeEvent(event)
        self.fit_columns()

    def shown_rows(self) -> list[list[str]]:
        """The cells as shown, in the order shown (for the CSV export)."""
        return [list(row.cells) for row in self.agents.rows]

    def headers(self) -> list[str]:
        """The column titles."""
        return [
            str(self.agents.headerData(column, Qt.Orientation.Horizontal))
            for column in range(len(AgentTableModel.COLUMNS))
        ]
