"""Health that tells the truth, and a snapshot the broker cannot refuse: with a real Mosquitto.

Broker trouble (stopped, frozen with SIGSTOP, refusing the hub's publishes) makes ``/healthz``
a 503 with the reason, puts a hub-level alert on the staff fleet page and sets the metrics.
A broker whose ``max_packet_size`` is smaller than a room's snapshot gets a trimmed snapshot
that fits, and the hub stays connected (on main it was dropped about once a second, forever).
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from prometheus_client import generate_latest

from hub import repo
from hub.app import create_app
from hub.mqtt.link import ACK_TIMEOUT_S
from hub.mqtt.mosquitto import MAX_PACKET_BYTES
from hub.settings import BrokerSettings, HubSettings
from hub.storage.db import open_database
from shared import wire
from shared.clock import FakeClock
from shared.topics import Topics
from tests.conftest import Broker, start_broker
from tests.hub.conftest import NOW, Seeded, TestClient, hub_of, staff, wait_until
from tests.hub.mqtt_helpers import TestMqttClient
from tests.hub.web.conftest import add_staff, log_in

TOPICS = Topics()
SMALL_PACKET = 8192


@contextmanager
def started(settings: HubSettings, clock: FakeClock) -> Iterator[TestClient]:
    """The app on ``settings``, staff logged in to its pages, connected to its broker."""
    add_staff(settings.database_url)
    with TestClient(create_app(settings, clock=clock)) as client:
        log_in(client)
        link = hub_of(client).link
        assert link is not None
        wait_until(lambda: link.connected, timeout=15)
        yield client


@pytest.fixture
def hub(mqtt_settings: HubSettings, seeded: Seeded, clock: FakeClock) -> Iterator[TestClient]:
    with started(mqtt_settings, clock) as client:
        yield client


def metrics(client: TestClient) -> str:
    return generate_latest(client.app.state.metrics).decode()  # type: ignore[attr-defined]


def problems(client: TestClient) -> list[str]:
    answer = client.get("/healthz")
    body = answer.json()
    assert (answer.status_code == 503) == bool(body["problems"])
    assert body["status"] == ("unhealthy" if body["problems"] else "ok")
    return [problem["kind"] for problem in body["problems"]]


def test_a_stopped_broker_is_a_503_a_hub_alert_and_a_metric(
    hub: TestClient, broker: Broker, clock: FakeClock, mqtt_settings: HubSettings
) -> None:
    assert problems(hub) == []
    assert "openspaces_broker_healthy 1.0" in metrics(hub)
    broker.process.stop()
    wait_until(lambda: hub.get("/healthz").json()["broker"] == "disconnected")
    assert problems(hub) == []  # not yet a heartbeat
    clock.advance(timedelta(seconds=mqtt_settings.heartbeat_s + 1))
    assert problems(hub) == ["disconnected"]
    assert "not connected to the broker for" in hub.get("/healthz").json()["problems"][0]["detail"]
    page = hub.get("/staff/fleet").text
    assert 'id="hub-alerts-title"' in page
    assert "not connected to the broker" in page
    text = metrics(hub)
    assert "openspaces_broker_healthy 0.0" in text
    assert 'openspaces_broker_problems{kind="disconnected"} 1.0' in text
    broker.process.start()
    wait_until(lambda: problems(hub) == [], timeout=20)
    assert 'id="hub-alerts-title"' not in hub.get("/staff/fleet").text


def test_a_frozen_broker_leaves_publishes_unacknowledged_and_that_is_a_503(
    hub: TestClient, broker: Broker, clock: FakeClock, seeded: Seeded
) -> None:
    pid = broker.process.pid
    assert pid is not None
    os.kill(pid, signal.SIGSTOP)
    try:
        body = {"room_id": "room-a", "slot_id": seeded.slot_ids[2], "title": "Sent to a statue"}
        assert hub.post("/api/v1/sessions", json=body, headers=staff(seeded)).status_code == 201
        assert problems(hub) == []
        clock.advance(timedelta(seconds=max(ACK_TIMEOUT_S, 10.0) + 1))
        assert problems(hub) == ["unacknowledged"]
        assert "openspaces_mqtt_unacknowledged 0.0" not in metrics(hub)
        assert "messages not acknowledged" in hub.get("/staff/fleet").text
    finally:
        os.kill(pid, signal.SIGCONT)
    wait_until(lambda: problems(hub) == [], timeout=20)


def test_publishes_the_broker_refuses_are_a_503(
    mqtt_settings: HubSettings, seeded: Seeded, clock: FakeClock
) -> None:
    elsewhere = mqtt_settings.model_copy(update={"topic_prefix": "elsewhere/v1"})  # not in the ACL
    with started(elsewhere, clock) as client:
        wait_until(lambda: "rejected" in problems(client))
        detail = client.get("/healthz").json()["problems"][0]["detail"]
        assert "elsewhere/v1/hub/status" in detail
        assert "Not authorized" in detail
        assert "openspaces_mqtt_publishes_rejected_total" in metrics(client)


@pytest.fixture
def small_broker(tmp_path: Path) -> Iterator[Broker]:
    """A Mosquitto whose ``max_packet_size`` is 8 KiB."""
    running = start_broker(tmp_path / "small")
    running.process.stop()
    config = running.files.config_path
    limit = f"max_packet_size {MAX_PACKET_BYTES}"
    assert limit in config.read_text()
    config.write_text(config.read_text().replace(limit, f"max_packet_size {SMALL_PACKET}"))
    running.process.start()
    try:
        yield running
    finally:
        running.process.kill()


def test_a_snapshot_over_the_broker_limit_is_trimmed_and_the_hub_stays_connected(
    settings: HubSettings, seeded: Seeded, clock: FakeClock, small_broker: Broker
) -> None:
    big = "\N{SNAKE}" * 120
    with_broker = settings.model_copy(update={"broker": BrokerSettings(
        host=small_broker.host, port=small_broker.port, username=small_broker.hub_user,
        password=small_broker.hub_password)})  # fmt: skip
    database = open_database(settings.database_url)
    with database.transaction() as db:  # stored before the hub starts, as after a restart
        for slot_id in seeded.slot_ids:
            repo.add_session(db, "room-a", slot_id, big, "", big[:80], big[:80])
    database.dispose()
    door = TestMqttClient(small_broker, "door-a", [TOPICS.room_state("room-a")])
    try:
        with started(with_broker, clock) as client:
            message = door.wait_for(lambda m: m.topic == TOPICS.room_state("room-a"), 20)
            assert len(message.payload) <= SMALL_PACKET
            snapshot = wire.decode(wire.RoomSnapshot, message.payload)
            on_now = [s for s in snapshot.slots if s.end > NOW][:2]
            assert [s.slot_id for s in on_now] == seeded.slot_ids[2:4]  # now and next kept
            assert len(snapshot.slots) < len(seeded.slot_ids)
            health = client.get("/healthz").json()
            assert health["status"] == "ok"
            assert "room room-a: snapshot trimmed" in health["snapshots_trimmed"][0]
            assert "snapshot trimmed" in client.get("/staff/fleet").text
            assert "openspaces_snapshots_trimmed 1.0" in metrics(client)
            link = hub_of(client).link
            assert link is not None
            hub_of(client).publisher.republish_all()  # as on every reconnect: still fits
            door.wait_for(lambda m: len(m.payload) <= SMALL_PACKET, 20)
            assert link.connected
            assert link.health.disconnects_total == 0
    finally:
        door.stop()
