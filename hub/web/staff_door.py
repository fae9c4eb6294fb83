"""Staff: a room's door preview on any panel (``/staff/rooms/{room_id}/door?panel=…``).

The frame is ``/api/v1/rooms/{room_id}/door.png``, the same pixels the node draws. The panel
picker lists every panel id (:data:`shared.render.panels.PANELS`); without one, the page shows
the panel a node in the room reports, else :data:`DEFAULT_PANEL`. Hardware words stay here, in
the staff area; the public room page shows only the schedule.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from hub import repo
from hub.repo import fleet
from hub.web.pages import PageRoute, hub_of, render
from hub.web.security import StaffViewer
from shared.render.panels import PANELS

router = APIRouter(route_class=PageRoute, include_in_schema=False)

#: The door preview shown when no node reports a panel for the room.
DEFAULT_PANEL = "impression-7.3-spectra6"


@router.get("/staff/rooms/{room_id:slug}/door")
def door_preview(
    request: Request,
    room_id: str,
    viewer: StaffViewer,
    panel: Annotated[str | None, Query()] = None,
) -> Response:
    """What the room's door shows now on ``panel``, with a picker of every panel."""
    hub = hub_of(request)
    with hub.database.reading() as db:
        room = repo.get_room(db, room_id)
        reported = [n.panel for n in fleet.list_nodes(db) if n.room_id == room_id and n.panel]
    chosen = panel if panel in PANELS else (reported[0] if reported else DEFAULT_PANEL)
    return render(request, "staff/door.html", {
        "title": f"Door preview: {room.name}", "room": room, "panel": chosen,
        "panels": sorted(PANELS), "reported": reported,
    })  # fmt: skip
