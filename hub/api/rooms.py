"""``/api/v1/rooms``: the rooms, and each room's door frame as its node would draw it."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Response, status
from pydantic import AfterValidator, AwareDatetime

from hub import repo
from hub.api.deps import HubDep
from hub.api.responses import errors
from hub.api.schemas import RoomPublic
from hub.errors import NotFoundError
from shared.errors import ConfigError
from shared.render import NodeContext, get_panel, render_door
from shared.render.suggestions import also_on_now
from shared.wire import RoomSnapshot


def _on_the_calendar(moment: datetime) -> datetime:
    """A time the door could show: in UTC, a day inside the years 2 to 9998 (so that any time
    zone's date of it, and the day around it, exist)."""
    try:
        utc = moment.astimezone(UTC)
    except OverflowError:
        utc = None
    if utc is None or not EARLIEST <= utc <= LATEST:
        raise ValueError("the time must be between the years 2 and 9998")
    return moment


EARLIEST = datetime(2, 1, 1, tzinfo=UTC)
LATEST = datetime(9998, 12, 31, tzinfo=UTC)
Moment = Annotated[AwareDatetime, AfterValidator(_on_the_calendar)]

router = APIRouter(prefix="/api/v1/rooms", tags=["rooms"], responses=errors(422))


@router.get("", summary="List rooms")
def list_rooms(hub: HubDep) -> list[RoomPublic]:
    """Every room, in board order."""
    with hub.database.reading() as db:
        return [RoomPublic.of(room) for room in repo.list_rooms(db)]


@router.get(
    "/{room_id}/door.png",
    summary="A room's door frame as PNG",
    response_class=Response,
    responses={
        200: {
            "content": {"image/png": {"schema": {"type": "string", "format": "binary"}}},
            "description": "the door frame",
        },
        **errors(404),
    },
)
def door_png(
    room_id: str,
    hub: HubDep,
    panel: Annotated[str, Query(description="a panel id from `openspaces panels`")],
    at: Annotated[Moment | None, Query(description="ISO-8601 time; default now")] = None,
) -> Response:
    """The frame the room's door shows at ``at`` on ``panel``: the same pixels as the node's.

    Drawn from the snapshots the hub stored (and published) for every room, so a full session
    suggests the same other rooms as the node, which reads them all from the broker.
    """
    try:
        chosen = get_panel(panel)
    except ConfigError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, exc.problem) from None
    with hub.database.reading() as db:
        repo.get_room(db, room_id)
        payloads = {row.room_id: row.payload for row in repo.stored_snapshots(db)}
    if room_id not in payloads:
        raise NotFoundError(f"room {room_id!r} has no snapshot yet (is the event set up?)")
    snapshots = {rid: RoomSnapshot.model_validate_json(p) for rid, p in payloads.items()}
    snapshot = snapshots.pop(room_id)
    moment = at or hub.clock.now()
    context = NodeContext(also_on_now=also_on_now(snapshot, snapshots.values(), moment))
    frame = render_door(snapshot, moment, chosen, context)
    buffer = io.BytesIO()
    frame.save(buffer, format="PNG")
    return Response(buffer.getvalue(), media_type="image/png")
