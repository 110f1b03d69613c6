"""The agent's profile: a folder holding `profile.json`.

Every setting is declared once below, in `_SETTINGS`, with its default and
its check. Loading reads the file, refuses unknown keys (a typo should not be
silently ignored), checks each value and raises `ProfileError` naming the
file and the key. A profile never holds a password: those live in the
system keychain (`softphone.credentials`), and a profile that tries to hold
one is refused.

    {
      "agent": {"id": "1001", "name": "Ada Lovelace", "state_after_login": "not_ready"},
      "account": {"sip_uri": "sip:1001@pbx.example", "transport": "tls", "srtp": "optional"},
      "wrap_up": {"mode": "time_boxed", "time_box_seconds": 45},
      "calls": {"auto_answer_seconds": 2, "caller_context_headers": ["X-IVR-*", "X-Queue"]},
      "dispositions": [{"code": "sale", "label": "Sale"}],
      "not_ready_reasons": [{"code": "lunch", "label": "Lunch"}],
      "transfer_targets": [{"name": "Billing menu", "uri": "sip:ivr-billing@pbx.example"}],
      "network": {"bind_address": "", "sip_port": 5070},
      "audio": {"ringer_device": "Speakers", "earphone_volume": 120},
      "ui": {"language": "zh_TW"},
      "shortcuts": {"answer": "Ctrl+Shift+A", "transfer": "F8"},
      "cti": {"enabled": true, "port": 7130}
    }

Dispositions and Not Ready reasons default to `resources/dispositions.json`
and `resources/not_ready_reasons.json`; a profile's list replaces them.
"""

from __future__ import annotations

import getpass
import ipaddress
import json
import math
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROFILE_FILE = "profile.json"
WRAP_UP_MODES = ("optional", "mandatory", "time_boxed")
STATES_AFTER_LOGIN = ("not_ready", "available")
TRANSPORTS = ("udp", "tcp", "tls")
SRTP_MODES = ("off", "optional", "mandatory")
DEFAULT_CONTEXT_HEADERS = (
    "X-IVR-*",
    "X-Customer-*",
    "X-Queue",
    "Call-Info",
    "User-to-User",
    "Referred-By",  # who transferred the call here, when it came by a transfer
)
CTI_ADDRESS = "127.0.0.1"  # the only address the automation API may listen on
LANGUAGES = ("system", "en", "zh_TW")  # "system": the system locale's, English otherwise
# The call actions that take a keyboard shortcut, and their default keys (Qt's
# portable key-sequence text: "Ctrl" is Command on macOS).
DEFAULT_SHORTCUTS = {
    "answer": "Ctrl+Shift+A",
    "hang_up": "Ctrl+Shift+E",
    "hold": "Ctrl+Shift+H",
    "mute": "Ctrl+Shift+M",
    "transfer": "Ctrl+Shift+T",
}

_SECRET_WORDS = ("password", "passwd", "secret")
_CODE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
_HEADER_PATTERN = re.compile(r"^[A-Za-z0-9!#$%&'+.^_`|~-]+\*?$")
# One key with optional modifiers, as Qt writes it: "Ctrl+Shift+A", "F8", "Alt+Return".
_KEY_SEQUENCE = re.compile(r"^((Ctrl|Shift|Alt|Meta|Num)\+)*([A-Za-z0-9]+|[^+\s])$")


class ProfileError(ValueError):
    """The profile is unusable: the message names the file and the key."""

    def __init__(self, file: Path | str, key: str, message: str) -> None:
        where = f"{file}: {key}: " if key else f"{file}: "
        super().__init__(where + message)
        self.file = Path(file)
        self.key = key
        self.reason = message


class _Invalid(ValueError):
    """A value failed its check; `subkey` narrows the key (an item of a list)."""

    def __init__(self, message: str, subkey: str = "") -> None:
        super().__init__(message)
        self.subkey = subkey


@dataclass(frozen=True)
class Choice:
    """A disposition code or a Not Ready reason: the stored code and the label shown."""

    code: str
    label: str


@dataclass(frozen=True)
class TransferTarget:
    """A named place to transfer callers to: an agent group, an IVR menu."""

    name: str
    uri: str


@dataclass(frozen=True)
class AccountProfile:
    """The SIP account, named as `softphone.sip.AccountSettings` takes it. No password."""

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


@dataclass(frozen=True)
class Profile:
    """Everything the softphone reads from the agent's profile, validated."""

    agent_id: str
    agent_name: str = ""
    state_after_login: str = "not_ready"
    account: AccountProfile | None = None
    wrap_up_mode: str = "optional"
    wrap_up_seconds: int = 60  # the time box, used in time_boxed mode
    auto_answer_seconds: float | None = None  # None: the agent answers by hand
    caller_context_headers: tuple[str, ...] = DEFAULT_CONTEXT_HEADERS
    dispositions: tuple[Choice, ...] = ()
    not_ready_reasons: tuple[Choice, ...] = ()
    transfer_targets: tuple[TransferTarget, ...] = ()
    bind_address: str = ""  # the local IP address SIP binds to; "" for all
    sip_port: int = 0  # the local SIP port; 0 for any free one
    ringer_device: str = ""  # the output device that rings, by name; "" for the default
    capture_device: str = ""  # the headset's microphone, by name; "" for the default
    playback_device: str = ""  # the headset's earphones, by name; "" for the default
    echo_cancellation: bool = True  # take the earphones' leak out of the microphone
    microphone_volume: int = 100  # per cent of what the microphone gives, 0 to 200
    earphone_volume: int = 100  # per cent of what the earphones are given, 0 to 200
    language: str = "system"  # one of LANGUAGES
    shortcut_answer: str = DEFAULT_SHORTCUTS["answer"]
    shortcut_hang_up: str = DEFAULT_SHORTCUTS["hang_up"]
    shortcut_hold: str = DEFAULT_SHORTCUTS["hold"]
    shortcut_mute: str = DEFAULT_SHORTCUTS["mute"]
    shortcut_transfer: str = DEFAULT_SHORTCUTS["transfer"]
    # The local automation API (softphone.cti): None means on when headless, off in the window.
    cti_enabled: bool | None = None
    cti_address: str = CTI_ADDRESS  # loopback only: the API is for programs on this computer
    cti_port: int = 7130  # 0 for any free port (written to cti-port in the profile folder)
    folder: Path | None = None

    @property
    def shortcuts(self) -> dict[str, str]:
        """The key of each call action (see DEFAULT_SHORTCUTS); "" for none."""
        return {action: getattr(self, f"shortcut_{action}") for action in DEFAULT_SHORTCUTS}

    def disposition(self, code: str) -> Choice | None:
        """The disposition with `code`, or None if the profile has none."""
        return next((choice for choice in self.dispositions if choice.code == code), None)

    def not_ready_reason(self, code: str) -> Choice | None:
        """The Not Ready reason with `code`, or None if the profile has none."""
        return next((choice for choice in self.not_ready_reasons if choice.code == code), None)


# --- checks: each returns the clean value or raises _Invalid -------------------------------


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise _Invalid(f"expected text, got {json.dumps(value)}")
    return value.strip()


def _name(value: object) -> str:
    text = _text(value)
    if not text:
        raise _Invalid("must not be empty")
    return text


def _one_of(*choices: str) -> Callable[[object], str]:
    def check(value: object) -> str:
        if value not in choices:
            raise _Invalid(f"expected one of {', '.join(choices)}, got {json.dumps(value)}")
        return str(value)

    return check


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise _Invalid(f"expected true or false, got {json.dumps(value)}")
    return value


def _whole(low: int, high: int) -> Callable[[object], int]:
    def check(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise _Invalid(f"expected a whole number from {low} to {high}, got {json.dumps(value)}")
        return value

    return check


def _sip_uri(value: object) -> str:
    text = _name(value)
    if not text.lower().startswith(("sip:", "sips:")) or "@" not in text:
        raise _Invalid(f"'{text}' is not a SIP address like sip:1001@pbx.example")
    return text


def _optional_sip_uri(value: object) -> str:
    text = _text(value)
    if text and not text.lower().startswith(("sip:", "sips:")):
        raise _Invalid(f"'{text}' is not a SIP URI like sip:pbx.example:5060")
    return text


def _ip_address(value: object) -> str:
    text = _text(value)
    if text:
        try:
            ipaddress.ip_address(text)
        except ValueError:
            raise _Invalid(
                f"'{text}' is not an IP address like 127.0.0.1 (or empty for all)"
            ) from None
    return text


def _optional_flag(value: object) -> bool | None:
    if value is None:
        return None
    return _flag(value)


def _loopback(value: object) -> str:
    text = _text(value)
    if text != CTI_ADDRESS:
        raise _Invalid(
            f"'{text}' is refused: the automation API listens on {CTI_ADDRESS} only, "
            "so that no other computer can reach it"
        )
    return text


def _key_sequence(value: object) -> str:
    text = _text(value)
    if text and not _KEY_SEQUENCE.match(text):
        raise _Invalid(f"'{text}' is not a key like Ctrl+Shift+A or F8 (or empty for none)")
    return text


def _auto_answer(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _Invalid(f"expected seconds (0 to 60) or null for off, got {json.dumps(value)}")
    if not 0 <= value <= 60:
        raise _Invalid(f"expected seconds from 0 to 60, or null for off, got {value}")
    return float(value)


def _header_patterns(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise _Invalid("expected a list of header names, each optionally ending in *")
    patterns = []
    for index, item in enumerate(value):
        if not isinstance(item, str) or not _HEADER_PATTERN.match(item.strip()):
            raise _Invalid(
                f"{json.dumps(item)} is not a header name (like X-Queue or X-IVR-*)", f"[{index}]"
            )
        patterns.append(item.strip())
    return tuple(patterns)


def _choices(value: object) -> tuple[Choice, ...]:
    if not isinstance(value, list) or not value:
        raise _Invalid('expected a non-empty list of {"code": ..., "label": ...}')
    seen: set[str] = set()
    result = []
    for index, item in enumerate(value):
        if not isinstance(item, dict) or set(item) - {"code", "label"}:
            raise _Invalid('expected {"code": ..., "label": ...}', f"[{index}]")
        code = item.get("code")
        if not isinstance(code, str) or not _CODE.match(code):
            raise _Invalid(
                f"{json.dumps(code)} is not a code (lowercase letters, digits, _ . -)",
                f"[{index}].code",
            )
        if code in seen:
            raise _Invalid(f"'{code}' appears twice", f"[{index}].code")
        seen.add(code)
        try:
            label = _name(item.get("label", code))
        except _Invalid as exc:
            raise _Invalid(str(exc), f"[{index}].label") from None
        result.append(Choice(code, label))
    return tuple(result)


def _transfer_targets(value: object) -> tuple[TransferTarget, ...]:
    if not isinstance(value, list):
        raise _Invalid('expected a list of {"name": ..., "uri": ...}')
    result = []
    for index, item in enumerate(value):
        if not isinstance(item, dict) or set(item) != {"name", "uri"}:
            raise _Invalid('expected {"name": ..., "uri": ...}', f"[{index}]")
        for key, check in (("name", _name), ("uri", _dial_target)):
            try:
                check(item[key])
            except _Invalid as exc:
                raise _Invalid(str(exc), f"[{index}].{key}") from None
        result.append(TransferTarget(_name(item["name"]), _dial_target(item["uri"])))
    return tuple(result)


_EXTENSION = re.compile(r"^\+?[0-9*#]{1,32}$")


def _dial_target(value: object) -> str:
    """An extension in the agent's domain (such as 8100), or a full SIP URI."""
    if isinstance(value, str) and _EXTENSION.match(value.strip()):
        return value.strip()
    return _sip_uri(value)


def default_transfer_targets() -> tuple[TransferTarget, ...]:
    """The default named transfer targets (IVR menus) from `resources/`."""
    file = resources_dir() / "transfer_targets.json"
    try:
        return _transfer_targets(json.loads(file.read_text(encoding="utf-8"))["transfer_targets"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        key = getattr(exc, "subkey", "")
        raise ProfileError(file, f"transfer_targets{key}", f"default list unusable: {exc}") from exc


# --- the settings, declared once ------------------------------------------------------------

_REQUIRED = object()  # no default: the key must be in the file


@dataclass(frozen=True)
class _Setting:
    key: str  # where it lives in profile.json, dotted
    field: str  # the Profile or AccountProfile field it fills
    default: object
    check: Callable[[object], object]


_SETTINGS = (
    _Setting("agent.id", "agent_id", None, _name),  # None: the system login name
    _Setting("agent.name", "agent_name", "", _text),
    _Setting(
        "agent.state_after_login", "state_after_login", "not_ready", _one_of(*STATES_AFTER_LOGIN)
    ),
    _Setting("wrap_up.mode", "wrap_up_mode", "optional", _one_of(*WRAP_UP_MODES)),
    _Setting("wrap_up.time_box_seconds", "wrap_up_seconds", 60, _whole(5, 3600)),
    _Setting("calls.auto_answer_seconds", "auto_answer_seconds", None, _auto_answer),
    _Setting(
        "calls.caller_context_headers",
        "caller_context_headers",
        list(DEFAULT_CONTEXT_HEADERS),
        _header_patterns,
    ),
    _Setting("dispositions", "dispositions", None, _choices),  # None: resources/ defaults
    _Setting("not_ready_reasons", "not_ready_reasons", None, _choices),
    _Setting("transfer_targets", "transfer_targets", None, _transfer_targets),  # None: defaults
    _Setting("network.bind_address", "bind_address", "", _ip_address),
    _Setting("network.sip_port", "sip_port", 0, _whole(0, 65535)),
    _Setting("audio.ringer_device", "ringer_device", "", _text),
    _Setting("audio.capture_device", "capture_device", "", _text),
    _Setting("audio.playback_device", "playback_device", "", _text),
    _Setting("audio.echo_cancellation", "echo_cancellation", True, _flag),
    _Setting("audio.microphone_volume", "microphone_volume", 100, _whole(0, 200)),
    _Setting("audio.earphone_volume", "earphone_volume", 100, _whole(0, 200)),
    _Setting("ui.language", "language", "system", _one_of(*LANGUAGES)),
    *(
        _Setting(f"shortcuts.{action}", f"shortcut_{action}", key, _key_sequence)
        for action, key in DEFAULT_SHORTCUTS.items()
    ),
    _Setting("cti.enabled", "cti_enabled", None, _optional_flag),  # None: on when headless
    _Setting("cti.address", "cti_address", CTI_ADDRESS, _loopback),
    _Setting("cti.port", "cti_port", 7130, _whole(0, 65535)),
)

_ACCOUNT_SETTINGS = (
    _Setting("account.sip_uri", "sip_uri", _REQUIRED, _sip_uri),
    _Setting("account.registrar", "registrar", "", _optional_sip_uri),
    _Setting("account.user", "user", "", _text),
    _Setting("account.transport", "transport", "udp", _one_of(*TRANSPORTS)),
    _Setting("account.srtp", "srtp", "off", _one_of(*SRTP_MODES)),
    _Setting("account.tls_verify", "tls_verify", True, _flag),
    _Setting("account.tls_ca_file", "tls_ca_file", "", _text),
    _Setting("account.register_expires", "register_expires", 300, _whole(1, 86400)),
    _Setting("account.keepalive_seconds", "keepalive_seconds", 15, _whole(0, 3600)),
    _Setting("account.display_name", "display_name", "", _text),
)


def resources_dir() -> Path:
    """The `resources/` folder: beside the packages, or inside a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    base = Path(bundle) if bundle else Path(__file__).resolve().parents[1]
    return base / "resources"


def default_choices(kind: str) -> tuple[Choice, ...]:
    """The default `dispositions` or `not_ready_reasons` from `resources/`."""
    file = resources_dir() / f"{kind}.json"
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        return _choices(data[kind])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        key = getattr(exc, "subkey", "")
        raise ProfileError(file, f"{kind}{key}", f"default list unusable: {exc}") from exc


def default_profile(agent_id: str | None = None) -> Profile:
    """The profile used when none is given: defaults throughout, no SIP account."""
    return Profile(
        agent_id=agent_id or _login_name(),
        dispositions=default_choices("dispositions"),
        not_ready_reasons=default_choices("not_ready_reasons"),
        transfer_targets=default_transfer_targets(),
    )


def load_profile(folder: str | Path) -> Profile:
    """Read and check `folder/profile.json`; raise `ProfileError` naming the file and key."""
    folder = Path(folder).expanduser()
    file = folder / PROFILE_FILE
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProfileError(file, "", "not found: a profile folder holds a profile.json") from None
    except OSError as exc:
        raise ProfileError(file, "", f"cannot be read: {exc.strerror}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProfileError(
            file, "", f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    if not isinstance(data, dict):
        raise ProfileError(file, "", "expected a JSON object at the top")
    return _profile_from(data, file, folder)


def _profile_from(data: dict[str, Any], file: Path, folder: Path) -> Profile:
    _refuse_secrets(data, file, "")
    account_data = data.get("account")
    declared = {s.key for s in _SETTINGS} | {s.key for s in _ACCOUNT_SETTINGS}
    _refuse_unknown(data, declared, file)

    values: dict[str, Any] = {}
    for setting in _SETTINGS:
        values[setting.field] = _read(setting, data, file)
    if values["agent_id"] is None:
        values["agent_id"] = _login_name()
    for kind in ("dispositions", "not_ready_reasons"):
        if values[kind] is None:
            values[kind] = default_choices(kind)
    if values["transfer_targets"] is None:
        values["transfer_targets"] = default_transfer_targets()
    _refuse_shared_keys(values, file)
    account = None
    if account_data is not None:
        account = AccountProfile(**{s.field: _read(s, data, file) for s in _ACCOUNT_SETTINGS})
    return Profile(**values, account=account, folder=folder)


def _read(setting: _Setting, data: Mapping[str, Any], file: Path) -> Any:
    node: Any = data
    for part in setting.key.split("."):
        if not isinstance(node, dict) or part not in node:
            if setting.default is _REQUIRED:
                raise ProfileError(file, setting.key, "missing: this setting is required")
            # None: off, or a default found elsewhere (the login name, resources/).
            return None if setting.default is None else setting.check(setting.default)
        node = node[part]
    try:
        return setting.check(node)
    except _Invalid as exc:
        raise ProfileError(file, setting.key + exc.subkey, str(exc)) from None


def _refuse_shared_keys(values: Mapping[str, Any], file: Path) -> None:
    """Two call actions on one key: the second would never fire."""
    owner: dict[str, str] = {}
    for action in DEFAULT_SHORTCUTS:
        key = values[f"shortcut_{action}"]
        if not key:
            continue
        if key.lower() in owner:
            raise ProfileError(
                file, f"shortcuts.{action}", f"{key} is already the key of {owner[key.lower()]}"
            )
        owner[key.lower()] = action.replace("_", " ")


def _refuse_unknown(data: Mapping[str, Any], declared: set[str], file: Path) -> None:
    sections = {key.split(".")[0] for key in declared if "." in key}
    for key, value in data.items():
        if key in declared:
            continue
        if key not in sections:
            raise ProfileError(file, key, "unknown setting (is it misspelt?)")
        if not isinstance(value, dict):
            raise ProfileError(file, key, "expected a JSON object of settings")
        for sub in value:
            if f"{key}.{sub}" not in declared:
                raise ProfileError(file, f"{key}.{sub}", "unknown setting (is it misspelt?)")


def _refuse_secrets(node: object, file: Path, path: str) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            where = f"{path}.{key}" if path else str(key)
            if any(word in str(key).lower() for word in _SECRET_WORDS):
                raise ProfileError(
                    file,
                    where,
                    "passwords do not belong in the profile: the softphone keeps them in "
                    "the system keychain and asks for them when it needs them",
                )
            _refuse_secrets(value, file, where)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            _refuse_secrets(item, file, f"{path}[{index}]")


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in the environment or the user database
        return "agent"


# Lists whose defaults live in resources/: a profile that keeps them unchanged
# does not copy them, so later changes of the defaults reach it.
_LISTS_WITH_DEFAULTS: dict[str, Callable[[], object]] = {
    "dispositions": lambda: default_choices("dispositions"),
    "not_ready_reasons": lambda: default_choices("not_ready_reasons"),
    "transfer_targets": default_transfer_targets,
}


def save_profile(profile: Profile, folder: str | Path) -> Path:
    """Write `profile` to `folder/profile.json` (checked as `load_profile` checks it).

    Dispositions and Not Ready reasons equal to the defaults in `resources/`
    are left out, so a later change of the defaults reaches this agent. The
    file is replaced atomically; raises `ProfileError` naming the key of an
    invalid value, and then writes nothing.
    """
    folder = Path(folder).expanduser()
    file = folder / PROFILE_FILE
    data: dict[str, Any] = {}
    for setting in _SETTINGS:
        value = _plain(getattr(profile, setting.field))
        defaults = _LISTS_WITH_DEFAULTS.get(setting.field)
        unchanged = defaults is not None and getattr(profile, setting.field) == defaults()
        if defaults is not None and (value is None or unchanged):
            continue
        _put(data, setting.key, value)
    if profile.account is not None:
        for setting in _ACCOUNT_SETTINGS:
            _put(data, setting.key, _plain(getattr(profile.account, setting.field)))
    _profile_from(data, file, folder)  # the same checks as loading; raises ProfileError
    folder.mkdir(parents=True, exist_ok=True)
    partial = file.with_name(file.name + ".new")
    partial.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    partial.replace(file)
    return file


def _plain(value: object) -> object:
    """A profile value as JSON: tuples become lists, choices and targets objects."""
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if isinstance(value, Choice):
        return {"code": value.code, "label": value.label}
    if isinstance(value, TransferTarget):
        return {"name": value.name, "uri": value.uri}
    return value


def _put(data: dict[str, Any], dotted: str, value: object) -> None:
    *sections, key = dotted.split(".")
    node = data
    for section in sections:
        node = node.setdefault(section, {})
    node[key] = value
