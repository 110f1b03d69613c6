"""The supervisor's command line.

    supervisor [--db PATH]          the wallboard (not built yet: prints the store's status)
    supervisor ingest PATH [--follow]   Asterisk queue_log into the store (not built yet)
    supervisor report [...]         KPIs as JSON or CSV (not built yet)
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from supervisor import __version__

# The tables whose row counts `supervisor` shows, in the order a reader thinks of them.
_STATUS_TABLES = (
    "agent_state_changes", "calls", "call_ends", "wrap_ups", "survey_scores", "queue_events",
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, separate so tests and docs can read it."""
    parser = argparse.ArgumentParser(
        prog="supervisor", description="Callboard supervisor: the call center's wallboard."
    )
    parser.add_argument("--db", type=Path, metavar="PATH",
                        help="the shared store (default: CALLBOARD_DB or the user data folder)")
    parser.add_argument("--version", action="version",
                        version=f"supervisor (Callboard) {__version__}")
    commands = parser.add_subparsers(dest="command")
    ingest = commands.add_parser("ingest", help="read an Asterisk queue_log into the store")
    ingest.add_argument("path", type=Path)
    ingest.add_argument("--follow", action="store_true")
    report = commands.add_parser("report", help="print the KPIs as JSON or CSV")
    report.add_argument("--queue")
    report.add_argument("--from", dest="start")
    report.add_argument("--to", dest="end")
    report.add_argument("--format", choices=("json", "csv"), default="json")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `supervisor` command."""
    args = build_parser().parse_args(argv)
    if args.db is not None:
        os.environ["CALLBOARD_DB"] = str(args.db)
    if args.command in ("ingest", "report"):
        print(f"supervisor {args.command}: not available in this version yet.", file=sys.stderr)
        return 2
    return _print_status(args.db)


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
    print("The wallboard window is not built yet; this version shows the store's status.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
