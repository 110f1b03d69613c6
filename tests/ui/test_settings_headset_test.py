"""Settings: "Test my headset" walks the agent through the engine's headset test.

The phone runs on real PortAudio devices (PulseAudio null sinks): the test
beeps into `speaker`, records what the test plays into `mic`, plays it back.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

from softphone.sip import HeadsetTestProgress
from tests.ui.conftest import OFFSCREEN_NOISE, save_screenshot

pytestmark = OFFSCREEN_NOISE

WAIT_MS = 10_000


def _open(qtbot, rig):
    """Settings opened on the page that holds the headset test, as the agent finds it."""
    dialog = rig.window.open_settings()
    panel = dialog.headset_test
    assert panel is not None
    pages = [dialog.tabs.widget(n) for n in range(dialog.tabs.count())]
    page = next(page for page in pages if page.isAncestorOf(panel))
    dialog.tabs.setCurrentWidget(page)
    qtbot.waitExposed(dialog)
    assert panel.isVisible()
    return dialog, panel


def _follow(rig, panel) -> list[tuple[str, str]]:
    """(phase, what the panel says) for each progress event, as the agent sees it."""
    seen: list[tuple[str, str]] = []

    def note(event: HeadsetTestProgress) -> None:
        seen.append((event.phase, panel.status.text()))

    rig.qt_engine.headset_test_progress.connect(note)  # after the panel's own slot
    return seen


def _last(seen: list[tuple[str, str]]) -> str:
    """The last phase seen, or "" before the first."""
    return seen[-1][0] if seen else ""


def test_the_button_walks_the_agent_through_tone_recording_and_playback(
    qtbot, pulseaudio, make_window
):
    rig = make_window()
    assert rig.engine.audio_backend == "portaudio"
    dialog, panel = _open(qtbot, rig)
    assert panel.button.text() == "Test my &headset"
    assert panel.button.isEnabled()
    seen = _follow(rig, panel)

    qtbot.mouseClick(panel.button, Qt.MouseButton.LeftButton)
    assert panel.button.text() == "Stop the &headset test"
    qtbot.waitUntil(lambda: _last(seen) == "tone", timeout=WAIT_MS)
    save_screenshot(dialog, "settings_headset_test_tone")
    qtbot.waitUntil(lambda: _last(seen) == "recording", timeout=WAIT_MS)
    speaking = pulseaudio.play_tone("mic", 440, 3.5)
    assert panel.meter.isVisible()
    # The agent sees the microphone hear them while it records.
    qtbot.waitUntil(lambda: panel.loudest > 5, timeout=WAIT_MS)
    save_screenshot(dialog, "settings_headset_test_recording")
    qtbot.waitUntil(lambda: _last(seen) == "playing_back", timeout=WAIT_MS)
    assert not panel.meter.isVisible()
    qtbot.waitUntil(lambda: _last(seen) == "done", timeout=WAIT_MS)
    speaking.wait(5)
    save_screenshot(dialog, "settings_headset_test_done")

    assert seen == [
        ("tone", "Playing a tone: you should hear it in your earphones."),
        ("recording", "Speak now: recording 3 seconds…"),
        ("playing_back", "Playing back what we recorded: you should hear your voice."),
        ("done", "Done. Did you hear yourself?"),
    ]
    assert panel.button.text() == "Test my &headset"
    dialog.reject()


def test_a_silent_microphone_is_pointed_out_in_zh_tw(qtbot, pulseaudio, zh_tw, make_window):
    rig = make_window()
    dialog, panel = _open(qtbot, rig)
    seen = _follow(rig, panel)
    qtbot.mouseClick(panel.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _last(seen) == "done", timeout=3 * WAIT_MS)
    # The catalogue's full-width punctuation, as zh_TW writes it.
    silent = "我們沒有聽到麥克風的聲音；"  # noqa: RUF001
    silent += "請確認麥克風已插好且未靜音。"
    assert panel.status.text() == silent
    save_screenshot(dialog, "settings_headset_test_silent_zh_TW")
    dialog.reject()


def test_the_agent_stops_the_test_and_closing_the_dialog_stops_it_too(
    qtbot, pulseaudio, make_window
):
    rig = make_window()
    dialog, panel = _open(qtbot, rig)
    seen = _follow(rig, panel)
    qtbot.mouseClick(panel.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _last(seen) == "recording", timeout=WAIT_MS)
    qtbot.mouseClick(panel.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _last(seen) == "cancelled", timeout=WAIT_MS)
    assert panel.status.text() == "Test stopped."
    assert panel.button.text() == "Test my &headset"

    qtbot.mouseClick(panel.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _last(seen) == "tone", timeout=WAIT_MS)
    dialog.reject()
    qtbot.waitUntil(lambda: _last(seen) == "cancelled", timeout=WAIT_MS)


def test_the_devices_chosen_are_tested_and_given_back_when_not_saved(
    qtbot, pulseaudio, make_window, monkeypatch
):
    rig = make_window()
    switched = []
    monkeypatch.setattr(
        rig.phone.engine, "switch_audio_devices", lambda *names: switched.append(names)
    )
    dialog, panel = _open(qtbot, rig)
    seen = _follow(rig, panel)
    dialog.capture_device.setEditText("USB Headset")
    dialog.playback_device.setEditText("USB Headset")
    qtbot.mouseClick(panel.button, Qt.MouseButton.LeftButton)
    assert switched == [("USB Headset", "USB Headset")]
    qtbot.waitUntil(lambda: _last(seen) == "tone", timeout=WAIT_MS)
    dialog.reject()
    assert switched == [("USB Headset", "USB Headset"), ("", "")]


def test_the_button_is_off_during_a_call(qtbot, kamailio, registered_peer, make_window):
    rig = make_window(kamailio)
    qtbot.waitUntil(
        lambda: "Registered" in rig.window.status_line.registration.text(), timeout=WAIT_MS
    )
    dialog, panel = _open(qtbot, rig)
    caller = registered_peer("1002")
    caller.send("call", uri=kamailio.user_uri("1001"))
    qtbot.waitUntil(lambda: not panel.button.isEnabled(), timeout=WAIT_MS)
    assert panel.status.text() == "The headset can be tested when no call is up."
    save_screenshot(dialog, "settings_headset_test_in_call")
    caller.send("hangup")
    qtbot.waitUntil(panel.button.isEnabled, timeout=WAIT_MS)
    assert panel.status.text() == "A tone, then 3 seconds of your voice played back."
    dialog.reject()
