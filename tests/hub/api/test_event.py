"""The event API: set up a real event on an empty hub, change it, and read it back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hub import repo
from hub.access.tokens import create_staff_token
from hub.app import create_app
from hub.settings import HubSettings
from hub.storage.db import open_database
from shared.clock import FakeClock
from tests.hub.conftest import Seeded, TestClient, hub_of, staff

PYCON = {"name": "PyCon US 2027 Open Spaces", "timezone": "America/Chicago"}


@pytest.fixture
def empty_token(settings: HubSettings) -> str:
    """A staff token on a hub with no event at all (no demo, no seed)."""
    database = open_database(settings.database_url)
    try:
        with database.transaction() as db:
            return create_staff_token(db, "organiser")
    finally:
        database.dispose()


@pytest.fixture
def empty(settings: HubSettings, empty_token: str, clock: FakeClock) -> Iterator[TestClient]:
    with TestClient(create_app(settings, clock=clock)) as test_client:
        yield test_client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_no_event_yet_says_what_to_do(empty: TestClient) -> None:
    answer = empty.get("/api/v1/event")
    assert answer.status_code == 404
    assert "PUT /api/v1/event" in answer.json()["detail"]


def test_staff_create_the_event_then_days_and_rooms(empty: TestClient, empty_token: str) -> None:
    body = {**PYCON, "hashtag": "PyConUS", "url": "https://us.pycon.org/2027/"}
    created = empty.put("/api/v1/event", json=body, headers=bearer(empty_token))
    assert created.status_code == 201, created.text
    assert created.json() == {**body, "hashtag": "#PyConUS"}
    day = {"date": "2027-05-15", "first_hour": 10, "last_hour": 18}
    assert empty.post("/api/v1/days", json=day, headers=bearer(empty_token)).status_code == 201
    room = {"id": "room-250a", "name": "Room 250A", "capacity": 40}
    assert empty.post("/api/v1/rooms", json=room, headers=bearer(empty_token)).status_code == 201
    slots = empty.get("/api/v1/slots").json()
    assert slots[0]["start"] == "2027-05-15T15:00:00Z"  # 10:00 in Chicago (CDT)
    assert empty.get("/api/v1/event").json()["name"] == PYCON["name"]


def test_put_needs_staff(empty: TestClient) -> None:
    assert empty.put("/api/v1/event", json=PYCON).status_code == 401
    assert empty.get("/api/v1/event").status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {**PYCON, "timezone": "Mars/Olympus_Mons"},
        {**PYCON, "timezone": "America"},
        {**PYCON, "name": " "},
        {**PYCON, "url": "javascript:alert(1)"},
        {**PYCON, "hashtag": "two words"},
        {"name": "No zone"},
        {**PYCON, "epoch": "mine"},
    ],
)
def test_bad_event_is_a_422_and_changes_nothing(
    client: TestClient, seeded: Seeded, body: dict[str, str]
) -> None:
    answer = client.put("/api/v1/event", json=body, headers=staff(seeded))
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"]
    assert client.get("/api/v1/event").json()["timezone"] == "America/New_York"


def test_new_time_zone_keeps_local_times_and_republishes(
    client: TestClient, seeded: Seeded
) -> None:
    hub = hub_of(client)
    with hub.database.transaction() as db:
        version_before = repo.stored_snapshot(db, "room-a")
    body = {"name": "Renamed", "timezone": "Europe/Berlin"}
    answer = client.put("/api/v1/event", json=body, headers=staff(seeded))
    assert answer.status_code == 200, answer.text
    slots = client.get("/api/v1/slots").json()
    assert slots[0]["start"] == "2027-05-15T07:00:00Z"  # still 09:00, now in Berlin
    with hub.database.transaction() as db:
        stored = repo.stored_snapshot(db, "room-a")
        assert stored is not None
        assert version_before is not None
        assert stored.version > version_before.version
        assert repo.get_event(db).hashtag is None


def test_same_event_again_changes_nothing(client: TestClient, seeded: Seeded) -> None:
    body = {"name": "Test Open Spaces", "timezone": "America/New_York", "hashtag": "#test"}
    client.put("/api/v1/event", json=body, headers=staff(seeded))
    hub = hub_of(client)
    with hub.database.transaction() as db:
        before = repo.stored_snapshot(db, "room-a")
    client.put("/api/v1/event", json=body, headers=staff(seeded))
    with hub.database.transaction() as db:
        after = repo.stored_snapshot(db, "room-a")
    assert before is not None
    assert after is not None
    assert before.version == after.version


def test_event_changes_are_audited(client: TestClient, seeded: Seeded) -> None:
    body = {"name": "Renamed", "timezone": "America/New_York"}
    client.put("/api/v1/event", json=body, headers=staff(seeded))
    entries = client.get("/api/v1/audit", headers=staff(seeded)).json()
    assert entries[0]["action"] == "event.edit"


def test_event_text_is_normalised_like_every_other_field(
    client: TestClient, seeded: Seeded
) -> None:
    body = {"name": "\u202eSpaces\x1b[31m Open\u0007", "timezone": " Europe/Berlin "}
    answer = client.put("/api/v1/event", json=body, headers=staff(seeded))
    assert answer.status_code == 200, answer.text
    assert answer.json()["name"] == "Spaces Open"
    only_controls = {"name": "\u202e\u2066", "timezone": "UTC"}
    assert client.put("/api/v1/event", json=only_controls, headers=staff(seeded)).status_code == 422
