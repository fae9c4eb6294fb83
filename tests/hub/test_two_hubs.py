"""Two hubs, one PostgreSQL database, one Mosquitto: what a door sees stays consistent.

Each hub is the real app (``create_app`` under TestClient) with its own broker user, both in
one share group. A watcher with a door node's credentials sees what every door would see.
"""

from __future__ import annotations

import logging
import secrets
import threading
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

import pytest
from paho.mqtt.client import Client, MQTTMessage, MQTTv5
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import text

from hub import repo
from hub.app import create_app
from hub.mqtt.link import Incoming
from hub.mqtt.mosquitto import acl_text
from hub.settings import BrokerSettings, HubSettings, load_settings
from hub.storage.db import Database
from hub.storage.models import AuditEntry, ProcessedEvent
from shared import wire
from shared.clock import FakeClock
from shared.errors import ConfigError
from shared.topics import Topics
from tests.conftest import Broker
from tests.hub.conftest import NOW, Seeded, TestClient, hub_of, seed, staff, wait_until
from tests.hub.mqtt_helpers import TestMqttClient
from tests.postgres import PostgresCluster, postgres_server

TOPICS = Topics()
ROOMS = ("room-a", "room-b")
SECOND_HUB = "hub-2"


@pytest.fixture(scope="session")
def cluster() -> Iterator[PostgresCluster]:
    with postgres_server() as server:
        yield server


class Watcher:
    """A door node's view of the broker: every message on ``topics``, in arrival order."""

    def __init__(self, broker: Broker, node_id: str, topics: list[str]) -> None:
        password = broker.add_node(node_id)
        self.messages: list[MQTTMessage] = []
        self._lock = threading.Lock()
        self._subscribed = threading.Event()
        self._client = Client(CallbackAPIVersion.VERSION2, client_id=node_id, protocol=MQTTv5)
        self._client.username_pw_set(node_id, password)
        self._client.on_connect = lambda client, *_: client.subscribe([(t, 1) for t in topics])
        self._client.on_subscribe = lambda *_: self._subscribed.set()
        self._client.on_message = self._on_message
        self._client.connect(broker.host, broker.port)
        self._client.loop_start()
        assert self._subscribed.wait(10), "the watcher was never subscribed"

    def _on_message(self, client: Client, userdata: Any, message: MQTTMessage) -> None:
        with self._lock:
            self.messages.append(message)

    def snapshots(self, room_id: str) -> list[wire.RoomSnapshot]:
        with self._lock:
            payloads = [m.payload for m in self.messages if m.topic == TOPICS.room_state(room_id)]
        return [wire.decode(wire.RoomSnapshot, payload) for payload in payloads]

    def stop(self) -> None:
        self._client.disconnect()
        self._client.loop_stop()


@dataclass
class TwoHubs:
    first: TestClient
    second: TestClient
    seeded: Seeded
    session_ids: dict[str, int]  # room -> the card in its first slot
    watcher: Watcher
    stack: ExitStack

    def stored_versions(self) -> dict[str, int]:
        with hub_of(self.first).database.transaction() as db:
            return {row.room_id: row.version for row in repo.stored_snapshots(db)}


def hub_settings(url: str, broker: Broker, username: str, password: str, group: str) -> HubSettings:
    link = BrokerSettings(host=broker.host, port=broker.port, username=username,
                          password=password, share_group=group)  # fmt: skip
    return HubSettings(database_url=url, public_url="http://hub.test", broker=link)


@pytest.fixture
def hubs(cluster: PostgresCluster, broker: Broker, clock: FakeClock) -> Iterator[TwoHubs]:
    """Both hubs connected, each having republished once, with a watcher that saw it all."""
    url = cluster.new_database()
    seeded = seed(url)
    first_settings, second_settings = _group_settings(url, broker)
    with ExitStack() as stack:
        stack.callback(cluster.drop_database, url)
        watcher = Watcher(broker, "watcher", [TOPICS.all_room_states()])
        stack.callback(watcher.stop)
        first = stack.enter_context(TestClient(create_app(first_settings, clock=clock)))
        session_ids = {room: _add_card(first, seeded, room) for room in ROOMS}
        with hub_of(first).database.transaction() as db:
            repo.assign_node(db, "door-1", "room-a")  # the hub decides what a door may do
        second = stack.enter_context(TestClient(create_app(second_settings, clock=clock)))
        pair = TwoHubs(first, second, seeded, session_ids, watcher, stack)
        # Each hub republishes every room once on connect: two copies of the stored version.
        wait_until(lambda: all(_copies_of_stored(pair, room) == 2 for room in ROOMS), 30)
        yield pair


def _group_settings(url: str, broker: Broker) -> tuple[HubSettings, HubSettings]:
    second_password = secrets.token_urlsafe(16)
    broker.files.add_hub_user(SECOND_HUB, second_password)
    broker.process.reload()
    group = secrets.token_urlsafe(18)
    return (
        hub_settings(url, broker, broker.hub_user, broker.hub_password, group),
        hub_settings(url, broker, SECOND_HUB, second_password, group),
    )


def _add_card(client: TestClient, seeded: Seeded, room: str) -> int:
    body = {"room_id": room, "slot_id": seeded.slot_ids[2], "title": "On now"}
    answer = client.post("/api/v1/sessions", json=body, headers=staff(seeded))
    assert answer.status_code == 201, answer.text
    session_id: int = answer.json()["id"]
    return session_id


def _copies_of_stored(pair: TwoHubs, room: str) -> int:
    stored = pair.stored_versions()[room]
    return sum(1 for s in pair.watcher.snapshots(room) if s.version == stored)


def _edit_titles(client: TestClient, pair: TwoHubs, name: str, count: int) -> None:
    for n in range(count):
        for room in ROOMS:
            answer = client.patch(
                f"/api/v1/sessions/{pair.session_ids[room]}",
                json={"title": f"{name} {n}"},
                headers=staff(pair.seeded),
            )
            assert answer.status_code == 200, answer.text


def test_versions_strictly_increase_and_the_retained_copy_is_the_newest(
    hubs: TwoHubs, broker: Broker
) -> None:
    seen_before = {room: len(hubs.watcher.snapshots(room)) for room in ROOMS}
    editors = [
        threading.Thread(target=_edit_titles, args=(client, hubs, name, 12))
        for client, name in ((hubs.first, "First"), (hubs.second, "Second"))
    ]
    for editor in editors:
        editor.start()
    for editor in editors:
        editor.join(60)
    stored = hubs.stored_versions()
    wait_until(lambda: all(hubs.watcher.snapshots(r)[-1].version == stored[r] for r in ROOMS), 30)
    for room in ROOMS:
        during = [s.version for s in hubs.watcher.snapshots(room)[seen_before[room] :]]
        assert len(during) >= 12, during  # both hubs' edits, each a new snapshot
        assert during == sorted(set(during)), f"{room} went back or repeated: {during}"
    epochs = {s.epoch for room in ROOMS for s in hubs.watcher.snapshots(room)}
    assert len(epochs) == 1, "both hubs publish the shared database's epoch"
    late = Watcher(broker, "late-door", [TOPICS.all_room_states()])
    try:
        wait_until(lambda: all(late.snapshots(room) for room in ROOMS))
        assert {room: late.snapshots(room)[0].version for room in ROOMS} == stored
    finally:
        late.stop()


def _press(door: TestMqttClient, session_id: int, full: bool, event_id: str) -> bytes:
    event = wire.ButtonEvent(event_id=event_id, node_id="door-1", room_id="room-a", full=full,
                             session_id=session_id, pressed_at=NOW)  # fmt: skip
    payload = wire.encode(event)
    door.publish(TOPICS.node_events("door-1"), payload)
    return payload


def _applied(pair: TwoHubs) -> tuple[int, int, bool]:
    """Processed event ids, ``session.full`` audit entries, room-a's card's full flag."""
    with hub_of(pair.first).database.transaction() as db:
        processed = db.query(ProcessedEvent).count()
        audited = db.query(AuditEntry).filter(AuditEntry.action == "session.full").count()
        full = repo.get_session(db, pair.session_ids["room-a"]).full
    return processed, audited, full


def test_a_button_event_is_applied_once_whichever_hub_gets_it(
    hubs: TwoHubs, broker: Broker, caplog: pytest.LogCaptureFixture
) -> None:
    door = TestMqttClient(broker, "door-1", [])
    session_id = hubs.session_ids["room-a"]
    try:
        pressed = uuid.uuid4().hex
        for _ in range(3):  # a redelivered press: the share group hands copies to both hubs
            _press(door, session_id, True, pressed)
        wait_until(lambda: _applied(hubs) == (1, 1, True))
        # Presses a person makes, one after the other (docs/scaling.md: presses closer than
        # the hubs' few milliseconds may be applied in either order).
        _press(door, session_id, False, uuid.uuid4().hex)
        wait_until(lambda: _applied(hubs) == (2, 2, False))
        _press(door, session_id, True, uuid.uuid4().hex)
        wait_until(lambda: _applied(hubs) == (3, 3, True))
    finally:
        door.stop()
    assert _applied(hubs) == (3, 3, True)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]


def _waiting_for_locks(database: Database) -> int:
    """How many transactions of this database wait for a lock another one holds."""
    query = text("SELECT count(*) FROM pg_stat_activity "
                 "WHERE datname = current_database() AND wait_event_type = 'Lock'")  # fmt: skip
    with database.engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


def test_both_hubs_racing_on_one_event_apply_it_once(
    hubs: TwoHubs, caplog: pytest.LogCaptureFixture
) -> None:
    """Both workers get the same event while a third transaction, which already wrote its id,
    is still open: both must wait for it, see its row and do nothing."""
    caplog.set_level(logging.INFO, logger="hub.mqtt.worker")
    event_id = uuid.uuid4().hex
    payload = wire.encode(wire.ButtonEvent(
        event_id=event_id, node_id="door-1", room_id="room-a", full=True,
        session_id=hubs.session_ids["room-a"], pressed_at=NOW,
    ))  # fmt: skip
    database = hub_of(hubs.first).database
    with database.transaction() as db:
        assert repo.mark_event_processed(db, event_id, "door-1")
        for client in (hubs.first, hubs.second):
            link = hub_of(client).link
            assert link is not None
            link.inbox.put(Incoming(TOPICS.node_events("door-1"), payload))
        wait_until(lambda: _waiting_for_locks(database) == 2)
    wait_until(lambda: caplog.text.count("applied by another hub") == 2)
    assert _applied(hubs) == (1, 0, False)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]


def test_a_peer_edit_reaches_the_other_hubs_board_and_its_will_is_answered(
    hubs: TwoHubs, broker: Broker
) -> None:
    told = threading.Event()
    hub_of(hubs.second).publisher.listeners.append(told.set)
    _edit_titles(hubs.first, hubs, "Solo", 1)
    assert told.wait(10), "the second hub's board pages never heard of the first hub's edit"
    status = TestMqttClient(broker, "status-door", [TOPICS.hub_status()])
    try:
        status.wait_for(lambda m: m.retain and _hub_state(m.payload) == "online")
        hubs.first.__exit__(None, None, None)  # the first hub stops: its "offline" will goes out
        status.wait_for(lambda m: _hub_state(m.payload) == "offline")
        status.wait_for(lambda m: _hub_state(m.payload) == "online")
    finally:
        status.stop()


def _hub_state(payload: bytes) -> str:
    return wire.decode(wire.HubStatus, payload).state


def test_every_hub_user_gets_the_whole_tree_and_nodes_their_subtree() -> None:
    acl = acl_text("hub-1", other_hub_users=["hub-2", "hub-1"])
    assert acl.count("topic readwrite openspaces/v1/#") == 2
    assert "user hub-1\ntopic readwrite openspaces/v1/#\nuser hub-2\n" in acl
    assert "pattern write openspaces/v1/nodes/%u/events" in acl


def test_the_share_group_is_a_long_secret() -> None:
    group = secrets.token_urlsafe(18)
    loaded = load_settings(None, {"OPENSPACES_HUB_BROKER_SHARE_GROUP": group})
    assert loaded.broker is not None
    assert loaded.broker.share_group == group
    with pytest.raises(ConfigError, match="share_group"):
        load_settings(None, {"OPENSPACES_HUB_BROKER_SHARE_GROUP": "hubs"})


def test_a_snapshot_the_broker_did_not_acknowledge_is_sent_again(
    hubs: TwoHubs, broker: Broker
) -> None:
    publisher = hub_of(hubs.first).publisher
    publisher.confirm_s = 0.2
    broker.process.pause()
    try:
        _edit_titles(hubs.first, hubs, "Frozen", 1)  # waits 0.2 s for room-a, then not at all
    finally:
        broker.process.resume()
    stored = hubs.stored_versions()
    wait_until(lambda: all(hubs.watcher.snapshots(r)[-1].version == stored[r] for r in ROOMS), 30)
    assert publisher.republish_unconfirmed() == len(ROOMS)
    assert publisher.republish_unconfirmed() == 0  # acknowledged this time
    wait_until(lambda: all(_copies_of_stored(hubs, room) == 2 for room in ROOMS), 30)
