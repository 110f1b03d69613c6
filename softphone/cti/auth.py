"""The API's bearer token and the files that tell local clients where the API is.

Both live in the profile folder: `cti-token` holds the token (readable by
its owner only, created on first start) and `cti-port` the port the API
listens on, which matters when the profile asks for any free port.
"""

from __future__ import annotations

import hmac
import logging
import os
import secrets
import stat
from pathlib import Path

log = logging.getLogger(__name__)

TOKEN_FILE = "cti-token"  # noqa: S105 - a file name, not a secret
PORT_FILE = "cti-port"
TOKEN_BYTES = 32  # 256 bits of randomness, URL-safe base64 in the file


class TokenError(OSError):
    """The token file cannot be created or read: the message names the file."""


def load_or_create_token(folder: Path) -> str:
    """The token in `folder/cti-token`, made (mode 0600) when missing or unsafe.

    A token file that others may read is replaced: the old token may have
    leaked, so clients must read the new one.
    """
    path = folder / TOKEN_FILE
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return _create_token(path)
    except OSError as exc:
        raise TokenError(f"{path}: cannot be read: {exc.strerror}") from None
    if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        log.warning("%s was readable by others: replacing the token", path)
        path.unlink()
        return _create_token(path)
    try:
        token = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise TokenError(f"{path}: cannot be read: {exc}") from None
    if len(token) < 32:
        log.warning("%s held no usable token: making a new one", path)
        path.unlink()
        return _create_token(path)
    return token


def _create_token(path: Path) -> str:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(token + "\n")
    except OSError as exc:
        raise TokenError(f"{path}: cannot be created: {exc.strerror}") from None
    log.info("Created the automation API token in %s", path)
    return token


def token_matches(expected: str, authorization: str | None) -> bool:
    """Whether an `Authorization` header carries `expected` as its bearer token."""
    if not authorization:
        return False
    scheme, _, given = authorization.strip().partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), expected.encode())


def write_port_file(folder: Path, port: int) -> Path:
    """Write the port the API listens on to `folder/cti-port`, for local clients."""
    path = folder / PORT_FILE
    partial = path.with_name(PORT_FILE + ".new")
    partial.write_text(f"{port}\n", encoding="ascii")
    partial.replace(path)
    return path
