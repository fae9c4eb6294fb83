"""Bodies of the staff API for the board's frame (rooms, days, slots, blocks, announcements),
the audit log and the ideas wall. Limits match the database columns and the wire format, and
count the text after :func:`shared.text.normalise`."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, Field, StringConstraints

from hub.api.schemas import Body, Description, HostText, Title
from hub.storage.models import Announcement, AuditEntry, BlockedSlot, Day, Idea, Slot
from shared.text import SingleLine

Name = Annotated[str, StringConstraints(min_length=1, max_length=120), SingleLine]
Location = Annotated[str, StringConstraints(max_length=120), SingleLine]
Label = Annotated[str, StringConstraints(min_length=1, max_length=120), SingleLine]
AnnouncementText = Annotated[str, StringConstraints(min_length=1, max_length=280), SingleLine]
Capacity = Annotated[int, Field(ge=1, le=100_000)]


class RoomCreate(Body):
    id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
    name: Name
    capacity: Capacity | None = None
    location: Location | None = None


class RoomUpdate(Body):
    """Only the fields sent change; ``capacity: null`` makes it unknown, ``location: ""`` none."""

    name: Name | None = None
    capacity: Capacity | None = None
    location: Location | None = None
    position: Annotated[int, Field(ge=0, le=10_000)] | None = None


class DayCreate(Body):
    """Slots from ``first_hour`` to ``last_hour`` (exclusive), local time of the event."""

    date: date
    first_hour: Annotated[int, Field(ge=0, le=23)]
    last_hour: Annotated[int, Field(ge=1, le=24)]


class DayPublic(BaseModel):
    date: date
    slot_ids: list[int]

    @classmethod
    def of(cls, day: Day, slots: list[Slot]) -> DayPublic:
        return cls(date=day.date, slot_ids=[s.id for s in slots if s.day_id == day.id])


class SlotCreate(Body):
    start: AwareDatetime


class BlockCreate(Body):
    room_id: str
    slot_id: int
    label: Label


class BlockOut(BaseModel):
    id: int
    room_id: str
    slot_id: int
    label: str
    source: str | None = Field(
        default=None, description='None: blocked by hand; "program": by a programme import'
    )

    @classmethod
    def of(cls, block: BlockedSlot) -> BlockOut:
        return cls(
            id=block.id, room_id=block.room_id, slot_id=block.slot_id, label=block.label,
            source=block.source,
        )  # fmt: skip


class AnnouncementCreate(Body):
    """Site-wide without ``room_id``; no ``expires_at`` means until withdrawn."""

    text: AnnouncementText
    room_id: str | None = None
    expires_at: AwareDatetime | None = None


class AnnouncementOut(BaseModel):
    id: int
    text: str
    room_id: str | None
    expires_at: datetime | None
    created_at: datetime

    @classmethod
    def of(cls, found: Announcement) -> AnnouncementOut:
        return cls(
            id=found.id, text=found.text, room_id=found.room_id, expires_at=found.expires_at,
            created_at=found.created_at,
        )  # fmt: skip


class AuditOut(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str
    target: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditOut:
        return cls(
            id=entry.id, at=entry.at, actor=entry.actor, action=entry.action,
            target=entry.target, before=json.loads(entry.before) if entry.before else None,
            after=json.loads(entry.after) if entry.after else None,
        )  # fmt: skip


class IdeaCreate(Body):
    title: Title
    description: Description = ""
    proposer: HostText = ""


class IdeaHost(Body):
    """Taking an idea up: where, and who hosts; title and description default to the idea's."""

    room_id: str
    slot_id: int
    host_name: HostText
    host_handle: HostText = ""
    title: Title | None = None
    description: Description | None = None


class IdeaOut(BaseModel):
    id: int
    title: str
    description: str
    proposer: str
    session_id: int | None
    created_at: datetime

    @classmethod
    def of(cls, idea: Idea) -> IdeaOut:
        return cls(
            id=idea.id, title=idea.title, description=idea.description, proposer=idea.proposer,
            session_id=idea.session_id, created_at=idea.created_at,
        )  # fmt: skip
