"""``/api/v1/rooms``: the rooms, and each room's door frame as its node would draw it."""

from __future__ import annotations

import io
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Response, status
from pydantic import AwareDatetime

from hub import repository as repo
from hub.api.deps import HubDep
from hub.api.schemas import RoomPublic
from hub.errors import NotFoundError
from shared.errors import ConfigError
from shared.render import NodeContext, get_panel, render_door
from shared.wire import RoomSnapshot

router = APIRouter(prefix="/api/v1/rooms", tags=["rooms"])


@router.get("")
def list_rooms(hub: HubDep) -> list[RoomPublic]:
    """Every room, in board order."""
    with hub.database.transaction() as db:
        return [RoomPublic.of(room) for room in repo.list_rooms(db)]


@router.get(
    "/{room_id}/door.png",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}, "description": "the door frame"}},
)
def door_png(
    room_id: str,
    hub: HubDep,
    panel: Annotated[str, Query(description="a panel id from `openspaces panels`")],
    at: Annotated[AwareDatetime | None, Query(description="ISO-8601 time; default now")] = None,
) -> Response:
    """The frame the room's door shows at ``at`` on ``panel``: the same pixels as the node's."""
    try:
        chosen = get_panel(panel)
    except ConfigError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, exc.problem) from None
    with hub.database.transaction() as db:
        repo.get_room(db, room_id)
        stored = repo.stored_snapshot(db, room_id)
        if stored is None:
            raise NotFoundError(f"room {room_id!r} has no snapshot yet (is the event set up?)")
        payload = stored.payload
    snapshot = RoomSnapshot.model_validate_json(payload)
    frame = render_door(snapshot, at or hub.clock.now(), chosen, NodeContext())
    buffer = io.BytesIO()
    frame.save(buffer, format="PNG")
    return Response(buffer.getvalue(), media_type="image/png")
