"""`make demo`: the lab, the supervisor's wallboard and a softphone, on one machine.

python -m softphone.lab.demo [--speed N] [--seed S] [--rate PER_MINUTE] [--bots N]
                             [--folder DIR] [-v]

1. A folder for this run (a new temporary one unless `--folder`) holds the
   store, the queue_log, the lab's record, a softphone profile and the logs.
2. A random SIP password for the agent's account (1001) is made for this
   run. The lab gets it on its stdin and configures its Kamailio with it.
   The softphone gets it from the system keychain, where the demo puts it
   (and removes it at the end). With no keychain the softphone asks for it,
   as it always does then, and the demo prints it on its terminal: the
   password opens only a registrar on 127.0.0.1 that lives for this run,
   and it is never written to a file.
3. The lab starts (its Kamailio, callers, queue, bots); the supervisor feed
   (`supervisor ingest --follow`) reads the lab's queue_log into the store,
   exactly as it would read a PBX's; the bots write their facts straight
   into the store, as softphones do. Then the wallboard
   (`supervisor --db ... --thresholds ...`, thresholds scaled by the speed)
   and the softphone (`softphone --profile ... --db ...`) open.
4. When both windows are closed (or on Ctrl+C / SIGTERM), the feed and the
   lab are stopped by their pids. The exit status is 0 when every part
   stopped cleanly.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import IO

from softphone.credentials import Credentials, KeychainUnavailable

log = logging.getLogger("softphone.lab.demo")

AGENT_USER = "1001"
AGENT_ID = "1001"
READY_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 15.0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser."""
    parser = argparse.ArgumentParser(
        prog="python -m softphone.lab.demo",
        description="Callboard demo: a simulated call center, its wallboard and a softphone.",
    )
    parser.add_argument(
        "--speed", type=float, default=10.0, help="simulated seconds per second (default 10)"
    )
    parser.add_argument("--seed", type=int, help="seed of the random callers")
    parser.add_argument(
        "--rate", type=float, default=4.0, help="callers per simulated minute (default 4)"
    )
    parser.add_argument("--bots", type=int, default=4, help="bot agents (default 4)")
    parser.add_argument("--folder", type=Path, help="keep the run's files here (default: temp)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log everything to stderr")
    return parser


def write_profile(folder: Path, registrar: str, domain: str) -> Path:
    """The demo agent's softphone profile (no password: that is in the keychain)."""
    folder.mkdir(parents=True, exist_ok=True)
    data = {
        "agent": {"id": AGENT_ID, "name": "Demo agent", "state_after_login": "available"},
        "account": {
            "sip_uri": f"sip:{AGENT_USER}@{domain}",
            "registrar": registrar,
            "transport": "udp",
            "register_expires": 300,
        },
        "wrap_up": {"mode": "optional"},
        "network": {"bind_address": "127.0.0.1"},
    }
    (folder / "profile.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
    return folder


def write_thresholds(path: Path, speed: float) -> Path:
    """Service-level thresholds scaled by the speed, so the wallboard reads like real time."""
    data = {
        "default": {"service_level_seconds": 20.0 / speed, "short_abandon_seconds": 5.0 / speed},
        "agent_aliases": {f"PJSIP/{AGENT_USER}": AGENT_ID},
    }
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


class Demo:
    """The demo's child processes, started in order and stopped by their pids."""

    def __init__(self, args: argparse.Namespace, folder: Path) -> None:
        self.args = args
        self.folder = folder
        self.db = folder / "store.sqlite"
        self.queue_log = folder / "queue_log"
        self.env = dict(os.environ)
        self.env["CALLBOARD_LOG_DIR"] = str(folder / "logs")
        self.lab: subprocess.Popen[str] | None = None
        self.feed: subprocess.Popen[bytes] | None = None
        self.windows: list[subprocess.Popen[bytes]] = []
        self.credentials = Credentials()
        self.sip_uri = ""
        self._stored_password = False

    def _python(self, *args: str, log_name: str) -> subprocess.Popen[bytes]:
        log_file = (self.folder / "logs" / log_name).open("ab")
        return subprocess.Popen(
            [sys.executable, *args], env=self.env, stdin=subprocess.DEVNULL,
            stdout=log_file, stderr=log_file,
        )  # fmt: skip

    def start(self, password: str) -> None:
        """Start the lab, the feed, the wallboard and the softphone."""
        (self.folder / "logs").mkdir(parents=True, exist_ok=True)
        ready = self._start_lab(password)
        registrar, domain = str(ready["registrar"]), str(ready["domain"])
        profile = write_profile(self.folder / "profile", registrar, domain)
        self.sip_uri = f"sip:{AGENT_USER}@{domain}"
        self._store_password(password)
        thresholds = write_thresholds(self.folder / "thresholds.json", self.args.speed)
        self.feed = self._python(
            "-m", "supervisor", "ingest", str(self.queue_log), "--db", str(self.db),
            "--follow", "--interval", "0.5", log_name="feed.log",
        )  # fmt: skip
        wallboard = ["-m", "supervisor", "--db", str(self.db), "--thresholds", str(thresholds)]
        self.windows.append(self._python(*wallboard, log_name="supervisor.log"))
        softphone = ["-m", "softphone", "--profile", str(profile), "--db", str(self.db)]
        self.windows.append(self._python(*softphone, log_name="softphone.log"))
        print(
            f"Callboard demo: lab at speed {self.args.speed:g}, registrar {registrar}; "
            f"files in {self.folder}. Close both windows (or press Ctrl+C) to stop.",
            file=sys.stderr,
        )

    def _start_lab(self, password: str) -> dict[str, object]:
        command = [
            sys.executable, "-m", "softphone.lab", "--db", str(self.db),
            "--queue-log", str(self.queue_log), "--record", str(self.folder / "lab.jsonl"),
            "--speed", str(self.args.speed), "--rate", str(self.args.rate),
            "--bots", str(self.args.bots), "--human", AGENT_ID, "--human-user", AGENT_USER,
            "--agent-password-stdin", "--workdir", str(self.folder / "lab"),
        ]  # fmt: skip
        if self.args.seed is not None:
            command += ["--seed", str(self.args.seed)]
        log_file = (self.folder / "logs" / "lab.log").open("ab")
        lab = self.lab = subprocess.Popen(
            command, env=self.env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=log_file, text=True,
        )  # fmt: skip
        assert lab.stdin is not None and lab.stdout is not None
        lab.stdin.write(password + "\n")
        lab.stdin.close()
        line = _read_line(lab.stdout, READY_TIMEOUT_S)
        if not line:
            raise RuntimeError(
                f"the lab did not start (exit {lab.poll()}); see {self.folder / 'logs' / 'lab.log'}"
            )
        ready: dict[str, object] = json.loads(line)
        return ready

    def _store_password(self, password: str) -> None:
        try:
            self.credentials.set(self.sip_uri, password)
            self._stored_password = True
        except KeychainUnavailable as exc:
            print(
                f"No keychain ({exc}). The softphone will ask for the password of "
                f"{self.sip_uri}; for this run it is: {password}\n"
                "(It opens only this demo's registrar on 127.0.0.1, which stops with the demo.)",
                file=sys.stderr,
            )

    def windows_open(self) -> bool:
        """True while a window is still open."""
        return any(window.poll() is None for window in self.windows)

    def stop(self) -> int:
        """Close the windows, then stop the feed and the lab; 0 when all stopped cleanly."""
        statuses = [_stop(window) for window in self.windows]
        statuses.append(_stop(self.feed))
        statuses.append(_stop(self.lab))
        if self._stored_password:
            with contextlib.suppress(KeychainUnavailable):
                self.credentials.delete(self.sip_uri)
        failed = [status for status in statuses if status not in (0, None)]
        return 0 if not failed else 1


def _read_line(stream: IO[str], timeout: float) -> str:
    """One line from `stream`, or "" after `timeout` seconds."""
    result: list[str] = []
    reader = threading.Thread(target=lambda: result.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return result[0] if result else ""


def _stop(process: subprocess.Popen[bytes] | subprocess.Popen[str] | None) -> int | None:
    """SIGTERM by pid, wait, SIGKILL if it hangs; returns the exit status."""
    if process is None:
        return None
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            log.warning("pid %d did not stop in time: killed", process.pid)
            process.kill()
            process.wait(5)
    # A window closed by its user exits 0; SIGTERM'd ones are expected to exit 0 too.
    return process.returncode


def main(argv: Sequence[str] | None = None) -> int:
    """Run the demo until both windows are closed or the demo is told to stop."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING)
    if args.speed <= 0:
        print("demo: --speed must be positive", file=sys.stderr)
        return 2
    folder = args.folder or Path(tempfile.mkdtemp(prefix="callboard-demo-"))
    folder.mkdir(parents=True, exist_ok=True)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    demo = Demo(args, folder)
    try:
        demo.start(secrets.token_urlsafe(18))
        while not stop.is_set() and demo.windows_open():
            if demo.lab is not None and demo.lab.poll() is not None:
                print("demo: the lab stopped; closing the windows", file=sys.stderr)
                break
            time.sleep(0.2)
    except RuntimeError as exc:
        print(f"demo: {exc}", file=sys.stderr)
        demo.stop()
        return 1
    return demo.stop()


if __name__ == "__main__":
    sys.exit(main())
