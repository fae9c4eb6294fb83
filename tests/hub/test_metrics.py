"""``GET /metrics``: the fleet, the totals and HTTP latency, in the Prometheus text format."""

from __future__ import annotations

from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from hub import repo
from hub.access.tokens import create_staff_token
from hub.app import create_app
from hub.settings import HubSettings
from shared import wire
from shared.clock import FakeClock
from shared.render import NodeContext, frame_hash, get_panel, render_door
from tests.hub.conftest import NOW, Seeded, TestClient, hub_of, seed
from tests.hub.test_fleet import door_png_hash, full_room_a_with_room_b_open

PANEL = "phat-ssd1608-red"


def scrape(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample as {(name, sorted labels): value} (scraped with a staff token)."""
    with hub_of(client).database.transaction() as db:
        token = create_staff_token(db, "prometheus")
    answer = client.get("/metrics", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(answer.text)
        for sample in family.samples
    }


def report(client: TestClient, node_id: str, online: bool, **fields: object) -> None:
    """Store a status as the worker would after a node published it."""
    status = wire.NodeStatus(
        node_id=node_id, state="online" if online else "offline", room_id="room-a", panel=PANEL,
        **fields,
    )  # fmt: skip
    with hub_of(client).database.transaction() as db:
        repo.assign_node(db, node_id, "room-a", PANEL)
        repo.record_node_status(
            db, node_id, online=online, status_json=status.model_dump_json(), seen_at=NOW,
            panel=PANEL,
        )  # fmt: skip


def expected_hash(client: TestClient, node_id: str) -> str:
    with hub_of(client).database.transaction() as db:
        stored = repo.stored_snapshot(db, "room-a")
        assert stored is not None
        snapshot = wire.RoomSnapshot.model_validate_json(stored.payload)
    frame = render_door(snapshot, NOW, get_panel(PANEL), NodeContext(node_id=node_id))
    return frame_hash(frame)


def test_the_fleet_is_counted_and_wrong_frames_are_found(client: TestClient) -> None:
    report(client, "door-a", True, frame_hash=expected_hash(client, "door-a"), clock_offset_s=1.5)
    report(client, "door-b", True, frame_hash="0" * 32, clock_offset_s=-75.0)
    report(client, "door-c", False)
    samples = scrape(client)
    assert samples[("openspaces_nodes", ())] == 3
    assert samples[("openspaces_nodes_online", ())] == 2
    assert samples[("openspaces_frames_mismatched", ())] == 1
    assert samples[("openspaces_node_online", (("node", "door-c"),))] == 0
    assert samples[("openspaces_node_online", (("node", "door-a"),))] == 1
    assert samples[("openspaces_node_clock_offset_seconds", (("node", "door-b"),))] == -75.0


def test_totals_come_from_the_database(client: TestClient, seeded: Seeded) -> None:
    with hub_of(client).database.transaction() as db:
        repo.mark_event_processed(db, "event-0001", "door-a")
        repo.mark_event_processed(db, "event-0002", "door-a")
        repo.mark_event_processed(db, "event-0001", "door-a")  # a duplicate counts once
    samples = scrape(client)
    assert samples[("openspaces_button_events_total", ())] == 2
    assert samples[("openspaces_snapshots_published_total", ())] == 2  # one per room at start


def test_http_latency_is_labelled_by_route_template(client: TestClient, seeded: Seeded) -> None:
    assert client.get("/api/v1/rooms").status_code == 200
    assert client.get("/api/v1/sessions/999999").status_code == 404
    assert client.get("/no/such/page").status_code == 404
    samples = scrape(client)

    def count(route: str, status: str) -> float:
        labels = (("method", "GET"), ("route", route), ("status", status))
        return samples[("openspaces_http_request_duration_seconds_count", labels)]

    assert count("/api/v1/rooms", "200") == 1
    assert count("/api/v1/sessions/{session_id}", "404") == 1
    assert count("unmatched", "404") == 1


def test_each_app_has_its_own_registry(tmp_path: Path, clock: FakeClock) -> None:
    apps = []
    for name in ("one", "two"):
        settings = HubSettings(database_url=f"sqlite:///{tmp_path / name}.db")
        seed(settings.database_url)
        apps.append(create_app(settings, clock=clock))
    with TestClient(apps[0]) as first, TestClient(apps[1]) as second:
        first.get("/api/v1/rooms")
        first_samples, second_samples = scrape(first), scrape(second)
    rooms = (("method", "GET"), ("route", "/api/v1/rooms"), ("status", "200"))
    assert ("openspaces_http_request_duration_seconds_count", rooms) in first_samples
    assert ("openspaces_http_request_duration_seconds_count", rooms) not in second_samples


def test_a_full_room_suggesting_others_is_not_a_mismatch(
    client: TestClient, seeded: Seeded
) -> None:
    """The gauge uses the fleet page's rule: "also on now" is part of the expected frame."""
    full_room_a_with_room_b_open(client, seeded)
    report(client, "door-a", True, frame_hash=door_png_hash(client, "room-a", NOW, PANEL))
    samples = scrape(client)
    assert samples[("openspaces_frames_mismatched", ())] == 0
    assert samples[("openspaces_fleet_alerts", (("kind", "wrong_frame"),))] == 0


METRICS_TOKEN = "a-metrics-token-of-some-length"


def test_metrics_need_a_token(settings: HubSettings, seeded: Seeded, clock: FakeClock) -> None:
    """The series name every door and its clock offset: not for anyone who asks."""
    configured = settings.model_copy(update={"metrics_token": METRICS_TOKEN})
    with TestClient(create_app(configured, clock=clock)) as client:
        assert client.get("/metrics").status_code == 401
        wrong = client.get("/metrics", headers={"Authorization": "Bearer not-the-token"})
        assert wrong.status_code == 401
        assert "node" not in wrong.text
        good = client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
        assert good.status_code == 200
        assert "openspaces_nodes" in good.text
        staff = client.get("/metrics", headers={"Authorization": f"Bearer {seeded.staff_token}"})
        assert staff.status_code == 200


def test_metrics_can_be_made_public(
    settings: HubSettings, seeded: Seeded, clock: FakeClock
) -> None:
    with TestClient(create_app(settings, clock=clock)) as client:
        assert client.get("/metrics").status_code == 401  # the default: not public
    public = settings.model_copy(update={"metrics_public": True})
    with TestClient(create_app(public, clock=clock)) as client:
        assert client.get("/metrics").status_code == 200
