"""SIP benchmarks: call setup, start to registered, memory. Figures and ratios, no asserts on time.

Run with `make bench`. Each figure is printed next to a baseline measured in
the same run: a bare pjsua2 script (tests/bench/bare_pjsua2.py) doing the
same thing through the same Kamailio to the same peer.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from softphone.sip import CallState, EngineSettings
from tests.rig.engine_harness import EngineHarness
from tests.rig.softphone_process import (
    SoftphoneProcess,
    save_password,
    softphone_environment,
    write_profile,
)

BARE = Path(__file__).with_name("bare_pjsua2.py")
ROUNDS = 3
CALLS_PER_ROUND = 10
STARTS = 5


def _bare(kamailio, tmp_path, calls):
    process = subprocess.run(
        [
            sys.executable,
            str(BARE),
            kamailio.registrar_uri("udp"),
            "1003",
            kamailio.users["1003"],
            kamailio.user_uri("1002"),
            str(calls),
        ],
        env=softphone_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(process.stdout.strip().splitlines()[-1])


def _engine_setups(harness, account, calls):
    setups = []
    for _ in range(calls):
        started = time.perf_counter()
        call = harness.engine.make_call(account, "1002")
        harness.wait_call_state(call, CallState.CONFIRMED)
        setups.append(time.perf_counter() - started)
        harness.engine.hangup(call)
        harness.wait_call_state(call, CallState.DISCONNECTED)
        harness.poll_for(0.2)  # the same gap as the bare script: see GAP_S there
    return setups


def _ms(values):
    return statistics.median(values) * 1000.0


def test_call_setup_against_bare_pjsua2(kamailio, registered_peer, tmp_path):
    registered_peer("1002", auto_answer=200)
    bare, ours = [], []
    with EngineHarness(EngineSettings(bind_address="127.0.0.1", log_level=1)) as harness:
        account = harness.register(kamailio, "1001")
        for _ in range(ROUNDS):  # interleaved, so drift in the machine hits both
            bare += _bare(kamailio, tmp_path, CALLS_PER_ROUND)["setup_s"]
            ours += _engine_setups(harness, account, CALLS_PER_ROUND)
    assert min(bare) > 0 and len(ours) == len(bare)
    print(
        f"\nsip: call setup INVITE to CONFIRMED through Kamailio, {len(ours)} calls: "
        f"engine median {_ms(ours):.2f} ms, bare pjsua2 {_ms(bare):.2f} ms, "
        f"ratio {_ms(ours) / _ms(bare):.2f}x (target within 1.2x)"
    )


def _time_to_line(command_args, tmp_path, text):
    started = time.perf_counter()
    process = subprocess.Popen(
        command_args,
        env=softphone_environment(tmp_path),
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert process.stdout is not None
        for line in process.stdout:
            if text in line:
                return time.perf_counter() - started, process
        raise AssertionError(f"{command_args[1]} ended without printing {text!r}")
    except BaseException:
        process.kill()
        raise


def _rss_mib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024.0
    return 0.0


def _stop(process):
    process.terminate()
    process.wait(15)


def test_start_to_registered_and_memory(kamailio, registered_peer, tmp_path):
    registered_peer("1002")
    account = {
        "sip_uri": kamailio.user_uri("1001"),
        "registrar": kamailio.registrar_uri("udp"),
        "register_expires": 60,
    }
    profile = write_profile(
        tmp_path / "profile",
        account,
        network={"bind_address": "127.0.0.1"},
        calls={"auto_answer_seconds": 0},
    )
    save_password(tmp_path, kamailio.user_uri("1001"), kamailio.users["1001"])
    softphone = [sys.executable, "-m", "softphone", "--headless", "--profile", str(profile)]
    bare = [
        sys.executable,
        str(BARE),
        kamailio.registrar_uri("udp"),
        "1003",
        kamailio.users["1003"],
        kamailio.user_uri("1002"),
        "0",
    ]
    ours_s, bare_s, ours_rss, bare_rss = [], [], [], []
    for _ in range(STARTS):
        seconds, process = _time_to_line(bare, tmp_path, "registered 200")
        bare_s.append(seconds)
        bare_rss.append(_rss_mib(process.pid))
        process.wait(15)
        seconds, process = _time_to_line(softphone, tmp_path, "registration registered 200")
        ours_s.append(seconds)
        ours_rss.append(_rss_mib(process.pid))
        _stop(process)
    print(
        f"\nsip: start to registered (process spawn to 200 OK), median of {STARTS}: "
        f"softphone --headless {_ms(ours_s):.0f} ms, bare pjsua2 {_ms(bare_s):.0f} ms, "
        f"ratio {_ms(ours_s) / _ms(bare_s):.2f}x (target under 1500 ms)"
    )
    print(
        f"sip: idle RSS once registered: softphone --headless "
        f"{statistics.median(ours_rss):.1f} MiB, bare pjsua2 "
        f"{statistics.median(bare_rss):.1f} MiB, ratio "
        f"{statistics.median(ours_rss) / statistics.median(bare_rss):.2f}x "
        f"(target under 150 MB)"
    )

    phone = SoftphoneProcess(["--headless", "--profile", str(profile)], tmp_path)
    try:
        phone.wait_line("registration registered 200")
        caller = registered_peer("2001")
        caller.send("call", uri=kamailio.user_uri("1001"))
        caller.wait_for("call_state", state="CONFIRMED")
        time.sleep(1.0)  # let media run
        in_call = _rss_mib(phone.process.pid)
        print(
            f"sip: RSS in a call: softphone --headless {in_call:.1f} MiB "
            f"(target under 150 MB; the window's figure comes with the window)"
        )
    finally:
        assert phone.stop() == 0
