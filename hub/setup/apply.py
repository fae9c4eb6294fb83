"""Applying an event file: read the board, plan (:mod:`hub.setup.plan`), make each change.

Every change goes through :mod:`hub.changes` (its own transaction and audit entry, by the
given actor; the CLI uses ``staff setup``), in the plan's order: event, rooms, days and slots,
blocks, then removals. A change the hub refuses stops the run with that error; the changes
before it stay, and running the file again finishes the job (a run changes only what differs).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session as DbSession

from hub import repo
from hub.audit import Actor
from hub.changes import event as event_changes
from hub.changes import layout as changes
from hub.errors import NotFoundError
from hub.runtime import Hub
from hub.setup.file import EventFile
from hub.setup.plan import (
    SETUP,
    Action,
    AddBlock,
    AddDay,
    AddRoom,
    AddSlots,
    BlockNow,
    Current,
    EditRoom,
    Plan,
    RelabelBlock,
    RemoveBlock,
    RemoveRoom,
    RemoveSlots,
    RoomNow,
    SaveEvent,
    SlotNow,
    plan_setup,
)
from hub.storage.models import SCHEDULED


@dataclass(frozen=True)
class SetupResult:
    plan: Plan
    dry_run: bool

    def lines(self) -> list[str]:
        """What was done (or would be), one line per change, then the notes and a summary."""
        done = [
            f"would {step.verb} {step.what}" if self.dry_run else f"{step.past} {step.what}"
            for step in self.plan.steps
        ]
        notes = [f"note: {note}" for note in self.plan.notes]
        count = len(self.plan.steps)
        if not count:
            summary = "nothing to change: the hub already matches the file"
        else:
            summary = f"{'would make' if self.dry_run else 'made'} {count} change"
            summary += "" if count == 1 else "s"
        return [*done, *notes, summary]


def setup_event(
    hub: Hub, actor: Actor, wanted: EventFile, *, dry_run: bool, prune: bool
) -> SetupResult:
    """Make the hub match ``wanted`` (or, with ``dry_run``, only say how)."""
    with hub.database.reading() as db:
        now = load_current(db)
    plan = plan_setup(wanted, now, prune=prune)
    if not dry_run:
        for step in plan.steps:
            _apply(hub, actor, step.action)
    return SetupResult(plan, dry_run)


def load_current(db: DbSession) -> Current:
    """The board as the file speaks of it: local times in the event's zone."""
    event = repo.find_event(db)
    if event is None:
        return Current(None, {}, {}, {}, {})
    zone = repo.zone_of(event.timezone)
    slots = repo.list_slots(db)
    local = {slot.id: slot.start.astimezone(zone).replace(tzinfo=None) for slot in slots}
    sessions = repo.list_sessions(db)
    per_slot = Counter(session.slot_id for session in sessions)
    per_room = Counter(session.room_id for session in sessions)
    return Current(
        event=(event.name, event.timezone, event.hashtag, event.url),
        rooms={
            room.id: RoomNow(room.name, room.capacity, room.location, room.position,
                             per_room[room.id])
            for room in repo.list_rooms(db)
        },
        slots={local[slot.id]: SlotNow(slot.id, per_slot[slot.id]) for slot in slots},
        blocks={
            (b.room_id, local[b.slot_id]): BlockNow(b.id, b.label, b.source)
            for b in repo.list_blocks(db)
        },
        cards={
            (s.room_id, local[s.slot_id]): s.title for s in sessions if s.status == SCHEDULED
        },
    )  # fmt: skip


def _apply(hub: Hub, actor: Actor, action: Action) -> None:  # noqa: PLR0912 (one branch a kind)
    match action:
        case SaveEvent(name, timezone, hashtag, url):
            event_changes.save_event(hub, actor, name=name, timezone=timezone, hashtag=hashtag,
                                     url=url)  # fmt: skip
        case AddRoom(room, position):
            added = changes.add_room(hub, actor, room.id, room.name, room.capacity, room.location)
            if added.position != position:
                _edit_room(hub, actor, EditRoom(room, position))
        case EditRoom():
            _edit_room(hub, actor, action)
        case RemoveRoom(room_id):
            changes.remove_room(hub, actor, room_id)
        case AddDay(day):
            changes.add_day(hub, actor, day.date, day.first_hour, day.last_hour)
        case AddSlots(starts):
            for start in starts:
                changes.add_slot(hub, actor, _aware(hub, start))
        case RemoveSlots(slot_ids):
            for slot_id in slot_ids:
                changes.remove_slot(hub, actor, slot_id)
        case AddBlock(room_id, start, label):
            slot_id = _slot_at(hub, start)
            changes.block_slot(hub, actor, room_id, slot_id, label, source=SETUP)
        case RelabelBlock(block_id, label):
            changes.relabel_block(hub, actor, block_id, label)
        case RemoveBlock(block_id):
            changes.unblock(hub, actor, block_id)


def _edit_room(hub: Hub, actor: Actor, action: EditRoom) -> None:
    room = action.room
    changes.edit_room(
        hub, actor, room.id, name=room.name, capacity=room.capacity,
        location=room.location or "", position=action.position,
    )  # fmt: skip


def _aware(hub: Hub, local: datetime) -> datetime:
    """``local`` in the event's time zone (as it is now, after any change by this run)."""
    with hub.database.reading() as db:
        return local.replace(tzinfo=repo.zone_of(repo.get_event(db).timezone))


def _slot_at(hub: Hub, local: datetime) -> int:
    start = _aware(hub, local)
    with hub.database.reading() as db:
        for slot in repo.list_slots(db):
            if slot.start == start:
                return slot.id
    raise NotFoundError(f"there is no slot at {local:%Y-%m-%d %H:%M}")
