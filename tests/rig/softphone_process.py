"""Run the real `softphone` command as a subprocess, with a test profile and keychain."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def write_profile(folder: Path, account: dict[str, Any], **extra: Any) -> Path:
    """Write a profile folder with `account` and any other top-level sections."""
    folder.mkdir(parents=True, exist_ok=True)
    # The automation API on any free port (it is written to cti-port): runs side by side
    # must not fight over the default port.
    extra.setdefault("cti", {"port": 0})
    data = {"agent": {"id": "agent-1", "name": "Test Agent"}, "account": account, **extra}
    (folder / "profile.json").write_text(json.dumps(data, indent=2))
    return folder


def softphone_environment(tmp: Path) -> dict[str, str]:
    """Environment for a softphone subprocess: test keyring, store and logs under `tmp`."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["PYTHON_KEYRING_BACKEND"] = "tests.rig.keyring_backend.FileKeyring"
    env["CALLBOARD_TEST_KEYRING_FILE"] = str(tmp / "keyring.json")
    env["CALLBOARD_LOG_DIR"] = str(tmp / "logs")
    env["CALLBOARD_DB"] = str(tmp / "store.db")
    env["PYTHONUNBUFFERED"] = "1"
    return env


def save_password(tmp: Path, account: str, password: str) -> None:
    """Put a password where the subprocess's test keyring will find it."""
    path = tmp / "keyring.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    data[f"Callboard softphone\n{account}"] = password
    path.write_text(json.dumps(data))


class SoftphoneProcess:
    """`python -m softphone ARGS` with its stdout lines readable as they come."""

    def __init__(self, args: list[str], tmp: Path) -> None:
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "softphone", *args],
            cwd=ROOT,
            env=softphone_environment(tmp),
            text=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.stderr = ""

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_line(self, text: str, timeout: float = 15.0) -> str:
        """The first stdout line containing `text` (earlier lines are kept in `lines`)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line is None:
                break
            self.lines.append(line)
            if text in line:
                return line
        raise AssertionError(
            f"no line with {text!r} within {timeout} s; stdout so far: "
            f"{self.lines}; stderr: {self._stderr_tail()}"
        )

    def wait_exit(self, timeout: float = 15.0) -> int:
        """Wait for the process to exit by itself; its exit status."""
        return self.stop(None, timeout)

    def stop(self, signum: int | None = signal.SIGTERM, timeout: float = 15.0) -> int:
        """Send `signum` (None: none), wait for the exit status; kill and fail past `timeout`."""
        if signum is not None and self.process.poll() is None:
            self.process.send_signal(signum)
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"softphone did not exit within {timeout} s of {signum}") from None
        self._reader.join(5)
        while not self._queue.empty():
            line = self._queue.get()
            if line is not None:
                self.lines.append(line)
        assert self.process.stderr is not None
        self.stderr = self.process.stderr.read()
        return code

    def kill(self) -> None:
        """Make sure the process is gone (teardown)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def _stderr_tail(self) -> str:
        if self.process.poll() is not None and self.process.stderr is not None:
            return self.process.stderr.read()[-2000:]
        return "(still running)"
