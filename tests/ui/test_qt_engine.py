"""The SIP engine on the Qt event loop: a QTimer polls it, signals carry its events."""

from softphone.sip import (
    AccountSettings,
    CallState,
    EngineSettings,
    RegistrationStatus,
    SipEngine,
)
from softphone.ui.qt_engine import QtSipEngine


def _account(kamailio, user="1001"):
    return AccountSettings(
        f"sip:{user}@{kamailio.domain}", kamailio.registrar_uri("udp"), register_expires=60
    )


def test_registration_arrives_as_a_qt_signal(qtbot, kamailio):
    adapter = QtSipEngine(SipEngine(EngineSettings(bind_address="127.0.0.1")))
    adapter.start()
    try:
        with qtbot.waitSignal(
            adapter.registration_changed,
            timeout=10_000,
            check_params_cb=lambda e: e.status is RegistrationStatus.REGISTERED,
        ) as blocker:
            adapter.engine.add_account(_account(kamailio), kamailio.users["1001"])
        assert blocker.args[0].code == 200
    finally:
        adapter.stop()
    assert not adapter.engine.running


def test_incoming_call_and_its_end_arrive_as_signals(qtbot, kamailio, registered_peer):
    adapter = QtSipEngine(SipEngine(EngineSettings(bind_address="127.0.0.1")))
    adapter.start()
    try:
        with qtbot.waitSignal(
            adapter.registration_changed,
            timeout=10_000,
            check_params_cb=lambda e: e.status is RegistrationStatus.REGISTERED,
        ):
            adapter.engine.add_account(_account(kamailio), kamailio.users["1001"])
        peer = registered_peer("1002")
        with qtbot.waitSignal(adapter.incoming_call, timeout=10_000) as ringing:
            peer.send("call", uri=kamailio.user_uri("1001"), headers={"X-Queue": "sales"})
        incoming = ringing.args[0]
        assert incoming.headers.get("X-Queue") == "sales"
        with qtbot.waitSignal(
            adapter.call_state_changed,
            timeout=10_000,
            check_params_cb=lambda e: e.state is CallState.DISCONNECTED,
        ) as ended:
            adapter.engine.reject(incoming.call_id, 486)
        assert ended.args[0].code == 486
    finally:
        adapter.stop()
