"""The agent's state: what it is, for how long, and the selector to change it."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QHBoxLayout, QLabel, QWidget

from softphone.agent import AgentError, AgentSession, AgentState, StateChanged
from softphone.ui.translations import QT_TRANSLATE_NOOP, choice_label
from softphone.ui.widgets import format_duration, named, plain_label

_AVAILABLE = "available"
_COLOURS = {
    AgentState.AVAILABLE: "#1b7f3b",
    AgentState.NOT_READY: "#b00020",
    AgentState.RINGING: "#8a6d00",
    AgentState.ON_CALL: "#0b5cad",
    AgentState.WRAP_UP: "#6a3d9a",
    AgentState.LOGGED_OUT: "#555555",
}
_LABELS = {
    AgentState.LOGGED_OUT: QT_TRANSLATE_NOOP("AgentStatePanel", "Logged out"),
    AgentState.AVAILABLE: QT_TRANSLATE_NOOP("AgentStatePanel", "Available"),
    AgentState.NOT_READY: QT_TRANSLATE_NOOP("AgentStatePanel", "Not Ready"),
    AgentState.RINGING: QT_TRANSLATE_NOOP("AgentStatePanel", "Ringing"),
    AgentState.ON_CALL: QT_TRANSLATE_NOOP("AgentStatePanel", "On call"),
    AgentState.WRAP_UP: QT_TRANSLATE_NOOP("AgentStatePanel", "Wrap-up"),
}
# Reasons the softphone gives by itself, beside the profile's.
_REASONS = {
    "logged_in": QT_TRANSLATE_NOOP("AgentStatePanel", "logged in"),
    "resumed_after_restart": QT_TRANSLATE_NOOP("AgentStatePanel", "resumed after restart"),
}


class AgentStatePanel(QWidget):
    """Shows the agent's state and time in it; the selector sets Available or Not Ready."""

    problem = Signal(str)  # the session refused a change: the reason, for the agent

    def __init__(
        self,
        session: AgentSession,
        clock: Callable[[], float] = time.time,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self._clock = clock
        self._entered_at = clock()
        self.state_label = plain_label(name=self.tr("Agent state"), wrap=False)
        self.time_label = plain_label(name=self.tr("Time in state"), wrap=False)
        self.next_label = plain_label(name=self.tr("State after this call"))
        self.selector = QComboBox()
        named(
            self.selector,
            self.tr("Set agent state"),
            self.tr("Available takes queue calls; Not Ready refuses them (480)"),
        )
        self.selector.addItem(self.tr("Available"), _AVAILABLE)
        for choice in session.profile.not_ready_reasons:
            text = self.tr("Not Ready: %s") % choice_label(choice.label)
            self.selector.addItem(text, choice.code)
        self.selector.activated.connect(self._chosen)
        caption = QLabel(self.tr("Set s&tate:"))
        caption.setBuddy(self.selector)

        heading = QHBoxLayout()
        heading.addWidget(self.state_label)
        heading.addWidget(self.time_label, 1)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(heading, 0, 0, 1, 2)
        layout.addWidget(caption, 1, 0)
        layout.addWidget(self.selector, 1, 1)
        layout.addWidget(self.next_label, 2, 0, 1, 2)
        layout.setColumnStretch(1, 1)
        session.add_listener(self.state_changed)
        self.refresh()

    def state_changed(self, change: StateChanged) -> None:
        """Session listener: a transition happened."""
        self._entered_at = change.at
        self.refresh()

    def refresh(self) -> None:
        """Show the session's current state, reason and time in state."""
        session = self.session
        state = session.state
        text = state_name(state)
        if state is AgentState.NOT_READY and session.reason:
            choice = session.profile.not_ready_reason(session.reason)
            text += f" ({choice_label(choice.label) if choice else _reason(session.reason)})"
        if self.state_label.text() != text:
            self.state_label.setText(text)
            self.state_label.setStyleSheet(
                f"color: {_COLOURS[state]}; font-weight: bold; font-size: 14pt;"
            )
        self.time_label.setText(
            self.tr("for %s") % format_duration(self._clock() - self._entered_at)
        )
        self._show_selection()

    def _show_selection(self) -> None:
        session = self.session
        busy = session.state in (AgentState.RINGING, AgentState.ON_CALL, AgentState.WRAP_UP)
        state, reason = session.after_call if busy else (session.state, session.reason)
        wanted = _AVAILABLE if state is AgentState.AVAILABLE else reason
        index = self.selector.findData(wanted)
        if index < 0:  # a reason of the system's own, such as "logged in": not a choice
            self.selector.setPlaceholderText(_describe(state, reason))
        self.selector.setCurrentIndex(index)
        if busy:
            label = self.selector.itemText(index) if index >= 0 else _describe(state, reason)
            self.next_label.setText(self.tr("After this call: %s") % label)
        self.next_label.setVisible(busy)
        self.selector.setEnabled(session.state is not AgentState.LOGGED_OUT)

    def _chosen(self, index: int) -> None:
        code = self.selector.itemData(index)
        try:
            if code == _AVAILABLE:
                if self.session.state is not AgentState.AVAILABLE:
                    self.session.set_available()
            elif not (self.session.state is AgentState.NOT_READY and self.session.reason == code):
                self.session.set_not_ready(code)
        except AgentError as exc:
            self.problem.emit(str(exc))
        self.refresh()


def state_name(state: AgentState) -> str:
    """The agent state in the window's language: "Not Ready", "Wrap-up"."""
    return QCoreApplication.translate("AgentStatePanel", _LABELS[state])


def _reason(code: str) -> str:
    text = _REASONS.get(code)
    return QCoreApplication.translate("AgentStatePanel", text) if text else code.replace("_", " ")


def _describe(state: AgentState, reason: str | None) -> str:
    """A state with a reason the profile does not list, such as Not Ready (logged in)."""
    return f"{state_name(state)} ({_reason(reason)})" if reason else state_name(state)
