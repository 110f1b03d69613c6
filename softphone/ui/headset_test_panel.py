"""The "Test my headset" button of the settings dialog, and what to do at each step.

The engine plays a tone, records the microphone for 3 seconds and plays the
recording back (`SipEngine.start_headset_test`); this panel starts and stops
it and tells the agent, in plain words, what they should hear or do. It
tests the devices chosen in the dialog: the headset switches to them for the
test, and `finish()` (the dialog closing, saved or not) puts back the ones
in use before, so that only Save changes the headset for good. The test is
off during a call, and a call that starts stops it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QProgressBar, QPushButton, QWidget

from softphone.phone import Phone
from softphone.sip import EngineError, HeadsetTestProgress
from softphone.ui.qt_engine import QtSipEngine
from softphone.ui.widgets import named, plain_label

log = logging.getLogger(__name__)

METER_MS = 100  # the microphone meter moves ten times a second while the test records


class HeadsetTestPanel(QWidget):
    """A button that runs the headset test, and a line saying what is happening."""

    def __init__(
        self,
        phone: Phone,
        qt_engine: QtSipEngine,
        chosen_devices: Callable[[], tuple[str, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.phone = phone
        self._chosen_devices = chosen_devices
        profile = phone.profile
        self._saved_devices = (profile.capture_device, profile.playback_device)
        self._devices = self._saved_devices  # what the headset uses now
        self.running = False
        self.button = QPushButton()
        self.button.clicked.connect(self.toggle)
        # As wide as its wider text, so the words beside it stay put when it changes.
        widths = []
        for text in (self.tr("Test my &headset"), self.tr("Stop the &headset test")):
            self.button.setText(text)
            widths.append(self.button.sizeHint().width())
        self.button.setMinimumWidth(max(widths))
        self.status = plain_label(name=self.tr("Headset test status"))
        # While it records, the microphone's level moves here: the agent sees it hears them.
        self.meter = QProgressBar()
        self.meter.setRange(0, 100)
        self.meter.setTextVisible(False)
        self.meter.setMaximumHeight(10)
        self.meter.setAccessibleName(self.tr("Microphone level during the test"))
        self.meter.setVisible(False)
        self.meter_timer = QTimer(self)
        self.meter_timer.setInterval(METER_MS)
        self.meter_timer.timeout.connect(self._show_level)
        self.loudest = 0  # the meter's highest value in this recording, for tests and logs
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.button, 0, 0)
        layout.addWidget(self.status, 0, 1)
        layout.addWidget(self.meter, 1, 1)
        layout.setColumnStretch(1, 1)
        qt_engine.headset_test_progress.connect(self.show_progress)
        qt_engine.call_state_changed.connect(self._calls_changed)
        qt_engine.incoming_call.connect(self._calls_changed)
        self._show_idle()
        self._calls_changed()

    def toggle(self) -> None:
        """Start the test on the chosen devices, or stop the one running."""
        if self.running:
            self.phone.cancel_headset_test()
            return
        chosen = self._chosen_devices()
        try:
            if chosen != self._devices:
                self.phone.engine.switch_audio_devices(*chosen)
                self._devices = chosen
            self.phone.test_headset()
        except EngineError as exc:
            self._say(str(exc))
            return
        self.running = True
        self.button.setText(self.tr("Stop the &headset test"))
        named(self.button, self.tr("Stop the headset test"))
        self._say(self.tr("Starting the test…"))

    def show_progress(self, event: HeadsetTestProgress) -> None:
        """Say what the agent should hear or do now."""
        texts = {
            "tone": self.tr("Playing a tone: you should hear it in your earphones."),
            "recording": self.tr("Speak now: recording 3 seconds…"),
            "playing_back": self.tr("Playing back what we recorded: you should hear your voice."),
        }
        self._meter_on(event.phase == "recording")
        if event.phase in texts:
            self._say(texts[event.phase])
            return
        if event.phase == "done" and event.microphone_silent:
            text = self.tr(
                "We heard nothing from your microphone; check it is plugged in and not muted."
            )
        elif event.phase == "done":
            text = self.tr("Done. Did you hear yourself?")
        elif event.phase == "failed":
            text = self.tr("The test did not work: %s") % event.detail
        elif self.phone.engine.call_ids():
            text = self.tr("Test stopped: a call started.")
        else:
            text = self.tr("Test stopped.")
        self._say(text)
        self.running = False
        self._show_idle(keep_status=True)

    def finish(self) -> None:
        """The dialog closes: stop a running test, give the headset back its devices."""
        self._meter_on(False)
        if self.running:
            self.phone.cancel_headset_test()
        if self._devices != self._saved_devices:
            try:
                self.phone.engine.switch_audio_devices(*self._saved_devices)
            except EngineError as exc:
                log.warning("The headset did not go back to its devices: %s", exc)
            self._devices = self._saved_devices

    def _meter_on(self, on: bool) -> None:
        self.meter.setVisible(on)
        if on:
            self.loudest = 0
            self.meter.setValue(0)
            self.meter_timer.start()
        else:
            self.meter_timer.stop()

    def _show_level(self) -> None:
        level = round(self.phone.engine.audio_levels()[0] * 100)
        self.meter.setValue(level)
        self.loudest = max(self.loudest, level)

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self._fit_status()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Keep the status readable at the new width."""
        super().resizeEvent(event)
        self._fit_status()

    def _fit_status(self) -> None:
        # A form inside a tab does not pass a wrapped label's height on to the
        # dialog, so the label asks for it as its minimum height: a message
        # that wraps is never cut, and two lines are kept for the usual ones.
        two_lines = 2 * self.status.fontMetrics().lineSpacing()
        width = self.status.width()
        needed = self.status.heightForWidth(width) if width > 0 else 0
        self.status.setMinimumHeight(max(two_lines, needed))

    def _show_idle(self, *, keep_status: bool = False) -> None:
        self.button.setText(self.tr("Test my &headset"))
        named(
            self.button,
            self.tr("Test my headset"),
            self.tr("A tone, then 3 seconds of your voice recorded and played back"),
        )
        if not keep_status:
            self._say(self.tr("A tone, then 3 seconds of your voice played back."))

    def _calls_changed(self, _event: object = None) -> None:
        in_call = bool(self.phone.engine.call_ids())
        was_off = not self.button.isEnabled()
        self.button.setEnabled(not in_call)
        if in_call and not self.running:
            self._say(self.tr("The headset can be tested when no call is up."))
        elif was_off and not in_call:
            self._show_idle()
