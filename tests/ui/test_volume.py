"""The headset volumes: set from the call panel or Settings, heard at once, kept in the profile.

The phone runs on real PortAudio devices (PulseAudio null sinks), so a volume
reaches the bridge's conference port, not just a widget.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

from softphone.profile import load_profile
from tests.ui.conftest import OFFSCREEN_NOISE, save_screenshot

pytestmark = OFFSCREEN_NOISE

WAIT_MS = 10_000


def test_the_call_panel_starts_at_the_profile_volumes(pulseaudio, make_window):
    rig = make_window(microphone_volume=70, earphone_volume=120)
    panel = rig.window.call_panel
    assert (panel.mic_volume.percent(), panel.speaker_volume.percent()) == (70, 120)
    assert panel.speaker_volume.label.text() == "120 %"


def test_a_volume_moved_in_a_call_is_heard_at_once_and_saved_soon(qtbot, pulseaudio, make_window):
    rig = make_window()
    assert rig.engine.audio_backend == "portaudio"
    panel = rig.window.call_panel
    panel.speaker_volume.slider.setValue(40)
    # The agent's arrow key goes one step further.
    panel.mic_volume.slider.setFocus()
    qtbot.keyClick(panel.mic_volume.slider, Qt.Key.Key_Left)
    assert rig.engine.volumes == (0.95, 0.4)
    assert (rig.phone.profile.microphone_volume, rig.phone.profile.earphone_volume) == (95, 40)
    assert panel.speaker_volume.label.text() == "40 %"
    folder = rig.phone.profile.folder
    qtbot.waitUntil((folder / "profile.json").exists, timeout=WAIT_MS)
    saved = load_profile(folder)
    assert (saved.microphone_volume, saved.earphone_volume) == (95, 40)


def test_volumes_tried_in_settings_are_heard_and_cancel_puts_them_back(
    qtbot, pulseaudio, make_window
):
    rig = make_window(earphone_volume=90)
    rig.engine.set_volumes(1.0, 0.9)
    dialog = rig.window.open_settings()
    dialog.tabs.setCurrentIndex(dialog.tabs.indexOf(dialog.earphone_volume.parentWidget()))
    qtbot.waitExposed(dialog)
    dialog.earphone_volume.slider.setValue(150)
    assert rig.engine.volumes == (1.0, 1.5)
    save_screenshot(dialog, "settings_audio_volumes")
    dialog.reject()
    assert rig.engine.volumes == (1.0, 0.9)
    assert rig.window.call_panel.speaker_volume.percent() == 90
    assert not (rig.phone.profile.folder / "profile.json").exists()


def test_volumes_saved_in_settings_reach_the_call_panel_and_the_file(
    qtbot, pulseaudio, make_window
):
    rig = make_window()
    dialog = rig.window.open_settings()
    dialog.microphone_volume.slider.setValue(60)
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert rig.engine.volumes == (0.6, 1.0)
    assert rig.window.call_panel.mic_volume.percent() == 60
    assert load_profile(rig.phone.profile.folder).microphone_volume == 60
