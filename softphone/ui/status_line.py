"""The two lines an agent glances at: is the phone registered, and are facts being saved."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from softphone.sip import RegistrationChanged, RegistrationStatus
from softphone.ui.widgets import plain_label
from supervisor.store import StoreHealth

_COLOURS = {
    RegistrationStatus.REGISTERED: "#1b7f3b",
    RegistrationStatus.REGISTERING: "#8a6d00",
    RegistrationStatus.UNREGISTERED: "#555555",
    RegistrationStatus.FAILED: "#b00020",
}


class StatusLine(QWidget):
    """Registration status (with the reason on failure) and the store's health."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.registration = plain_label(
            self.tr("Phone: no SIP account (open Settings)"), name=self.tr("Registration status")
        )
        self.store = plain_label("", name=self.tr("Store status"))
        self.store.setVisible(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.registration, 1)
        layout.addWidget(self.store, 1)

    def show_registration(self, event: RegistrationChanged) -> None:
        """Show the account's registration as the engine reported it."""
        self.registration.setText(self.tr("Phone: %s") % registration_text(event))
        _colour(self.registration, _COLOURS[event.status])

    def show_no_account(self) -> None:
        """Say that there is no account to register yet."""
        self.registration.setText(self.tr("Phone: no SIP account (open Settings)"))
        _colour(self.registration, _COLOURS[RegistrationStatus.UNREGISTERED])

    def show_store_health(self, health: StoreHealth) -> None:
        """Say so while facts cannot reach the store; hidden while all is well."""
        if health.ok:
            self.store.setVisible(False)
            return
        self.store.setText(
            self.tr("History not saved: %s (%d fact(s) kept in memory, retrying)")
            % (health.reason, health.pending_facts)
        )
        _colour(self.store, "#b00020")
        self.store.setVisible(True)


def registration_text(event: RegistrationChanged) -> str:
    """The engine's `event.message`, in the window's language."""
    status, code, reason = event.status, event.code, event.reason
    if status is RegistrationStatus.REGISTERED:
        return QCoreApplication.translate("StatusLine", "Registered (%d %s)") % (code, reason)
    if status is RegistrationStatus.REGISTERING:
        return QCoreApplication.translate("StatusLine", "Registering…")
    if status is RegistrationStatus.UNREGISTERED:
        return QCoreApplication.translate("StatusLine", "Not registered")
    failed = QCoreApplication.translate("StatusLine", "Registration failed: %d %s")
    text = (failed % (code, reason)).rstrip()
    if event.retry_in is not None:
        retry = QCoreApplication.translate("StatusLine", "; retrying in %d s")
        text += retry % round(event.retry_in)
    return text


def _colour(label: QLabel, colour: str) -> None:
    label.setStyleSheet(f"color: {colour}; font-weight: bold;")
