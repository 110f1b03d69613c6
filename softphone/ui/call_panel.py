"""The call the agent is ringing with or talking on: who, which queue, what the IVR learnt."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from softphone.sip.headers import plain_text
from softphone.ui.dial_pad import Keypad
from softphone.ui.volume import VolumeSlider
from softphone.ui.widgets import format_duration, named, party_name, plain_label


@dataclass
class CallInfo:
    """What the window knows of one call, by the engine's call id."""

    call_id: int
    sip_call_id: str
    remote: str
    queue: str | None = None
    context: tuple[tuple[str, str], ...] = ()
    connected_at: float | None = None  # monotonic seconds, once answered
    state_text: str = ""
    held: bool = False
    remote_hold: bool = False
    muted: bool = False


class ContextView(QGroupBox):
    """The caller context from the IVR, one row per header, shown as plain text only."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Caller context"), parent)
        self._form = QFormLayout(self)
        self._form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.values: dict[str, QLabel] = {}
        self.show_context(())

    def show_context(self, items: tuple[tuple[str, str], ...]) -> None:
        """Replace the rows; a header value holding HTML shows as the literal text."""
        while self._form.rowCount():
            self._form.removeRow(0)
        self.values = {}
        if not items:
            self._form.addRow(plain_label(self.tr("None sent with this call.")))
            return
        for name, value in items:
            label = plain_label(plain_text(value), name=plain_text(name, 80))
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setObjectName(f"context:{name}")
            self._form.addRow(plain_label(plain_text(name, 80) + ":", wrap=False), label)
            self.values[name] = label


class _Heading(QWidget):
    """Remote party and queue in large type."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.caption = plain_label(wrap=False)
        self.caption.setStyleSheet("font-weight: bold;")
        self.party = plain_label(name=self.tr("Caller"))
        self.party.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.queue = plain_label(name=self.tr("Queue"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.party)
        layout.addWidget(self.queue)

    def show_call(self, info: CallInfo) -> None:
        self.party.setText(party_name(info.remote))
        self.party.setToolTip(plain_text(info.remote, 300))
        if info.queue:
            self.queue.setText(self.tr("Queue: %s") % plain_text(info.queue, 120))
        else:
            self.queue.setText(self.tr("Direct call (no queue)"))


class RingingPanel(QWidget):
    """An incoming call: caller id, queue and IVR context, Answer and Reject."""

    answer_clicked = Signal()
    reject_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = _Heading()
        self.heading.caption.setText(self.tr("Incoming call"))
        self.context = ContextView()
        self.auto_answer = plain_label(name=self.tr("Auto-answer"))
        self.answer_button = QPushButton(self.tr("&Answer"))
        named(self.answer_button, self.tr("Answer"), self.tr("Answer the call"))
        self.answer_button.setStyleSheet("background: #1b7f3b; color: white; padding: 6px;")
        self.answer_button.clicked.connect(self.answer_clicked)
        self.reject_button = QPushButton(self.tr("&Reject"))
        named(self.reject_button, self.tr("Reject"), self.tr("Refuse the call"))
        self.reject_button.clicked.connect(self.reject_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.answer_button, 1)
        buttons.addWidget(self.reject_button, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.auto_answer)
        layout.addLayout(buttons)
        layout.addWidget(self.context)
        layout.addStretch(1)

    def show_call(self, info: CallInfo, auto_answer_in: float | None) -> None:
        """Show the ringing call; `auto_answer_in` seconds when the profile answers by itself."""
        self.heading.show_call(info)
        self.context.show_context(info.context)
        self.show_auto_answer(auto_answer_in)

    def show_auto_answer(self, seconds: float | None) -> None:
        """The auto-answer countdown, hidden when the agent answers by hand."""
        self.auto_answer.setVisible(seconds is not None)
        if seconds is not None:
            self.auto_answer.setText(self.tr("Answering automatically in %d s") % round(seconds))


class CallPanel(QWidget):
    """The call in progress: party, queue, context, timer, hold, mute, keypad, hang up."""

    hold_toggled = Signal(bool)
    mute_toggled = Signal(bool)
    dtmf_pressed = Signal(str)
    hangup_clicked = Signal()
    transfer_clicked = Signal()
    complete_clicked = Signal()
    swap_clicked = Signal()
    cancel_consult_clicked = Signal()
    volumes_changed = Signal(int, int)  # (microphone, earphones) in per cent, as the agent set

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = _Heading()
        self.status = plain_label(name=self.tr("Call status"), wrap=False)
        self.timer = plain_label(name=self.tr("Call duration"), wrap=False)
        self.timer.setStyleSheet("font-size: 14pt;")
        self.hold_button = QPushButton(self.tr("&Hold"))
        self.hold_button.setCheckable(True)
        named(self.hold_button, self.tr("Hold"), self.tr("Put the caller on hold, or resume"))
        self.hold_button.toggled.connect(self.hold_toggled)
        self.mute_button = QPushButton(self.tr("&Mute"))
        self.mute_button.setCheckable(True)
        named(self.mute_button, self.tr("Mute"), self.tr("Stop sending your microphone"))
        self.mute_button.toggled.connect(self.mute_toggled)
        self.keypad_button = QPushButton(self.tr("&Keypad"))
        self.keypad_button.setCheckable(True)
        named(self.keypad_button, self.tr("Show keypad"), self.tr("Send tones to an IVR menu"))
        self.transfer_button = QPushButton(self.tr("&Transfer…"))
        named(
            self.transfer_button,
            self.tr("Transfer"),
            self.tr("Send the caller to an IVR menu or a colleague"),
        )
        self.transfer_button.clicked.connect(self.transfer_clicked)
        self.hangup_button = QPushButton(self.tr("Hang &up"))
        named(self.hangup_button, self.tr("Hang up"), self.tr("End the call"))
        self.hangup_button.setStyleSheet("background: #b00020; color: white; padding: 6px;")
        self.hangup_button.clicked.connect(self.hangup_clicked)
        self.notice = plain_label(name=self.tr("Transfer progress"))
        self.notice.setVisible(False)
        self.consult_bar = self._consult_bar()
        self.keypad = Keypad(self.tr("Tone key"))
        self.keypad.setVisible(False)
        self.keypad.digit_pressed.connect(self.dtmf_pressed)
        self.keypad_button.toggled.connect(self.keypad.setVisible)
        self.context = ContextView()

        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        clock = QVBoxLayout()
        clock.addWidget(self.timer, 0, Qt.AlignmentFlag.AlignRight)
        clock.addWidget(self.status, 0, Qt.AlignmentFlag.AlignRight)
        top.addLayout(clock)
        buttons = QHBoxLayout()
        for button in (
            self.hold_button,
            self.mute_button,
            self.keypad_button,
            self.transfer_button,
            self.hangup_button,
        ):
            buttons.addWidget(button, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(buttons)
        layout.addLayout(self._meters())
        layout.addWidget(self.consult_bar)
        layout.addWidget(self.notice)
        layout.addWidget(self.keypad)
        layout.addWidget(self.context)
        layout.addStretch(1)

    def _consult_bar(self) -> QGroupBox:
        bar = QGroupBox(self.tr("Consulting"))
        self.consult_label = plain_label(name=self.tr("Consulted party"))
        self.complete_button = QPushButton(self.tr("Com&plete transfer"))
        named(
            self.complete_button,
            self.tr("Complete transfer"),
            self.tr("Join the caller with the person you consulted, and leave"),
        )
        self.complete_button.clicked.connect(self.complete_clicked)
        self.swap_button = QPushButton(self.tr("S&wap"))
        named(
            self.swap_button,
            self.tr("Swap"),
            self.tr("Talk to the other one: the caller or the person you consulted"),
        )
        self.swap_button.clicked.connect(self.swap_clicked)
        self.cancel_consult_button = QPushButton(self.tr("Back to &caller"))
        named(
            self.cancel_consult_button,
            self.tr("Back to caller"),
            self.tr("Hang up the consult call and return to the caller"),
        )
        self.cancel_consult_button.clicked.connect(self.cancel_consult_clicked)
        row = QHBoxLayout()
        for button in (self.complete_button, self.swap_button, self.cancel_consult_button):
            row.addWidget(button, 1)
        layout = QVBoxLayout(bar)
        layout.addWidget(self.consult_label)
        layout.addLayout(row)
        bar.setVisible(False)
        return bar

    def show_consult(self, label: str | None) -> None:
        """Show the consult controls while a consult call is up (`label`), or hide them."""
        self.consult_bar.setVisible(label is not None)
        if label is not None:
            self.heading.caption.setText(self.tr("Caller (on hold while you consult)"))
            self.consult_label.setText(
                self.tr("Talking to %s before the transfer; the caller is on hold.") % label
            )
        self.transfer_button.setEnabled(label is None)

    def _meters(self) -> QGridLayout:
        """Per direction: its name, what it carries now, and its volume."""
        self.mic_meter = _meter(self.tr("Microphone level"))
        self.speaker_meter = _meter(self.tr("Earphone level"))
        self.mic_volume = VolumeSlider(
            self.tr("Microphone volume"), self.tr("How loud the caller hears you")
        )
        self.speaker_volume = VolumeSlider(
            self.tr("Earphone volume"), self.tr("How loud you hear the caller")
        )
        for volume in (self.mic_volume, self.speaker_volume):
            volume.changed.connect(self._volume_moved)
        grid = QGridLayout()
        grid.addWidget(QLabel(self.tr("Level")), 0, 1)
        grid.addWidget(QLabel(self.tr("Volume")), 0, 2)
        for row, (caption, meter, volume) in enumerate(
            (
                (self.tr("Microphone"), self.mic_meter, self.mic_volume),
                (self.tr("Earphones"), self.speaker_meter, self.speaker_volume),
            ),
            start=1,
        ):
            grid.addWidget(QLabel(caption), row, 0)
            grid.addWidget(meter, row, 1)
            grid.addWidget(volume, row, 2)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(2, 2)
        return grid

    def show_levels(self, microphone: float, earphones: float) -> None:
        """Move the level meters (0 to 1 each)."""
        self.mic_meter.setValue(round(microphone * 100))
        self.speaker_meter.setValue(round(earphones * 100))

    def show_volumes(self, microphone: int, earphones: int) -> None:
        """Set the volume sliders (per cent) to what the profile holds, quietly."""
        self.mic_volume.set_percent(microphone)
        self.speaker_volume.set_percent(earphones)

    def _volume_moved(self, _percent: int) -> None:
        self.volumes_changed.emit(self.mic_volume.percent(), self.speaker_volume.percent())

    def show_notice(self, text: str, warning: bool) -> None:
        """A message about the call, such as transfer progress or a failure."""
        self.notice.setText(text)
        self.notice.setStyleSheet("color: #b00020; font-weight: bold;" if warning else "")
        self.notice.setVisible(bool(text))

    def show_call(self, info: CallInfo, now: float) -> None:
        """Show `info`; `now` is monotonic seconds, for the call timer."""
        self.heading.caption.setText(self.tr("Talking with"))
        self.heading.show_call(info)
        if self.context.property("call_id") != info.call_id:
            self.context.setProperty("call_id", info.call_id)
            self.context.show_context(info.context)
            self.show_notice("", False)
            self.show_consult(None)
        self.update_call(info, now)

    def update_call(self, info: CallInfo, now: float) -> None:
        """Refresh the timer, the status and the buttons' states."""
        connected_at = info.connected_at
        connected = connected_at is not None
        self.timer.setText("" if connected_at is None else format_duration(now - connected_at))
        if info.held:
            status = self.tr("On hold")
        elif info.remote_hold:
            status = self.tr("Held by the other side")
        elif connected:
            status = self.tr("Connected")
        else:
            status = info.state_text or self.tr("Calling…")
        if info.muted:
            status += self.tr(", muted")
        self.status.setText(status)
        for button, value in ((self.hold_button, info.held), (self.mute_button, info.muted)):
            button.blockSignals(True)
            button.setChecked(value)
            button.blockSignals(False)
        self.hold_button.setText(self.tr("R&esume") if info.held else self.tr("&Hold"))
        self.hold_button.setEnabled(connected)
        self.mute_button.setEnabled(connected)
        self.keypad_button.setEnabled(connected)
        self.transfer_button.setEnabled(connected and not self.consult_bar.isVisible())


def _meter(name: str) -> QProgressBar:
    """A thin level meter that says nothing to a screen reader but its name and value."""
    meter = QProgressBar()
    meter.setRange(0, 100)
    meter.setTextVisible(False)
    meter.setMaximumHeight(10)
    meter.setAccessibleName(name)
    return meter
