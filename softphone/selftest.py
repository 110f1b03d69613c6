"""`softphone --self-test`: a readable report that this installation can work.

Each check says ok, warn or fail in one line, with details under it. The
self-test exits 0 only when no check failed; a warning (no keychain, no
audio device) is something the agent can live with, and says what follows.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import platform
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

OK, WARN, FAIL = "ok", "warn", "fail"


@dataclass
class Check:
    """The result of one check."""

    name: str
    status: str
    summary: str
    details: list[str] = field(default_factory=list)


@dataclass
class SelfTestOptions:
    """What the self-test looks at."""

    db_path: Path | None = None
    profile_dir: Path | None = None


def run_self_test(options: SelfTestOptions, out: TextIO = sys.stdout) -> int:
    """Run every check, print the report to `out`, return the exit status."""
    from softphone import __version__  # noqa: PLC0415

    print(f"Callboard softphone {__version__} self-test", file=out)
    checks: list[Callable[[SelfTestOptions], Check | list[Check]]] = [
        _check_python,
        _check_sip,
        _check_keychain,
        _check_store,
        _check_profile,
        _check_qt,
    ]
    results: list[Check] = []
    for check in checks:
        try:
            outcome = check(options)
        except Exception as exc:
            outcome = Check(
                check.__name__.removeprefix("_check_"), FAIL, f"the check itself failed: {exc!r}"
            )
        for result in outcome if isinstance(outcome, list) else [outcome]:
            results.append(result)
            print(f"  [{result.status:^4}] {result.name}: {result.summary}", file=out)
            for line in result.details:
                print(f"           {line}", file=out)
    failed = [r for r in results if r.status == FAIL]
    warned = [r for r in results if r.status == WARN]
    if failed:
        print(
            f"Result: {len(failed)} check(s) failed: {', '.join(r.name for r in failed)}", file=out
        )
        return 1
    print(f"Result: all checks passed ({len(warned)} warning(s))", file=out)
    return 0


def _check_python(_: SelfTestOptions) -> Check:
    version = platform.python_version()
    supported = (3, 10) <= sys.version_info[:2] <= (3, 12)
    status = OK if supported else FAIL
    summary = f"Python {version} on {platform.system()} {platform.machine()}"
    if not supported:
        summary += " (Callboard needs Python 3.10 to 3.12: pjsua2 wheels stop at 3.12)"
    return Check("python", status, summary, [sys.executable])


def _check_sip(_: SelfTestOptions) -> list[Check]:
    from softphone.audio import describe_audio  # noqa: PLC0415
    from softphone.sip.engine import EngineError, SipEngine  # noqa: PLC0415
    from softphone.sip.settings import EngineSettings  # noqa: PLC0415

    engine = SipEngine(EngineSettings(bind_address="127.0.0.1", log_level=1))
    try:
        engine.start()
    except EngineError as exc:
        return [Check("sip", FAIL, str(exc))]
    try:
        probe = engine.probe()
    finally:
        engine.shutdown()
    sip = Check(
        "sip",
        OK,
        f"pjsua2 {probe.version}: endpoint started and stopped",
        [
            f"transports: {', '.join(probe.transports)}",
            f"codecs: {', '.join(probe.codecs)}",
        ],
    )
    audio = describe_audio(probe.native_audio_devices, probe.native_devices)
    devices = [
        f"device: {d.name} [{d.host_api}] in {d.inputs} / out {d.outputs}" for d in audio.devices
    ]
    if audio.problem:
        return [
            sip,
            Check(
                "audio",
                WARN,
                f"{audio.backend}: {audio.problem}",
                ["calls connect, but no sound is heard or sent", *devices],
            ),
        ]
    return [sip, Check("audio", OK, f"{audio.backend}, {len(audio.devices)} device(s)", devices)]


def _check_keychain(_: SelfTestOptions) -> Check:
    from softphone.credentials import Credentials  # noqa: PLC0415

    credentials = Credentials()
    problem = credentials.problem()
    if problem:
        return Check("keychain", WARN, problem, [credentials.backend_name()])
    return Check("keychain", OK, credentials.backend_name())


def _check_store(options: SelfTestOptions) -> Check:
    from supervisor.store import StoreError, describe_store  # noqa: PLC0415

    try:
        path, version = describe_store(options.db_path)
    except StoreError as exc:
        return Check("store", FAIL, str(exc))
    return Check("store", OK, f"{path} (schema version {version})")


def _check_profile(options: SelfTestOptions) -> Check:
    from softphone.profile import ProfileError, load_profile  # noqa: PLC0415

    if options.profile_dir is None:
        return Check("profile", OK, "none given (--profile DIR): defaults in use")
    try:
        profile = load_profile(options.profile_dir)
    except ProfileError as exc:
        return Check("profile", FAIL, str(exc))
    account = profile.account
    summary = f"{options.profile_dir}: "
    summary += f"account {account.sip_uri} via {account.transport}" if account else "no account"
    return Check("profile", OK, summary)


def _check_qt(_: SelfTestOptions) -> Check:
    if importlib.util.find_spec("PySide6") is None:
        return Check("qt", FAIL, "PySide6 is not installed: the window cannot open")
    version = importlib.metadata.version("PySide6-Essentials")
    return Check("qt", OK, f"PySide6 {version} installed")
