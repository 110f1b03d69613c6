"""A real Kamailio registrar and proxy on loopback ports, for tests.

The runner lives in `softphone.lab.kamailio`, which the lab uses too; this
module gives it the names the rig has always used.
"""

from __future__ import annotations

from pathlib import Path

from softphone.lab.kamailio import (
    CONFIG_TEMPLATE,
    DEFAULT_MODULES_DIR,
    HOST,
    USERS_FILE,
    Kamailio,
    TlsFiles,
    free_port,
    load_users,
    make_certificates,
    modules_dir,
    render_template,
    require_binary,
)
from softphone.lab.kamailio import KamailioError as RigError

ROOT = Path(__file__).resolve().parents[2]
make_test_certificates = make_certificates

__all__ = [
    "CONFIG_TEMPLATE",
    "DEFAULT_MODULES_DIR",
    "HOST",
    "ROOT",
    "USERS_FILE",
    "Kamailio",
    "RigError",
    "TlsFiles",
    "free_port",
    "load_users",
    "make_certificates",
    "make_test_certificates",
    "modules_dir",
    "render_template",
    "require_binary",
]
