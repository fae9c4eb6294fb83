"""The door fleet's health: what each node should show, whether it does, and what to alert on.

One rule for the fleet page, ``GET /api/v1/nodes`` and the ``openspaces_frames_mismatched``
gauge. Everything here but :func:`read_fleet` is a pure function of what the database holds
and the hub's clock.

**Expected frames.** A node draws its room's latest snapshot with the same renderer and the
same context as ``GET /api/v1/rooms/{id}/door.png`` ("also on now" from every stored snapshot),
so the hub can compare hashes. A node starts its refresh up to one panel refresh (``refresh_s``)
before the door's words change (:func:`shared.doortime.door_time`), so in that window
both the frame for *now* and the frame for each change within the window are accepted
(:func:`expected_frames`). A node the hub assigned no room is expected to show "Not assigned".

**Since when.** Nothing is tracked between requests: the times come from the records. A node
went offline when the hub recorded its ``offline`` status (``last_seen``, which a repeated
``offline`` does not move). A wrong frame has been wrong at least since the later of the moment
the node's frame went on the glass (its refresh's end, on the hub's clock) and the moment the
hub's expectation last changed (the room's snapshot was published, or the door's words turned
over at a slot boundary, an announcement's end or midnight). That is never earlier than the
truth, so an alert never comes early.

**Alerts** (:class:`Alert`): a door offline, or online showing a wrong frame, for at least
``alert_after_s`` (the hub's ``fleet_alert_after_s``, default three minutes); a door whose clock
is more than :data:`MAX_CLOCK_OFFSET_S` from the hub's, at once. A node that never reported is
offline "since" unknown, and alerted at once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import lru_cache
from typing import Literal

from pydantic import ValidationError

from hub import repo
from hub.storage.db import Database
from shared.doortime import next_change
from shared.render import DoorView, NodeContext, Panel, door_view, draw_frame, frame_hash
from shared.render.panels import PANELS
from shared.render.suggestions import also_on_now
from shared.schedule import now_and_next
from shared.wire import NodeStatus, RoomSnapshot

log = logging.getLogger(__name__)

#: Default seconds a door may be offline or show a wrong frame before it is an alert.
DEFAULT_ALERT_AFTER_S = 180.0
#: A node clock further than this from the hub's (seconds) is an alert at once.
MAX_CLOCK_OFFSET_S = 60.0

FrameState = Literal["match", "mismatch", "unknown"]
AlertKind = Literal["offline", "wrong_frame", "clock"]


@dataclass(frozen=True)
class NodeRecord:
    """What the hub's database holds about one node (``status``: its last report, if valid)."""

    node_id: str
    room_id: str | None
    panel: str | None
    online: bool
    last_seen: datetime | None
    status: NodeStatus | None


@dataclass(frozen=True)
class Alert:
    """A door staff should look at: ``since`` when the condition began (None: unknown)."""

    node_id: str
    kind: AlertKind
    since: datetime | None
    clock_offset_s: float | None = None


@dataclass(frozen=True)
class NodeHealth:
    """One node as the fleet page shows it.

    ``panel`` is the panel the node reported (else the one the hub assigned); ``expected`` the
    frame hashes the hub accepts from it now; ``frame`` whether its reported hash is one of
    them (``unknown``: offline, no hash reported, or no panel the hub can draw).
    """

    node: NodeRecord
    panel: str | None
    frame: FrameState
    expected: tuple[str, ...]
    offline_since: datetime | None
    wrong_since: datetime | None
    alerts: tuple[Alert, ...]


def expected_frames(
    node_id: str,
    room_id: str | None,
    snapshots: Mapping[str, RoomSnapshot],
    panel: Panel,
    now: datetime,
) -> tuple[str, ...]:
    """Hashes of the frames a node on ``panel`` showing ``room_id`` may correctly show at
    ``now``: the frame for ``now``, then the frame for each change of the door's words within
    ``panel.refresh_s`` after ``now`` (the node may have refreshed early for it)."""
    own = snapshots.get(room_id) if room_id is not None else None
    others = [snap for rid, snap in snapshots.items() if rid != room_id]
    hashes = [_frame_hash(_view(node_id, room_id, own, others, now), panel.id)]
    at = now
    while (change := next_change(own, at, others)) is not None:
        if (change - now).total_seconds() > panel.refresh_s:
            break
        hashes.append(_frame_hash(_view(node_id, room_id, own, others, change), panel.id))
        at = change
    return tuple(dict.fromkeys(hashes))


def frame_state(status: NodeStatus | None, expected: Sequence[str]) -> FrameState:
    """Whether the frame the node reported is one the hub expects."""
    if status is None or status.frame_hash is None or not expected:
        return "unknown"
    return "match" if status.frame_hash in expected else "mismatch"


def assess(
    node: NodeRecord,
    snapshots: Mapping[str, RoomSnapshot],
    now: datetime,
    alert_after_s: float = DEFAULT_ALERT_AFTER_S,
) -> NodeHealth:
    """The health of one node at ``now``; see the module docstring for the rules."""
    panel_id = (node.status.panel if node.status else None) or node.panel
    panel = PANELS.get(panel_id) if panel_id is not None else None
    expected: tuple[str, ...] = ()
    if node.online and panel is not None:
        expected = expected_frames(node.node_id, node.room_id, snapshots, panel, now)
    state = frame_state(node.status, expected) if node.online else "unknown"
    offline_since = None if node.online else node.last_seen
    wrong_since = None
    if state == "mismatch":
        wrong_since = _wrong_since(node, snapshots, now)
    alerts = _alerts(node, offline_since, wrong_since, now, timedelta(seconds=alert_after_s))
    return NodeHealth(node, panel_id, state, expected, offline_since, wrong_since, alerts)


def assess_fleet(
    nodes: Iterable[NodeRecord],
    snapshots: Mapping[str, RoomSnapshot],
    now: datetime,
    alert_after_s: float = DEFAULT_ALERT_AFTER_S,
) -> list[NodeHealth]:
    """:func:`assess` for every node, in the given order."""
    return [assess(node, snapshots, now, alert_after_s) for node in nodes]


def read_fleet(
    database: Database, now: datetime, alert_after_s: float = DEFAULT_ALERT_AFTER_S
) -> list[NodeHealth]:
    """Every known node's health at ``now``, read from ``database`` in one transaction."""
    with database.reading() as db:
        nodes = [
            NodeRecord(n.node_id, n.room_id, n.panel, n.online, n.last_seen,
                       parse_status(n.node_id, n.last_status))
            for n in repo.list_nodes(db)
        ]  # fmt: skip
        payloads = [(row.room_id, row.payload) for row in repo.stored_snapshots(db)]
    snapshots = {room_id: snap for room_id, text in payloads if (snap := _snapshot(text))}
    return assess_fleet(nodes, snapshots, now, alert_after_s)


def parse_status(node_id: str, text: str | None) -> NodeStatus | None:
    """A stored status report, or None when there is none or it is not a valid one."""
    if text is None:
        return None
    try:
        return NodeStatus.model_validate_json(text)
    except ValidationError:
        log.debug("node %s: stored status is not a valid report", node_id)
        return None


# -- what the door shows ---------------------------------------------------------------


def _view(
    node_id: str,
    room_id: str | None,
    own: RoomSnapshot | None,
    others: Sequence[RoomSnapshot],
    at: datetime,
) -> DoorView:
    """The words on the door at ``at``, in the context the node itself uses."""
    suggestions = also_on_now(own, others, at) if own is not None else ()
    context = NodeContext(node_id=node_id, also_on_now=suggestions, assigned=room_id is not None)
    return door_view(own, at, context)


@lru_cache(maxsize=512)
def _frame_hash(view: DoorView, panel_id: str) -> str:
    """The hash of ``view`` drawn on the panel; drawing is the slow part, so it is cached."""
    return frame_hash(draw_frame(view, PANELS[panel_id]))


@lru_cache(maxsize=512)
def _snapshot(text: str) -> RoomSnapshot | None:
    try:
        return RoomSnapshot.model_validate_json(text)
    except ValidationError:
        log.warning("a stored room snapshot is not valid; its room is left out of the fleet")
        return None


# -- since when ------------------------------------------------------------------------


def _wrong_since(
    node: NodeRecord, snapshots: Mapping[str, RoomSnapshot], now: datetime
) -> datetime | None:
    """The earliest moment the node's wrong frame is known to have been wrong."""
    moments = [_frame_since(node), _expected_since(node.room_id, snapshots, now)]
    known = [moment for moment in moments if moment is not None]
    return max(known, default=None)


def _frame_since(node: NodeRecord) -> datetime | None:
    """When the node's current frame went on the glass, on the hub's clock (no later than the
    hub last heard from it)."""
    status = node.status
    if status is None or status.last_refresh_at is None:
        return node.last_seen
    shown = status.last_refresh_at + timedelta(seconds=status.last_refresh_s or 0.0)
    shown -= timedelta(seconds=status.clock_offset_s or 0.0)
    return min(shown, node.last_seen) if node.last_seen is not None else shown


def _expected_since(
    room_id: str | None, snapshots: Mapping[str, RoomSnapshot], now: datetime
) -> datetime | None:
    """The last moment at or before ``now`` at which the door's expected words may have
    changed: a publish of its snapshot (of any room's, while its session is full, for "also
    on now"), a slot boundary, an announcement's end, or local midnight."""
    own = snapshots.get(room_id) if room_id is not None else None
    if own is None:
        return None
    rooms = [own]
    if _full_now(own, now):
        rooms += [snap for rid, snap in snapshots.items() if rid != room_id]
    moments = [snap.published_at for snap in rooms]
    moments += [edge for snap in rooms for slot in snap.slots for edge in (slot.start, slot.end)]
    moments += [a.expires_at for a in own.announcements if a.expires_at is not None]
    zone = own.event.zone()
    moments.append(datetime.combine(now.astimezone(zone).date(), time(0), zone))
    return max((moment for moment in moments if moment <= now), default=None)


def _full_now(snapshot: RoomSnapshot, at: datetime) -> bool:
    slot = now_and_next(snapshot.slots, at).current
    return slot is not None and slot.session is not None and slot.session.full


# -- alerts ----------------------------------------------------------------------------


def _alerts(
    node: NodeRecord,
    offline_since: datetime | None,
    wrong_since: datetime | None,
    now: datetime,
    after: timedelta,
) -> tuple[Alert, ...]:
    alerts = []
    if not node.online and (offline_since is None or now - offline_since >= after):
        alerts.append(Alert(node.node_id, "offline", offline_since))
    if wrong_since is not None and now - wrong_since >= after:
        alerts.append(Alert(node.node_id, "wrong_frame", wrong_since))
    offset = node.status.clock_offset_s if node.status is not None else None
    if node.online and offset is not None and abs(offset) > MAX_CLOCK_OFFSET_S:
        alerts.append(Alert(node.node_id, "clock", None, offset))
    return tuple(alerts)
