"""The engine registers with a real Kamailio: transports, digest auth, failures, retries."""

import socket
import time

import pytest

from softphone.sip import AccountSettings, RegistrationChanged, RegistrationStatus
from softphone.sip.backoff import Backoff
from tests.rig.engine_harness import EngineHarness


def _final(harness, account, timeout=10.0):
    return harness.wait_for(
        RegistrationChanged,
        lambda e: e.account_id == account and e.status is not RegistrationStatus.REGISTERING,
        timeout,
    )


@pytest.mark.parametrize("transport", ["udp", "tcp", "tls"])
def test_registers_with_digest_auth(kamailio, transport):
    with EngineHarness() as harness:
        account = harness.add_account(kamailio, "1001", transport)
        event = _final(harness, account)
        assert event.status is RegistrationStatus.REGISTERED
        assert event.code == 200
        assert event.expires > 0
        assert "Registered" in event.message


def test_tls_refuses_a_server_certificate_it_cannot_verify(kamailio, tmp_path):
    with EngineHarness() as harness:
        # The system's CA bundle does not hold the test's own CA.
        account = harness.add_account(kamailio, "1001", "tls", tls_ca_file="")
        event = _final(harness, account)
        assert event.status is RegistrationStatus.FAILED
        assert event.code >= 500


def test_tls_without_verification_registers_when_the_agent_turns_it_off(kamailio):
    with EngineHarness() as harness:
        account = harness.add_account(kamailio, "1001", "tls", tls_ca_file="", tls_verify=False)
        assert _final(harness, account).status is RegistrationStatus.REGISTERED


def test_wrong_password_fails_with_401_or_403_and_no_retry_storm(kamailio):
    with EngineHarness() as harness:
        account = harness.add_account(kamailio, "1001", password="wrong")
        event = _final(harness, account)
        assert event.status is RegistrationStatus.FAILED
        assert event.code in (401, 403)
        assert event.retry_in is not None and event.retry_in >= 30
        assert "failed" in event.message and str(event.code) in event.message
        failures_before = sum(isinstance(e, RegistrationChanged) for e in harness.events)
        harness.poll_for(4.0)
        failures_after = sum(isinstance(e, RegistrationChanged) for e in harness.events)
        assert failures_after == failures_before


def test_registers_again_by_itself_after_kamailio_restarts(kamailio_fresh):
    with EngineHarness(backoff=Backoff(base=0.5, ceiling=2.0)) as harness:
        account = harness.register(kamailio_fresh, "1001", "tcp")
        kamailio_fresh.stop()
        lost = _final(harness, account)
        assert lost.status is RegistrationStatus.FAILED
        assert lost.retry_in is not None
        kamailio_fresh.start()
        back = harness.wait_for(
            RegistrationChanged,
            lambda e: e.account_id == account and e.status is RegistrationStatus.REGISTERED,
            timeout=30,
        )
        assert back.code == 200


def test_unregisters_on_shutdown(kamailio, registered_peer):
    with EngineHarness() as harness:
        harness.register(kamailio, "1003")
    caller = registered_peer("1002")
    caller.send("call", uri=kamailio.user_uri("1003"))
    ended = caller.wait_for("call_state", state="DISCONNECTED")
    assert ended["code"] in (404, 480)


@pytest.mark.slow
def test_a_registrar_that_never_answers_ends_in_a_timeout_state():
    silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    silent.bind(("127.0.0.1", 0))
    port = silent.getsockname()[1]
    try:
        with EngineHarness() as harness:
            settings = AccountSettings("sip:1001@127.0.0.1", f"sip:127.0.0.1:{port}")
            account = harness.engine.add_account(settings, "x")
            started = time.monotonic()
            event = _final(harness, account, timeout=45)  # pjsip's Timer F is 32 s
            assert event.status is RegistrationStatus.FAILED
            assert event.code == 408
            assert event.retry_in is not None
            assert time.monotonic() - started < 60
    finally:
        silent.close()
