"""`softphone` with no flags opens the window, registers, and exits 0 on SIGTERM or Ctrl+C."""

from __future__ import annotations

import signal
import time

import pytest

from tests.rig.softphone_process import SoftphoneProcess, save_password, write_profile


def _log_has(path, text: str, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and text in path.read_text(encoding="utf-8", errors="replace"):
            return True
        time.sleep(0.1)  # another process is working: nothing here needs polling
    return False


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl+C"])
def test_the_window_process_registers_and_exits_0_on_a_stop_signal(tmp_path, kamailio, signum):
    profile = write_profile(
        tmp_path / "profile",
        {
            "sip_uri": kamailio.user_uri("1001"),
            "registrar": kamailio.registrar_uri("udp"),
            "register_expires": 60,
        },
        network={"bind_address": "127.0.0.1"},
    )
    save_password(tmp_path, kamailio.user_uri("1001"), kamailio.users["1001"])
    process = SoftphoneProcess(["--profile", str(profile)], tmp_path)
    log = tmp_path / "logs" / "softphone.log"
    try:
        assert _log_has(log, " registered: 200"), log.read_text() if log.exists() else "no log"
        code = process.stop(signum)
    finally:
        process.kill()
    assert code == 0, process.stderr
    assert "SIP engine stopped" in log.read_text()
    assert "Assertion" not in process.stderr
