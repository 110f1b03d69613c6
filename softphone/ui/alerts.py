"""What tells the agent a call is ringing when the window is hidden: tray icon, notice, ring.

The tray icon's tooltip shows the registration and the agent's state;
clicking it brings the window forward. When the agent session starts ringing,
a desktop notification names the caller and the queue (plain text), and the
ringtone plays on the ringer device until the call is answered, refused or
gone. `show_message()` is the one seam for the notification, and `player` the
one for the sound, so tests patch them without a desktop or a sound card.
"""

from __future__ import annotations

import logging
from typing import Protocol

from PySide6.QtCore import QObject
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QSystemTrayIcon, QWidget

from softphone.agent import AgentSession, AgentState, StateChanged
from softphone.audio.ringtone import Ringtone
from softphone.phone import QUEUE_HEADER
from softphone.profile import resources_dir
from softphone.sip import IncomingCall, RegistrationChanged
from softphone.sip.headers import plain_text
from softphone.ui.agent_state import state_name
from softphone.ui.qt_engine import QtSipEngine
from softphone.ui.status_line import registration_text
from softphone.ui.widgets import party_name

log = logging.getLogger(__name__)

NOTICE_MS = 10_000


class Player(Protocol):
    """Something that rings: `Ringtone`, or a fake in tests."""

    def start(self) -> None:
        """Start ringing."""

    def stop(self) -> None:
        """Stop ringing."""


def app_icon() -> QIcon:
    """The softphone's icon (a handset), drawn for Callboard in resources/icons/."""
    return QIcon(str(resources_dir() / "icons" / "softphone.svg"))


class CallAlerts(QObject):
    """The tray icon, the incoming-call notification and the ringtone, for one window."""

    def __init__(
        self,
        window: QWidget,
        qt_engine: QtSipEngine,
        session: AgentSession,
        player: Player,
        *,
        show_tray: bool = True,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.session = session
        self.player = player
        self.registration = self.tr("no SIP account")
        self._last_call: IncomingCall | None = None
        self._rung_for = ""  # the SIP Call-ID already announced
        self.tray = QSystemTrayIcon(app_icon(), self)
        self.tray.activated.connect(self.bring_forward)
        if show_tray and QSystemTrayIcon.isSystemTrayAvailable():
            self.tray.show()
        qt_engine.registration_changed.connect(self._registration_changed)
        qt_engine.incoming_call.connect(self._incoming_call)
        self._remove_listener = session.add_listener(self._state_changed)
        self.update_tooltip()

    def bring_forward(self, _reason: object = None) -> None:
        """Show the window in front of the others (the tray icon was clicked)."""
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()

    def show_message(self, title: str, text: str) -> None:
        """The desktop notification (the one seam tests patch)."""
        if self.tray.isVisible() and QSystemTrayIcon.supportsMessages():
            self.tray.showMessage(title, text, app_icon(), NOTICE_MS)

    def update_tooltip(self) -> None:
        """Registration and agent state, for a glance at the tray."""
        self.tray.setToolTip(
            self.tr("Callboard softphone\nPhone: %s\nAgent: %s")
            % (self.registration, state_name(self.session.state))
        )

    def close(self) -> None:
        """Stop ringing and take the icon out of the tray."""
        self.player.stop()
        self._remove_listener()
        self.tray.hide()

    def _registration_changed(self, event: RegistrationChanged) -> None:
        self.registration = registration_text(event)
        self.update_tooltip()

    def _incoming_call(self, event: IncomingCall) -> None:
        self._last_call = event
        self._ring_if_due()

    def _state_changed(self, change: StateChanged) -> None:
        self.update_tooltip()
        if change.state is AgentState.RINGING:
            self._ring_if_due()
        elif change.previous is AgentState.RINGING:
            self.player.stop()

    def _ring_if_due(self) -> None:
        """Announce the call the session rings with, once (the session decides first)."""
        call = self._last_call
        session = self.session
        if call is None or session.state is not AgentState.RINGING:
            return
        if session.call_id != call.sip_call_id or self._rung_for == call.sip_call_id:
            return
        self._rung_for = call.sip_call_id
        queue = call.headers.get(QUEUE_HEADER) or ""
        text = self.tr("From %s") % party_name(call.remote_uri)
        if queue:
            text += "\n" + self.tr("Queue: %s") % plain_text(queue, 120)
        self.show_message(self.tr("Incoming call"), text)
        self.player.start()


def ringtone_for(device: str) -> Ringtone:
    """The real ringtone on the profile's ringer device."""
    return Ringtone(device)
