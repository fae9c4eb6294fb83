"""Bodies of the nodes API: a node's health as the fleet page shows it, and the staff actions.

The fields mirror :class:`hub.fleet.NodeHealth`; see :mod:`hub.fleet` for the rules behind
``frame``, the ``*_since`` times and ``alerts``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from hub.api.schemas import Body
from hub.fleet import AlertKind, FrameState, NodeHealth
from shared.wire import TopicId


class FleetAlert(BaseModel):
    kind: AlertKind = Field(
        description="offline or wrong_frame for longer than the hub's fleet_alert_after_s; "
        "clock: the node's clock is more than 60 s from the hub's"
    )
    since: datetime | None = Field(description="when the condition began (null: unknown)")
    clock_offset_s: float | None = None


class NodePublic(BaseModel):
    node_id: str
    room_id: str | None
    panel: str | None
    online: bool
    last_seen: datetime | None = Field(
        description="when the hub last heard from the node, or when it went offline"
    )
    status: dict[str, Any] | None = Field(description="the node's last valid status report")
    frame: FrameState = Field(
        description="whether the node's reported frame hash is one the hub expects it to show"
    )
    expected_frames: list[str] = Field(
        description="hashes of the frames the hub accepts now (more than one just before a "
        "slot boundary, when the node may have refreshed early)"
    )
    offline_since: datetime | None
    wrong_frame_since: datetime | None
    alerts: list[FleetAlert]

    @classmethod
    def of(cls, health: NodeHealth) -> NodePublic:
        node = health.node
        status = node.status.model_dump(mode="json") if node.status is not None else None
        return cls(
            node_id=node.node_id, room_id=node.room_id, panel=health.panel, online=node.online,
            last_seen=node.last_seen, status=status, frame=health.frame,
            expected_frames=list(health.expected), offline_since=health.offline_since,
            wrong_frame_since=health.wrong_since,
            alerts=[FleetAlert(kind=a.kind, since=a.since, clock_offset_s=a.clock_offset_s)
                    for a in health.alerts],
        )  # fmt: skip


class RoomAssignment(Body):
    room_id: TopicId | None = Field(description="the room the node shows; null: no room")


class CommandSent(BaseModel):
    command_id: str
    command: Literal["identify", "refresh"]
    duration_s: float
    expires_in_s: int = Field(description="the broker drops the command if undelivered by then")
