"""What an event file changes on the hub: :func:`plan_setup`, a pure comparison.

The file is the truth about what it names; the rules for what it does not name:

- **Event, rooms, days**: created when missing, changed field by field when they differ (a room's
  board position is its place in the file). A new time zone keeps slots at their local times.
- **Hours**: a day's slots from ``first_hour`` to ``last_hour`` are added where missing (an hour
  the clocks skip is left out, as ``POST /api/v1/days`` does).
- **Blocks**: added where the slot is free (marked as made by setup), relabelled when the label
  differs; a block setup made that the file no longer lists is removed. A slot holding a card,
  or a block made by a programme import, is left alone and noted.
- **Removals**: rooms, days and hours the file does not list are noted and kept; with ``prune``
  they are removed, except those holding sessions (cancelled ones too), which are always kept.
  Blocks staff made by hand on kept slots are never touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from itertools import pairwise
from zoneinfo import ZoneInfo

from hub.setup.file import BlockSection, DaySection, EventFile, RoomSection

#: ``BlockedSlot.source`` of the blocks an event file makes.
SETUP = "setup"
_PROGRAM = "program"


@dataclass(frozen=True)
class RoomNow:
    name: str
    capacity: int | None
    location: str | None
    position: int
    sessions: int


@dataclass(frozen=True)
class SlotNow:
    id: int
    sessions: int


@dataclass(frozen=True)
class BlockNow:
    id: int
    label: str
    source: str | None


@dataclass(frozen=True)
class Current:
    """The hub's board, keyed as the file speaks: local start times in the event's zone."""

    event: tuple[str, str, str | None, str | None] | None
    rooms: dict[str, RoomNow]
    slots: dict[datetime, SlotNow]
    blocks: dict[tuple[str, datetime], BlockNow]
    cards: dict[tuple[str, datetime], str]


@dataclass(frozen=True)
class SaveEvent:
    name: str
    timezone: str
    hashtag: str | None
    url: str | None


@dataclass(frozen=True)
class AddRoom:
    room: RoomSection
    position: int


@dataclass(frozen=True)
class EditRoom:
    room: RoomSection
    position: int


@dataclass(frozen=True)
class RemoveRoom:
    room_id: str


@dataclass(frozen=True)
class AddDay:
    day: DaySection


@dataclass(frozen=True)
class AddSlots:
    starts: tuple[datetime, ...]


@dataclass(frozen=True)
class RemoveSlots:
    slot_ids: tuple[int, ...]


@dataclass(frozen=True)
class AddBlock:
    room_id: str
    start: datetime
    label: str


@dataclass(frozen=True)
class RelabelBlock:
    block_id: int
    label: str


@dataclass(frozen=True)
class RemoveBlock:
    block_id: int


Action = (
    SaveEvent | AddRoom | EditRoom | RemoveRoom | AddDay | AddSlots | RemoveSlots | AddBlock
    | RelabelBlock | RemoveBlock
)  # fmt: skip


#: The order steps run in: what others need first, removals last (blocks before their rooms
#: and slots, which would take the blocks with them).
_ORDER: list[type] = [
    SaveEvent, AddRoom, EditRoom, AddDay, AddSlots, RemoveBlock, RelabelBlock, AddBlock,
    RemoveSlots, RemoveRoom,
]  # fmt: skip


@dataclass(frozen=True)
class Step:
    """One change: ``verb`` and ``past`` (``"add"``/``"added"``) and what it is about."""

    verb: str
    past: str
    what: str
    action: Action


@dataclass
class Plan:
    steps: list[Step] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def step(self, verbs: tuple[str, str], what: str, action: Action) -> None:
        self.steps.append(Step(verbs[0], verbs[1], what, action))


ADD, CHANGE, REMOVE = ("add", "added"), ("change", "changed"), ("remove", "removed")
CREATE, RELABEL = ("create", "created"), ("relabel", "relabelled")


def plan_setup(wanted: EventFile, now: Current, *, prune: bool) -> Plan:
    """The steps that make the hub match ``wanted``, and notes on what is left as it is."""
    plan = Plan()
    _plan_event(plan, wanted, now)
    _plan_rooms(plan, wanted.rooms, now, prune=prune)
    zone = ZoneInfo(wanted.event.timezone)
    _plan_days(plan, wanted.days, now, zone, prune=prune)
    _plan_blocks(plan, wanted.blocks, now)
    plan.steps.sort(key=lambda step: _ORDER.index(type(step.action)))
    return plan


def _plan_event(plan: Plan, wanted: EventFile, now: Current) -> None:
    event = wanted.event
    fields = (event.name, event.timezone, event.tag, event.url)
    action = SaveEvent(*fields)
    if now.event is None:
        plan.step(CREATE, f'the event "{event.name}" ({event.timezone})', action)
        return
    names = ("name", "timezone", "hashtag", "url")
    changed = [_change(n, old, new) for n, old, new in zip(names, now.event, fields, strict=True)
               if old != new]  # fmt: skip
    if now.event[1] != event.timezone:
        changed.append("slots keep their local times")
    if changed:
        plan.step(CHANGE, "the event: " + "; ".join(changed), action)


def _plan_rooms(plan: Plan, rooms: list[RoomSection], now: Current, *, prune: bool) -> None:
    for position, room in enumerate(rooms):
        found = now.rooms.get(room.id)
        if found is None:
            plan.step(ADD, f"room {room.id} {_describe_room(room)}", AddRoom(room, position))
            continue
        old = (found.name, found.capacity, found.location or None, found.position)
        new = (room.name, room.capacity, room.location or None, position)
        names = ("name", "capacity", "location", "position")
        changed = [_change(n, a, b) for n, a, b in zip(names, old, new, strict=True) if a != b]
        if changed:
            plan.step(CHANGE, f"room {room.id}: " + "; ".join(changed), EditRoom(room, position))
    listed = {room.id for room in rooms}
    for room_id, found in sorted(now.rooms.items()):
        if room_id in listed:
            continue
        if found.sessions:
            plan.notes.append(f"room {room_id} is not in the file; kept: it holds sessions")
        elif prune:
            plan.step(REMOVE, f"room {room_id} (not in the file)", RemoveRoom(room_id))
        else:
            plan.notes.append(f"room {room_id} is not in the file; kept (--prune removes it)")


def _plan_days(
    plan: Plan, days: list[DaySection], now: Current, zone: ZoneInfo, *, prune: bool
) -> None:
    wanted: set[datetime] = set()
    for day in days:
        starts = [s for s in _starts(day) if _exists(s, zone)]
        wanted.update(starts)
        missing = tuple(s for s in starts if s not in now.slots)
        if not any(start.date() == day.date for start in now.slots):
            plan.step(ADD, f"day {day.date}, {_hours(starts)}", AddDay(day))
        elif missing:
            plan.step(ADD, f"slots on {day.date}: {_hours(missing)}", AddSlots(missing))
    extra = sorted(start for start in now.slots if start not in wanted)
    for extra_day in sorted({start.date() for start in extra}):
        same_day = [start for start in extra if start.date() == extra_day]
        _plan_extra_slots(plan, extra_day, same_day, now, prune=prune)


def _plan_extra_slots(
    plan: Plan, day: date, starts: list[datetime], now: Current, *, prune: bool
) -> None:
    busy = [start for start in starts if now.slots[start].sessions]
    free = [start for start in starts if not now.slots[start].sessions]
    if busy:
        plan.notes.append(f"{day} {_hours(busy)}: not in the file; kept: they hold sessions")
    if free and prune:
        ids = tuple(now.slots[start].id for start in free)
        plan.step(REMOVE, f"slots on {day}: {_hours(free)} (not in the file)", RemoveSlots(ids))
    elif free:
        plan.notes.append(f"{day} {_hours(free)}: not in the file; kept (--prune removes them)")


def _plan_blocks(plan: Plan, blocks: list[BlockSection], now: Current) -> None:
    wanted: dict[tuple[str, datetime], str] = {}
    for block in blocks:
        day, hour = block.start
        wanted[block.room, datetime.combine(day, time(hour))] = block.label
    for (room_id, start), found in sorted(now.blocks.items()):
        if found.source == SETUP and (room_id, start) not in wanted:
            where = f"{room_id} {start:%Y-%m-%d %H:%M}"
            plan.step(REMOVE, f'block {where} "{found.label}" (not in the file)',
                      RemoveBlock(found.id))  # fmt: skip
    for (room_id, start), label in wanted.items():
        _plan_block(plan, room_id, start, label, now)


def _plan_block(plan: Plan, room_id: str, start: datetime, label: str, now: Current) -> None:
    where = f"{room_id} {start:%Y-%m-%d %H:%M}"
    found, card = now.blocks.get((room_id, start)), now.cards.get((room_id, start))
    if card is not None:
        plan.notes.append(f'block {where} not added: the slot holds the card "{card}"')
    elif found is None:
        plan.step(ADD, f'block {where} "{label}"', AddBlock(room_id, start, label))
    elif found.source == _PROGRAM:
        plan.notes.append(f'block {where} left as the programme import made it: "{found.label}"')
    elif found.label != label:
        plan.step(RELABEL, f'block {where}: "{found.label}" → "{label}"',
                  RelabelBlock(found.id, label))  # fmt: skip


def _starts(day: DaySection) -> list[datetime]:
    return [datetime.combine(day.date, time(hour)) for hour in day.hours]


def _exists(local: datetime, zone: ZoneInfo) -> bool:
    """Whether the wall-clock time ``local`` happens in ``zone`` (not skipped by DST)."""
    round_trip = local.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)
    return round_trip.replace(tzinfo=None) == local


def _hours(starts: list[datetime] | tuple[datetime, ...]) -> str:
    if not starts:
        return "no slots"
    hours = sorted(starts)
    if len(hours) > 2 and all(b.hour - a.hour == 1 for a, b in pairwise(hours)):
        return f"{hours[0]:%H:%M}–{hours[-1].hour + 1:02d}:00 ({len(hours)} slots)"
    return ", ".join(f"{start:%H:%M}" for start in hours)


def _describe_room(room: RoomSection) -> str:
    details = [f"capacity {room.capacity}"] if room.capacity else []
    details += [room.location] if room.location else []
    return f'"{room.name}"' + (f" ({', '.join(details)})" if details else "")


def _change(name: str, old: object, new: object) -> str:
    return f"{name} {_show(old)} → {_show(new)}"


def _show(value: object) -> str:
    return "none" if value is None else f'"{value}"' if isinstance(value, str) else str(value)
