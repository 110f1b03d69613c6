"""One softphone per user: a second `softphone sip:...` hands its number to the running one.

The running softphone listens on a local socket named after the user; a
second start connects, sends the dial target (or an empty line, to bring the
window forward) and exits.
"""

from __future__ import annotations

import getpass
import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_MS = 500
MAX_MESSAGE = 1024


def server_name() -> str:
    """The local socket of this user's softphone."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "agent"
    return f"callboard-softphone-{user}"


def hand_over(target: str, name: str | None = None) -> bool:
    """Give `target` ("" to bring the window forward) to a running softphone; False if none."""
    socket = QLocalSocket()
    socket.connectToServer(name or server_name())
    if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
        return False
    socket.write((target.replace("\n", " ")[:MAX_MESSAGE] + "\n").encode("utf-8"))
    sent = socket.waitForBytesWritten(CONNECT_TIMEOUT_MS)
    socket.disconnectFromServer()
    return sent


class InstanceServer(QObject):
    """Listens for later starts; `target_received` carries their dial target ("" for none)."""

    target_received = Signal(str)

    def __init__(self, name: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name or server_name()
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)
        self._sockets: list[QLocalSocket] = []

    def listen(self) -> bool:
        """Start listening, replacing a socket a crashed softphone left behind."""
        QLocalServer.removeServer(self.name)
        if not self._server.listen(self.name):
            log.warning("Not listening for other starts: %s", self._server.errorString())
            return False
        return True

    def close(self) -> None:
        """Stop listening and drop the connections still open."""
        self._server.close()
        for socket in self._sockets:
            socket.readyRead.disconnect()
            socket.disconnected.disconnect()
            socket.abort()
        self._sockets.clear()

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            self._sockets.append(socket)
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(lambda s=socket: self._forget(s))
            if socket.canReadLine():
                self._read(socket)

    def _forget(self, socket: QLocalSocket) -> None:
        if socket in self._sockets:
            self._sockets.remove(socket)
            socket.deleteLater()

    def _read(self, socket: QLocalSocket) -> None:
        while socket.canReadLine():
            line = bytes(socket.readLine().data()).decode("utf-8", errors="replace").strip()
            log.info("Another start handed over %s", line or "nothing (bring the window up)")
            self.target_received.emit(line[:MAX_MESSAGE])
