"""The keys for answer, hang up, hold, mute and transfer, as the agent sets them in Settings."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFormLayout, QKeySequenceEdit, QWidget

from softphone.profile import DEFAULT_SHORTCUTS
from softphone.ui.translations import QT_TRANSLATE_NOOP
from softphone.ui.widgets import named

# The window's own keys, which a call action must not take over.
RESERVED = {"Ctrl+L": QT_TRANSLATE_NOOP("ShortcutEditor", "Go to the number field")}
ACTION_NAMES = {
    "answer": QT_TRANSLATE_NOOP("ShortcutEditor", "Answer"),
    "hang_up": QT_TRANSLATE_NOOP("ShortcutEditor", "Hang up / Reject"),
    "hold": QT_TRANSLATE_NOOP("ShortcutEditor", "Hold / Resume"),
    "mute": QT_TRANSLATE_NOOP("ShortcutEditor", "Mute / Unmute"),
    "transfer": QT_TRANSLATE_NOOP("ShortcutEditor", "Transfer"),
}


def action_name(action: str) -> str:
    """A call action ("hang_up") as the agent reads it, in the window's language."""
    return QCoreApplication.translate("ShortcutEditor", ACTION_NAMES[action])


class ShortcutEditor(QWidget):
    """One key field per call action; `problem()` says why the keys cannot be saved."""

    def __init__(self, shortcuts: dict[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        self.edits: dict[str, QKeySequenceEdit] = {}
        for action in DEFAULT_SHORTCUTS:
            edit = QKeySequenceEdit(QKeySequence(shortcuts.get(action, "")))
            edit.setMaximumSequenceLength(1)
            edit.setClearButtonEnabled(True)
            named(
                edit,
                self.tr("Shortcut for %s") % action_name(action),
                self.tr("Click, then press the keys; clear it for no shortcut"),
            )
            form.addRow(action_name(action) + ":", edit)
            self.edits[action] = edit

    def shortcuts(self) -> dict[str, str]:
        """The keys as typed, in Qt's portable text ("Ctrl+Shift+A"); "" for none."""
        return {
            action: edit.keySequence().toString(QKeySequence.SequenceFormat.PortableText)
            for action, edit in self.edits.items()
        }

    def problem(self) -> str | None:
        """Why the keys cannot be saved (one key for two actions), or None."""
        owner = {key: self.tr(name) for key, name in RESERVED.items()}
        for action, key in self.shortcuts().items():
            if not key:
                continue
            if key in owner:
                return self.tr("the shortcut for %s, %s, is already the key of %s") % (
                    action_name(action),
                    QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText),
                    owner[key],
                )
            owner[key] = action_name(action)
        return None
