"""Every window and dialog state, in English and zh_TW, at 1280x800 and at 200 % scaling.

The screenshots go to artifacts/screenshots/ for a person to look at; the
tests check what a machine can: no label, button or check box whose text is
cut off, and nothing larger than the screen. At 200 % a process of its own
runs with QT_SCALE_FACTOR=2 on a 1280x800 offscreen screen (640x400 logical
pixels, images of 1280x800), the way a small laptop at 200 % shows the window.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ui.conftest import OFFSCREEN_NOISE, WINDOW_SIZE
from tests.ui.scenes import PROFILE_CHANGES, render

pytestmark = OFFSCREEN_NOISE

ROOT = Path(__file__).resolve().parents[2]
SCENES = {
    "dial",
    "dial_refused",
    "ringing",
    "on_call_held",
    "wrap_up_time_boxed",
    "history",
    "settings_account",
    "settings_calls",
    "settings_keyboard",
    "settings_refused",
}


def _check(problems: dict[str, list[str]]) -> None:
    assert set(problems) >= SCENES
    assert {scene: found for scene, found in problems.items() if found} == {}


def test_every_state_is_tidy_at_1280x800_in_english(qtbot, make_window):
    rig = make_window(**PROFILE_CHANGES)
    _check(render(rig.window, rig.session, rig.store, "en", WINDOW_SIZE, lambda: qtbot.wait(20)))


def test_every_state_is_tidy_at_1280x800_in_zh_tw(qtbot, zh_tw, make_window):
    rig = make_window(**PROFILE_CHANGES)
    _check(render(rig.window, rig.session, rig.store, "zh_TW", WINDOW_SIZE, lambda: qtbot.wait(20)))


@pytest.mark.parametrize("language", ["en", "zh_TW"])
def test_every_state_is_tidy_at_200_percent(tmp_path, language):
    screen = tmp_path / "screen.json"
    screen.write_text(
        json.dumps({"screens": [{"name": "laptop", "width": 1280, "height": 800, "dpr": 1}]})
    )
    env = dict(os.environ, QT_SCALE_FACTOR="2", QT_QPA_PLATFORM=f"offscreen:configfile={screen}")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.ui.scenes",
            "--language",
            language,
            "--suffix",
            f"{language}_200pct",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    warnings = [line for line in done.stderr.splitlines() if "propagateSizeHints" not in line]
    assert not [line for line in warnings if line.startswith(("qt.", "Qt", "QWidget"))]
    _check(json.loads(done.stdout.splitlines()[-1]))
