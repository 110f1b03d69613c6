"""The lab: a simulated call center (callers, IVR, queue, bot agents) for the demo and tests.

Run it as `python -m softphone.lab --db DB --queue-log PATH [--speed N]`. One
process holds one pjsua2 endpoint (the PBX's edge), a private Kamailio on
loopback (the registrar the human agent's softphone registers at), and the
call center logic (`acd`). It writes an Asterisk-format queue_log, which the
supervisor reads through its normal feed, the bot agents' facts into the
store, and its own record of what happened (`record`). No Qt here.
"""

from softphone.lab.record import CallOutcome, LabRecord, SurveyPressed, read_record, summarize
from softphone.lab.scenario import LabSettings

__all__ = [
    "CallOutcome",
    "LabRecord",
    "LabSettings",
    "SurveyPressed",
    "read_record",
    "summarize",
]
