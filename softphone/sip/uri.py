"""Turning what an agent types or pastes into a SIP URI to dial."""

from __future__ import annotations

import re

_DIAL_SEPARATORS = re.compile(r"[\s\-.()/\u00a0]+")
_DIALABLE = re.compile(r"^\+?[0-9*#]+$")
_USER = re.compile(r"^[A-Za-z0-9\-_.!~*'()&=+$,;?/%]+$")
_HOST = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9\-.]*[A-Za-z0-9])?)(:\d{1,5})?$")


class InvalidTarget(ValueError):
    """What the agent typed cannot be dialled; the message says why."""


def normalize_target(text: str, default_domain: str) -> str:
    """Return a SIP URI for a typed or pasted number, `tel:` URI or SIP URI.

    Accepted: `1002`, `+1 (555) 123-4567`, `tel:+1-555-1234`, `1002@pbx`,
    `sip:1002@pbx:5060;transport=tcp`, `sips:...`, and the same inside
    angle brackets. Numbers lose their spaces, dashes, dots and brackets and
    are placed in `default_domain`.
    """
    value = text.strip().strip("<>").strip()
    if not value:
        raise InvalidTarget("Nothing to dial: type a number or a SIP address.")
    if len(value) > 512:
        raise InvalidTarget("That address is too long to dial.")
    lowered = value.lower()
    if lowered.startswith("tel:"):
        number = _DIAL_SEPARATORS.sub("", value[4:].split(";", 1)[0])
        if not _DIALABLE.match(number):
            raise InvalidTarget(f"'{value}' is not a telephone number.")
        return _in_domain(number, default_domain, phone=number.startswith("+"))
    if lowered.startswith(("sip:", "sips:")):
        scheme, _, rest = value.partition(":")
        return _checked_sip_uri(scheme.lower(), rest, value)
    if "@" in value:
        return _checked_sip_uri("sip", value, value)
    number = _DIAL_SEPARATORS.sub("", value)
    if _DIALABLE.match(number):
        return _in_domain(number, default_domain, phone=number.startswith("+"))
    if _USER.match(value) and not value.startswith("+"):
        return _in_domain(value, default_domain, phone=False)
    raise InvalidTarget(f"'{value}' is neither a number nor a SIP address.")


def domain_of(uri: str) -> str:
    """The host part (with port) of a SIP URI such as `sip:1001@pbx:5060;transport=tcp`."""
    rest = uri.split(":", 1)[1] if ":" in uri else uri
    host = rest.split("@", 1)[1] if "@" in rest else rest
    return host.split(";", 1)[0].split("?", 1)[0].split(">", 1)[0]


def user_of(uri: str) -> str:
    """The user part of a SIP URI, or '' when it has none."""
    text = uri.strip()
    if "<" in text:
        text = text.split("<", 1)[1].split(">", 1)[0]
    rest = text.split(":", 1)[1] if ":" in text else text
    return rest.split("@", 1)[0] if "@" in rest else ""


def _in_domain(user: str, domain: str, *, phone: bool) -> str:
    if not domain:
        raise InvalidTarget("No domain to dial in: set the account's SIP address first.")
    return f"sip:{user}@{domain}" + (";user=phone" if phone else "")


def _checked_sip_uri(scheme: str, rest: str, original: str) -> str:
    address, _, params = rest.partition(";")
    user, at, host = address.rpartition("@")
    if not at:
        user, host = "", address
    if at and not user:
        raise InvalidTarget(f"'{original}' has an empty user part.")
    if user and not _USER.match(user):
        raise InvalidTarget(f"'{original}' has characters a SIP user part cannot hold.")
    if not host or not _HOST.match(host):
        raise InvalidTarget(f"'{original}' has no valid host.")
    if any(ch.isspace() or ch in '<>"' for ch in params):
        raise InvalidTarget(f"'{original}' has invalid parameters.")
    user_part = f"{user}@" if user else ""
    return f"{scheme}:{user_part}{host}" + (f";{params}" if params else "")
