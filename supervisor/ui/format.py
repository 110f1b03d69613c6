"""How figures are written on the wallboard: short, so they read from across a room."""

from __future__ import annotations

import math


def _whole(value: float) -> int:
    """Rounded half up, as people round (12.5 % reads 13 %), not to even."""
    return math.floor(value + 0.5)


def duration(seconds: float | None) -> str:
    """12 s, 4:05, 1:02:03; an em dash for nothing to measure."""
    if seconds is None:
        return "—"
    whole = _whole(seconds)
    if whole < 60:
        return f"{whole} s"
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def clock(seconds: float | None) -> str:
    """A time in state as m:ss or h:mm:ss, always with the colon (for the agent grid)."""
    if seconds is None:
        return "—"
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def percent(value: float | None) -> str:
    """72 %, rounded to a whole number: a tenth is noise on a wall."""
    return "—" if value is None else f"{_whole(value)} %"


def count(value: float | None) -> str:
    """A whole number."""
    return "—" if value is None else f"{int(value)}"
