"""The baseline for the SIP benchmarks: a bare pjsua2 script, no Callboard code.

    python tests/bench/bare_pjsua2.py REGISTRAR USER PASSWORD TARGET_URI CALLS

Registers, then calls TARGET_URI CALLS times one after another, hanging up
each call once it is confirmed. Prints `registered CODE` once registered,
then one JSON object on stdout: seconds from start to registered, each
call's INVITE-to-CONFIRMED seconds, and the resident memory once registered.
"""

from __future__ import annotations

import gc
import json
import sys
import time

START = time.perf_counter()
# Between calls: pjlib frees a closed socket's slot half a second later, and
# the peer's select() ioqueue has 64 slots; back-to-back calls exhaust them.
GAP_S = 0.2

import pjsua2 as pj  # noqa: E402


def rss_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Account(pj.Account):
    def __init__(self) -> None:
        super().__init__()
        self.code = 0

    def onRegState(self, prm: pj.OnRegStateParam) -> None:
        self.code = prm.code


class Call(pj.Call):
    def __init__(self, acc: Account) -> None:
        super().__init__(acc)
        self.state = pj.PJSIP_INV_STATE_NULL
        self.confirmed_at = 0.0

    def onCallState(self, prm: pj.OnCallStateParam) -> None:
        self.state = self.getInfo().state
        if self.state == pj.PJSIP_INV_STATE_CONFIRMED and not self.confirmed_at:
            self.confirmed_at = time.perf_counter()

    def onCallMediaState(self, prm: pj.OnCallMediaStateParam) -> None:
        # What every pjsua2 phone does: call audio to and from the sound device.
        info = self.getInfo()
        manager = pj.Endpoint.instance().audDevManager()
        for index, media in enumerate(info.media):
            if media.type == pj.PJMEDIA_TYPE_AUDIO and media.status == pj.PJSUA_CALL_MEDIA_ACTIVE:
                audio = self.getAudioMedia(index)
                audio.startTransmit(manager.getPlaybackDevMedia())
                manager.getCaptureDevMedia().startTransmit(audio)


def main() -> None:
    registrar, user, password, target, calls = sys.argv[1:6]
    ep = pj.Endpoint()
    ep.libCreate()
    cfg = pj.EpConfig()
    cfg.uaConfig.threadCnt = 0
    cfg.uaConfig.mainThreadOnly = True
    cfg.logConfig.level = 0
    cfg.logConfig.consoleLevel = 0
    ep.libInit(cfg)
    tc = pj.TransportConfig()
    tc.boundAddress = "127.0.0.1"
    ep.transportCreate(pj.PJSIP_TRANSPORT_UDP, tc)
    ep.audDevManager().setNullDev()
    ep.libStart()
    acc_cfg = pj.AccountConfig()
    host = registrar.split(":", 1)[1]
    acc_cfg.idUri = f"sip:{user}@{host.split(':')[0]}"
    acc_cfg.regConfig.registrarUri = registrar
    acc_cfg.sipConfig.proxies.append(registrar + ";lr")
    acc_cfg.sipConfig.authCreds.append(pj.AuthCredInfo("digest", "*", user, 0, password))
    acc = Account()
    acc.create(acc_cfg)
    while acc.code == 0:
        ep.libHandleEvents(10)
    registered = time.perf_counter() - START
    print(f"registered {acc.code}", flush=True)
    rss = rss_kib()
    setups = []
    for _ in range(int(calls)):
        call = Call(acc)
        started = time.perf_counter()
        call.makeCall(target, pj.CallOpParam(True))
        while not call.confirmed_at and call.state != pj.PJSIP_INV_STATE_DISCONNECTED:
            ep.libHandleEvents(10)
        setups.append(call.confirmed_at - started if call.confirmed_at else -1.0)
        call.hangup(pj.CallOpParam(True))
        while call.state != pj.PJSIP_INV_STATE_DISCONNECTED:
            ep.libHandleEvents(10)
        del call
        pause_until = time.perf_counter() + GAP_S
        while time.perf_counter() < pause_until:
            ep.libHandleEvents(10)
    acc_code = acc.code
    acc.shutdown()
    del acc
    gc.collect()
    ep.libDestroy(pj.PJSUA_DESTROY_NO_RX_MSG)
    print(
        json.dumps(
            {"registered_s": registered, "code": acc_code, "setup_s": setups, "rss_kib": rss}
        )
    )


if __name__ == "__main__":
    main()
