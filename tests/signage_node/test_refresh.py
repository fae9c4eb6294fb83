"""The refresh gate, pure: which frame reaches the glass, and when."""

from __future__ import annotations

from PIL import Image

from signage_node.refresh import RefreshGate

FRAME = Image.new("P", (1, 1))


def test_an_unchanged_frame_never_reaches_the_glass() -> None:
    gate = RefreshGate(min_interval_s=0)
    gate.offer(FRAME, "a")
    assert gate.take(0.0) == (FRAME, "a")
    gate.finished("a", None, 1.0)
    gate.offer(FRAME, "a")
    assert (gate.pending, gate.take(2.0), gate.glass) == (None, None, "a")
    gate.offer(FRAME, "a", force=True)  # the hub's "refresh" command
    assert gate.take(2.0) == (FRAME, "a")


def test_frames_during_a_refresh_coalesce_into_one_more() -> None:
    gate = RefreshGate(min_interval_s=0)
    gate.offer(FRAME, "a")
    gate.take(0.0)
    for digest in ("b", "c", "d"):
        gate.offer(FRAME, digest)
    assert (gate.in_flight, gate.pending, gate.take(1.0)) == ("a", "d", None)
    gate.finished("a", None, 30.0)
    assert gate.take(30.0) == (FRAME, "d")
    gate.offer(FRAME, "e")
    gate.offer(FRAME, "d")  # back to what is on its way: nothing more to do
    gate.finished("d", None, 60.0)
    assert (gate.pending, gate.take(60.0), gate.glass) == (None, None, "d")


def test_refreshes_keep_the_minimum_interval() -> None:
    gate = RefreshGate(min_interval_s=60)
    gate.offer(FRAME, "a")
    assert gate.take(100.0) is not None
    gate.finished("a", None, 130.0)
    gate.offer(FRAME, "b")
    assert gate.ready_at() == 160.0
    assert gate.take(159.9) is None
    assert gate.take(160.0) == (FRAME, "b")


def test_a_failed_refresh_is_retried_with_backoff_then_given_up() -> None:
    gate = RefreshGate(min_interval_s=0, retry_delays_s=(5.0, 20.0))
    gate.offer(FRAME, "a")
    gate.take(0.0)
    gate.finished("a", "OSError: SPI", 1.0)
    assert (gate.glass, gate.pending, gate.ready_at()) == (None, "a", 6.0)
    gate.offer(FRAME, "a")  # the same frame again keeps its place in the backoff
    assert gate.take(5.9) is None
    assert gate.take(6.0) is not None
    gate.finished("a", "OSError: SPI", 7.0)
    assert gate.ready_at() == 27.0
    gate.take(27.0)
    gate.finished("a", "OSError: SPI", 28.0)
    assert gate.pending is None  # given up on "a"
    gate.offer(FRAME, "a")
    assert gate.pending is None
    gate.offer(FRAME, "b")  # a different frame tries again
    assert gate.take(28.0) == (FRAME, "b")
    gate.finished("b", None, 29.0)
    assert gate.glass == "b"


def test_a_newer_frame_replaces_a_retry() -> None:
    gate = RefreshGate(min_interval_s=0, retry_delays_s=(5.0,))
    gate.offer(FRAME, "a")
    gate.take(0.0)
    gate.offer(FRAME, "b")
    gate.finished("a", "OSError: busy timeout", 1.0)
    assert (gate.pending, gate.take(1.0)) == ("b", (FRAME, "b"))


def test_a_stray_finish_changes_nothing() -> None:
    gate = RefreshGate(min_interval_s=0)
    gate.finished("x", None, 0.0)
    assert gate.glass is None
