"""Request and response bodies of the API: Create/Update/Public models per resource.

Field limits stay within the wire format's (``shared.wire``), so anything the API accepts can
go into a snapshot: title ≤ 120, description ≤ 1000, host name and handle ≤ 80 characters.
Text is normalised first (:func:`shared.text.normalise`: no control characters, escape
sequences or bidi overrides; line breaks kept only in the description), then the limits apply.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from hub.mqtt.snapshots import Links
from hub.storage.models import Room, Session, Slot
from shared.text import MultiLine, SingleLine

Title = Annotated[str, StringConstraints(min_length=1, max_length=120), SingleLine]
Description = Annotated[str, StringConstraints(max_length=1000), MultiLine]
HostText = Annotated[str, StringConstraints(max_length=80), SingleLine]
#: A row id in a body (PostgreSQL ``integer`` range), so a huge number is a 422, not a crash.
RowId = Annotated[int, Field(ge=1, le=2**31 - 1)]


class Body(BaseModel):
    """A request body: a field the model does not name is a 422, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class RoomPublic(BaseModel):
    id: str
    name: str
    capacity: int | None
    location: str | None
    position: int

    @classmethod
    def of(cls, room: Room) -> RoomPublic:
        return cls(
            id=room.id, name=room.name, capacity=room.capacity, location=room.location,
            position=room.position,
        )  # fmt: skip


class BlockPublic(BaseModel):
    room_id: str
    label: str


class SlotPublic(BaseModel):
    id: int
    day: date
    start: datetime
    end: datetime
    blocked: list[BlockPublic]

    @classmethod
    def of(cls, slot: Slot, blocked: list[BlockPublic]) -> SlotPublic:
        return cls(id=slot.id, day=slot.day.date, start=slot.start, end=slot.end, blocked=blocked)


class SessionCreate(Body):
    room_id: str
    slot_id: RowId
    title: Title
    description: Description = ""
    host_name: HostText = ""
    host_handle: HostText = ""


class SessionUpdate(Body):
    """Only the fields sent change. ``room_id``/``slot_id`` move; ``status`` cancels/restores;
    ``locked`` (staff only) puts a moderation hold on the card, or lifts it."""

    title: Title | None = None
    description: Description | None = None
    host_name: HostText | None = None
    host_handle: HostText | None = None
    room_id: str | None = None
    slot_id: RowId | None = None
    status: Literal["scheduled", "cancelled"] | None = None
    locked: bool | None = None


class FullUpdate(Body):
    full: bool


class SessionPublic(BaseModel):
    id: int
    room_id: str
    slot_id: int
    start: datetime
    end: datetime
    title: str
    description: str
    host_name: str
    host_handle: str
    full: bool
    status: str
    moderated: Literal["cancelled", "moved", "locked"] | None = Field(
        default=None,
        description="set once staff cancel, move or lock the card: its edit link may then "
        "only withdraw it",
    )
    url: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, session: Session, links: Links) -> SessionPublic:
        return cls(
            id=session.id, room_id=session.room_id, slot_id=session.slot_id,
            start=session.slot.start, end=session.slot.end, title=session.title,
            description=session.description, host_name=session.host_name,
            host_handle=session.host_handle, full=session.full, status=session.status,
            moderated=session.moderated, url=links.session(session.id),
            created_at=session.created_at, updated_at=session.updated_at,
        )  # fmt: skip


class SessionCreated(SessionPublic):
    """The answer to a new card: ``edit_url`` is private, shown once (public calls only)."""

    edit_url: str | None = None
