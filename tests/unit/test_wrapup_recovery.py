"""A softphone killed with SIGKILL in the middle of a wrap-up loses none of the draft."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from store_helpers import T0, write_profile

HELPERS = Path(__file__).with_name("store_helpers.py")


def test_a_wrap_up_killed_mid_draft_is_reopened_by_the_restarted_softphone(tmp_path):
    db = tmp_path / "callboard.db"
    profile = write_profile(
        tmp_path / "profile",
        {
            "agent": {"id": "a1"},
            "wrap_up": {"mode": "mandatory"},
        },
    )
    softphone = subprocess.Popen(
        [sys.executable, str(HELPERS), "wrap-up-then-wait", str(db), str(profile)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert softphone.stdout.readline().strip() == "ready", softphone.stderr.read()
        os.kill(softphone.pid, signal.SIGKILL)
    finally:
        softphone.kill()
        softphone.wait(timeout=30)
        softphone.stdout.close()
        softphone.stderr.close()
    assert softphone.returncode == -signal.SIGKILL

    restarted = subprocess.run(
        [sys.executable, str(HELPERS), "log-in-and-report", str(db), str(profile)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    report = json.loads(restarted.stdout)

    assert report == {
        "state": "wrap_up",
        "reason": "resumed_after_restart",
        "call_id": "call-1",
        "disposition": "callback_scheduled",
        "notes": "Customer wants a callback about invoice 42",
        "resolved": False,
        "follow_up_at": T0 + 86_400,
        "revision": 4,
    }
