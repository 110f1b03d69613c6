"""Drive the project's SipEngine in a test: poll it and wait for its events."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from softphone.sip import (
    AccountSettings,
    CallState,
    CallStateChanged,
    EngineSettings,
    RegistrationChanged,
    RegistrationStatus,
    SipEngine,
)

E = TypeVar("E")


class EngineHarness:
    """A started SipEngine on 127.0.0.1 with every event it delivers kept in order."""

    def __init__(self, settings: EngineSettings | None = None, **engine_kwargs: Any) -> None:
        self.engine = SipEngine(
            settings or EngineSettings(bind_address="127.0.0.1"), **engine_kwargs
        )
        self.events: list[Any] = []
        self._seen = 0
        self.engine.add_listener(self.events.append)

    def __enter__(self) -> EngineHarness:
        self.engine.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.engine.shutdown()

    def poll_for(self, seconds: float) -> None:
        """Let the engine run for `seconds`."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.engine.poll(10)

    def wait_for(
        self,
        kind: type[E],
        predicate: Callable[[E], bool] = lambda _e: True,
        timeout: float = 10.0,
    ) -> E:
        """The next event of `kind` matching `predicate` (events before it are passed over)."""
        deadline = time.monotonic() + timeout
        while True:
            while self._seen < len(self.events):
                event = self.events[self._seen]
                self._seen += 1
                if isinstance(event, kind) and predicate(event):
                    return event
            if time.monotonic() >= deadline:
                names = [type(e).__name__ + ":" + _brief(e) for e in self.events[-15:]]
                raise AssertionError(f"no {kind.__name__} within {timeout} s; last events: {names}")
            self.engine.poll(10)

    def eventually(self, condition: Callable[[], bool], timeout: float = 5.0) -> bool:
        """Poll until `condition()` holds (pjmedia applies port changes a frame later)."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() >= deadline:
                return False
            self.engine.poll(10)
        return True

    def wait_peer(self, peer: Any, event: str, timeout: float = 10.0, **match: Any) -> Any:
        """A peer's event, polling this engine meanwhile (the peer may be waiting on us)."""
        deadline = time.monotonic() + timeout

        def seen() -> bool:
            return any(
                all(e.get(key) == value for key, value in match.items()) for e in peer.events(event)
            )

        while not seen() and time.monotonic() < deadline:
            self.engine.poll(10)
        return peer.wait_for(event, timeout=0.5, **match)

    def register(
        self,
        kamailio: Any,
        user: str = "1001",
        transport: str = "udp",
        password: str | None = None,
        **settings: Any,
    ) -> int:
        """Add an account for `user` at `kamailio` and wait until it is registered."""
        account = self.add_account(kamailio, user, transport, password, **settings)
        event = self.wait_for(
            RegistrationChanged,
            lambda e: e.account_id == account and e.status is not RegistrationStatus.REGISTERING,
        )
        assert event.status is RegistrationStatus.REGISTERED, event
        return account

    def add_account(
        self,
        kamailio: Any,
        user: str = "1001",
        transport: str = "udp",
        password: str | None = None,
        **settings: Any,
    ) -> int:
        """Add an account for `user` at `kamailio` without waiting."""
        settings.setdefault("register_expires", 60)
        if transport == "tls":
            settings.setdefault("tls_ca_file", str(kamailio.ca_cert))
        account = AccountSettings(
            sip_uri=f"sip:{user}@{kamailio.domain}",
            registrar=kamailio.registrar_uri(transport),
            transport=transport,
            **settings,
        )
        secret = kamailio.users[user] if password is None else password
        return self.engine.add_account(account, secret)

    def wait_call_state(
        self, call_id: int, state: CallState, timeout: float = 10.0
    ) -> CallStateChanged:
        """Wait for `call_id` to reach `state`."""
        return self.wait_for(
            CallStateChanged, lambda e: e.call_id == call_id and e.state is state, timeout
        )


def _brief(event: Any) -> str:
    for name in ("status", "state"):
        if hasattr(event, name):
            return f"{getattr(event, name).value}/{getattr(event, 'code', '')}"
    return ""
