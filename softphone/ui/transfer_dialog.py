"""Where to send the caller: a named IVR menu, a colleague, any number.

The dialog offers the profile's named transfer targets first (the survey,
payments, the main menu), then recent parties from the history; any number
or SIP address can be typed. Enter sends the caller at once (blind
transfer); "Consult first" holds the caller and calls the target so the
agent can introduce the call (attended transfer).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from softphone.profile import TransferTarget
from softphone.ui.widgets import named, plain_label

BLIND = "blind"
CONSULT = "consult"


class TransferDialog(QDialog):
    """Pick a target and how to transfer; `choice` holds the answer once accepted."""

    def __init__(
        self,
        targets: Sequence[TransferTarget],
        recent: Sequence[str] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Transfer the caller"))
        self.choice: tuple[str, str] | None = None
        self.target = QComboBox()
        self.target.setEditable(True)
        self.target.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        named(
            self.target,
            self.tr("Transfer target"),
            self.tr("A menu from the list, a colleague's number, or a SIP address"),
        )
        for target in targets:
            self.target.addItem(f"{target.name}  ({target.uri})", target.name)
        for party in recent:
            if self.target.findData(party) < 0:
                self.target.addItem(party, party)
        self.target.setCurrentIndex(-1)
        self.target.setEditText("")
        caption = QLabel(self.tr("&Transfer to:"))
        caption.setBuddy(self.target)
        self.problem = plain_label(name=self.tr("Transfer problem"))
        self.problem.setStyleSheet("color: #b00020;")
        self.problem.setVisible(False)

        buttons = QDialogButtonBox()
        self.blind_button = QPushButton(self.tr("Transfer &now"))
        named(
            self.blind_button,
            self.tr("Transfer now"),
            self.tr("Send the caller to the target and leave the call"),
        )
        self.consult_button = QPushButton(self.tr("&Consult first"))
        named(
            self.consult_button,
            self.tr("Consult first"),
            self.tr("Hold the caller and talk to the target before transferring"),
        )
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        named(cancel, self.tr("Cancel"), self.tr("Stay with the caller"))
        buttons.addButton(self.blind_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.consult_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.blind_button.setDefault(True)
        self.blind_button.clicked.connect(lambda: self._choose(BLIND))
        self.consult_button.clicked.connect(lambda: self._choose(CONSULT))
        buttons.rejected.connect(self.reject)
        # An editable combo box keeps Return to itself: make it transfer at once,
        # as the default button promises.
        line = self.target.lineEdit()
        if line is not None:
            line.returnPressed.connect(lambda: self._choose(BLIND))

        layout = QVBoxLayout(self)
        layout.addWidget(caption)
        layout.addWidget(self.target)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.target.setFocus()

    def target_text(self) -> str:
        """The chosen target: a named target's name, or what was typed."""
        text = self.target.currentText().strip()
        index = self.target.findText(text)
        if index >= 0:
            return str(self.target.itemData(index))
        return text

    def _choose(self, kind: str) -> None:
        text = self.target_text()
        if not text:
            self.problem.setText(self.tr("Choose a menu or type a number first."))
            self.problem.setVisible(True)
            self.target.setFocus()
            return
        self.choice = (kind, text)
        self.accept()


def ask_transfer_target(
    parent: QWidget, targets: Sequence[TransferTarget], recent: Sequence[str]
) -> tuple[str, str] | None:
    """Ask where and how to transfer: (BLIND or CONSULT, target), or None. Tests patch this."""
    dialog = TransferDialog(targets, recent, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.choice
