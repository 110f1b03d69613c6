"""What an agent types or pastes becomes a SIP URI, or a clear refusal."""

import pytest

from softphone.sip.uri import InvalidTarget, domain_of, normalize_target, user_of


@pytest.mark.parametrize(
    ("typed", "uri"),
    [
        ("1002", "sip:1002@pbx.example"),
        (" 1002 ", "sip:1002@pbx.example"),
        ("+1 (555) 123-4567", "sip:+15551234567@pbx.example;user=phone"),
        ("555.123.4567", "sip:5551234567@pbx.example"),
        ("tel:+1-555-1234", "sip:+15551234@pbx.example;user=phone"),
        ("TEL:+44 20 7946 0000", "sip:+442079460000@pbx.example;user=phone"),
        ("sip:1002@pbx", "sip:1002@pbx"),
        ("<sip:1002@10.0.0.1:5080;transport=tcp>", "sip:1002@10.0.0.1:5080;transport=tcp"),
        ("sips:alice@secure.example", "sips:alice@secure.example"),
        ("1002@pbx", "sip:1002@pbx"),
        ("*97", "sip:*97@pbx.example"),
        ("support", "sip:support@pbx.example"),
    ],
)
def test_targets_are_normalized(typed, uri):
    assert normalize_target(typed, "pbx.example") == uri


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "sip:",
        "sip:@host",
        "sip:a b@host",
        "tel:call-me",
        "sip:1002@",
        "a@b c",
        "sip:1002@host;x=<y>",
        "x" * 600,
        "+12abc",
    ],
)
def test_malformed_targets_are_refused_with_a_message(typed):
    with pytest.raises(InvalidTarget) as caught:
        normalize_target(typed, "pbx.example")
    assert str(caught.value)


def test_a_number_needs_a_domain():
    with pytest.raises(InvalidTarget, match="domain"):
        normalize_target("1002", "")


def test_domain_and_user_are_read_from_uris():
    assert domain_of("sip:1001@127.0.0.1:5060;transport=tcp") == "127.0.0.1:5060"
    assert user_of('"Ada" <sip:1001@pbx>;tag=x') == "1001"
    assert user_of("sip:pbx") == ""
