"""The test rig itself works: Kamailio, pjsua2 peers and SIPp scenarios on loopback."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.rig.kamailio import Kamailio, free_port, make_test_certificates
from tests.rig.peer_client import Peer
from tests.rig.sipp import IVR_CONTEXT, Sipp

PeerFactory = Callable[..., Peer]
SippFactory = Callable[..., Sipp]


def registered(
    peer_factory: PeerFactory, kamailio: Kamailio, user: str, transport: str = "udp"
) -> Peer:
    """A new peer registered as user over a transport."""
    peer = peer_factory(f"u{user}")
    peer.register(
        user,
        kamailio.users[user],
        kamailio.registrar_uri(transport),
        transport,
        ca_cert=kamailio.ca_cert if transport == "tls" else None,
    )
    return peer


def connect(caller: Peer, callee: Peer, uri: str) -> tuple[int, int]:
    """Call uri from caller, answer on callee; return both call labels once media is up."""
    caller_call = caller.send("call", uri=uri)["call"]
    callee_call = callee.wait_for("incoming")["call"]
    callee.send("answer", call=callee_call)
    for peer, label in ((caller, caller_call), (callee, callee_call)):
        peer.wait_for("call_state", call=label, state="CONFIRMED")
        peer.wait_for("media_state", call=label, status="active")
    return caller_call, callee_call


def test_kamailio_answers_options(kamailio: Kamailio) -> None:
    status = kamailio.options_ping()
    assert status is not None and status.startswith("SIP/2.0 200"), kamailio.log_text()


@pytest.mark.parametrize("transport", ["udp", "tcp", "tls"])
def test_peer_registers(kamailio: Kamailio, peer_factory: PeerFactory, transport: str) -> None:
    peer = registered(peer_factory, kamailio, "1001", transport)
    state = peer.events("reg_state")[-1]
    assert state["code"] == 200 and state["active"] is True


def test_tls_refuses_a_registrar_signed_by_an_unknown_ca(
    kamailio: Kamailio, peer_factory: PeerFactory, tmp_path: Path
) -> None:
    stranger_ca = make_test_certificates(tmp_path / "stranger").ca_cert
    peer = peer_factory()
    peer.send(
        "register", user="1001", password="1001-secret", registrar=kamailio.registrar_uri("tls"),
        transport="tls", ca_cert=str(stranger_ca),
    )  # fmt: skip
    state = peer.wait_for("reg_state")
    assert state["code"] != 200 and state["active"] is False, state


def test_wrong_password_is_refused(kamailio: Kamailio, peer_factory: PeerFactory) -> None:
    peer = peer_factory()
    peer.send("register", user="1002", password="not-it", registrar=kamailio.registrar_uri())
    state = peer.wait_for("reg_state")
    assert state["code"] in (401, 403) and state["active"] is False, state


def test_call_to_an_unregistered_user_gets_404(
    kamailio: Kamailio, peer_factory: PeerFactory
) -> None:
    caller = registered(peer_factory, kamailio, "1002")
    caller.send("call", uri="sip:1999@127.0.0.1")
    ended = caller.wait_for("call_state", state="DISCONNECTED")
    assert ended["code"] == 404, ended


@pytest.mark.parametrize("hung_up_by", ["caller", "callee"])
def test_two_peers_call_hold_send_dtmf_and_hang_up(
    kamailio: Kamailio, peer_factory: PeerFactory, hung_up_by: str
) -> None:
    agent = registered(peer_factory, kamailio, "1001", "tcp")
    customer = registered(peer_factory, kamailio, "1002")
    customer_call, agent_call = connect(customer, agent, kamailio.user_uri("1001"))

    customer.send("hold", call=customer_call)
    assert agent.wait_for("rx_offer", call=agent_call)["direction"] == "sendonly"
    customer.wait_for("media_state", call=customer_call, status="local_hold")
    customer.send("unhold", call=customer_call)
    assert agent.wait_for("rx_offer", call=agent_call)["direction"] == "sendrecv"
    customer.wait_for("media_state", call=customer_call, status="active")

    agent.send("dtmf", call=agent_call, digits="42#")
    assert [customer.wait_for("dtmf")["digit"] for _ in range(3)] == ["4", "2", "#"]

    leaver, stayer = (customer, agent) if hung_up_by == "caller" else (agent, customer)
    leaver.send("hangup")
    assert stayer.wait_for("call_state", state="DISCONNECTED")["code"] == 200
    leaver.wait_for("call_state", state="DISCONNECTED")


def test_caller_cancels_a_ringing_call(kamailio: Kamailio, peer_factory: PeerFactory) -> None:
    agent = registered(peer_factory, kamailio, "1001", "tcp")
    customer = registered(peer_factory, kamailio, "1002")
    customer.send("call", uri=kamailio.user_uri("1001"))
    agent.wait_for("call_state", state="EARLY")  # ringing: the peer sent 180
    customer.wait_for("call_state", state="EARLY", code=180)

    customer.send("hangup")
    assert agent.wait_for("call_state", state="DISCONNECTED")["code"] == 487
    assert customer.wait_for("call_state", state="DISCONNECTED")["code"] == 487


def test_blind_transfer_moves_the_caller_to_the_target(
    kamailio: Kamailio, peer_factory: PeerFactory, sipp_factory: SippFactory
) -> None:
    target = sipp_factory("uas_answer.xml", service="billing-ivr")
    agent = registered(peer_factory, kamailio, "1001")
    customer = registered(peer_factory, kamailio, "1002")
    connect(customer, agent, kamailio.user_uri("1001"))

    agent.send("transfer", uri=target.uri())
    assert customer.wait_for("transfer_request")["target"] == target.uri()
    assert agent.wait_for("transfer_status", final=True)["code"] == 200
    customer.wait_for("call_state", state="CONFIRMED")  # the new call, to the target
    agent.wait_for("call_state", state="DISCONNECTED")

    customer.send("hangup")
    status = target.wait(10)
    assert status == 0, target.explain(status)


def test_ivr_call_carries_the_caller_context(
    kamailio: Kamailio, peer_factory: PeerFactory, sipp_factory: SippFactory
) -> None:
    agent = registered(peer_factory, kamailio, "1003")
    agent.send("auto_answer", code=200)
    context = {"customer_id": "C-77", "customer_name": "Grace Hopper", "hold_ms": "300"}
    ivr = sipp_factory(
        "uac_ivr_call.xml", remote=f"127.0.0.1:{kamailio.udp_port}", service="1003", keys=context
    )

    headers = agent.wait_for("incoming")["headers"]
    assert headers["X-Customer-Id"] == "C-77"
    assert headers["X-Customer-Name"] == "Grace Hopper"
    assert headers["X-IVR-Path"] == IVR_CONTEXT["ivr_path"]
    assert headers["X-Queue"] == IVR_CONTEXT["queue"]
    assert headers["Call-Info"] == IVR_CONTEXT["call_info"]
    assert headers["User-to-User"] == IVR_CONTEXT["user_to_user"]
    status = ivr.wait(15)
    assert status == 0, ivr.explain(status)
    assert agent.wait_for("call_state", state="DISCONNECTED")["code"] == 200


def test_ivr_caller_survives_hold_and_an_agent_hang_up(
    kamailio: Kamailio, peer_factory: PeerFactory, sipp_factory: SippFactory
) -> None:
    agent = registered(peer_factory, kamailio, "1003")
    agent.send("auto_answer", code=200)
    ivr = sipp_factory(
        "uac_ivr_call.xml", remote=f"127.0.0.1:{kamailio.udp_port}", service="1003",
        keys={"hold_ms": "20000"},
    )  # fmt: skip
    # The callee's media is up when it sends 200, before the ACK confirms the
    # call; a re-INVITE needs the confirmed call.
    agent.wait_for("media_state", status="active")
    agent.wait_for("call_state", state="CONFIRMED")

    agent.send("hold")
    agent.wait_for("media_state", status="local_hold")
    agent.send("unhold")
    agent.wait_for("media_state", status="active")
    agent.send("hangup")
    status = ivr.wait(10)
    assert status == 0, ivr.explain(status)


def test_expect_480_scenario_passes_on_480(
    kamailio: Kamailio, peer_factory: PeerFactory, sipp_factory: SippFactory
) -> None:
    agent = registered(peer_factory, kamailio, "1003")
    agent.send("auto_answer", code=480)
    ivr = sipp_factory(
        "uac_ivr_call_expect_480.xml", remote=f"127.0.0.1:{kamailio.udp_port}", service="1003"
    )
    status = ivr.wait(10)
    assert status == 0, ivr.explain(status)
    assert 480 in ivr.received_codes()


def test_expect_480_scenario_fails_when_the_call_is_answered(
    kamailio: Kamailio, peer_factory: PeerFactory, sipp_factory: SippFactory
) -> None:
    agent = registered(peer_factory, kamailio, "1003")
    agent.send("auto_answer", code=200)
    ivr = sipp_factory(
        "uac_ivr_call_expect_480.xml", remote=f"127.0.0.1:{kamailio.udp_port}", service="1003",
        timeout_s=5,
    )  # fmt: skip
    assert ivr.wait(10) != 0
    assert 200 in ivr.received_codes()


def test_peer_reaches_a_sipp_target_directly_and_holds(
    kamailio: Kamailio, peer_factory: PeerFactory, sipp_factory: SippFactory
) -> None:
    target = sipp_factory("uas_answer.xml", service="ivr")
    agent = registered(peer_factory, kamailio, "1001", "tcp")
    agent.send("call", uri=target.uri())
    agent.wait_for("media_state", status="active")
    agent.wait_for("call_state", state="CONFIRMED")

    agent.send("hold")
    agent.wait_for("media_state", status="local_hold")
    agent.send("unhold")
    agent.wait_for("media_state", status="active")
    agent.send("hangup")
    agent.wait_for("call_state", state="DISCONNECTED")
    status = target.wait(10)
    assert status == 0, target.explain(status)


def test_busy_target_answers_486(
    kamailio: Kamailio, peer_factory: PeerFactory, sipp_factory: SippFactory
) -> None:
    target = sipp_factory("uas_busy.xml", service="busy")
    agent = registered(peer_factory, kamailio, "1001")
    agent.send("call", uri=target.uri())
    assert agent.wait_for("call_state", state="DISCONNECTED")["code"] == 486
    assert target.wait(10) == 0


def test_static_route_sends_a_prefix_to_sipp(
    tmp_path: Path, rig_certs_dir: Path, peer_factory: PeerFactory, sipp_factory: SippFactory
) -> None:
    ivr_port = free_port()
    routes = {"^8[0-9]{3}$": f"sip:127.0.0.1:{ivr_port}"}
    with Kamailio(tmp_path / "kamailio", static_routes=routes, certs_dir=rig_certs_dir) as pbx:
        menu = sipp_factory("uas_answer.xml", service="8100", port=ivr_port)
        agent = registered(peer_factory, pbx, "1001")
        agent.send("call", uri=pbx.user_uri("8100"))
        agent.wait_for("call_state", state="CONFIRMED")
        agent.send("hangup")
        status = menu.wait(10)
        assert status == 0, menu.explain(status)


def test_sipp_registers_with_digest_auth_and_takes_calls(
    kamailio_fresh: Kamailio, peer_factory: PeerFactory, sipp_factory: SippFactory
) -> None:
    pbx = kamailio_fresh
    menu = sipp_factory("uas_answer.xml", service="2001")
    registration = sipp_factory(
        "uac_register_auth.xml", remote=f"127.0.0.1:{pbx.udp_port}", service="2001",
        auth=("2001", pbx.users["2001"]), keys={"contact_port": str(menu.port)},
    )  # fmt: skip
    status = registration.wait(10)
    assert status == 0, registration.explain(status)
    assert registration.received_codes() == [401, 200]

    agent = registered(peer_factory, pbx, "1001")
    agent.send("call", uri=pbx.user_uri("2001"))
    agent.wait_for("call_state", state="CONFIRMED")
    agent.send("hangup")
    status = menu.wait(10)
    assert status == 0, menu.explain(status)


def test_restart_keeps_the_ports_and_forgets_registrations(
    kamailio_fresh: Kamailio, peer_factory: PeerFactory
) -> None:
    pbx = kamailio_fresh
    ports = (pbx.udp_port, pbx.tcp_port, pbx.tls_port)
    old_pid = pbx.pid
    registered(peer_factory, pbx, "1001")

    pbx.restart()
    assert (pbx.udp_port, pbx.tcp_port, pbx.tls_port) == ports
    assert pbx.pid != old_pid
    caller = registered(peer_factory, pbx, "1002", "tls")
    caller.send("call", uri=pbx.user_uri("1001"))
    assert caller.wait_for("call_state", state="DISCONNECTED")["code"] == 404

    pbx.stop()
    assert pbx.pid is None and pbx.options_ping(timeout=0.2) is None


@pytest.mark.parametrize("how", ["quit", "stdin_eof", "sigterm"])
def test_peer_shuts_down_cleanly_mid_call(
    kamailio: Kamailio, peer_factory: PeerFactory, how: str
) -> None:
    agent = registered(peer_factory, kamailio, "1001")
    customer = registered(peer_factory, kamailio, "1002")
    connect(customer, agent, kamailio.user_uri("1001"))

    if how == "quit":
        agent.send("quit")
    elif how == "stdin_eof":
        agent.close_stdin()
    else:
        os.kill(agent.pid, signal.SIGTERM)
    assert customer.wait_for("call_state", state="DISCONNECTED")["code"] == 200
    agent.wait_for("bye")
    assert agent.close() == 0
