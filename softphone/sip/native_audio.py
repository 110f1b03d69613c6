"""The pjsua2 build's own sound devices (CoreAudio on macOS, WMME on Windows), kept by name.

pjsua2 addresses a device by its index in the device list, and an index
names another device once the list changes: a headset plugged in or pulled.
`NativeHeadset` keeps the agent's choice by name. `refresh()` reads the list
again (pjmedia's refresh leaves open streams alone, so it is safe during a
call), and hands pjsua a device again only where the chosen name now sits
at another index, so nothing is reopened while nothing moved.

Every method runs on the thread that polls pjsua2. The manager is
`Endpoint.audDevManager()`; tests pass an object with the same methods.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from softphone.audio.devices import AudioDevice

log = logging.getLogger(__name__)

# pjmedia's indices that stand for the system's default devices.
DEFAULT_CAPTURE = -1  # PJMEDIA_AUD_DEFAULT_CAPTURE_DEV
DEFAULT_PLAYBACK = -2  # PJMEDIA_AUD_DEFAULT_PLAYBACK_DEV

Present = Callable[[str, bool], bool]
"""Whether a device of that name is plugged in: (name, output?) -> bool."""


def list_devices(manager: Any) -> tuple[AudioDevice, ...]:
    """The build's devices in index order, as the agent picks them."""
    return tuple(
        AudioDevice(
            str(info.name),
            str(info.driver),
            int(info.inputCount),
            int(info.outputCount),
            float(info.defaultSamplesPerSec),
        )
        for info in manager.enumDev2()
    )


class NativeHeadset:
    """The microphone and earphones pjsua2 uses, held by name through changes of the list."""

    def __init__(self, manager: Any) -> None:
        self._manager = manager
        self.devices = list_devices(manager)
        self.capture = ""  # the names in use now ("" for the system default)
        self.playback = ""
        # The indices pjsua holds; None where that index may now name another device.
        self._given: tuple[int | None, int | None] = (DEFAULT_CAPTURE, DEFAULT_PLAYBACK)

    def index(self, name: str, output: bool) -> int | None:
        """The index of the device called `name` that can play (or record); None if absent."""
        for number, device in enumerate(self.devices):
            if device.name == name and (device.outputs if output else device.inputs) > 0:
                return number
        return None

    def present(self, name: str, output: bool) -> bool:
        """Whether `name` is plugged in ("", the default, always is)."""
        return not name or self.index(name, output) is not None

    def use(self, capture: str, playback: str, *, reopen: bool = False) -> list[str]:
        """Put pjsua on these devices ("" for the default). Names not plugged in give way to
        the default, and are returned; pjsua is told only of an index that changed, unless
        `reopen` (after a device error: pjsua opens the devices again)."""
        missing: list[str] = []
        chosen: list[str] = []
        indices: list[int] = []
        for name, output, default in (
            (capture, False, DEFAULT_CAPTURE),
            (playback, True, DEFAULT_PLAYBACK),
        ):
            found = self.index(name, output) if name else None
            if name and found is None:
                missing.append(name)
            chosen.append(name if found is not None else "")
            indices.append(default if found is None else found)
        if reopen or indices[0] != self._given[0]:
            self._manager.setCaptureDev(indices[0])
        if reopen or indices[1] != self._given[1]:
            self._manager.setPlaybackDev(indices[1])
        self._given = (indices[0], indices[1])
        self.capture, self.playback = chosen
        return missing

    def refresh(self) -> bool:
        """Read the device list again; True when it changed. The names in use keep their
        devices (re-given to pjsua where their index moved); a name that went away stays
        in `capture`/`playback` until `use()` is told what to do about it."""
        self._manager.refreshDevs()
        fresh = list_devices(self._manager)
        if fresh == self.devices:
            return False
        self.devices = fresh
        names = (self.capture, self.playback)
        if all_present(names, self.present):
            self.use(*names)
        else:
            self._given = (None, None)  # the next use() gives pjsua both devices again
        return True


def lost_devices(current: tuple[str, str], present: Present) -> tuple[tuple[str, str], str] | None:
    """When a device in use has gone: what to keep using (the gone ones by default, "")
    and the names lost, "A / B"; None while everything in use is there."""
    there = (present(current[0], False), present(current[1], True))
    if all(there):
        return None
    keep = (current[0] if there[0] else "", current[1] if there[1] else "")
    lost = " / ".join(
        dict.fromkeys(name for name, ok in zip(current, there, strict=True) if not ok)
    )
    return keep, lost


def all_present(devices: tuple[str, str], present: Present) -> bool:
    """Whether both of (capture, playback) are plugged in."""
    return present(devices[0], False) and present(devices[1], True)
