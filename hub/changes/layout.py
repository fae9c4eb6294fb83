"""Staff changes to the board's frame: rooms, days and slots, blocked slots, announcements.

A change that can alter what several doors show (a new slot, a renamed room named in "Moved to"
notices, a site-wide announcement) republishes every room; the publisher only sends rooms whose
content really changed.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from hub import repo
from hub.audit import (
    Actor,
    announcement_state,
    block_state,
    record,
    room_state,
    slot_state,
)
from hub.changes.fleet import node_state
from hub.repo import layout
from hub.runtime import Hub
from hub.storage.models import Announcement, BlockedSlot, Room, Slot

log = logging.getLogger(__name__)


def add_room(
    hub: Hub, actor: Actor, room_id: str, name: str,
    capacity: int | None = None, location: str | None = None,
) -> Room:  # fmt: skip
    with hub.database.transaction() as db:
        room = repo.add_room(db, room_id, name, capacity, location or None)
        record(db, actor, "room.add", f"room {room_id}", None, room_state(room), hub.clock.now())
    hub.publisher.publish_rooms([room_id])
    return room


def edit_room(
    hub: Hub, actor: Actor, room_id: str, *, name: str, capacity: int | None, location: str,
    position: int | None = None,
) -> Room:  # fmt: skip
    """Set a room's name, capacity (None: unknown), location ("" for none) and board position."""
    with hub.database.transaction() as db:
        before = room_state(repo.get_room(db, room_id))
        room = layout.edit_room(
            db, room_id, name=name, capacity=capacity, clear_capacity=capacity is None,
            location=location, position=position,
        )  # fmt: skip
        after = room_state(room)
        if after != before:
            record(db, actor, "room.edit", f"room {room_id}", before, after, hub.clock.now())
    hub.publisher.publish_all_rooms()
    return room


def remove_room(hub: Hub, actor: Actor, room_id: str) -> list[str]:
    """Remove a room without sessions; return the doors that showed it, now unassigned.

    Their configs go out first (the doors say "Not assigned"), then the room's retained state
    is emptied on the broker, then the other rooms follow (their "also on now" and notices).
    """
    with hub.database.transaction() as db:
        now = hub.clock.now()
        doors = [node for node in repo.list_nodes(db) if node.room_id == room_id]
        for node in doors:
            before = node_state(node)
            repo.assign_node(db, node.node_id, None)
            record(db, actor, "node.assign", f"node {node.node_id}", before, node_state(node), now)
        room = layout.remove_room(db, room_id)
        record(db, actor, "room.remove", f"room {room_id}", room_state(room), None, now)
        door_ids = [node.node_id for node in doors]
    log.info("room %s removed by %s; doors now unassigned: %s", room_id, actor.label,
             ", ".join(door_ids) or "none")  # fmt: skip
    hub.publisher.publish_node_configs(door_ids)
    hub.publisher.clear_rooms([room_id])
    hub.publisher.publish_all_rooms()
    return door_ids


def add_day(hub: Hub, actor: Actor, day: date, first_hour: int, last_hour: int) -> list[Slot]:
    """Add one-hour slots on ``day`` from ``first_hour`` to ``last_hour`` (local, exclusive)."""
    with hub.database.transaction() as db:
        slots = repo.add_day(db, day, first_hour, last_hour)
        after = {"date": day.isoformat(), "slots": [slot_state(s) for s in slots]}
        record(db, actor, "day.add", f"day {day.isoformat()}", None, after, hub.clock.now())
    hub.publisher.publish_all_rooms()
    return slots


def add_slot(hub: Hub, actor: Actor, start: datetime) -> Slot:
    with hub.database.transaction() as db:
        slot = repo.add_slot(db, start)
        record(db, actor, "slot.add", f"slot {slot.id}", None, slot_state(slot), hub.clock.now())
    hub.publisher.publish_all_rooms()
    return slot


def remove_slot(hub: Hub, actor: Actor, slot_id: int) -> None:
    with hub.database.transaction() as db:
        slot = layout.remove_slot(db, slot_id)
        record(db, actor, "slot.remove", f"slot {slot_id}", slot_state(slot), None,
               hub.clock.now())  # fmt: skip
    hub.publisher.publish_all_rooms()


def block_slot(
    hub: Hub, actor: Actor, room_id: str, slot_id: int, label: str, *, source: str | None = None
) -> BlockedSlot:
    """Mark a free room+slot as taken by another event named ``label`` (``source``: what made
    the block, None for staff by hand; see :class:`~hub.storage.models.BlockedSlot`)."""
    with hub.database.transaction() as db:
        block = repo.block_slot(db, room_id, slot_id, label, source=source)
        record(db, actor, "block.add", f"block {block.id}", None, block_state(block),
               hub.clock.now())  # fmt: skip
    hub.publisher.publish_rooms([room_id])
    return block


def relabel_block(hub: Hub, actor: Actor, block_id: int, label: str) -> BlockedSlot:
    """Give a block a new label (room, slot and source stay)."""
    with hub.database.transaction() as db:
        before = block_state(layout.get_block(db, block_id))
        block = layout.edit_block(db, block_id, label=label, source_ref=before.get("source_ref"))
        record(db, actor, "block.edit", f"block {block_id}", before, block_state(block),
               hub.clock.now())  # fmt: skip
    hub.publisher.publish_rooms([block.room_id])
    return block


def unblock(hub: Hub, actor: Actor, block_id: int) -> None:
    with hub.database.transaction() as db:
        block = layout.unblock(db, block_id)
        record(db, actor, "block.remove", f"block {block_id}", block_state(block), None,
               hub.clock.now())  # fmt: skip
    hub.publisher.publish_rooms([block.room_id])


def announce(
    hub: Hub, actor: Actor, text: str, room_id: str | None, expires_at: datetime | None
) -> Announcement:
    """Post an announcement for one room or (``room_id`` None) every door and the board."""
    with hub.database.transaction() as db:
        if room_id is not None:
            repo.get_room(db, room_id)
        found = repo.add_announcement(db, text, room_id, expires_at)
        record(db, actor, "announcement.add", f"announcement {found.id}", None,
               announcement_state(found), hub.clock.now())  # fmt: skip
    _publish_announcement(hub, room_id)
    return found


def withdraw_announcement(hub: Hub, actor: Actor, announcement_id: int) -> None:
    with hub.database.transaction() as db:
        found = layout.remove_announcement(db, announcement_id)
        record(db, actor, "announcement.remove", f"announcement {announcement_id}",
               announcement_state(found), None, hub.clock.now())  # fmt: skip
    _publish_announcement(hub, found.room_id)


def _publish_announcement(hub: Hub, room_id: str | None) -> None:
    if room_id is None:
        hub.publisher.publish_all_rooms()
        hub.publisher.publish_site()
    else:
        hub.publisher.publish_rooms([room_id])
