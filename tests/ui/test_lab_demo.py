"""`make demo`'s launcher: lab, feed, wallboard and softphone start, talk, and stop cleanly."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

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


@contextlib.contextmanager
def _xvfb() -> Iterator[str]:
    """A virtual X display (Xvfb) on a free display number, stopped by its pid."""
    binary = shutil.which("Xvfb")
    if binary is None:
        pytest.fail("Xvfb is missing: run `make test` as root to install the xvfb package")
    number = next(n for n in range(90, 200) if not Path(f"/tmp/.X{n}-lock").exists())
    server = subprocess.Popen(
        [binary, f":{number}", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        socket_path = Path(f"/tmp/.X11-unix/X{number}")
        deadline = time.monotonic() + 10
        while not socket_path.exists():
            assert server.poll() is None and time.monotonic() < deadline, "Xvfb did not start"
            time.sleep(0.05)  # another process starts: nothing here to poll instead
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(10)


@pytest.fixture(params=["offscreen", "xvfb"])
def display(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """Where the demo's windows show: Qt's offscreen platform, or a real X server (Xvfb)."""
    if request.param == "offscreen":
        yield {"QT_QPA_PLATFORM": "offscreen"}
        return
    with _xvfb() as name:
        yield {"QT_QPA_PLATFORM": "xcb", "DISPLAY": name}


def test_the_demo_offers_lab_calls_to_the_softphone_and_stops_on_sigterm(tmp_path, display):
    env = dict(os.environ)
    env.update(
        **display,
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
