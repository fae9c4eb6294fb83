"""The hub worker: the one thread that acts on what arrives over MQTT.

It drains the :class:`~hub.mqtt_link.MqttLink` inbox. On :class:`~hub.mqtt_link.Connected` it
republishes everything. A node status is recorded (unknown node ids are created for now; issue 5
will restrict that). A button event is applied exactly once: its ``event_id`` goes into the
processed-events table in the same transaction as the full-flag change, then the room is
published. Between messages it sends the ``hub/status`` heartbeat every ``heartbeat_s``.

A payload that is not JSON, has another schema version or fails validation is logged with its
topic and dropped; no message can stop the worker.
"""

from __future__ import annotations

import logging
import queue
import threading

from sqlalchemy.orm import Session as DbSession

from hub import repository as repo
from hub.db import Database
from hub.models import SCHEDULED, Session
from hub.mqtt_link import Connected, Incoming, MqttLink, Stop, WorkItem
from hub.publisher import Publisher
from shared import wire
from shared.clock import Clock
from shared.errors import OpenSpacesError, PayloadError, TopicError
from shared.topics import Topics

log = logging.getLogger(__name__)


class HubWorker:
    """Applies node statuses and button events; see the module docstring."""

    def __init__(
        self,
        inbox: queue.Queue[WorkItem],
        link: MqttLink,
        publisher: Publisher,
        database: Database,
        topics: Topics,
        clock: Clock,
        heartbeat_s: float,
    ) -> None:
        self.inbox = inbox
        self.link = link
        self.publisher = publisher
        self.database = database
        self.topics = topics
        self.clock = clock
        self.heartbeat_s = heartbeat_s
        self._thread = threading.Thread(target=self._run, name="hub-worker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Finish the item in hand, then end the thread (waits up to ``timeout`` seconds)."""
        if self._thread.is_alive():
            self.inbox.put(Stop())
            self._thread.join(timeout)

    def _run(self) -> None:
        next_beat = self.clock.monotonic() + self.heartbeat_s
        while True:
            wait = max(0.0, next_beat - self.clock.monotonic())
            try:
                item = self.inbox.get(timeout=min(wait, self.heartbeat_s))
            except queue.Empty:
                item = None
            if isinstance(item, Stop):
                return
            if item is not None:
                self._handle(item)
            if self.clock.monotonic() >= next_beat:
                self.link.publish_status()
                next_beat = self.clock.monotonic() + self.heartbeat_s

    def _handle(self, item: Connected | Incoming) -> None:
        try:
            if isinstance(item, Connected):
                self.publisher.republish_all()
            else:
                self._incoming(item)
        except Exception:
            # The worker must outlive any one message; the traceback goes to the log.
            topic = item.topic if isinstance(item, Incoming) else "(reconnect)"
            log.exception("failed to handle message on %s; dropped", topic)

    def _incoming(self, item: Incoming) -> None:
        try:
            match = self.topics.parse(item.topic)
            if match.kind == "node_status":
                self._node_status(match.id or "", wire.decode(wire.NodeStatus, item.payload))
            elif match.kind == "node_events":
                self._button(match.id or "", wire.decode(wire.ButtonEvent, item.payload))
            else:
                log.warning("unexpected message on %s; dropped", item.topic)
        except (PayloadError, TopicError) as exc:
            log.warning("bad payload on %s, dropped: %s", item.topic, exc)

    def _node_status(self, node_id: str, status: wire.NodeStatus) -> None:
        if status.node_id != node_id:
            raise PayloadError(f"status names node {status.node_id!r}, topic is {node_id!r}")
        with self.database.transaction() as db:
            repo.record_node_status(
                db, node_id, online=status.state == "online",
                status_json=status.model_dump_json(), seen_at=self.clock.now(),
                room_id=status.room_id, panel=status.panel,
            )  # fmt: skip
        log.debug("node %s is %s", node_id, status.state)

    def _button(self, node_id: str, event: wire.ButtonEvent) -> None:
        if event.node_id != node_id:
            raise PayloadError(f"event names node {event.node_id!r}, topic is {node_id!r}")
        with self.database.transaction() as db:
            if not repo.mark_event_processed(db, event.event_id, node_id):
                log.info("button event %s from %s seen before; ignored", event.event_id, node_id)
                return
            session = self._target(db, node_id, event)
            if session is None:
                return
            repo.set_full(db, session.id, event.full)
            room_id = session.room_id
        log.info("node %s set session %d full=%s", node_id, session.id, event.full)
        self.publisher.publish_rooms([room_id])

    def _target(self, db: DbSession, node_id: str, event: wire.ButtonEvent) -> Session | None:
        """The session a press means: the one named, or the room's current one at the press."""
        try:
            node = repo.get_node(db, node_id)
        except OpenSpacesError:
            node = None
        if node is not None and node.room_id not in (None, event.room_id):
            log.warning("node %s pressed for room %s, but shows %s", node_id, event.room_id,
                        node.room_id)  # fmt: skip
            return None
        if event.session_id is not None:
            session = db.get(Session, event.session_id)
            if session is None or session.room_id != event.room_id or session.status != SCHEDULED:
                log.warning("button event %s names no scheduled session of room %s",
                            event.event_id, event.room_id)  # fmt: skip
                return None
            return session
        current = repo.current_session(db, event.room_id, event.pressed_at)
        if current is None:
            log.info("button event %s: nothing on in %s at %s", event.event_id, event.room_id,
                     event.pressed_at.isoformat())  # fmt: skip
        return current
