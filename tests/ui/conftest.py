"""Fixtures for the window tests: a real Phone on a real engine inside a MainWindow."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pytest

from softphone.agent import AgentSession
from softphone.credentials import Credentials
from softphone.phone import Phone
from softphone.profile import default_profile
from softphone.sip import AccountSettings, EngineSettings, SipEngine
from softphone.ui.main_window import MainWindow
from softphone.ui.qt_engine import QtSipEngine
from softphone.ui.translations import install_translation
from supervisor.store import StoreWriter
from tests.rig.keyring_backend import MemoryKeyring

AGENT = "agent-1001"
# The offscreen platform plugin says this whenever a top-level window's size
# hints change; it is about the test platform, not the window.
OFFSCREEN_NOISE = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
WINDOW_SIZE = (1280, 800)


def save_screenshot(widget, name: str) -> Path:
    """Save what `widget` shows as artifacts/screenshots/NAME.png (gitignored), for review."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    assert widget.grab().save(str(path)), f"could not save {path}"
    return path


class WindowRig:
    """A started phone in a shown window, and the parts a test reaches for."""

    def __init__(self, qtbot, tmp_path: Path, profile, account, password) -> None:
        self.db = tmp_path / "callboard.db"
        self.store = StoreWriter(self.db)
        self.engine = SipEngine(EngineSettings(bind_address="127.0.0.1"))
        self.session = AgentSession(self.store, AGENT, profile, time.time)
        self.phone = Phone(self.engine, self.session, self.store, profile)
        self.qt_engine = QtSipEngine(self.engine)
        self.keyring = MemoryKeyring()
        self.qt_engine.start()
        self.phone.start(account, password)
        self.window = MainWindow(
            self.phone,
            self.qt_engine,
            credentials=Credentials(self.keyring),
            profile_folder=tmp_path / "profile",
        )
        qtbot.addWidget(self.window)
        self.window.resize(*WINDOW_SIZE)
        self.window.show()
        qtbot.waitExposed(self.window)

    def close(self) -> None:
        self.window.close()
        self.qt_engine.stop()
        self.phone.stop()


@pytest.fixture
def zh_tw(qapp):
    """The application in zh_TW for one test, English again afterwards."""
    translators = install_translation(qapp, "zh_TW")
    assert len(translators) == 2  # Callboard's and Qt's own
    yield
    for translator in translators:
        qapp.removeTranslator(translator)


@pytest.fixture
def make_window(qtbot, tmp_path):
    """Build a WindowRig: `make_window(kamailio)` registers 1001; `make_window()` has no account."""
    rigs: list[WindowRig] = []

    def make(kamailio=None, **profile_changes) -> WindowRig:
        profile = dataclasses.replace(
            default_profile(AGENT),
            folder=tmp_path / "profile",
            agent_name="Ada Agent",
            **profile_changes,
        )
        account = password = None
        if kamailio is not None:
            account = AccountSettings(
                kamailio.user_uri("1001"), kamailio.registrar_uri("udp"), register_expires=60
            )
            password = kamailio.users["1001"]
        rig = WindowRig(qtbot, tmp_path, profile, account, password or "")
        rigs.append(rig)
        return rig

    yield make
    for rig in rigs:
        rig.close()
