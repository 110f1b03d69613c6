"""packaging/linux/install.sh installs for one user, without root, and uninstalls cleanly."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"

pytestmark = pytest.mark.skipif(shutil.which("sh") is None, reason="needs a POSIX shell")


@pytest.fixture
def unpacked(tmp_path: Path) -> Path:
    """An archive's layout, unpacked, with a stand-in bundle whose programs print their name."""
    stage = tmp_path / "callboard-0.0.0-linux-x86_64"
    bundle = stage / "callboard"
    (bundle / "_internal").mkdir(parents=True)
    for program in ("softphone", "supervisor"):
        exe = bundle / program
        exe.write_text(f'#!/bin/sh\necho {program} "$@"\n')
        exe.chmod(0o755)
    (stage / "share" / "applications").mkdir(parents=True)
    for desktop in LINUX.glob("*.desktop"):
        shutil.copy(desktop, stage / "share" / "applications")
    icons = stage / "share" / "icons" / "hicolor" / "48x48" / "apps"
    icons.mkdir(parents=True)
    (icons / "callboard-softphone.png").write_bytes(b"png")
    shutil.copy(LINUX / "install.sh", stage / "install.sh")
    return stage


def install(stage: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the archive's install.sh with `home` as HOME."""
    env = {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / ".local" / "share")}
    env["XDG_CONFIG_HOME"] = str(home / ".config")
    return subprocess.run(
        ["sh", str(stage / "install.sh"), *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )


def test_install_puts_programs_links_and_menu_entries_under_home(
    unpacked: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    install(unpacked, home)
    local = home / ".local"
    assert (local / "opt" / "callboard" / "softphone").is_file()
    link = local / "bin" / "callboard-softphone"
    assert link.is_symlink()
    result = subprocess.run(
        [str(link), "tel:+15551234"], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "softphone tel:+15551234"
    desktop = (local / "share" / "applications" / "callboard-softphone.desktop").read_text()
    assert f"Exec={local / 'bin'}/callboard-softphone %u" in desktop
    assert "MimeType=x-scheme-handler/sip;x-scheme-handler/tel;" in desktop
    assert (
        local / "share" / "icons" / "hicolor" / "48x48" / "apps" / "callboard-softphone.png"
    ).is_file()


def test_uninstall_removes_what_install_put_there_and_keeps_user_files(
    unpacked: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    store = home / ".local" / "share" / "Callboard" / "callboard.db"
    store.parent.mkdir(parents=True)
    store.write_bytes(b"store")
    install(unpacked, home)
    install(unpacked, home, "--uninstall")
    local = home / ".local"
    assert not (local / "opt" / "callboard").exists()
    assert not (local / "bin" / "callboard-softphone").exists()
    assert not (local / "share" / "applications" / "callboard-softphone.desktop").exists()
    assert store.read_bytes() == b"store"


def test_prefix_installs_elsewhere_and_reinstall_replaces(unpacked: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    prefix = tmp_path / "apps"
    install(unpacked, home, "--prefix", str(prefix))
    install(unpacked, home, "--prefix", str(prefix))
    assert (prefix / "opt" / "callboard" / "supervisor").is_file()
    assert not (prefix / "opt" / "callboard.old").exists()
    assert (prefix / "bin" / "callboard-supervisor").resolve() == (
        prefix / "opt" / "callboard" / "supervisor"
    )
    assert not (home / ".local" / "opt").exists()
