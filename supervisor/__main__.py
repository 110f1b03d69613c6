"""The supervisor's command line.

supervisor [--db PATH] [--thresholds FILE] [--language LANG] [--full-screen]
                                the wallboard window
supervisor status [--db DB]     the store's path, schema version and row counts
supervisor ingest PATH [--db DB] [--follow]
                                an Asterisk queue_log (file or realtime CSV) into the store
supervisor report [--db DB] [--queue Q] [--from T] [--to T] [--format json|csv]
                                the KPIs of calls that entered a queue in [from, to)
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import time
from collections.abc import Sequence
from datetime import tzinfo
from pathlib import Path
from types import FrameType

from supervisor import __version__

# The tables whose row counts `supervisor` shows, in the order a reader thinks of them.
_STATUS_TABLES = (
    "agent_state_changes",
    "calls",
    "call_ends",
    "wrap_ups",
    "survey_scores",
    "queue_events",
)


_KPI_CACHE_KIB = -65_536  # 64 MB page cache: the KPI queries revisit the same index pages


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, separate so tests and docs can read it."""
    parser = argparse.ArgumentParser(
        prog="supervisor", description="Callboard supervisor: the call center's wallboard."
    )
    parser.add_argument(
        "--db",
        type=Path,
        metavar="PATH",
        help="the shared store (default: CALLBOARD_DB or the user data folder)",
    )
    parser.add_argument(
        "--version", action="version", version=f"supervisor (Callboard) {__version__}"
    )
    parser.add_argument(
        "--thresholds",
        type=Path,
        metavar="FILE",
        help="wallboard: per-queue thresholds, JSON (see the README)",
    )
    parser.add_argument(
        "--language",
        metavar="LANG",
        help="wallboard: the language, e.g. en or zh_TW (default: the system's)",
    )
    parser.add_argument(
        "--full-screen", action="store_true", help="wallboard: start full screen (F11 toggles)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log everything on stderr")
    commands = parser.add_subparsers(dest="command")
    status = commands.add_parser(
        "status", help="print the store's path, schema version and row counts"
    )
    _add_db(status)
    ingest = commands.add_parser(
        "ingest",
        help="read an Asterisk queue_log into the store",
        description="Read an Asterisk queue_log (the file, or a CSV export of the realtime "
        "queue_log table) into the store. Reading it again adds nothing twice.",
    )
    ingest.add_argument("path", type=Path, help="the queue_log file or CSV export")
    _add_db(ingest)
    ingest.add_argument(
        "--follow",
        action="store_true",
        help="keep reading as the file grows, through rotation and truncation",
    )
    ingest.add_argument(
        "--interval",
        type=float,
        default=1.0,
        metavar="SECONDS",
        help="how often --follow looks for new lines (default 1)",
    )
    ingest.add_argument(
        "--timezone",
        metavar="ZONE",
        default="UTC",
        help="zone of CSV date-times written without an offset (default UTC)",
    )
    ingest.add_argument("-v", "--verbose", action="store_true", help="log everything on stderr")
    report = commands.add_parser(
        "report",
        help="print the KPIs as JSON or CSV",
        description="Print every KPI of the calls that entered a queue in [from, to). "
        "T is an ISO 8601 date-time with Z or an offset, or epoch seconds; "
        "by default the report covers today (local time) up to now.",
    )
    _add_db(report)
    report.add_argument("--queue", help="only this queue")
    report.add_argument("--from", dest="start", metavar="T", help="window start (included)")
    report.add_argument("--to", dest="end", metavar="T", help="window end (excluded; default now)")
    report.add_argument("--format", choices=("json", "csv"), default="json")
    report.add_argument(
        "--agents", action="store_true", help="CSV: one row per agent instead of per queue"
    )
    report.add_argument(
        "--thresholds",
        type=Path,
        metavar="FILE",
        help="per-queue thresholds, JSON (see the README)",
    )
    report.add_argument(
        "--timezone",
        metavar="ZONE",
        help="the zone whose midnight starts 'today' (default: this machine's)",
    )
    return parser


def _add_db(command: argparse.ArgumentParser) -> None:
    # SUPPRESS: `supervisor --db X ingest ...` keeps X unless the subcommand names its own.
    command.add_argument(
        "--db",
        type=Path,
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="the shared store (default: CALLBOARD_DB or the user data folder)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `supervisor` command."""
    args = build_parser().parse_args(argv)
    if args.db is not None:
        os.environ["CALLBOARD_DB"] = str(args.db)
    if args.command == "ingest":
        return _ingest(args)
    if args.command == "report":
        return _report(args)
    if args.command == "status":
        return _print_status(args.db)
    return _wallboard(args)


def _wallboard(args: argparse.Namespace) -> int:
    from softphone.logsetup import configure_logging  # noqa: PLC0415
    from supervisor.metrics import MetricsSettings, SettingsError, load_settings  # noqa: PLC0415
    from supervisor.store import StoreError, open_store  # noqa: PLC0415

    configure_logging("supervisor", verbose=args.verbose)
    try:
        settings = load_settings(args.thresholds) if args.thresholds else MetricsSettings()
    except SettingsError as exc:
        print(f"supervisor: {exc}", file=sys.stderr)
        return 2
    try:  # create or migrate the store here: the window only reads it
        with open_store(args.db) as store:
            path = store.path
    except StoreError as exc:
        print(f"Store: {exc}", file=sys.stderr)
        return 1
    from supervisor.ui.app import run_wallboard  # noqa: PLC0415 - Qt only for the window

    return run_wallboard(path, settings, language=args.language, full_screen=args.full_screen)


def _zone(name: str | None) -> tzinfo | None:
    """The named IANA zone; None for this machine's local zone. Raises ValueError."""
    if name is None:
        return None
    from datetime import timezone  # noqa: PLC0415
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # noqa: PLC0415

    if name.upper() in ("UTC", "Z"):
        return timezone.utc
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        message = f"unknown time zone {name!r} (use an IANA name like Europe/Paris)"
        raise ValueError(message) from exc


def _ingest(args: argparse.Namespace) -> int:
    from softphone.logsetup import configure_logging  # noqa: PLC0415
    from supervisor.feeds import QueueLogFeed, follow, ingest, stored_offsets  # noqa: PLC0415
    from supervisor.store import StoreError, StoreWriter, open_connection  # noqa: PLC0415

    configure_logging("supervisor", verbose=args.verbose)
    try:
        zone = _zone(args.timezone)
    except ValueError as exc:
        print(f"supervisor ingest: {exc}", file=sys.stderr)
        return 2
    path: Path = args.path
    if not args.follow and not path.is_file():
        print(f"supervisor ingest: {path} is not a file", file=sys.stderr)
        return 1
    try:
        reader = open_connection(args.db)
    except StoreError as exc:
        print(f"Store: {exc}", file=sys.stderr)
        return 1
    writer = StoreWriter(args.db)
    assert zone is not None
    try:
        if args.follow:
            stopping: list[int] = []

            def stop(signum: int, frame: FrameType | None) -> None:
                stopping.append(signum)

            for signum in (signal.SIGINT, signal.SIGTERM):
                signal.signal(signum, stop)
            feed = QueueLogFeed(path, writer, stored_offsets(reader), zone=zone)
            print(f"Following {feed.path} (Ctrl+C to stop)", flush=True)
            stats = follow(feed, writer, stop=lambda: bool(stopping), interval=args.interval)
        else:
            stats = ingest(path, writer, stored_offsets(reader), zone=zone)
    finally:
        writer.close()
        reader.close()
    print(
        f"{path}: {stats.lines} line(s) read, {stats.events} event(s) stored "
        f"({stats.vendor_events} vendor event(s), kept out of the metrics), "
        f"{stats.malformed} malformed line(s) skipped"
    )
    for key, offset, reason in stats.malformed_samples:
        print(f"  malformed at byte {offset} of {key}: {reason}")
    if stats.malformed > len(stats.malformed_samples):
        print(f"  ... and {stats.malformed - len(stats.malformed_samples)} more")
    health = writer.health
    if not health.ok:
        print(
            f"Store: {health.reason}; {health.pending_facts} batch(es) not written", file=sys.stderr
        )
        return 1
    return 0


def _report(args: argparse.Namespace) -> int:
    from supervisor.feeds import BadInstant, parse_instant  # noqa: PLC0415
    from supervisor.metrics import (  # noqa: PLC0415
        MetricsSettings,
        SettingsError,
        Window,
        compute_kpis,
        load_settings,
        to_csv,
        to_json,
    )
    from supervisor.store import StoreError, open_store  # noqa: PLC0415

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    now = time.time()
    try:
        zone = _zone(args.timezone)
        local = zone if zone is not None else _local_zone()
        start = parse_instant(args.start) if args.start else Window.today(now, local).start
        end = parse_instant(args.end) if args.end else now
        window = Window(start, end)
        settings = load_settings(args.thresholds) if args.thresholds else MetricsSettings()
    except (BadInstant, SettingsError, ValueError) as exc:
        print(f"supervisor report: {exc}", file=sys.stderr)
        return 2
    try:
        store = open_store(args.db)
    except StoreError as exc:
        print(f"Store: {exc}", file=sys.stderr)
        return 1
    with store:
        store.connection.execute(f"PRAGMA cache_size = {_KPI_CACHE_KIB}")
        report = compute_kpis(store.connection, window, now, settings, args.queue)
    if args.format == "csv":
        sys.stdout.write(to_csv(report, agents=args.agents))
    else:
        print(json.dumps(to_json(report), indent=2))
    return 0


def _local_zone() -> tzinfo:
    from datetime import datetime  # noqa: PLC0415

    zone = datetime.now().astimezone().tzinfo
    assert zone is not None
    return zone


def _print_status(db: Path | None) -> int:
    from supervisor.store import StoreError, open_store  # noqa: PLC0415

    try:
        store = open_store(db)
    except StoreError as exc:
        print(f"Store: {exc}", file=sys.stderr)
        return 1
    with store:
        print(f"Store {store.path} (schema version {store.schema_version})")
        for table in _STATUS_TABLES:
            row = store.connection.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608
            print(f"  {table}: {row[0]} row(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
