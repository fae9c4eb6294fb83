"""``/api/v1/nodes`` (staff): the door fleet, each node's health, and the staff actions on it.

Listing gives what each node last reported and whether its frame is the one the hub expects
(:mod:`hub.fleet`, the same rule as the fleet page and ``/metrics``). ``identify`` makes a
node blink its LED and show its id (sent at once or not at all: 503 while the hub is not
connected to the broker); ``room`` assigns the node to a room, which it follows without any
edit on the Pi. Both go through :mod:`hub.changes.fleet` (audited).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, status

from hub.api.deps import HubDep, StaffDep
from hub.api.node_schemas import CommandSent, NodePublic, RoomAssignment
from hub.api.responses import errors
from hub.audit import Actor
from hub.changes import fleet as changes
from hub.fleet import NodeHealth, read_fleet
from hub.runtime import Hub

router = APIRouter(prefix="/api/v1/nodes", tags=["nodes"], responses=errors(401))

NOT_CONNECTED = "the hub is not connected to the MQTT broker; try again shortly"
NodeId = Annotated[
    str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$", description="the node's id")
]


@router.get("", summary="List door nodes (staff)")
def list_nodes(hub: HubDep, staff: StaffDep) -> list[NodePublic]:
    """Every known node: room, panel, online, last seen, its last status report, whether its
    frame matches the hub's, and its alerts."""
    return [NodePublic.of(health) for health in _fleet(hub)]


@router.post(
    "/{node_id}/identify",
    summary="Make a door identify itself (staff)",
    status_code=status.HTTP_202_ACCEPTED,
    responses=errors(404, 422, 503),
)
def identify(node_id: NodeId, hub: HubDep, staff: StaffDep) -> CommandSent:
    """Blink the node's LED and show its id on the panel for 30 s. The command is not retained
    and expires after 60 s, so a node that is away does not act on it later."""
    command = changes.identify_node(hub, Actor.token(staff.name), node_id)
    if command is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, NOT_CONNECTED)
    return CommandSent(
        command_id=command.id, command=command.command, duration_s=command.duration_s,
        expires_in_s=changes.COMMAND_EXPIRY_S,
    )  # fmt: skip


@router.put("/{node_id}/room", summary="Assign a door to a room (staff)",
            responses=errors(400, 404, 422))  # fmt: skip
def assign(node_id: NodeId, body: RoomAssignment, hub: HubDep, staff: StaffDep) -> NodePublic:
    """Record the node's room and publish its retained config: the node follows at once."""
    changes.assign_node(hub, Actor.token(staff.name), node_id, body.room_id)
    return NodePublic.of(next(h for h in _fleet(hub) if h.node.node_id == node_id))


def _fleet(hub: Hub) -> list[NodeHealth]:
    return read_fleet(hub.database, hub.clock.now(), hub.settings.fleet_alert_after_s)
