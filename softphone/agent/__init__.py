"""The agent workflow: states, the answer to offered calls, and after-call work.

No Qt and no pjsua2 here: the SIP layer reports calls to an `AgentSession`
with plain method calls and acts on the `Decision` it returns; the window
listens for `StateChanged` and shows `session.wrap_up`.
"""

from softphone.agent.session import AgentSession, AgentStore
from softphone.agent.states import (
    BUSY_HERE,
    REASON_LOGGED_IN,
    REASON_RESUMED,
    TEMPORARILY_UNAVAILABLE,
    AgentError,
    AgentState,
    Decision,
    IllegalTransition,
    StateChanged,
    UnknownChoice,
    WrapUpIncomplete,
)
from softphone.agent.wrap_up import UNCHANGED, FactRecorder, WrapUp

__all__ = [
    "BUSY_HERE",
    "REASON_LOGGED_IN",
    "REASON_RESUMED",
    "TEMPORARILY_UNAVAILABLE",
    "UNCHANGED",
    "AgentError",
    "AgentSession",
    "AgentState",
    "AgentStore",
    "Decision",
    "FactRecorder",
    "IllegalTransition",
    "StateChanged",
    "UnknownChoice",
    "WrapUp",
    "WrapUpIncomplete",
]
