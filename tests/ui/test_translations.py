"""The window in Traditional Chinese: the catalogue is complete, compiled, and loaded."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from softphone.profile import resources_dir
from softphone.ui.translations import DEFAULT_LABELS, chosen_language, install_translation
from tests.ui.conftest import OFFSCREEN_NOISE

pytestmark = OFFSCREEN_NOISE

ROOT = Path(__file__).resolve().parents[2]
TS = resources_dir() / "translations" / "callboard_zh_TW.ts"
QM = TS.with_suffix(".qm")


def _messages(path: Path) -> list[tuple[str, str, str]]:
    root = ET.parse(path).getroot()  # noqa: S314 - the project's own file
    return [
        (context.findtext("name"), message.findtext("source"), message.find("translation"))
        for context in root.iter("context")
        for message in context.iter("message")
    ]


def test_the_window_shows_zh_tw_words(zh_tw, make_window):
    window = make_window().window
    assert window.agent_panel.selector.itemText(0) == "待命"
    assert window.agent_panel.state_label.text().startswith("未就緒")
    assert window.ringing_panel.answer_button.text() == "接聽(&A)"
    assert window.ringing_panel.reject_button.text() == "拒接(&R)"
    assert window.call_panel.hold_button.text() == "保留(&H)"
    assert window.call_panel.mute_button.text() == "靜音(&M)"
    assert window.call_panel.hangup_button.text() == "掛斷(&U)"
    assert window.wrap_up_form.title.text() == "話後處理"
    assert window.status_line.registration.text().startswith("電話")
    dialog = window.open_settings()
    assert dialog.save_button.text() == "儲存"  # Qt's own catalogue, for standard buttons
    dialog.reject()


def test_every_string_of_the_window_has_a_translation(tmp_path):
    fresh = tmp_path / "fresh.ts"
    lupdate = Path(sys.executable).with_name("pyside6-lupdate")
    sources = sorted(str(p) for p in (ROOT / "softphone" / "ui").glob("*.py"))
    subprocess.run(
        [str(lupdate), *sources, "-locations", "none", "-ts", str(fresh)],
        check=True,
        capture_output=True,
    )
    wanted = {(context, source) for context, source, _ in _messages(fresh)}
    translated = {
        (context, source)
        for context, source, translation in _messages(TS)
        if translation.text and translation.get("type") not in ("unfinished", "vanished")
    }
    assert sorted(wanted - translated) == [], "run lupdate, translate, run lrelease"


def test_the_compiled_catalogue_holds_every_translation():
    translator = QTranslator()
    assert translator.load(str(QM))
    stale = [
        source
        for context, source, translation in _messages(TS)
        if translation.text and translator.translate(context, source) != translation.text
    ]
    assert stale == [], "run pyside6-lrelease (see softphone/ui/translations.py)"


def test_the_default_labels_in_resources_are_all_extracted():
    files = {"dispositions": "dispositions", "not_ready_reasons": "not_ready_reasons"}
    labels = set()
    for kind, key in files.items():
        data = json.loads((resources_dir() / f"{kind}.json").read_text(encoding="utf-8"))
        labels |= {item["label"] for item in data[key]}
    assert labels == set(DEFAULT_LABELS)


@pytest.mark.parametrize(
    ("setting", "system", "shown"),
    [
        ("system", "zh_TW", "zh_TW"),
        ("system", "zh_HK", "zh_TW"),
        ("system", "zh_CN", "en"),
        ("system", "de_DE", "en"),
        ("en", "zh_TW", "en"),
        ("zh_TW", "en_US", "zh_TW"),
    ],
)
def test_the_language_follows_the_setting_then_the_system_locale(setting, system, shown):
    assert chosen_language(setting, QLocale(system)) == shown


def test_english_installs_no_translation(qapp):
    assert install_translation(QApplication.instance(), "en") == []
