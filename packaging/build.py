"""Build Callboard's packaged build for the system this runs on (`make package`).

    python packaging/build.py

Runs PyInstaller on packaging/callboard.spec, prints the build time, the
bundle's size and the Qt libraries in it, and on Linux makes the archive
users install from, dist/callboard-VERSION-linux-x86_64.tar.gz:

    callboard-VERSION-linux-x86_64/
        install.sh                  per-user install (see packaging/linux/install.sh)
        callboard/                  the bundle: softphone, supervisor, _internal/
        share/applications/         the menu entries
        share/icons/hicolor/*/apps/ the icons as PNG

Run it with the Python of the build environment (PyInstaller and Callboard
installed, not editable); Callboard's own sources are read from the checkout.
"""

from __future__ import annotations

import platform
import re
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
LINUX_ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def version() -> str:
    """The project's version, from pyproject.toml."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    return re.search(r'^version = "([^"]+)"', text, re.MULTILINE).group(1)  # tomllib: 3.11+


def folder_size(path: Path) -> int:
    """Bytes in the files under `path` (symbolic links not followed)."""
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def qt_libraries(bundle: Path) -> list[str]:
    """Names of the Qt libraries in the bundle (Qt6Core, ...)."""
    names = set()
    for path in bundle.rglob("*"):
        match = re.match(r"^(?:lib)?(Qt6\w+?)(?:\.so|\.dll|$)", path.name)
        if match and not path.is_symlink() and (path.is_file() or path.suffix == ".framework"):
            names.add(match.group(1))
    return sorted(names)


def run_pyinstaller() -> float:
    """Build the bundle; return the seconds it took."""
    started = time.monotonic()
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN"]
    command += ["--distpath", str(DIST), "--workpath", str(WORK)]
    subprocess.run([*command, str(PACKAGING / "callboard.spec")], check=True, cwd=ROOT)
    return time.monotonic() - started


def strip_python_library(bundle: Path) -> None:
    """Strip the debug symbols of the bundle's libpython (Linux), where a strip command exists.

    A Python built from source keeps them (about 19 MB). Only libpython: the
    wheels' libraries are patched by auditwheel, and strip breaks them.
    """
    strip = shutil.which("strip")
    if strip is None:
        print("strip not found: libpython keeps its debug symbols")
        return
    for library in (bundle / "_internal").glob("libpython3*.so*"):
        if not library.is_symlink():
            subprocess.run([strip, "--strip-debug", str(library)], check=True)


def linux_archive(bundle: Path) -> Path:
    """The tarball users install from, with install.sh, menu entries and icons."""
    name = f"callboard-{version()}-linux-{platform.machine()}"
    stage = ROOT / "build" / "archive" / name
    shutil.rmtree(stage.parent, ignore_errors=True)
    (stage / "share" / "applications").mkdir(parents=True)
    shutil.copy2(PACKAGING / "linux" / "install.sh", stage / "install.sh")
    for desktop in (PACKAGING / "linux").glob("*.desktop"):
        shutil.copy2(desktop, stage / "share" / "applications" / desktop.name)
    icons = WORK / "callboard" / "icons"  # rendered by the spec
    for program in ("softphone", "supervisor"):
        for size in LINUX_ICON_SIZES:
            folder = stage / "share" / "icons" / "hicolor" / f"{size}x{size}" / "apps"
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copy2(icons / f"{program}-{size}.png", folder / f"callboard-{program}.png")
    archive = DIST / f"{name}.tar.gz"
    with tarfile.open(archive, "w:gz", compresslevel=6) as tar:
        tar.add(stage, arcname=name)
        tar.add(bundle, arcname=f"{name}/callboard")  # symbolic links stay links
    return archive


def main() -> int:
    """Build, report, and package for this system."""
    seconds = run_pyinstaller()
    print(f"PyInstaller build: {seconds:.0f} s")
    if sys.platform == "darwin":
        bundles = sorted(DIST.glob("Callboard *.app"))
    else:
        bundles = [DIST / "callboard"]
    if sys.platform.startswith("linux"):
        strip_python_library(bundles[0])
    for bundle in bundles:
        print(f"{bundle}: {folder_size(bundle) / 1e6:.1f} MB")
        print(f"  Qt libraries: {', '.join(qt_libraries(bundle))}")
    if sys.platform.startswith("linux"):
        archive = linux_archive(bundles[0])
        print(f"{archive}: {archive.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
