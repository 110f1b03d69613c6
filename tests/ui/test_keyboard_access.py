"""Every control can be reached by keyboard and has a name a screen reader can say."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from tests.ui.conftest import OFFSCREEN_NOISE

pytestmark = OFFSCREEN_NOISE

INTERACTIVE = (
    QAbstractButton,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QAbstractSpinBox,
    QAbstractItemView,
)


def _controls(root: QWidget) -> list[QWidget]:
    """Interactive widgets of `root`, leaving out the parts inside another control."""
    found = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, INTERACTIVE) or widget.objectName().startswith("qt_"):
            continue  # Qt's own parts, such as the menu bar's overflow button
        parent = widget.parentWidget()
        inside = False
        while parent is not None and parent is not root:
            if isinstance(parent, INTERACTIVE):
                inside = True
            parent = parent.parentWidget()
        if not inside:
            found.append(widget)
    return found


def _unreachable_or_unnamed(root: QWidget) -> list[str]:
    problems = []
    for widget in _controls(root):
        label = f"{type(widget).__name__} {widget.accessibleName()!r}"
        if not widget.accessibleName():
            text = widget.text() if isinstance(widget, QAbstractButton) else ""
            problems.append(f"{type(widget).__name__} {text!r} has no accessible name")
        if not widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            problems.append(f"{label} cannot be reached with Tab")
    return problems


def test_every_control_of_the_window_has_a_name_and_takes_tab_focus(make_window):
    window = make_window().window
    assert len(_controls(window)) > 30
    assert _unreachable_or_unnamed(window) == []


def test_every_control_of_the_settings_dialog_has_a_name_and_takes_tab_focus(qtbot, make_window):
    dialog = make_window().window.open_settings()
    assert _unreachable_or_unnamed(dialog) == []
    dialog.reject()


def test_call_actions_have_keyboard_shortcuts(make_window):
    window = make_window().window
    for name in ("answer", "hangup", "hold", "mute"):
        assert not window.actions_by_name[name].shortcut().isEmpty(), name
