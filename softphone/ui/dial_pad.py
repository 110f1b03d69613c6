"""The number field and dial pad; the same keypad sends DTMF during a call."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from softphone.sip import InvalidTarget, normalize_target
from softphone.ui.widgets import named, plain_label

KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#")


class Keypad(QWidget):
    """Twelve telephone keys; `digit_pressed` says which one."""

    digit_pressed = Signal(str)

    def __init__(self, purpose: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.buttons: dict[str, QPushButton] = {}
        for index, key in enumerate(KEYS):
            button = QPushButton(key)
            named(button, f"{purpose} {key}")
            button.setMinimumHeight(32)
            button.clicked.connect(lambda _checked=False, k=key: self.digit_pressed.emit(k))
            layout.addWidget(button, index // 3, index % 3)
            self.buttons[key] = button


class DialPanel(QWidget):
    """A number field that takes typed or pasted numbers, tel: and sip: URIs, and a Dial button.

    `dial_requested` carries the SIP URI to call, once `normalize_target`
    accepted the input; otherwise the reason is shown under the field.
    """

    dial_requested = Signal(str)

    def __init__(self, domain: Callable[[], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._domain = domain
        self.number = QLineEdit()
        self.number.setPlaceholderText(self.tr("Number, tel: or sip: address"))
        self.number.setClearButtonEnabled(True)
        named(
            self.number,
            self.tr("Number to dial"),
            self.tr("Paste numbers with spaces or dashes, tel:+1555… or sip:1002@pbx"),
        )
        self.error = plain_label(name=self.tr("Dialling problem"))
        self.error.setStyleSheet("color: #b00020;")
        self.error.setVisible(False)
        self.number.returnPressed.connect(self.dial)
        self.number.textEdited.connect(lambda _text: self.error.setVisible(False))
        self.dial_button = QPushButton(self.tr("&Dial"))
        named(self.dial_button, self.tr("Dial"), self.tr("Call the number in the field"))
        self.dial_button.clicked.connect(self.dial)
        self.keypad = Keypad(self.tr("Dial pad key"))
        self.keypad.digit_pressed.connect(self._append)
        caption = QLabel(self.tr("&Number:"))
        caption.setBuddy(self.number)

        row = QHBoxLayout()
        row.addWidget(caption)
        row.addWidget(self.number, 1)
        row.addWidget(self.dial_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(self.keypad)
        layout.addStretch(1)

    def set_target(self, text: str) -> None:
        """Put a number in the field (a call back from history, a command line)."""
        self.number.setText(text)
        self.error.setVisible(False)

    def dial(self) -> None:
        """Check the field and ask for the call, or show why it cannot be dialled."""
        try:
            uri = normalize_target(self.number.text(), self._domain())
        except InvalidTarget as exc:
            self.show_problem(str(exc))
            return
        self.error.setVisible(False)
        self.dial_requested.emit(uri)

    def show_problem(self, text: str) -> None:
        """Show why the last dial did not go out."""
        self.error.setText(text)
        self.error.setVisible(True)

    def _append(self, key: str) -> None:
        self.number.insert(key)
        self.number.setFocus()
