"""Reading instants: epoch seconds, or ISO 8601 date-times with or without an offset.

`datetime.fromisoformat` before Python 3.11 takes neither `Z` nor a
space-separated `+02` offset, and the realtime queue_log export has both
kinds, so this module reads them itself.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta, timezone, tzinfo

_ISO = re.compile(
    r"""^\s*(?P<date>\d{4}-\d{2}-\d{2})
        (?:[T\s](?P<h>\d{2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<f>\d{1,9}))?)?)?
        \s*(?P<zone>Z|z|UTC|[+-]\d{2}(?::?\d{2})?)?\s*$""",
    re.VERBOSE,
)
_EPOCH = re.compile(r"^\s*\d+(?:\.\d+)?\s*$")


class BadInstant(ValueError):
    """The text is neither epoch seconds nor an ISO 8601 date-time we can place in time."""


def parse_instant(text: str, *, naive_zone: tzinfo | None = None) -> float:
    """UTC epoch seconds for `text`: epoch seconds, or an ISO 8601 date-time.

    A date-time without an offset is read in `naive_zone`; when that is None
    it is refused, as the instant it names is unknown.
    """
    if _EPOCH.match(text):
        value = float(text)
        if not math.isfinite(value):
            raise BadInstant(f"not a time: {text!r}")
        return value
    match = _ISO.match(text)
    if match is None:
        raise BadInstant(
            f"not a time: {text!r} (expected epoch seconds or an ISO 8601 date-time "
            "such as 2025-06-15T09:00:00Z)"
        )
    zone = _zone(match.group("zone"), naive_zone, text)
    fraction = (match.group("f") or "0")[:6].ljust(6, "0")
    try:
        year, month, day = (int(part) for part in match.group("date").split("-"))
        moment = datetime(
            year,
            month,
            day,
            int(match.group("h") or 0),
            int(match.group("m") or 0),
            int(match.group("s") or 0),
            int(fraction),
        )
    except ValueError as exc:
        raise BadInstant(f"not a time: {text!r} ({exc})") from exc
    # A wall-clock time that repeats (the hour after summer time ends) is read as the earlier.
    return moment.replace(tzinfo=zone, fold=0).timestamp()


def _zone(text: str | None, naive_zone: tzinfo | None, original: str) -> tzinfo:
    if text is None:
        if naive_zone is None:
            raise BadInstant(f"{original!r} has no offset: add Z or one such as +02:00")
        return naive_zone
    if text in ("Z", "z", "UTC"):
        return timezone.utc
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 23 or minutes > 59:
        raise BadInstant(f"not a time: {original!r} (offset out of range)")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def format_instant(epoch: float) -> str:
    """`epoch` as an ISO 8601 UTC date-time with `Z`, to the millisecond where it has one."""
    moment = datetime.fromtimestamp(epoch, tz=timezone.utc)
    spec = "milliseconds" if moment.microsecond else "seconds"
    return moment.isoformat(timespec=spec).replace("+00:00", "Z")
