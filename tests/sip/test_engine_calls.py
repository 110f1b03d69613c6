"""Calls through a real Kamailio between the engine and a pjsua2 peer in its own process."""

import pytest

from softphone.sip import (
    CallDirection,
    CallMediaChanged,
    CallState,
    CallStateChanged,
    DtmfReceived,
    IncomingCall,
    InvalidTarget,
)
from tests.rig.engine_harness import EngineHarness


@pytest.fixture
def phone(kamailio):
    with EngineHarness() as harness:
        harness.account = harness.register(kamailio, "1001")
        yield harness


def _answered_incoming(phone, peer, kamailio):
    peer.send("call", uri=kamailio.user_uri("1001"))
    incoming = phone.wait_for(IncomingCall)
    phone.engine.answer(incoming.call_id)
    phone.wait_call_state(incoming.call_id, CallState.CONFIRMED)
    peer.wait_for("call_state", state="CONFIRMED")
    return incoming.call_id


def test_outgoing_call_to_a_peer_is_answered_and_timed(phone, kamailio, registered_peer):
    peer = registered_peer("1002", auto_answer=200)
    call = phone.engine.make_call(phone.account, "1002")
    confirmed = phone.wait_call_state(call, CallState.CONFIRMED)
    assert confirmed.direction is CallDirection.OUTBOUND
    assert confirmed.code == 200
    phone.poll_for(0.3)
    peer.send("hangup")
    ended = phone.wait_call_state(call, CallState.DISCONNECTED)
    assert ended.talk_seconds > 0.2
    assert ended.duration_seconds >= ended.talk_seconds
    assert phone.engine.call_ids() == []


def test_incoming_call_offers_the_invite_headers(phone, kamailio, registered_peer):
    peer = registered_peer("1002")
    peer.send(
        "call",
        uri=kamailio.user_uri("1001"),
        headers={"X-Queue": "billing", "X-Customer-Id": "C-77"},
    )
    incoming = phone.wait_for(IncomingCall)
    assert incoming.headers.get("X-Queue") == "billing"
    assert incoming.headers.get("x-customer-id") == "C-77"
    assert "1002" in incoming.remote_uri
    assert phone.engine.call_state(incoming.call_id) is CallState.INCOMING  # 180 sent, ringing
    peer.wait_for("call_state", state="EARLY", code=180)


def test_reject_sends_the_chosen_status(phone, kamailio, registered_peer):
    peer = registered_peer("1002")
    peer.send("call", uri=kamailio.user_uri("1001"))
    incoming = phone.wait_for(IncomingCall)
    phone.engine.reject(incoming.call_id, 480, "Agent Not Ready")
    ended = peer.wait_for("call_state", state="DISCONNECTED")
    assert ended["code"] == 480
    phone.wait_call_state(incoming.call_id, CallState.DISCONNECTED)


def test_hold_and_resume_are_seen_by_the_peer(phone, kamailio, registered_peer):
    peer = registered_peer("1002")
    call = _answered_incoming(phone, peer, kamailio)
    phone.engine.hold(call)
    assert peer.wait_for("rx_offer", direction="sendonly")
    peer.wait_for("media_state", status="remote_hold")
    held = phone.wait_for(CallMediaChanged, lambda e: e.call_id == call and e.local_hold)
    assert held.local_hold
    phone.engine.resume(call)
    assert peer.wait_for("rx_offer", direction="sendrecv")
    peer.wait_for("media_state", status="active")


def test_dtmf_reaches_the_peer(phone, kamailio, registered_peer):
    peer = registered_peer("1002")
    call = _answered_incoming(phone, peer, kamailio)
    phone.engine.send_dtmf(call, "12#")
    digits = [peer.wait_for("dtmf")["digit"] for _ in range(3)]
    assert digits == ["1", "2", "#"]


def test_dtmf_from_the_peer_is_reported(phone, kamailio, registered_peer):
    peer = registered_peer("1002")
    call = _answered_incoming(phone, peer, kamailio)
    peer.send("dtmf", digits="9*")
    first = phone.wait_for(DtmfReceived, lambda e: e.call_id == call)
    second = phone.wait_for(DtmfReceived, lambda e: e.call_id == call)
    assert first.digit + second.digit == "9*"


def test_invalid_dtmf_is_refused_before_reaching_pjsua(phone, kamailio, registered_peer):
    peer = registered_peer("1002")
    call = _answered_incoming(phone, peer, kamailio)
    with pytest.raises(ValueError, match="DTMF"):
        phone.engine.send_dtmf(call, "12x")


def test_mute_stops_sending_the_microphone(phone, kamailio, registered_peer):
    peer = registered_peer("1002")
    call = _answered_incoming(phone, peer, kamailio)
    sending = lambda: phone.engine.is_sending_microphone(call)  # noqa: E731
    assert phone.eventually(sending)
    phone.engine.set_mute(call, True)
    muted = phone.wait_for(CallMediaChanged, lambda e: e.call_id == call and e.muted)
    assert muted.muted
    assert phone.eventually(lambda: not sending())
    phone.engine.set_mute(call, False)
    assert phone.eventually(sending)


def test_hang_up_from_the_softphone_ends_the_peer_call(phone, kamailio, registered_peer):
    peer = registered_peer("1002")
    call = _answered_incoming(phone, peer, kamailio)
    phone.engine.hangup(call)
    phone.wait_call_state(call, CallState.DISCONNECTED)
    peer.wait_for("call_state", state="DISCONNECTED")
    phone.engine.hangup(call)  # a second hang-up of an ended call is harmless


def test_hang_up_from_the_peer_ends_the_call(phone, kamailio, registered_peer):
    peer = registered_peer("1002")
    call = _answered_incoming(phone, peer, kamailio)
    peer.send("hangup")
    ended = phone.wait_call_state(call, CallState.DISCONNECTED)
    assert ended.direction is CallDirection.INBOUND
    assert ended.talk_seconds >= 0


def test_a_peer_answering_488_gives_a_clear_end_state(phone, kamailio, registered_peer):
    registered_peer("1002", auto_answer=488)
    call = phone.engine.make_call(phone.account, "1002")
    ended = phone.wait_call_state(call, CallState.DISCONNECTED)
    assert ended.code == 488
    assert ended.reason


def test_calling_an_unregistered_user_ends_with_404(phone):
    call = phone.engine.make_call(phone.account, "1999")
    ended = phone.wait_call_state(call, CallState.DISCONNECTED)
    assert ended.code == 404


def test_a_malformed_target_is_refused_and_the_engine_goes_on(phone):
    with pytest.raises(InvalidTarget):
        phone.engine.make_call(phone.account, "sip:bad uri@")
    assert phone.engine.call_ids() == []
    phone.poll_for(0.1)
    assert phone.engine.running


def test_operations_on_an_ended_call_say_so(phone):
    from softphone.sip import EngineError

    with pytest.raises(EngineError, match="ended"):
        phone.engine.hold(12345)


def test_call_events_carry_the_sip_call_id(phone, kamailio, registered_peer):
    registered_peer("1002", auto_answer=200)
    call = phone.engine.make_call(phone.account, "1002")
    confirmed = phone.wait_call_state(call, CallState.CONFIRMED)
    assert confirmed.sip_call_id
    states = [
        e.state for e in phone.events if isinstance(e, CallStateChanged) and e.call_id == call
    ]
    assert states[0] is CallState.CALLING
    assert states[-1] is CallState.CONFIRMED


def test_an_ivr_call_from_sipp_brings_its_custom_headers(phone, kamailio, sipp_factory):
    sipp = sipp_factory(
        "uac_ivr_call.xml",
        remote=f"{kamailio.host}:{kamailio.udp_port}",
        service="1001",
        keys={"hold_ms": "300"},
    )
    incoming = phone.wait_for(IncomingCall)
    headers = incoming.headers
    assert headers.get("X-IVR-Path") == "main>billing>agent"
    assert headers.get("X-Customer-Id") == "C-10042"
    assert headers.get("X-Customer-Name") == "Ada Lovelace"
    assert headers.get("X-Queue") == "billing"
    assert headers.get("User-to-User") == "0401020304;encoding=hex"
    context = headers.matching(["X-IVR-*", "X-Customer-*", "X-Queue", "Call-Info", "User-to-User"])
    assert len(context) == 6
    phone.engine.answer(incoming.call_id)
    phone.wait_call_state(incoming.call_id, CallState.CONFIRMED)
    phone.wait_call_state(incoming.call_id, CallState.DISCONNECTED)
    assert sipp.wait(15) == 0, sipp.log_tail()
