"""Turning the database into retained MQTT messages: room snapshots, ``site``, node configs.

:meth:`Publisher.publish_rooms` is called after every committed change with the rooms it
touched. For each room it builds the snapshot; if the content hash equals the stored one it does
nothing; otherwise it takes the next version from the counter and stores the snapshot in one
transaction, then publishes it retained (QoS 1). Without a connected link the snapshot is still
stored, and :meth:`Publisher.republish_all` (run on every broker connect) sends it later.

A removed room's retained state is emptied on the broker (:meth:`Publisher.clear_rooms`: an
empty retained message deletes it), and again on every connect for every room the audit log
says was removed and that does not exist now, in case the hub was not connected when it was
removed.

Thread-safe: API threads and the MQTT worker publish through one lock, so a room's versions go
out in order. Each callable in ``listeners`` is called (no arguments, on the publishing thread)
after rooms or ``site`` were published with new content: the board's live updates hang here.

Several hubs on one shared database (PostgreSQL; docs/scaling.md): every retained topic is
built, stored and sent while holding :meth:`Database.publish_lock` for that topic, and the lock
is let go only once the broker has acknowledged the message. So the broker receives one room's
snapshots in version order, whichever hub sends them, and its retained copy is the newest. A
message the broker did not acknowledge in time is sent again (rebuilt from the database, under
the lock) by :meth:`Publisher.republish_unconfirmed`, which the worker calls every heartbeat.

Size: every room snapshot is fitted to its byte budget (:mod:`hub.mqtt.snapshot_budget`)
before it is stored, and no retained message over the budget is ever sent (the broker would drop the
connection, and the message would come back on every reconnect). Rooms whose snapshot had to
be trimmed or held back are in :meth:`Publisher.trimmed`, which the fleet page, ``/healthz``
and the metrics show as a hub-level alert.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial
from typing import Protocol

from hub import repo
from hub.errors import NotFoundError
from hub.mqtt.snapshot_budget import SNAPSHOT_BUDGET_BYTES, Trim, budget_for, fit
from hub.mqtt.snapshots import Links, build_room_snapshot, build_site_info
from hub.repo import layout
from hub.storage.db import Database
from shared import wire
from shared.clock import Clock
from shared.topics import Topics

log = logging.getLogger(__name__)

#: How long a hub sharing its database waits for the broker to acknowledge a retained message.
CONFIRM_S = 5.0


class Link(Protocol):
    """Where published messages go (:class:`hub.mqtt.link.MqttLink` in production)."""

    @property
    def connected(self) -> bool:
        """Whether messages are being sent now (if not, the next connect republishes all)."""
        ...

    def publish(
        self, topic: str, payload: bytes, *, retain: bool, confirm_s: float | None = None
    ) -> bool:
        """Send at QoS 1; may drop the message while disconnected (a reconnect republishes).

        With ``confirm_s``, wait up to that long for the broker's acknowledgement; return
        whether the message was acknowledged (or, without, sent).
        """
        ...

    @property
    def max_packet_bytes(self) -> int | None:
        """The largest packet the broker said it accepts (MQTT v5 CONNACK), if it said."""
        ...


class Publisher:
    """Stores and publishes snapshots; see the module docstring for the contract."""

    def __init__(
        self,
        database: Database,
        topics: Topics,
        links: Links,
        clock: Clock,
        link: Link | None,
        *,
        confirm_s: float = CONFIRM_S,
        budget_bytes: int = SNAPSHOT_BUDGET_BYTES,
    ) -> None:
        self.database = database
        self.topics = topics
        self.links = links
        self.clock = clock
        self.link = link
        self.confirm_s = confirm_s
        self.budget_bytes = budget_bytes
        self._trims: dict[str, Trim] = {}
        self._trims_lock = threading.Lock()
        self._lock = threading.RLock()
        self._unconfirmed: dict[str, Callable[[], object]] = {}
        self.listeners: list[Callable[[], None]] = []

    def publish_rooms(self, room_ids: Iterable[str]) -> list[wire.RoomSnapshot]:
        """Store and publish the rooms whose content changed; return the new snapshots."""
        published = []
        with self._lock:
            for room_id in sorted(set(room_ids)):
                snapshot = self._publish_room(room_id, resend=False)
                if snapshot is not None:
                    published.append(snapshot)
        if published:
            self._tell_listeners()
        return published

    def publish_all_rooms(self) -> list[wire.RoomSnapshot]:
        """:meth:`publish_rooms` for every room."""
        return self.publish_rooms(self._room_ids())

    def republish_all(self) -> None:
        """Send every room's latest snapshot, ``site`` and every node config, changed or not.

        Run on every broker (re)connect: a broker that was killed forgets retained messages.
        """
        with self._lock:
            room_ids = self._room_ids()
            fresh = [room_id for room_id in room_ids if self._publish_room(room_id, resend=True)]
            self.publish_site()
            self.publish_node_configs()
            self.clear_rooms(self._removed_room_ids())
        if fresh:
            self._tell_listeners()
        log.info("republished %d room snapshots, site and node configs", len(room_ids))

    def republish_unconfirmed(self) -> int:
        """Send again what the broker did not acknowledge in time; return how many topics."""
        with self._lock:
            again, self._unconfirmed = self._unconfirmed, {}
            for topic, publish in sorted(again.items()):
                log.info("sending %s again: its last copy was not acknowledged", topic)
                publish()
        return len(again)

    def publish_site(self) -> None:
        """Publish ``site`` (retained): the event and site-wide announcements."""
        topic = self.topics.site()
        with self._lock, self.database.publish_lock(topic):
            try:
                with self.database.reading() as db:
                    site = build_site_info(db, self.clock.now())
            except NotFoundError:
                log.debug("no event yet: nothing to publish on site")
                return
            self._send(topic, wire.encode(site), self.publish_site)
        self._tell_listeners()

    def publish_node_configs(self, node_ids: Iterable[str] | None = None) -> None:
        """Publish ``nodes/{id}/config`` (retained) for the given nodes, or every known node."""
        with self.database.reading() as db:
            known = [node.node_id for node in repo.list_nodes(db)]
        wanted = known if node_ids is None else sorted(set(node_ids) & set(known))
        with self._lock:
            for node_id in wanted:
                self._publish_node_config(node_id)

    def clear_rooms(self, room_ids: Iterable[str]) -> None:
        """Delete the retained ``rooms/{id}/state`` of rooms that no longer exist (a room that
        exists again by now keeps its state); the broker then offers no door a removed room."""
        with self._lock:
            for room_id in sorted(set(room_ids)):
                self._clear_room(room_id)

    def notify_listeners(self) -> None:
        """Tell the listeners about a change another hub published (see :mod:`hub.mqtt.worker`)."""
        self._tell_listeners()

    def _room_ids(self) -> list[str]:
        with self.database.reading() as db:
            return [room.id for room in repo.list_rooms(db)]

    def _removed_room_ids(self) -> list[str]:
        with self.database.reading() as db:
            return layout.removed_room_ids(db)

    def _clear_room(self, room_id: str) -> None:
        topic = self.topics.room_state(room_id)
        with self.database.publish_lock(topic):
            with self.database.reading() as db:
                if layout.room_exists(db, room_id):
                    return
            log.info("room %s was removed: clearing its retained state", room_id)
            self._send(topic, b"", partial(self._clear_room, room_id))

    def _publish_room(self, room_id: str, *, resend: bool) -> wire.RoomSnapshot | None:
        """Store the room's snapshot if it changed and send it; with ``resend``, send the
        stored one otherwise. Returns the new snapshot, if there was one."""
        topic = self.topics.room_state(room_id)
        with self.database.publish_lock(topic):
            snapshot = self._store_if_changed(room_id)
            if snapshot is not None:
                payload: bytes | None = wire.encode(snapshot)
            elif resend:
                payload = self._stored_payload(room_id)
            else:
                return None
            if payload is not None:
                self._send(topic, payload, partial(self._publish_room, room_id, resend=True))
        return snapshot

    def _stored_payload(self, room_id: str) -> bytes | None:
        with self.database.reading() as db:
            stored = repo.stored_snapshot(db, room_id)
            return stored.payload.encode("utf-8") if stored is not None else None

    def _publish_node_config(self, node_id: str) -> None:
        topic = self.topics.node_config(node_id)
        with self.database.publish_lock(topic):
            with self.database.reading() as db:
                try:
                    node = repo.get_node(db, node_id)
                except NotFoundError:
                    return
                config = wire.NodeConfig(node_id=node_id, room_id=node.room_id, panel=node.panel)
            self._send(topic, wire.encode(config), partial(self._publish_node_config, node_id))

    def trimmed(self) -> list[Trim]:
        """Rooms whose latest snapshot was trimmed or held back to fit the budget (any thread)."""
        with self._trims_lock:
            return [trim for _, trim in sorted(self._trims.items())]

    def budget(self) -> int:
        """The payload budget now: the configured one, or less under the broker's limit."""
        return budget_for(self.link.max_packet_bytes if self.link else None, self.budget_bytes)

    def _fit(self, snapshot: wire.RoomSnapshot, now: datetime) -> wire.RoomSnapshot | None:
        """The snapshot fitted to the budget (None if it cannot be); notes any trim."""
        fitted, trim = fit(snapshot, self.budget(), now)
        with self._trims_lock:
            if not trim.trimmed and trim.fits:
                self._trims.pop(snapshot.room.id, None)
                return fitted
            self._trims[snapshot.room.id] = trim
        log.error("%s", trim.describe())
        return fitted if trim.fits else None

    def _store_if_changed(self, room_id: str) -> wire.RoomSnapshot | None:
        try:
            with self.database.transaction() as db:
                now = self.clock.now()
                built = self._fit(build_room_snapshot(db, room_id, self.links, now), now)
                if built is None:
                    return None
                snapshot = built
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
        log.info("room %s: new snapshot version %d", room_id, snapshot.version)
        return snapshot

    def _tell_listeners(self) -> None:
        for listener in self.listeners:
            listener()

    def _send(self, topic: str, payload: bytes, again: Callable[[], object]) -> None:
        """Publish retained; on a shared database, wait for the broker's acknowledgement and
        remember ``again`` (how to rebuild and resend it) if it does not come."""
        if self.link is None:
            return
        if len(payload) > self.budget():
            log.error("%s not sent: %d bytes is over the budget of %d", topic, len(payload),
                      self.budget())  # fmt: skip
            return
        if not self.database.shared:
            self.link.publish(topic, payload, retain=True)
            return
        acknowledged = self.link.publish(topic, payload, retain=True, confirm_s=self.confirm_s)
        if not acknowledged and self.link.connected:
            self._unconfirmed[topic] = again
