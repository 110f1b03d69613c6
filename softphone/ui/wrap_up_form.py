"""After-call work: disposition, notes, resolved, follow-up, the countdown, Submit."""

from __future__ import annotations

from PySide6.QtCore import QDateTime, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from softphone.agent import AgentError, WrapUp
from softphone.profile import Profile
from softphone.ui.translations import choice_label
from softphone.ui.widgets import format_duration, named, plain_label

NOTES_SAVE_DELAY_MS = 1500  # notes are saved as a draft this long after the last key


class WrapUpForm(QWidget):
    """Edits the session's `WrapUp`: every change is saved as a draft; Submit finishes it."""

    finished = Signal()

    def __init__(self, profile: Profile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.wrap_up: WrapUp | None = None
        self.title = plain_label(self.tr("After-call work"), wrap=False)
        self.title.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.about = plain_label(name=self.tr("Call being wrapped up"))
        self.countdown = plain_label(name=self.tr("Time left for wrap-up"), wrap=False)
        self.countdown.setStyleSheet("font-size: 14pt; color: #6a3d9a;")
        self.disposition = QComboBox()
        named(self.disposition, self.tr("Disposition"), self.tr("How the call ended"))
        self.disposition.addItem(self.tr("(choose a disposition)"), None)
        for choice in profile.dispositions:
            self.disposition.addItem(choice_label(choice.label), choice.code)
        self.disposition.activated.connect(self._save_disposition)
        self.notes = QPlainTextEdit()
        named(self.notes, self.tr("Notes"))
        self.notes.setTabChangesFocus(True)
        self.notes.setPlaceholderText(self.tr("What was the call about? What was agreed?"))
        self.notes.textChanged.connect(self._notes_edited)
        self._notes_timer = QTimer(self)
        self._notes_timer.setSingleShot(True)
        self._notes_timer.setInterval(NOTES_SAVE_DELAY_MS)
        self._notes_timer.timeout.connect(self.save_notes)
        self._make_outcome_fields()
        self.error = plain_label(name=self.tr("Wrap-up problem"))
        self.error.setStyleSheet("color: #b00020;")
        self.error.setVisible(False)
        self._make_buttons()
        self._lay_out()

    def _make_outcome_fields(self) -> None:
        self.resolved = QCheckBox(self.tr("&Resolved on this call"))
        named(self.resolved, self.tr("Resolved on this call"))
        self.resolved.toggled.connect(self._save_resolved)
        self.follow_up = QCheckBox(self.tr("&Call the customer back at"))
        named(self.follow_up, self.tr("Follow-up call"), self.tr("Unchecked: no follow-up"))
        self.follow_up.toggled.connect(self._follow_up_toggled)
        self.follow_up_at = QDateTimeEdit()
        self.follow_up_at.setCalendarPopup(True)
        self.follow_up_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        named(self.follow_up_at, self.tr("Follow-up date and time"))
        self.follow_up_at.setEnabled(False)
        self.follow_up_at.dateTimeChanged.connect(self._save_follow_up)

    def _make_buttons(self) -> None:
        self.submit_button = QPushButton(self.tr("&Submit"))
        named(self.submit_button, self.tr("Submit wrap-up"))
        self.submit_button.setDefault(True)
        self.submit_button.clicked.connect(self.submit)
        self.skip_button = QPushButton(self.tr("S&kip"))
        named(self.skip_button, self.tr("Skip wrap-up"), self.tr("Leave without a disposition"))
        self.skip_button.clicked.connect(self.skip)

    def _lay_out(self) -> None:
        heading = QHBoxLayout()
        heading.addWidget(self.title, 1)
        heading.addWidget(self.countdown)
        follow = QHBoxLayout()
        follow.addWidget(self.follow_up)
        follow.addWidget(self.follow_up_at, 1)
        form = QFormLayout()
        form.addRow(self.tr("&Disposition:"), self.disposition)
        form.addRow(self.tr("&Notes:"), self.notes)
        form.addRow("", self.resolved)
        form.addRow(self.tr("Follow-up:"), follow)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.skip_button)
        buttons.addWidget(self.submit_button)
        layout = QVBoxLayout(self)
        layout.addLayout(heading)
        layout.addWidget(self.about)
        layout.addLayout(form, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)

    def edit(self, wrap_up: WrapUp, about: str = "") -> None:
        """Show `wrap_up` (a fresh one, or one reopened after a restart); `about` names the call."""
        self.about.setText(about or self.tr("The call ended; this is its after-call work."))
        if wrap_up is self.wrap_up:
            return
        self.wrap_up = None  # no saving while the fields are filled in
        index = self.disposition.findData(wrap_up.disposition)
        self.disposition.setCurrentIndex(max(0, index))
        self.notes.setPlainText(wrap_up.notes)
        self.resolved.setChecked(bool(wrap_up.resolved))
        self.follow_up.setChecked(wrap_up.follow_up_at is not None)
        when = (
            QDateTime.fromSecsSinceEpoch(int(wrap_up.follow_up_at))
            if wrap_up.follow_up_at is not None
            else QDateTime.currentDateTime().addDays(1)
        )
        self.follow_up_at.setDateTime(when)
        self.follow_up_at.setEnabled(wrap_up.follow_up_at is not None)
        self.skip_button.setVisible(wrap_up.can_skip)
        self.error.setVisible(False)
        self._notes_timer.stop()
        self.wrap_up = wrap_up
        self.tick()

    def tick(self) -> None:
        """Show the time left in time-boxed mode."""
        left = self.wrap_up.seconds_left() if self.wrap_up is not None else None
        self.countdown.setVisible(left is not None)
        if left is not None:
            self.countdown.setText(self.tr("%s left") % format_duration(left))

    def submit(self) -> None:
        """Save the notes and finish the wrap-up, or say what is missing."""
        self._finish("submit")

    def skip(self) -> None:
        """Leave the wrap-up (optional mode only)."""
        self._finish("skip")

    def save_notes(self) -> None:
        """Save the notes as a new draft revision now."""
        self._notes_timer.stop()
        self._update(notes=self.notes.toPlainText())

    def _finish(self, how: str) -> None:
        wrap_up = self.wrap_up
        if wrap_up is None or wrap_up.finished:
            return
        self.save_notes()
        try:
            wrap_up.submit() if how == "submit" else wrap_up.skip()
        except AgentError as exc:
            self._show_problem(str(exc))
            return
        self.wrap_up = None
        self.finished.emit()

    def _notes_edited(self) -> None:
        if self.wrap_up is not None:
            self._notes_timer.start()

    def _save_disposition(self, index: int) -> None:
        self._update(disposition=self.disposition.itemData(index))

    def _save_resolved(self, checked: bool) -> None:
        self._update(resolved=checked)

    def _follow_up_toggled(self, checked: bool) -> None:
        self.follow_up_at.setEnabled(checked)
        self._save_follow_up()

    def _save_follow_up(self) -> None:
        when = (
            self.follow_up_at.dateTime().toSecsSinceEpoch() if self.follow_up.isChecked() else None
        )
        self._update(follow_up=None if when is None else float(when))

    def _update(self, **changes: object) -> None:
        wrap_up = self.wrap_up
        if wrap_up is None or wrap_up.finished:
            return
        try:
            wrap_up.update(**changes)  # type: ignore[arg-type]
        except (AgentError, ValueError) as exc:
            self._show_problem(str(exc))
            return
        self.error.setVisible(False)

    def _show_problem(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(True)
