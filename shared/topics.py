"""Every MQTT topic name, built and parsed in one place.

The tree (prefix configurable, default ``openspaces/v1``)::

    {prefix}/rooms/{room_id}/state      hub → nodes   retained   RoomSnapshot
    {prefix}/site                       hub → nodes   retained   SiteInfo
    {prefix}/hub/status                 hub → all     retained   HubStatus (and last will)
    {prefix}/nodes/{node_id}/config     hub → node    retained   NodeConfig
    {prefix}/nodes/{node_id}/cmd        hub → node    never      NodeCommand (with expiry)
    {prefix}/nodes/{node_id}/status     node → hub    retained   NodeStatus (and last will)
    {prefix}/nodes/{node_id}/events     node → hub    no         ButtonEvent (QoS 1)

Nobody else builds a topic string by hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from shared.errors import TopicError

DEFAULT_PREFIX = "openspaces/v1"
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_PREFIX = re.compile(r"^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$")

TopicKind = Literal[
    "room_state", "site", "hub_status", "node_config", "node_cmd", "node_status", "node_events"
]
_NODE_LEAVES: dict[str, TopicKind] = {
    "config": "node_config",
    "cmd": "node_cmd",
    "status": "node_status",
    "events": "node_events",
}


def check_id(value: str, what: str = "id") -> str:
    """Return ``value`` if it can stand in a topic level; raise :class:`TopicError` if not.

    Refuses MQTT wildcards (``+``, ``#``), ``/``, spaces, ``$`` and anything past 64 characters.
    """
    if not _ID.match(value):
        raise TopicError(
            f"{what} {value!r} must be 1-64 letters, digits, '-' or '_', starting with a "
            "letter or digit (no '/', '+', '#' or spaces)"
        )
    return value


@dataclass(frozen=True)
class TopicMatch:
    """What a parsed topic is about: its kind and, for room and node topics, the id."""

    kind: TopicKind
    id: str | None = None


@dataclass(frozen=True)
class Topics:
    """Builds and parses the topic names under one prefix."""

    prefix: str = DEFAULT_PREFIX

    def __post_init__(self) -> None:
        if not _PREFIX.match(self.prefix):
            raise TopicError(f"topic prefix {self.prefix!r} must be plain levels joined by '/'")

    def room_state(self, room_id: str) -> str:
        return f"{self.prefix}/rooms/{check_id(room_id, 'room id')}/state"

    def all_room_states(self) -> str:
        """The subscription filter for every room's state."""
        return f"{self.prefix}/rooms/+/state"

    def site(self) -> str:
        return f"{self.prefix}/site"

    def hub_status(self) -> str:
        return f"{self.prefix}/hub/status"

    def node_config(self, node_id: str) -> str:
        return self._node(node_id, "config")

    def node_cmd(self, node_id: str) -> str:
        return self._node(node_id, "cmd")

    def node_status(self, node_id: str) -> str:
        return self._node(node_id, "status")

    def node_events(self, node_id: str) -> str:
        return self._node(node_id, "events")

    def all_node_statuses(self) -> str:
        return f"{self.prefix}/nodes/+/status"

    def all_node_events(self) -> str:
        return f"{self.prefix}/nodes/+/events"

    def _node(self, node_id: str, leaf: str) -> str:
        return f"{self.prefix}/nodes/{check_id(node_id, 'node id')}/{leaf}"

    def parse(self, topic: str) -> TopicMatch:
        """What ``topic`` is; raise :class:`TopicError` for a topic outside our tree."""
        head = self.prefix + "/"
        if not topic.startswith(head):
            raise TopicError(f"topic {topic!r} is not under {self.prefix!r}")
        levels = topic[len(head) :].split("/")
        match levels:
            case ["site"]:
                return TopicMatch("site")
            case ["hub", "status"]:
                return TopicMatch("hub_status")
            case ["rooms", room_id, "state"] if _ID.match(room_id):
                return TopicMatch("room_state", room_id)
            case ["nodes", node_id, leaf] if _ID.match(node_id) and leaf in _NODE_LEAVES:
                return TopicMatch(_NODE_LEAVES[leaf], node_id)
        raise TopicError(f"topic {topic!r} is not one of ours")
