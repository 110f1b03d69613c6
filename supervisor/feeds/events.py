"""The Asterisk queue_log events: which ones exist, and what their data fields mean.

Field layouts, as app_queue writes them (data1|data2|...):

| event | data fields |
|---|---|
| ENTERQUEUE | url, caller id, original position |
| CONNECT | holdtime (the caller's wait, s), bridged channel uniqueid, ring time (s) |
| COMPLETECALLER, COMPLETEAGENT | holdtime (wait, s), calltime (talk, s), original position |
| ABANDON | position, original position, waittime (s) |
| EXITWITHTIMEOUT | position, original position, waittime (s; newer versions only) |
| EXITWITHKEY | key, position, original position, waittime (s; newer versions only) |
| EXITEMPTY | position, original position, waittime (s) |
| TRANSFER | extension, context, holdtime (wait, s), calltime (talk, s), original position |
| BLINDTRANSFER | extension, context, holdtime (wait, s), calltime (talk, s), original position |
| ATTENDEDTRANSFER | method (BRIDGE, APP or LINK), target (LINK: two channels), holdtime, |
|  | calltime, original position |
| RINGNOANSWER, RINGCANCELED | ring time (ms) |
| PAUSE, PAUSEALL | reason |
| AGENTLOGOFF | channel, login time (s) |

"holdtime" in a queue_log is the time the caller waited in the queue, not
time on hold during the call; "calltime" is the connected time, which
includes any hold. A file line with more than five data fields (an
ATTENDEDTRANSFER of method LINK) keeps the extra ones joined to data5 with
`|`, as Asterisk does when it writes the realtime table.
"""

from __future__ import annotations

import math

ASTERISK_EVENTS = frozenset(
    {
        "ENTERQUEUE",
        "CONNECT",
        "COMPLETECALLER",
        "COMPLETEAGENT",
        "ABANDON",
        "EXITWITHTIMEOUT",
        "EXITWITHKEY",
        "EXITEMPTY",
        "RINGNOANSWER",
        "RINGCANCELED",
        "TRANSFER",
        "BLINDTRANSFER",
        "ATTENDEDTRANSFER",
        "ADDMEMBER",
        "REMOVEMEMBER",
        "PAUSE",
        "UNPAUSE",
        "PAUSEALL",
        "UNPAUSEALL",
        "AGENTLOGIN",
        "AGENTLOGOFF",
        "AGENTCALLBACKLOGIN",
        "AGENTCALLBACKLOGOFF",
        "AGENTDUMP",
        "SYSCOMPAT",
        "QUEUESTART",
        "CONFIGRELOAD",
    }
)
"""Every event app_queue writes. Anything else (DID, OUTDIAL, FULL, JOINEMPTY, an
event of the dialplan's own QueueLog()) is a vendor event: stored, left out of the metrics."""

# What ends a caller's wait in a queue: exactly one of these follows an ENTERQUEUE.
OUTCOME_EVENTS = ("CONNECT", "ABANDON", "EXITWITHTIMEOUT", "EXITWITHKEY", "EXITEMPTY")
# What ends a connected call.
CALL_END_EVENTS = (
    "COMPLETECALLER",
    "COMPLETEAGENT",
    "TRANSFER",
    "BLINDTRANSFER",
    "ATTENDEDTRANSFER",
)
TRANSFER_EVENTS = ("TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER")
# Events that tell where a queue member is: logged in, paused, on a call.
MEMBER_EVENTS = (
    "ADDMEMBER",
    "REMOVEMEMBER",
    "PAUSE",
    "UNPAUSE",
    "PAUSEALL",
    "UNPAUSEALL",
    "AGENTLOGIN",
    "AGENTLOGOFF",
    "AGENTCALLBACKLOGIN",
    "AGENTCALLBACKLOGOFF",
    "CONNECT",
    *CALL_END_EVENTS,
)
# The state each member event leaves the member in, named as the softphones name states.
MEMBER_STATE_AFTER = {
    "ADDMEMBER": "available",
    "UNPAUSE": "available",
    "UNPAUSEALL": "available",
    "AGENTLOGIN": "available",
    "AGENTCALLBACKLOGIN": "available",
    "PAUSE": "not_ready",
    "PAUSEALL": "not_ready",
    "REMOVEMEMBER": "logged_out",
    "AGENTLOGOFF": "logged_out",
    "AGENTCALLBACKLOGOFF": "logged_out",
    "CONNECT": "on_call",
    **{event: "available" for event in CALL_END_EVENTS},
}


def seconds(value: str | None) -> float | None:
    """A queue_log number of seconds, or None when missing or not a number.

    Only the first `|`-separated part counts (data5 may hold joined extras).
    """
    if value is None:
        return None
    text = value.split("|", 1)[0].strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) and number >= 0 else None


def calltime_field(event: str, data1: str | None) -> int:
    """Which data field (1 to 5) holds the calltime (talk) of a call-ending event."""
    if event in ("COMPLETECALLER", "COMPLETEAGENT"):
        return 2
    if event == "ATTENDEDTRANSFER":
        return 5 if (data1 or "").upper() == "LINK" else 4
    return 4  # TRANSFER, BLINDTRANSFER


def abandon_wait_field(event: str) -> int:
    """Which data field holds the caller's wait in a wait-ending event other than CONNECT."""
    return 4 if event == "EXITWITHKEY" else 3
