"""The window's language: English in the source, Traditional Chinese (zh_TW) from Qt files.

The profile's `ui.language` is "system" (the default: the system locale's
language when Callboard has it, English otherwise), "en" or "zh_TW". The
translation is installed before any widget is made; a change in Settings
takes effect at the next start.

The catalogue lives in `resources/translations/`. After changing a string in
`softphone/ui/`, refresh it, translate the new entries (Qt Linguist:
`.venv/bin/pyside6-linguist`, or the .ts file in an editor), and compile:

    .venv/bin/pyside6-lupdate softphone/ui/*.py -no-obsolete -locations none \\
        -ts resources/translations/callboard_zh_TW.ts
    .venv/bin/pyside6-lrelease resources/translations/callboard_zh_TW.ts \\
        -qm resources/translations/callboard_zh_TW.qm

Both files are committed: the .ts is the source, the .qm is what loads.
tests/ui/test_translations.py fails while a string of the window has no
translation, or the .qm misses one the .ts has (lrelease was not run).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from softphone.profile import resources_dir

log = logging.getLogger(__name__)


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Mark `text` for lupdate under `context` and return it unchanged (PySide6's is untyped)."""
    return text


TRANSLATIONS = ("zh_TW",)  # the languages with a catalogue; English is the source
CATALOGUE = "callboard"

# The default Not Ready reasons and dispositions in resources/, so that lupdate
# extracts them; a label a call center writes into its profile is shown as
# written. tests/ui/test_translations.py checks this list against the files.
DEFAULT_LABELS = (
    QT_TRANSLATE_NOOP("labels", "Break"),
    QT_TRANSLATE_NOOP("labels", "Lunch"),
    QT_TRANSLATE_NOOP("labels", "Meeting"),
    QT_TRANSLATE_NOOP("labels", "Training"),
    QT_TRANSLATE_NOOP("labels", "Coaching"),
    QT_TRANSLATE_NOOP("labels", "Outbound calls"),
    QT_TRANSLATE_NOOP("labels", "Back-office work"),
    QT_TRANSLATE_NOOP("labels", "Technical issue"),
    QT_TRANSLATE_NOOP("labels", "Resolved"),
    QT_TRANSLATE_NOOP("labels", "Information given"),
    QT_TRANSLATE_NOOP("labels", "Sale"),
    QT_TRANSLATE_NOOP("labels", "Complaint logged"),
    QT_TRANSLATE_NOOP("labels", "Callback scheduled"),
    QT_TRANSLATE_NOOP("labels", "Escalated"),
    QT_TRANSLATE_NOOP("labels", "Transferred"),
    QT_TRANSLATE_NOOP("labels", "Wrong number"),
    QT_TRANSLATE_NOOP("labels", "No response from caller"),
)


def choice_label(text: str) -> str:
    """A disposition or Not Ready label in the window's language (custom ones as written)."""
    return QCoreApplication.translate("labels", text)


def chosen_language(setting: str, system: QLocale | None = None) -> str:
    """The language to show for the profile's `ui.language`: "en" or one of TRANSLATIONS."""
    if setting != "system":
        return setting if setting in TRANSLATIONS else "en"
    locale = system or QLocale.system()
    traditional = locale.script() == QLocale.Script.TraditionalChineseScript or (
        locale.territory()
        in (QLocale.Country.Taiwan, QLocale.Country.HongKong, QLocale.Country.Macau)
    )
    if locale.language() == QLocale.Language.Chinese and traditional:
        return "zh_TW"
    return "en"


def install_translation(app: QCoreApplication, setting: str) -> list[QTranslator]:
    """Load Callboard's catalogue (and Qt's own, for standard buttons) into `app`.

    Returns the installed translators (children of `app`, so they live as
    long as it; a test removes them with `app.removeTranslator`), an empty
    list for English. A missing catalogue is logged; the window stays English.
    """
    language = chosen_language(setting)
    if language == "en":
        return []
    installed = []
    folder = resources_dir() / "translations"
    qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name, where in (
        (f"{CATALOGUE}_{language}", str(folder)),
        (f"qtbase_{language}", qt_folder),
    ):
        translator = QTranslator(app)
        if translator.load(name, where):
            app.installTranslator(translator)
            installed.append(translator)
        else:
            log.warning("No translation %s in %s: showing English", name, where)
    log.info("Window language: %s (setting %s)", language, setting)
    return installed
