"""The agent's recent calls from the store, with their wrap-ups; a row can be called back."""

from __future__ import annotations

import logging
import time
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from softphone.profile import Profile
from softphone.sip.headers import plain_text
from softphone.ui.translations import QT_TRANSLATE_NOOP, choice_label
from softphone.ui.widgets import format_duration, named, party_name, plain_label
from supervisor.store import CallRecord, FinalWrapUp, StoreError, open_store

log = logging.getLogger(__name__)

HISTORY_DAYS = 7
MAX_ROWS = 200
# How a call or its wrap-up ended, as the store names it, in the agent's words.
_ENDINGS = {
    "caller_hung_up": QT_TRANSLATE_NOOP("HistoryPanel", "caller hung up"),
    "agent_hung_up": QT_TRANSLATE_NOOP("HistoryPanel", "agent hung up"),
    "transferred": QT_TRANSLATE_NOOP("HistoryPanel", "transferred"),
    "declined": QT_TRANSLATE_NOOP("HistoryPanel", "declined"),
    "cancelled": QT_TRANSLATE_NOOP("HistoryPanel", "cancelled"),
    "no_answer": QT_TRANSLATE_NOOP("HistoryPanel", "no answer"),
    "busy": QT_TRANSLATE_NOOP("HistoryPanel", "busy"),
    "failed": QT_TRANSLATE_NOOP("HistoryPanel", "failed"),
    "submitted": QT_TRANSLATE_NOOP("HistoryPanel", "submitted"),
    "skipped": QT_TRANSLATE_NOOP("HistoryPanel", "skipped"),
    "timed_out": QT_TRANSLATE_NOOP("HistoryPanel", "timed out"),
}


class HistoryPanel(QWidget):
    """Recent calls: time, party, duration, disposition, notes. Call back from a row."""

    call_back = Signal(str)  # the remote party to dial

    def __init__(
        self, store_path: Path, agent_id: str, profile: Profile, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._store_path = store_path
        self._agent_id = agent_id
        self._profile = profile
        self.table = QTableWidget(0, 5)
        named(self.table, self.tr("Call history"))
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Time"),
                self.tr("Party"),
                self.tr("Duration"),
                self.tr("Disposition"),
                self.tr("Notes"),
            ]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        for column in range(4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _index: self.call_back_selected())
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.call_back_button = QPushButton(self.tr("Call &back"))
        named(
            self.call_back_button,
            self.tr("Call back"),
            self.tr("Dial the party of the selected call"),
        )
        self.call_back_button.setEnabled(False)
        self.call_back_button.clicked.connect(self.call_back_selected)
        self.problem = plain_label(name=self.tr("History problem"))
        self.problem.setVisible(False)
        title = plain_label(self.tr("Recent calls"), wrap=False)
        title.setStyleSheet("font-weight: bold;")
        top = QHBoxLayout()
        top.addWidget(title, 1)
        top.addWidget(self.call_back_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.problem)
        layout.addWidget(self.table, 1)

    def reload(self) -> None:
        """Read the last days' calls and wrap-ups (a quick indexed read of the local store)."""
        since = time.time() - HISTORY_DAYS * 86400
        try:
            with open_store(self._store_path) as store:
                calls = store.calls(agent_id=self._agent_id, since=since)
                wrap_ups = {
                    w.call_id: w for w in store.wrap_ups(agent_id=self._agent_id, since=since)
                }
        except StoreError as exc:
            log.warning("Call history unavailable: %s", exc)
            self.problem.setText(self.tr("History unavailable: %s") % exc)
            self.problem.setVisible(True)
            return
        self.problem.setVisible(False)
        rows = list(reversed(calls))[:MAX_ROWS]
        self.table.setRowCount(len(rows))
        for row, call in enumerate(rows):
            self._fill(row, call, wrap_ups.get(call.call_id))

    def call_back_selected(self) -> None:
        """Dial the party of the selected row."""
        items = self.table.selectedItems()
        cell = self.table.item(items[0].row(), 1) if items else None
        if cell is not None:
            party = cell.data(Qt.ItemDataRole.UserRole)
            if party:
                self.call_back.emit(party)

    def recent_parties(self, limit: int = 10) -> list[str]:
        """Distinct parties of the listed calls, newest first: quick transfer targets."""
        parties: list[str] = []
        for row in range(self.table.rowCount()):
            cell = self.table.item(row, 1)
            party = cell.data(Qt.ItemDataRole.UserRole) if cell is not None else None
            if party and party not in parties:
                parties.append(str(party))
        return parties[:limit]

    def _fill(self, row: int, call: CallRecord, wrap_up: FinalWrapUp | None) -> None:
        when = datetime.fromtimestamp(call.ringing_at).strftime("%Y-%m-%d %H:%M")
        talk = None
        if call.answered_at is not None and call.ended_at is not None:
            talk = call.ended_at - call.answered_at
        duration = format_duration(talk) if talk is not None else self._unanswered(call)
        disposition = ""
        notes = ""
        if wrap_up is not None:
            choice = self._profile.disposition(wrap_up.disposition or "")
            disposition = choice_label(choice.label) if choice else (wrap_up.disposition or "")
            if not disposition:
                disposition = self._ending(wrap_up.outcome)
            notes = wrap_up.notes.replace("\n", " ")
        arrow = "\u2199 " if call.direction == "inbound" else "\u2197 "
        remote = call.remote_party or ""
        values = (when, arrow + party_name(remote), duration, disposition, plain_text(notes, 300))
        for column, value in enumerate(values):
            item = QTableWidgetItem(value)  # table items never interpret HTML
            if column == 1:
                item.setData(Qt.ItemDataRole.UserRole, _dialable(remote))
                item.setToolTip(plain_text(remote, 300))
            self.table.setItem(row, column, item)

    def _unanswered(self, call: CallRecord) -> str:
        if call.ended_at is None:
            return self.tr("in progress")
        return self._ending(call.end_reason or "")

    def _ending(self, code: str) -> str:
        return self.tr(_ENDINGS[code]) if code in _ENDINGS else code.replace("_", " ")

    def _selection_changed(self) -> None:
        self.call_back_button.setEnabled(bool(self.table.selectedItems()))


def _dialable(remote: str) -> str:
    """The SIP URI inside a From/To value, without display name and tags."""
    text = remote.strip()
    if "<" in text:
        text = text.split("<", 1)[1].split(">", 1)[0]
    return text.split(";tag=", 1)[0]
