"""The lab's command line.

python -m softphone.lab --db DB --queue-log PATH [--speed N] [--seed S] [--calls N]
                        [--rate PER_MINUTE] [--bots N] [--record PATH] [--sip-port P]
                        [--human AGENT_ID] [--human-user USER] [--agent-password-stdin]
                        [--workdir DIR] [-v]

When started, it writes one JSON line on stdout, `{"event": "ready", ...}`,
naming the registrar the human agent's softphone registers at; when done,
`{"event": "finished", ...}`. Nothing else goes to stdout (pjsua's console
output is sent to stderr). It runs until SIGTERM or Ctrl+C, or with
`--calls` until that many callers are done, and exits 0 after a clean stop.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from softphone.lab.lab import Lab
from softphone.lab.scenario import LabSettings

log = logging.getLogger("softphone.lab")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser."""
    parser = argparse.ArgumentParser(
        prog="python -m softphone.lab",
        description="Callboard lab: a simulated call center (callers, IVR, queue, bot agents).",
    )
    parser.add_argument("--db", type=Path, required=True, help="the shared store to write to")
    parser.add_argument(
        "--queue-log", type=Path, required=True, help="the Asterisk-format queue_log to write"
    )
    parser.add_argument(
        "--record", type=Path, help="the lab's own record, JSON lines (default: none)"
    )
    parser.add_argument(
        "--speed", type=float, default=1.0, help="simulated seconds per real second (default 1)"
    )
    parser.add_argument("--seed", type=int, help="seed of the random callers (default: random)")
    parser.add_argument("--calls", type=int, help="stop after this many callers are done")
    parser.add_argument(
        "--rate", type=float, default=3.0, help="callers per simulated minute (default 3)"
    )
    parser.add_argument("--bots", type=int, default=4, help="bot agents (default 4, at most 7)")
    parser.add_argument(
        "--sip-port", type=int, default=0, help="UDP port of the lab's endpoint (default: any)"
    )
    parser.add_argument(
        "--human", metavar="AGENT_ID", help="the human agent's id: offer them queue calls by SIP"
    )
    parser.add_argument(
        "--human-user", default="1001", help="the human agent's SIP user (default 1001)"
    )
    parser.add_argument(
        "--agent-password-stdin",
        action="store_true",
        help="read the human agent's SIP password from the first line of stdin",
    )
    parser.add_argument("--workdir", type=Path, help="folder for Kamailio's files (default: temp)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log everything to stderr")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the lab; returns the exit status."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    password = None
    if args.agent_password_stdin:
        password = sys.stdin.readline().strip() or None
        if password is None:
            print("lab: --agent-password-stdin: no password on stdin", file=sys.stderr)
            return 2
    try:
        settings = LabSettings(
            speed=args.speed, seed=args.seed, calls_per_minute=args.rate,
            max_calls=args.calls, bots=args.bots, human_agent_id=args.human,
            human_user=args.human_user,
        )  # fmt: skip
    except ValueError as exc:
        print(f"lab: {exc}", file=sys.stderr)
        return 2

    # Events go to a private copy of stdout; pjsua's console output goes to stderr.
    sys.stdout.flush()
    events = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    own_workdir = args.workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="callboard-lab-")) if own_workdir else args.workdir
    lab = Lab(
        settings, db=args.db, queue_log=args.queue_log, workdir=workdir, record=args.record,
        sip_port=args.sip_port, human_password=password,
    )  # fmt: skip
    status = 0
    try:
        address = lab.start()
        _emit(events, "ready", pid=os.getpid(), registrar=address.registrar,
              domain=address.domain, sip_port=address.sip_port)  # fmt: skip
        lab.run(stop.is_set)
    except Exception:
        log.exception("The lab failed")
        status = 1
    finally:
        record = lab.record
        calls = len(record.calls) if record is not None else 0
        lab.stop()
        _emit(events, "finished", calls=calls, status=status)
        if own_workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    return status


def _emit(out: object, event: str, **fields: object) -> None:
    write = getattr(out, "write", None)
    if write is not None:
        # OSError: the reader is gone (the demo closed): there is no one to tell.
        with contextlib.suppress(OSError):
            write(json.dumps({"event": event, **fields}) + "\n")


if __name__ == "__main__":
    sys.exit(main())
