"""The softphone with its window: builds the application, the phone and the window, runs them.

    softphone [--profile DIR] [sip:URI | tel:NUMBER]

The profile comes from `--profile` or the user config folder
(`platformdirs.user_config_dir("Callboard")/profile`); without a profile the
window opens with defaults and the agent adds the account in Settings. The
password comes from the keychain, or from `ask_password()` (the one seam for
that dialog). SIGTERM and SIGINT quit cleanly: calls are hung up, the account
unregistered, and the process exits 0.
"""

from __future__ import annotations

import dataclasses
import logging
import signal
import sys
import time
from pathlib import Path

import platformdirs
from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit, QMessageBox, QWidget

from softphone.agent import AgentSession
from softphone.credentials import Credentials, KeychainUnavailable
from softphone.cti import CtiError, CtiServer
from softphone.headless import account_settings
from softphone.logsetup import configure_logging
from softphone.phone import Phone, engine_settings
from softphone.profile import PROFILE_FILE, Profile, ProfileError, default_profile, load_profile
from softphone.sip import AccountSettings, EngineError, SettingsError, SipEngine
from softphone.ui.alerts import CallAlerts, app_icon, ringtone_for
from softphone.ui.main_window import MainWindow
from softphone.ui.qt_engine import QtSipEngine
from softphone.ui.single_instance import InstanceServer, hand_over
from softphone.ui.translations import install_translation
from supervisor.store import StoreWriter

log = logging.getLogger(__name__)

APP_NAME = "Callboard"


def default_profile_folder() -> Path:
    """Where the agent's profile lives when `--profile` is not given."""
    return Path(platformdirs.user_config_dir(APP_NAME, False)) / "profile"


def ask_password(parent: QWidget | None, account_uri: str, why: str) -> str | None:
    """Ask the agent for the account's password (the one seam tests patch); None if cancelled."""
    text, ok = QInputDialog.getText(
        parent,
        QApplication.translate("app", "Password"),
        QApplication.translate("app", "%s\nPassword for %s:") % (why, account_uri),
        QLineEdit.EchoMode.Password,
    )
    return text if ok and text else None


def load_or_default_profile(folder: Path) -> Profile:
    """The profile in `folder`, or defaults (no account yet) when it has no profile.json."""
    if (folder / PROFILE_FILE).exists():
        return load_profile(folder)
    return dataclasses.replace(default_profile(), folder=folder)


def obtain_password(credentials: Credentials, account: AccountSettings) -> str | None:
    """From the keychain, else asked; the dialog says why it asks."""
    try:
        password = credentials.get(account.sip_uri)
        why = QApplication.translate("app", "The keychain has no password for this account.")
    except KeychainUnavailable as exc:
        password, why = None, str(exc)
    if password is None:
        password = ask_password(None, account.sip_uri, why)
    return password


def run_window(
    profile_dir: Path | None,
    target: str | None,
    *,
    verbose: bool = False,
    credentials: Credentials | None = None,
) -> int:
    """Run the softphone window until it is closed or the process is told to stop."""
    configure_logging("softphone", verbose=verbose)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    if hand_over(target or ""):
        print("Handed over to the softphone already running.", file=sys.stderr)
        return 0
    folder = (profile_dir or default_profile_folder()).expanduser()
    try:
        profile = load_or_default_profile(folder)
        account = account_settings(profile) if profile.account is not None else None
    except (ProfileError, SettingsError) as exc:
        QMessageBox.critical(None, APP_NAME, f"Profile {folder}: {exc}")
        print(f"Profile {folder}: {exc}", file=sys.stderr)
        return 2
    install_translation(app, profile.language)  # before any widget is made
    credentials = credentials or Credentials()
    password = obtain_password(credentials, account) if account is not None else None
    if account is not None and password is None:
        log.info("No password for %s: starting without registering", account.sip_uri)
        account = None

    store = StoreWriter()
    engine = SipEngine(engine_settings(profile))
    session = AgentSession(store, profile.agent_id, profile, time.time)
    phone = Phone(engine, session, store, profile)
    qt_engine = QtSipEngine(engine)
    if profile.cti_enabled:
        _start_api(phone, folder)
    try:
        qt_engine.start()
        phone.start(account, password or "")
    except EngineError as exc:
        QMessageBox.critical(None, APP_NAME, f"SIP engine: {exc}")
        phone.stop()
        return 1
    del password
    window = MainWindow(phone, qt_engine, credentials=credentials, profile_folder=folder)
    window.setWindowIcon(app_icon())
    alerts = CallAlerts(window, qt_engine, phone.session, ringtone_for(profile.ringer_device))
    window.show()
    if target:
        QTimer.singleShot(0, lambda: window.call_back(target))
    instance = InstanceServer(parent=window)
    instance.target_received.connect(window.receive_target)
    instance.listen()
    _quit_on_signals(app)
    status = app.exec()
    instance.close()
    alerts.close()
    window.ticker.stop()
    qt_engine.stop()
    phone.stop()
    log.info("Softphone window closed (status %d)", status)
    return 0 if status == 0 else 1


def _start_api(phone: Phone, folder: Path) -> CtiServer | None:
    """The automation API: a 10 ms timer runs its queued commands on this (the GUI) thread.

    It stops when the event loop quits, before the engine shuts down.
    """
    app = QCoreApplication.instance()
    cti = CtiServer(phone, folder, port=phone.profile.cti_port)
    try:
        cti.start()
    except CtiError as exc:
        log.warning("Not starting the %s", exc)
        return None
    timer = QTimer(app)
    timer.setInterval(10)
    timer.timeout.connect(cti.process_pending)
    timer.start()
    if app is not None:
        app.aboutToQuit.connect(timer.stop)
        app.aboutToQuit.connect(cti.stop)
    return cti


def _quit_on_signals(app: QCoreApplication) -> None:
    """SIGTERM and SIGINT (and SIGHUP) quit the event loop; the 10 ms poll gives Python a turn."""

    def stop(signum: int, _frame: object) -> None:
        log.info("Stopping on %s", signal.Signals(signum).name)
        app.quit()

    for name in ("SIGTERM", "SIGINT", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is not None:
            signal.signal(signum, stop)
