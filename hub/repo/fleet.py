"""SQL for the door fleet: nodes, what they last reported, and button events already applied."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from hub.errors import InvalidError, NotFoundError
from hub.storage.models import Node, ProcessedEvent, Room, Slot
from shared.errors import TopicError
from shared.topics import check_id


def assign_node(db: DbSession, node_id: str, room_id: str | None, panel: str | None = None) -> Node:
    """Create or update a node's assignment: the room it shows and its panel."""
    node = _node(db, node_id)
    if room_id is not None and db.get(Room, room_id) is None:
        raise NotFoundError(f"there is no room {room_id!r}")
    node.room_id = room_id
    if panel is not None:
        node.panel = panel
    db.flush()
    return node


def record_node_status(
    db: DbSession,
    node_id: str,
    *,
    online: bool,
    status_json: str,
    seen_at: datetime,
    panel: str | None = None,
) -> Node:
    """Store what a node reported. An unknown node is created (the worker asks first).

    A report never assigns: the node's room is the hub's to set (:func:`assign_node`).

    ``last_seen`` becomes ``seen_at``, except for an ``offline`` status of a node already
    offline (the broker's retained copy, redelivered when the hub reconnects): it keeps the
    moment the node went offline, which the fleet's alerts count from.
    """
    node = _node(db, node_id)
    if online or node.online or node.last_seen is None:
        node.last_seen = seen_at
    node.online = online
    node.last_status = status_json
    if panel is not None:
        node.panel = panel
    db.flush()
    return node


def door_shows(db: DbSession, room_id: str, slot_id: int, now: datetime) -> bool:
    """Whether a door shows ``room_id`` at ``slot_id`` now: a node is assigned to the room and
    the slot is on (a door draws only the slot on now). Confirmations say "its door shows it"
    only when this holds."""
    slot = db.get(Slot, slot_id)
    if slot is None or not slot.start <= now < slot.end:
        return False
    return db.scalar(select(Node.node_id).where(Node.room_id == room_id).limit(1)) is not None


def list_nodes(db: DbSession) -> list[Node]:
    return list(db.scalars(select(Node).order_by(Node.node_id)))


def get_node(db: DbSession, node_id: str) -> Node:
    node = db.get(Node, node_id)
    if node is None:
        raise NotFoundError(f"there is no node {node_id!r}")
    return node


def remove_node(db: DbSession, node_id: str) -> bool:
    """Forget a node (its credentials were revoked); False if the hub did not know it."""
    node = db.get(Node, node_id)
    if node is None:
        return False
    db.delete(node)
    db.flush()
    return True


def mark_event_processed(db: DbSession, event_id: str, node_id: str) -> bool:
    """Record a button event; False if it was processed before (then do nothing else)."""
    if db.get(ProcessedEvent, event_id) is not None:
        return False
    db.add(ProcessedEvent(event_id=event_id, node_id=node_id))
    db.flush()
    return True


def _node(db: DbSession, node_id: str) -> Node:
    try:
        check_id(node_id, "node id")
    except TopicError as exc:
        raise InvalidError(str(exc)) from None
    node = db.get(Node, node_id)
    if node is None:
        node = Node(node_id=node_id, online=False)
        db.add(node)
    return node
