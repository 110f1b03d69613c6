"""The softphone's heart without a window: SIP calls drive agent states and store facts.

A real Kamailio, SIPp as the IVR that hands calls over, pjsua2 peers, and a
real SQLite store.
"""

import dataclasses
import time

import pytest

from softphone.agent import AgentSession, AgentState
from softphone.phone import Phone
from softphone.profile import default_profile
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
def phone(kamailio, tmp_path):
    profile = default_profile(AGENT)
    store = StoreWriter(tmp_path / "callboard.db")
    with EngineHarness() as harness:
        session = AgentSession(store, AGENT, profile, time.time)
        phone = Phone(harness.engine, session, store, profile)
        account = AccountSettings(
            kamailio.user_uri("1001"), kamailio.registrar_uri("udp"), register_expires=60
        )
        phone.start(account, kamailio.users["1001"])
        _registered(harness)
        phone.harness = harness
        phone.db = tmp_path / "callboard.db"
        yield phone
    store.close()


def _registered(harness):
    harness.wait_for(RegistrationChanged, lambda e: e.status is RegistrationStatus.REGISTERED)


def _ivr_call(sipp_factory, kamailio, scenario="uac_ivr_call.xml", hold_ms=300):
    return sipp_factory(
        scenario,
        remote=f"{kamailio.host}:{kamailio.udp_port}",
        service="1001",
        keys={"hold_ms": str(hold_ms)},
    )


def _stored_calls(phone):
    with open_store(phone.db) as store:
        return store.calls(agent_id=AGENT)


def test_a_queue_call_to_a_not_ready_agent_is_answered_480(phone, kamailio, sipp_factory):
    assert phone.session.state is AgentState.NOT_READY  # the profile's default after login
    sipp = _ivr_call(sipp_factory, kamailio, "uac_ivr_call_expect_480.xml")
    incoming = phone.harness.wait_for(IncomingCall)
    ended = phone.harness.wait_call_state(incoming.call_id, CallState.DISCONNECTED)
    assert ended.code == 480
    assert sipp.wait(15) == 0, sipp.log_tail()
    assert 480 in sipp.received_codes()
    assert phone.session.state is AgentState.NOT_READY
    [call] = _stored_calls(phone)
    assert call.queue == "billing"
    assert call.end_reason == "declined"
    assert call.sip_status == 480
    assert call.answered_at is None


def test_an_answered_queue_call_is_stored_with_its_context_and_opens_wrap_up(
    phone, kamailio, sipp_factory
):
    phone.session.set_available()
    sipp = _ivr_call(sipp_factory, kamailio, hold_ms=500)
    incoming = phone.harness.wait_for(IncomingCall)
    assert phone.session.state is AgentState.RINGING
    phone.answer(incoming.call_id)
    phone.harness.wait_call_state(incoming.call_id, CallState.CONFIRMED)
    assert phone.session.state is AgentState.ON_CALL
    phone.harness.wait_call_state(incoming.call_id, CallState.DISCONNECTED)
    assert sipp.wait(15) == 0, sipp.log_tail()
    assert phone.session.state is AgentState.WRAP_UP
    [call] = _stored_calls(phone)
    assert call.call_id == incoming.sip_call_id
    assert call.end_reason == "caller_hung_up"
    assert call.answered_at is not None and call.ended_at > call.answered_at
    context = dict(call.context)
    assert context["X-IVR-Path"] == "main>billing>agent"
    assert context["X-Customer-Id"] == "C-10042"
    assert context["User-to-User"] == "0401020304;encoding=hex"
    with open_store(phone.db) as store:
        assert store.unfinished_wrap_up(AGENT).call_id == incoming.sip_call_id


def test_a_call_during_wrap_up_is_refused_480(phone, kamailio, sipp_factory):
    phone.session.set_available()
    first = _ivr_call(sipp_factory, kamailio, hold_ms=200)
    incoming = phone.harness.wait_for(IncomingCall)
    phone.answer(incoming.call_id)
    phone.harness.wait_call_state(incoming.call_id, CallState.DISCONNECTED, timeout=15)
    assert first.wait(15) == 0
    assert phone.session.state is AgentState.WRAP_UP
    second = _ivr_call(sipp_factory, kamailio, "uac_ivr_call_expect_480.xml")
    refused = phone.harness.wait_for(IncomingCall)
    phone.harness.wait_call_state(refused.call_id, CallState.DISCONNECTED)
    assert second.wait(15) == 0, second.log_tail()
    phone.session.wrap_up.update(disposition=phone.profile.dispositions[0].code)
    phone.session.wrap_up.submit()
    assert phone.session.state is AgentState.AVAILABLE


def test_auto_answer_answers_after_the_profile_delay(kamailio, tmp_path, sipp_factory):
    profile = dataclasses.replace(
        default_profile(AGENT), auto_answer_seconds=0.0, state_after_login="available"
    )
    with StoreWriter(tmp_path / "s.db") as store, EngineHarness() as harness:
        phone = Phone(
            harness.engine, AgentSession(store, AGENT, profile, time.time), store, profile
        )
        phone.start(
            AccountSettings(
                kamailio.user_uri("1001"), kamailio.registrar_uri("udp"), register_expires=60
            ),
            kamailio.users["1001"],
        )
        _registered(harness)
        sipp = _ivr_call(sipp_factory, kamailio, hold_ms=200)
        incoming = harness.wait_for(IncomingCall)
        phone.tick()
        harness.wait_call_state(incoming.call_id, CallState.CONFIRMED)
        harness.wait_call_state(incoming.call_id, CallState.DISCONNECTED)
        assert sipp.wait(15) == 0, sipp.log_tail()


def test_an_outbound_call_puts_the_agent_on_call_and_counts_hold(phone, registered_peer):
    peer = registered_peer("1002", auto_answer=200)
    call = phone.dial("1002")
    assert phone.session.state is AgentState.ON_CALL
    phone.harness.wait_call_state(call, CallState.CONFIRMED)
    phone.hold(call)
    peer.wait_for("media_state", status="remote_hold")
    phone.harness.poll_for(0.4)
    phone.resume(call)
    peer.wait_for("media_state", status="active")
    phone.hangup(call)
    phone.harness.wait_call_state(call, CallState.DISCONNECTED)
    assert phone.session.state is AgentState.WRAP_UP
    [stored] = _stored_calls(phone)
    assert stored.direction == "outbound"
    assert stored.end_reason == "agent_hung_up"
    assert stored.hold_seconds >= 0.3
