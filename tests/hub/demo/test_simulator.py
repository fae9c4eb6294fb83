"""The demo's door simulator presses a door only for a POST from its own page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from hub.demo.simulator import DoorSimulator, SimulatedDoor
from hub.mqtt.mosquitto import free_port


@pytest.fixture
def simulator(tmp_path: Path) -> Iterator[tuple[DoorSimulator, list[str]]]:
    presses: list[str] = []
    door = SimulatedDoor("door-1", "room-a", "phat-ssd1608-red", tmp_path / "room-a.png",
                         lambda: presses.append("door-1"))  # fmt: skip
    running = DoorSimulator([door], "http://127.0.0.1:8000/", "127.0.0.1", free_port())
    running.start()
    try:
        yield running, presses
    finally:
        running.stop()


@pytest.mark.parametrize("origin", [None, "https://evil.example", "null", "http://127.0.0.1:1"])
def test_a_cross_site_press_is_refused(
    simulator: tuple[DoorSimulator, list[str]], origin: str | None
) -> None:
    running, presses = simulator
    headers = {"Origin": origin} if origin is not None else {}
    answer = httpx.post(running.url + "press/door-1", headers=headers)
    assert answer.status_code == 403
    assert presses == []


def test_a_press_from_the_simulator_page_works(
    simulator: tuple[DoorSimulator, list[str]],
) -> None:
    running, presses = simulator
    own = running.url.rstrip("/")
    answer = httpx.post(running.url + "press/door-1", headers={"Origin": own})
    assert answer.status_code == 303
    assert presses == ["door-1"]
