# ruff: noqa: S310 - every URL here is http://127.0.0.1
"""The automation API of the real `softphone --headless` process, driven over HTTP only.

Kamailio registers the agent (1001) and a pjsua2 peer caller (1002, which
carries out the REFER of a blind transfer); SIPp answers as the billing IVR
menu the call is transferred to. Requests are made with urllib, as a CRM's
script would make them; the facts are then read back from the store.
"""

import json
import queue
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest

from supervisor.store import open_store
from tests.rig.softphone_process import (
    ROOT,
    SoftphoneProcess,
    save_password,
    softphone_environment,
    write_profile,
)

AGENT = "agent-1"
CONTEXT = {"X-IVR-Path": "main>billing>agent", "X-Customer-Id": "C-10042"}


class Api:
    """A client of the API, finding the port and token in the profile folder."""

    def __init__(self, folder):
        self.url = f"http://127.0.0.1:{(folder / 'cti-port').read_text().strip()}"
        self.token = (folder / "cti-token").read_text().strip()
        self.events = queue.Queue()
        self.seen = []

    def request(self, method, path, body=None, *, token="right", data=None):  # noqa: S107
        """(status, JSON answer); refusals are answers too."""
        headers = {"Content-Type": "application/json"}
        if token == "right":
            headers["Authorization"] = f"Bearer {self.token}"
        elif token is not None:
            headers["Authorization"] = f"Bearer {token}"
        if data is None and body is not None:
            data = json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data, headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as refused:
            return refused.code, json.load(refused)

    def command(self, name, **body):
        status, answer = self.request("POST", f"/v1/commands/{name}", body)
        assert status == 200, (name, status, answer)
        return answer

    def follow_events(self):
        """Read the event stream in a thread of its own into `self.events`."""
        request = urllib.request.Request(
            self.url + "/v1/events", headers={"Authorization": f"Bearer {self.token}"}
        )
        stream = urllib.request.urlopen(request, timeout=60)

        def read():
            for line in stream:
                if line.startswith(b"data: "):
                    self.events.put(json.loads(line[6:]))

        threading.Thread(target=read, daemon=True).start()
        assert self.wait_event("hello")["state"]["agent"]["id"] == AGENT

    def wait_event(self, kind, timeout=15.0, **fields):
        """The first event of `kind` with `fields` not returned before (in any order)."""
        deadline = time.monotonic() + timeout
        while True:
            for event in self.seen:
                if event["type"] == kind and all(event.get(k) == v for k, v in fields.items()):
                    self.seen.remove(event)
                    return event
            left = deadline - time.monotonic()
            if left <= 0:
                break
            try:
                self.seen.append(self.events.get(timeout=left))
            except queue.Empty:
                break
        kinds = [event["type"] for event in self.seen]
        raise AssertionError(f"no {kind} {fields} event within {timeout} s; unclaimed: {kinds}")


def _start(tmp_path, kamailio, billing_uri=None):
    targets = [{"name": "Billing menu", "uri": billing_uri}] if billing_uri else []
    profile = write_profile(
        tmp_path / "profile",
        {
            "sip_uri": kamailio.user_uri("1001"),
            "registrar": kamailio.registrar_uri("udp"),
            "register_expires": 60,
        },
        agent={"id": AGENT, "name": "Test Agent", "state_after_login": "not_ready"},
        network={"bind_address": "127.0.0.1"},
        cti={"enabled": True, "port": 0},
        transfer_targets=targets,
    )
    save_password(tmp_path, kamailio.user_uri("1001"), kamailio.users["1001"])
    phone = SoftphoneProcess(["--headless", "--profile", str(profile)], tmp_path)
    line = phone.wait_line("cti http://127.0.0.1:")
    assert "token-file" in line and (profile / "cti-token").read_text().strip() not in line
    phone.wait_line("registration registered 200")
    return phone, profile


def _stop(phone):
    code = phone.stop(signal.SIGTERM)
    assert code == 0, phone.stderr
    assert "Traceback" not in phone.stderr


def test_a_whole_call_driven_through_the_api(tmp_path, kamailio, registered_peer, sipp_factory):
    billing = sipp_factory("uas_answer.xml", service="billing")
    phone, profile = _start(tmp_path, kamailio, billing.uri("billing"))
    try:
        api = Api(profile)
        api.follow_events()
        assert api.command("agent_state", state="available")["state"] == "available"
        api.wait_event("agent_state", state="available")

        caller = registered_peer("1002")
        caller.send("call", uri=kamailio.user_uri("1001"), headers=CONTEXT)
        incoming = api.wait_event("incoming_call")
        assert incoming["ringing"] is True
        context = {item["name"]: item["value"] for item in incoming["context"]}
        assert context["X-Customer-Id"] == "C-10042"
        assert context["X-IVR-Path"] == "main>billing>agent"

        api.command("answer", call_id=incoming["call_id"])
        api.wait_event("call_state", call_id=incoming["call_id"], state="confirmed")
        status, state = api.request("GET", "/v1/state")
        assert state["agent"]["state"] == "on_call"
        assert state["current_call_id"] == incoming["call_id"]

        api.command("transfer", target="Billing menu", mode="blind")
        assert api.wait_event("transfer", final=True)["succeeded"] is True
        api.wait_event("notice", text="Transferred to Billing menu.")
        started = api.wait_event("wrap_up_started")
        assert started["sip_call_id"] == incoming["sip_call_id"]

        answer = api.command(
            "wrap_up",
            disposition="transferred",
            notes="Sent to the billing menu",
            resolved=True,
            submit=True,
        )
        assert (answer["outcome"], answer["agent_state"]) == ("submitted", "available")
        finished = api.wait_event("wrap_up_finished")
        assert (finished["outcome"], finished["disposition"]) == ("submitted", "transferred")

        status, history = api.request("GET", "/v1/history?limit=5")
        assert status == 200
        [call] = [c for c in history["calls"] if c["call_id"] == incoming["sip_call_id"]]
        assert call["wrap_up"]["disposition"] == "transferred"
        caller.wait_for("call_state", state="CONFIRMED")
        caller.send("hangup")
        assert billing.wait(15) == 0, billing.log_tail()
    finally:
        _stop(phone)

    with open_store(tmp_path / "store.db") as store:
        stored = store.call(incoming["sip_call_id"], AGENT)
        [final] = store.wrap_ups(agent_id=AGENT)
    assert stored.end_reason == "transferred"
    assert ("X-Customer-Id", "C-10042") in stored.context
    assert [(t.kind, t.target, t.result) for t in stored.transfers] == [
        ("blind", "Billing menu", "completed")
    ]
    assert (final.outcome, final.disposition, final.notes, final.resolved) == (
        "submitted",
        "transferred",
        "Sent to the billing menu",
        True,
    )


def test_the_readme_script_takes_a_call_transfers_it_and_submits_the_wrap_up(
    tmp_path, kamailio, registered_peer, sipp_factory
):
    billing = sipp_factory("uas_answer.xml", service="billing")
    phone, profile = _start(tmp_path, kamailio, billing.uri("billing"))
    try:
        Api(profile).command("agent_state", state="available")
        script = subprocess.Popen(
            [sys.executable, "-m", "softphone.cti.example_client", str(profile), "Billing menu"],
            cwd=ROOT,
            env=softphone_environment(tmp_path),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(0.5)  # the script subscribes to the events before the call comes
        caller = registered_peer("1002")
        caller.send("call", uri=kamailio.user_uri("1001"), headers=CONTEXT)
        try:
            out, err = script.communicate(timeout=30)
        finally:
            script.kill()
        assert script.returncode == 0, err
        assert "'X-Customer-Id': 'C-10042'" in out
        assert "'outcome': 'submitted'" in out
        caller.wait_for("call_state", state="CONFIRMED")
        caller.send("hangup")
        billing.wait(15)
    finally:
        _stop(phone)
    with open_store(tmp_path / "store.db") as store:
        [final] = store.wrap_ups(agent_id=AGENT)
        [call] = store.calls(agent_id=AGENT)
    assert (final.outcome, final.disposition) == ("submitted", "transferred")
    assert [t.result for t in call.transfers] == ["completed"]


@pytest.fixture(scope="module")
def running(tmp_path_factory, kamailio):
    """One softphone for the refusal tests: each refusal must leave it serving."""
    tmp = tmp_path_factory.mktemp("cti-refusals")
    phone, profile = _start(tmp, kamailio)
    yield phone, Api(profile)
    _stop(phone)


REFUSALS = {
    "no token": (dict(token=None), 401, "unauthorized"),
    "wrong token": (dict(token="not-the-token"), 401, "unauthorized"),
    "malformed JSON": (dict(data=b'{"target": "1002"'), 400, "malformed_json"),
    "10 MB body": (dict(data=b"{" + b" " * (10 * 1024 * 1024) + b"}"), 413, "body_too_large"),
    "unknown command": (dict(path="/v1/commands/teleport"), 404, "unknown_command"),
    "answer with no call ringing": (dict(path="/v1/commands/answer"), 409, "not_possible_now"),
}


@pytest.mark.parametrize("case", list(REFUSALS), ids=list(REFUSALS))
def test_a_refused_request_leaves_the_softphone_unaffected(running, case):
    phone, api = running
    options, status, error = REFUSALS[case]
    options = dict(options)
    path = options.pop("path", "/v1/commands/dial")
    body = None if "data" in options else {}
    got, answer = api.request("POST", path, body, **options)
    assert (got, answer["error"]) == (status, error), answer
    assert answer["detail"]
    assert phone.process.poll() is None
    status, state = api.request("GET", "/v1/state")
    assert status == 200
    assert state["registration"]["status"] == "registered"
    assert state["agent"]["state"] == "not_ready"
