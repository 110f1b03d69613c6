"""The softphone's command line.

softphone [--profile DIR] [--db PATH] [--self-test] [--version]
          [--headless] [-v] [sip:URI | tel:NUMBER]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from softphone import __version__

log = logging.getLogger("softphone")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, separate so tests and docs can read it."""
    parser = argparse.ArgumentParser(
        prog="softphone",
        description="Callboard softphone: the call-center agent's SIP phone.",
    )
    parser.add_argument("target", nargs="?", help="a number, tel: or sip: URI to dial on start")
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="DIR",
        help="profile folder (account, wrap-up mode, dispositions)",
    )
    parser.add_argument(
        "--db",
        type=Path,
        metavar="PATH",
        help="the shared store (default: CALLBOARD_DB or the user data folder)",
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation, print a report, exit 0 when all is well",
    )
    parser.add_argument(
        "--headless", action="store_true", help="run without a window, until SIGTERM or Ctrl+C"
    )
    parser.add_argument(
        "--version", action="store_true", help="print the versions of the softphone and its parts"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log everything to stderr")
    return parser


def version_text() -> str:
    """Versions of the softphone and of the parts it stands on."""
    parts = [f"softphone (Callboard) {__version__}"]
    for dist, label in (("pjsua2-python", "pjsua2"), ("PySide6-Essentials", "PySide6")):
        try:
            parts.append(f"{label} {importlib.metadata.version(dist)}")
        except importlib.metadata.PackageNotFoundError:
            parts.append(f"{label} missing")
    parts.append(f"Python {sys.version.split()[0]}")
    return ", ".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `softphone` command."""
    args = build_parser().parse_args(argv)
    if args.version:
        print(version_text())
        return 0
    if args.db is not None:
        os.environ["CALLBOARD_DB"] = str(args.db)
    if args.self_test:
        from softphone.logsetup import configure_logging  # noqa: PLC0415
        from softphone.selftest import SelfTestOptions, run_self_test  # noqa: PLC0415

        configure_logging("softphone", verbose=args.verbose, to_file=False)
        return run_self_test(SelfTestOptions(args.db, args.profile))
    if args.headless:
        from softphone.headless import run_headless  # noqa: PLC0415

        return run_headless(args.profile, args.target, verbose=args.verbose)
    from softphone.ui.app import run_window  # noqa: PLC0415

    return run_window(args.profile, args.target, verbose=args.verbose)


if __name__ == "__main__":
    sys.exit(main())
