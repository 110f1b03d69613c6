"""Helpers for the store, agent and wrap-up tests; also run as a script by those tests.

python store_helpers.py wrap-up-then-wait DB PROFILE_DIR
python store_helpers.py log-in-and-report DB PROFILE_DIR
python store_helpers.py fill-disk DB
"""

from __future__ import annotations

import json
import os
import resource
import sqlite3
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from softphone.agent import AgentSession
from softphone.profile import Profile, default_profile, load_profile
from supervisor.store import AgentStateChange, StoreWriter

T0 = 1_750_000_000.0  # a fixed "now" for tests: 2025-06-15 UTC


@dataclass
class FakeClock:
    """A clock the test moves by hand."""

    now: float = T0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> float:
        self.now += seconds
        return self.now


def make_profile(**changes: object) -> Profile:
    """The default profile with the agent 'a1' and `changes` applied."""
    return replace(default_profile("a1"), **changes)


def write_profile(folder: Path, data: dict[str, object]) -> Path:
    """Write `data` as folder/profile.json; return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "profile.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
    return folder


def rows(db: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Rows of a query on the store, through a connection of the test's own."""
    connection = sqlite3.connect(db)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


@contextmanager
def read_only(path: Path):
    """Make the store file read-only for this process, and writable again afterwards.

    Root ignores file modes, so as root the block runs with the effective
    user and group of `nobody` (65534); the folder must be reachable by it.
    """
    os.chmod(path, 0o444)
    if os.geteuid() != 0:
        try:
            yield
        finally:
            os.chmod(path, 0o600)
        return
    os.setegid(65534)
    os.seteuid(65534)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)
        os.chmod(path, 0o600)


def write_facts_worker(db: str, agent_id: str, count: int, start, results) -> None:
    """One of many processes: wait for `start`, write `count` state changes one at a time."""
    try:
        reasons: list[str] = []
        writer = StoreWriter(db, on_health_change=lambda health: reasons.append(health.reason))
        start.wait()
        for n in range(count):
            writer.record(AgentStateChange(agent_id, "available", T0 + n))
        while not writer.flush():  # only if the store was busy past every retry
            time.sleep(0.05)
        writer.close()
        results.put((agent_id, "ok", [r for r in reasons if r]))
    except BaseException as exc:
        results.put((agent_id, "error", [repr(exc)]))


# --- commands run in a process of their own --------------------------------------------


def _wrap_up_then_wait(db: str, profile_dir: str) -> None:
    """Take a call, start its wrap-up, change the draft, say 'ready', then wait to be killed."""
    writer = StoreWriter(db)
    session = AgentSession(writer, "a1", load_profile(profile_dir), time.time)
    session.log_in()
    session.set_available()
    session.call_offered("call-1", "sales")
    session.call_answered("call-1")
    session.call_ended("call-1")
    assert session.wrap_up is not None
    session.wrap_up.update(disposition="callback_scheduled")
    session.wrap_up.update(notes="Customer wants a callback about invoice 42")
    session.wrap_up.update(resolved=False)
    session.wrap_up.update(follow_up=T0 + 86_400)
    print("ready", flush=True)
    time.sleep(120)


def _log_in_and_report(db: str, profile_dir: str) -> None:
    """Start as a restarted softphone would and print what it found, as JSON."""
    writer = StoreWriter(db)
    session = AgentSession(writer, "a1", load_profile(profile_dir), time.time)
    session.log_in()
    wrap_up = session.wrap_up
    report = {"state": session.state.value, "reason": session.reason, "call_id": session.call_id}
    if wrap_up is not None:
        report.update(
            disposition=wrap_up.disposition,
            notes=wrap_up.notes,
            resolved=wrap_up.resolved,
            follow_up_at=wrap_up.follow_up_at,
            revision=wrap_up.draft.revision,
        )
    writer.close()
    print(json.dumps(report), flush=True)


def _fill_disk(db: str) -> None:
    """Write facts while the files may not grow (RLIMIT_FSIZE), then lift the limit."""
    writer = StoreWriter(db)
    writer.record(AgentStateChange("a1", "available", T0))
    before = writer.health
    wal = Path(f"{db}-wal")
    size = wal.stat().st_size if wal.exists() else 0
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, hard))  # Python ignores SIGXFSZ
    for n in range(1, 21):
        writer.record(AgentStateChange("a1", "not_ready", T0 + n, reason="lunch"))
    during = writer.health
    resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    writer.flush()
    after = writer.health
    writer.close()
    print(json.dumps([before.__dict__, during.__dict__, after.__dict__]), flush=True)


def main(argv: list[str]) -> None:
    """Run the command named in argv[0]."""
    commands = {
        "wrap-up-then-wait": _wrap_up_then_wait,
        "log-in-and-report": _log_in_and_report,
        "fill-disk": _fill_disk,
    }
    commands[argv[0]](*argv[1:])


if __name__ == "__main__":
    main(sys.argv[1:])
