"""Why the store cannot be used, in words an agent or an installer can act on.

SQLite reports trouble as a handful of result codes with terse messages
("database is locked", "file is not a database"). `translate_error` turns
them into one of the `StoreError` classes below, each with a message that
names the file and says what is wrong. Callers never see the raw SQLite text
for these conditions.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

# Primary SQLite result codes (the low byte of an extended code).
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26

# Python 3.10's sqlite3 errors carry no result code: read the message instead.
_MESSAGES = {
    "database is locked": SQLITE_BUSY,
    "database table is locked": SQLITE_LOCKED,
    "database is busy": SQLITE_BUSY,
    "attempt to write a readonly database": SQLITE_READONLY,
    "disk i/o error": SQLITE_IOERR,
    "database disk image is malformed": SQLITE_CORRUPT,
    "database or disk is full": SQLITE_FULL,
    "unable to open database file": SQLITE_CANTOPEN,
    "file is not a database": SQLITE_NOTADB,
}


class StoreError(Exception):
    """The store at `path` cannot be used; the message says why."""

    def __init__(self, path: Path | str, message: str) -> None:
        super().__init__(message)
        self.path = Path(path)


class NotAStoreError(StoreError):
    """The file exists but is not an SQLite database: it is left untouched."""


class NewerSchemaError(StoreError):
    """The store was written by a newer Callboard: it is left untouched."""

    def __init__(self, path: Path | str, found: int, supported: int) -> None:
        super().__init__(
            path,
            f"The store {path} has schema version {found}, newer than the {supported} "
            "this Callboard understands. It was left untouched: upgrade Callboard, "
            "or point --db or CALLBOARD_DB at another file.",
        )
        self.found = found
        self.supported = supported


class ReadOnlyStoreError(StoreError):
    """The store, or the folder it lives in, cannot be written."""


class StoreFullError(StoreError):
    """The disk holding the store is full."""


class StoreBusyError(StoreError):
    """Another program held the store's write lock past the busy timeout."""


class StoreIOError(StoreError):
    """The store could not be opened or read: missing folder, I/O error, corruption."""


def sqlite_code(exc: sqlite3.Error) -> int | None:
    """The primary SQLite result code behind `exc`, or None if it cannot be told."""
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF
    text = str(exc).lower()
    for message, value in _MESSAGES.items():
        if message in text:
            return value
    return None


def is_busy(exc: sqlite3.Error) -> bool:
    """True if `exc` means another connection holds a lock we need."""
    return sqlite_code(exc) in (SQLITE_BUSY, SQLITE_LOCKED)


def translate_error(exc: BaseException, path: Path | str) -> StoreError:  # noqa: PLR0911
    """A `StoreError` with a clear message for an sqlite3 or OS error on the store."""
    if isinstance(exc, StoreError):
        return exc
    if isinstance(exc, OSError):
        return _translate_os_error(exc, path)
    code = sqlite_code(exc) if isinstance(exc, sqlite3.Error) else None
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return StoreBusyError(
            path, f"The store {path} is busy: another program kept it locked too long."
        )
    if code == SQLITE_READONLY:
        return ReadOnlyStoreError(path, f"The store {path} is read-only: it cannot be written.")
    if code == SQLITE_FULL:
        return StoreFullError(path, f"The disk holding the store {path} is full.")
    if code == SQLITE_NOTADB:
        return NotAStoreError(
            path, f"{path} is not a Callboard store (not an SQLite database); left untouched."
        )
    if code == SQLITE_CORRUPT:
        return StoreIOError(path, f"The store {path} is damaged (SQLite reports corruption).")
    if code == SQLITE_CANTOPEN:
        return StoreIOError(path, f"The store {path} cannot be opened (missing or no access).")
    if code == SQLITE_IOERR:
        return StoreIOError(
            path, f"Writing the store {path} failed with an I/O error (disk full or removed?)."
        )
    return StoreIOError(path, f"The store {path} cannot be used: {exc}")


def _translate_os_error(exc: OSError, path: Path | str) -> StoreError:
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return ReadOnlyStoreError(path, f"The store {path} cannot be written: {exc.strerror}.")
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return StoreFullError(path, f"The disk holding the store {path} is full.")
    return StoreIOError(path, f"The store {path} cannot be used: {exc.strerror or exc}.")
