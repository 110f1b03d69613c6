"""The wallboard as a program: the application, the translations, the window, clean exits.

SIGTERM, SIGINT (Ctrl+C) and SIGHUP quit the event loop; a short timer
gives Python a turn to run its signal handlers. The refresh thread is
stopped before the process exits 0.
"""

from __future__ import annotations

import logging
import signal
import sys
from datetime import datetime, tzinfo
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtWidgets import QApplication

from supervisor.metrics import MetricsSettings
from supervisor.ui.refresh import read_only_connection
from supervisor.ui.wallboard import WallboardWindow

log = logging.getLogger(__name__)

APP_NAME = "Callboard"
TRANSLATIONS = Path(__file__).resolve().parents[2] / "resources" / "translations"


def install_translations(app: QCoreApplication, language: str | None) -> list[QTranslator]:
    """Load supervisor_LANG.qm (and Qt's own) for `language`, or the system locale."""
    locale = QLocale(language) if language else QLocale.system()
    loaded = []
    for name, folder in (
        ("supervisor", str(TRANSLATIONS)),
        ("qtbase", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
    ):
        translator = QTranslator(app)
        if translator.load(locale, name, "_", folder):
            app.installTranslator(translator)
            loaded.append(translator)
    log.info("Language %s: %d translation file(s) loaded", locale.name(), len(loaded))
    return loaded


def local_zone() -> tzinfo:
    """This machine's time zone."""
    zone = datetime.now().astimezone().tzinfo
    assert zone is not None
    return zone


def run_wallboard(
    db: Path,
    settings: MetricsSettings,
    *,
    language: str | None = None,
    full_screen: bool = False,
) -> int:
    """Show the wallboard on the store `db` until it is closed or the process is told to stop."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    stopping = _quit_on_signals(app)  # before anything slow: a stop during start-up counts
    install_translations(app, language)
    window = WallboardWindow(lambda: read_only_connection(db), settings, zone=local_zone())
    window.resize(1600, 900)
    if full_screen:
        window.showFullScreen()
    else:
        window.show()
    window.start()
    python_turn = QTimer()
    python_turn.timeout.connect(lambda: None)
    python_turn.start(200)
    status = 0 if stopping else app.exec()
    python_turn.stop()
    window.stop()
    log.info("Wallboard closed (status %d)", status)
    return 0 if status == 0 else 1


def _quit_on_signals(app: QCoreApplication) -> list[int]:
    """Quit the event loop on SIGTERM, SIGINT or SIGHUP; the list returned records them."""
    received: list[int] = []

    def stop(signum: int, _frame: object) -> None:
        log.info("Stopping on %s", signal.Signals(signum).name)
        received.append(signum)
        app.quit()

    for name in ("SIGTERM", "SIGINT", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is not None:
            signal.signal(signum, stop)
    return received
