"""Take the next call, blind-transfer it and submit its wrap-up: Python's standard library only.

python -m softphone.cti.example_client PROFILE_DIR TRANSFER_TARGET
"""

import json
import sys
import urllib.request
from pathlib import Path
from typing import Any

folder = Path(sys.argv[1])  # the softphone's profile folder: it holds cti-port and cti-token
url = f"http://127.0.0.1:{(folder / 'cti-port').read_text().strip()}/v1/"
auth = {"Authorization": "Bearer " + (folder / "cti-token").read_text().strip()}


def post(command: str, **body: Any) -> Any:
    """Run one command of the API; raises urllib.error.HTTPError with the refusal."""
    data = json.dumps(body).encode()
    request = urllib.request.Request(url + "commands/" + command, data, auth)  # noqa: S310
    return json.load(urllib.request.urlopen(request))  # noqa: S310 - http://127.0.0.1 only


events = urllib.request.urlopen(urllib.request.Request(url + "events", headers=auth))  # noqa: S310
stream = (json.loads(line[6:]) for line in events if line.startswith(b"data: "))
call = next(e for e in stream if e["type"] == "incoming_call" and e["ringing"])
print("Screen pop:", {item["name"]: item["value"] for item in call["context"]}, flush=True)
post("answer", call_id=call["call_id"])
next(e for e in stream if e["type"] == "call_state" and e["state"] == "confirmed")
post("transfer", target=sys.argv[2], mode="blind")
next(e for e in stream if e["type"] == "wrap_up_started")
print(post("wrap_up", disposition="transferred", notes="Sent on", resolved=True, submit=True))
