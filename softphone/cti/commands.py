"""The API's commands and its view of the current state, run against `Phone`.

Everything here runs on the thread that polls the SIP engine (the server
hands it over through `CtiServer.process_pending()`), so it may call the
phone directly. A command gets the request's JSON object and returns a JSON
object; it refuses with `CommandError`, whose status and words the client
sees.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from softphone.agent import (
    UNCHANGED,
    AgentError,
    AgentState,
    IllegalTransition,
    UnknownChoice,
    WrapUpIncomplete,
)
from softphone.cti.events import context_json, registration_json, wrap_up_json
from softphone.phone import Phone
from softphone.sip import CallState, EngineError, InvalidTarget

Body = Mapping[str, Any]
Result = dict[str, Any]
Command = Callable[[Phone, Body], Result]

_DTMF = re.compile(r"^[0-9*#A-Da-d]{1,64}$")
_RINGING_STATES = (CallState.INCOMING, CallState.EARLY)
MAX_TEXT = 4000  # a dial target, a transfer target; notes have their own limit
MAX_NOTES = 20000


class CommandError(Exception):
    """A refused request: the HTTP status, a short error code and words for the developer."""

    def __init__(
        self, status: int, error: str, detail: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.error = error
        self.detail = detail
        self.headers = headers or {}


def invalid(detail: str) -> CommandError:
    """A request whose fields are missing or of the wrong kind (400)."""
    return CommandError(400, "invalid_argument", detail)


def conflict(detail: str) -> CommandError:
    """A command that does not fit the phone's state (409)."""
    return CommandError(409, "not_possible_now", detail)


# -- reading the body -------------------------------------------------------------------


def _only(body: Body, *allowed: str) -> None:
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        offered = ", ".join(allowed) or "none"
        raise invalid(f"unknown field(s) {', '.join(unknown)}; this command takes: {offered}")


def _text(body: Body, key: str, *, required: bool = True, limit: int = MAX_TEXT) -> str | None:
    value = body.get(key)
    if value is None:
        if required:
            raise invalid(f"'{key}' is required")
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise invalid(f"'{key}' must be a non-empty string")
    if len(value) > limit:
        raise invalid(f"'{key}' is longer than {limit} characters")
    return value


def _flag(body: Body, key: str, default: bool | None = None) -> bool | None:
    value = body.get(key, default)
    if value is not None and not isinstance(value, bool):
        raise invalid(f"'{key}' must be true or false")
    return value


def _call_id(phone: Phone, body: Body, *, what: str) -> int:
    """The call a command is about: `call_id` from the body, else the agent's current call."""
    value = body.get("call_id")
    if value is None:
        current = phone.current_call_id()
        if current is None:
            raise conflict(f"There is no call to {what}.")
        return current
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid("'call_id' must be an integer (a call_id from the events or the state)")
    if value not in phone.engine.call_ids():
        raise conflict(f"Call {value} is not up: there is no such call to {what}.")
    return value


# -- the commands -----------------------------------------------------------------------


def dial(phone: Phone, body: Body) -> Result:
    """Call a number or SIP URI (click-to-dial)."""
    _only(body, "target")
    target = _text(body, "target") or ""
    return {"call_id": phone.dial(target.strip())}


def answer(phone: Phone, body: Body) -> Result:
    """Answer the ringing call."""
    _only(body, "call_id")
    call_id = _ringing_call(phone, body, "answer")
    phone.answer(call_id)
    return {"call_id": call_id}


def reject(phone: Phone, body: Body) -> Result:
    """Refuse the ringing call with a final status (486 Busy Here unless `code` says)."""
    _only(body, "call_id", "code")
    code = body.get("code", 486)
    if isinstance(code, bool) or not isinstance(code, int) or not 400 <= code <= 699:
        raise invalid("'code' must be a SIP final status from 400 to 699, such as 486 or 603")
    call_id = _ringing_call(phone, body, "reject")
    phone.reject(call_id, code)
    return {"call_id": call_id, "code": code}


def _ringing_call(phone: Phone, body: Body, what: str) -> int:
    if body.get("call_id") is None and phone.session.state is not AgentState.RINGING:
        raise conflict(
            f"There is no call ringing to {what}: the agent is {phone.session.state.label}."
        )
    call_id = _call_id(phone, body, what=what)
    if phone.engine.call_state(call_id) not in _RINGING_STATES:
        raise conflict(
            f"Call {call_id} is not ringing: it is {phone.engine.call_state(call_id).value}."
        )
    return call_id


def hangup(phone: Phone, body: Body) -> Result:
    """End a call (the current one unless `call_id` says)."""
    _only(body, "call_id")
    call_id = _call_id(phone, body, what="hang up")
    phone.hangup(call_id)
    return {"call_id": call_id}


def hold(phone: Phone, body: Body) -> Result:
    """Put the caller on hold."""
    _only(body, "call_id")
    call_id = _connected_call(phone, body, "hold")
    phone.hold(call_id)
    return {"call_id": call_id}


def resume(phone: Phone, body: Body) -> Result:
    """Take the caller off hold."""
    _only(body, "call_id")
    call_id = _connected_call(phone, body, "resume")
    phone.resume(call_id)
    return {"call_id": call_id}


def mute(phone: Phone, body: Body) -> Result:
    """Stop (`on`: true) or restart (`on`: false) sending the microphone."""
    _only(body, "call_id", "on")
    muted = _flag(body, "on", True)
    call_id = _connected_call(phone, body, "mute")
    phone.mute(call_id, bool(muted))
    return {"call_id": call_id, "muted": bool(muted)}


def dtmf(phone: Phone, body: Body) -> Result:
    """Send DTMF digits (0-9, *, #, A-D) to the other side."""
    _only(body, "call_id", "digits")
    digits = _text(body, "digits") or ""
    if not _DTMF.match(digits):
        raise invalid("'digits' may hold only 0-9, *, # and A-D (1 to 64 of them)")
    call_id = _connected_call(phone, body, "send DTMF on")
    phone.send_dtmf(call_id, digits)
    return {"call_id": call_id, "digits": digits}


def _connected_call(phone: Phone, body: Body, what: str) -> int:
    call_id = _call_id(phone, body, what=what)
    state = phone.engine.call_state(call_id)
    if state is not CallState.CONFIRMED:
        raise conflict(f"Cannot {what} call {call_id}: it is {state.value}, not connected.")
    return call_id


def transfer(phone: Phone, body: Body) -> Result:
    """Blind transfer (`mode` blind), or start an attended one by calling the target (consult)."""
    _only(body, "call_id", "target", "mode")
    target = (_text(body, "target") or "").strip()
    mode = body.get("mode", "blind")
    if mode not in ("blind", "consult"):
        raise invalid("'mode' must be 'blind' or 'consult'")
    call_id = _connected_call(phone, body, "transfer")
    if mode == "blind":
        phone.blind_transfer(call_id, target)
        return {"call_id": call_id, "mode": mode}
    return {"call_id": call_id, "mode": mode, "consult_call_id": phone.consult(call_id, target)}


def complete_transfer(phone: Phone, body: Body) -> Result:
    """Join the held caller with the consulted party."""
    _only(body, "call_id")
    call_id = _call_id(phone, body, what="transfer")
    phone.complete_transfer(call_id)
    return {"call_id": call_id}


def cancel_consult(phone: Phone, body: Body) -> Result:
    """Hang up the consult call and go back to the caller."""
    _only(body, "call_id")
    call_id = _call_id(phone, body, what="go back to")
    phone.cancel_consult(call_id)
    return {"call_id": call_id}


def swap(phone: Phone, body: Body) -> Result:
    """Talk to the other party of an attended transfer."""
    _only(body, "call_id")
    call_id = _call_id(phone, body, what="swap")
    phone.swap(call_id)
    return {"call_id": call_id}


def agent_state(phone: Phone, body: Body) -> Result:
    """Become Available, or Not Ready with a reason code from the profile."""
    _only(body, "state", "reason")
    state = body.get("state")
    session = phone.session
    if state == "available":
        if body.get("reason") is not None:
            raise invalid("'reason' goes with not_ready only")
        session.set_available()
    elif state == "not_ready":
        reason = _text(body, "reason", limit=64) or ""
        session.set_not_ready(reason)
    else:
        raise invalid("'state' must be 'available' or 'not_ready'")
    after_state, after_reason = session.after_call
    return {
        "state": session.state.value,
        "reason": session.reason,
        "after_call": {"state": after_state.value, "reason": after_reason},
    }


def wrap_up(phone: Phone, body: Body) -> Result:
    """Fill the wrap-up (disposition, notes, resolved, follow-up), then submit or skip it."""
    _only(body, "disposition", "notes", "resolved", "follow_up_at", "submit", "skip")
    current = phone.session.wrap_up
    if current is None:
        raise conflict(f"There is no wrap-up to fill: the agent is {phone.session.state.label}.")
    submit, skip = _flag(body, "submit", False), _flag(body, "skip", False)
    if submit and skip:
        raise invalid("'submit' and 'skip' cannot both be true")
    changes: dict[str, Any] = {}
    if "disposition" in body:
        changes["disposition"] = _text(body, "disposition", required=False, limit=64)
    if "notes" in body:
        changes["notes"] = _text(body, "notes", required=False, limit=MAX_NOTES) or ""
    if "resolved" in body:
        changes["resolved"] = _flag(body, "resolved")
    if "follow_up_at" in body:
        changes["follow_up"] = _epoch(body.get("follow_up_at"))
    try:
        current.update(
            disposition=changes.get("disposition", UNCHANGED),
            notes=changes.get("notes", UNCHANGED),
            resolved=changes.get("resolved", UNCHANGED),
            follow_up=changes.get("follow_up", UNCHANGED),
        )
    except ValueError as exc:
        raise invalid(str(exc)) from None
    result: Result = {"wrap_up": wrap_up_json(current)}
    if submit or skip:
        final = current.submit() if submit else current.skip()
        result["outcome"] = final.outcome
        result["agent_state"] = phone.session.state.value
    return result


def _epoch(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise invalid("'follow_up_at' must be UTC epoch seconds, or null for none")
    return float(value)


COMMANDS: dict[str, Command] = {
    "dial": dial,
    "answer": answer,
    "reject": reject,
    "hangup": hangup,
    "hold": hold,
    "resume": resume,
    "mute": mute,
    "dtmf": dtmf,
    "transfer": transfer,
    "complete_transfer": complete_transfer,
    "cancel_consult": cancel_consult,
    "swap": swap,
    "agent_state": agent_state,
    "wrap_up": wrap_up,
}


def run_command(phone: Phone, name: str, body: Body) -> Result:
    """Run one command; the phone's refusals become `CommandError` with the phone's words."""
    command = COMMANDS.get(name)
    if command is None:
        raise CommandError(
            404, "unknown_command", f"No command '{name}'. Commands: {', '.join(sorted(COMMANDS))}."
        )
    try:
        return command(phone, body)
    except UnknownChoice as exc:
        raise invalid(str(exc)) from None
    except InvalidTarget as exc:
        raise invalid(str(exc)) from None
    except (IllegalTransition, WrapUpIncomplete, AgentError) as exc:
        raise conflict(str(exc)) from None
    except EngineError as exc:
        raise conflict(f"The SIP engine refused: {exc}") from None


# -- the state --------------------------------------------------------------------------


def current_state(phone: Phone) -> Result:
    """Registration, agent state, calls up, transfers under way and the wrap-up, as JSON."""
    session = phone.session
    after_state, after_reason = session.after_call
    registration = None
    if phone.account_id is not None and phone.engine.running:
        try:
            registration = registration_json(phone.engine.registration(phone.account_id))
        except EngineError:
            registration = None
    current = phone.current_call_id()
    calls = []
    for call_id in phone.engine.call_ids() if phone.engine.running else []:
        queue_name, context = phone.call_details(call_id)
        calls.append(
            {
                "call_id": call_id,
                "sip_call_id": phone.engine.sip_call_id(call_id),
                "state": phone.engine.call_state(call_id).value,
                "remote_uri": phone.engine.remote_uri(call_id),
                "queue": queue_name,
                "context": context_json(context),
                "current": call_id == current,
            }
        )
    transfers = [
        {
            "call_id": call_id,
            "kind": transfer.kind,
            "target": transfer.label,
            "consult_call_id": transfer.consult_call_id,
        }
        for call_id, transfer in phone.transfers.items()
    ]
    wrap = session.wrap_up
    return {
        "agent": {
            "id": session.agent_id,
            "state": session.state.value,
            "reason": session.reason,
            "sip_call_id": session.call_id,
            "after_call": {"state": after_state.value, "reason": after_reason},
        },
        "registration": registration,
        "current_call_id": current,
        "calls": calls,
        "transfers": transfers,
        "wrap_up": wrap_up_json(wrap) if wrap is not None else None,
        "dispositions": [{"code": c.code, "label": c.label} for c in phone.profile.dispositions],
        "not_ready_reasons": [
            {"code": c.code, "label": c.label} for c in phone.profile.not_ready_reasons
        ],
        "transfer_targets": [t.name for t in phone.profile.transfer_targets],
    }
