"""Fleet operations end to end, on the demo's real Mosquitto, hub and in-process door nodes:
identify reaches a door, assigning a door to another room makes it show that room, and the
fleet API and page find each frame the one the hub expects; staff do it in a real Chromium.

Each test uses its own door (an identified door shows its id, not its room, for 30 s).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect, sync_playwright

from hub.demo.runner import STAFF_USER, Demo, DemoOptions, SimulatedNode
from hub.mqtt.mosquitto import free_port
from tests.hub.conftest import wait_until
from tests.hub.web.browser import launch_chromium

TIMEOUT_S = 20.0


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    options = DemoOptions(tmp_path_factory.mktemp("fleet"), port=free_port(), nodes=3,
                          heartbeat_s=1, node_keepalive_s=5)  # fmt: skip
    running = Demo(options)
    running.start()
    try:
        assert running.wait_for_frames(30)
        yield running
    finally:
        running.stop()


def fleet_entry(api: httpx.Client, node_id: str) -> dict[str, Any]:
    nodes = api.get("/api/v1/nodes").json()
    found: dict[str, Any] = next(n for n in nodes if n["node_id"] == node_id)
    return found


def showing(simulated: SimulatedNode, status: str) -> Callable[[], bool]:
    def check() -> bool:
        view = simulated.node.last_view
        return view is not None and view.status == status

    return check


def test_identify_reaches_the_door(demo: Demo, api: httpx.Client) -> None:
    door = demo.nodes[1]
    wait_until(lambda: fleet_entry(api, door.node_id)["frame"] == "match", TIMEOUT_S)
    answer = api.post(f"/api/v1/nodes/{door.node_id}/identify")
    assert answer.status_code == 202, answer.text
    wait_until(showing(door, "identify"), TIMEOUT_S)
    view = door.node.last_view
    assert view is not None
    assert view.headline == door.node_id


def test_a_door_assigned_to_another_room_shows_it(demo: Demo, api: httpx.Client) -> None:
    door, other = demo.nodes[0], demo.nodes[2]
    answer = api.put(f"/api/v1/nodes/{door.node_id}/room", json={"room_id": other.room_id})
    assert answer.status_code == 200, answer.text

    def follows() -> bool:
        status, view = door.node.last_status, door.node.last_view
        other_view = other.node.last_view
        return (
            status is not None and status.room_id == other.room_id
            and view is not None and other_view is not None and view.room == other_view.room
        )  # fmt: skip

    wait_until(follows, TIMEOUT_S)
    wait_until(lambda: fleet_entry(api, door.node_id)["frame"] == "match", TIMEOUT_S)
    entry = fleet_entry(api, door.node_id)
    assert (entry["room_id"], entry["online"], entry["alerts"]) == (other.room_id, True, [])


@pytest.mark.browser
def test_staff_identify_a_door_from_the_fleet_page(demo: Demo, api: httpx.Client) -> None:
    door = demo.nodes[2]
    wait_until(lambda: fleet_entry(api, door.node_id)["frame"] == "match", TIMEOUT_S)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page()
            page.set_default_timeout(TIMEOUT_S * 1000)
            page.goto(demo.hub_url + "/staff/fleet")
            page.get_by_label("Username").fill(STAFF_USER)
            page.get_by_label("Password").fill(demo.staff_password)
            page.get_by_role("button", name="Log in").click()
            expect(page.get_by_role("heading", name="Door fleet")).to_be_visible()
            card = page.locator(f"#node-{door.node_id}")
            expect(card.locator(".frame-match")).to_have_text("Matches")
            card.get_by_role("button", name=f"Identify {door.node_id}").click()
            expect(page.get_by_role("status")).to_contain_text("shows its id")
        finally:
            browser.close()
    wait_until(showing(door, "identify"), TIMEOUT_S)
