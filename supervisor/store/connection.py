"""Finding, creating and opening the store file safely.

`open_connection` is the one way in: it creates a missing store readable by
its owner only, refuses a file that is not SQLite or comes from a newer
schema without writing to it, switches the store to WAL, and migrates it.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import urllib.parse
from pathlib import Path

from supervisor.store.errors import (
    NewerSchemaError,
    NotAStoreError,
    ReadOnlyStoreError,
    StoreIOError,
    translate_error,
)
from supervisor.store.records import StoreDescription
from supervisor.store.schema import SCHEMA_VERSION, migrate, schema_version

log = logging.getLogger(__name__)

ENV_VAR = "CALLBOARD_DB"
BUSY_TIMEOUT = 5.0  # seconds a writer waits for another one's lock (DESIGN.md)
_SQLITE_MAGIC = b"SQLite format 3\x00"
_HEADER_VERSION_OFFSET = 60  # PRAGMA user_version, big-endian, in the file header


def default_store_path() -> Path:
    """`CALLBOARD_DB` if set, else `callboard.db` in the user data folder."""
    override = os.environ.get(ENV_VAR, "").strip()
    if override:
        return Path(override).expanduser()
    import platformdirs  # noqa: PLC0415 - only needed when no path is given

    return Path(platformdirs.user_data_dir("Callboard", appauthor=False)) / "callboard.db"


def open_connection(
    path: str | os.PathLike[str] | None = None,
    *,
    busy_timeout: float = BUSY_TIMEOUT,
    target_version: int = SCHEMA_VERSION,
) -> sqlite3.Connection:
    """Open (creating where missing) and migrate the store; raise `StoreError` if unusable.

    The connection is in autocommit mode: writers open their transactions
    with `BEGIN IMMEDIATE` so they queue for the lock instead of deadlocking.
    """
    store = Path(path).expanduser() if path is not None else default_store_path()
    try:
        created = _create_private_file(store)
        if not created:
            _check_existing_file(store)
        connection = sqlite3.connect(store, timeout=busy_timeout, isolation_level=None)
    except (OSError, sqlite3.Error) as exc:
        raise translate_error(exc, store) from exc
    try:
        _prepare(connection, store, busy_timeout, target_version)
    except BaseException as exc:
        connection.close()
        if isinstance(exc, (OSError, sqlite3.Error)):
            raise translate_error(exc, store) from exc
        raise
    if created:
        log.info("Created the store %s (schema version %d)", store, target_version)
    return connection


def describe_store(path: str | os.PathLike[str] | None = None) -> StoreDescription:
    """Open the store (creating and migrating it as needed) and say where it is and its version.

    For `softphone --self-test`; raises `StoreError` with a clear message.
    """
    store = Path(path).expanduser() if path is not None else default_store_path()
    connection = open_connection(store)
    try:
        return StoreDescription(store.resolve(), schema_version(connection))
    finally:
        connection.close()


def _create_private_file(path: Path) -> bool:
    """Create an empty store file with mode 0600 unless it exists; True if created.

    SQLite gives the -wal and -shm files the mode of the main file, so the
    whole store stays private to its owner.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    os.close(descriptor)
    return True


def _check_existing_file(path: Path) -> None:
    """Refuse, without writing to it, a file we must not or cannot use."""
    if not path.is_file():
        raise StoreIOError(path, f"The store path {path} is not a regular file.")
    version = _stored_version(path)
    if version > SCHEMA_VERSION:
        raise NewerSchemaError(path, version, SCHEMA_VERSION)
    if not _writable(path):
        raise ReadOnlyStoreError(path, f"The store {path} is read-only: it cannot be written.")
    sidecars_exist = all(Path(f"{path}{suffix}").exists() for suffix in ("-wal", "-shm"))
    if not sidecars_exist and not _writable(path.parent):
        raise ReadOnlyStoreError(
            path,
            f"The folder {path.parent} is read-only: SQLite cannot create the store's "
            "-wal and -shm files next to it.",
        )


def _stored_version(path: Path) -> int:
    """The file's schema version, read through SQLite itself, read-only.

    Not with Python's open(): closing any descriptor of a file drops every
    POSIX lock this process holds on it, so a plain open/close next to a live
    StoreWriter would let another process checkpoint the WAL away under it
    and lose writes. SQLite's own file layer keeps such descriptors open
    while its locks live. A file that is not SQLite is refused untouched.
    """
    uri = f"file:{urllib.parse.quote(str(path))}?mode=ro"
    try:
        probe = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT)
    except sqlite3.Error as exc:
        raise translate_error(exc, path) from exc
    try:
        row = probe.execute("PRAGMA user_version").fetchone()
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc) or "malformed" in str(exc):
            raise NotAStoreError(
                path, f"{path} is not a Callboard store (not an SQLite database); left untouched."
            ) from exc
        raise translate_error(exc, path) from exc
    finally:
        probe.close()
    return int(row[0]) if row else 0


def _writable(path: Path) -> bool:
    effective = os.access in os.supports_effective_ids
    return os.access(path, os.W_OK, effective_ids=effective)


def _prepare(
    connection: sqlite3.Connection, path: Path, busy_timeout: float, target_version: int
) -> None:
    version = schema_version(connection)  # raises "file is not a database" first
    if version > SCHEMA_VERSION:
        raise NewerSchemaError(path, version, SCHEMA_VERSION)
    connection.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
    mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        log.warning(
            "The store %s could not switch to WAL (journal mode %s): is it on a network "
            "file system? Writers will block each other more.",
            path,
            mode,
        )
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute("PRAGMA foreign_keys = ON")
    if version < target_version:
        migrate(connection, target=target_version)
