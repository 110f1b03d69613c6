"""Drive a pjsua2 peer process (tests/rig/peer.py) from a test.

The protocol is JSON lines. Commands go to the peer's stdin as
``{"cmd": NAME, "id": N, ...fields}``; every command is answered by
``{"event": "ok", "id": N, "cmd": NAME, ...result}`` or
``{"event": "error", "id": N, "cmd": NAME, "message": TEXT}``.

Commands and their fields (``call`` is a label the peer gives each call; it
defaults to the newest live call; ``user`` picks an account, default the
newest one):

- ``register`` user, password, registrar (URI), transport udp|tcp|tls,
  ca_cert (path: verify the server over TLS), expires (s, default 60),
  domain (default: the registrar's host). Replies ``{user, uri}``. The
  registrar is also the account's outbound proxy.
- ``unregister`` user?
- ``call`` uri, headers {name: value}, user? . Replies ``{call}``.
- ``answer`` code (default 200), call?
- ``auto_answer`` code (int, or null for off: ring only), delay_ms. Every
  incoming call is answered 180 at once; with auto_answer set, the code
  follows after delay_ms (a code >= 300 with no delay replaces the 180).
- ``hangup`` call?, code?
- ``hold`` / ``unhold`` call?
- ``dtmf`` digits, call? (RFC 2833)
- ``transfer`` uri, call? (blind transfer: REFER)
- ``tone`` freq, call? (a sine tone into the call, until ``stop_media``)
- ``record`` path, call? (what the call brings, into a WAV file)
- ``stop_media`` (stop tones, finish recordings)
- ``refer_answer`` code (202 accepts REFERs, the default; 403, 603... refuse them)
- ``transfer_replaces`` call, target_call (attended transfer: REFER with
  Replaces, asking the party on ``call`` to take over ``target_call``)
- ``quit``

Events the peer sends on its own:

- ``ready`` {pid}
- ``reg_state`` {user, code, reason, active, expires}
- ``incoming`` {call, user, from, to, headers {name: value}, raw}
- ``call_state`` {call, state: CALLING|INCOMING|EARLY|CONNECTING|CONFIRMED|
  DISCONNECTED, code, reason}
- ``media_state`` {call, status: active|local_hold|remote_hold|none|error}
- ``rx_offer`` {call, direction: sendrecv|sendonly|recvonly|inactive, sdp}
- ``dtmf`` {call, digit}
- ``transfer_request`` {call, target} (accepted with 202; the new call to
  the target gets a label of its own)
- ``transfer_status`` {call, code, reason, final} (on a final 2xx the peer
  hangs up the transferred call, as a desk phone does)
- ``call_replaced`` {call, new_call}
- ``exception`` {where, message}: a callback or timer failed (a rig bug)
- ``bye``: the library is destroyed and the peer is about to exit 0
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_TIMEOUT_S = 10.0


class Peer:
    """A pjsua2 peer process started for a test, with its events buffered."""

    def __init__(self, workdir: Path, name: str = "peer", *, log_level: int = 5) -> None:
        """Start the peer process and wait for its ready event."""
        self.name = name
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.stderr_path = self.workdir / f"{name}.stderr.log"
        self.pjsua_log_path = self.workdir / f"{name}.pjsua.log"
        self.seen: list[dict[str, Any]] = []
        self._pending: list[dict[str, Any]] = []
        self._lock = threading.Condition()
        self._next_id = 1
        self._closed = False

        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
        env["PYTHONUNBUFFERED"] = "1"
        env["PYTHONFAULTHANDLER"] = "1"
        with self.stderr_path.open("wb") as stderr:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "tests.rig.peer",
                 "--log-file", str(self.pjsua_log_path), "--log-level", str(log_level)],
                cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=stderr,
            )  # fmt: skip
        assert self._process.stdout is not None
        self._reader = threading.Thread(
            target=self._read_events,
            args=(self._process.stdout,),
            name=f"{name}-events",
            daemon=True,
        )
        self._reader.start()
        try:
            self.wait_for("ready")
        except BaseException:
            self.close(expect_exit=None)
            raise

    @property
    def pid(self) -> int:
        """The pid of the peer process."""
        return self._process.pid

    def send(
        self, cmd: str, *, timeout: float = DEFAULT_TIMEOUT_S, check: bool = True, **fields: Any
    ) -> dict[str, Any]:
        """Send a command and return its ok (or, with check=False, error) reply."""
        request_id = self._next_id
        self._next_id += 1
        line = json.dumps({"cmd": cmd, "id": request_id, **fields}) + "\n"
        stdin = self._process.stdin
        assert stdin is not None
        try:
            stdin.write(line.encode("utf-8"))
            stdin.flush()
        except (BrokenPipeError, ValueError) as exc:
            raise AssertionError(
                f"peer {self.name} is gone (exit {self._process.poll()}): {exc}\n{self.log_tail()}"
            ) from exc
        reply = self._wait(lambda e: e.get("id") == request_id, f"reply to {cmd}", timeout)
        if check and reply["event"] != "ok":
            raise AssertionError(f"peer {self.name}: {cmd} failed: {reply.get('message')}")
        return reply

    def wait_for(
        self, event: str, timeout: float = DEFAULT_TIMEOUT_S, **match: Any
    ) -> dict[str, Any]:
        """Return (and consume) the oldest unconsumed event of a kind with these fields.

        Events are buffered from the start, so an older match (say the
        media_state "active" of call setup) is returned before a newer one:
        wait for events in the order they happen, or discard() first.
        """

        def matches(candidate: dict[str, Any]) -> bool:
            return candidate.get("event") == event and all(
                candidate.get(key) == value for key, value in match.items()
            )

        wanted = event + "".join(f" {k}={v!r}" for k, v in match.items())
        return self._wait(matches, wanted, timeout)

    def register(
        self,
        user: str,
        password: str,
        registrar: str,
        transport: str = "udp",
        *,
        ca_cert: Path | str | None = None,
        expires: int = 60,
        timeout: float = DEFAULT_TIMEOUT_S,
    ) -> dict[str, Any]:
        """Register an account and return its successful reg_state event."""
        fields: dict[str, Any] = {}
        if ca_cert is not None:
            fields["ca_cert"] = str(ca_cert)
        self.send(
            "register", user=user, password=password, registrar=registrar,
            transport=transport, expires=expires, **fields,
        )  # fmt: skip
        return self.wait_for("reg_state", timeout, user=user, code=200)

    def events(self, event: str | None = None) -> list[dict[str, Any]]:
        """Every event received so far (consumed or not), optionally of one kind."""
        with self._lock:
            return [e for e in self.seen if event is None or e.get("event") == event]

    def discard(self, event: str | None = None) -> list[dict[str, Any]]:
        """Drop buffered, unconsumed events (of one kind, or all) and return them."""
        with self._lock:
            kept: list[dict[str, Any]] = []
            dropped: list[dict[str, Any]] = []
            for candidate in self._pending:
                wanted = event is None or candidate.get("event") == event
                (dropped if wanted and candidate.get("event") != "_eof" else kept).append(candidate)
            self._pending = kept
        return dropped

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of the peer's stderr and pjsua log, for failure messages."""
        parts = []
        for path in (self.stderr_path, self.pjsua_log_path):
            try:
                text = path.read_text(encoding="utf-8", errors="replace").splitlines()
            except FileNotFoundError:
                continue
            parts.append(f"--- {path.name} (last {lines} lines)\n" + "\n".join(text[-lines:]))
        return "\n".join(parts)

    def request_quit(self) -> None:
        """Ask the peer to quit and close its stdin, without waiting (close() waits)."""
        stdin = self._process.stdin
        if stdin is None or stdin.closed:
            return
        try:
            if self._process.poll() is None:
                stdin.write(b'{"cmd": "quit"}\n')
                stdin.flush()
        except (BrokenPipeError, ValueError):
            pass
        self.close_stdin()

    def close_stdin(self) -> None:
        """Close the peer's stdin: at end of input the peer shuts down by itself."""
        stdin = self._process.stdin
        if stdin is not None and not stdin.closed:
            with contextlib.suppress(BrokenPipeError):
                stdin.close()

    def close(self, expect_exit: int | None = 0, timeout: float = DEFAULT_TIMEOUT_S) -> int:
        """Quit the peer (SIGKILL if it hangs) and check its exit status unless None."""
        if self._closed:
            return self._process.wait()
        self._closed = True
        self.request_quit()
        killed = False
        try:
            status = self._process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.kill(self._process.pid, signal.SIGKILL)
            status = self._process.wait()
            killed = True
        self._reader.join(timeout)
        if expect_exit is not None:
            assert not killed, f"peer {self.name} did not quit in {timeout} s\n{self.log_tail()}"
            assert status == expect_exit, (
                f"peer {self.name} exited with {status}, expected {expect_exit}\n{self.log_tail()}"
            )
            failures = self.events("exception")
            assert not failures, f"peer {self.name} had callback failures: {failures}"
        return status

    def _read_events(self, stream: IO[bytes]) -> None:
        for raw in stream:
            try:
                event = json.loads(raw)
            except json.JSONDecodeError:
                event = {"event": "garbage", "line": raw.decode("utf-8", errors="replace")}
            with self._lock:
                self.seen.append(event)
                self._pending.append(event)
                self._lock.notify_all()
        with self._lock:
            self._pending.append({"event": "_eof"})
            self._lock.notify_all()

    def _wait(self, matches: Any, wanted: str, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                for index, event in enumerate(self._pending):
                    if matches(event):
                        return self._pending.pop(index)
                eof = any(e.get("event") == "_eof" for e in self._pending)
                remaining = deadline - time.monotonic()
                if eof or remaining <= 0:
                    break
                self._lock.wait(remaining)
            seen = [_short(e) for e in self.seen]
        reason = "the peer's stdout closed" if eof else f"none came within {timeout} s"
        raise AssertionError(
            f"peer {self.name}: waited for {wanted}, but {reason}.\n"
            f"Events so far:\n  " + "\n  ".join(seen) + f"\n{self.log_tail()}"
        )

    def __enter__(self) -> Peer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close(expect_exit=0 if exc_type is None else None)


def _short(event: dict[str, Any]) -> str:
    """An event as one line, without the bulky raw message and SDP."""
    trimmed = {k: v for k, v in event.items() if k not in ("raw", "sdp")}
    return json.dumps(trimmed)[:300]
