"""Also on now: which rooms a full room's door suggests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shared.render.suggestions import MAX_SUGGESTIONS, also_on_now
from shared.wire import DoorSlot, EventInfo, RoomInfo, RoomSnapshot, SessionCard

TEN = datetime(2025, 5, 16, 10, tzinfo=UTC)
AT = TEN + timedelta(minutes=20)


def room(room_id: str, name: str, *, full: bool = False, kind: str = "session",
         epoch: str = "e1", hours: tuple[int, ...] = (10,)) -> RoomSnapshot:  # fmt: skip
    card = SessionCard(id=1, title="Talk", full=full) if kind != "open" else None
    slots = [slot(hour, kind, card) for hour in hours]
    return RoomSnapshot(
        epoch=epoch, version=1, published_at=TEN - timedelta(hours=2),
        event=EventInfo(name="Event"), room=RoomInfo(id=room_id, name=name), slots=slots,
    )  # fmt: skip


def slot(hour: int, kind: str, card: SessionCard | None) -> DoorSlot:
    start = TEN.replace(hour=hour)
    return DoorSlot.model_validate(
        {"slot_id": hour, "start": start, "end": start + timedelta(hours=1), "kind": kind,
         "session": card, "label": "Other event", "moved_to": "Room 9"}
    )  # fmt: skip


def test_a_full_room_suggests_open_sessions_elsewhere_by_name() -> None:
    own = room("r1", "Room 1", full=True)
    others = [room("r3", "room 3"), room("r2", "Room 2"), room("r4", "Room 4", full=True)]
    assert also_on_now(own, others, AT) == ("Room 2", "room 3")


def test_nothing_unless_the_session_on_now_is_full() -> None:
    others = [room("r2", "Room 2")]
    assert also_on_now(room("r1", "Room 1"), others, AT) == ()
    assert also_on_now(room("r1", "Room 1", full=True), others, AT + timedelta(hours=1)) == ()
    assert also_on_now(room("r1", "Room 1", kind="open"), others, AT) == ()


def test_only_sessions_on_at_that_time_in_the_same_epoch_count() -> None:
    own = room("r1", "Room 1", full=True)
    others = [
        room("r2", "Room 2", hours=(11,)),  # later
        room("r3", "Room 3", kind="blocked"),
        room("r4", "Room 4", kind="open"),
        room("r5", "Room 5", epoch="e0"),  # left over from a replaced hub database
        room("r1", "Room 1"),  # itself, from another source
        room("r6", "Room 6", kind="cancelled"),
    ]
    assert also_on_now(own, others, AT) == ()


def test_at_most_a_few_rooms() -> None:
    own = room("r1", "Room 1", full=True)
    others = [room(f"x{i}", f"Room {i}") for i in range(2, 9)]
    assert len(also_on_now(own, others, AT)) == MAX_SUGGESTIONS
