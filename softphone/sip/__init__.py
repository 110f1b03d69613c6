"""The SIP engine: pjsua2 behind a small, Qt-free interface.

`SipEngine` owns the one pjsua2 `Endpoint` of the process, its accounts and
its calls. It is driven by `poll()` from the thread that created it, and
reports what happened as plain event objects (see `events`).
"""

from softphone.sip.engine import EngineError, SipEngine
from softphone.sip.events import (
    AudioDeviceListChanged,
    AudioDeviceReturned,
    AudioDevicesChanged,
    CallDirection,
    CallMediaChanged,
    CallReplaced,
    CallState,
    CallStateChanged,
    DtmfReceived,
    EngineEvent,
    HeadsetTestProgress,
    IncomingCall,
    RegistrationChanged,
    RegistrationStatus,
    TransferProgress,
    TransferRequested,
)
from softphone.sip.headers import SipHeaders, parse_sip_message
from softphone.sip.settings import AccountSettings, EngineSettings, SettingsError
from softphone.sip.uri import InvalidTarget, normalize_target

__all__ = [
    "AccountSettings",
    "AudioDeviceListChanged",
    "AudioDeviceReturned",
    "AudioDevicesChanged",
    "CallDirection",
    "CallMediaChanged",
    "CallReplaced",
    "CallState",
    "CallStateChanged",
    "DtmfReceived",
    "EngineError",
    "EngineEvent",
    "EngineSettings",
    "HeadsetTestProgress",
    "IncomingCall",
    "InvalidTarget",
    "RegistrationChanged",
    "RegistrationStatus",
    "SettingsError",
    "SipEngine",
    "SipHeaders",
    "TransferProgress",
    "TransferRequested",
    "normalize_target",
    "parse_sip_message",
]
