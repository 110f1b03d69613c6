"""The bar that tells the agent the headset went away, and offers it back when it returns.

A pulled USB headset must not go unnoticed: the call carries on on the
default devices (the laptop's speakers and microphone, often), so the bar
says so in words, in the window's own colours for a warning, and stays until
the agent dismisses it or the headset is back. When it returns the bar
offers to switch back with one click; the agent decides, since a headset
plugged in mid-call is not always meant for this call.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from softphone.sip import AudioDeviceReturned, AudioDevicesChanged
from softphone.ui.widgets import named


class HeadsetNotice(QFrame):
    """A warning line with "Switch back" and "Dismiss"; hidden until the headset goes."""

    def __init__(
        self, switch_back: Callable[[str, str], None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._switch_back = switch_back
        self._returned: AudioDeviceReturned | None = None
        self.setObjectName("headsetNotice")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(self.backgroundRole(), QColor("#ffe08a"))  # amber: look here
        palette.setColor(self.foregroundRole(), QColor("#000000"))
        self.setPalette(palette)
        self.text = QLabel()
        self.text.setTextFormat(Qt.TextFormat.PlainText)  # device names come from the system
        self.text.setWordWrap(True)
        self.switch_button = QPushButton(self.tr("&Switch back"))
        named(self.switch_button, self.tr("Switch back to the headset"))
        self.switch_button.clicked.connect(self._switch)
        self.dismiss_button = QPushButton(self.tr("Dismiss"))
        named(self.dismiss_button, self.tr("Dismiss the headset notice"))
        self.dismiss_button.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.switch_button)
        layout.addWidget(self.dismiss_button)
        self.hide()

    def show_lost(self, event: AudioDevicesChanged) -> None:
        """The headset went away (`event.lost`): say what the calls use now."""
        if not event.lost:
            self.hide()  # the agent switched devices: nothing to warn about
            return
        self._returned = None
        self.text.setText(
            self.tr(
                "Your headset ({0}) is gone. Calls now use the computer's default "
                "microphone and speakers."
            ).format(event.lost)
        )
        self.switch_button.hide()
        self.show()

    def offer_return(self, event: AudioDeviceReturned) -> None:
        """The headset is back: offer to switch to it."""
        self._returned = event
        names = " / ".join(dict.fromkeys(name for name in (event.capture, event.playback) if name))
        self.text.setText(self.tr("Your headset ({0}) is back.").format(names))
        self.switch_button.show()
        self.show()

    def _switch(self) -> None:
        event, self._returned = self._returned, None
        self.hide()
        if event is not None:
            self._switch_back(event.capture, event.playback)
