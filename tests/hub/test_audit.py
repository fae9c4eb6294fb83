"""The audit log: entries commit with their change, and come from the API, pages and doors."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from hub import audit, repo
from hub.audit import Actor
from hub.errors import ConflictError
from hub.storage.db import open_database
from tests.hub.conftest import Seeded, TestClient, hub_of, seed, staff, wait_until
from tests.hub.mqtt_helpers import TestMqttClient
from tests.hub.test_worker import add_card, assign, door, full_shown, press

__all__ = ["door"]  # the fixture, shared with the worker tests

AT = datetime(2027, 5, 15, 15, 30, tzinfo=UTC)


def test_changed_fields_lists_before_and_after(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/hub.db"
    seeded = seed(url)
    database = open_database(url)
    try:
        with database.transaction() as db:
            session = repo.add_session(db, "room-a", seeded.slot_ids[5], "Old")
            before = audit.session_state(session)
            repo.edit_session(db, session.id, title="New")
            entry = audit.record(db, Actor.staff("alice"), "session.edit", "session 1", before,
                                 audit.session_state(session), AT)  # fmt: skip
        assert audit.changed_fields(entry) == [("title", "Old", "New")]
        assert entry.actor == "staff alice"
    finally:
        database.dispose()


def test_a_refused_change_leaves_no_entry(client: TestClient, seeded: Seeded) -> None:
    body = {"room_id": "room-b", "slot_id": seeded.blocked_slot_id, "title": "Nope"}
    assert client.post("/api/v1/sessions", json=body).status_code == 409
    with hub_of(client).database.transaction() as db:
        assert audit.list_entries(db) == []
    with pytest.raises(ConflictError):
        failing_change(client)
    with hub_of(client).database.transaction() as db:
        assert audit.list_entries(db) == []


def failing_change(client: TestClient) -> None:
    with hub_of(client).database.transaction() as db:
        audit.record(db, audit.PUBLIC, "session.add", "x", None, {"a": 1}, AT)
        raise ConflictError("the change failed after its entry was written")


def test_api_changes_name_their_actor(client: TestClient, seeded: Seeded) -> None:
    body = {"room_id": "room-a", "slot_id": seeded.slot_ids[2], "title": "Card"}  # on now
    created = client.post("/api/v1/sessions", json=body).json()
    token = created["edit_url"].split("token=")[1]
    client.patch(f"/api/v1/sessions/{created['id']}", params={"token": token}, json={"title": "B"})
    client.put(f"/api/v1/sessions/{created['id']}/full", json={"full": True}, headers=staff(seeded))
    with hub_of(client).database.transaction() as db:
        log = [(e.actor, e.action) for e in audit.list_entries(db)]
    assert log == [
        ("API token tests", "session.full"), ("host (edit link)", "session.edit"),
        ("public", "session.add"),
    ]  # fmt: skip


def test_a_door_button_press_is_audited(
    live: TestClient, seeded: Seeded, door: TestMqttClient
) -> None:
    assign(live)
    session_id = add_card(live, seeded, 2, "On now")
    press(door, full=True)
    door.wait_for(full_shown(session_id, True))

    def pressed() -> bool:
        with hub_of(live).database.transaction() as db:
            return any(e.actor == "door node door-a" for e in audit.list_entries(db))

    wait_until(pressed)
    with hub_of(live).database.transaction() as db:
        entry = audit.list_entries(db, limit=1)[0]
    assert entry.action == "session.full"
    assert audit.changed_fields(entry) == [("full", False, True)]
