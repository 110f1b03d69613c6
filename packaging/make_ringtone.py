"""Write resources/sounds/ringtone.wav: one ring cycle, played in a loop while a call rings.

The ring is the two-tone ring heard on Taiwan's and North America's phone
networks: 440 Hz and 480 Hz together, one second on, two seconds off, with
10 ms fades so the loop does not click. 16-bit mono at 16 kHz, 96 KB.

    .venv/bin/python packaging/make_ringtone.py
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 16_000
ON_SECONDS, OFF_SECONDS = 1.0, 2.0
TONES_HZ = (440.0, 480.0)
LEVEL = 0.35  # of full scale, for the two tones together
FADE_SECONDS = 0.01
OUT = Path(__file__).resolve().parents[1] / "resources" / "sounds" / "ringtone.wav"


def ring_cycle() -> bytes:
    """One cycle of the ring as little-endian 16-bit samples."""
    on = int(ON_SECONDS * RATE)
    fade = int(FADE_SECONDS * RATE)
    samples = []
    for n in range(on):
        envelope = min(1.0, n / fade, (on - 1 - n) / fade)
        tone = sum(math.sin(2 * math.pi * hz * n / RATE) for hz in TONES_HZ) / len(TONES_HZ)
        samples.append(round(32767 * LEVEL * envelope * tone))
    samples += [0] * int(OFF_SECONDS * RATE)
    return struct.pack(f"<{len(samples)}h", *samples)


def main() -> None:
    """Write the file."""
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(OUT), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(ring_cycle())
    print(f"{OUT}: {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
