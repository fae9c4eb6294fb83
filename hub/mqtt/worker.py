"""The hub worker: the one thread that acts on what arrives over MQTT.

It drains the :class:`~hub.mqtt.link.MqttLink` inbox. On :class:`~hub.mqtt.link.Connected` it
republishes everything. A node status is recorded if the node is in the hub's nodes table
(provisioned with ``openspaces provision-node --config``, or assigned by staff); a status from
any other node is logged, counted and ignored. A status is a report, never an assignment: its
``room_id`` is stored as said but never sets the node's room, and a ``panel`` not in the
catalogue (:data:`shared.render.panels.PANELS`) is left out of what is stored.

A button event goes through :mod:`hub.mqtt.presses` (the node's assigned room only, the session on
now by the hub's clock, a token bucket per node); a dropped one is logged and counted. An
accepted one is applied exactly once: its ``event_id`` goes into the processed-events table in
the same transaction as the full-flag change and its audit entry, then the room is published.
Between messages it sends the ``hub/status`` heartbeat every ``heartbeat_s``.

A payload that :func:`shared.wire.decode` refuses is logged with its topic, the reason and an
excerpt of the payload, and dropped; no message can stop the worker.

One of several hubs (docs/scaling.md): when another hub applied the same event first (a
redelivery raced it), the processed-events row it wrote makes this hub's attempt a no-op. A room
state or ``site`` from another hub tells the board's live pages; another hub's ``offline`` will
on ``hub/status`` is answered with this hub's ``online`` at once. Each heartbeat also sends again
what the broker did not acknowledge (:meth:`Publisher.republish_unconfirmed`).
"""

from __future__ import annotations

import logging
import queue
import threading

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DbSession

from hub import repo
from hub.access.ratelimit import TokenBucketLimiter
from hub.audit import Actor, record, session_state
from hub.mqtt.link import Connected, Incoming, MqttLink, Stop, WorkItem
from hub.mqtt.presses import (
    PRESS_BURST,
    PRESS_PER_HOUR,
    DropCounter,
    DropReason,
    MessageKind,
    check_node,
    judge_press,
)
from hub.mqtt.publisher import Publisher
from hub.storage.db import Database
from hub.storage.models import Node, ProcessedEvent, Session
from shared import wire
from shared.clock import Clock
from shared.errors import OpenSpacesError, PayloadError, TopicError
from shared.render.panels import PANELS
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
        #: Node messages dropped, by kind and reason (``/metrics``).
        self.dropped = DropCounter()
        self._presses = TokenBucketLimiter(clock, burst=PRESS_BURST, per_hour=PRESS_PER_HOUR)
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
                self.handle(item)
            if self.clock.monotonic() >= next_beat:
                self._beat()
                next_beat = self.clock.monotonic() + self.heartbeat_s

    def _beat(self) -> None:
        self.link.publish_status()
        if self.link.connected:
            try:
                self.publisher.republish_unconfirmed()
            except Exception:
                log.exception("sending unacknowledged messages again failed; next beat retries")

    def handle(self, item: Connected | Incoming) -> None:
        """Apply one inbox item on the calling thread (the worker's loop; tests drive it too);
        never raises: a failure is logged and the item dropped."""
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
            elif match.kind in ("room_state", "site"):
                self.publisher.notify_listeners()  # another hub published a change
            elif match.kind == "hub_status":
                self._peer_status(wire.decode(wire.HubStatus, item.payload))
            else:
                log.warning("unexpected message on %s; dropped", item.topic)
        except (PayloadError, TopicError) as exc:
            log.warning("bad payload on %s, dropped: %s; payload %s", item.topic, exc,
                        wire.excerpt(item.payload))  # fmt: skip
            kind: MessageKind = "status" if item.topic.endswith("/status") else "event"
            self.dropped.add(kind, "bad_payload")

    def _drop(self, kind: MessageKind, reason: DropReason, node_id: str, what: str) -> None:
        self.dropped.add(kind, reason)
        log.warning("%s from node %s dropped (%s)", what, node_id, reason.replace("_", " "))

    def _node_status(self, node_id: str, status: wire.NodeStatus) -> None:
        if status.node_id != node_id:
            raise PayloadError(f"status names node {status.node_id!r}, topic is {node_id!r}")
        online = status.state == "online"
        if status.panel is not None and status.panel not in PANELS:
            self._drop("status", "bad_panel", node_id, f"panel {status.panel!r} of a status")
            status = status.model_copy(update={"panel": None})
        with self.database.transaction() as db:
            was_online = _was_online(db, node_id)
            if was_online is None:
                self._drop("status", "unknown_node", node_id, "status")
                log.info("provision node %s with 'openspaces provision-node %s --room ROOM "
                         "--config HUB_TOML' to see it", node_id, node_id)  # fmt: skip
                return
            repo.record_node_status(
                db, node_id, online=online,
                status_json=status.model_dump_json(), seen_at=self.clock.now(),
                panel=status.panel,
            )  # fmt: skip
        if online != was_online:
            log.info("node %s is %s (room %s, software %s)", node_id, status.state,
                     status.room_id or "none", status.software_version or "?")  # fmt: skip
        else:
            log.debug("node %s is still %s", node_id, status.state)

    def _peer_status(self, status: wire.HubStatus) -> None:
        """Another hub's status; its ``offline`` will would hide that this hub is online."""
        if status.state == "offline":
            log.info("another hub went offline; this one says it is online")
            self.link.publish_status()

    def _button(self, node_id: str, event: wire.ButtonEvent) -> None:
        if event.node_id != node_id:
            raise PayloadError(f"event names node {event.node_id!r}, topic is {node_id!r}")
        try:
            self._apply_button(node_id, event)
        except IntegrityError:
            if not self._processed(event.event_id):
                raise
            log.info("button event %s from %s applied by another hub; ignored",
                     event.event_id, node_id)  # fmt: skip

    def _processed(self, event_id: str) -> bool:
        with self.database.transaction() as db:
            return db.get(ProcessedEvent, event_id) is not None

    def _apply_button(self, node_id: str, event: wire.ButtonEvent) -> None:
        with self.database.transaction() as db:
            refused = check_node(_known_node(db, node_id), event)
            if refused is None and db.get(ProcessedEvent, event.event_id) is not None:
                log.info("button event %s from %s seen before; ignored", event.event_id, node_id)
                return
            if refused is None and not self._presses.allow(node_id):
                refused = "rate_limited"  # a redelivery later may still count
            if refused is not None:
                self._drop("event", refused, node_id, f"button event {event.event_id}")
                return
            repo.mark_event_processed(db, event.event_id, node_id)
            session = judge_press(db, event, self.clock.now())
            if not isinstance(session, Session):
                self._drop("event", session, node_id, f"button event {event.event_id}")
                return
            before = session_state(session)
            repo.set_full(db, session.id, event.full, None)  # judge_press decided
            room_id = session.room_id
            if session_state(session) != before:
                record(db, Actor.node(node_id), "session.full", f"session {session.id}", before,
                       session_state(session), self.clock.now())  # fmt: skip
        log.info("node %s set session %d full=%s", node_id, session.id, event.full)
        self.publisher.publish_rooms([room_id])


def _was_online(db: DbSession, node_id: str) -> bool | None:
    """Whether a node the hub knows (provisioned or assigned) was online; None for a stranger."""
    node = _known_node(db, node_id)
    return node.online if node is not None else None


def _known_node(db: DbSession, node_id: str) -> Node | None:
    """The node if the hub knows it (provisioned or assigned), else None."""
    try:
        return repo.get_node(db, node_id)
    except OpenSpacesError:
        return None
