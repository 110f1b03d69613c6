"""Small helpers every panel of the window uses: plain-text labels, names, durations."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from softphone.sip.headers import plain_text


def plain_label(text: str = "", *, name: str = "", wrap: bool = True) -> QLabel:
    """A label that shows its text literally: never Qt rich text, whatever it holds."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    label.setText(text)
    if name:
        label.setAccessibleName(name)
    return label


def set_plain(label: QLabel, value: str, limit: int = 1024) -> None:
    """Show a value from the network (a SIP header, a URI) on a plain-text label."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(plain_text(value, limit))


def named(widget: QWidget, name: str, tip: str = "") -> QWidget:
    """Give a control its accessible name (and a tooltip), for screen readers and tests."""
    widget.setAccessibleName(name)
    if tip:
        widget.setToolTip(tip)
    return widget


def format_duration(seconds: float | None) -> str:
    """Seconds as m:ss, or h:mm:ss past an hour; an empty string for None."""
    if seconds is None:
        return ""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def party_name(uri: str) -> str:
    """A readable party from a SIP From/To value: display name and user, without the brackets."""
    text = uri.strip()
    display = ""
    if "<" in text:
        display = text.split("<", 1)[0].strip().strip('"').strip()
        text = text.split("<", 1)[1].split(">", 1)[0]
    address = text.split(":", 1)[1] if text.lower().startswith(("sip:", "sips:", "tel:")) else text
    user = address.split("@", 1)[0].split(";", 1)[0]
    if display and user:
        return plain_text(f"{display} ({user})", 200)
    return plain_text(display or user or uri, 200)
