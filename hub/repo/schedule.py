"""SQL for the board's frame: the event, its days and one-hour slots, rooms and blocked slots.

Functions take an open session (``db``) inside the caller's transaction and only flush; the
caller commits. They raise :class:`~hub.errors.NotFoundError`, :class:`~hub.errors.ConflictError`
or :class:`~hub.errors.InvalidError` with a message for people.
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DbSession

from hub.errors import ConflictError, InvalidError, NotFoundError
from hub.storage.models import SCHEDULED, BlockedSlot, Day, Event, Room, Session, Slot
from shared.errors import TopicError
from shared.topics import check_id
from shared.wire import zone_named

SLOT_LENGTH = timedelta(hours=1)


def create_event(
    db: DbSession, name: str, timezone: str, hashtag: str | None = None, url: str | None = None
) -> Event:
    """Create the event (one per database), with a fresh random epoch."""
    if find_event(db) is not None:
        raise ConflictError("the event already exists; this hub holds one event")
    zone_of(timezone)
    event = Event(
        name=name, timezone=timezone, hashtag=hashtag, url=url, epoch=secrets.token_hex(8)
    )
    db.add(event)
    db.flush()
    return event


def save_event(
    db: DbSession, *, name: str, timezone: str, hashtag: str | None, url: str | None
) -> tuple[Event, bool]:
    """Create the event, or change it to these fields; return it and whether anything changed.

    A new time zone keeps every slot at its local wall-clock time (a 10:00 slot stays 10:00
    there), which moves it in UTC; :class:`InvalidError` if a slot's local time does not exist
    in the new zone.
    """
    new_zone = zone_of(timezone)
    event = find_event(db)
    if event is None:
        return create_event(db, name, timezone, hashtag, url), True
    before = (event.name, event.timezone, event.hashtag, event.url)
    if event.timezone != timezone:
        _reanchor_slots(db, zone_of(event.timezone), new_zone)
    event.name, event.timezone, event.hashtag, event.url = name, timezone, hashtag, url
    db.flush()
    return event, before != (name, timezone, hashtag, url)


def _reanchor_slots(db: DbSession, old: ZoneInfo, new: ZoneInfo) -> None:
    slots = list_slots(db)
    starts: dict[int, datetime] = {}
    for slot in slots:
        local = slot.start.astimezone(old).replace(tzinfo=new)
        if not _exists(local):
            when = local.strftime("%Y-%m-%d %H:%M")
            raise InvalidError(f"the slot at {when} does not exist in {new.key} (clocks change)")
        starts[slot.id] = local.astimezone(UTC)
    if len(set(starts.values())) != len(starts):
        raise ConflictError(f"two slots would start at the same moment in {new.key}")
    # Two steps, so that no slot takes another's start while both exist (starts are unique).
    for slot in slots:
        slot.start = slot.start.replace(year=slot.start.year + 1000)
    db.flush()
    for slot in slots:
        slot.start, slot.end = starts[slot.id], starts[slot.id] + SLOT_LENGTH
    db.flush()


def find_event(db: DbSession) -> Event | None:
    return db.scalars(select(Event).order_by(Event.id).limit(1)).first()


def get_event(db: DbSession) -> Event:
    """The event; :class:`NotFoundError` if none was created yet."""
    event = find_event(db)
    if event is None:
        raise NotFoundError("no event has been set up yet")
    return event


def zone_of(timezone: str) -> ZoneInfo:
    """The IANA zone named ``timezone``; :class:`InvalidError` if there is none."""
    try:
        return zone_named(timezone)
    except ValueError:
        raise InvalidError(f"unknown time zone {timezone[:64]!r}") from None


def add_day(db: DbSession, day: date, first_hour: int, last_hour: int) -> list[Slot]:
    """Add one-hour slots on ``day`` from ``first_hour`` to ``last_hour`` (local, exclusive).

    ``add_day(db, date(2027, 5, 15), 10, 18)`` adds 10:00–11:00 … 17:00–18:00 in the event's
    time zone, stored as UTC. A local hour that does not exist (clocks going forward) is skipped.
    """
    if not 0 <= first_hour < last_hour <= 24:
        raise InvalidError("hours must satisfy 0 <= first_hour < last_hour <= 24")
    zone = zone_of(get_event(db).timezone)
    starts = [datetime.combine(day, time(hour), zone) for hour in range(first_hour, last_hour)]
    return [add_slot(db, start) for start in starts if _exists(start)]


def _exists(local: datetime) -> bool:
    """Whether the wall-clock time ``local`` happens in its zone (not skipped by DST)."""
    assert local.tzinfo is not None
    round_trip = local.astimezone(UTC).astimezone(local.tzinfo)
    return round_trip.replace(tzinfo=None) == local.replace(tzinfo=None)


def add_slot(db: DbSession, start: datetime) -> Slot:
    """Add the one-hour slot starting at ``start`` (aware), on the local day it starts in."""
    if start.tzinfo is None:
        raise InvalidError("slot start must be timezone-aware")
    zone = zone_of(get_event(db).timezone)
    start = start.astimezone(UTC)
    if db.scalars(select(Slot).where(Slot.start == start)).first() is not None:
        raise ConflictError(f"a slot starting at {start.isoformat()} exists already")
    slot = Slot(day=_day(db, start.astimezone(zone).date()), start=start, end=start + SLOT_LENGTH)
    db.add(slot)
    db.flush()
    return slot


def _day(db: DbSession, day: date) -> Day:
    found = db.scalars(select(Day).where(Day.date == day)).first()
    if found is None:
        found = Day(date=day)
        db.add(found)
        db.flush()
    return found


def list_days(db: DbSession) -> list[Day]:
    return list(db.scalars(select(Day).order_by(Day.date)))


def list_slots(db: DbSession) -> list[Slot]:
    """Every slot of the event, in time order."""
    return list(db.scalars(select(Slot).order_by(Slot.start)))


def get_slot(db: DbSession, slot_id: int) -> Slot:
    slot = db.get(Slot, slot_id)
    if slot is None:
        raise NotFoundError(f"there is no slot {slot_id}")
    return slot


def add_room(
    db: DbSession,
    room_id: str,
    name: str,
    capacity: int | None = None,
    location: str | None = None,
    position: int | None = None,
) -> Room:
    """Add a room; ``room_id`` must stand in a topic level (letters, digits, ``-``, ``_``)."""
    try:
        check_id(room_id, "room id")
    except TopicError as exc:
        raise InvalidError(str(exc)) from None
    if db.get(Room, room_id) is not None:
        raise ConflictError(f"room {room_id!r} exists already")
    if position is None:
        position = len(list_rooms(db))
    room = Room(id=room_id, name=name, capacity=capacity, location=location, position=position)
    db.add(room)
    db.flush()
    return room


def list_rooms(db: DbSession) -> list[Room]:
    """Every room, in board order (``position``, then id)."""
    return list(db.scalars(select(Room).order_by(Room.position, Room.id)))


def get_room(db: DbSession, room_id: str) -> Room:
    room = db.get(Room, room_id)
    if room is None:
        raise NotFoundError(f"there is no room {room_id!r}")
    return room


def block_slot(
    db: DbSession, room_id: str, slot_id: int, label: str,
    *, source: str | None = None, source_ref: str | None = None,
) -> BlockedSlot:  # fmt: skip
    """Mark ``room_id`` at ``slot_id`` as taken by another event named ``label``.

    ``source``/``source_ref`` say what made the block (None: staff, by hand; see
    :class:`~hub.storage.models.BlockedSlot`).
    """
    room, slot = get_room(db, room_id), get_slot(db, slot_id)
    if find_block(db, room_id, slot_id) is not None:
        raise ConflictError(f"{room.name} is already blocked at {describe_slot(db, slot)}")
    clash = f"{room.name} has a session at {describe_slot(db, slot)}"
    if scheduled_at(db, room_id, slot_id) is not None:
        raise ConflictError(clash)
    block = BlockedSlot(
        room_id=room_id, slot_id=slot_id, label=label, source=source, source_ref=source_ref
    )
    db.add(block)
    try:
        db.flush()  # a booking committed meanwhile holds the slot (``slot_owners``)
    except IntegrityError:
        raise ConflictError(clash) from None
    return block


def find_block(db: DbSession, room_id: str, slot_id: int) -> BlockedSlot | None:
    query = select(BlockedSlot).where(BlockedSlot.room_id == room_id)
    return db.scalars(query.where(BlockedSlot.slot_id == slot_id)).first()


def list_blocks(db: DbSession, room_id: str | None = None) -> list[BlockedSlot]:
    query = select(BlockedSlot).order_by(BlockedSlot.slot_id, BlockedSlot.room_id)
    if room_id is not None:
        query = query.where(BlockedSlot.room_id == room_id)
    return list(db.scalars(query))


def scheduled_at(db: DbSession, room_id: str, slot_id: int) -> Session | None:
    """The scheduled session in ``room_id`` at ``slot_id``, if any."""
    query = select(Session).where(Session.room_id == room_id, Session.slot_id == slot_id)
    return db.scalars(query.where(Session.status == SCHEDULED)).first()


def describe_slot(db: DbSession, slot: Slot) -> str:
    """The slot as people say it, in the event's time zone: ``"Tue 14:00"``."""
    local = slot.start.astimezone(zone_of(get_event(db).timezone))
    return local.strftime("%a %H:%M")
