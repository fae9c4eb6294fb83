"""Turning the database into retained MQTT messages: room snapshots, ``site``, node configs.

:meth:`Publisher.publish_rooms` is called after every committed change with the rooms it
touched. For each room it builds the snapshot; if the content hash equals the stored one it does
nothing; otherwise it takes the next version from the counter and stores the snapshot in one
transaction, then publishes it retained (QoS 1). Without a connected link the snapshot is still
stored, and :meth:`Publisher.republish_all` (run on every broker connect) sends it later.

Thread-safe: API threads and the MQTT worker publish through one lock, so a room's versions go
out in order.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from typing import Protocol

from hub import repository as repo
from hub.db import Database
from hub.errors import NotFoundError
from hub.snapshots import Links, build_room_snapshot, build_site_info
from shared import wire
from shared.clock import Clock
from shared.topics import Topics

log = logging.getLogger(__name__)


class Link(Protocol):
    """Where published messages go (:class:`hub.mqtt_link.MqttLink` in production)."""

    def publish(self, topic: str, payload: bytes, *, retain: bool) -> None:
        """Send at QoS 1; may drop the message while disconnected (a reconnect republishes)."""
        ...


class Publisher:
    """Stores and publishes snapshots; see the module docstring for the contract."""

    def __init__(
        self, database: Database, topics: Topics, links: Links, clock: Clock, link: Link | None
    ) -> None:
        self.database = database
        self.topics = topics
        self.links = links
        self.clock = clock
        self.link = link
        self._lock = threading.RLock()

    def publish_rooms(self, room_ids: Iterable[str]) -> list[wire.RoomSnapshot]:
        """Store and publish the rooms whose content changed; return the new snapshots."""
        published = []
        with self._lock:
            for room_id in sorted(set(room_ids)):
                snapshot = self._store_if_changed(room_id)
                if snapshot is not None:
                    self._send(self.topics.room_state(room_id), snapshot)
                    published.append(snapshot)
        return published

    def publish_all_rooms(self) -> list[wire.RoomSnapshot]:
        """:meth:`publish_rooms` for every room."""
        with self.database.transaction() as db:
            room_ids = [room.id for room in repo.list_rooms(db)]
        return self.publish_rooms(room_ids)

    def republish_all(self) -> None:
        """Send every room's latest snapshot, ``site`` and every node config, changed or not.

        Run on every broker (re)connect: a broker that was killed forgets retained messages.
        """
        with self._lock:
            fresh = {s.room.id for s in self.publish_all_rooms()}
            with self.database.transaction() as db:
                stored = [(row.room_id, row.payload) for row in repo.stored_snapshots(db)]
            for room_id, payload in stored:
                if room_id not in fresh:
                    self._send_raw(self.topics.room_state(room_id), payload.encode("utf-8"))
            self.publish_site()
            self.publish_node_configs()
        log.info("republished %d room snapshots, site and node configs", len(stored))

    def publish_site(self) -> None:
        """Publish ``site`` (retained): the event and site-wide announcements."""
        try:
            with self.database.transaction() as db:
                site = build_site_info(db, self.clock.now())
        except NotFoundError:
            log.debug("no event yet: nothing to publish on site")
            return
        self._send(self.topics.site(), site)

    def publish_node_configs(self, node_ids: Iterable[str] | None = None) -> None:
        """Publish ``nodes/{id}/config`` (retained) for the given nodes, or every known node."""
        wanted = None if node_ids is None else set(node_ids)
        with self.database.transaction() as db:
            configs = [
                wire.NodeConfig(node_id=node.node_id, room_id=node.room_id, panel=node.panel)
                for node in repo.list_nodes(db)
                if wanted is None or node.node_id in wanted
            ]
        for config in configs:
            self._send(self.topics.node_config(config.node_id), config)

    def _store_if_changed(self, room_id: str) -> wire.RoomSnapshot | None:
        try:
            with self.database.transaction() as db:
                snapshot = build_room_snapshot(db, room_id, self.links, self.clock.now())
                stored = repo.stored_snapshot(db, room_id)
                if stored is not None and stored.hash == snapshot.hash:
                    return None
                snapshot = snapshot.model_copy(update={"version": repo.next_version(db)})
                repo.store_snapshot(
                    db, room_id, snapshot.version, snapshot.hash, snapshot.model_dump_json()
                )
        except NotFoundError as exc:
            log.warning("room %s not published: %s", room_id, exc)
            return None
        log.debug("room %s snapshot version %d", room_id, snapshot.version)
        return snapshot

    def _send(self, topic: str, payload: wire.WireModel) -> None:
        self._send_raw(topic, wire.encode(payload))

    def _send_raw(self, topic: str, payload: bytes) -> None:
        if self.link is not None:
            self.link.publish(topic, payload, retain=True)
