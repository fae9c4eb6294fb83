"""SQL for staff edits of the board's frame: rooms, slots, days, blocked slots, announcements.

Adding things lives in :mod:`hub.repo.schedule` and :mod:`hub.repo.publishing`; this module
changes and removes them. Removing a slot or room that still holds sessions is refused
(:class:`~hub.errors.ConflictError`): move or delete the sessions first.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session as DbSession

from hub.errors import ConflictError, NotFoundError
from hub.repo.schedule import describe_slot, get_room, get_slot
from hub.storage.models import Announcement, AuditEntry, BlockedSlot, Day, Room, Session, Slot


def edit_room(
    db: DbSession,
    room_id: str,
    *,
    name: str | None = None,
    capacity: int | None = None,
    location: str | None = None,
    position: int | None = None,
    clear_capacity: bool = False,
) -> Room:
    """Change a room's fields; ``None`` leaves one as it is (``clear_capacity`` empties it).

    An empty ``location`` string clears the location.
    """
    room = get_room(db, room_id)
    if name is not None:
        room.name = name
    if capacity is not None or clear_capacity:
        room.capacity = capacity
    if location is not None:
        room.location = location or None
    if position is not None:
        room.position = position
    db.flush()
    return room


def remove_room(db: DbSession, room_id: str) -> Room:
    """Delete a room that has never held a session (its blocks and notices go with it)."""
    room = get_room(db, room_id)
    if _count(db, Session.room_id == room_id):
        raise ConflictError(f"{room.name} has sessions: move or delete them first")
    db.delete(room)
    db.flush()
    return room


def room_exists(db: DbSession, room_id: str) -> bool:
    return db.get(Room, room_id) is not None


def removed_room_ids(db: DbSession) -> list[str]:
    """The rooms the audit log records as removed (``room.remove`` on ``room {id}``) that do
    not exist now, sorted: whose retained state the broker must not keep."""
    targets = db.scalars(select(AuditEntry.target).where(AuditEntry.action == "room.remove"))
    removed = {target.removeprefix("room ") for target in targets}
    existing = set(db.scalars(select(Room.id).where(Room.id.in_(removed))))
    return sorted(removed - existing)


def remove_slot(db: DbSession, slot_id: int) -> Slot:
    """Delete a slot without sessions (and its blocks); a day left without slots goes too."""
    slot = get_slot(db, slot_id)
    if _count(db, Session.slot_id == slot_id):
        raise ConflictError(f"the slot at {describe_slot(db, slot)} has sessions")
    day_id = slot.day_id
    db.delete(slot)
    db.flush()
    if not _count_slots(db, day_id):
        day = db.get(Day, day_id)
        if day is not None:
            db.delete(day)
            db.flush()
    return slot


def get_block(db: DbSession, block_id: int) -> BlockedSlot:
    block = db.get(BlockedSlot, block_id)
    if block is None:
        raise NotFoundError(f"there is no blocked slot {block_id}")
    return block


def edit_block(
    db: DbSession, block_id: int, *, label: str, source_ref: str | None = None
) -> BlockedSlot:
    """Set a block's label (and what it came from); room, slot and source stay."""
    block = get_block(db, block_id)
    block.label = label
    block.source_ref = source_ref
    db.flush()
    return block


def unblock(db: DbSession, block_id: int) -> BlockedSlot:
    """Free a blocked room+slot; returns the removed block."""
    block = get_block(db, block_id)
    db.delete(block)
    db.flush()
    return block


def list_announcements(db: DbSession) -> list[Announcement]:
    """Every announcement, expired ones too, newest first."""
    return list(db.scalars(select(Announcement).order_by(Announcement.id.desc())))


def get_announcement(db: DbSession, announcement_id: int) -> Announcement:
    found = db.get(Announcement, announcement_id)
    if found is None:
        raise NotFoundError(f"there is no announcement {announcement_id}")
    return found


def remove_announcement(db: DbSession, announcement_id: int) -> Announcement:
    found = get_announcement(db, announcement_id)
    db.delete(found)
    db.flush()
    return found


def _count(db: DbSession, condition: ColumnElement[bool]) -> int:
    return db.scalar(select(func.count()).select_from(Session).where(condition)) or 0


def _count_slots(db: DbSession, day_id: int) -> int:
    return db.scalar(select(func.count()).select_from(Slot).where(Slot.day_id == day_id)) or 0
