"""Stopping what the lab, and the test rig, started: by the pid it holds, never by name."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess


def stop_process_group(
    process: subprocess.Popen[bytes] | subprocess.Popen[str], timeout: float
) -> int:
    """SIGTERM to `process`, up to `timeout` seconds to exit, then SIGKILL to what is left of
    its process group; returns its exit status.

    The process must have been started with `start_new_session=True`: its
    group id is then its pid, and the group holds its children (a crashed
    Kamailio main leaves its workers behind), nothing else.
    """
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    return process.wait(timeout)
