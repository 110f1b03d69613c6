"""A headset that goes away is said in words, offered back when it returns, and listed anew."""

from __future__ import annotations

from PySide6.QtCore import Qt

from softphone.audio.devices import AudioDevice
from softphone.sip import AudioDeviceListChanged, AudioDeviceReturned, AudioDevicesChanged
from tests.ui.conftest import OFFSCREEN_NOISE, save_screenshot

pytestmark = OFFSCREEN_NOISE

LOST = AudioDevicesChanged(
    "", "", "Jabra EVOLVE 20 Mono went away; using the default device", lost="Jabra EVOLVE 20 Mono"
)


def test_the_window_says_the_headset_went_and_offers_it_back(qtbot, make_window, monkeypatch):
    rig = make_window()
    switched = []
    monkeypatch.setattr(
        rig.phone.engine, "switch_audio_devices", lambda *names: switched.append(names)
    )
    notice = rig.window.headset_notice
    assert not notice.isVisible()

    rig.qt_engine.audio_devices_changed.emit(LOST)
    assert notice.isVisible()
    assert "Jabra EVOLVE 20 Mono" in notice.text.text()
    assert "default" in notice.text.text()
    assert not notice.switch_button.isVisible()
    save_screenshot(rig.window, "window_headset_gone")

    rig.qt_engine.audio_device_returned.emit(
        AudioDeviceReturned("Jabra EVOLVE 20 Mono", "Jabra EVOLVE 20 Mono")
    )
    assert notice.switch_button.isVisible()
    assert "is back" in notice.text.text()
    save_screenshot(rig.window, "window_headset_back")
    qtbot.mouseClick(notice.switch_button, Qt.MouseButton.LeftButton)
    assert switched == [("Jabra EVOLVE 20 Mono", "Jabra EVOLVE 20 Mono")]
    assert not notice.isVisible()


def test_a_device_name_is_shown_as_plain_text(make_window):
    rig = make_window()
    hostile = AudioDevicesChanged("", "", "went away", lost="<b>Headset</b> <img src=x>")
    rig.qt_engine.audio_devices_changed.emit(hostile)
    label = rig.window.headset_notice.text
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert "<b>Headset</b>" in label.text()


def test_the_agent_switching_devices_clears_the_warning(make_window):
    rig = make_window()
    rig.qt_engine.audio_devices_changed.emit(LOST)
    rig.qt_engine.audio_devices_changed.emit(AudioDevicesChanged("A", "B", "switched"))
    assert not rig.window.headset_notice.isVisible()


def test_the_device_lists_follow_the_system_and_keep_the_choice(qtbot, make_window, monkeypatch):
    rig = make_window(capture_device="Jabra EVOLVE 20 Mono")
    plugged: list[AudioDevice] = []
    # What the engine lists: the sound server's devices here, the build's own on macOS/Windows.
    monkeypatch.setattr(rig.phone.engine, "audio_devices", lambda: tuple(plugged))
    dialog = rig.window.open_settings()
    names = [dialog.playback_device.itemText(i) for i in range(dialog.playback_device.count())]
    assert "Poly Blackwire 3320" not in names

    plugged.append(AudioDevice("Poly Blackwire 3320", "PulseAudio", 1, 1, 0.0))
    rig.qt_engine.audio_device_list_changed.emit(AudioDeviceListChanged())
    names = [dialog.playback_device.itemText(i) for i in range(dialog.playback_device.count())]
    assert "Poly Blackwire 3320" in names
    assert dialog.capture_device.currentText() == "Jabra EVOLVE 20 Mono"  # still chosen

    plugged.append(AudioDevice("Jabra Speak 410", "PulseAudio", 1, 1, 0.0))
    qtbot.mouseClick(dialog.refresh_devices_button, Qt.MouseButton.LeftButton)
    names = [dialog.ringer_device.itemText(i) for i in range(dialog.ringer_device.count())]
    assert "Jabra Speak 410" in names
    dialog.reject()
