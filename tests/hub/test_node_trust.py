"""The hub decides what a door may do: over a real Mosquitto, with provisioned node credentials.

A press counts only for the room the hub assigned that node, only for the session on now by
the hub's clock, and at a bounded rate per node; everything else is dropped, logged and
counted. A status is a report: it cannot assign a room, and its fields are checked.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from prometheus_client import generate_latest
from sqlalchemy import func, select

from hub import repo
from hub.mqtt.presses import PRESS_BURST, PRESS_CLOCK_ALLOWANCE_S, DropReason, MessageKind
from hub.storage.models import AuditEntry
from shared import wire
from shared.topics import Topics
from tests.conftest import Broker
from tests.hub.conftest import NOW, Seeded, TestClient, hub_of, staff, wait_until
from tests.hub.mqtt_helpers import TestMqttClient

TOPICS = Topics()


@pytest.fixture
def door(broker: Broker) -> Iterator[TestMqttClient]:
    """Node ``door-a``: provisioned on the broker (its own credentials), watching both rooms."""
    client = TestMqttClient(broker, "door-a", [TOPICS.all_room_states()])
    yield client
    client.stop()


def assign(client: TestClient, room_id: str | None, node_id: str = "door-a") -> None:
    with hub_of(client).database.transaction() as db:
        repo.assign_node(db, node_id, room_id)


def add_card(client: TestClient, seeded: Seeded, room_id: str, slot: int) -> int:
    body = {"room_id": room_id, "slot_id": seeded.slot_ids[slot], "title": f"Card {slot}"}
    answer = client.post("/api/v1/sessions", json=body, headers=staff(seeded))
    assert answer.status_code == 201, answer.text
    session_id: int = answer.json()["id"]
    return session_id


def press(door: TestMqttClient, room_id: str = "room-a", **fields: object) -> str:
    event = wire.ButtonEvent.model_validate({
        "event_id": uuid.uuid4().hex, "node_id": "door-a", "room_id": room_id, "full": True,
        "pressed_at": NOW, **fields,
    })  # fmt: skip
    door.publish(TOPICS.node_events("door-a"), wire.encode(event))
    return event.event_id


def dropped(client: TestClient, kind: MessageKind, reason: DropReason) -> int:
    worker = hub_of(client).worker
    assert worker is not None
    return worker.dropped.counts().get((kind, reason), 0)


def is_full(client: TestClient, session_id: int) -> bool:
    return bool(client.get(f"/api/v1/sessions/{session_id}").json()["full"])


def test_presses_from_unknown_unassigned_or_other_rooms_nodes_are_dropped_and_counted(
    live: TestClient, seeded: Seeded, door: TestMqttClient
) -> None:
    on_now_a, on_now_b = add_card(live, seeded, "room-a", 2), add_card(live, seeded, "room-b", 2)
    press(door)  # the broker knows door-a; the hub does not
    wait_until(lambda: dropped(live, "event", "unknown_node") == 1)
    assign(live, None)
    press(door)
    wait_until(lambda: dropped(live, "event", "unassigned_node") == 1)
    assign(live, "room-b")
    press(door, room_id="room-a")
    press(door, room_id="room-b", session_id=on_now_a)  # names room-a's session
    wait_until(lambda: dropped(live, "event", "wrong_room") == 1)
    wait_until(lambda: dropped(live, "event", "no_session") == 1)
    assert not is_full(live, on_now_a)
    assert not is_full(live, on_now_b)
    metrics = generate_latest(live.app.state.metrics).decode()  # type: ignore[attr-defined]
    assert ('openspaces_node_messages_dropped_total{kind="event",reason="unknown_node"} 1.0'
            in metrics)  # fmt: skip
    press(door, room_id="room-b")
    wait_until(lambda: is_full(live, on_now_b))


def test_a_press_marks_only_the_session_on_now_by_the_hubs_clock(
    live: TestClient, seeded: Seeded, door: TestMqttClient
) -> None:
    assign(live, "room-a")
    on_now, following = add_card(live, seeded, "room-a", 2), add_card(live, seeded, "room-a", 3)
    press(door, pressed_at=NOW + timedelta(hours=1))  # a clock an hour fast: the next session
    wait_until(lambda: dropped(live, "event", "future_press") == 1)
    press(door, session_id=following)
    wait_until(lambda: dropped(live, "event", "not_on_now") == 1)
    assert not is_full(live, following)
    early = NOW + timedelta(seconds=PRESS_CLOCK_ALLOWANCE_S / 2)
    press(door, pressed_at=early)  # within the allowance: still the session on now
    wait_until(lambda: is_full(live, on_now))
    assert not is_full(live, following)


def test_a_node_pressing_in_a_loop_is_held_to_its_rate(
    live: TestClient, seeded: Seeded, door: TestMqttClient
) -> None:
    assign(live, "room-a")
    add_card(live, seeded, "room-a", 2)
    presses = PRESS_BURST + 10
    for i in range(presses):
        press(door, full=i % 2 == 0)
    wait_until(lambda: dropped(live, "event", "rate_limited") == presses - PRESS_BURST)
    with hub_of(live).database.transaction() as db:
        flips = db.scalar(select(func.count()).select_from(AuditEntry)
                          .where(AuditEntry.action == "session.full"))  # fmt: skip
    assert flips == PRESS_BURST


def test_a_status_cannot_assign_a_room(
    live: TestClient, seeded: Seeded, door: TestMqttClient
) -> None:
    assign(live, "room-b")
    status = wire.NodeStatus(node_id="door-a", state="online", room_id="room-a",
                             panel="what-ssd1683-red")  # fmt: skip
    door.publish(TOPICS.node_status("door-a"), wire.encode(status))

    def reported() -> bool:
        with hub_of(live).database.transaction() as db:
            return repo.get_node(db, "door-a").online

    wait_until(reported)
    with hub_of(live).database.transaction() as db:
        node = repo.get_node(db, "door-a")
        assert (node.room_id, node.panel) == ("room-b", "what-ssd1683-red")


def test_status_fields_are_checked_and_never_stored_oversized(
    live: TestClient, seeded: Seeded, door: TestMqttClient
) -> None:
    assign(live, "room-a")
    huge = {"schema_version": 1, "node_id": "door-a", "state": "online", "panel": "p" * 200_000}
    door.publish(TOPICS.node_status("door-a"), json.dumps(huge).encode())
    wait_until(lambda: dropped(live, "status", "bad_payload") == 1)
    unknown = {**huge, "panel": "not-a-panel", "software_version": "1.0\x1b[2J\u202e"}
    door.publish(TOPICS.node_status("door-a"), json.dumps(unknown).encode())
    wait_until(lambda: dropped(live, "status", "bad_panel") == 1)
    with hub_of(live).database.transaction() as db:
        node = repo.get_node(db, "door-a")
        assert node.panel is None
        assert node.last_status is not None
        stored = wire.NodeStatus.model_validate_json(node.last_status)
    assert (stored.panel, stored.software_version) == (None, "1.0")
    page = live.get("/api/v1/nodes", headers=staff(seeded))
    assert len(page.content) < 10_000
