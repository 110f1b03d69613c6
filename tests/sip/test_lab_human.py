"""The human agent in the lab's queue: real SIP calls through the lab's Kamailio to 1001,
and the survey IVR reached by a transfer or a direct call, reading a DTMF score."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from softphone.lab.kamailio import load_users
from softphone.lab.record import read_record
from softphone.sip import CallState, IncomingCall, TransferProgress
from supervisor.store import open_connection
from tests.rig.engine_harness import EngineHarness
from tests.rig.lab import LabProcess

IVR_HEADERS = ("X-IVR-Path", "X-Customer-Id", "X-Customer-Name", "X-Queue")


class _Registrar:
    """The lab's Kamailio, as EngineHarness.register wants to see it."""

    def __init__(self, lab: LabProcess) -> None:
        self.domain = str(lab.ready["domain"])
        self.users = load_users()
        self._uri = lab.registrar

    def registrar_uri(self, transport: str = "udp") -> str:
        assert transport == "udp"
        return self._uri


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[LabProcess]:
    process = LabProcess(
        tmp_path / "lab",
        "--human", "1001", "--speed", "10", "--rate", "6", "--bots", "1", "--seed", "3",
    )  # fmt: skip
    try:
        yield process.start()
    finally:
        status = process.stop()
        assert status == 0, process.stderr_tail()


@pytest.fixture
def agent(lab: LabProcess) -> Iterator[EngineHarness]:
    with EngineHarness() as harness:
        harness.account = harness.register(_Registrar(lab), "1001")
        yield harness


def _queue_log(lab: LabProcess) -> list[list[str]]:
    return [line.split("|") for line in lab.queue_log.read_text(encoding="utf-8").splitlines()]


def _poll_until(agent: EngineHarness, condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        agent.engine.poll(10)
    return True


def test_a_lab_call_reaches_the_human_agent_with_the_ivr_headers(lab, agent):
    incoming = agent.wait_for(IncomingCall, timeout=15)
    for name in IVR_HEADERS:
        assert incoming.headers.get(name), name
    assert incoming.headers.get("X-Queue") in ("support", "billing", "sales")
    assert incoming.headers.get("X-IVR-Path").startswith("main/")

    agent.engine.answer(incoming.call_id)
    agent.wait_call_state(incoming.call_id, CallState.CONFIRMED)
    agent.poll_for(0.3)
    agent.engine.hangup(incoming.call_id)
    agent.wait_call_state(incoming.call_id, CallState.DISCONNECTED)

    def completed() -> bool:
        return any(f[3] == "PJSIP/1001" and f[4] == "COMPLETEAGENT" for f in _queue_log(lab))

    assert _poll_until(agent, completed, 5)
    connect = next(f for f in _queue_log(lab) if f[4] == "CONNECT" and f[3] == "PJSIP/1001")
    assert connect[6] == incoming.sip_call_id  # the bridged leg is the agent's call


def test_while_the_agent_answers_480_the_call_goes_to_a_bot(lab, agent):
    refused: list[str] = []

    def not_ready(event: object) -> None:
        if isinstance(event, IncomingCall):
            refused.append(event.sip_call_id)
            agent.engine.reject(event.call_id, 480, "Agent Not Ready")

    agent.engine.add_listener(not_ready)

    def rerouted() -> bool:
        lines = _queue_log(lab)
        missed = {f[1] for f in lines if f[4] == "RINGNOANSWER" and f[3] == "PJSIP/1001"}
        bots = {f[1] for f in lines if f[4] == "CONNECT" and f[3].startswith("Local/bot-")}
        return bool(missed & bots)

    assert _poll_until(agent, rerouted, 20), lab.queue_log.read_text()
    assert refused
    lines = _queue_log(lab)
    assert not any(f[4] == "CONNECT" and f[3] == "PJSIP/1001" for f in lines)


def test_a_transfer_to_the_survey_stores_the_digit_the_caller_pressed(lab, agent):
    incoming = agent.wait_for(IncomingCall, timeout=15)
    agent.engine.answer(incoming.call_id)
    agent.wait_call_state(incoming.call_id, CallState.CONFIRMED)
    agent.poll_for(0.3)
    agent.engine.transfer(incoming.call_id, "8100")
    progress = agent.wait_for(TransferProgress, lambda e: e.final, timeout=10)
    assert progress.succeeded, progress
    agent.wait_call_state(incoming.call_id, CallState.DISCONNECTED)
    leg = incoming.sip_call_id

    def scored() -> bool:
        connection = open_connection(lab.db)
        try:
            rows = connection.execute(
                "SELECT score FROM survey_scores WHERE call_id = ?", (leg,)
            ).fetchall()
        finally:
            connection.close()
        return bool(rows)

    if not _poll_until(agent, scored, 10):
        connection = open_connection(lab.db)
        rows = connection.execute("SELECT * FROM survey_scores").fetchall()
        raise AssertionError(f"{leg!r} not in {rows}\n{lab.stderr_tail()}")
    _, pressed = read_record(lab.record)
    connection = open_connection(lab.db)
    stored = connection.execute(
        "SELECT survey, score FROM survey_scores WHERE call_id = ?", (leg,)
    ).fetchall()
    connection.close()
    assert stored == [("csat", next(s.score for s in pressed if s.call_id == leg))]
    assert any(
        f[3] == "PJSIP/1001" and f[4] == "BLINDTRANSFER" and f[5] == "8100" for f in _queue_log(lab)
    )


def test_the_survey_reads_a_dtmf_4_from_a_caller_and_stores_csat_4(tmp_path, peer_factory):
    lab = LabProcess(tmp_path / "lab", "--speed", "1", "--rate", "0.01", "--bots", "1")
    lab.start()
    try:
        peer = peer_factory()
        peer.register("1002", load_users()["1002"], lab.registrar)
        peer.send("call", uri=f"sip:8100@{lab.ready['domain']}")
        peer.wait_for("call_state", state="CONFIRMED")
        peer.wait_for("media_state", status="active")
        time.sleep(0.3)
        peer.send("dtmf", digits="4")
        peer.wait_for("call_state", state="DISCONNECTED", timeout=10)  # the survey hangs up
    finally:
        assert lab.stop() == 0, lab.stderr_tail()
    connection = open_connection(lab.db)
    rows = connection.execute("SELECT survey, score FROM survey_scores").fetchall()
    connection.close()
    assert rows == [("csat", 4)]
