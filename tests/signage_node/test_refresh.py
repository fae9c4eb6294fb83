"""The refresh policy, pure: the door's time near a boundary, and the gate before the glass."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PIL import Image

from shared.wire import Announcement
from signage_node.refresh import RefreshGate, door_time, next_change
from tests.signage_node.conftest import DAY, START, snapshot

ELEVEN = DAY + timedelta(hours=11)
FRAME = Image.new("P", (1, 1))


def test_the_next_change_is_the_next_boundary_expiry_or_midnight() -> None:
    room = snapshot(1)  # sessions 10-11, 11-12, 12-13 UTC
    assert next_change(room, START) == ELEVEN
    assert next_change(room, DAY + timedelta(hours=13)) == DAY + timedelta(days=1)  # midnight
    expiring = Announcement(id=1, text="Lunch", expires_at=START + timedelta(minutes=5))
    with_banner = room.model_copy(update={"announcements": [expiring]})
    assert next_change(with_banner, START) == START + timedelta(minutes=5)
    other = snapshot(1, room_id="room-b")
    shifted = other.model_copy(
        update={"slots": [s.model_copy(update={"start": s.start + timedelta(minutes=45),
                                                "end": s.end + timedelta(minutes=45)})
                          for s in other.slots]}
    )  # fmt: skip
    assert next_change(room, START, [shifted]) == DAY + timedelta(hours=10, minutes=45)
    assert next_change(None, START) is None


def test_the_door_turns_over_one_refresh_early() -> None:
    room = snapshot(1)
    assert door_time(room, ELEVEN - timedelta(seconds=31), 30) == ELEVEN - timedelta(seconds=31)
    assert door_time(room, ELEVEN - timedelta(seconds=30), 30) == ELEVEN
    assert door_time(room, ELEVEN - timedelta(seconds=1), 30) == ELEVEN
    assert door_time(room, ELEVEN + timedelta(seconds=1), 30) == ELEVEN + timedelta(seconds=1)
    assert door_time(room, ELEVEN - timedelta(seconds=1), 0) == ELEVEN - timedelta(seconds=1)
    assert door_time(None, START, 30) == START


def test_several_changes_within_the_lead_go_to_the_last() -> None:
    soon = Announcement(id=1, text="Soon gone", expires_at=ELEVEN - timedelta(seconds=10))
    room = snapshot(1).model_copy(update={"announcements": [soon]})
    now = ELEVEN - timedelta(seconds=20)
    at = door_time(room, now, 30)
    assert at == ELEVEN
    after = next_change(room, at)
    assert after is not None
    assert (after - now).total_seconds() > 30


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
    assert door_time(snapshot(1), datetime(2025, 5, 16, 9, tzinfo=UTC), 30).hour == 9
