"""Caller context from a hostile or broken PBX: huge, with control characters and markup."""

from __future__ import annotations

from PySide6.QtCore import Qt

from softphone.sip.headers import plain_text
from supervisor.store import open_store
from tests.ui.conftest import OFFSCREEN_NOISE, save_screenshot

pytestmark = OFFSCREEN_NOISE
WAIT_MS = 15_000
HUGE = "P" * 8192
NASTY = "<b>bold</b>\x07\x1b[31m<img src=x> & &amp; <a href='javascript:x'>y</a>"


def _ring(qtbot, kamailio, sipp_factory, make_window, **keys):
    rig = make_window(kamailio)
    window = rig.window
    qtbot.waitUntil(lambda: "Registered" in window.status_line.registration.text(), timeout=WAIT_MS)
    window.agent_panel.selector.setCurrentIndex(0)
    window.agent_panel.selector.activated.emit(0)
    sipp = sipp_factory(
        "uac_ivr_call.xml",
        remote=f"{kamailio.host}:{kamailio.udp_port}",
        service="1001",
        keys={"hold_ms": "500", **keys},
    )
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.ringing_panel, timeout=WAIT_MS)
    return rig, sipp


def _refuse_and_read_back(qtbot, rig, sipp):
    window = rig.window
    window.actions_by_name["hangup"].trigger()  # refuse it: the phone goes on
    qtbot.waitUntil(
        lambda: window.pages.currentWidget() is not window.ringing_panel, timeout=WAIT_MS
    )
    sipp.stop()
    with open_store(rig.db) as store:
        [call] = store.calls()
    return dict(call.context)


def test_markup_and_control_characters_show_as_literal_plain_text(
    qtbot, kamailio, sipp_factory, make_window
):
    rig, sipp = _ring(qtbot, kamailio, sipp_factory, make_window, customer_name=NASTY)
    label = rig.window.ringing_panel.context.values["X-Customer-Name"]
    assert label.textFormat() is Qt.TextFormat.PlainText
    assert label.text() == plain_text(NASTY)
    assert "\x07" not in label.text() and "<img src=x>" in label.text()
    save_screenshot(rig.window, "hostile_context")
    assert _refuse_and_read_back(qtbot, rig, sipp)["X-Customer-Name"] == NASTY


def test_an_8_kb_value_rings_without_harm(qtbot, kamailio, sipp_factory, make_window):
    """pjsip reads 4000 bytes of a UDP INVITE: the value arrives cut, and nothing breaks."""
    rig, sipp = _ring(qtbot, kamailio, sipp_factory, make_window, ivr_path=HUGE)
    label = rig.window.ringing_panel.context.values["X-IVR-Path"]
    assert label.textFormat() is Qt.TextFormat.PlainText
    assert 0 < len(label.text()) <= 1024  # shown capped, with an ellipsis
    stored = _refuse_and_read_back(qtbot, rig, sipp)["X-IVR-Path"]
    assert HUGE.startswith(stored)
    assert len(stored) > 1024  # the store keeps what arrived, beyond what is shown
