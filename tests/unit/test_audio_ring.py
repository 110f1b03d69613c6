"""The frame ring between two audio clocks: bursts pass, drift is trimmed, gaps counted."""

from softphone.audio.ring import FrameRing

FRAME = 4


def _frame(n: int) -> bytes:
    return bytes([n % 256]) * FRAME


def test_frames_come_out_in_order():
    ring = FrameRing(FRAME)
    out = bytearray(FRAME)
    for n in range(3):
        ring.write(_frame(n))
    for n in range(3):
        assert ring.read_into(out)
        assert bytes(out) == _frame(n)
    assert ring.stats.dropped == ring.stats.repeated == 0


def test_bursts_of_two_frames_lose_nothing():
    ring = FrameRing(FRAME, window=10)
    out = bytearray(FRAME)
    for n in range(0, 400, 2):  # the writer hands over two frames every other tick
        ring.write(_frame(n))
        ring.write(_frame(n + 1))
        ring.read_into(out)
        ring.read_into(out)
    assert ring.stats.dropped == 0
    assert ring.stats.repeated == 0


def test_a_writer_running_fast_is_trimmed_to_a_bounded_delay():
    ring = FrameRing(FRAME, excess=2, window=10)
    out = bytearray(FRAME)
    for tick in range(1000):
        ring.write(_frame(tick))
        if tick % 50 == 0:
            ring.write(_frame(tick))  # 2 % fast
        ring.read_into(out)
    assert ring.fill <= 3
    assert 0 < ring.stats.dropped <= 25


def test_an_empty_ring_repeats_the_last_frame_once_then_gives_silence():
    ring = FrameRing(FRAME)
    out = bytearray(FRAME)
    ring.write(_frame(7))
    ring.read_into(out)
    assert not ring.read_into(out)
    assert bytes(out) == _frame(7)
    assert not ring.read_into(out)
    assert bytes(out) == bytes(FRAME)
    assert ring.stats.repeated == 2


def test_a_reader_that_stopped_keeps_the_newest_audio():
    ring = FrameRing(FRAME, capacity_frames=4)
    for n in range(10):
        ring.write(_frame(n))
    out = bytearray(FRAME)
    ring.read_into(out)
    assert bytes(out) == _frame(6)
    assert ring.stats.dropped == 6


def test_delay_queued_by_a_stall_is_dropped_in_one_skip():
    ring = FrameRing(FRAME, capacity_frames=16, excess=2, window=10)
    out = bytearray(FRAME)
    for n in range(12):  # the reader stalled while 12 frames came in
        ring.write(_frame(n))
    for tick in range(12, 42):  # then both run at the same rate
        ring.write(_frame(tick))
        ring.read_into(out)
    assert ring.stats.trims == 1
    # 13 frames waited at every read of the window (12 queued + the new
    # one); all but the one being read were dropped at once.
    assert ring.stats.dropped == 12
    assert ring.fill == 0
    assert bytes(out) == _frame(41)  # the newest frame is what plays now
