"""Reading SIP messages as text: start line, headers, body.

pjsua2 hands the application the whole INVITE as one string
(`OnIncomingCallParam.rdata.wholeMsg`). This module splits it into an
ordered, case-insensitive list of headers. It never raises on bad input:
a line that is not a header is counted and skipped, so one malformed line
from a PBX does not cost the agent the rest of the caller context.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

# RFC 3261 section 7.3.3 compact forms, and the common registered ones.
COMPACT_FORMS = {
    "a": "Accept-Contact",
    "b": "Referred-By",
    "c": "Content-Type",
    "e": "Content-Encoding",
    "f": "From",
    "i": "Call-ID",
    "k": "Supported",
    "l": "Content-Length",
    "m": "Contact",
    "o": "Event",
    "r": "Refer-To",
    "s": "Subject",
    "t": "To",
    "u": "Allow-Events",
    "v": "Via",
    "x": "Session-Expires",
}

_CONTROL_CHARACTERS = {c for c in range(32) if c not in (9,)} | {127}


@dataclass(frozen=True)
class SipHeaders:
    """The headers of one SIP message, in order, looked up case-insensitively."""

    items: tuple[tuple[str, str], ...] = ()

    def get(self, name: str, default: str | None = None) -> str | None:
        """The first value of header `name`, or `default`."""
        wanted = name.casefold()
        for key, value in self.items:
            if key.casefold() == wanted:
                return value
        return default

    def get_all(self, name: str) -> list[str]:
        """Every value of header `name`, in message order."""
        wanted = name.casefold()
        return [value for key, value in self.items if key.casefold() == wanted]

    def matching(self, patterns: Iterable[str]) -> list[tuple[str, str]]:
        """Headers whose name matches one of `patterns` (exact, or a prefix ending in `*`)."""
        rules = [p.casefold() for p in patterns]
        found = []
        for key, value in self.items:
            folded = key.casefold()
            for rule in rules:
                if (rule.endswith("*") and folded.startswith(rule[:-1])) or folded == rule:
                    found.append((key, value))
                    break
        return found

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None


@dataclass(frozen=True)
class SipMessage:
    """A SIP message split into its parts."""

    start_line: str
    headers: SipHeaders
    body: str
    skipped_lines: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_request(self) -> bool:
        """True for a request (INVITE ...), False for a response (SIP/2.0 200 OK)."""
        return not self.start_line.upper().startswith("SIP/")


def parse_sip_message(text: str | bytes) -> SipMessage:
    """Split a whole SIP message into start line, headers and body.

    Folded header lines are joined, compact header names are expanded, and
    lines that are not `Name: value` are skipped and counted.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    head, _, body = _split_head_and_body(text)
    lines = head.split("\n")
    start_line = lines[0].rstrip("\r") if lines else ""
    items: list[tuple[str, str]] = []
    skipped = 0
    notes: list[str] = []
    for raw in lines[1:]:
        line = raw.rstrip("\r")
        if not line:
            continue
        if line[0] in " \t" and items:
            name, value = items[-1]
            items[-1] = (name, f"{value} {line.strip()}")
            continue
        name, sep, value = line.partition(":")
        name = name.strip()
        if not sep or not name or not _is_token(name):
            skipped += 1
            continue
        name = COMPACT_FORMS.get(name.lower(), name) if len(name) == 1 else name
        items.append((name, value.strip()))
    if skipped:
        notes.append(f"{skipped} malformed header line(s) skipped")
    return SipMessage(start_line, SipHeaders(tuple(items)), body, skipped, tuple(notes))


def plain_text(value: str, limit: int = 1024) -> str:
    """A header value made safe to show: control characters replaced, length capped.

    The result is still to be shown as plain text (never as Qt rich text);
    this only keeps invisible characters and huge values out of the window.
    """
    cleaned = "".join("\ufffd" if ord(ch) in _CONTROL_CHARACTERS else ch for ch in value)
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1] + "\u2026"
    return cleaned


def _split_head_and_body(text: str) -> tuple[str, str, str]:
    for separator in ("\r\n\r\n", "\n\n"):
        if separator in text:
            return text.partition(separator)
    return text, "", ""


_TOKEN_EXTRA = set("-.!%*_+`'~")


def _is_token(name: str) -> bool:
    return all((ch.isalnum() and ch.isascii()) or ch in _TOKEN_EXTRA for ch in name)
