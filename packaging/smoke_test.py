"""Smoke test of a built bundle: its programs start, headless, with every part they need.

    python packaging/smoke_test.py [DIST_DIR]      (default: dist/ of the checkout)

Runs the bundle's own executables, never the source tree's, with Qt's
offscreen platform and the user folders pointed at a temporary one:

- `softphone --version` names pjsua2 and PySide6 (their metadata is bundled);
- `softphone --self-test --db TMP` exits 0 with no failed check (pjsua2
  starts an endpoint, the store opens, Qt is there); its keychain line names
  the backend this Python finds on the same machine, and a backend named in
  PYTHON_KEYRING_BACKEND (the platform's own) loads from the bundle;
- `supervisor ingest` reads tests/fixtures/queue_log into a fresh store
  (the queue_log file, and the realtime CSV with a time zone);
  `supervisor status` counts its rows; `supervisor report --format json`
  over a fixed window gives the KPIs this Python's `supervisor` gives;
- where signals exist (Linux, macOS), the softphone window and the wallboard
  start, run for a few seconds, and exit 0 on SIGTERM.

Any failed step, or an import error in any output, fails the test, with the
command and its output. The test prints one line per step.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "queue_log"
WINDOW = ("1749945600", "1750032000")  # 2025-06-15, the fixture's day, UTC
KEYRING_BACKENDS = {
    "linux": "keyring.backends.SecretService.Keyring",
    "darwin": "keyring.backends.macOS.Keyring",
    "win32": "keyring.backends.Windows.WinVaultKeyring",
}
IMPORT_ERRORS = (
    "ModuleNotFoundError",
    "ImportError",
    "No module named",
    "Failed to execute script",
)
WINDOW_SECONDS = 5


class SmokeFailure(Exception):
    """A step of the smoke test failed; the message says which and shows the output."""


def executables(dist: Path) -> dict[str, Path]:
    """The bundle's `softphone` and `supervisor` executables."""
    if sys.platform == "darwin":
        found = {
            name: dist / f"Callboard {name.capitalize()}.app" / "Contents" / "MacOS" / name
            for name in ("softphone", "supervisor")
        }
    else:
        suffix = ".exe" if sys.platform == "win32" else ""
        found = {
            name: dist / "callboard" / f"{name}{suffix}" for name in ("softphone", "supervisor")
        }
    for path in found.values():
        if not path.is_file():
            raise SmokeFailure(f"{path} is missing: build the bundle first (make package)")
    return found


def run(command: list[str], env: dict[str, str], *, any_status: bool = False) -> str:
    """Run `command`; return its stdout; fail on an import error, or a non-zero exit."""
    result = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    output = result.stdout + result.stderr
    failed = result.returncode != 0 and not any_status
    if failed or any(marker in output for marker in IMPORT_ERRORS):
        raise SmokeFailure(
            f"{' '.join(command)} exited {result.returncode}\n--- output ---\n{output}"
        )
    return result.stdout


def run_window(command: list[str], env: dict[str, str]) -> None:
    """Start a window program, let it run, stop it with SIGTERM, expect exit 0."""
    with tempfile.TemporaryFile("w+") as out:
        process = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, text=True
        )
        time.sleep(WINDOW_SECONDS)
        running = process.poll() is None
        if running:
            process.send_signal(signal.SIGTERM)
        try:
            status = process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            status = process.wait()
        out.seek(0)
        output = out.read()
    if not running or status != 0 or any(marker in output for marker in IMPORT_ERRORS):
        state = "still running at SIGTERM" if running else "stopped by itself"
        raise SmokeFailure(
            f"{' '.join(command)}: {state}, exit status {status}\n--- output ---\n{output}"
        )


def keychain_line(self_test_output: str) -> str:
    """The keychain check of a self-test report: its line and the detail lines under it."""
    lines = self_test_output.splitlines()
    for index, line in enumerate(lines):
        if "] keychain:" in line:
            details = [d for d in lines[index + 1 :] if d.startswith("           ")]
            following = lines[index + 1 : index + 1 + len(details)]
            return "\n".join([line, *(d.strip() for d in following if d in details)])
    raise SmokeFailure(f"no keychain line in the self-test report:\n{self_test_output}")


def reference(code: str, env: dict[str, str]) -> str | None:
    """What this Python (with Callboard installed) prints for `code`; None if it cannot."""
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=tempfile.gettempdir(),  # not the checkout: the installed package, as built
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip() if result.returncode == 0 else None


def check_softphone(softphone: Path, env: dict[str, str], tmp: Path) -> None:
    """--version, --self-test, and the keychain backends seen from inside the bundle."""
    version = run([str(softphone), "--version"], env)
    if "missing" in version or "pjsua2 2." not in version or "PySide6 6." not in version:
        raise SmokeFailure(f"softphone --version lacks a part: {version.strip()}")
    step("softphone --version", version.strip())

    report = run([str(softphone), "--self-test", "--db", str(tmp / "selftest.db")], env)
    if "[fail]" in report or "Result: all checks passed" not in report:
        raise SmokeFailure(f"softphone --self-test reported a failure:\n{report}")
    step("softphone --self-test", report.strip().splitlines()[-1])

    expected = reference(
        "from softphone.credentials import Credentials; print(Credentials().backend_name())", env
    )
    line = keychain_line(report)
    if expected is None:
        print("  note: this Python cannot import softphone: keychain backend not compared")
    elif expected not in line:
        raise SmokeFailure(f"keychain differs from this Python's ({expected}):\n{line}")
    # The platform's backend, named: it must load from the bundle. Without a
    # keychain service running it may fail to start (the self-test then says
    # so, naming it), but never for want of a module.
    backend = KEYRING_BACKENDS["linux" if sys.platform.startswith("linux") else sys.platform]
    forced = run(
        [str(softphone), "--self-test", "--db", str(tmp / "selftest.db")],
        {**env, "PYTHON_KEYRING_BACKEND": backend},
        any_status=True,
    )
    module = backend.rpartition(".")[0]
    if module not in keychain_line(forced) and module.rpartition(".")[2] not in forced:
        raise SmokeFailure(f"{backend} did not load from the bundle:\n{forced}")
    step("keychain", f"{line.splitlines()[-1]}, as this Python; {backend} bundled")


def check_supervisor(supervisor: Path, env: dict[str, str], tmp: Path) -> None:
    """status, ingest and report over the fixture queue_log, in a fresh store."""
    store = tmp / "fixture.db"
    step("supervisor --version", run([str(supervisor), "--version"], env).strip())
    ingested = run(
        [str(supervisor), "ingest", str(FIXTURES / "day.queue_log"), "--db", str(store)], env
    )
    step("supervisor ingest queue_log", ingested.strip().splitlines()[-1].split(": ", 1)[-1][:60])
    csv_store = tmp / "csv.db"
    run(
        [
            str(supervisor),
            "ingest",
            str(FIXTURES / "day_realtime.csv"),
            "--db",
            str(csv_store),
            "--timezone",
            "Europe/Paris",
        ],
        env,
    )
    step("supervisor ingest realtime CSV", "--timezone Europe/Paris")
    status = run([str(supervisor), "status", "--db", str(store)], env)
    if "queue_events: 0 " in status or "queue_events:" not in status:
        raise SmokeFailure(f"supervisor status shows no queue events:\n{status}")
    step("supervisor status", " ".join(status.split()[-3:]))

    command = ["report", "--db", str(store), "--from", WINDOW[0], "--to", WINDOW[1]]
    command += ["--format", "json"]
    report = json.loads(run([str(supervisor), *command], env))
    if report.get("format") != 1 or not report["total"]["offered"]:
        raise SmokeFailure(f"supervisor report: unexpected JSON: {report}")
    expected_text = reference(
        "import sys; sys.argv[0] = 'supervisor'; from supervisor.__main__ import main; "
        f"sys.exit(main({command!r}))",
        env,
    )
    if expected_text is None:
        print("  note: this Python cannot run supervisor: report not compared")
    else:
        expected = json.loads(expected_text)
        report.pop("generated_at"), expected.pop("generated_at")
        if report != expected:
            raise SmokeFailure(
                f"the bundle's report differs from this Python's:\n{report}\n{expected}"
            )
    total = report["total"]
    step(
        "supervisor report --format json",
        f"offered {total['offered']}, answered {total['answered']}, "
        f"service level {total['service_level_percent']} %",
    )


def check_windows(programs: dict[str, Path], env: dict[str, str], tmp: Path) -> None:
    """The softphone window and the wallboard start and stop cleanly on SIGTERM."""
    if sys.platform == "win32":
        print("  note: window start not tested on Windows (no SIGTERM to stop it cleanly)")
        return
    run_window([str(programs["softphone"]), "--db", str(tmp / "window.db")], env)
    step("softphone window", f"ran {WINDOW_SECONDS} s offscreen, exit 0 on SIGTERM")
    run_window([str(programs["supervisor"]), "--db", str(tmp / "fixture.db")], env)
    step("supervisor wallboard", f"ran {WINDOW_SECONDS} s offscreen, exit 0 on SIGTERM")


def step(name: str, result: str) -> None:
    """Print one passed step."""
    print(f"  ok  {name}: {result}", flush=True)


def main(argv: list[str]) -> int:
    """Run every step against the bundle in `argv[0]` (default dist/)."""
    dist = Path(argv[0]) if argv else ROOT / "dist"
    with tempfile.TemporaryDirectory(prefix="callboard-smoke-") as folder:
        tmp = Path(folder)
        home = tmp / "home"
        runtime = tmp / "runtime"
        for path in (home, runtime):
            path.mkdir(mode=0o700)
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_STATE_HOME": str(home / "state"),
            "XDG_CACHE_HOME": str(home / "cache"),
            "XDG_RUNTIME_DIR": str(runtime),
        }
        env.pop("CALLBOARD_DB", None)
        env.pop("PYTHON_KEYRING_BACKEND", None)
        print(f"Smoke test of the bundle in {dist}")
        try:
            programs = executables(dist)
            check_softphone(programs["softphone"], env, tmp)
            check_supervisor(programs["supervisor"], env, tmp)
            check_windows(programs, env, tmp)
        except (SmokeFailure, subprocess.TimeoutExpired, json.JSONDecodeError) as exc:
            print(f"SMOKE TEST FAILED: {exc}", file=sys.stderr)
            return 1
    print("Smoke test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
