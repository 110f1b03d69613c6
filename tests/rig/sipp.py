"""Run SIPp scenarios (resources/sipp) on loopback as callers, IVRs and transfer targets."""

from __future__ import annotations

import itertools
import socket
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType

from softphone.lab.processes import stop_process_group
from tests.rig.kamailio import HOST, ROOT, RigError, free_port, require_binary

SCENARIOS = ROOT / "resources" / "sipp"
STOP_TIMEOUT_S = 3.0
READY_TIMEOUT_S = 5.0

# The caller context an IVR collected, as the IVR scenarios send it by default.
IVR_CONTEXT: dict[str, str] = {
    "caller": "ivr",
    "caller_name": "Callboard IVR",
    "ivr_path": "main>billing>agent",
    "customer_id": "C-10042",
    "customer_name": "Ada Lovelace",
    "queue": "billing",
    "call_info": "<https://crm.example.invalid/customers/C-10042>;purpose=info",
    "user_to_user": "0401020304;encoding=hex",
    "hold_ms": "1000",
}

# SIPp refuses a scenario that uses a -key it was not given: these are the
# defaults for the bundled scenarios' keys; Sipp(keys=...) overrides them.
DEFAULT_KEYS: dict[str, dict[str, str]] = {
    "uac_ivr_call.xml": IVR_CONTEXT,
    "uac_ivr_call_expect_480.xml": IVR_CONTEXT,
    "uac_register_auth.xml": {"expires": "60"},  # contact_port: SIPp's own port
}

# What SIPp's exit status means.
EXIT_MEANINGS = {
    0: "all calls succeeded",
    1: "at least one call failed",
    97: "exit on internal command",
    99: "normal exit without any call processed",
    255: "fatal error",
    254: "fatal error binding a socket",
}

_counter = itertools.count(1)


class Sipp:
    """One SIPp process running one scenario on 127.0.0.1, stopped by pid."""

    host = HOST

    def __init__(
        self,
        workdir: Path,
        scenario: str | Path,
        *,
        remote: str | None = None,
        service: str | None = None,
        calls: int = 1,
        keys: Mapping[str, str] | None = None,
        inject: Path | Sequence[Sequence[str]] | None = None,
        transport: str = "udp",
        duration_ms: int | None = None,
        auth: tuple[str, str] | None = None,
        port: int | None = None,
        timeout_s: float = 30.0,
        extra_args: Sequence[str] = (),
    ) -> None:
        """Prepare a run: remote is "host:port" for a UAC, service is SIPp's -s user."""
        self.workdir = Path(workdir)
        self.scenario = Path(scenario) if Path(scenario).is_absolute() else SCENARIOS / scenario
        if not self.scenario.is_file():
            raise RigError(f"no SIPp scenario {self.scenario}")
        if transport not in ("udp", "tcp"):
            raise RigError(f"SIPp transport {transport!r}: use udp or tcp")
        self.name = f"sipp{next(_counter)}-{self.scenario.stem}"
        self.remote = remote
        self.service = service
        self.calls = calls
        self.keys = {**DEFAULT_KEYS.get(self.scenario.name, {}), **(keys or {})}
        self.inject = inject
        self.transport = transport
        self.duration_ms = duration_ms
        self.auth = auth
        self.port = port or free_port(("udp", "tcp"))
        self.media_port = 0
        self.timeout_s = timeout_s
        self.extra_args = list(extra_args)
        self.messages_path = self.workdir / f"{self.name}.messages.log"
        self.errors_path = self.workdir / f"{self.name}.errors.log"
        self.screen_path = self.workdir / f"{self.name}.screen.log"
        self.stdout_path = self.workdir / f"{self.name}.stdout.log"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        """The pid of the SIPp process while it runs."""
        process = self._process
        return process.pid if process is not None and process.poll() is None else None

    @property
    def running(self) -> bool:
        """Whether SIPp is still running."""
        return self._process is not None and self._process.poll() is None

    def uri(self, user: str | None = None) -> str:
        """A SIP URI that reaches this SIPp directly (user defaults to -s or "sipp")."""
        suffix = ";transport=tcp" if self.transport == "tcp" else ""
        return f"sip:{user or self.service or 'sipp'}@{self.host}:{self.port}{suffix}"

    def command(self) -> list[str]:
        """The SIPp command line this run uses."""
        self.media_port = self.media_port or _free_media_port()
        keys = dict(self.keys)
        if self.scenario.name == "uac_register_auth.xml":
            keys.setdefault("contact_port", str(self.port))
        args = [
            require_binary("sipp"),
            *([self.remote] if self.remote else []),
            "-sf", str(self.scenario),
            "-i", self.host, "-p", str(self.port), "-mp", str(self.media_port),
            "-t", "u1" if self.transport == "udp" else "t1",
            "-m", str(self.calls),
            "-nostdin", "-aa",
            "-timeout", f"{self.timeout_s:g}s", "-timeout_error",
            "-trace_err", "-error_file", str(self.errors_path),
            "-trace_msg", "-message_file", str(self.messages_path),
            "-trace_screen", "-screen_file", str(self.screen_path),
        ]  # fmt: skip
        if self.service:
            args += ["-s", self.service]
        if self.duration_ms is not None:
            args += ["-d", str(self.duration_ms)]
        if self.auth:
            args += ["-au", self.auth[0], "-ap", self.auth[1]]
        for name, value in keys.items():
            args += ["-key", name, str(value)]
        if self.inject is not None:
            args += ["-inf", str(self._injection_file())]
        return args + self.extra_args

    def start(self) -> Sipp:
        """Start SIPp and wait until it holds its SIP port."""
        if self.running:
            raise RigError(f"{self.name} is already running")
        self.workdir.mkdir(parents=True, exist_ok=True)
        command = self.command()
        with self.stdout_path.open("wb") as out:
            out.write((" ".join(command) + "\n").encode())
            out.flush()
            self._process = subprocess.Popen(
                command, cwd=self.workdir, stdin=subprocess.DEVNULL, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        self._wait_until_bound()
        return self

    def wait(self, timeout: float | None = None) -> int:
        """Wait for SIPp to finish and return its exit status (0: every call succeeded)."""
        assert self._process is not None, "start() SIPp first"
        limit = timeout if timeout is not None else self.timeout_s + 5
        try:
            return self._process.wait(limit)
        except subprocess.TimeoutExpired:
            self.stop()
            raise AssertionError(
                f"{self.name} still ran after {limit:g} s and was stopped\n{self.log_tail()}"
            ) from None

    def stop(self) -> None:
        """Stop SIPp by pid: SIGTERM, then SIGKILL to its process group."""
        if self._process is not None:
            stop_process_group(self._process, STOP_TIMEOUT_S)

    def trace_text(self) -> str:
        """The messages SIPp sent and received (-trace_msg)."""
        return _read(self.messages_path)

    def error_text(self) -> str:
        """The unexpected messages and errors SIPp logged (-trace_err)."""
        return _read(self.errors_path)

    def screen_text(self) -> str:
        """SIPp's final statistics screen and its console output."""
        return _read(self.screen_path) + _read(self.stdout_path)

    def received_codes(self) -> list[int]:
        """The status codes of the responses SIPp received, in order."""
        codes = []
        lines = iter(self.trace_text().splitlines())
        for line in lines:
            if " message received " in line:
                first = next((x for x in lines if x.strip()), "")
                if first.startswith("SIP/2.0 "):
                    codes.append(int(first.split()[1]))
        return codes

    def log_tail(self, lines: int = 60) -> str:
        """The last lines of SIPp's error log, message trace and screen, for failures."""
        parts = [f"--- {self.name}: {' '.join(self.command())}"]
        for title, text in (
            ("errors", self.error_text()),
            ("messages", self.trace_text()),
            ("screen", self.screen_text()),
        ):
            tail = text.splitlines()[-lines:]
            parts.append(f"--- {title} (last {len(tail)} lines)\n" + "\n".join(tail))
        return "\n".join(parts)

    def explain(self, status: int) -> str:
        """A sentence for a SIPp exit status, with the logs, for assertion messages."""
        meaning = EXIT_MEANINGS.get(status, "unknown status")
        return f"{self.name} exited with {status} ({meaning})\n{self.log_tail()}"

    def _injection_file(self) -> Path:
        if isinstance(self.inject, Path):
            return self.inject
        assert self.inject is not None
        path = self.workdir / f"{self.name}.inject.csv"
        rows = ["SEQUENTIAL"] + [";".join(map(str, row)) for row in self.inject]
        path.write_text("\n".join(rows) + "\n", encoding="utf-8")
        return path

    def _wait_until_bound(self) -> None:
        kind = socket.SOCK_DGRAM if self.transport == "udp" else socket.SOCK_STREAM
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                status = self._process.returncode
                if status == 0 or self.remote:
                    return  # a UAC may finish (or fail) before we look
                raise RigError(f"{self.name} exited at start: {self.explain(status)}")
            if not _is_free(self.port, kind):
                return
            time.sleep(0.02)
        self.stop()
        raise RigError(f"{self.name} did not bind {self.host}:{self.port}\n{self.log_tail()}")

    def __enter__(self) -> Sipp:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _is_free(port: int, kind: int) -> bool:
    with socket.socket(socket.AF_INET, kind) as sock:
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


def _free_media_port() -> int:
    """An even UDP port whose +1..+3 are free too (SIPp binds audio and video pairs)."""
    for _ in range(50):
        port = free_port(("udp",)) & ~1
        if all(_is_free(port + i, socket.SOCK_DGRAM) for i in range(4)):
            return port
    raise RigError("no free media port pair for SIPp")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return ""
