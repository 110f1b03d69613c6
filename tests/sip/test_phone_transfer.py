"""Transfers as the agent makes them: named IVR menus, consults, failures that keep the caller.

The caller is a pjsua2 peer (it carries out REFERs as a PBX or desk phone
would), the IVR menus are SIPp, the consulted agent another pjsua2 peer.
"""

import dataclasses
import time

import pytest

from softphone.agent import AgentSession, AgentState
from softphone.phone import Phone
from softphone.profile import TransferTarget, default_profile
from softphone.sip import (
    AccountSettings,
    CallState,
    IncomingCall,
    RegistrationChanged,
    RegistrationStatus,
)
from supervisor.store import StoreWriter, open_store
from tests.rig.engine_harness import EngineHarness

AGENT = "agent-1001"


@pytest.fixture
def make_phone(kamailio, tmp_path):
    """A registered, Available agent phone whose profile names the given transfer targets."""
    stack = []

    def make(targets=()):
        profile = dataclasses.replace(
            default_profile(AGENT), transfer_targets=tuple(targets), state_after_login="available"
        )
        store = StoreWriter(tmp_path / "callboard.db")
        harness = EngineHarness().__enter__()
        stack.append((harness, store))
        phone = Phone(
            harness.engine, AgentSession(store, AGENT, profile, time.time), store, profile
        )
        phone.notices = []
        phone.add_notice_listener(phone.notices.append)
        phone.start(
            AccountSettings(
                kamailio.user_uri("1001"), kamailio.registrar_uri("udp"), register_expires=60
            ),
            kamailio.users["1001"],
        )
        harness.wait_for(RegistrationChanged, lambda e: e.status is RegistrationStatus.REGISTERED)
        phone.harness = harness
        phone.db = tmp_path / "callboard.db"
        return phone

    yield make
    for harness, store in stack:
        harness.__exit__(None, None, None)
        store.close()


def _caller(phone, registered_peer, kamailio):
    caller = registered_peer("1002")
    caller.send(
        "call",
        uri=kamailio.user_uri("1001"),
        headers={"X-IVR-Path": "main>billing", "X-Customer-Id": "C-7"},
    )
    incoming = phone.harness.wait_for(IncomingCall)
    phone.answer(incoming.call_id)
    phone.harness.wait_call_state(incoming.call_id, CallState.CONFIRMED)
    phone.harness.wait_peer(caller, "call_state", state="CONFIRMED")
    return caller, incoming


def _wait_notice(phone, text, timeout=15.0):
    assert phone.harness.eventually(lambda: any(text in n.text for n in phone.notices), timeout), [
        n.text for n in phone.notices
    ]
    return next(n for n in phone.notices if text in n.text)


def _transfers(phone):
    with open_store(phone.db) as store:
        return [t for call in store.calls(agent_id=AGENT) for t in call.transfers]


def test_blind_transfer_to_a_named_ivr_menu(make_phone, kamailio, registered_peer, sipp_factory):
    survey = sipp_factory("uas_answer.xml", service="survey")
    phone = make_phone([TransferTarget("Satisfaction survey", survey.uri("survey"))])
    caller, incoming = _caller(phone, registered_peer, kamailio)
    phone.blind_transfer(incoming.call_id, "satisfaction survey")
    _wait_notice(phone, "Transferred to Satisfaction survey")
    phone.harness.wait_call_state(incoming.call_id, CallState.DISCONNECTED)
    assert phone.session.state is AgentState.WRAP_UP
    [transfer] = _transfers(phone)
    assert (transfer.kind, transfer.result, transfer.sip_status) == ("blind", "completed", 200)
    assert transfer.target == "Satisfaction survey"
    with open_store(phone.db) as store:
        assert store.call(incoming.sip_call_id, AGENT).end_reason == "transferred"
    phone.harness.wait_peer(caller, "call_state", state="CONFIRMED")
    caller.send("hangup")
    assert survey.wait(15) == 0, survey.log_tail()
    assert "X-Customer-Id: C-7" in survey.trace_text()


def test_a_failed_blind_transfer_keeps_the_caller_on_the_line(
    make_phone, kamailio, registered_peer, sipp_factory
):
    busy = sipp_factory("uas_busy.xml", service="payments")
    phone = make_phone([TransferTarget("Payments", busy.uri("payments"))])
    _, incoming = _caller(phone, registered_peer, kamailio)
    phone.blind_transfer(incoming.call_id, "Payments")
    notice = _wait_notice(phone, "failed")
    assert notice.warning
    assert "486" in notice.text and "still on the line" in notice.text
    assert phone.engine.call_state(incoming.call_id) is CallState.CONFIRMED
    assert phone.session.state is AgentState.ON_CALL
    assert [t.result for t in _transfers(phone)] == ["failed"]


def test_attended_transfer_completed(make_phone, kamailio, registered_peer):
    phone = make_phone()
    caller, incoming = _caller(phone, registered_peer, kamailio)
    colleague = registered_peer("1003", auto_answer=200)
    consult = phone.consult(incoming.call_id, "1003")
    phone.harness.wait_peer(caller, "media_state", status="remote_hold")
    phone.harness.wait_call_state(consult, CallState.CONFIRMED)
    assert phone.harness.wait_peer(colleague, "incoming")["headers"]["X-Customer-Id"] == "C-7"
    phone.complete_transfer(incoming.call_id)
    _wait_notice(phone, "Transferred to 1003")
    assert phone.harness.eventually(lambda: phone.engine.call_ids() == [])
    assert phone.session.state is AgentState.WRAP_UP
    assert [(t.kind, t.result) for t in _transfers(phone)] == [("attended", "completed")]


def test_a_consult_nobody_answers_leaves_the_caller_on_hold(make_phone, kamailio, registered_peer):
    phone = make_phone()
    caller, incoming = _caller(phone, registered_peer, kamailio)
    registered_peer("1003", auto_answer=486)
    phone.consult(incoming.call_id, "1003")
    notice = _wait_notice(phone, "did not answer")
    assert notice.warning and "on hold" in notice.text and "486" in notice.text
    assert phone.engine.call_state(incoming.call_id) is CallState.CONFIRMED
    phone.resume(incoming.call_id)
    phone.harness.wait_peer(caller, "rx_offer", direction="sendrecv")
    assert phone.session.state is AgentState.ON_CALL


def test_a_consult_cancelled_goes_back_to_the_caller(make_phone, kamailio, registered_peer):
    phone = make_phone()
    caller, incoming = _caller(phone, registered_peer, kamailio)
    registered_peer("1003", auto_answer=200)
    consult = phone.consult(incoming.call_id, "1003")
    phone.harness.wait_call_state(consult, CallState.CONFIRMED)
    phone.swap(incoming.call_id)  # talk to the caller, consult on hold
    phone.harness.wait_peer(caller, "rx_offer", direction="sendrecv")
    phone.swap(incoming.call_id)  # and back to the colleague
    phone.harness.poll_for(0.3)
    phone.cancel_consult(incoming.call_id)
    phone.harness.wait_call_state(consult, CallState.DISCONNECTED)
    assert phone.harness.eventually(lambda: phone.engine.call_ids() == [incoming.call_id])
    assert phone.session.state is AgentState.ON_CALL
    assert [t.result for t in _transfers(phone)] == ["cancelled"]


def test_a_refused_refer_leaves_the_caller_on_hold_with_a_message(
    make_phone, kamailio, registered_peer
):
    phone = make_phone()
    caller, incoming = _caller(phone, registered_peer, kamailio)
    caller.send("refer_answer", code=603)
    registered_peer("1003", auto_answer=200)
    consult = phone.consult(incoming.call_id, "1003")
    phone.harness.wait_call_state(consult, CallState.CONFIRMED)
    phone.complete_transfer(incoming.call_id)
    notice = _wait_notice(phone, "failed")
    assert "603" in notice.text and "on hold" in notice.text
    assert phone.engine.call_state(incoming.call_id) is CallState.CONFIRMED
    assert phone.session.state is AgentState.ON_CALL


def test_a_transfer_by_the_other_side_keeps_the_agent_on_call_until_the_new_call_ends(
    make_phone, kamailio, registered_peer
):
    phone = make_phone()
    transferor, incoming = _caller(phone, registered_peer, kamailio)
    target = registered_peer("1003", auto_answer=200)
    transferor.send("transfer", uri=kamailio.user_uri("1003"))
    _wait_notice(phone, "transferred to")
    phone.harness.wait_peer(target, "call_state", state="CONFIRMED")
    phone.harness.wait_call_state(incoming.call_id, CallState.DISCONNECTED)
    assert phone.session.state is AgentState.ON_CALL
    target.send("hangup")
    assert phone.harness.eventually(lambda: phone.session.state is AgentState.WRAP_UP)


def test_a_call_transferred_to_us_shows_who_referred_it(make_phone, kamailio, registered_peer):
    phone = make_phone()
    caller = registered_peer("1002", auto_answer=200)
    colleague = registered_peer("1003")
    colleague.send("call", uri=kamailio.user_uri("1002"))
    colleague.wait_for("call_state", state="CONFIRMED")
    colleague.send("transfer", uri=kamailio.user_uri("1001"))
    incoming = phone.harness.wait_for(IncomingCall)
    referred_by = incoming.headers.get("Referred-By") or ""
    assert "1003" in referred_by
    with open_store(phone.db) as store:
        [call] = store.calls(agent_id=AGENT)
    assert "1003" in dict(call.context)["Referred-By"]
    assert caller


def test_dtmf_during_a_consult_goes_to_the_consulted_ivr(make_phone, kamailio, registered_peer):
    phone = make_phone()
    caller, incoming = _caller(phone, registered_peer, kamailio)
    ivr = registered_peer("1003", auto_answer=200)
    consult = phone.consult(incoming.call_id, "1003")
    phone.harness.wait_call_state(consult, CallState.CONFIRMED)
    phone.harness.poll_for(0.3)
    phone.send_dtmf(incoming.call_id, "2#")
    assert phone.harness.wait_peer(ivr, "dtmf")["digit"] == "2"
    assert phone.harness.wait_peer(ivr, "dtmf")["digit"] == "#"
    assert caller.events("dtmf") == []
