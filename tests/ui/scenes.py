"""Every state of the window and the settings dialog, put on screen for a screenshot.

The states are driven through the agent session (no SIP traffic), so they
render in a second; tests/ui/test_screenshots.py runs them in the test
process at 1280x800, and through `main()` in a process of its own at 200 %
scaling (QT_SCALE_FACTOR=2 on a 1280x800 screen: 640x400 logical pixels):

    python -m tests.ui.scenes --language zh_TW --suffix 200pct
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget

from softphone.sip import RegistrationChanged, RegistrationStatus
from softphone.ui.call_panel import CallInfo
from supervisor.store import CallAnswered, CallEnded, CallStarted

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
AGENT = "agent-1001"
CALLER = '"Chen Mei-ling" <sip:+886223456789@pbx.example>'
CONTEXT = (
    ("X-IVR-Account", "88231047"),
    ("X-IVR-Reason", "Billing question: a double charge on the March invoice"),
    ("X-Customer-Name", "Chen Mei-ling 陳美玲"),
    ("X-Customer-Tier", "Gold"),
    ("X-Queue", "billing"),
)
# Profile changes the scenes need: the wrap-up is time-boxed, to show its countdown.
PROFILE_CHANGES = {"wrap_up_mode": "time_boxed", "wrap_up_seconds": 90}


def text_problems(root: QWidget) -> list[str]:
    """Visible labels, buttons and check boxes whose text does not fit their size."""
    problems = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root) or not isinstance(widget, (QLabel, QAbstractButton)):
            continue
        if not widget.text() or widget.objectName().startswith("qt_"):
            continue
        name = f"{type(widget).__name__} {widget.text()!r}"
        if isinstance(widget, QLabel) and widget.wordWrap():
            needed = widget.heightForWidth(widget.width())
            if needed > widget.height() + 1:
                problems.append(f"{name}: needs {needed} px high, has {widget.height()}")
        elif widget.sizeHint().width() > widget.width() + 1:
            problems.append(f"{name}: needs {widget.sizeHint().width()} px, has {widget.width()}")
    return problems


def _registered(window) -> None:
    window.status_line.show_registration(
        RegistrationChanged(1, RegistrationStatus.REGISTERED, 200, "OK", expires=300)
    )


def _settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def _past_calls(session, store) -> None:
    """Three calls in the store, with wrap-ups, for the history table."""
    now = time.time()
    for index, (remote, reason) in enumerate(
        (
            ('"Lin Chih-hao" <sip:0912345678@pbx.example>', "caller_hung_up"),
            ("<sip:1002@pbx.example>", "agent_hung_up"),
            ('"Wang Shu-fen" <sip:+886287654321@pbx.example>', "cancelled"),
        )
    ):
        call_id = f"past-{index}@scenes"
        start = now - 3600 * (index + 1)
        store.record(CallStarted(call_id, AGENT, "inbound", start, "billing", remote))
        if reason != "cancelled":
            store.record(CallAnswered(call_id, AGENT, start + 8))
        store.record(CallEnded(call_id, AGENT, start + 200 + 37 * index, reason))


def scenes(window, session, store) -> Iterator[tuple[str, QWidget]]:
    """Put `window` in each state in turn; yield the scene's name and what to grab."""
    _registered(window)
    window.ticker.stop()  # no clock moving under the screenshots
    session.set_available()
    window.refresh()
    window.dial_panel.number.setText("0912 345 678")
    yield "dial", window

    window.dial_panel.set_target("not a number!")
    window.dial_panel.dial()
    yield "dial_refused", window
    window.dial_panel.set_target("")

    sip_call_id = "scene-call@scenes"
    store.record(CallStarted(sip_call_id, AGENT, "inbound", time.time(), "billing", CALLER))
    # The call exists only in the session and the window (no SIP traffic): tell
    # the phone which engine call is the agent's, as it would after an INVITE.
    window.phone.current_call_id = lambda: 1 if session.call_id == sip_call_id else None
    session.call_offered(sip_call_id, "billing")
    info = CallInfo(1, sip_call_id, CALLER, queue="billing", context=CONTEXT)
    window._calls[1] = info
    window.refresh()
    yield "ringing", window

    session.call_answered(sip_call_id)
    info.connected_at = time.monotonic() - 83
    info.held = True
    window.refresh()
    window.call_panel.keypad_button.setChecked(True)
    yield "on_call_held", window

    store.record(CallAnswered(sip_call_id, AGENT, time.time() - 83))
    store.record(CallEnded(sip_call_id, AGENT, time.time(), "agent_hung_up", 20.0))
    del window._calls[1]
    info.state_text = "1:23"
    window._ended = {sip_call_id: info}
    session.call_ended(sip_call_id)
    window.refresh()
    form = window.wrap_up_form
    form.disposition.setCurrentIndex(2)
    form.disposition.activated.emit(2)
    form.notes.setPlainText("Refund of the double charge promised; customer will check email.")
    form.follow_up.setChecked(True)
    yield "wrap_up_time_boxed", window

    form.submit()
    _past_calls(session, store)
    window.history.reload()
    window.history.table.selectRow(0)
    yield "history", window

    dialog = window.open_settings()
    for index, name in enumerate(("settings_account", "settings_calls", "settings_keyboard")):
        dialog.tabs.setCurrentIndex(index)
        yield name, dialog
    dialog.tabs.setCurrentIndex(0)
    dialog.sip_uri.setText("sip:1001@pbx.example")
    dialog.registrar.setText("pbx.example")
    dialog.save()
    yield "settings_refused", dialog
    dialog.reject()


def render(
    window,
    session,
    store,
    suffix: str,
    size: tuple[int, int],
    after: Callable[[], None],
    *,
    fit_screen: bool = False,
) -> dict[str, list[str]]:
    """Grab every scene as SCREENSHOTS/<scene>_<suffix>.png; the text problems of each.

    `fit_screen`: also a problem when a window is larger than the screen (the
    test process's offscreen screen is not the one the size stands for).
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    window.resize(*size)
    found = {}
    for name, widget in scenes(window, session, store):
        if widget is not window:
            widget.adjustSize()
        _settle()
        after()
        path = SCREENSHOTS / f"{name}_{suffix}.png"
        if not widget.grab().save(str(path)):
            raise OSError(f"could not save {path}")
        found[name] = text_problems(widget)
        screen = widget.screen().availableGeometry()
        too_big = widget.width() > screen.width() or widget.height() > screen.height()
        if fit_screen and too_big:
            found[name].append(f"{widget.size()} does not fit the screen, {screen.size()}")
    return found


def main() -> int:
    """Render every scene in this process (run it with QT_SCALE_FACTOR=2); print problems."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--language", default="en")
    parser.add_argument("--suffix", required=True)
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])

    from softphone.agent import AgentSession  # after the application
    from softphone.phone import Phone
    from softphone.profile import default_profile
    from softphone.sip import EngineSettings, SipEngine
    from softphone.ui.main_window import MainWindow
    from softphone.ui.qt_engine import QtSipEngine
    from softphone.ui.translations import install_translation
    from supervisor.store import StoreWriter

    install_translation(app, args.language)
    with tempfile.TemporaryDirectory() as folder:
        store = StoreWriter(Path(folder) / "callboard.db")
        profile = dataclasses.replace(
            default_profile(AGENT), folder=Path(folder), agent_name="Ada Agent", **PROFILE_CHANGES
        )
        engine = SipEngine(EngineSettings(bind_address="127.0.0.1"))
        session = AgentSession(store, AGENT, profile, time.time)
        phone = Phone(engine, session, store, profile)
        qt_engine = QtSipEngine(engine)
        qt_engine.start()
        phone.start(None, "")
        window = MainWindow(phone, qt_engine, profile_folder=Path(folder))
        window.show()
        screen = app.primaryScreen().availableGeometry()
        problems = render(
            window,
            session,
            store,
            args.suffix,
            (screen.width(), screen.height()),
            _settle,
            fit_screen=True,
        )
        problems["window minimum size"] = []
        minimum = window.minimumSizeHint()
        if minimum.width() > screen.width() or minimum.height() > screen.height():
            problems["window minimum size"].append(f"{minimum} is larger than {screen}")
        window.close()
        window.ticker.stop()
        qt_engine.stop()
        phone.stop()
    print(json.dumps(problems))
    return 0


if __name__ == "__main__":
    sys.exit(main())
