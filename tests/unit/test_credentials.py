"""Passwords go to the keychain, or nowhere: never to a plaintext fallback."""

import pytest
from keyring.backends import fail

from softphone.credentials import Credentials, KeychainUnavailable
from tests.rig.keyring_backend import MemoryKeyring


def test_set_get_delete_round_trip():
    backend = MemoryKeyring()
    credentials = Credentials(backend)
    credentials.set("sip:1001@pbx", "s3cret")
    assert credentials.get("sip:1001@pbx") == "s3cret"
    assert credentials.delete("sip:1001@pbx") is True
    assert credentials.get("sip:1001@pbx") is None
    assert credentials.delete("sip:1001@pbx") is False


def test_no_keychain_backend_gives_a_clear_error():
    credentials = Credentials(fail.Keyring())
    assert not credentials.available()
    with pytest.raises(KeychainUnavailable, match=r"(?i)no keychain"):
        credentials.set("sip:1001@pbx", "s3cret")
    with pytest.raises(KeychainUnavailable):
        credentials.get("sip:1001@pbx")


def test_a_plaintext_backend_is_refused():
    plaintext = type("PlaintextKeyring", (MemoryKeyring,), {"__module__": "keyrings.alt.file"})()
    credentials = Credentials(plaintext)
    assert "refuses" in (credentials.problem() or "")
    with pytest.raises(KeychainUnavailable):
        credentials.set("sip:1001@pbx", "s3cret")
    assert plaintext.secrets == {}
