"""Settings: the SIP account (password into the keychain), calls and wrap-up, keys, language.

Values are checked when the agent presses Save, with the same rules as the
profile file and the SIP engine; an invalid value keeps the dialog open and
says which field is wrong and why. The password goes to the keychain only.
The three pages are tabs, so the dialog fits a small screen at 200 %.
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from softphone.audio.devices import AudioDevice, headset_devices
from softphone.credentials import Credentials, KeychainUnavailable
from softphone.cti.auth import TOKEN_FILE, load_or_create_token
from softphone.headless import account_settings
from softphone.phone import Phone
from softphone.profile import (
    LANGUAGES,
    SRTP_MODES,
    TRANSPORTS,
    WRAP_UP_MODES,
    AccountProfile,
    Profile,
    ProfileError,
    save_profile,
)
from softphone.sip import AccountSettings, EngineError, SettingsError
from softphone.ui.headset_test_panel import HeadsetTestPanel
from softphone.ui.qt_engine import QtSipEngine
from softphone.ui.shortcut_editor import ShortcutEditor
from softphone.ui.translations import QT_TRANSLATE_NOOP
from softphone.ui.volume import VolumeSlider
from softphone.ui.widgets import named, plain_label

log = logging.getLogger(__name__)

_FIELD_NAMES = {
    "sip_uri": QT_TRANSLATE_NOOP("SettingsDialog", "SIP address"),
    "registrar": QT_TRANSLATE_NOOP("SettingsDialog", "Registrar"),
    "transport": QT_TRANSLATE_NOOP("SettingsDialog", "Transport"),
    "srtp": QT_TRANSLATE_NOOP("SettingsDialog", "SRTP"),
    "register_expires": QT_TRANSLATE_NOOP("SettingsDialog", "Registration interval"),
    "password": QT_TRANSLATE_NOOP("SettingsDialog", "Password"),
    "shortcuts": QT_TRANSLATE_NOOP("SettingsDialog", "Keyboard"),
}
# The words shown for the profile's codes; the codes are what is saved.
_CHOICE_TEXT = {
    "udp": "UDP",
    "tcp": "TCP",
    "tls": "TLS",
    "off": QT_TRANSLATE_NOOP("SettingsDialog", "Off"),
    "optional": QT_TRANSLATE_NOOP("SettingsDialog", "Optional"),
    "mandatory": QT_TRANSLATE_NOOP("SettingsDialog", "Mandatory"),
    "time_boxed": QT_TRANSLATE_NOOP("SettingsDialog", "Time-boxed"),
    "system": QT_TRANSLATE_NOOP("SettingsDialog", "System language"),
    "en": "English",  # each language in its own words
    "zh_TW": "繁體中文",
}


class SettingsDialog(QDialog):
    """Edit the profile's account and call settings; on Save the profile file is rewritten."""

    def __init__(
        self,
        profile: Profile,
        folder: Path,
        credentials: Credentials,
        parent: QWidget | None = None,
        *,
        phone: Phone | None = None,
        qt_engine: QtSipEngine | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Softphone settings"))
        # With the running phone, the headset can be tested from the dialog.
        self._phone, self._qt_engine = phone, qt_engine
        self.headset_test: HeadsetTestPanel | None = None
        self.profile = profile
        self.folder = folder
        self.credentials = credentials
        self.saved_profile: Profile | None = None
        self.saved_account: AccountSettings | None = None
        self.password: str | None = None  # what to register with, once saved
        self.notice = ""  # something the agent should know after saving (keychain trouble)
        self.tabs = QTabWidget()
        named(self.tabs, self.tr("Settings pages"))
        self.tabs.addTab(self._account_group(profile.account), self.tr("&Account"))
        self.tabs.addTab(self._calls_group(profile), self.tr("Ca&lls"))
        self.tabs.addTab(self._audio_group(profile), self.tr("Au&dio"))
        self.tabs.addTab(self._keyboard_group(profile), self.tr("&Keyboard and language"))
        self.tabs.addTab(self._automation_page(profile), self.tr("Au&tomation"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self.error = plain_label(name=self.tr("Settings problem"))
        self.error.setStyleSheet("color: #b00020;")
        self.error.setVisible(False)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        named(self.save_button, self.tr("Save settings"))
        named(buttons.button(QDialogButtonBox.StandardButton.Cancel), self.tr("Cancel settings"))
        layout.addWidget(buttons)

    def _account_group(self, account: AccountProfile | None) -> QGroupBox:
        group = QGroupBox(self.tr("SIP account"))
        form = QFormLayout(group)
        self.sip_uri = _line(
            self.tr("SIP address"), account.sip_uri if account else "", "sip:1001@pbx.example"
        )
        self.registrar = _line(
            self.tr("Registrar"),
            account.registrar if account else "",
            self.tr("sip:pbx.example:5060 (empty: the address's domain)"),
        )
        self.user = _line(
            self.tr("Authentication user"),
            account.user if account else "",
            self.tr("empty: the address's user part"),
        )
        self.password_edit = _line(
            self.tr("Password"), "", self.tr("empty: keep the password in the keychain")
        )
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.transport = _combo(
            self.tr("Transport"), TRANSPORTS, account.transport if account else "udp"
        )
        self.srtp = _combo(self.tr("SRTP"), SRTP_MODES, account.srtp if account else "off")
        self.tls_verify = QCheckBox(self.tr("Verify the server's TLS certificate"))
        named(self.tls_verify, self.tr("Verify TLS certificate"))
        self.tls_verify.setChecked(account.tls_verify if account else True)
        self.tls_warning = plain_label(
            self.tr("Not verifying lets anyone on the network pose as the PBX.")
        )
        self.tls_warning.setStyleSheet("color: #b00020;")
        self.tls_verify.toggled.connect(lambda on: self.tls_warning.setVisible(not on))
        self.tls_warning.setVisible(not self.tls_verify.isChecked())
        form.addRow(self.tr("SIP &address:"), self.sip_uri)
        form.addRow(self.tr("&Registrar:"), self.registrar)
        form.addRow(self.tr("&User:"), self.user)
        form.addRow(self.tr("&Password:"), self.password_edit)
        form.addRow(self.tr("&Transport:"), self.transport)
        form.addRow(self.tr("S&RTP:"), self.srtp)
        form.addRow("", self.tls_verify)
        form.addRow("", self.tls_warning)
        return group

    def _calls_group(self, profile: Profile) -> QGroupBox:
        group = QGroupBox(self.tr("Calls and wrap-up"))
        form = QFormLayout(group)
        self.wrap_up_mode = _combo(self.tr("Wrap-up mode"), WRAP_UP_MODES, profile.wrap_up_mode)
        self.time_box = QSpinBox()
        self.time_box.setRange(5, 3600)
        self.time_box.setSuffix(" s")
        self.time_box.setValue(profile.wrap_up_seconds)
        named(self.time_box, self.tr("Wrap-up time box"), self.tr("Used in time_boxed mode"))
        self.auto_answer = QCheckBox(self.tr("Answer calls automatically after"))
        named(self.auto_answer, self.tr("Auto-answer"))
        self.auto_answer.setChecked(profile.auto_answer_seconds is not None)
        self.auto_answer_delay = QDoubleSpinBox()
        self.auto_answer_delay.setRange(0, 60)
        self.auto_answer_delay.setDecimals(0)
        self.auto_answer_delay.setSuffix(" s")
        self.auto_answer_delay.setValue(profile.auto_answer_seconds or 2)
        named(self.auto_answer_delay, self.tr("Auto-answer delay"))
        self.auto_answer_delay.setEnabled(self.auto_answer.isChecked())
        self.auto_answer.toggled.connect(self.auto_answer_delay.setEnabled)
        auto = QHBoxLayout()
        auto.addWidget(self.auto_answer)
        auto.addWidget(self.auto_answer_delay)
        auto.addStretch(1)
        self.context_headers = _line(
            self.tr("Caller context headers"),
            ", ".join(profile.caller_context_headers),
            self.tr("Comma-separated; a name ending in * matches a prefix"),
        )
        form.addRow(self.tr("&Wrap-up mode:"), self.wrap_up_mode)
        form.addRow(self.tr("Time &box:"), self.time_box)
        form.addRow(self.tr("Auto-answer:"), auto)
        form.addRow(self.tr("&Context headers:"), self.context_headers)
        return group

    def _audio_group(self, profile: Profile) -> QGroupBox:
        group = QGroupBox(self.tr("Headset"))
        form = QFormLayout(group)
        self.capture_device = _device_combo(
            self.tr("Microphone device"),
            self.tr("The headset's microphone, by name"),
            profile.capture_device,
        )
        self.playback_device = _device_combo(
            self.tr("Earphone device"),
            self.tr("The headset's earphones, by name"),
            profile.playback_device,
        )
        self.ringer_device = _device_combo(
            self.tr("Ringer device"),
            self.tr("The speaker that rings on an incoming call, by name"),
            profile.ringer_device,
        )
        self.refresh_devices()
        form.addRow(self.tr("&Microphone:"), self.capture_device)
        form.addRow(self.tr("&Earphones:"), self.playback_device)
        form.addRow(self.tr("R&inger:"), self.ringer_device)
        self.microphone_volume = VolumeSlider(
            self.tr("Microphone volume"),
            self.tr("How loud the caller hears you; 100 % is what the microphone gives"),
            profile.microphone_volume,
        )
        self.earphone_volume = VolumeSlider(
            self.tr("Earphone volume"),
            self.tr("How loud you hear the caller; 100 % is what the call brings"),
            profile.earphone_volume,
        )
        for volume in (self.microphone_volume, self.earphone_volume):
            volume.changed.connect(self._try_volumes)
        form.addRow(self.tr("Microphone &volume:"), self.microphone_volume)
        form.addRow(self.tr("Ear&phone volume:"), self.earphone_volume)
        self.echo_cancellation = QCheckBox(self.tr("Ca&ncel echo"))
        named(
            self.echo_cancellation,
            self.tr("Echo cancellation"),
            self.tr("Keep the caller from hearing themselves through the earphones' leak"),
        )
        self.echo_cancellation.setChecked(profile.echo_cancellation)
        form.addRow(self.tr("Echo:"), self.echo_cancellation)
        self.refresh_devices_button = QPushButton(self.tr("Re&fresh the device lists"))
        named(
            self.refresh_devices_button,
            self.tr("Refresh the device lists"),
            self.tr("List the headsets plugged in now (the lists also follow the system)"),
        )
        self.refresh_devices_button.clicked.connect(self.refresh_devices)
        form.addRow("", self.refresh_devices_button)
        if self._qt_engine is not None:
            self._qt_engine.audio_device_list_changed.connect(self.refresh_devices)
        if self._phone is not None and self._qt_engine is not None:
            self.headset_test = HeadsetTestPanel(self._phone, self._qt_engine, self._chosen_headset)
            form.addRow("", self.headset_test)
        return group

    def refresh_devices(self, *_event: object) -> None:
        """List the devices plugged in now; what the agent chose stays chosen."""
        devices = self._devices()
        for combo, names in (
            (self.capture_device, [d.name for d in devices if d.inputs > 0]),
            (self.playback_device, [d.name for d in devices if d.outputs > 0]),
            (self.ringer_device, [d.name for d in devices if d.outputs > 0]),
        ):
            _fill_devices(combo, names, _device_name(combo))

    def _devices(self) -> tuple[AudioDevice, ...]:
        """The devices calls can use: the running engine's (the build's own on macOS and
        Windows), else what the sound server or PortAudio lists."""
        if self._phone is not None:
            return self._phone.engine.audio_devices()
        return headset_devices()[0]

    def _try_volumes(self, _percent: int) -> None:
        """Let the agent hear a volume at once (in a call or the headset test); Cancel undoes."""
        self._set_engine_volumes(self.microphone_volume.percent(), self.earphone_volume.percent())

    def _set_engine_volumes(self, microphone: int, earphones: int) -> None:
        if self._phone is None:
            return
        try:
            self._phone.engine.set_volumes(microphone / 100, earphones / 100)
        except (EngineError, ValueError) as exc:
            log.warning("Headset volume not set: %s", exc)

    def _chosen_headset(self) -> tuple[str, str]:
        """The microphone and earphones chosen in the dialog, for the headset test."""
        return _device_name(self.capture_device), _device_name(self.playback_device)

    def _keyboard_group(self, profile: Profile) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.language = _combo(self.tr("Language"), LANGUAGES, profile.language)
        form.addRow(self.tr("La&nguage:"), self.language)
        form.addRow("", plain_label(self.tr("A new language shows after a restart.")))
        self.shortcuts = ShortcutEditor(profile.shortcuts)
        group = QGroupBox(self.tr("Call shortcuts"))
        QVBoxLayout(group).addWidget(self.shortcuts)
        form.addRow(group)
        return page

    def _automation_page(self, profile: Profile) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        state = {
            True: self.tr("on"),
            False: self.tr("off"),
            None: self.tr("on when the softphone runs without a window (--headless)"),
        }[profile.cti_enabled]
        port = str(profile.cti_port) if profile.cti_port else self.tr("a free port")
        layout.addWidget(
            plain_label(
                self.tr(
                    "The automation API lets a CRM on this computer take and place calls. "
                    "It listens on %s, port %s, and is %s (profile: cti.enabled). Each "
                    "request must carry the token below."
                )
                % (profile.cti_address, port, state)
            )
        )
        self.token_file = plain_label(
            str(self.folder / TOKEN_FILE), name=self.tr("Token file"), wrap=False
        )
        self.token_file.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(QLabel(self.tr("Token file (readable by you only):")))
        layout.addWidget(self.token_file)
        self.copy_token_button = QPushButton(self.tr("&Copy token"))
        named(
            self.copy_token_button,
            self.tr("Copy token"),
            self.tr("Copy the API token to the clipboard, for the CRM's settings"),
        )
        self.copy_token_button.clicked.connect(self.copy_token)
        self.token_status = plain_label(name=self.tr("Token status"))
        layout.addWidget(self.copy_token_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.token_status)
        layout.addStretch(1)
        return page

    def copy_token(self) -> None:
        """Put the API token on the clipboard (creating it on first use)."""
        try:
            token = load_or_create_token(self.folder)
        except OSError as exc:
            self.token_status.setText(self.tr("The token could not be read: %s") % exc)
            return
        QGuiApplication.clipboard().setText(token)
        self.token_status.setText(self.tr("Token copied. Paste it into the CRM's settings."))

    def save(self) -> None:
        """Check every value, save the profile and the password; stay open on a problem."""
        try:
            profile = self._edited_profile()
            account = account_settings(profile) if profile.account is not None else None
            password = self._password(account)
            save_profile(profile, self.folder)
        except SettingsError as exc:
            name = _FIELD_NAMES.get(exc.field)
            field = self.tr(name) if name else exc.field.replace("_", " ")
            self._refuse(f"{field}: {exc.reason}")
            return
        except ProfileError as exc:
            self._refuse(self.tr("%s: %s") % (exc.key, exc.reason))
            return
        self.saved_profile = dataclasses.replace(profile, folder=self.folder)
        self.saved_account = account
        self.password = password
        log.info("Settings saved to %s", self.folder)
        self.accept()

    def _edited_profile(self) -> Profile:
        keys_problem = self.shortcuts.problem()
        if keys_problem:
            raise SettingsError("shortcuts", keys_problem)
        uri = self.sip_uri.text().strip()
        account = None
        if uri or self.registrar.text().strip() or self.user.text().strip():
            if not uri:
                raise SettingsError("sip_uri", self.tr("type the SIP address, like sip:1001@pbx"))
            AccountSettings(
                uri,
                self.registrar.text().strip(),
                transport=self.transport.currentData(),
                srtp=self.srtp.currentData(),
            )  # the engine's own checks
            old = self.profile.account or AccountProfile(uri)
            account = dataclasses.replace(
                old,
                sip_uri=uri,
                registrar=self.registrar.text().strip(),
                user=self.user.text().strip(),
                transport=self.transport.currentData(),
                srtp=self.srtp.currentData(),
                tls_verify=self.tls_verify.isChecked(),
            )
        headers = tuple(h.strip() for h in self.context_headers.text().split(",") if h.strip())
        auto = self.auto_answer_delay.value() if self.auto_answer.isChecked() else None
        keys = self.shortcuts.shortcuts()
        return dataclasses.replace(
            self.profile,
            account=account,
            wrap_up_mode=self.wrap_up_mode.currentData(),
            wrap_up_seconds=self.time_box.value(),
            auto_answer_seconds=auto,
            caller_context_headers=headers,
            ringer_device=_device_name(self.ringer_device),
            capture_device=_device_name(self.capture_device),
            playback_device=_device_name(self.playback_device),
            echo_cancellation=self.echo_cancellation.isChecked(),
            microphone_volume=self.microphone_volume.percent(),
            earphone_volume=self.earphone_volume.percent(),
            language=self.language.currentData(),
            shortcut_answer=keys["answer"],
            shortcut_hang_up=keys["hang_up"],
            shortcut_hold=keys["hold"],
            shortcut_mute=keys["mute"],
            shortcut_transfer=keys["transfer"],
        )

    def _password(self, account: AccountSettings | None) -> str | None:
        if account is None:
            return None
        typed = self.password_edit.text()
        try:
            if typed:
                self.credentials.set(account.sip_uri, typed)
                return typed
            stored = self.credentials.get(account.sip_uri)
        except KeychainUnavailable as exc:
            if typed:
                self.notice = self.tr("Password used for this session only: %s") % exc
                return typed
            raise SettingsError("password", str(exc)) from exc
        if stored is None:
            raise SettingsError(
                "password", self.tr("the keychain has none for this address: type it")
            )
        return stored

    def _refuse(self, text: str) -> None:
        self.error.setText(self.tr("Not saved. %s") % text)
        self.error.setVisible(True)

    def done(self, result: int) -> None:
        """Closing, saved or not: a headset test stops, the headset gets its devices back."""
        if self.headset_test is not None:
            self.headset_test.finish()
        if result != QDialog.DialogCode.Accepted:  # the volumes tried go back
            self._set_engine_volumes(self.profile.microphone_volume, self.profile.earphone_volume)
        super().done(result)


def _line(name: str, text: str, placeholder: str) -> QLineEdit:
    edit = QLineEdit(text)
    edit.setPlaceholderText(placeholder)
    edit.setMinimumWidth(420)
    named(edit, name)
    return edit


def _combo(name: str, choices: tuple[str, ...], current: str) -> QComboBox:
    """A choice of profile codes, each shown in words; the current code selected."""
    combo = QComboBox()
    for code in choices:
        text = _CHOICE_TEXT.get(code, code)
        combo.addItem(QCoreApplication.translate("SettingsDialog", text), code)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    named(combo, name)
    return combo


def _device_combo(name: str, description: str, current: str) -> QComboBox:
    """An editable list of devices by name, the system default first; `current` selected
    (`SettingsDialog.refresh_devices` lists the others)."""
    combo = QComboBox()
    combo.setEditable(True)
    named(combo, name, description)
    _fill_devices(combo, [], current)
    return combo


def _fill_devices(combo: QComboBox, devices: list[str], current: str) -> None:
    """(Re)list `devices` in `combo`, keeping `current` chosen even when it is not plugged in."""
    combo.clear()
    combo.addItem(QCoreApplication.translate("SettingsDialog", "(system default)"), "")
    for device in devices:
        if combo.findData(device) < 0:
            combo.addItem(device, device)
    index = combo.findData(current)
    if index < 0:  # a headset that is not plugged in now keeps its name
        combo.addItem(current, current)
        index = combo.count() - 1
    combo.setCurrentIndex(index)


def _device_name(combo: QComboBox) -> str:
    """The device name chosen or typed ("" for the system default)."""
    text = combo.currentText().strip()
    index = combo.findText(text)
    return str(combo.itemData(index) or "") if index >= 0 else text
