"""Passwords in the operating system's keychain, through `keyring`.

Passwords live nowhere else: not in the profile, the store or a log. When
the system has no usable keychain this module says so with
`KeychainUnavailable`, and the softphone asks for the password at each start;
it never falls back to a plaintext file.
"""

from __future__ import annotations

import logging
from typing import Any

import keyring
import keyring.errors

log = logging.getLogger(__name__)

SERVICE = "Callboard softphone"

# Backends that keep secrets in files we would have to trust more than the
# system keychain: refused, as the design forbids a plaintext fallback.
_REFUSED_MODULE_PREFIXES = ("keyrings.alt", "keyring_insecure_backend")


class KeychainUnavailable(RuntimeError):
    """No usable keychain: the message says why and what the agent can do."""


class Credentials:
    """Set, get and delete account passwords in the keychain."""

    def __init__(self, backend: Any | None = None, service: str = SERVICE) -> None:
        self._backend = backend
        self._service = service

    @property
    def backend(self) -> Any:
        """The keyring backend in use (the system's unless one was passed in)."""
        return self._backend if self._backend is not None else keyring.get_keyring()

    def backend_name(self) -> str:
        """A readable name for the backend, for the self-test and Settings."""
        backend = self.backend
        name = getattr(backend, "name", "") or type(backend).__name__
        return f"{name} ({type(backend).__module__}.{type(backend).__qualname__})"

    def problem(self) -> str | None:
        """Why the keychain cannot be used, or None when it can."""
        backend = self.backend
        module = type(backend).__module__
        if module.startswith("keyring.backends.fail") or module.startswith("keyring.backends.null"):
            return (
                "no keychain backend is available on this system (on Linux: GNOME Keyring, "
                "KWallet or another Secret Service provider), so the password is asked at "
                "each start and never saved"
            )
        if module.startswith("keyring.backends.chainer") and not getattr(backend, "backends", None):
            return "no keychain backend is available on this system"
        if module.startswith(_REFUSED_MODULE_PREFIXES) or "plaintext" in module.lower():
            return (
                f"the configured keyring backend {module} stores passwords in a file; "
                "Callboard refuses it and asks for the password at each start instead"
            )
        return None

    def available(self) -> bool:
        """True when passwords can be kept in the keychain."""
        return self.problem() is None

    def set(self, account: str, password: str) -> None:
        """Keep `password` for `account` (for example `sip:1001@pbx`)."""
        backend = self._usable()
        try:
            backend.set_password(self._service, account, password)
        except keyring.errors.KeyringError as exc:
            raise KeychainUnavailable(f"The keychain refused to save the password: {exc}") from exc
        log.info("Password for %s saved in the keychain", account)

    def get(self, account: str) -> str | None:
        """The password for `account`, or None when the keychain has none."""
        backend = self._usable()
        try:
            value = backend.get_password(self._service, account)
        except keyring.errors.KeyringError as exc:
            raise KeychainUnavailable(f"The keychain could not be read: {exc}") from exc
        return None if value is None else str(value)

    def delete(self, account: str) -> bool:
        """Forget the password for `account`; False when there was none."""
        backend = self._usable()
        try:
            backend.delete_password(self._service, account)
        except keyring.errors.PasswordDeleteError:
            return False
        except keyring.errors.KeyringError as exc:
            raise KeychainUnavailable(f"The keychain could not delete the password: {exc}") from exc
        log.info("Password for %s removed from the keychain", account)
        return True

    def _usable(self) -> Any:
        problem = self.problem()
        if problem is not None:
            raise KeychainUnavailable(problem[0].upper() + problem[1:] + ".")
        return self.backend
