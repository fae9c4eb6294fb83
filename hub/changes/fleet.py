"""Staff actions on door nodes: assign a node to a room, and make a node identify itself.

Assigning records the node's new room and its audit entry in one transaction, then publishes
the node's retained ``nodes/{id}/config``: the node follows at once (or when it next connects),
with no edit on the Pi. Identifying sends a :class:`~shared.wire.NodeCommand` on
``nodes/{id}/cmd``, never retained and with an MQTT message expiry, so a node that is away does
not blink minutes later; it is audited once sent.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from hub import repo
from hub.audit import Actor, record
from hub.runtime import Hub
from hub.storage.models import Node
from shared import wire

log = logging.getLogger(__name__)

#: How long an identified node blinks its LED and shows its id, in seconds.
IDENTIFY_S = 30.0
#: How long the broker keeps an undelivered command, in seconds.
COMMAND_EXPIRY_S = 60


def node_state(node: Node) -> dict[str, Any]:
    """What the audit log keeps of a node's assignment."""
    return {"room_id": node.room_id, "panel": node.panel}


def assign_node(hub: Hub, actor: Actor, node_id: str, room_id: str | None) -> Node:
    """Make ``node_id`` show ``room_id`` (None: no room, the door says "Not assigned").

    :class:`~hub.errors.NotFoundError` for a node the hub does not know (provision it first)
    or a room that does not exist.
    """
    with hub.database.transaction() as db:
        before = node_state(repo.get_node(db, node_id))
        node = repo.assign_node(db, node_id, room_id)
        after = node_state(node)
        if after != before:
            record(db, actor, "node.assign", f"node {node_id}", before, after, hub.clock.now())
    log.info("node %s assigned to room %s by %s", node_id, room_id or "none", actor.label)
    hub.publisher.publish_node_configs([node_id])
    return node


def identify_node(
    hub: Hub, actor: Actor, node_id: str, duration_s: float = IDENTIFY_S
) -> wire.NodeCommand | None:
    """Ask ``node_id`` to blink its LED and show its id for ``duration_s``.

    Returns the command sent, or None when the hub is not connected to the broker (nothing is
    queued: a late identify only confuses). :class:`~hub.errors.NotFoundError` for an unknown
    node.
    """
    with hub.database.reading() as db:
        repo.get_node(db, node_id)
    command = wire.NodeCommand(
        id=uuid.uuid4().hex, command="identify", issued_at=hub.clock.now(), duration_s=duration_s
    )
    link = hub.link
    topic = hub.topics.node_cmd(node_id)
    if link is None or not link.publish_command(
        topic, wire.encode(command), expiry_s=COMMAND_EXPIRY_S
    ):
        log.warning("identify for node %s not sent: the hub is not connected", node_id)
        return None
    with hub.database.transaction() as db:
        after = {"command": command.command, "id": command.id, "duration_s": duration_s}
        record(db, actor, "node.identify", f"node {node_id}", None, after, hub.clock.now())
    log.info("node %s asked to identify itself by %s", node_id, actor.label)
    return command
