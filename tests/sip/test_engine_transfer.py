"""Transfers through a real Kamailio: blind to an IVR, attended to an agent, and REFER received."""

import pytest

from softphone.sip import (
    CallReplaced,
    CallState,
    IncomingCall,
    TransferProgress,
    TransferRequested,
)
from softphone.sip.engine import refer_to_uri
from tests.rig.engine_harness import EngineHarness

CONTEXT = [("X-IVR-Path", "main>billing"), ("X-Customer-Id", "C-42 <b>")]


@pytest.fixture
def phone(kamailio):
    with EngineHarness() as harness:
        harness.account = harness.register(kamailio, "1001")
        yield harness


def _caller_on_the_line(phone, registered_peer, kamailio, user="1002"):
    caller = registered_peer(user)
    caller.send("call", uri=kamailio.user_uri("1001"))
    incoming = phone.wait_for(IncomingCall)
    phone.engine.answer(incoming.call_id)
    phone.wait_call_state(incoming.call_id, CallState.CONFIRMED)
    caller.wait_for("call_state", state="CONFIRMED")
    return caller, incoming.call_id


def _final(phone, call):
    return phone.wait_for(TransferProgress, lambda e: e.call_id == call and e.final, 15)


def test_refer_to_uri_embeds_escaped_headers():
    uri = refer_to_uri("sip:ivr@pbx", [("X-IVR-Path", "a>b c"), ("X-Id", "1&2")])
    assert uri == "<sip:ivr@pbx?X-IVR-Path=a%3Eb%20c&X-Id=1%262>"
    assert refer_to_uri("sip:ivr@pbx", []) == "<sip:ivr@pbx>"


def test_blind_transfer_to_an_ivr_that_accepts_carries_the_context(
    phone, kamailio, registered_peer, sipp_factory
):
    caller, call = _caller_on_the_line(phone, registered_peer, kamailio)
    ivr = sipp_factory("uas_answer.xml", service="survey")
    phone.engine.transfer(call, ivr.uri("survey"), CONTEXT)
    final = _final(phone, call)
    assert final.succeeded and final.code == 200
    assert "survey" in final.target
    phone.wait_call_state(call, CallState.DISCONNECTED)  # our leg is hung up after success
    caller.wait_for("transfer_request")
    caller.wait_for("call_state", state="CONFIRMED")  # the caller now talks to the IVR
    caller.send("hangup")
    assert ivr.wait(15) == 0, ivr.log_tail()
    invite = ivr.trace_text().split("INVITE sip:", 1)[1].split("\n\n", 1)[0]
    assert "X-IVR-Path: main>billing" in invite
    assert "X-Customer-Id: C-42 <b>" in invite


def test_blind_transfer_to_a_busy_ivr_keeps_the_caller(
    phone, kamailio, registered_peer, sipp_factory
):
    caller, call = _caller_on_the_line(phone, registered_peer, kamailio)
    busy = sipp_factory("uas_busy.xml", service="payments")
    phone.engine.transfer(call, busy.uri("payments"))
    final = _final(phone, call)
    assert final.failed and final.code == 486
    phone.poll_for(0.5)
    assert phone.engine.call_state(call) is CallState.CONFIRMED
    phone.engine.hangup(call)
    caller.wait_for("call_state", state="DISCONNECTED")


def test_attended_transfer_joins_the_caller_with_the_consulted_agent(
    phone, kamailio, registered_peer
):
    caller, call = _caller_on_the_line(phone, registered_peer, kamailio)
    colleague = registered_peer("1003", auto_answer=200)
    phone.engine.hold(call)
    caller.wait_for("media_state", status="remote_hold")
    consult = phone.engine.make_call(phone.account, "1003", CONTEXT)
    phone.wait_call_state(consult, CallState.CONFIRMED)
    assert colleague.wait_for("incoming")["headers"]["X-IVR-Path"] == "main>billing"
    phone.engine.transfer_to_call(call, consult)
    assert _final(phone, call).succeeded
    assert phone.eventually(lambda: phone.engine.call_ids() == [])  # both legs end
    colleague.wait_for("call_replaced")


def test_attended_transfer_cancelled_returns_to_the_caller(phone, kamailio, registered_peer):
    caller, call = _caller_on_the_line(phone, registered_peer, kamailio)
    registered_peer("1003", auto_answer=200)
    phone.engine.hold(call)
    caller.wait_for("media_state", status="remote_hold")
    consult = phone.engine.make_call(phone.account, "1003")
    phone.wait_call_state(consult, CallState.CONFIRMED)
    phone.engine.hangup(consult)
    phone.wait_call_state(consult, CallState.DISCONNECTED)
    phone.engine.resume(call)
    caller.wait_for("rx_offer", direction="sendrecv")
    assert phone.engine.call_state(call) is CallState.CONFIRMED


def test_a_refer_from_the_other_side_moves_us_to_the_new_target(phone, kamailio, registered_peer):
    transferor, call = _caller_on_the_line(phone, registered_peer, kamailio)
    target = registered_peer("1003", auto_answer=200)
    transferor.send("transfer", uri=kamailio.user_uri("1003"))
    requested = phone.wait_for(TransferRequested, lambda e: e.call_id == call)
    assert "1003" in requested.target
    phone.wait_call_state(requested.new_call_id, CallState.CONFIRMED)
    target.wait_for("call_state", state="CONFIRMED")
    phone.wait_call_state(call, CallState.DISCONNECTED)  # the transferor leaves
    assert phone.engine.call_ids() == [requested.new_call_id]


def test_replaces_from_an_attended_transfer_hands_us_the_new_call(phone, kamailio, registered_peer):
    """We are the consulted agent: the caller arrives with Replaces in place of our agent."""
    agent = registered_peer("1003")
    caller = registered_peer("1002", auto_answer=200)
    # The agent (peer 1003) has the caller on one call and us on another.
    agent.send("call", uri=kamailio.user_uri("1002"))
    agent.wait_for("call_state", state="CONFIRMED")
    agent.send("call", uri=kamailio.user_uri("1001"))
    incoming = phone.wait_for(IncomingCall)
    phone.engine.answer(incoming.call_id)
    phone.wait_call_state(incoming.call_id, CallState.CONFIRMED)
    assert caller  # the caller's peer answers the agent's first call
    agent.send("transfer_replaces", call=1, target_call=2)
    replaced = phone.wait_for(CallReplaced, lambda e: e.call_id == incoming.call_id)
    assert "1002" in replaced.remote_uri
    phone.wait_call_state(incoming.call_id, CallState.DISCONNECTED)
    assert phone.engine.call_ids() == [replaced.new_call_id]


def test_a_refused_refer_leaves_the_agent_with_both_calls(phone, kamailio, registered_peer):
    caller, call = _caller_on_the_line(phone, registered_peer, kamailio)
    caller.send("refer_answer", code=603)
    registered_peer("1003", auto_answer=200)
    phone.engine.hold(call)
    consult = phone.engine.make_call(phone.account, "1003")
    phone.wait_call_state(consult, CallState.CONFIRMED)
    phone.engine.transfer_to_call(call, consult)
    final = _final(phone, call)
    assert final.failed and final.code == 603
    phone.poll_for(0.3)
    assert phone.engine.call_state(call) is CallState.CONFIRMED  # the caller is still ours
    assert phone.engine.call_state(consult) is CallState.CONFIRMED
    phone.engine.hangup(consult)
    phone.engine.resume(call)
    caller.wait_for("rx_offer", direction="sendrecv")
