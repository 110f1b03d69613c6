"""The automation API without SIP: token, refusals, the polling-thread hand-over, events.

A fake engine stands in for pjsua2; the HTTP server, the token file, the
command dispatcher, the store and the agent session are the real ones. A
thread plays the polling thread and calls `process_pending()`, as the
headless loop and the window's timer do.
"""

import http.client
import json
import os
import stat
import threading
import time

import pytest
from store_helpers import make_profile

from softphone.agent import AgentSession, AgentState
from softphone.cti import ROUTES, CommandError, CtiServer, run_command
from softphone.cti.events import Subscription
from softphone.cti.server import OPENAPI_FILE
from softphone.phone import Phone
from softphone.profile import ProfileError, load_profile
from softphone.sip import (
    AudioDeviceReturned,
    AudioDevicesChanged,
    CallState,
    IncomingCall,
    RegistrationChanged,
    RegistrationStatus,
    SipHeaders,
)
from supervisor.store import StoreWriter, open_store


class FakeEngine:
    """Just enough of `SipEngine` for `Phone`; records which thread called it."""

    running = True

    def __init__(self):
        self.listeners = []
        self.calls = {}  # call id -> [state, sip call id, remote uri]
        self.actions = []

    def add_listener(self, listener):
        self.listeners.append(listener)

    def emit(self, event):
        for listener in list(self.listeners):
            listener(event)

    def registration(self, account_id):
        return RegistrationChanged(account_id, RegistrationStatus.REGISTERED, 200, "OK")

    def call_ids(self):
        return list(self.calls)

    def call_state(self, call_id):
        return self.calls[call_id][0]

    def sip_call_id(self, call_id):
        return self.calls[call_id][1]

    def remote_uri(self, call_id):
        return self.calls[call_id][2]

    def answer(self, call_id, code=200):
        self.actions.append(("answer", call_id, threading.get_ident()))

    def shutdown(self, timeout=3.0):
        pass


def make_phone(db):
    store = StoreWriter(db)
    profile = make_profile()
    phone = Phone(FakeEngine(), AgentSession(store, "a1", profile, time.time), store, profile)
    phone.account_id = 1
    return phone


@pytest.fixture
def phone(tmp_path):
    phone = make_phone(tmp_path / "callboard.db")
    yield phone
    phone.store.close()


@pytest.fixture
def api(tmp_path):
    """A started API on a free port, and a thread playing the polling thread.

    The phone (and its store connection) is made on that thread, as the
    headless loop makes it on the thread that polls.
    """
    started = threading.Event()
    stop = threading.Event()
    box = {}

    def poll():
        phone = make_phone(tmp_path / "callboard.db")
        server = CtiServer(phone, tmp_path / "profile", port=0, reply_timeout=2.0)
        server.start()
        phone.session.log_in()
        box["server"] = server
        started.set()
        while not stop.is_set():
            server.process_pending()
            time.sleep(0.005)
        server.stop()
        phone.store.close()

    poller = threading.Thread(target=poll, name="poller")
    poller.start()
    assert started.wait(10)
    server = box["server"]
    server.poller = poller
    yield server
    stop.set()
    poller.join()


def request(api, method, path, body=None, *, token=True, headers=None):
    """(status, headers, JSON body) of one request to `api`."""
    connection = http.client.HTTPConnection("127.0.0.1", api.port, timeout=10)
    sent = dict(headers or {})
    if token is True:
        sent["Authorization"] = f"Bearer {api.token}"
    elif token:
        sent["Authorization"] = f"Bearer {token}"
    if isinstance(body, dict):
        body = json.dumps(body).encode()
    try:
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        data = response.read()
        return response.status, response.headers, json.loads(data) if data else None
    finally:
        connection.close()


def assert_unaffected(api):
    status, _, state = request(api, "GET", "/v1/state")
    assert status == 200
    assert state["agent"]["state"] == "not_ready"


def test_the_token_file_is_made_once_and_readable_by_its_owner_only(api, tmp_path):
    path = tmp_path / "profile" / "cti-token"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().strip() == api.token
    assert len(api.token) >= 43  # 32 random bytes
    assert (tmp_path / "profile" / "cti-port").read_text().strip() == str(api.port)


def test_a_token_file_others_could_read_is_replaced(phone, tmp_path):
    folder = tmp_path / "profile"
    folder.mkdir()
    (folder / "cti-token").write_text("x" * 50)
    os.chmod(folder / "cti-token", 0o644)
    server = CtiServer(phone, folder, port=0)
    server.start()
    try:
        assert server.token != "x" * 50
        assert stat.S_IMODE((folder / "cti-token").stat().st_mode) == 0o600
    finally:
        server.stop()


def test_a_request_without_the_token_is_refused_401(api):
    status, headers, body = request(api, "GET", "/v1/state", token=None)
    assert status == 401
    assert headers["WWW-Authenticate"].startswith("Bearer")
    assert body["error"] == "unauthorized" and "Authorization: Bearer" in body["detail"]
    assert_unaffected(api)


def test_a_wrong_token_is_refused_401(api):
    status, headers, body = request(api, "POST", "/v1/commands/dial", {"target": "1"}, token="no")
    assert status == 401
    assert 'error="invalid_token"' in headers["WWW-Authenticate"]
    assert body["error"] == "unauthorized"
    assert_unaffected(api)


def test_malformed_json_is_refused_400(api):
    status, _, body = request(api, "POST", "/v1/commands/agent_state", b'{"state": "avail')
    assert (status, body["error"]) == (400, "malformed_json")
    assert_unaffected(api)


def test_a_body_over_the_limit_is_refused_413(api):
    status, _, body = request(api, "POST", "/v1/commands/dial", b"x" * (10 * 1024 * 1024))
    assert (status, body["error"]) == (413, "body_too_large")
    assert_unaffected(api)


def test_an_unknown_command_is_refused_404(api):
    status, _, body = request(api, "POST", "/v1/commands/teleport", {})
    assert (status, body["error"]) == (404, "unknown_command")
    assert "answer" in body["detail"]
    assert_unaffected(api)


def test_answer_with_no_call_ringing_is_refused_409(api):
    status, _, body = request(api, "POST", "/v1/commands/answer", {})
    assert (status, body["error"]) == (409, "not_possible_now")
    assert "no call ringing" in body["detail"]
    assert_unaffected(api)


def test_a_wrong_method_is_refused_405_with_allow(api):
    status, headers, body = request(api, "DELETE", "/v1/state")
    assert (status, headers["Allow"], body["error"]) == (405, "GET", "method_not_allowed")


def test_a_command_the_polling_thread_does_not_take_times_out_504(phone, tmp_path):
    server = CtiServer(phone, tmp_path / "profile", port=0, reply_timeout=0.3)
    server.start()
    try:
        status, _, body = request(server, "GET", "/v1/state")
        assert (status, body["error"]) == (504, "timeout")
        assert "nothing was done" in body["detail"]
        assert server.process_pending() == 1  # the late work is dropped, not run
    finally:
        server.stop()


def test_commands_run_on_the_polling_thread(api):
    phone = api.phone
    phone.engine.calls[7] = [CallState.INCOMING, "sip-7", "sip:1002@pbx"]
    incoming = IncomingCall(7, 1, "sip:1002@pbx", "sip-7", SipHeaders([("X-Customer-Id", "C-7")]))
    api.call(lambda: phone.engine.emit(incoming))
    status, _, body = request(api, "POST", "/v1/commands/answer", {})
    assert (status, body) == (200, {"call_id": 7})
    assert phone.engine.actions == [("answer", 7, api.poller.ident)]


def test_the_event_stream_starts_with_the_state_then_follows_the_agent(api):
    phone = api.phone
    connection = http.client.HTTPConnection("127.0.0.1", api.port, timeout=10)
    connection.request("GET", "/v1/events", headers={"Authorization": f"Bearer {api.token}"})
    response = connection.getresponse()
    assert response.headers["Content-Type"] == "text/event-stream"
    events = _sse(response)
    hello = next(events)
    assert hello["type"] == "hello" and hello["state"]["agent"]["state"] == "not_ready"
    status, _, _ = request(api, "POST", "/v1/commands/agent_state", {"state": "available"})
    assert status == 200
    change = next(events)
    assert (change["type"], change["state"], change["previous"]) == (
        "agent_state",
        "available",
        "not_ready",
    )
    phone.engine.calls[3] = [CallState.INCOMING, "sip-3", "sip:1002@pbx"]
    api.call(
        lambda: phone.engine.emit(
            IncomingCall(
                3, 1, "sip:1002@pbx", "sip-3", SipHeaders([("X-IVR-Path", "main>billing")])
            )
        )
    )
    kinds = [next(events) for _ in range(2)]
    incoming = next(e for e in kinds if e["type"] == "incoming_call")
    assert incoming["context"] == [{"name": "X-IVR-Path", "value": "main>billing"}]
    assert incoming["ringing"] is True
    connection.close()


def _sse(response):
    while True:
        line = response.readline()
        assert line, "the stream ended"
        if line.startswith(b"data: "):
            yield json.loads(line[6:])


def test_a_client_that_falls_behind_is_dropped_not_waited_for(phone):
    from softphone.cti.events import EventFeed

    feed = EventFeed(phone)
    slow = feed.subscribe()
    started = time.monotonic()
    for n in range(2000):
        feed.publish({"type": "notice", "n": n})
    assert time.monotonic() - started < 1.0
    assert slow.dropped and feed.subscriber_count == 0
    assert isinstance(slow, Subscription)


def test_a_headset_that_goes_and_comes_back_is_told_on_the_stream(phone):
    from softphone.cti.events import EventFeed

    feed = EventFeed(phone)
    feed.attach()
    client = feed.subscribe()
    reason = "Jabra EVOLVE 20 went away; using the default device"
    phone.engine.emit(AudioDevicesChanged("", "", reason, lost="Jabra EVOLVE 20"))
    phone.engine.emit(AudioDeviceReturned("Jabra EVOLVE 20", "Jabra EVOLVE 20"))
    events = [client.queue.get(timeout=1) for _ in range(2)]
    assert {key: events[0][key] for key in ("type", "capture", "playback", "lost")} == {
        "type": "headset",
        "capture": "",
        "playback": "",
        "lost": "Jabra EVOLVE 20",
    }
    assert events[0]["reason"] == reason
    assert (events[1]["type"], events[1]["capture"]) == ("headset_returned", "Jabra EVOLVE 20")


def test_the_wrap_up_is_filled_and_submitted_by_the_dispatcher(phone):
    session = phone.session
    session.log_in()
    session.set_available()
    session.call_offered("c1", None)
    session.call_answered("c1")
    session.call_ended("c1")
    with pytest.raises(CommandError) as refused:
        run_command(phone, "wrap_up", {"disposition": "no-such-code"})
    assert refused.value.status == 400
    result = run_command(
        phone,
        "wrap_up",
        {"disposition": "resolved", "notes": "done", "resolved": True, "submit": True},
    )
    assert (result["outcome"], result["agent_state"]) == ("submitted", "available")
    assert session.state is AgentState.AVAILABLE
    with open_store(phone.store.path) as store:
        [final] = store.wrap_ups(agent_id="a1")
    assert (final.disposition, final.notes, final.resolved) == ("resolved", "done", True)


def test_agent_state_needs_a_reason_from_the_profile(phone):
    phone.session.log_in()
    with pytest.raises(CommandError) as refused:
        run_command(phone, "agent_state", {"state": "not_ready", "reason": "nap"})
    assert refused.value.status == 400 and "nap" in refused.value.detail
    assert (
        run_command(phone, "agent_state", {"state": "not_ready", "reason": "lunch"})["reason"]
        == "lunch"
    )


def test_every_route_is_in_the_openapi_document_and_back(api):
    document = json.loads(OPENAPI_FILE.read_text())
    described = {
        (method.upper(), path) for path, item in document["paths"].items() for method in item
    }
    assert described == set(ROUTES)
    commands = document["paths"]["/v1/commands/{name}"]["post"]["parameters"][0]["schema"]["enum"]
    from softphone.cti import COMMANDS

    assert set(commands) == set(COMMANDS)
    status, _, served = request(api, "GET", "/openapi.json")
    assert status == 200 and served == document


def test_the_profile_refuses_an_api_address_other_than_loopback(tmp_path):
    everywhere = "0.0.0.0"  # noqa: S104 - what the check must refuse
    (tmp_path / "profile.json").write_text(
        json.dumps({"agent": {"id": "a"}, "cti": {"address": everywhere}})
    )
    with pytest.raises(ProfileError) as refused:
        load_profile(tmp_path)
    assert refused.value.key == "cti.address"
    (tmp_path / "profile.json").write_text(json.dumps({"agent": {"id": "a"}, "cti": {"port": 0}}))
    profile = load_profile(tmp_path)
    assert (profile.cti_enabled, profile.cti_port, profile.cti_address) == (None, 0, "127.0.0.1")


def test_history_lists_the_agents_calls_newest_first(api):
    from supervisor.store import CallStarted

    for n in range(3):
        fact = CallStarted(f"c{n}", "a1", "inbound", 1_750_000_000.0 + n)
        api.call(lambda fact=fact: api.phone.store.record(fact))
    status, _, body = request(api, "GET", "/v1/history?limit=2")
    assert status == 200
    assert [c["call_id"] for c in body["calls"]] == ["c2", "c1"]
    assert request(api, "GET", "/v1/history?limit=0")[0] == 400
