"""What a node says about itself: its retained status, and the diagnostic frame's facts.

Pure functions of what the node's loop holds; the loop publishes and draws them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared import __version__
from shared.wire import NodeStatus
from signage_node.state import DoorState

#: The status is re-sent when the clock offset moves by more than this (seconds).
OFFSET_STEP_S = 1.0
MAX_ERROR_CHARS = 500


@dataclass(frozen=True)
class Refresh:
    """The last refresh of the glass: when it started, how long it took, what is on it."""

    started_at: datetime | None = None
    duration_s: float | None = None
    frame_hash: str | None = None


def node_status(
    state: DoorState,
    *,
    panel: str,
    at: datetime,
    uptime_s: float,
    refresh: Refresh,
    ip: str | None,
    last_error: str | None,
) -> NodeStatus:
    """The node's ``online`` status as the hub's fleet page reads it."""
    snapshot = state.snapshot
    return NodeStatus(
        node_id=state.node_id,
        state="online",
        at=at,
        software_version=__version__,
        room_id=state.room_id,
        panel=panel,
        applied_version=snapshot.version if snapshot else None,
        applied_epoch=snapshot.epoch if snapshot else None,
        frame_hash=refresh.frame_hash,
        last_refresh_at=refresh.started_at,
        last_refresh_s=refresh.duration_s,
        clock_offset_s=state.clock_offset_s,
        uptime_s=uptime_s,
        ip=ip,
        last_error=last_error[:MAX_ERROR_CHARS] if last_error else None,
    )


def steady(status: NodeStatus) -> dict[str, object]:
    """What a status says, leaving out what moves with every tick of the clock: two statuses
    with equal ``steady`` need not both be sent."""
    said = status.model_dump(exclude={"at", "uptime_s", "clock_offset_s"})
    offset = status.clock_offset_s
    said["clock_offset_steps"] = None if offset is None else round(offset / OFFSET_STEP_S)
    return said


def diagnostic_facts(
    state: DoorState, *, ip: str | None, software: str = __version__
) -> tuple[tuple[str, str], ...]:
    """The (label, value) lines of the diagnostic frame a long hold of the button shows.

    Only values that change rarely, so the frame does not redraw itself while it is up.
    """
    snapshot = state.snapshot
    return (
        ("Node", state.node_id),
        ("Room", state.room_id or "not assigned"),
        ("IP", ip or "unknown"),
        ("Hub", state.hub_link()),
        ("Software", software),
        ("Snapshot", f"v{snapshot.version} · {snapshot.epoch}" if snapshot else "none yet"),
    )
