"""Account settings are validated on creation, naming the bad field."""

import pytest

from softphone.sip.backoff import Backoff
from softphone.sip.settings import AccountSettings, SettingsError


def test_a_valid_account_derives_domain_user_and_registrar():
    account = AccountSettings("sip:1001@pbx.example:5070", transport="tcp")
    assert account.domain == "pbx.example:5070"
    assert account.auth_user == "1001"
    assert account.registrar_uri() == "sip:pbx.example:5070;transport=tcp"


def test_an_explicit_registrar_keeps_its_transport():
    account = AccountSettings("sip:1001@pbx", "sip:10.0.0.5:5061;transport=tls", transport="tls")
    assert account.registrar_uri() == "sip:10.0.0.5:5061;transport=tls"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"sip_uri": "1001@pbx"}, "sip_uri"),
        ({"sip_uri": "sip:pbx"}, "sip_uri"),
        ({"sip_uri": "sip:10 01@pbx"}, "sip_uri"),
        ({"sip_uri": "sip:1001@pbx", "transport": "sctp"}, "transport"),
        ({"sip_uri": "sip:1001@pbx", "srtp": "sometimes"}, "srtp"),
        ({"sip_uri": "sip:1001@pbx", "registrar": "pbx:5060"}, "registrar"),
        ({"sip_uri": "sip:1001@pbx", "register_expires": 0}, "register_expires"),
    ],
)
def test_invalid_settings_name_the_field(kwargs, field):
    with pytest.raises(SettingsError) as caught:
        AccountSettings(**kwargs)
    assert caught.value.field == field
    assert field in str(caught.value)


def test_backoff_grows_and_is_capped():
    backoff = Backoff(base=2, ceiling=30, jitter=0)
    delays = [backoff.delay(n, 408) for n in range(8)]
    assert delays[:4] == [2, 4, 8, 16]
    assert max(delays) == 30


def test_authentication_failures_back_off_slowly():
    backoff = Backoff(jitter=0)
    assert backoff.delay(0, 401) >= 60
    assert backoff.delay(0, 403) >= 60
    assert backoff.delay(0, 503) < 10


def test_jitter_spreads_retries_both_ways():
    backoff = Backoff(base=10, jitter=0.2)
    assert backoff.delay(0, 503, rand=lambda: 0.0) == pytest.approx(8)
    assert backoff.delay(0, 503, rand=lambda: 1.0) == pytest.approx(12)
