"""The walking skeleton end to end: a real Mosquitto, the hub over HTTP, door nodes drawing
PNGs, and the gpiozero button on its mock pin, all started by the demo's own runner."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from hub.demo.runner import Demo, DemoOptions, SimulatedNode
from hub.mqtt.mosquitto import free_port
from tests.hub.conftest import wait_until


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    running = Demo(DemoOptions(tmp_path_factory.mktemp("demo"), port=free_port(), nodes=3))
    running.start()
    try:
        assert running.wait_for_frames(30)
        yield running
    finally:
        running.stop()


def current_session(api: httpx.Client, room_id: str) -> dict[str, Any]:
    now = datetime.now(UTC)
    sessions = api.get("/api/v1/sessions", params={"room_id": room_id}).json()
    for session in sessions:
        start = datetime.fromisoformat(session["start"])
        end = datetime.fromisoformat(session["end"])
        if start <= now < end and session["status"] == "scheduled":
            return dict(session)
    raise AssertionError(f"no session on now in {room_id}")


def door(demo: Demo, room_id: str) -> SimulatedNode:
    return next(n for n in demo.nodes if n.room_id == room_id)


def test_demo_json_follows_the_contract(demo: Demo) -> None:
    info = demo.info
    assert info["hub_url"] == demo.hub_url
    assert info["staff_token"]
    assert set(info["broker"]) == {"host", "port"}
    assert [set(n) for n in info["nodes"]] == [{"node_id", "room_id", "panel", "frame"}] * 3
    assert set(info["staff_login"]) == {"username", "password"}
    assert all(Path(n["frame"]).is_file() for n in info["nodes"])


def test_files_holding_secrets_are_private(demo: Demo) -> None:
    """demo.json has the staff token and password; the database every secret's hash."""
    out = demo.options.out
    private = [out / "demo.json", out / "hub.db", out / "hub.db-wal", out / "hub.db-shm",
               out / "mosquitto" / "passwd"]  # fmt: skip
    modes = {path.name: oct(path.stat().st_mode & 0o777) for path in private if path.exists()}
    assert {"demo.json", "hub.db", "passwd"} <= set(modes)
    assert set(modes.values()) == {"0o600"}, modes


def test_a_session_is_on_now_and_another_is_next(demo: Demo) -> None:
    view = door(demo, "room-250a").node.last_view
    assert view is not None
    assert view.status == "session"
    assert view.next_line


def test_an_api_edit_reaches_the_door_frame(demo: Demo, api: httpx.Client) -> None:
    node = door(demo, "room-250a")
    session = current_session(api, "room-250a")
    before = node.frame.read_bytes()
    answer = api.patch(f"/api/v1/sessions/{session['id']}", json={"title": "Snakes and ladders"})
    assert answer.status_code == 200, answer.text

    def shows_new_title() -> bool:
        view = node.node.last_view
        return view is not None and view.headline == "Snakes and ladders"

    wait_until(shows_new_title)
    assert node.node.settle()
    assert node.frame.read_bytes() != before


def test_the_door_button_sets_full_at_the_hub_and_it_comes_back(
    demo: Demo, api: httpx.Client
) -> None:
    node = door(demo, "room-250a")
    session = current_session(api, "room-250a")
    assert session["full"] is False
    version_before = node.node.last_status.applied_version if node.node.last_status else 0
    node.press()

    wait_until(lambda: api.get(f"/api/v1/sessions/{session['id']}").json()["full"] is True)

    def snapshot_came_back_full() -> bool:
        status, view = node.node.last_status, node.node.last_view
        return (
            status is not None
            and (status.applied_version or 0) > (version_before or 0)
            and view is not None
            and view.full
        )

    wait_until(snapshot_came_back_full)
    node.press()
    wait_until(lambda: api.get(f"/api/v1/sessions/{session['id']}").json()["full"] is False)


def test_the_hub_republishes_after_a_broker_restart(demo: Demo, api: httpx.Client) -> None:
    assert demo.broker is not None
    broker = demo.broker
    broker.kill()
    for leftover in broker.files.folder.glob("mosquitto.db*"):
        leftover.unlink()  # a hard kill loses what was not saved: lose it all
    broker.start()
    node = door(demo, "room-250b")
    session = current_session(api, "room-250b")

    def reconnected() -> bool:
        status = node.node.last_status
        return status is not None and status.state == "online"

    wait_until(reconnected, timeout=40)
    answer = api.patch(f"/api/v1/sessions/{session['id']}", json={"title": "After the storm"})
    assert answer.status_code == 200

    def shows_new_title() -> bool:
        view = node.node.last_view
        return view is not None and view.headline == "After the storm"

    wait_until(shows_new_title, timeout=40)
