"""What the SIP engine reports, as plain immutable objects.

Events are queued inside pjsua2's callbacks and handed to listeners from
`SipEngine.poll()`, outside every callback, so a listener may call the
engine (answer, dial, hang up) without re-entering pjsua2.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from softphone.sip.headers import SipHeaders


class RegistrationStatus(enum.Enum):
    """Where an account stands with its registrar."""

    UNREGISTERED = "unregistered"
    REGISTERING = "registering"
    REGISTERED = "registered"
    FAILED = "failed"


class CallState(enum.Enum):
    """The life of one call, as the agent sees it."""

    CALLING = "calling"
    INCOMING = "incoming"
    EARLY = "early"
    CONNECTING = "connecting"
    CONFIRMED = "confirmed"
    DISCONNECTED = "disconnected"


class CallDirection(enum.Enum):
    """Who placed the call."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"


@dataclass(frozen=True)
class RegistrationChanged:
    """An account's registration changed. `retry_in` is set while a retry is scheduled."""

    account_id: int
    status: RegistrationStatus
    code: int
    reason: str
    expires: int = 0
    retry_in: float | None = None

    @property
    def message(self) -> str:
        """One line for the status bar."""
        if self.status is RegistrationStatus.REGISTERED:
            return f"Registered ({self.code} {self.reason})"
        if self.status is RegistrationStatus.REGISTERING:
            return "Registering…"
        if self.status is RegistrationStatus.UNREGISTERED:
            return "Not registered"
        text = f"Registration failed: {self.code} {self.reason}".rstrip()
        if self.retry_in is not None:
            text += f"; retrying in {self.retry_in:.0f} s"
        return text


@dataclass(frozen=True)
class IncomingCall:
    """A call is ringing. `headers` are the INVITE's, for the caller context."""

    call_id: int
    account_id: int
    remote_uri: str
    sip_call_id: str
    headers: SipHeaders = field(default_factory=SipHeaders)
    source_address: str = ""


@dataclass(frozen=True)
class CallStateChanged:
    """A call moved to `state`. Durations are in seconds; `talk_seconds` from answer."""

    call_id: int
    state: CallState
    direction: CallDirection
    remote_uri: str
    code: int
    reason: str
    duration_seconds: float
    talk_seconds: float
    sip_call_id: str = ""


@dataclass(frozen=True)
class CallMediaChanged:
    """A call's media changed: held by us, held by the other side, muted."""

    call_id: int
    active: bool
    local_hold: bool
    remote_hold: bool
    muted: bool


@dataclass(frozen=True)
class DtmfReceived:
    """The other side sent a DTMF digit."""

    call_id: int
    digit: str


@dataclass(frozen=True)
class TransferProgress:
    """How a transfer of `call_id` is going, from the NOTIFY sipfrag (RFC 3515).

    `code` is the status the target answered the transferred call with:
    100 trying, 180 ringing, 200 accepted, 4xx-6xx failed. `final` is set on
    the last report; after a final 2xx the engine hangs up its own leg.
    """

    call_id: int
    target: str
    code: int
    reason: str
    final: bool

    @property
    def succeeded(self) -> bool:
        """The target accepted the call."""
        return self.final and 200 <= self.code < 300

    @property
    def failed(self) -> bool:
        """The transfer is over and the caller is still ours."""
        return self.final and not 200 <= self.code < 300


@dataclass(frozen=True)
class TransferRequested:
    """The other side (a PBX, a colleague) asked us to call `target` instead (a REFER).

    The engine accepts it and places `new_call_id` to the target; the old
    call ends when the transferor hangs it up.
    """

    call_id: int
    target: str
    new_call_id: int


@dataclass(frozen=True)
class CallReplaced:
    """An attended transfer handed us a new call (INVITE with Replaces) in place of `call_id`."""

    call_id: int
    new_call_id: int
    remote_uri: str


@dataclass(frozen=True)
class AudioDevicesChanged:
    """The headset devices changed: the agent switched, or a device went away (`reason`).

    `lost` names the devices that went away ("" when the agent switched);
    `capture` and `playback` are what the headset uses now ("": the default).
    """

    capture: str
    playback: str
    reason: str
    lost: str = ""


@dataclass(frozen=True)
class AudioDeviceReturned:
    """A device the headset fell back from is there again: offer to switch back to these."""

    capture: str
    playback: str


@dataclass(frozen=True)
class AudioDeviceListChanged:
    """The system's sound devices changed (a headset plugged in or pulled)."""


# A microphone whose loudest sample in the recording stays below this share of
# full scale (-40 dBFS) is taken as silent: unplugged, muted, or the wrong device.
SILENT_MICROPHONE = 0.01


@dataclass(frozen=True)
class HeadsetTestProgress:
    """How the "test my headset" action is going.

    `phase` is one of "tone", "recording", "playing_back", then one of
    "done", "failed", "cancelled"; `detail` says more in plain words: for
    "failed" and "cancelled", just the reason ("a call started").
    `mic_level` is the microphone's peak during the recording, from 0 to 1
    (full scale), once it is known.
    """

    phase: str
    detail: str
    mic_level: float | None = None

    @property
    def finished(self) -> bool:
        """The test is over (done, failed or cancelled)."""
        return self.phase in ("done", "failed", "cancelled")

    @property
    def microphone_silent(self) -> bool:
        """The recording held nothing: the agent should check the microphone."""
        return self.mic_level is not None and self.mic_level < SILENT_MICROPHONE


EngineEvent = (
    RegistrationChanged
    | IncomingCall
    | CallStateChanged
    | CallMediaChanged
    | DtmfReceived
    | TransferProgress
    | TransferRequested
    | CallReplaced
    | AudioDevicesChanged
    | AudioDeviceReturned
    | AudioDeviceListChanged
    | HeadsetTestProgress
)
