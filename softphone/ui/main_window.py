"""The agent's softphone window: state, dial pad, the call, wrap-up and history in one place.

The window drives every call through `Phone` and shows what the engine's Qt
signals and the agent session's listener report. It keeps no state of its
own beyond what it shows: on every event it asks the session where the agent
is and shows the matching panel (dial pad, ringing, call, wrap-up). Nothing
here blocks: pjsua2 is polled by `QtSipEngine`'s 10 ms timer and a 1 s timer
drives `Phone.tick()` and the clocks on screen.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QMainWindow,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from softphone.agent import AgentError, AgentState, StateChanged
from softphone.credentials import Credentials
from softphone.phone import QUEUE_HEADER, Phone, PhoneNotice
from softphone.profile import Profile, ProfileError, save_profile
from softphone.sip import (
    CallMediaChanged,
    CallState,
    CallStateChanged,
    EngineError,
    IncomingCall,
    InvalidTarget,
    RegistrationChanged,
)
from softphone.sip.headers import plain_text
from softphone.sip.uri import domain_of
from softphone.ui import transfer_dialog
from softphone.ui.agent_state import AgentStatePanel
from softphone.ui.call_panel import CallInfo, CallPanel, RingingPanel
from softphone.ui.dial_pad import DialPanel
from softphone.ui.headset_notice import HeadsetNotice
from softphone.ui.history import HistoryPanel
from softphone.ui.qt_engine import QtSipEngine
from softphone.ui.settings_dialog import SettingsDialog
from softphone.ui.status_line import StatusLine
from softphone.ui.translations import QT_TRANSLATE_NOOP
from softphone.ui.widgets import format_duration, party_name
from softphone.ui.wrap_up_form import WrapUpForm

log = logging.getLogger(__name__)

TICK_MS = 1000
VOLUME_SAVE_MS = 1000  # a volume is saved this long after the agent last moved it
# Default keys; each is also shown in the Call menu.
SHORTCUTS = {
    "answer": "Ctrl+Shift+A",
    "hangup": "Ctrl+Shift+E",
    "hold": "Ctrl+Shift+H",
    "mute": "Ctrl+Shift+M",
    "transfer": "Ctrl+Shift+T",
    "dial": "Ctrl+L",
}
_ACTION_NAMES = {"hang_up": "hangup"}  # the profile's shortcut names that differ
_STATE_TEXT = {
    CallState.CALLING: QT_TRANSLATE_NOOP("MainWindow", "Calling…"),
    CallState.EARLY: QT_TRANSLATE_NOOP("MainWindow", "Ringing at the other end…"),
    CallState.CONNECTING: QT_TRANSLATE_NOOP("MainWindow", "Connecting…"),
}


class MainWindow(QMainWindow):
    """One window for everything an agent with a headset does all day."""

    def __init__(
        self,
        phone: Phone,
        qt_engine: QtSipEngine,
        *,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
        credentials: Credentials | None = None,
        profile_folder: Path | None = None,
    ) -> None:
        super().__init__()
        self.phone = phone
        self.credentials = credentials or Credentials()
        self.profile_folder = profile_folder or phone.profile.folder
        self.settings_dialog: SettingsDialog | None = None
        self.qt_engine = qt_engine
        self._monotonic = monotonic
        self._calls: dict[int, CallInfo] = {}
        self._ringing_since: dict[int, float] = {}
        self._ended: dict[str, CallInfo] = {}  # by SIP Call-ID, for the wrap-up's heading
        profile = phone.profile
        name = profile.agent_name or profile.agent_id
        self.setWindowTitle(self.tr("Callboard softphone: %s") % name)

        self.status_line = StatusLine()
        self.agent_panel = AgentStatePanel(phone.session, clock)
        self.agent_panel.problem.connect(self.show_problem)
        self.dial_panel = DialPanel(self._dial_domain)
        self.dial_panel.dial_requested.connect(self.dial)
        self.ringing_panel = RingingPanel()
        self.ringing_panel.answer_clicked.connect(self.answer_call)
        self.ringing_panel.reject_clicked.connect(self.hang_up)
        self.call_panel = self._make_call_panel()
        self.headset_notice = HeadsetNotice(self.switch_headset)
        phone.add_notice_listener(self._phone_notice)
        self.wrap_up_form = WrapUpForm(profile)
        self.wrap_up_form.finished.connect(self.refresh)
        self.history = HistoryPanel(phone.store.path, phone.session.agent_id, profile)
        self.history.call_back.connect(self.call_back)
        self.pages = QStackedWidget()
        for page in (self.dial_panel, self.ringing_panel, self.call_panel, self.wrap_up_form):
            self.pages.addWidget(page)
        self._build_layout()
        self._build_actions()
        self.apply_shortcuts(profile)

        self._connect_engine(qt_engine)
        self._remove_listener = phone.session.add_listener(self._agent_state_changed)
        self._start_timers()
        if phone.account_id is None:
            self.status_line.show_no_account()
        self.history.reload()
        self.refresh()

    def _start_timers(self) -> None:
        """The window's clocks: the second ticker, the level meters, the volume's save."""
        self.ticker = QTimer(self)
        self.ticker.setInterval(TICK_MS)
        self.ticker.timeout.connect(self.tick)
        self.ticker.start()
        self.meter_timer = QTimer(self)  # the level meters move ten times a second
        self.meter_timer.setInterval(100)
        self.meter_timer.timeout.connect(self._show_levels)
        self.meter_timer.start()
        # A volume is saved once the agent lets go of the slider for a moment.
        self.volume_save = QTimer(self)
        self.volume_save.setSingleShot(True)
        self.volume_save.setInterval(VOLUME_SAVE_MS)
        self.volume_save.timeout.connect(self.save_volumes)

    def _connect_engine(self, qt_engine: QtSipEngine) -> None:
        qt_engine.registration_changed.connect(self._registration_changed)
        qt_engine.incoming_call.connect(self._incoming_call)
        qt_engine.call_state_changed.connect(self._call_state_changed)
        qt_engine.call_media_changed.connect(self._call_media_changed)
        qt_engine.audio_devices_changed.connect(self.headset_notice.show_lost)
        qt_engine.audio_device_returned.connect(self.headset_notice.offer_return)

    # -- layout ------------------------------------------------------------

    def _build_layout(self) -> None:
        # The panel scrolls rather than squeezes on a small screen at 200 %; only
        # the page shown counts for its size.
        scroller = self._page_scroller = QScrollArea()
        scroller.setWidget(self.pages)
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.pages.currentChanged.connect(self._size_by_current_page)
        self._size_by_current_page()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.agent_panel)
        left_layout.addWidget(scroller, 1)
        columns = QSplitter()
        columns.addWidget(left)
        columns.addWidget(self.history)
        columns.setStretchFactor(0, 2)
        columns.setStretchFactor(1, 3)
        columns.setChildrenCollapsible(False)
        outer = QVBoxLayout()
        outer.addWidget(self.status_line)
        outer.addWidget(self.headset_notice)
        outer.addWidget(columns, 1)
        central = QWidget()
        central.setLayout(outer)
        self.setCentralWidget(central)
        self.resize(1100, 680)

    def _make_call_panel(self) -> CallPanel:
        panel = CallPanel()
        panel.hold_toggled.connect(self.set_hold)
        panel.mute_toggled.connect(self.set_mute)
        panel.dtmf_pressed.connect(self.send_dtmf)
        panel.hangup_clicked.connect(self.hang_up)
        panel.transfer_clicked.connect(self.start_transfer)
        panel.complete_clicked.connect(self.complete_transfer)
        panel.swap_clicked.connect(self.swap_calls)
        panel.cancel_consult_clicked.connect(self.cancel_consult)
        profile = self.phone.profile
        panel.show_volumes(profile.microphone_volume, profile.earphone_volume)
        panel.volumes_changed.connect(self.set_volumes)
        return panel

    def _build_actions(self) -> None:
        phone_menu = self.menuBar().addMenu(self.tr("&Phone"))
        settings = QAction(self.tr("&Settings…"), self)
        settings.setShortcut(QKeySequence.StandardKey.Preferences)
        settings.triggered.connect(self.open_settings)
        phone_menu.addAction(settings)
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        phone_menu.addAction(quit_action)
        call_menu = self.menuBar().addMenu(self.tr("&Call"))
        self.actions_by_name: dict[str, QAction] = {}
        for key, label, slot in (
            ("answer", self.tr("Answer"), self.answer_call),
            ("hangup", self.tr("Hang up / Reject"), self.hang_up),
            ("hold", self.tr("Hold / Resume"), self.toggle_hold),
            ("mute", self.tr("Mute / Unmute"), self.toggle_mute),
            ("transfer", self.tr("Transfer…"), self.start_transfer),
            ("dial", self.tr("Go to the number field"), self.focus_number),
        ):
            action = QAction(label, self)
            action.setShortcut(QKeySequence(SHORTCUTS[key]))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(slot)
            call_menu.addAction(action)
            self.addAction(action)
            self.actions_by_name[key] = action

    # -- the agent's actions -------------------------------------------------

    def dial(self, target: str) -> None:
        """Call `target` (already checked by the dial panel, or from a command line)."""
        try:
            call_id = self.phone.dial(target)
        except (InvalidTarget, EngineError, AgentError) as exc:
            self.dial_panel.show_problem(str(exc))
            self.show_problem(str(exc))
            return
        engine = self.phone.engine
        self._calls[call_id] = CallInfo(
            call_id,
            engine.sip_call_id(call_id),
            engine.remote_uri(call_id),
            state_text=self.tr("Calling…"),
        )
        self.refresh()

    def receive_target(self, target: str) -> None:
        """Another start handed over a number (or nothing): come forward, and dial it."""
        self.showNormal()
        self.raise_()
        self.activateWindow()
        if target:
            self.call_back(target)

    def call_back(self, party: str) -> None:
        """Dial the party of a history row."""
        self.dial_panel.set_target(party)
        self.dial_panel.dial()

    def answer_call(self) -> None:
        """Answer the ringing call."""
        info = self.current_call()
        if info is not None and self.phone.session.state is AgentState.RINGING:
            self._act(lambda: self.phone.answer(info.call_id))

    def hang_up(self) -> None:
        """Hang up the call, or refuse it while it rings."""
        info = self.current_call()
        if info is not None:
            self._act(lambda: self.phone.hangup(info.call_id))

    def set_hold(self, hold: bool) -> None:
        """Put the caller on hold, or take them off."""
        info = self.current_call()
        if info is None or info.connected_at is None:
            self.refresh()
            return
        if self._act(lambda: (self.phone.hold if hold else self.phone.resume)(info.call_id)):
            info.held = hold
        self.refresh()

    def toggle_hold(self) -> None:
        """Shortcut: hold, or resume when held."""
        info = self.current_call()
        if info is not None:
            self.set_hold(not info.held)

    def set_mute(self, muted: bool) -> None:
        """Stop or restart sending the microphone."""
        info = self.current_call()
        if info is None or info.connected_at is None:
            self.refresh()
            return
        if self._act(lambda: self.phone.mute(info.call_id, muted)):
            info.muted = muted
        self.refresh()

    def toggle_mute(self) -> None:
        """Shortcut: mute, or unmute when muted."""
        info = self.current_call()
        if info is not None:
            self.set_mute(not info.muted)

    def send_dtmf(self, digit: str) -> None:
        """Send one tone to the other side."""
        info = self.current_call()
        if info is not None:
            self._act(lambda: self.phone.send_dtmf(info.call_id, digit))

    def focus_number(self) -> None:
        """Shortcut: put the cursor in the number field."""
        if self.pages.currentWidget() is self.dial_panel:
            self.dial_panel.number.setFocus()
            self.dial_panel.number.selectAll()

    def open_settings(self) -> SettingsDialog:
        """Open the settings dialog (window-modal); Save applies the new settings."""
        if self.profile_folder is None:
            self.show_problem(self.tr("No profile folder: start with --profile DIR."))
            raise RuntimeError("no profile folder")
        dialog = SettingsDialog(
            self.phone.profile,
            self.profile_folder,
            self.credentials,
            self,
            phone=self.phone,
            qt_engine=self.qt_engine,
        )
        dialog.accepted.connect(lambda: self.apply_settings(dialog))
        self.settings_dialog = dialog
        dialog.open()
        return dialog

    def apply_settings(self, dialog: SettingsDialog) -> None:
        """Use what the settings dialog saved: new profile values, and register the account."""
        profile = dialog.saved_profile
        if profile is None:
            return
        previous = self.phone.profile
        self._use_profile(profile)
        self.apply_shortcuts(profile)
        devices = (profile.capture_device, profile.playback_device)
        if devices != (previous.capture_device, previous.playback_device):
            try:  # calls keep going on the new headset
                self.phone.engine.switch_audio_devices(*devices)
            except EngineError as exc:
                self.show_problem(str(exc))
        volumes = (profile.microphone_volume, profile.earphone_volume)
        self.call_panel.show_volumes(*volumes)
        self.volume_save.stop()  # the dialog saved them with the rest
        if self.phone.engine.volumes != (volumes[0] / 100, volumes[1] / 100):
            self._act(lambda: self.phone.engine.set_volumes(volumes[0] / 100, volumes[1] / 100))
        if profile.echo_cancellation != previous.echo_cancellation:
            try:
                self.phone.engine.set_echo_cancellation(profile.echo_cancellation)
            except EngineError as exc:
                self.show_problem(str(exc))
        if dialog.saved_account is not None and dialog.password is not None:
            try:
                self.phone.set_account(dialog.saved_account, dialog.password)
            except EngineError as exc:
                self.show_problem(str(exc))
        if dialog.notice:
            self.show_problem(dialog.notice)

    def set_volumes(self, microphone: int, earphones: int) -> None:
        """The agent moved a volume (per cent): the headset follows at once, the profile soon."""
        if not self._act(lambda: self.phone.engine.set_volumes(microphone / 100, earphones / 100)):
            return
        self._use_profile(
            dataclasses.replace(
                self.phone.profile, microphone_volume=microphone, earphone_volume=earphones
            )
        )
        self.volume_save.start()

    def save_volumes(self) -> None:
        """Write the volumes the agent set into the profile file."""
        self.volume_save.stop()
        if self.profile_folder is None:
            return  # no profile to keep them in: they last until the phone stops
        try:
            save_profile(self.phone.profile, self.profile_folder)
        except (ProfileError, OSError) as exc:
            self.show_problem(self.tr("The volume was not saved: %s") % exc)

    def _use_profile(self, profile: Profile) -> None:
        self.phone.profile = profile
        self.phone.session.profile = profile

    def switch_headset(self, capture: str, playback: str) -> None:
        """Put the headset on these devices (the agent accepted to switch back)."""
        try:
            self.phone.engine.switch_audio_devices(capture, playback)
        except EngineError as exc:
            self.show_problem(str(exc))

    def start_transfer(self) -> None:
        """Ask where to send the caller, then transfer at once or consult first."""
        info = self.current_call()
        if info is None or info.connected_at is None:
            self.show_problem(self.tr("There is no answered call to transfer."))
            return
        choice = transfer_dialog.ask_transfer_target(
            self, self.phone.profile.transfer_targets, self.history.recent_parties()
        )
        if choice is None:
            return
        kind, target = choice
        if kind == transfer_dialog.CONSULT:
            self._act(lambda: self.phone.consult(info.call_id, target))
        else:
            self._act(lambda: self.phone.blind_transfer(info.call_id, target))
        self.refresh()

    def complete_transfer(self) -> None:
        """Join the held caller with the consulted party."""
        info = self.current_call()
        if info is not None:
            self._act(lambda: self.phone.complete_transfer(info.call_id))

    def swap_calls(self) -> None:
        """Talk to the caller or to the consulted party, holding the other."""
        info = self.current_call()
        if info is not None:
            self._act(lambda: self.phone.swap(info.call_id))

    def cancel_consult(self) -> None:
        """Hang up the consult call and go back to the caller."""
        info = self.current_call()
        if info is not None:
            self._act(lambda: self.phone.cancel_consult(info.call_id))
            self.refresh()

    def _show_levels(self) -> None:
        if self.pages.currentWidget() is self.call_panel:
            self.call_panel.show_levels(*self.phone.engine.audio_levels())

    def _phone_notice(self, notice: PhoneNotice) -> None:
        self.call_panel.show_notice(notice.text, notice.warning)
        if notice.warning:
            self.show_problem(notice.text)
        self.refresh()

    def apply_shortcuts(self, profile: Profile) -> None:
        """Put the profile's keys (`shortcuts.*`) on the call actions; "" leaves one without."""
        for action, key in profile.shortcuts.items():
            self.actions_by_name[_ACTION_NAMES.get(action, action)].setShortcut(QKeySequence(key))

    def show_problem(self, text: str) -> None:
        """Tell the agent why an action did not happen."""
        self.statusBar().showMessage(text, 15_000)

    # -- what the window shows ------------------------------------------------

    def current_call(self) -> CallInfo | None:
        """The call the agent is ringing with or on, if the window knows it."""
        call_id = self.phone.current_call_id()
        if call_id is None:
            return None
        info = self._calls.get(call_id)
        if info is None:  # a leg a transfer put in place of the agent's call
            engine = self.phone.engine
            try:
                queue, context = self.phone.call_details(call_id)
                info = CallInfo(
                    call_id,
                    engine.sip_call_id(call_id),
                    engine.remote_uri(call_id),
                    queue=queue,
                    context=context,
                )
            except EngineError:
                return None
            self._calls[call_id] = info
        return info

    def refresh(self) -> None:
        """Show the panel for where the agent is: dial pad, ringing, call or wrap-up."""
        session = self.phone.session
        state = session.state
        info = self.current_call()
        now = self._monotonic()
        page: QWidget
        if state is AgentState.RINGING and info is not None:
            page = self.ringing_panel
            if self.pages.currentWidget() is not page:
                self.ringing_panel.show_call(info, self._auto_answer_in(info, now))
        elif state is AgentState.ON_CALL:
            page = self.call_panel
            if info is not None:
                self.call_panel.show_call(info, now)
                self.call_panel.show_consult(self.phone.consult_label(info.call_id))
        elif state is AgentState.WRAP_UP and session.wrap_up is not None:
            page = self.wrap_up_form
            self.wrap_up_form.edit(session.wrap_up, self._wrap_up_about(session.wrap_up.call_id))
        else:
            page = self.dial_panel
        if self.pages.currentWidget() is not page:
            self.pages.setCurrentWidget(page)
            self._focus_page(page)
        self.dial_panel.setEnabled(state in (AgentState.AVAILABLE, AgentState.NOT_READY))
        in_call = info is not None and info.connected_at is not None
        self.actions_by_name["answer"].setEnabled(state is AgentState.RINGING)
        self.actions_by_name["hangup"].setEnabled(info is not None)
        self.actions_by_name["hold"].setEnabled(in_call)
        self.actions_by_name["mute"].setEnabled(in_call)
        self.agent_panel.refresh()

    def tick(self) -> None:
        """Once a second: the phone's time box and auto-answer, and the clocks on screen."""
        try:
            self.phone.tick()
        except Exception:
            log.exception("Phone tick failed")
        now = self._monotonic()
        self.agent_panel.refresh()
        info = self.current_call()
        if info is not None and self.pages.currentWidget() is self.call_panel:
            self.call_panel.update_call(info, now)
        if info is not None and self.pages.currentWidget() is self.ringing_panel:
            self.ringing_panel.show_auto_answer(self._auto_answer_in(info, now))
        self.wrap_up_form.tick()
        self.status_line.show_store_health(self.phone.store.health)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Stop the clock; the application shuts the phone down after the loop ends."""
        self.ticker.stop()
        self.meter_timer.stop()
        if self.volume_save.isActive():
            self.save_volumes()
        self.wrap_up_form.save_notes()
        super().closeEvent(event)

    # -- events --------------------------------------------------------------

    def _registration_changed(self, event: RegistrationChanged) -> None:
        if event.account_id == self.phone.account_id:
            self.status_line.show_registration(event)

    def _incoming_call(self, event: IncomingCall) -> None:
        profile = self.phone.profile
        context = tuple(event.headers.matching(profile.caller_context_headers))
        self._calls[event.call_id] = CallInfo(
            event.call_id,
            event.sip_call_id,
            event.remote_uri,
            queue=event.headers.get(QUEUE_HEADER) or None,
            context=context,
        )
        self._ringing_since[event.call_id] = self._monotonic()
        self.refresh()

    def _call_state_changed(self, event: CallStateChanged) -> None:
        info = self._calls.get(event.call_id)
        if info is None:
            return
        if event.state is CallState.DISCONNECTED:
            del self._calls[event.call_id]
            self._ended = {info.sip_call_id: info}
            if event.talk_seconds:
                info.state_text = format_duration(event.talk_seconds)
            self._ringing_since.pop(event.call_id, None)
            self.history.reload()
        elif event.state is CallState.CONFIRMED and info.connected_at is None:
            info.connected_at = self._monotonic()
        else:
            info.state_text = self.tr(_STATE_TEXT.get(event.state, ""))
        self.refresh()

    def _call_media_changed(self, event: CallMediaChanged) -> None:
        info = self._calls.get(event.call_id)
        if info is not None:
            info.held, info.remote_hold, info.muted = (
                event.local_hold,
                event.remote_hold,
                event.muted,
            )
            self.refresh()

    def _agent_state_changed(self, change: StateChanged) -> None:
        if change.previous is AgentState.WRAP_UP:
            self.history.reload()
        self.refresh()

    # -- inside --------------------------------------------------------------

    def _act(self, action: Callable[[], object]) -> bool:
        try:
            action()
        except (EngineError, AgentError, ValueError) as exc:
            self.show_problem(str(exc))
            return False
        return True

    def _auto_answer_in(self, info: CallInfo, now: float) -> float | None:
        delay = self.phone.profile.auto_answer_seconds
        since = self._ringing_since.get(info.call_id)
        if delay is None or since is None:
            return None
        return max(0.0, since + delay - now)

    def _wrap_up_about(self, sip_call_id: str) -> str:
        info = self._ended.get(sip_call_id)
        if info is None:
            return ""
        text = self.tr("Call with %s") % party_name(info.remote)
        if info.queue:
            text += self.tr(", queue %s") % plain_text(info.queue, 120)
        if info.state_text:
            text += self.tr(", talked %s") % info.state_text
        return text

    def _dial_domain(self) -> str:
        phone = self.phone
        if phone.account_id is not None:
            return phone.engine.account_settings(phone.account_id).domain
        account = phone.profile.account
        return domain_of(account.sip_uri) if account is not None else ""

    def _size_by_current_page(self) -> None:
        current = self.pages.currentWidget()
        for page in (self.pages.widget(index) for index in range(self.pages.count())):
            if page is None:
                continue
            policy = QSizePolicy.Policy.Preferred if page is current else QSizePolicy.Policy.Ignored
            page.setSizePolicy(policy, policy)
        scroll_bar = self._page_scroller.verticalScrollBar().sizeHint().width()
        self._page_scroller.setMinimumWidth(self.pages.minimumSizeHint().width() + scroll_bar)

    def _focus_page(self, page: QWidget) -> None:
        if page is self.ringing_panel:
            self.ringing_panel.answer_button.setFocus()
        elif page is self.call_panel:
            self.call_panel.hangup_button.setFocus()
        elif page is self.wrap_up_form:
            self.wrap_up_form.disposition.setFocus()
