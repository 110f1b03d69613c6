"""The lab process: one pjsua2 endpoint, a private Kamailio, the call center, on one thread.

`Lab.start()` opens the store, the queue_log and the record, starts the SIP
endpoint on a loopback port, then Kamailio (its users from
`resources/kamailio/users.txt`, the human agent's password replaced when
one is given, and the IVR extensions 8xxx routed to the lab), then the call
center. `Lab.run()` polls everything until told to stop or, for a limited
run, until every caller is done; `Lab.stop()` ends calls, logs agents out
and stops Kamailio by its pid.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from softphone.lab.acd import CallCenter
from softphone.lab.kamailio import Kamailio, load_users
from softphone.lab.queue_log import QueueLogWriter
from softphone.lab.record import LabRecord
from softphone.lab.scenario import LabSettings
from softphone.lab.schedule import Scheduler
from softphone.lab.sip import LabEndpoint
from supervisor.store import StoreWriter

log = logging.getLogger(__name__)

IVR_ROUTE = "^8[0-9][0-9][0-9]$"  # the lab's IVR extensions, routed by Kamailio to the lab
STOP_POLL_S = 1.0  # how long stop() lets hang-ups and final lines go out


@dataclass(frozen=True)
class LabAddress:
    """Where the lab's parts listen, for the softphone and tests."""

    registrar: str  # the Kamailio URI a softphone registers at
    domain: str
    sip_port: int  # the lab's own endpoint


class _AgentLine:
    """The `HumanLine` of the call center: legs to the human agent's SIP user."""

    def __init__(self, endpoint: LabEndpoint, user: str) -> None:
        self.endpoint = endpoint
        self.user = user

    def offer(self, headers: Sequence[tuple[str, str]], survey_digit: int | None) -> str:
        return self.endpoint.call_agent(self.user, list(headers), survey_digit)

    def hang_up(self, leg: str) -> None:
        self.endpoint.hang_up(leg)


class Lab:
    """The simulated call center, with its SIP edge and its registrar."""

    def __init__(
        self,
        settings: LabSettings,
        *,
        db: Path,
        queue_log: Path,
        workdir: Path,
        record: Path | None = None,
        sip_port: int = 0,
        human_password: str | None = None,
    ) -> None:
        self.settings = settings
        self.db = db
        self.queue_log_path = queue_log
        self.record_path = record
        self.workdir = workdir
        self.sip_port = sip_port
        self.human_password = human_password
        self.scheduler = Scheduler()
        self.store: StoreWriter | None = None
        self.queue_log: QueueLogWriter | None = None
        self.record: LabRecord | None = None
        self.endpoint: LabEndpoint | None = None
        self.kamailio: Kamailio | None = None
        self.center: CallCenter | None = None
        self._reader: sqlite3.Connection | None = None
        self._last_flush = 0.0

    def start(self) -> LabAddress:
        """Start every part; on a failure, stop what was started and raise."""
        try:
            return self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> LabAddress:
        self.workdir.mkdir(parents=True, exist_ok=True)
        store = self.store = StoreWriter(self.db)
        self.queue_log = QueueLogWriter(self.queue_log_path)
        self.record = LabRecord(self.record_path)
        endpoint = self.endpoint = LabEndpoint(
            _NoListener(), self.scheduler, port=self.sip_port,
            log_file=str(self.workdir / "pjsua.log"),
        )  # fmt: skip
        port = endpoint.start()

        users = load_users()
        if self.human_password is not None:
            users[self.settings.human_user] = self.human_password
        kamailio = Kamailio(
            self.workdir / "kamailio",
            users=users,
            static_routes={IVR_ROUTE: f"sip:{endpoint.host}:{port}"},
        )
        self.kamailio = kamailio
        kamailio.start()
        endpoint.use_proxy(kamailio.registrar_uri("udp"), kamailio.domain)

        line = _AgentLine(endpoint, self.settings.human_user)
        assert self.queue_log is not None and self.record is not None
        center = self.center = CallCenter(
            self.settings, self.scheduler, store, self.queue_log, self.record,
            line=line if self.settings.human_agent_id is not None else None,
            human_state=self._human_state, sip=endpoint,
        )  # fmt: skip
        endpoint.listener = center
        center.start()
        log.info(
            "Lab started: registrar %s, lab endpoint udp:127.0.0.1:%d, speed %g",
            kamailio.registrar_uri("udp"), port, self.settings.speed,
        )  # fmt: skip
        return LabAddress(kamailio.registrar_uri("udp"), kamailio.domain, port)

    def _human_state(self) -> str | None:
        """The human agent's latest state in the store (their softphone writes it), or None."""
        agent = self.settings.human_agent_id
        if agent is None:
            return None
        if self._reader is None:
            # Not open_connection(): it reads the file with a plain open() and
            # close(), which drops the POSIX locks SQLite holds for this
            # process's StoreWriter; another process may then checkpoint and
            # delete the WAL under it, losing its writes.
            self._reader = sqlite3.connect(self.db, timeout=5.0, isolation_level=None)
        rows = self._reader.execute(
            "SELECT state FROM agent_state_changes WHERE agent_id = ? "
            "ORDER BY changed_at DESC, id DESC LIMIT 1",
            (agent,),
        ).fetchall()
        return str(rows[0][0]) if rows else None

    def step(self) -> None:
        """One turn of the loop: SIP events, due timers, and a store retry now and then."""
        assert self.endpoint is not None
        self.endpoint.poll(10)
        self.scheduler.run_due()
        now = time.monotonic()
        if self.store is not None and now - self._last_flush >= 1.0:
            self._last_flush = now
            if self.store.health.pending_facts:
                self.store.flush()

    def run(self, should_stop: Callable[[], bool]) -> None:
        """Run until `should_stop()` or, for a limited run, until every caller is done."""
        center = self.center
        assert center is not None
        while not should_stop() and not center.finished:
            self.step()

    def stop(self) -> None:
        """Stop the call center, the endpoint and Kamailio, and close the files."""
        if self.center is not None:
            self.center.stop()
            self.center = None
        if self.endpoint is not None:
            deadline = time.monotonic() + STOP_POLL_S
            while time.monotonic() < deadline and self.endpoint.busy:
                self.endpoint.poll(10)
                self.scheduler.run_due()
            self.endpoint.shutdown()
            self.endpoint = None
        if self.kamailio is not None:
            self.kamailio.stop()
            self.kamailio = None
        for closing in (self.store, self.queue_log, self.record, self._reader):
            if closing is not None:
                closing.close()
        self.store = self.queue_log = self.record = self._reader = None


class _NoListener:
    """Stands in until the call center exists."""

    def leg_answered(self, leg: str) -> None:
        """Ignored."""

    def leg_transferred(self, leg: str, target: str) -> None:
        """Ignored."""

    def leg_ended(self, leg: str, code: int, by_lab: bool) -> None:
        """Ignored."""

    def survey_pressed(self, call_key: str, score: int) -> None:
        """Ignored."""

    def survey_scored(self, call_key: str, score: int) -> None:
        """Ignored."""
