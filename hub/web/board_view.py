"""The board as pages show it: days, rows of slots, a cell per room; built from door snapshots.

:func:`load_board` reads the database once (each room's stored snapshot, so the board says
exactly what the doors say); :func:`day_grid` and :func:`room_days` are pure functions of that
and the time. Full shows only while its session is on: full belongs to a session and ends
with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session as DbSession

from hub import repo
from hub.mqtt.snapshots import Links, build_room_snapshot
from shared import wire


@dataclass(frozen=True)
class RoomHead:
    id: str
    name: str
    capacity: int | None
    location: str | None


@dataclass(frozen=True)
class SlotTime:
    id: int
    start: datetime
    end: datetime
    day: date


@dataclass(frozen=True)
class BoardData:
    """Everything the board pages need, read in one transaction."""

    zone: ZoneInfo
    rooms: list[RoomHead]
    slots: list[SlotTime]
    doors: dict[str, dict[int, wire.DoorSlot]]


@dataclass(frozen=True)
class Cell:
    """One room in one slot. ``kind`` is a door slot kind; ``full`` only while it is on."""

    room: RoomHead
    slot_id: int
    kind: str
    session: wire.SessionCard | None
    label: str | None
    moved_to: str | None
    full: bool
    add_href: str | None


@dataclass(frozen=True)
class Row:
    slot: SlotTime
    start: datetime
    end: datetime
    is_now: bool
    is_past: bool
    cells: list[Cell]


@dataclass(frozen=True)
class DayTab:
    day: date
    selected: bool
    is_today: bool


@dataclass(frozen=True)
class DayGrid:
    tabs: list[DayTab]
    day: date | None
    rows: list[Row]
    next_change: datetime | None


def load_board(db: DbSession, links: Links, now: datetime) -> BoardData:
    """Read rooms, slots and each room's door snapshot (built now if none was stored yet)."""
    zone = repo.zone_of(repo.get_event(db).timezone)
    rooms = [RoomHead(r.id, r.name, r.capacity, r.location) for r in repo.list_rooms(db)]
    slots = [SlotTime(s.id, s.start, s.end, s.day.date) for s in repo.list_slots(db)]
    doors: dict[str, dict[int, wire.DoorSlot]] = {}
    for room in rooms:
        stored = repo.stored_snapshot(db, room.id)
        if stored is not None:
            snapshot = wire.RoomSnapshot.model_validate_json(stored.payload)
        else:
            snapshot = build_room_snapshot(db, room.id, links, now)
        doors[room.id] = {door.slot_id: door for door in snapshot.slots}
    return BoardData(zone, rooms, slots, doors)


def add_href(room_id: str, slot_id: int) -> str:
    return "/add?" + urlencode({"room": room_id, "slot": slot_id})


def pick_day(days: list[date], today: date, wanted: date | None) -> date | None:
    """The day to show: the one asked for, else today, else the next event day, else the last."""
    if wanted in days:
        return wanted
    if today in days:
        return today
    upcoming = [d for d in days if d > today]
    if upcoming:
        return upcoming[0]
    return days[-1] if days else None


def day_grid(data: BoardData, now: datetime, wanted: date | None = None) -> DayGrid:
    """The grid of one day: a row per slot, a cell per room."""
    today = now.astimezone(data.zone).date()
    days = sorted({slot.day for slot in data.slots})
    day = pick_day(days, today, wanted)
    tabs = [DayTab(d, d == day, d == today) for d in days]
    rows = [_row(data, slot, now, data.rooms) for slot in data.slots if slot.day == day]
    return DayGrid(tabs, day, rows, next_change(data.slots, now))


def room_days(data: BoardData, room_id: str, now: datetime) -> list[tuple[date, list[Row]]]:
    """One room's schedule: for each day, its rows (one cell each)."""
    rooms = [room for room in data.rooms if room.id == room_id]
    days: dict[date, list[Row]] = {}
    for slot in data.slots:
        days.setdefault(slot.day, []).append(_row(data, slot, now, rooms))
    return list(days.items())


def next_change(slots: list[SlotTime], now: datetime) -> datetime | None:
    """The next slot start or end after ``now``: when "now" moves on the board."""
    moments = [t for slot in slots for t in (slot.start, slot.end) if t > now]
    return min(moments) if moments else None


def slot_row(data: BoardData, slot: SlotTime, now: datetime) -> Row:
    """One slot's row across every room (the lobby's columns)."""
    return _row(data, slot, now, data.rooms)


def _row(data: BoardData, slot: SlotTime, now: datetime, rooms: list[RoomHead]) -> Row:
    is_now, is_past = slot.start <= now < slot.end, slot.end <= now
    cells = [_cell(room, data.doors.get(room.id, {}).get(slot.id), slot, is_now, is_past)
             for room in rooms]  # fmt: skip
    zone = data.zone
    return Row(slot, slot.start.astimezone(zone), slot.end.astimezone(zone), is_now, is_past, cells)


def _cell(
    room: RoomHead, door: wire.DoorSlot | None, slot: SlotTime, is_now: bool, is_past: bool
) -> Cell:
    if door is None:
        return Cell(room, slot.id, "open", None, None, None, False,
                    None if is_past else add_href(room.id, slot.id))  # fmt: skip
    session = door.session
    full = door.kind == "session" and session is not None and session.full and is_now
    can_add = door.add_url is not None and not is_past
    return Cell(
        room, slot.id, door.kind, session, door.label, door.moved_to, full,
        add_href(room.id, slot.id) if can_add else None,
    )  # fmt: skip
