"""What the public forms accept: the same normalised text and limits as the API
(:mod:`hub.api.schemas`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session as DbSession

from hub import repo
from hub.api.schemas import Description, HostText, Title
from hub.changes.sessions import CardText


class CardForm(BaseModel):
    """A card's text as typed in a form (unknown fields, like buttons, are ignored)."""

    model_config = ConfigDict(extra="ignore")

    title: Title
    description: Description = ""
    host_name: HostText = ""
    host_handle: HostText = ""

    def text(self) -> CardText:
        return CardText(self.title, self.description, self.host_name, self.host_handle)


class IdeaForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    title: Title
    description: Description = ""
    proposer: HostText = ""


@dataclass(frozen=True)
class Place:
    """A free room+slot a card can go in; ``value`` is how a form names it."""

    room_id: str
    room_name: str
    slot_id: int
    start: datetime

    @property
    def value(self) -> str:
        return f"{self.room_id}|{self.slot_id}"

    def describe(self) -> str:
        return f"{self.start.strftime('%a %d %b, %H:%M')} — {self.room_name}"


def free_places(db: DbSession, now: datetime) -> list[Place]:
    """Every room+slot that is not over, not blocked and has no scheduled session."""
    zone: ZoneInfo = repo.zone_of(repo.get_event(db).timezone)
    taken = {(s.room_id, s.slot_id) for s in repo.list_sessions(db) if s.status == "scheduled"}
    taken |= {(b.room_id, b.slot_id) for b in repo.list_blocks(db)}
    rooms = repo.list_rooms(db)
    return [
        Place(room.id, room.name, slot.id, slot.start.astimezone(zone))
        for slot in repo.list_slots(db)
        if slot.end > now
        for room in rooms
        if (room.id, slot.id) not in taken
    ]


def parse_place(value: str) -> tuple[str, int] | None:
    """``"room-a|7"`` → ``("room-a", 7)``; None when it is not of that shape."""
    room_id, _, slot = value.partition("|")
    if not room_id or not re.fullmatch("[0-9]{1,9}", slot):
        return None
    return room_id, int(slot)
