"""The softphone without a window: registers, rings, answers if told to, until stopped.

It runs the same `Phone` as the window (engine, agent states, store),
polled by a plain loop, and stops
cleanly on SIGTERM (what a desktop logout or a service manager sends),
SIGINT (Ctrl+C) and SIGHUP: calls are hung up, the account unregistered, and
the process exits 0. Each event is printed on stdout as one line, so a
script can follow along.

Its interface is the automation API (`softphone.cti`), on unless the
profile sets `cti.enabled` to false: the first line says where it listens
and which file holds its token (never the token itself).
"""

from __future__ import annotations

import dataclasses
import getpass
import logging
import signal
import sys
import time
from pathlib import Path
from types import FrameType

from softphone.agent import AgentError, AgentSession
from softphone.credentials import Credentials, KeychainUnavailable
from softphone.cti import CtiError, CtiServer
from softphone.logsetup import configure_logging
from softphone.phone import Phone, engine_settings
from softphone.profile import Profile, ProfileError, load_profile
from softphone.sip import (
    AccountSettings,
    CallStateChanged,
    EngineError,
    EngineEvent,
    IncomingCall,
    InvalidTarget,
    RegistrationChanged,
    SettingsError,
    SipEngine,
)
from softphone.sip.headers import plain_text
from supervisor.store import StoreHealth, StoreWriter

log = logging.getLogger(__name__)


class StopFlag:
    """Set by a signal handler; read by the loop."""

    def __init__(self) -> None:
        self.signal_name = ""

    def __call__(self) -> bool:
        return bool(self.signal_name)

    def handle(self, signum: int, _frame: FrameType | None) -> None:
        """Signal handler: ask the loop to stop."""
        self.signal_name = signal.Signals(signum).name


def install_stop_signals(flag: StopFlag) -> None:
    """Turn SIGTERM, SIGINT and (where it exists) SIGHUP into a clean stop."""
    for name in ("SIGTERM", "SIGINT", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is not None:
            signal.signal(signum, flag.handle)


def account_settings(profile: Profile) -> AccountSettings:
    """The engine's account settings from the profile's account section.

    The profile's account fields are named as the engine's, and the engine
    checks them again: a profile edited by hand cannot slip past it.
    """
    if profile.account is None:
        raise SettingsError("account", "the profile has no SIP account")
    fields = dataclasses.asdict(profile.account)
    fields["display_name"] = fields.get("display_name") or profile.agent_name
    return AccountSettings(**fields)


def obtain_password(credentials: Credentials, account: AccountSettings) -> str | None:
    """The account's password from the keychain, or asked on the terminal when there is none."""
    try:
        password = credentials.get(account.sip_uri)
    except KeychainUnavailable as exc:
        print(f"Keychain: {exc}", file=sys.stderr)
        password = None
    if password is None and sys.stdin.isatty():
        password = getpass.getpass(f"Password for {account.sip_uri}: ")
    return password


def run_headless(profile_dir: Path | None, target: str | None, *, verbose: bool = False) -> int:
    """Run until a stop signal; returns the process exit status."""
    configure_logging("softphone", verbose=verbose)
    if profile_dir is None:
        print("--headless needs --profile DIR with a SIP account.", file=sys.stderr)
        return 2
    try:
        profile = load_profile(profile_dir)
        account = account_settings(profile)
    except (ProfileError, SettingsError) as exc:
        print(f"Profile {profile_dir}: {exc}", file=sys.stderr)
        return 2
    password = obtain_password(Credentials(), account)
    if password is None:
        print(
            f"No password for {account.sip_uri}: save it in the keychain from Settings, "
            "or run from a terminal to be asked.",
            file=sys.stderr,
        )
        return 2

    stop = StopFlag()
    install_stop_signals(stop)
    store = StoreWriter(on_health_change=_report_store_health)
    _report_store_health(store.health, only_trouble=True)
    engine = SipEngine(engine_settings(profile))
    engine.add_listener(_print_event)
    session = AgentSession(store, profile.agent_id, profile, time.time)
    session.add_listener(
        lambda change: _say(f"agent {change.state.value} {change.reason or ''}".rstrip())
    )
    phone = Phone(engine, session, store, profile)
    cti = None
    if profile.cti_enabled is not False:  # the API is the headless softphone's interface
        cti = CtiServer(phone, profile.folder or profile_dir, port=profile.cti_port)
    try:
        if cti is not None:
            cti.start()  # before the phone starts, so clients see it register and log in
            _say(f"cti {cti.url} token-file {cti.token_file}")
        phone.start(account, password)
        del password
        if target:
            try:
                phone.dial(target)
            except (InvalidTarget, EngineError, AgentError) as exc:
                print(f"Cannot dial {target}: {exc}", file=sys.stderr)
        _poll_until(stop, phone, cti)
    except EngineError as exc:
        print(f"SIP engine: {exc}", file=sys.stderr)
        return 1
    except CtiError as exc:
        print(f"Cannot start the {exc}", file=sys.stderr)
        return 1
    finally:
        if stop():
            log.info("Stopping on %s", stop.signal_name)
        if cti is not None:
            cti.stop()
        phone.stop()
    _say("stopped")
    return 0


def _poll_until(stop: StopFlag, phone: Phone, cti: CtiServer | None) -> None:
    """The polling thread: SIP every 10 ms, the API's queued commands, `tick()` each second."""
    next_tick = 0.0
    while not stop():
        phone.engine.poll(10)
        if cti is not None:
            cti.process_pending()
        if time.monotonic() >= next_tick:
            phone.tick()
            next_tick = time.monotonic() + 1.0


def _print_event(event: EngineEvent) -> None:
    if isinstance(event, RegistrationChanged):
        _say(f"registration {event.status.value} {event.code} {event.reason}")
    elif isinstance(event, IncomingCall):
        _say(f"incoming {event.call_id} {plain_text(event.remote_uri, 200)}")
    elif isinstance(event, CallStateChanged):
        _say(f"call {event.call_id} {event.state.value} {event.code} {event.reason}")


def _report_store_health(health: StoreHealth, *, only_trouble: bool = False) -> None:
    if health.ok and not only_trouble:
        _say("store ok")
    elif not health.ok:
        _say(f"store unavailable: {health.reason} ({health.pending_facts} fact(s) kept in memory)")


def _say(line: str) -> None:
    print(line, flush=True)
