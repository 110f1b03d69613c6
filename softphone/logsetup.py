"""One logging set-up for each program: a rotating file in the user log folder."""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

import platformdirs

APP_NAME = "Callboard"
_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


def log_dir() -> Path:
    """Where the log files go: the user log folder, or CALLBOARD_LOG_DIR."""
    override = os.environ.get("CALLBOARD_LOG_DIR")
    return Path(override) if override else Path(platformdirs.user_log_dir(APP_NAME, False))


def configure_logging(program: str, *, verbose: bool = False, to_file: bool = True) -> Path | None:
    """Log to stderr (warnings, or everything at INFO with `verbose`) and to a rotating file.

    Returns the log file's path, or None when the folder cannot be written
    (then a warning on stderr says so and the program goes on).
    """
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for handler in list(root.handlers):
        root.removeHandler(handler)
    console = logging.StreamHandler()
    console.setLevel(logging.INFO if verbose else logging.WARNING)
    console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(console)
    logging.getLogger("softphone.sip.pjsua").setLevel(logging.DEBUG if verbose else logging.INFO)
    if not to_file:
        return None
    folder = log_dir()
    path = folder / f"{program}.log"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=5_000_000, backupCount=5, encoding="utf-8"
        )
    except OSError as exc:
        logging.getLogger(__name__).warning("Not logging to %s: %s", path, exc)
        return None
    handler.setLevel(logging.DEBUG if verbose else logging.INFO)
    handler.setFormatter(logging.Formatter(_FORMAT))
    root.addHandler(handler)
    return path
