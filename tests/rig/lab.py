"""Run the lab (`python -m softphone.lab`) in a process of its own, for tests."""

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


class LabProcess:
    """The lab in a subprocess: its ready line, its files, stopped by pid and checked for exit 0."""

    def __init__(self, folder: Path, *args: str, password: str | None = None) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.db = folder / "store.sqlite"
        self.queue_log = folder / "queue_log"
        self.record = folder / "lab.jsonl"
        self.stderr_path = folder / "lab.stderr"
        self.args = list(args)
        self.password = password
        self.process: subprocess.Popen[str] | None = None
        self.lines: queue.Queue[dict[str, Any]] = queue.Queue()
        self.ready: dict[str, Any] = {}

    def start(self, timeout: float = 20.0) -> LabProcess:
        """Start the lab and wait for its ready line."""
        command = [
            sys.executable, "-m", "softphone.lab", "--db", str(self.db),
            "--queue-log", str(self.queue_log), "--record", str(self.record),
            "--workdir", str(self.folder / "work"), *self.args,
        ]  # fmt: skip
        if self.password is not None:
            command.append("--agent-password-stdin")
        with self.stderr_path.open("wb") as stderr:
            self.process = subprocess.Popen(
                command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=stderr, text=True, env=dict(os.environ),
            )  # fmt: skip
        assert self.process.stdin is not None
        if self.password is not None:
            self.process.stdin.write(self.password + "\n")
            self.process.stdin.flush()
        threading.Thread(target=self._read, daemon=True).start()
        self.ready = self.wait_event("ready", timeout)
        return self

    def _read(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            if line.strip():
                self.lines.put(json.loads(line))

    def wait_event(self, name: str, timeout: float) -> dict[str, Any]:
        """The lab's next stdout event called `name`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                event = self.lines.get(timeout=0.1)
            except queue.Empty:
                continue
            if event.get("event") == name:
                return event
        raise AssertionError(f"the lab wrote no {name!r} within {timeout} s:\n{self.stderr_tail()}")

    def stderr_tail(self, lines: int = 60) -> str:
        """The end of the lab's log."""
        text = self.stderr_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    @property
    def registrar(self) -> str:
        """The lab's Kamailio URI."""
        return str(self.ready["registrar"])

    def wait(self, timeout: float) -> int:
        """Wait for the lab to exit by itself; returns its exit status."""
        assert self.process is not None
        return self.process.wait(timeout)

    def stop(self, timeout: float = 15.0) -> int:
        """SIGTERM by pid, then wait; SIGKILL if it hangs. Returns the exit status."""
        process = self.process
        if process is None:
            return 0
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
        if process.stdin is not None:
            process.stdin.close()
        return int(process.returncode)
