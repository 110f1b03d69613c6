"""Settings of the SIP engine and of one SIP account, validated on creation."""

from __future__ import annotations

from dataclasses import dataclass

from softphone.sip.uri import InvalidTarget, domain_of, normalize_target

TRANSPORTS = ("udp", "tcp", "tls")
SRTP_MODES = ("off", "optional", "mandatory")
AUDIO_BACKENDS = ("auto", "native", "portaudio", "none")
MAX_VOLUME = 2.0  # the loudest a headset volume goes: twice what the device gives


class SettingsError(ValueError):
    """A setting is invalid: `field` names it, the message says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.reason = message


@dataclass(frozen=True)
class AccountSettings:
    """One SIP account. The password is not here: it lives in the keychain."""

    sip_uri: str
    registrar: str = ""
    user: str = ""
    transport: str = "udp"
    srtp: str = "off"
    tls_verify: bool = True
    tls_ca_file: str = ""
    register_expires: int = 300
    keepalive_seconds: int = 15
    display_name: str = ""

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise SettingsError naming the first invalid field."""
        if self.transport not in TRANSPORTS:
            raise SettingsError(
                "transport", f"unknown transport '{self.transport}' (use udp, tcp or tls)"
            )
        if self.srtp not in SRTP_MODES:
            raise SettingsError(
                "srtp", f"unknown SRTP mode '{self.srtp}' (use off, optional or mandatory)"
            )
        uri = self.sip_uri.strip()
        if not uri.lower().startswith(("sip:", "sips:")) or "@" not in uri:
            raise SettingsError("sip_uri", f"'{uri}' is not a SIP address like sip:1001@pbx")
        try:
            normalize_target(uri, "")
        except InvalidTarget as exc:
            raise SettingsError("sip_uri", str(exc)) from exc
        if self.registrar:
            reg = self.registrar.strip()
            if not reg.lower().startswith(("sip:", "sips:")):
                raise SettingsError("registrar", f"'{reg}' is not a SIP URI like sip:pbx:5060")
            try:
                normalize_target(reg, "")
            except InvalidTarget as exc:
                raise SettingsError("registrar", str(exc)) from exc
        if not 1 <= self.register_expires <= 86400:
            raise SettingsError("register_expires", "must be from 1 to 86400 seconds")
        if not 0 <= self.keepalive_seconds <= 3600:
            raise SettingsError("keepalive_seconds", "must be from 0 (off) to 3600 seconds")

    @property
    def domain(self) -> str:
        """The domain numbers are dialled in: the SIP address's host."""
        return domain_of(self.sip_uri)

    @property
    def auth_user(self) -> str:
        """The digest user name: `user`, or the SIP address's user part."""
        if self.user:
            return self.user
        rest = self.sip_uri.split(":", 1)[1]
        return rest.split("@", 1)[0]

    def registrar_uri(self) -> str:
        """The registrar URI with the transport parameter pjsua needs."""
        base = self.registrar.strip() or f"sip:{self.domain}"
        if self.transport != "udp" and "transport=" not in base.lower():
            base += f";transport={self.transport}"
        return base


@dataclass(frozen=True)
class EngineSettings:
    """Settings of the endpoint: one per process."""

    user_agent: str = "Callboard Softphone"
    bind_address: str = ""
    sip_port: int = 0
    # The pjsua2 wheel is built for at most 4 calls in one process: a 5th
    # call fails however high uaConfig.maxCalls is set.
    max_calls: int = 4
    log_level: int = 3
    tls_ca_file: str = ""
    # "auto": the build's own devices where it has them, else the PortAudio
    # bridge, else none; "native", "portaudio" or "none" force one.
    audio: str = "auto"
    capture_device: str = ""
    playback_device: str = ""
    # Take what the microphone hears of the earphones out of what the caller
    # hears: pjsua2's canceller on native devices, the sound server's
    # (PulseAudio/PipeWire) on the PortAudio bridge.
    echo_cancellation: bool = False
    # The headset's volumes: 1.0 as the device gives it, 0 silent, up to 2.0.
    microphone_volume: float = 1.0
    earphone_volume: float = 1.0
    clock_rate: int = 16000

    def __post_init__(self) -> None:
        if not 0 <= self.sip_port <= 65535:
            raise SettingsError("sip_port", "must be from 0 (any free port) to 65535")
        if not 1 <= self.max_calls <= 4:
            raise SettingsError("max_calls", "must be from 1 to 4 (the pjsua2 build's limit)")
        if self.audio not in AUDIO_BACKENDS:
            raise SettingsError(
                "audio", f"unknown audio backend '{self.audio}' (use {', '.join(AUDIO_BACKENDS)})"
            )
        for name in ("microphone_volume", "earphone_volume"):
            if not 0.0 <= getattr(self, name) <= MAX_VOLUME:
                raise SettingsError(name, f"must be from 0.0 (silent) to {MAX_VOLUME}")
        if self.clock_rate not in (8000, 16000, 32000, 48000):
            raise SettingsError("clock_rate", "must be 8000, 16000, 32000 or 48000 Hz")
