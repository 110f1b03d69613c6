"""An incoming call reaches an agent who is not looking: tray notice, ringtone, tray icon."""

from __future__ import annotations

import logging
import time
import wave

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSystemTrayIcon

from softphone.audio.ringtone import Ringtone, ringtone_file
from softphone.ui.alerts import CallAlerts
from tests.ui.conftest import OFFSCREEN_NOISE

pytestmark = OFFSCREEN_NOISE

WAIT_MS = 15_000


class FakePlayer:
    """Counts starts and stops instead of ringing."""

    def __init__(self) -> None:
        self.events: list[str] = []

    def start(self) -> None:
        self.events.append("start")

    def stop(self) -> None:
        self.events.append("stop")


def _alerts(rig, monkeypatch):
    player = FakePlayer()
    alerts = CallAlerts(rig.window, rig.qt_engine, rig.session, player, show_tray=False)
    notices: list[tuple[str, str]] = []
    monkeypatch.setattr(alerts, "show_message", lambda title, text: notices.append((title, text)))
    return alerts, player, notices


def test_a_ringing_call_shows_a_notice_and_rings_until_refused(
    qtbot, kamailio, sipp_factory, make_window, monkeypatch
):
    rig = make_window(kamailio)
    window = rig.window
    alerts, player, notices = _alerts(rig, monkeypatch)
    qtbot.waitUntil(lambda: "Registered" in alerts.registration, timeout=WAIT_MS)
    rig.session.set_available()
    sipp_factory(
        "uac_ivr_call.xml",
        remote=f"{kamailio.host}:{kamailio.udp_port}",
        service="1001",
        keys={"customer_name": "<b>Ada</b>", "hold_ms": "30000"},
    )
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.ringing_panel, timeout=WAIT_MS)
    assert player.events == ["start"]
    [(title, text)] = notices
    assert title == "Incoming call"
    assert text.startswith("From ") and text.endswith("\nQueue: billing")
    assert "Ringing" in alerts.tray.toolTip()

    qtbot.mouseClick(window.ringing_panel.reject_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: player.events == ["start", "stop"], timeout=WAIT_MS)
    alerts.close()


@pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints", "This plugin does not support raise"
)
def test_the_tray_icon_brings_the_window_forward_and_shows_the_states(make_window, monkeypatch):
    rig = make_window()
    alerts, _player, _notices = _alerts(rig, monkeypatch)
    assert not alerts.tray.icon().isNull()
    rig.window.showMinimized()
    alerts.tray.activated.emit(QSystemTrayIcon.ActivationReason.Trigger)
    assert not rig.window.isMinimized()
    assert "no SIP account" in alerts.tray.toolTip()
    assert "Not Ready" in alerts.tray.toolTip()
    rig.session.set_available()
    assert "Available" in alerts.tray.toolTip()
    alerts.close()


def test_the_ringtone_file_is_small_mono_16_bit():
    with wave.open(str(ringtone_file()), "rb") as ring:
        assert (ring.getnchannels(), ring.getsampwidth(), ring.getframerate()) == (1, 2, 16000)
    assert ringtone_file().stat().st_size < 200_000


def test_a_ringtone_that_cannot_play_is_logged_and_ringing_goes_on(tmp_path, caplog):
    ringtone = Ringtone("Headset", file=tmp_path / "missing.wav")
    with caplog.at_level(logging.WARNING, logger="softphone.audio.ringtone"):
        ringtone.start()
    assert ringtone.playing
    assert "Ringtone not played on 'Headset'" in caplog.text
    ringtone.stop()
    assert not ringtone.playing


def test_the_ringtone_plays_on_a_pulseaudio_device_by_name(pulseaudio, caplog):
    ringtone = Ringtone("default")
    with caplog.at_level(logging.WARNING, logger="softphone.audio.ringtone"):
        ringtone.start()
        time.sleep(0.3)
        stream = ringtone._stream
        assert stream is not None and stream.active
        ringtone.stop()
    assert caplog.text == ""
    assert stream.closed
