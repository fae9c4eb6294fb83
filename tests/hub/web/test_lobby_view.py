"""The lobby's columns and pages as a function of the board data and the time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hub.web.board_view import BoardData, RoomHead, SlotTime
from hub.web.lobby_view import lobby_view

ZONE = ZoneInfo("America/New_York")
DAYS = (date(2027, 5, 15), date(2027, 5, 16))


def board(room_count: int = 2) -> BoardData:
    """Two days of slots 10:00–13:00 (three one-hour slots a day), no cards."""
    rooms = [RoomHead(f"room-{n}", f"Room {n}", None, None) for n in range(room_count)]
    slots: list[SlotTime] = []
    for day in DAYS:
        for hour in (10, 11, 12):
            start = datetime(day.year, day.month, day.day, hour, tzinfo=ZONE).astimezone(UTC)
            slots.append(SlotTime(len(slots) + 1, start, start + timedelta(hours=1), day))
    return BoardData(ZONE, rooms, slots, {})


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE)


def columns_at(moment: datetime) -> list[tuple[str, str]]:
    view = lobby_view(board(), moment)
    return [(c.label, c.row.start.strftime("%a %H:%M")) for c in view.columns]


def test_during_the_day_the_lobby_shows_now_and_next() -> None:
    assert columns_at(at(DAYS[0], 10, 30)) == [("Now", "Sat 10:00"), ("Next", "Sat 11:00")]


def test_before_the_first_slot_it_shows_the_next_two() -> None:
    assert columns_at(at(DAYS[0], 8)) == [("Next", "Sat 10:00"), ("Later", "Sat 11:00")]


def test_once_the_last_slot_has_started_it_shows_tomorrows_first_slots() -> None:
    assert columns_at(at(DAYS[0], 12, 5)) == [
        ("Now", "Sat 12:00"), ("Tomorrow", "Sun 10:00"), ("Tomorrow", "Sun 11:00"),
    ]  # fmt: skip
    assert columns_at(at(DAYS[0], 20)) == [("Tomorrow", "Sun 10:00"), ("Tomorrow", "Sun 11:00")]


def test_a_later_day_is_named_and_the_end_shows_nothing() -> None:
    data = board()
    data.slots[:] = [s for s in data.slots if s.day == DAYS[0]] + [
        SlotTime(99, at(DAYS[1] + timedelta(days=1), 10).astimezone(UTC),
                 at(DAYS[1] + timedelta(days=1), 11).astimezone(UTC), DAYS[1] + timedelta(days=1)),
    ]  # fmt: skip
    assert [c.label for c in lobby_view(data, at(DAYS[0], 13)).columns] == ["Monday"]
    assert lobby_view(board(), at(DAYS[1], 13)).columns == []


def test_rooms_are_cut_into_pages() -> None:
    view = lobby_view(board(room_count=9), at(DAYS[0], 10), rooms_per_page=4)
    assert view.pages == [[0, 1, 2, 3], [4, 5, 6, 7], [8]]
    row = view.columns[0].row
    assert [cell.room.id for cell in row.cells] == [f"room-{n}" for n in range(9)]
