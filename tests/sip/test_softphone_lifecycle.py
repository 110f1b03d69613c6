"""The softphone process stops cleanly: exit status 0, calls hung up, account unregistered."""

import signal
import subprocess
import sys

import pytest

from tests.rig.softphone_process import (
    ROOT,
    SoftphoneProcess,
    save_password,
    softphone_environment,
    write_profile,
)


def _profile(tmp_path, kamailio, user="1001", transport="udp", auto_answer=None):
    account = {
        "sip_uri": kamailio.user_uri(user),
        "registrar": kamailio.registrar_uri(transport),
        "transport": transport,
        "register_expires": 60,
    }
    return write_profile(
        tmp_path / "profile",
        account,
        network={"bind_address": "127.0.0.1"},
        calls={"auto_answer_seconds": auto_answer},
    )


@pytest.fixture
def softphones(tmp_path):
    started = []

    def start(*args):
        process = SoftphoneProcess(list(args), tmp_path)
        started.append(process)
        return process

    yield start
    for process in started:
        process.kill()


def _clean_exit(process, signum):
    code = process.stop(signum)
    assert code == 0, process.stderr
    assert "Assertion" not in process.stderr
    assert "pj::Error" not in process.stderr
    assert process.lines[-1] == "stopped"


@pytest.mark.parametrize(
    "signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP], ids=["SIGTERM", "Ctrl+C", "SIGHUP"]
)
def test_exits_0_with_a_call_up(tmp_path, kamailio, registered_peer, softphones, signum):
    profile = _profile(tmp_path, kamailio, auto_answer=0)
    save_password(tmp_path, kamailio.user_uri("1001"), kamailio.users["1001"])
    phone = softphones("--headless", "--profile", str(profile))
    phone.wait_line("registration registered 200")
    peer = registered_peer("1002")
    peer.send("call", uri=kamailio.user_uri("1001"))
    peer.wait_for("call_state", state="CONFIRMED")
    phone.wait_line("confirmed")
    _clean_exit(phone, signum)
    peer.wait_for("call_state", state="DISCONNECTED")
    assert any("registration unregistered" in line for line in phone.lines)


def test_exits_0_after_registration_failures(tmp_path, kamailio, softphones):
    profile = _profile(tmp_path, kamailio)
    save_password(tmp_path, kamailio.user_uri("1001"), "not-the-password")
    phone = softphones("--headless", "--profile", str(profile))
    failed = phone.wait_line("registration failed")
    assert " 401 " in failed or " 403 " in failed
    _clean_exit(phone, signal.SIGTERM)


def test_dials_the_target_given_on_the_command_line(
    tmp_path, kamailio, registered_peer, softphones
):
    peer = registered_peer("1002", auto_answer=200)
    profile = _profile(tmp_path, kamailio, transport="tcp")
    save_password(tmp_path, kamailio.user_uri("1001"), kamailio.users["1001"])
    phone = softphones("--headless", "--profile", str(profile), "tel:1002")
    phone.wait_line("confirmed")
    incoming = peer.wait_for("incoming")
    assert "1001" in incoming["from"]
    _clean_exit(phone, signal.SIGTERM)


def test_a_bad_profile_is_named_with_its_key(tmp_path, softphones):
    account = {"sip_uri": "sip:1001@pbx", "transport": "carrier-pigeon"}
    profile = write_profile(tmp_path / "bad", account)
    phone = softphones("--headless", "--profile", str(profile))
    code = phone.wait_exit()
    assert code == 2
    assert "transport" in phone.stderr
    assert "profile.json" in phone.stderr or "bad" in phone.stderr


def test_self_test_passes_and_reports_each_part(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "softphone", "--self-test", "--db", str(tmp_path / "s.db")],
        cwd=ROOT,
        env=softphone_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = result.stdout
    for part in ("python:", "sip:", "codecs: ", "audio:", "keychain:", "store:", "qt:"):
        assert part in report
    assert "schema version" in report
    assert str(tmp_path / "s.db") in report
    assert (tmp_path / "s.db").exists()
    assert "pjlib" not in report  # pjsua's banner stays off stdout


def test_self_test_fails_on_a_store_that_is_not_sqlite(tmp_path):
    bogus = tmp_path / "not-a-db.db"
    bogus.write_text("this is a text file, not a database\n" * 100)
    result = subprocess.run(
        [sys.executable, "-m", "softphone", "--self-test", "--db", str(bogus)],
        cwd=ROOT,
        env=softphone_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "[fail] store" in result.stdout
    assert bogus.read_text().startswith("this is a text file")


def test_version_names_the_parts():
    result = subprocess.run(
        [sys.executable, "-m", "softphone", "--version"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0
    assert result.stdout.startswith("softphone (Callboard) ")
    assert "pjsua2 2.15.1" in result.stdout
