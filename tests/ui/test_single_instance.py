"""A second start hands its dial target to the softphone already running."""

from __future__ import annotations

import os

from softphone.ui.single_instance import InstanceServer, hand_over


def test_a_second_start_hands_its_target_to_the_running_softphone(qtbot):
    name = f"callboard-test-{os.getpid()}"
    server = InstanceServer(name)
    assert server.listen()
    try:
        with qtbot.waitSignal(server.target_received, timeout=5000) as received:
            assert hand_over("tel:+1 555 1234", name)
        assert received.args == ["tel:+1 555 1234"]
    finally:
        server.close()


def test_with_no_softphone_running_nothing_is_handed_over(qtbot):
    assert not hand_over("sip:1002@pbx", f"callboard-test-none-{os.getpid()}")
