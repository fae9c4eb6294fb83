"""What other threads tell the node's loop: small immutable events on one queue.

paho's network thread, gpiozero's pin threads and the display worker never touch the node's
state; they build one of these and put it on the queue (see :class:`signage_node.app.Node`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.wire import HubStatus, NodeCommand, NodeConfig, RoomSnapshot, SiteInfo


@dataclass(frozen=True)
class SnapshotArrived:
    """A valid snapshot on ``rooms/{room_id}/state`` (``room_id`` from the topic)."""

    room_id: str
    snapshot: RoomSnapshot


@dataclass(frozen=True)
class RoomCleared:
    """The retained snapshot of ``room_id`` was cleared (the hub removed the room)."""

    room_id: str


@dataclass(frozen=True)
class ConfigArrived:
    config: NodeConfig


@dataclass(frozen=True)
class SiteArrived:
    site: SiteInfo


@dataclass(frozen=True)
class HubStatusArrived:
    """The hub's status: ``live`` if just sent (a heartbeat), not the broker's retained copy,
    whose ``at`` may be old."""

    status: HubStatus
    live: bool = True


@dataclass(frozen=True)
class CommandArrived:
    command: NodeCommand


@dataclass(frozen=True)
class LinkChanged:
    """The broker connection came up (``connected``) or went down (with paho's reason)."""

    connected: bool
    reason: str = ""


@dataclass(frozen=True)
class AddressFound:
    """The node's own IP address, as the link sees it (best effort; for status and diagnostics)."""

    ip: str


@dataclass(frozen=True)
class ButtonPressed:
    """A short press of the door button (debounced, released before the hold time)."""


@dataclass(frozen=True)
class ButtonHeld:
    """The door button was held down for ``hold_s``."""


@dataclass(frozen=True)
class FrameShown:
    """The display worker finished a refresh (``error`` set if the display failed)."""

    frame_hash: str
    started_at: datetime
    duration_s: float
    error: str | None = None


@dataclass(frozen=True)
class PartFailed:
    """Something unexpected was raised in ``part`` (the supervisor logged and counted it)."""

    part: str
    error: str


@dataclass(frozen=True)
class Wake:
    """Re-evaluate now (the clock may have moved); sent by :meth:`Node.wake`."""


NodeEvent = (
    SnapshotArrived
    | RoomCleared
    | ConfigArrived
    | SiteArrived
    | HubStatusArrived
    | CommandArrived
    | LinkChanged
    | AddressFound
    | ButtonPressed
    | ButtonHeld
    | FrameShown
    | PartFailed
    | Wake
)
