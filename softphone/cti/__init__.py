"""The local automation API (CTI) for CRMs and helpdesks: HTTP and Server-Sent Events.

`CtiServer` serves the API on 127.0.0.1 for one `Phone`; the thread that
polls the SIP engine calls `CtiServer.process_pending()` each turn, and only
that thread touches the phone. Every request carries the bearer token kept
in the profile folder (`cti-token`, readable by its owner only). The routes,
bodies and events are described in `openapi.json`, served at /openapi.json.
"""

from softphone.cti.auth import PORT_FILE, TOKEN_FILE, TokenError, load_or_create_token
from softphone.cti.commands import COMMANDS, CommandError, current_state, run_command
from softphone.cti.events import EventFeed, Subscription
from softphone.cti.server import DEFAULT_PORT, LOOPBACK, ROUTES, CtiError, CtiServer

__all__ = [
    "COMMANDS",
    "DEFAULT_PORT",
    "LOOPBACK",
    "PORT_FILE",
    "ROUTES",
    "TOKEN_FILE",
    "CommandError",
    "CtiError",
    "CtiServer",
    "EventFeed",
    "Subscription",
    "TokenError",
    "current_state",
    "load_or_create_token",
    "run_command",
]
