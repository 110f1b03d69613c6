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


def test_a_tel_uri_on_the_command_line_is_dialled_and_a_second_start_hands_it_over(
    tmp_path, kamailio, registered_peer
):
    profile = write_profile(
        tmp_path / "profile",
        {
            "sip_uri": kamailio.user_uri("1001"),
            "registrar": kamailio.registrar_uri("udp"),
            "register_expires": 60,
        },
        network={"bind_address": "127.0.0.1"},
        agent={"id": "agent-1", "state_after_login": "available"},
    )
    save_password(tmp_path, kamailio.user_uri("1001"), kamailio.users["1001"])
    callee = registered_peer("1002", auto_answer=486)  # busy: no wrap-up in between
    process = SoftphoneProcess(["--profile", str(profile), "tel:1002"], tmp_path)
    log = tmp_path / "logs" / "softphone.log"
    try:
        assert _log_has(log, " registered: 200")
        assert callee.wait_for("incoming", timeout=15)["from"].find("1001") >= 0
        assert _log_has(log, "disconnected (486")
        second = SoftphoneProcess(["--profile", str(profile), "sip:1002@127.0.0.1"], tmp_path)
        assert second.wait_exit(15) == 0  # it handed the number over and left
        assert callee.wait_for("incoming", timeout=15)["from"].find("1001") >= 0
        code = process.stop(signal.SIGTERM)
    finally:
        process.kill()
    assert code == 0, process.stderr
