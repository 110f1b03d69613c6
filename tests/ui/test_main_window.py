"""The softphone window against a real Kamailio, SIPp as the IVR, and a pjsua2 peer."""

from __future__ import annotations

from PySide6.QtCore import Qt

from softphone.agent import AgentState
from softphone.sip import RegistrationStatus
from supervisor.store import open_store
from tests.ui.conftest import AGENT, OFFSCREEN_NOISE, save_screenshot

pytestmark = OFFSCREEN_NOISE

HTML_NAME = "<b>x</b> <img src=x>"
WAIT_MS = 15_000
# The event loop must not stall during call setup; each engine poll runs the
# window's slots for the events it delivers, so its length bounds the stall.
STALL_MS = 50.0


def _registered(qtbot, rig) -> None:
    qtbot.waitUntil(
        lambda: "Registered" in rig.window.status_line.registration.text(), timeout=WAIT_MS
    )


def _choose(combo, index: int) -> None:
    """Pick an item the way a user does: the combo's activated signal follows."""
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def _ivr_call(sipp_factory, kamailio, scenario="uac_ivr_call.xml", **keys):
    return sipp_factory(
        scenario, remote=f"{kamailio.host}:{kamailio.udp_port}", service="1001", keys=keys
    )


def test_an_ivr_call_is_answered_held_hung_up_wrapped_up_and_listed(
    qtbot, kamailio, sipp_factory, make_window
):
    rig = make_window(kamailio)
    window = rig.window
    _registered(qtbot, rig)
    _choose(window.agent_panel.selector, 0)  # Available
    assert rig.session.state is AgentState.AVAILABLE
    save_screenshot(window, "main_window_available")

    rig.qt_engine.longest_poll_ms = 0.0  # from here: call setup, with the window's slots
    sipp = _ivr_call(sipp_factory, kamailio, customer_name=HTML_NAME, hold_ms="30000")
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.ringing_panel, timeout=WAIT_MS)
    name = window.ringing_panel.context.values["X-Customer-Name"]
    assert name.text() == HTML_NAME
    assert name.textFormat() is Qt.TextFormat.PlainText
    assert window.ringing_panel.heading.queue.text() == "Queue: billing"
    save_screenshot(window, "ringing")

    qtbot.mouseClick(window.ringing_panel.answer_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.call_panel.status.text() == "Connected", timeout=WAIT_MS)
    assert window.call_panel.context.values["X-Customer-Name"].text() == HTML_NAME
    assert rig.qt_engine.longest_poll_ms < STALL_MS

    with qtbot.waitSignal(
        rig.qt_engine.call_media_changed, timeout=WAIT_MS, check_params_cb=lambda e: e.local_hold
    ):
        qtbot.mouseClick(window.call_panel.hold_button, Qt.MouseButton.LeftButton)
    assert window.call_panel.status.text() == "On hold"
    window.call_panel.keypad_button.click()
    save_screenshot(window, "on_call_held")

    qtbot.mouseClick(window.call_panel.hangup_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.wrap_up_form, timeout=WAIT_MS)
    form = window.wrap_up_form
    _choose(form.disposition, 1)
    qtbot.keyClicks(form.notes, "Refund <promised>")
    form.resolved.setChecked(True)
    form.follow_up.setChecked(True)
    save_screenshot(window, "wrap_up")
    qtbot.mouseClick(form.submit_button, Qt.MouseButton.LeftButton)
    assert window.pages.currentWidget() is window.dial_panel
    assert rig.session.state is AgentState.AVAILABLE

    disposition = rig.profile_disposition = rig.phone.profile.dispositions[0]
    table = window.history.table
    assert table.rowCount() == 1
    assert table.item(0, 3).text() == disposition.label
    assert table.item(0, 4).text() == "Refund <promised>"
    save_screenshot(window, "history")
    qtbot.waitUntil(lambda: not sipp.running, timeout=WAIT_MS)
    assert sipp.wait(1) == 0, sipp.log_tail()
    with open_store(rig.db) as store:
        [final] = store.wrap_ups(agent_id=AGENT)
    assert (final.outcome, final.disposition, final.resolved) == (
        "submitted",
        disposition.code,
        True,
    )
    assert final.follow_up_at is not None


def test_a_not_ready_agent_refuses_a_queue_call_with_480(
    qtbot, kamailio, sipp_factory, make_window
):
    rig = make_window(kamailio)
    _registered(qtbot, rig)
    assert rig.session.state is AgentState.NOT_READY
    sipp = _ivr_call(sipp_factory, kamailio, "uac_ivr_call_expect_480.xml")
    qtbot.waitUntil(lambda: not sipp.running, timeout=WAIT_MS)
    assert sipp.wait(1) == 0, sipp.log_tail()
    assert 480 in sipp.received_codes()
    assert rig.window.pages.currentWidget() is rig.window.dial_panel
    qtbot.waitUntil(lambda: rig.window.history.table.rowCount() == 1, timeout=WAIT_MS)
    assert rig.window.history.table.item(0, 2).text() == "declined"


def test_an_outgoing_call_from_the_dial_pad(qtbot, kamailio, peer_factory, make_window):
    peer = peer_factory()
    peer.send(
        "register",
        user="1002",
        password=kamailio.users["1002"],
        registrar=kamailio.registrar_uri("udp"),
        transport="udp",
    )
    peer.wait_for("reg_state", code=200)
    peer.send("auto_answer", code=200, delay_ms=0)
    rig = make_window(kamailio)
    window = rig.window
    _registered(qtbot, rig)

    qtbot.keyClicks(window.dial_panel.number, "not a number!")
    qtbot.mouseClick(window.dial_panel.dial_button, Qt.MouseButton.LeftButton)
    assert window.dial_panel.error.isVisible()
    assert "neither a number nor a SIP address" in window.dial_panel.error.text()
    save_screenshot(window, "dial_refused")

    window.dial_panel.number.clear()
    qtbot.mouseClick(window.dial_panel.keypad.buttons["1"], Qt.MouseButton.LeftButton)
    qtbot.keyClicks(window.dial_panel.number, "0 0-")
    qtbot.mouseClick(window.dial_panel.keypad.buttons["2"], Qt.MouseButton.LeftButton)
    assert window.dial_panel.number.text() == "10 0-2"
    rig.qt_engine.longest_poll_ms = 0.0
    qtbot.keyClick(window.dial_panel.number, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.call_panel.status.text() == "Connected", timeout=WAIT_MS)
    assert rig.qt_engine.longest_poll_ms < STALL_MS
    assert "1002" in window.call_panel.heading.party.text()
    save_screenshot(window, "outgoing_call")

    window.actions_by_name["hangup"].trigger()
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.wrap_up_form, timeout=WAIT_MS)
    qtbot.mouseClick(window.wrap_up_form.skip_button, Qt.MouseButton.LeftButton)
    assert window.pages.currentWidget() is window.dial_panel
    assert window.history.table.rowCount() == 1
    assert "1002" in window.history.table.item(0, 1).text()
    assert (
        rig.phone.engine.registration(rig.phone.account_id).status is RegistrationStatus.REGISTERED
    )
