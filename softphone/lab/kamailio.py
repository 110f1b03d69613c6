"""Kamailio as the lab's registrar and proxy on loopback, from the shared config template.

The lab (and the test rig, which imports this module) renders
`resources/kamailio/kamailio.cfg` into a folder of its own, starts Kamailio
in the foreground of a session of its own, and stops it by its pid.
Everything listens on 127.0.0.1 only.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from softphone.lab.processes import stop_process_group
from softphone.profile import resources_dir

CONFIG_TEMPLATE = resources_dir() / "kamailio" / "kamailio.cfg"
USERS_FILE = resources_dir() / "kamailio" / "users.txt"
HOST = "127.0.0.1"
DEFAULT_MODULES_DIR = Path("/usr/lib/x86_64-linux-gnu/kamailio/modules")
START_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 5.0

_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


class KamailioError(RuntimeError):
    """Kamailio (or openssl) could not be found, started or stopped."""


def require_binary(name: str) -> str:
    """Return the path of a program the lab needs, or raise saying how to get it."""
    path = shutil.which(name) or next(
        (p for p in (f"/usr/sbin/{name}", f"/usr/bin/{name}") if os.access(p, os.X_OK)), None
    )
    if path is None:
        raise KamailioError(
            f"'{name}' is not installed: run `make test` as root, which installs the "
            "Debian packages kamailio, kamailio-tls-modules, sip-tester and openssl"
        )
    return path


def free_port(protocols: tuple[str, ...] = ("udp", "tcp")) -> int:
    """Return a port on 127.0.0.1 that is free for every one of the given protocols."""
    kinds = {"udp": socket.SOCK_DGRAM, "tcp": socket.SOCK_STREAM}
    for _ in range(50):
        with socket.socket(socket.AF_INET, kinds[protocols[0]]) as first:
            first.bind((HOST, 0))
            port = int(first.getsockname()[1])
            if all(_port_is_free(port, kinds[p]) for p in protocols[1:]):
                return port
    raise KamailioError(f"no port free for {'+'.join(protocols)} on {HOST} after 50 tries")


def _port_is_free(port: int, kind: int) -> bool:
    with socket.socket(socket.AF_INET, kind) as sock:
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


def modules_dir() -> Path:
    """Return the folder of Kamailio's modules on this machine."""
    candidates = [DEFAULT_MODULES_DIR]
    for pattern in (
        "/usr/lib/*/kamailio/modules",
        "/usr/lib64/kamailio/modules",
        "/usr/lib/kamailio/modules",
        "/usr/local/lib*/kamailio/modules",
    ):
        candidates += [Path(p) for p in sorted(glob.glob(pattern))]
    for folder in candidates:
        if (folder / "tm.so").is_file():
            return folder
    raise KamailioError(
        "Kamailio's modules (tm.so) were not found under /usr/lib: run `make test` as root"
    )


def load_users(path: Path = USERS_FILE) -> dict[str, str]:
    """Read "user password" lines (blank lines and # comments ignored)."""
    users: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            user, password = line.split()
            users[user] = password
    return users


@dataclass(frozen=True)
class TlsFiles:
    """A throwaway CA and a server certificate for 127.0.0.1 and localhost (7 days)."""

    ca_cert: Path
    server_cert: Path
    server_key: Path


def make_certificates(folder: Path) -> TlsFiles:
    """Create (or reuse) a throwaway CA and a server certificate in folder with openssl."""
    files = TlsFiles(folder / "ca.pem", folder / "server.pem", folder / "server.key")
    if all(p.is_file() for p in (files.ca_cert, files.server_cert, files.server_key)):
        return files

    openssl = require_binary("openssl")
    folder.mkdir(parents=True, exist_ok=True)
    ca_key = folder / "ca.key"
    csr = folder / "server.csr"
    extensions = folder / "server.ext"
    extensions.write_text(
        "subjectAltName = IP:127.0.0.1, DNS:localhost\n"
        "basicConstraints = critical, CA:FALSE\n"
        "keyUsage = critical, digitalSignature, keyEncipherment\n"
        "extendedKeyUsage = serverAuth, clientAuth\n",
        encoding="ascii",
    )
    ec_key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    steps = [
        [openssl, "req", "-x509", *ec_key, "-keyout", ca_key, "-out", files.ca_cert,
         "-days", "7", "-subj", "/CN=Callboard lab CA",
         "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
        [openssl, "req", *ec_key, "-keyout", files.server_key, "-out", csr,
         "-subj", "/CN=127.0.0.1"],
        [openssl, "x509", "-req", "-in", csr, "-CA", files.ca_cert, "-CAkey", ca_key,
         "-set_serial", str(uuid.uuid4().int >> 64), "-days", "7",
         "-extfile", extensions, "-out", files.server_cert],
    ]  # fmt: skip
    for step in steps:
        result = subprocess.run(
            [str(arg) for arg in step], capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise KamailioError(f"openssl failed: {' '.join(map(str, step))}\n{result.stderr}")
    return files


class Kamailio:
    """Kamailio as registrar and proxy on 127.0.0.1, started and stopped by pid."""

    host = HOST

    def __init__(
        self,
        workdir: Path,
        *,
        users: dict[str, str] | None = None,
        static_routes: dict[str, str] | None = None,
        certs_dir: Path | None = None,
    ) -> None:
        """Prepare an instance in workdir; static_routes maps a user regex to a SIP URI."""
        self.workdir = Path(workdir)
        self.domain = HOST
        self.users = dict(users) if users is not None else load_users()
        self.static_routes = dict(static_routes or {})
        self.certs_dir = Path(certs_dir) if certs_dir else self.workdir / "tls"
        self.udp_port = 0
        self.tcp_port = 0
        self.tls_port = 0
        self.config_path = self.workdir / "kamailio.cfg"
        self.tls_config_path = self.workdir / "tls.cfg"
        self.log_path = self.workdir / "kamailio.log"
        self.pid_path = self.workdir / "kamailio.pid"
        self._tls: TlsFiles | None = None
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def ca_cert(self) -> Path:
        """The PEM of the CA that signed the server certificate (for clients to verify)."""
        if self._tls is None:
            self._tls = make_certificates(self.certs_dir)
        return self._tls.ca_cert

    @property
    def pid(self) -> int | None:
        """The pid of the running Kamailio main process, or None."""
        process = self._process
        return process.pid if process is not None and process.poll() is None else None

    @property
    def running(self) -> bool:
        """Whether the Kamailio main process is alive."""
        return self._process is not None and self._process.poll() is None

    def registrar_uri(self, transport: str = "udp") -> str:
        """The registrar/proxy URI for a transport: udp, tcp or tls."""
        port = {"udp": self.udp_port, "tcp": self.tcp_port, "tls": self.tls_port}[transport]
        suffix = "" if transport == "udp" else f";transport={transport}"
        return f"sip:{self.host}:{port}{suffix}"

    def user_uri(self, user: str) -> str:
        """The address of a user in the registrar's domain."""
        return f"sip:{user}@{self.domain}"

    def start(self) -> Kamailio:
        """Start Kamailio and wait until it answers an OPTIONS over UDP."""
        if self.running:
            raise KamailioError("Kamailio is already running")
        binary = require_binary("kamailio")
        self.workdir.mkdir(parents=True, exist_ok=True)
        if not self.udp_port:
            self.udp_port = self.tcp_port = free_port(("udp", "tcp"))
            self.tls_port = free_port(("tcp",))

        self._write_config()
        run_dir = self.workdir / "run"
        run_dir.mkdir(exist_ok=True)
        self.pid_path.unlink(missing_ok=True)
        with self.log_path.open("ab") as log:
            log.write(f"--- starting Kamailio at {time.strftime('%H:%M:%S')}\n".encode())
            log.flush()
            # -DD: stay in the foreground (children are still forked), so the
            # pid we hold is Kamailio's main process; -E: log to stderr.
            self._process = subprocess.Popen(
                [binary, "-f", str(self.config_path), "-P", str(self.pid_path),
                 "-w", str(self.workdir), "-Y", str(run_dir), "-DD", "-E",
                 "-m", "64", "-M", "8"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        try:
            self._wait_until_answering()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop Kamailio: SIGTERM to its pid, SIGKILL to its process group if it lingers."""
        process, self._process = self._process, None
        if process is not None:
            stop_process_group(process, STOP_TIMEOUT_S)

    def restart(self) -> Kamailio:
        """Stop and start again on the same ports (registrations are lost)."""
        self.stop()
        return self.start()

    def log_text(self) -> str:
        """Everything Kamailio logged so far, across restarts."""
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def options_ping(self, timeout: float = 0.5) -> str | None:
        """Send one OPTIONS over UDP; return the status line of the reply, or None."""
        call_id = uuid.uuid4().hex
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.bind((HOST, 0))
            sock.settimeout(timeout)
            local_port = sock.getsockname()[1]
            request = (
                f"OPTIONS sip:{self.host}:{self.udp_port} SIP/2.0\r\n"
                f"Via: SIP/2.0/UDP {HOST}:{local_port};branch=z9hG4bK{call_id[:16]};rport\r\n"
                f"Max-Forwards: 70\r\n"
                f"From: <sip:lab@{HOST}:{local_port}>;tag={call_id[16:]}\r\n"
                f"To: <sip:{self.host}:{self.udp_port}>\r\n"
                f"Call-ID: {call_id}@lab\r\n"
                f"CSeq: 1 OPTIONS\r\n"
                f"Content-Length: 0\r\n\r\n"
            )
            sock.sendto(request.encode("ascii"), (self.host, self.udp_port))
            try:
                data = sock.recv(65535)
            except (TimeoutError, ConnectionRefusedError):
                return None
        return data.decode("utf-8", errors="replace").split("\r\n", 1)[0]

    def _wait_until_answering(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                raise KamailioError(
                    f"Kamailio exited with status {self._process.returncode} at start; "
                    f"its log:\n{self.log_text()}"
                )
            if self.options_ping(timeout=0.2) is not None:
                return
            time.sleep(0.05)
        raise KamailioError(
            f"Kamailio did not answer OPTIONS on udp:{self.host}:{self.udp_port} within "
            f"{START_TIMEOUT_S:.0f} s; its log:\n{self.log_text()}"
        )

    def _write_config(self) -> None:
        tls = self._tls = make_certificates(self.certs_dir)
        self.tls_config_path.write_text(
            "# TLS settings of the lab registrar (written by softphone/lab/kamailio.py).\n"
            "[server:default]\n"
            "method = TLSv1.2+\n"
            "verify_certificate = no\n"
            "require_certificate = no\n"
            f"private_key = {tls.server_key}\n"
            f"certificate = {tls.server_cert}\n"
            f"ca_list = {tls.ca_cert}\n"
            "\n"
            "[client:default]\n"
            "method = TLSv1.2+\n"
            "verify_certificate = no\n"
            "require_certificate = no\n",
            encoding="utf-8",
        )
        values = {
            "MODULES_DIR": str(modules_dir()),
            "UDP_PORT": str(self.udp_port),
            "TCP_PORT": str(self.tcp_port),
            "TLS_PORT": str(self.tls_port),
            "DOMAIN": self.domain,
            "TLS_CONFIG": str(self.tls_config_path),
            "USER_SEEDS": self._user_seeds(),
            "STATIC_ROUTES": self._static_routes(),
        }
        self.config_path.write_text(
            render_template(CONFIG_TEMPLATE.read_text(encoding="utf-8"), values),
            encoding="utf-8",
        )

    def _user_seeds(self) -> str:
        lines = []
        for user, password in self.users.items():
            if not re.fullmatch(r"[\w.+-]+", user) or '"' in password or "\\" in password:
                raise KamailioError(f"user {user!r} or its password cannot go into the config")
            lines.append(f'\t$sht(users=>{user}) = "{password}";')
        return "\n".join(lines)

    def _static_routes(self) -> str:
        blocks = []
        for pattern, target in self.static_routes.items():
            if '"' in pattern or '"' in target:
                raise KamailioError(f"static route {pattern!r} -> {target!r} has a quote")
            blocks.append(
                f'\tif ($rU =~ "{pattern}") {{\n'
                f'\t\t$du = "{target}";\n'
                f"\t\troute(RELAY);\n"
                f"\t\texit;\n"
                f"\t}}"
            )
        return "\n".join(blocks)

    def __enter__(self) -> Kamailio:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def render_template(text: str, values: dict[str, str]) -> str:
    """Replace every {{NAME}} outside comment lines; an unknown NAME is an error."""

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise KamailioError(f"the Kamailio config template uses an unknown {{{{{name}}}}}")
        return values[name]

    return "".join(
        line if line.lstrip().startswith("#") else _PLACEHOLDER.sub(substitute, line)
        for line in text.splitlines(keepends=True)
    )
