"""The door's own time: when its words change by themselves, and the refresh lead."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shared.doortime import door_time, next_change
from shared.wire import Announcement
from tests.signage_node.conftest import DAY, START, snapshot

ELEVEN = DAY + timedelta(hours=11)


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


def test_before_the_first_slot_the_door_time_is_now() -> None:
    early = datetime(2025, 5, 16, 9, tzinfo=UTC)
    assert door_time(snapshot(1), early, 30) == early
