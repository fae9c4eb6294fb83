"""Staff API for the board's frame: rooms, days, slots, blocked slots, announcements, audit log.

Every write needs a staff token and goes through :mod:`hub.changes.layout` (audited, then the
affected rooms and ``site`` are published). Reading the blocks and the active announcements is
public; the audit log is for staff.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from hub import audit, repo
from hub.api.board_schemas import (
    AnnouncementCreate,
    AnnouncementOut,
    AuditOut,
    BlockCreate,
    BlockOut,
    DayCreate,
    DayPublic,
    RoomCreate,
    RoomUpdate,
    SlotCreate,
)
from hub.api.deps import HubDep, StaffDep
from hub.api.responses import PathId, errors
from hub.api.schemas import RoomPublic, SlotPublic
from hub.audit import Actor
from hub.changes import layout as changes
from hub.errors import InvalidError
from hub.repo import layout

router = APIRouter(prefix="/api/v1", tags=["staff: schedule"], responses=errors(400, 422))
NO_CONTENT = status.HTTP_204_NO_CONTENT


@router.post(
    "/rooms",
    status_code=status.HTTP_201_CREATED,
    summary="Add a room (staff)",
    responses=errors(401, 409),
)
def add_room(body: RoomCreate, hub: HubDep, staff: StaffDep) -> RoomPublic:
    """Add a room; its ``id`` stands in MQTT topics (letters, digits, ``-``, ``_``)."""
    room = changes.add_room(
        hub, Actor.token(staff.name), body.id, body.name, body.capacity, body.location
    )
    return RoomPublic.of(room)


@router.patch("/rooms/{room_id}", summary="Edit a room (staff)", responses=errors(401, 404))
def edit_room(room_id: str, body: RoomUpdate, hub: HubDep, staff: StaffDep) -> RoomPublic:
    """Change the fields sent (``capacity: null`` = unknown, ``location: ""`` = none)."""
    with hub.database.reading() as db:
        current = RoomPublic.of(repo.get_room(db, room_id))
    sent = body.model_fields_set
    room = changes.edit_room(
        hub, Actor.token(staff.name), room_id,
        name=body.name if body.name is not None else current.name,
        capacity=body.capacity if "capacity" in sent else current.capacity,
        location=body.location if body.location is not None else current.location or "",
        position=body.position,
    )  # fmt: skip
    return RoomPublic.of(room)


@router.delete(
    "/rooms/{room_id}",
    status_code=NO_CONTENT,
    summary="Remove a room (staff)",
    responses=errors(401, 404, 409),
)
def remove_room(room_id: str, hub: HubDep, staff: StaffDep) -> Response:
    """Remove a room that never held a session."""
    changes.remove_room(hub, Actor.token(staff.name), room_id)
    return Response(status_code=NO_CONTENT)


@router.get("/days", summary="List days")
def list_days(hub: HubDep) -> list[DayPublic]:
    """The event's days, each with its slot ids in time order."""
    with hub.database.reading() as db:
        slots = repo.list_slots(db)
        return [DayPublic.of(day, slots) for day in repo.list_days(db)]


@router.post(
    "/days",
    status_code=status.HTTP_201_CREATED,
    summary="Add a day of slots (staff)",
    responses=errors(401, 404, 409),
)
def add_day(body: DayCreate, hub: HubDep, staff: StaffDep) -> list[SlotPublic]:
    """Add a day of one-hour slots from ``first_hour`` to ``last_hour`` (local time)."""
    if body.last_hour <= body.first_hour:
        raise InvalidError("last_hour must be after first_hour")
    slots = changes.add_day(hub, Actor.token(staff.name), body.date, body.first_hour,
                            body.last_hour)  # fmt: skip
    with hub.database.reading() as db:
        return [SlotPublic.of(repo.get_slot(db, s.id), []) for s in slots]


@router.post(
    "/slots",
    status_code=status.HTTP_201_CREATED,
    summary="Add a slot (staff)",
    responses=errors(401, 404, 409),
)
def add_slot(body: SlotCreate, hub: HubDep, staff: StaffDep) -> SlotPublic:
    """Add one one-hour slot starting at ``start``."""
    slot = changes.add_slot(hub, Actor.token(staff.name), body.start)
    with hub.database.reading() as db:
        return SlotPublic.of(repo.get_slot(db, slot.id), [])


@router.delete(
    "/slots/{slot_id}",
    status_code=NO_CONTENT,
    summary="Remove a slot (staff)",
    responses=errors(401, 404, 409),
)
def remove_slot(slot_id: PathId, hub: HubDep, staff: StaffDep) -> Response:
    """Remove a slot that holds no sessions (its blocks go with it)."""
    changes.remove_slot(hub, Actor.token(staff.name), slot_id)
    return Response(status_code=NO_CONTENT)


@router.get("/blocks", summary="List blocked slots")
def list_blocks(hub: HubDep) -> list[BlockOut]:
    """Every room+slot taken by another event."""
    with hub.database.reading() as db:
        return [BlockOut.of(block) for block in repo.list_blocks(db)]


@router.post(
    "/blocks",
    status_code=status.HTTP_201_CREATED,
    summary="Block a slot (staff)",
    responses=errors(401, 404, 409),
)
def add_block(body: BlockCreate, hub: HubDep, staff: StaffDep) -> BlockOut:
    """Mark a free room+slot as taken by the event named in ``label``."""
    block = changes.block_slot(hub, Actor.token(staff.name), body.room_id, body.slot_id,
                               body.label)  # fmt: skip
    return BlockOut.of(block)


@router.delete(
    "/blocks/{block_id}",
    status_code=NO_CONTENT,
    summary="Free a blocked slot (staff)",
    responses=errors(401, 404),
)
def remove_block(block_id: PathId, hub: HubDep, staff: StaffDep) -> Response:
    changes.unblock(hub, Actor.token(staff.name), block_id)
    return Response(status_code=NO_CONTENT)


@router.get("/announcements", summary="List announcements in force")
def list_announcements(hub: HubDep) -> list[AnnouncementOut]:
    """The announcements in force now (site-wide and per room)."""
    now = hub.clock.now()
    with hub.database.reading() as db:
        found = layout.list_announcements(db)
        return [AnnouncementOut.of(a) for a in found if a.expires_at is None or a.expires_at > now]


@router.post(
    "/announcements",
    status_code=status.HTTP_201_CREATED,
    summary="Post an announcement (staff)",
    responses=errors(401, 404),
)
def announce(body: AnnouncementCreate, hub: HubDep, staff: StaffDep) -> AnnouncementOut:
    """Post an announcement to every door (no ``room_id``) or one room's door."""
    if body.expires_at is not None and body.expires_at <= hub.clock.now():
        raise InvalidError("expires_at is in the past")
    found = changes.announce(hub, Actor.token(staff.name), body.text, body.room_id,
                             body.expires_at)  # fmt: skip
    return AnnouncementOut.of(found)


@router.delete(
    "/announcements/{announcement_id}",
    status_code=NO_CONTENT,
    summary="Withdraw an announcement (staff)",
    responses=errors(401, 404),
)
def withdraw_announcement(announcement_id: PathId, hub: HubDep, staff: StaffDep) -> Response:
    changes.withdraw_announcement(hub, Actor.token(staff.name), announcement_id)
    return Response(status_code=NO_CONTENT)


@router.get("/audit", summary="The audit log (staff)", responses=errors(401))
def audit_log(
    hub: HubDep,
    staff: StaffDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    before_id: Annotated[int | None, Query(ge=1, description="older than this entry")] = None,
) -> list[AuditOut]:
    """Every change, newest first: who, what, when, and the state before and after."""
    with hub.database.reading() as db:
        entries = audit.list_entries(db, limit=limit, before_id=before_id)
        return [AuditOut.of(entry) for entry in entries]
