"""Settings: invalid values are refused with the reason; a valid account registers."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from softphone.credentials import SERVICE
from tests.ui.conftest import OFFSCREEN_NOISE, save_screenshot

pytestmark = OFFSCREEN_NOISE


def test_an_invalid_registrar_is_refused_with_the_reason(qtbot, make_window):
    rig = make_window()
    dialog = rig.window.open_settings()
    qtbot.waitExposed(dialog)
    dialog.sip_uri.setText("sip:1001@127.0.0.1")
    dialog.registrar.setText("pbx.example")
    dialog.password_edit.setText("secret")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.error.text().startswith("Not saved. Registrar:")
    assert "not a SIP URI" in dialog.error.text()
    assert rig.keyring.secrets == {}
    save_screenshot(dialog, "settings_refused")
    dialog.reject()


def test_registering_from_the_settings_dialog(qtbot, kamailio, make_window, tmp_path):
    rig = make_window()
    window = rig.window
    assert "no SIP account" in window.status_line.registration.text()
    save_screenshot(window, "main_window_no_account")
    dialog = window.open_settings()
    qtbot.waitExposed(dialog)
    dialog.sip_uri.setText(kamailio.user_uri("1001"))
    dialog.registrar.setText(kamailio.registrar_uri("udp"))
    qtbot.keyClicks(dialog.password_edit, kamailio.users["1001"])
    save_screenshot(dialog, "settings")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: "Registered" in window.status_line.registration.text(), timeout=15_000)
    assert rig.keyring.secrets == {(SERVICE, kamailio.user_uri("1001")): kamailio.users["1001"]}
    saved = (tmp_path / "profile" / "profile.json").read_text()
    assert kamailio.users["1001"] not in saved
    assert json.loads(saved)["account"]["sip_uri"] == kamailio.user_uri("1001")


def test_shortcuts_from_the_profile_are_on_the_call_actions(make_window):
    window = make_window(shortcut_hold="F6", shortcut_transfer="F8").window
    assert window.actions_by_name["hold"].shortcut().toString() == "F6"
    assert window.actions_by_name["transfer"].shortcut().toString() == "F8"
    assert window.actions_by_name["hangup"].shortcut().toString() == "Ctrl+Shift+E"


def test_a_shortcut_taken_twice_is_refused_with_the_reason(qtbot, make_window):
    rig = make_window()
    dialog = rig.window.open_settings()
    dialog.shortcuts.edits["mute"].setKeySequence(QKeySequence("Ctrl+Shift+A"))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.error.text() == (
        "Not saved. Keyboard: the shortcut for Mute / Unmute, Ctrl+Shift+A, "
        "is already the key of Answer"
    )
    dialog.reject()


def test_a_changed_shortcut_is_saved_and_used_at_once(qtbot, make_window, tmp_path):
    rig = make_window()
    dialog = rig.window.open_settings()
    dialog.shortcuts.edits["transfer"].setKeySequence(QKeySequence("F8"))
    dialog.language.setCurrentIndex(dialog.language.findData("zh_TW"))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert rig.window.actions_by_name["transfer"].shortcut().toString() == "F8"
    saved = json.loads((tmp_path / "profile" / "profile.json").read_text())
    assert saved["shortcuts"]["transfer"] == "F8"
    assert saved["ui"]["language"] == "zh_TW"


def test_headset_devices_are_chosen_by_name_saved_and_switched_at_once(
    qtbot, make_window, tmp_path, monkeypatch
):
    rig = make_window()
    switched = []
    monkeypatch.setattr(
        rig.phone.engine, "switch_audio_devices", lambda *names: switched.append(names)
    )
    dialog = rig.window.open_settings()
    assert dialog.capture_device.itemText(0) == "(system default)"
    dialog.capture_device.setEditText("USB Headset")
    dialog.playback_device.setEditText("USB Headset")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    saved = json.loads((tmp_path / "profile" / "profile.json").read_text())
    assert saved["audio"]["capture_device"] == "USB Headset"
    assert saved["audio"]["playback_device"] == "USB Headset"
    assert switched == [("USB Headset", "USB Headset")]


def test_settings_show_the_api_token_file_and_copy_the_token(qtbot, make_window, tmp_path):
    import os
    import stat

    from PySide6.QtGui import QGuiApplication

    rig = make_window()
    dialog = rig.window.open_settings()
    token_file = tmp_path / "profile" / "cti-token"
    assert dialog.token_file.text() == str(token_file)
    qtbot.mouseClick(dialog.copy_token_button, Qt.MouseButton.LeftButton)
    token = token_file.read_text().strip()
    assert len(token) >= 32
    assert QGuiApplication.clipboard().text() == token
    assert stat.S_IMODE(os.stat(token_file).st_mode) == 0o600
    assert "copied" in dialog.token_status.text()
    save_screenshot(dialog, "settings_automation")
    dialog.reject()
