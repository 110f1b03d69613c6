"""Fixtures shared by every test: the real-PBX rig (Kamailio, SIPp, pjsua2 peers)."""

from __future__ import annotations

import itertools
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.rig.kamailio import Kamailio, RigError, make_test_certificates, require_binary
from tests.rig.peer_client import Peer
from tests.rig.pulse import PulseAudio
from tests.rig.sipp import Sipp

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _require_rig(*programs: str) -> None:
    """Fail the test (never skip it) when a program of the rig is missing."""
    try:
        for program in programs:
            require_binary(program)
    except RigError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """Code under test may set up logging (the CLIs do): put pytest's handlers back after."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    for handler in handlers:
        if handler not in root.handlers:
            root.addHandler(handler)
    root.setLevel(level)


@pytest.fixture(scope="session")
def rig_certs_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A test CA and server certificate, made once per session with openssl."""
    _require_rig("openssl")
    folder = tmp_path_factory.mktemp("tls")
    make_test_certificates(folder)
    return folder


def _started_kamailio(workdir: Path, certs_dir: Path) -> Kamailio:
    _require_rig("kamailio", "openssl")
    instance = Kamailio(workdir, certs_dir=certs_dir)
    try:
        return instance.start()
    except RigError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="module")
def kamailio(tmp_path_factory: pytest.TempPathFactory, rig_certs_dir: Path) -> Iterator[Kamailio]:
    """A registrar/proxy shared by the tests of one module; do not stop or restart it."""
    instance = _started_kamailio(tmp_path_factory.mktemp("kamailio"), rig_certs_dir)
    yield instance
    instance.stop()


@pytest.fixture
def kamailio_fresh(tmp_path: Path, rig_certs_dir: Path) -> Iterator[Kamailio]:
    """A registrar/proxy of the test's own, free to stop and restart."""
    instance = _started_kamailio(tmp_path / "kamailio", rig_certs_dir)
    yield instance
    instance.stop()


@pytest.fixture
def peer_factory(tmp_path: Path) -> Iterator[Callable[..., Peer]]:
    """Start pjsua2 peer processes; all are quit (and their exit status checked) at teardown."""
    peers: list[Peer] = []
    names = itertools.count(1)

    def make(name: str | None = None, **options: Any) -> Peer:
        peer = Peer(tmp_path / "peers", name or f"peer{next(names)}", **options)
        peers.append(peer)
        return peer

    yield make

    for peer in peers:
        peer.request_quit()  # let them all shut down at once
    failures = []
    for peer in peers:
        try:
            peer.close()
        except AssertionError as exc:
            failures.append(str(exc))
    assert not failures, "\n\n".join(failures)


@pytest.fixture
def sipp_factory(tmp_path: Path) -> Iterator[Callable[..., Sipp]]:
    """Start SIPp runs (Sipp(...) arguments, workdir given); all are stopped at teardown."""
    _require_rig("sipp")
    runs: list[Sipp] = []

    def make(scenario: str | Path, **options: Any) -> Sipp:
        run = Sipp(tmp_path / "sipp", scenario, **options)
        runs.append(run)
        return run.start()

    yield make

    for run in runs:
        run.stop()


@pytest.fixture
def registered_peer(peer_factory: Callable[..., Peer], kamailio: Kamailio) -> Callable[..., Peer]:
    """A pjsua2 peer registered at the module's Kamailio as `user`, answering if told to."""

    def make(user: str = "1002", auto_answer: int | None = None) -> Peer:
        peer = peer_factory()
        peer.register(user, kamailio.users[user], kamailio.registrar_uri("udp"))
        if auto_answer is not None:
            peer.send("auto_answer", code=auto_answer, delay_ms=0)
        return peer

    return make


@pytest.fixture(scope="module")
def pulseaudio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PulseAudio]:
    """A private PulseAudio with `speaker` and `mic` null sinks; this process uses it."""
    _require_rig("pulseaudio", "pactl", "parec", "pacat")
    daemon = PulseAudio(tmp_path_factory.mktemp("pulse"))
    try:
        daemon.start()
    except RigError as exc:
        pytest.fail(str(exc), pytrace=False)
    saved = {name: os.environ.get(name) for name in daemon.env}
    os.environ.update(daemon.env)
    _reload_portaudio()  # PortAudio lists devices once, when it starts
    yield daemon
    # PortAudio lets go of this server (its ALSA plugin keeps threads on it)
    # before the server goes away: the other order crashed a later test.
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    _reload_portaudio()
    daemon.stop()


def _reload_portaudio() -> None:
    import sys

    module = sys.modules.get("sounddevice")
    if module is not None:
        module._terminate()
        module._initialize()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Attach the tail of Kamailio's log to the report of a failed rig test."""
    report = yield
    if report.failed:
        for name in ("kamailio", "kamailio_fresh"):
            instance = getattr(item, "funcargs", {}).get(name)
            if isinstance(instance, Kamailio):
                tail = "\n".join(instance.log_text().splitlines()[-80:])
                report.sections.append((f"{name} log (last 80 lines)", tail))
    return report
