"""`make demo`'s launcher: lab, feed, wallboard and softphone start, talk, and stop cleanly."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    if not db.exists():
        return []
    connection = sqlite3.connect(db, timeout=5)
    try:
        return connection.execute(sql).fetchall()
    except sqlite3.OperationalError:
        return []  # not created yet
    finally:
        connection.close()


def test_the_demo_offers_lab_calls_to_the_softphone_and_stops_on_sigterm(tmp_path):
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM=env.get("QT_QPA_PLATFORM", "offscreen"),
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        PYTHON_KEYRING_BACKEND="tests.rig.keyring_backend.FileKeyring",
        CALLBOARD_TEST_KEYRING_FILE=str(tmp_path / "keyring.json"),
    )
    folder = tmp_path / "demo"
    demo = subprocess.Popen(
        [sys.executable, "-m", "softphone.lab.demo", "--speed", "20", "--rate", "6",
         "--seed", "5", "--folder", str(folder)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    db = folder / "store.sqlite"
    try:
        deadline = time.monotonic() + 60
        offered: list[tuple[object, ...]] = []
        while time.monotonic() < deadline and demo.poll() is None:
            offered = _rows(
                db,
                "SELECT c.queue, x.value FROM calls c JOIN call_context x "
                "ON x.call_id = c.call_id AND x.header = 'X-Customer-Id' "
                "WHERE c.agent_id = '1001'",
            )
            fed = _rows(db, "SELECT COUNT(*) FROM queue_events WHERE event = 'ENTERQUEUE'")
            if offered and fed and fed[0][0]:
                break
            time.sleep(0.5)
        assert demo.poll() is None, demo.communicate()[0]
        assert offered, "the softphone was offered no lab call"  # registered, Available, rung
        assert fed[0][0] > 0  # the supervisor's feed reads the lab's queue_log
        assert _rows(db, "SELECT 1 FROM agent_state_changes WHERE agent_id = 'bot-amy'")
    finally:
        if demo.poll() is None:
            demo.send_signal(signal.SIGTERM)
        output = demo.communicate(timeout=60)[0]
    assert demo.returncode == 0, output
    assert "password" not in (folder / "profile" / "profile.json").read_text()
