"""The fleet's health rule: expected frames (same as door.png), early refreshes, since when,
and alerts, on a seeded hub with a fake clock."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from PIL import Image

from hub import repo
from hub.fleet import NodeHealth, read_fleet
from shared import wire
from shared.clock import FakeClock
from shared.render import NodeContext, frame_hash, get_panel, render_door
from tests.hub.conftest import NOW, Seeded, TestClient, hub_of, staff

PANEL = "what-ssd1683-red"  # refresh_s 15
#: The next slot boundary after NOW (11:30 in New York): 12:00.
BOUNDARY = NOW + timedelta(minutes=30)


def door_png_hash(client: TestClient, room_id: str, at: datetime, panel: str = PANEL) -> str:
    """The hash of the frame ``GET /api/v1/rooms/{id}/door.png`` draws."""
    answer = client.get(f"/api/v1/rooms/{room_id}/door.png",
                        params={"panel": panel, "at": at.isoformat()})  # fmt: skip
    assert answer.status_code == 200
    return frame_hash(Image.open(io.BytesIO(answer.content)))


def report(
    client: TestClient,
    node_id: str,
    *,
    online: bool = True,
    room_id: str | None = "room-a",
    seen_at: datetime = NOW,
    **fields: object,
) -> None:
    """Register the node (as provisioning does) and store a status, as the worker would."""
    status = wire.NodeStatus(node_id=node_id, state="online" if online else "offline",
                             room_id=room_id, panel=PANEL, **fields)  # fmt: skip
    with hub_of(client).database.transaction() as db:
        try:
            repo.get_node(db, node_id)
        except LookupError:
            repo.assign_node(db, node_id, room_id, PANEL)
        repo.record_node_status(db, node_id, online=online, seen_at=seen_at,
                                status_json=status.model_dump_json())  # fmt: skip


def health(client: TestClient, node_id: str) -> NodeHealth:
    hub = hub_of(client)
    fleet = read_fleet(hub.database, hub.clock.now(), hub.settings.fleet_alert_after_s)
    return next(h for h in fleet if h.node.node_id == node_id)


def kinds(found: NodeHealth) -> list[str]:
    return [alert.kind for alert in found.alerts]


def full_room_a_with_room_b_open(client: TestClient, seeded: Seeded) -> None:
    """Sessions on now in both rooms; room A's is full, so its door suggests room B."""
    for room_id in ("room-a", "room-b"):
        body = {"room_id": room_id, "slot_id": seeded.slot_ids[2], "title": f"Talk in {room_id}"}
        created = client.post("/api/v1/sessions", json=body, headers=staff(seeded))
        assert created.status_code == 201
        if room_id == "room-a":
            full = client.put(f"/api/v1/sessions/{created.json()['id']}/full",
                              json={"full": True}, headers=staff(seeded))  # fmt: skip
            assert full.status_code == 200


def test_the_frame_door_png_draws_is_the_frame_expected(client: TestClient) -> None:
    report(client, "door-a", frame_hash=door_png_hash(client, "room-a", NOW))
    report(client, "door-b", frame_hash="0" * 32)
    assert health(client, "door-a").frame == "match"
    assert health(client, "door-b").frame == "mismatch"


def test_a_full_room_suggesting_others_matches(
    client: TestClient, seeded: Seeded, clock: FakeClock
) -> None:
    full_room_a_with_room_b_open(client, seeded)
    drawn = door_png_hash(client, "room-a", NOW)
    with hub_of(client).database.transaction() as db:
        stored = repo.stored_snapshot(db, "room-a")
        assert stored is not None
        own = wire.RoomSnapshot.model_validate_json(stored.payload)
    without = render_door(own, NOW, get_panel(PANEL), NodeContext(node_id="door-a"))
    assert frame_hash(without) != drawn, "the suggestion must change the frame for this test"
    report(client, "door-a", frame_hash=drawn)
    found = health(client, "door-a")
    assert found.frame == "match"
    assert found.alerts == ()


def test_a_refresh_started_early_for_the_boundary_matches(
    client: TestClient, clock: FakeClock
) -> None:
    after = door_png_hash(client, "room-a", BOUNDARY)
    assert after != door_png_hash(client, "room-a", NOW)
    report(client, "door-a", frame_hash=after)
    clock.set(BOUNDARY - timedelta(seconds=10))  # within the panel's 15 s refresh
    assert health(client, "door-a").frame == "match"
    clock.set(BOUNDARY - timedelta(seconds=60))  # too early: the door turned over too soon
    assert health(client, "door-a").frame == "mismatch"
    report(client, "door-b", frame_hash=door_png_hash(client, "room-a", clock.now()))
    clock.set(BOUNDARY - timedelta(seconds=5))  # the old frame, still on while refreshing
    assert health(client, "door-b").frame == "match"


def test_a_wrong_frame_is_an_alert_once_it_lasted(client: TestClient, clock: FakeClock) -> None:
    # Snapshots were published at NOW; the node's wrong frame went up ten minutes earlier.
    report(client, "door-a", frame_hash="0" * 32, last_refresh_at=NOW - timedelta(minutes=10),
           last_refresh_s=20.0, clock_offset_s=0.5)  # fmt: skip
    found = health(client, "door-a")
    assert (found.frame, found.wrong_since, found.alerts) == ("mismatch", NOW, ())
    clock.advance(timedelta(minutes=2, seconds=59))
    assert kinds(health(client, "door-a")) == []
    clock.advance(1)
    found = health(client, "door-a")
    assert kinds(found) == ["wrong_frame"]
    assert found.alerts[0].since == NOW


def test_a_frame_that_went_up_late_counts_from_then(client: TestClient, clock: FakeClock) -> None:
    refreshed = NOW + timedelta(minutes=5)  # node clock, 30 s ahead of the hub's
    report(client, "door-a", frame_hash="0" * 32, last_refresh_at=refreshed,
           last_refresh_s=10.0, clock_offset_s=30.0, seen_at=refreshed)  # fmt: skip
    clock.set(NOW + timedelta(minutes=7))
    expected_since = refreshed + timedelta(seconds=10 - 30)
    assert health(client, "door-a").wrong_since == expected_since
    clock.set(expected_since + timedelta(minutes=3))
    assert kinds(health(client, "door-a")) == ["wrong_frame"]


def test_the_boundary_restarts_the_count(client: TestClient, clock: FakeClock) -> None:
    report(client, "door-a", frame_hash=door_png_hash(client, "room-a", NOW),
           last_refresh_at=NOW, last_refresh_s=15.0)  # fmt: skip
    clock.set(BOUNDARY + timedelta(minutes=2))  # stuck on the 11:00 frame after 12:00
    found = health(client, "door-a")
    assert (found.frame, found.wrong_since) == ("mismatch", BOUNDARY)
    assert kinds(found) == []
    clock.set(BOUNDARY + timedelta(minutes=3))
    assert kinds(health(client, "door-a")) == ["wrong_frame"]


def test_offline_is_an_alert_after_the_delay(client: TestClient, clock: FakeClock) -> None:
    report(client, "door-a", frame_hash="0" * 32)
    report(client, "door-a", online=False, seen_at=NOW + timedelta(minutes=1))
    clock.set(NOW + timedelta(minutes=3))
    found = health(client, "door-a")
    assert (found.frame, found.offline_since, found.alerts) == (
        "unknown", NOW + timedelta(minutes=1), ()
    )  # fmt: skip
    # The broker's retained "offline", redelivered after a hub restart, does not reset it.
    report(client, "door-a", online=False, seen_at=NOW + timedelta(minutes=3))
    clock.set(NOW + timedelta(minutes=4))
    found = health(client, "door-a")
    assert kinds(found) == ["offline"]
    assert found.alerts[0].since == NOW + timedelta(minutes=1)


def test_a_node_that_never_reported_is_an_alert_at_once(client: TestClient) -> None:
    with hub_of(client).database.transaction() as db:
        repo.assign_node(db, "door-new", "room-b", PANEL)
    found = health(client, "door-new")
    assert (found.offline_since, kinds(found)) == (None, ["offline"])


def test_a_clock_off_by_more_than_a_minute_is_an_alert_at_once(client: TestClient) -> None:
    drawn = door_png_hash(client, "room-a", NOW)
    report(client, "door-a", frame_hash=drawn, clock_offset_s=-75.0)
    report(client, "door-b", frame_hash=drawn, clock_offset_s=45.0)
    assert kinds(health(client, "door-a")) == ["clock"]
    assert health(client, "door-a").alerts[0].clock_offset_s == -75.0
    assert kinds(health(client, "door-b")) == []


def test_a_node_without_a_room_is_expected_to_say_not_assigned(client: TestClient) -> None:
    context = NodeContext(node_id="door-x", assigned=False)
    unassigned = frame_hash(render_door(None, NOW, get_panel(PANEL), context))
    report(client, "door-x", room_id=None, frame_hash=unassigned)
    assert health(client, "door-x").frame == "match"


def test_the_alert_delay_is_a_setting(client: TestClient, clock: FakeClock) -> None:
    hub = hub_of(client)
    report(client, "door-a", online=False)
    clock.advance(61)
    assert read_fleet(hub.database, clock.now(), 180.0)[0].alerts == ()
    assert [a.kind for a in read_fleet(hub.database, clock.now(), 60.0)[0].alerts] == ["offline"]
