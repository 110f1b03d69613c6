"""Transfers from the window: to an IVR menu, warm to a colleague, and back, from the keyboard."""

from __future__ import annotations

from PySide6.QtCore import Qt

from softphone.profile import TransferTarget
from softphone.ui import transfer_dialog
from softphone.ui.transfer_dialog import TransferDialog
from tests.ui.conftest import OFFSCREEN_NOISE, save_screenshot

pytestmark = OFFSCREEN_NOISE
WAIT_MS = 15_000
TARGETS = (TransferTarget("Satisfaction survey", "8100"), TransferTarget("Payments", "8200"))


def test_the_dialog_takes_a_named_menu_and_enter_transfers_at_once(qtbot):
    dialog = TransferDialog(TARGETS, ["sip:1003@127.0.0.1"])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.target.lineEdit(), "Payments  (8200)")
    qtbot.keyClick(dialog.target.lineEdit(), Qt.Key.Key_Return)
    assert dialog.choice == ("blind", "Payments")
    save_screenshot(dialog, "transfer_dialog")


def test_the_dialog_consults_from_the_keyboard_and_refuses_an_empty_target(qtbot):
    dialog = TransferDialog(TARGETS)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.consult_button.click()
    assert dialog.choice is None
    assert dialog.problem.isVisible()
    qtbot.keyClicks(dialog.target.lineEdit(), "1003")
    assert dialog.consult_button.text() == "&Consult first"  # Alt+C on a desktop
    assert dialog.consult_button.focusPolicy() & Qt.FocusPolicy.TabFocus
    dialog.consult_button.setFocus()
    qtbot.keyClick(dialog.consult_button, Qt.Key.Key_Space)
    assert dialog.choice == ("consult", "1003")


def _answered_call(qtbot, rig, registered_peer, kamailio):
    qtbot.waitUntil(
        lambda: "Registered" in rig.window.status_line.registration.text(), timeout=WAIT_MS
    )
    caller = registered_peer("1002")
    caller.send("call", uri=kamailio.user_uri("1001"), headers={"X-Customer-Id": "C-9"})
    window = rig.window
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.ringing_panel, timeout=WAIT_MS)
    window.actions_by_name["answer"].trigger()
    qtbot.waitUntil(lambda: window.call_panel.status.text() == "Connected", timeout=WAIT_MS)
    return caller


def test_blind_transfer_to_an_ivr_menu_from_the_keyboard(
    qtbot,
    kamailio,
    registered_peer,
    sipp_factory,
    make_window,
    monkeypatch,
):
    survey = sipp_factory("uas_answer.xml", service="survey")
    rig = make_window(
        kamailio, transfer_targets=(TransferTarget("Satisfaction survey", survey.uri("survey")),)
    )
    _answered_call(qtbot, rig, registered_peer, kamailio)
    monkeypatch.setattr(
        transfer_dialog, "ask_transfer_target", lambda *_: ("blind", "Satisfaction survey")
    )
    rig.window.actions_by_name["transfer"].trigger()
    window = rig.window
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.wrap_up_form, timeout=WAIT_MS)
    assert "X-Customer-Id: C-9" in survey.trace_text()


def test_warm_transfer_with_a_failed_consult_then_back_to_the_caller(
    qtbot, kamailio, registered_peer, make_window, monkeypatch
):
    rig = make_window(kamailio)
    caller = _answered_call(qtbot, rig, registered_peer, kamailio)
    registered_peer("1003", auto_answer=486)
    monkeypatch.setattr(transfer_dialog, "ask_transfer_target", lambda *_: ("consult", "1003"))
    window = rig.window
    window.actions_by_name["transfer"].trigger()
    panel = window.call_panel
    qtbot.waitUntil(lambda: "did not answer" in panel.notice.text(), timeout=WAIT_MS)
    assert "on hold" in panel.notice.text()
    assert not panel.consult_bar.isVisible()
    save_screenshot(window, "consult_failed")
    window.actions_by_name["hold"].trigger()  # resume: back with the caller
    qtbot.waitUntil(lambda: panel.status.text() == "Connected", timeout=WAIT_MS)
    assert caller  # the caller is still on the line


def test_warm_transfer_completed_from_the_consult_bar(
    qtbot, kamailio, registered_peer, make_window, monkeypatch
):
    rig = make_window(kamailio)
    _answered_call(qtbot, rig, registered_peer, kamailio)
    registered_peer("1003", auto_answer=200)
    monkeypatch.setattr(transfer_dialog, "ask_transfer_target", lambda *_: ("consult", "1003"))
    window = rig.window
    window.actions_by_name["transfer"].trigger()
    panel = window.call_panel
    qtbot.waitUntil(panel.consult_bar.isVisible, timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: (
            rig.phone.engine.call_state(
                rig.phone.transfers[rig.phone.current_call_id()].consult_call_id
            ).value
            == "confirmed"
        ),
        timeout=WAIT_MS,
    )
    save_screenshot(window, "consulting")
    qtbot.mouseClick(panel.complete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.wrap_up_form, timeout=WAIT_MS)
