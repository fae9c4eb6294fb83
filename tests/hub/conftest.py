"""Hub fixtures: a seeded SQLite file, a fixed clock, the app under TestClient."""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():
    # Starlette 1.x prefers the httpx2 package; until it is a dev dependency, httpx works.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient as TestClient  # noqa: PLC0414 (re-exported)

from hub import repo
from hub.access.tokens import create_staff_token
from hub.app import create_app
from hub.runtime import Hub
from hub.settings import BrokerSettings, HubSettings
from hub.storage.db import open_database
from shared.clock import FakeClock
from tests.conftest import Broker

EVENT_DAY = date(2027, 5, 15)
#: 11:30 in New York (UTC-4 in May): the day's third slot (09, 10, 11:00) is on.
NOW = datetime(2027, 5, 15, 15, 30, tzinfo=UTC)


@dataclass
class Seeded:
    """What :func:`seed` put in the database."""

    slot_ids: list[int]
    staff_token: str
    blocked_slot_id: int


def seed(database_url: str) -> Seeded:
    """An event in America/New_York: one day 09–17, rooms a and b, room b blocked at 12:00."""
    database = open_database(database_url)
    try:
        with database.transaction() as db:
            repo.create_event(db, "Test Open Spaces", "America/New_York", "#test")
            slots = repo.add_day(db, EVENT_DAY, 9, 17)
            repo.add_room(db, "room-a", "Room A", capacity=40, location="Level 2")
            repo.add_room(db, "room-b", "Room B", capacity=20)
            repo.block_slot(db, "room-b", slots[3].id, "Sponsor workshop")
            token = create_staff_token(db, "tests")
        return Seeded([s.id for s in slots], token, slots[3].id)
    finally:
        database.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def settings(tmp_path: Path) -> HubSettings:
    return HubSettings(
        database_url=f"sqlite:///{tmp_path / 'hub.db'}", public_url="http://hub.test"
    )


@pytest.fixture
def seeded(settings: HubSettings) -> Seeded:
    return seed(settings.database_url)


@pytest.fixture
def client(settings: HubSettings, seeded: Seeded, clock: FakeClock) -> Iterator[TestClient]:
    with TestClient(create_app(settings, clock=clock)) as test_client:
        yield test_client


def hub_of(client: TestClient) -> Hub:
    hub: Hub = client.app.state.hub  # type: ignore[attr-defined]
    return hub


def staff(seeded: Seeded) -> dict[str, str]:
    return {"Authorization": f"Bearer {seeded.staff_token}"}


@pytest.fixture
def mqtt_settings(settings: HubSettings, broker: Broker) -> HubSettings:
    """``settings`` with the test broker and the hub's credentials."""
    return settings.model_copy(
        update={
            "broker": BrokerSettings(
                host=broker.host, port=broker.port, username=broker.hub_user,
                password=broker.hub_password,
            )
        }
    )  # fmt: skip


@pytest.fixture
def live(mqtt_settings: HubSettings, seeded: Seeded, clock: FakeClock) -> Iterator[TestClient]:
    """The app, connected to the test broker (it may still be connecting when this returns)."""
    with TestClient(create_app(mqtt_settings, clock=clock)) as test_client:
        yield test_client


def wait_until(check: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)
