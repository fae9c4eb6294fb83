"""Room snapshots built from the database: one door slot per event slot, in every state."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session as DbSession

from hub import repo
from hub.mqtt.snapshots import Links, build_room_snapshot
from hub.storage.db import open_database
from tests.hub.conftest import NOW, Seeded, seed

LINKS = Links("http://hub.test")


@pytest.fixture
def seeded_db(tmp_path: Path) -> Iterator[tuple[DbSession, Seeded]]:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    seeded = seed(url)
    database = open_database(url)
    try:
        with database.transaction() as db:
            yield db, seeded
    finally:
        database.dispose()


def test_every_slot_kind(seeded_db: tuple[DbSession, Seeded]) -> None:
    db, seeded = seeded_db
    ids = seeded.slot_ids
    repo.add_session(db, "room-b", ids[0], "Here", host_name="Ana", host_handle="@ana")
    moved = repo.add_session(db, "room-b", ids[1], "Wanders")
    repo.move_session(db, moved.id, "room-a")
    gone = repo.add_session(db, "room-b", ids[2], "Gone")
    repo.cancel_session(db, gone.id)
    repo.add_announcement(db, "Lunch at noon")
    repo.add_announcement(db, "Old news", expires_at=NOW - timedelta(minutes=1))
    snapshot = build_room_snapshot(db, "room-b", LINKS, NOW)
    kinds = [s.kind for s in snapshot.slots]
    assert kinds == ["session", "moved", "cancelled", "blocked", "open", "open", "open", "open"]
    first = snapshot.slots[0]
    assert first.session is not None
    assert first.session.url == f"http://hub.test/sessions/{first.session.id}"
    assert (first.session.host_name, first.session.host_handle) == ("Ana", "@ana")
    assert snapshot.slots[1].moved_to == "Room A"
    assert snapshot.slots[2].add_url == f"http://hub.test/add?room=room-b&slot={ids[2]}"
    assert snapshot.slots[3].label == "Sponsor workshop"
    assert snapshot.slots[0].start == datetime(2027, 5, 15, 13, tzinfo=UTC)
    assert [a.text for a in snapshot.announcements] == ["Lunch at noon"]
    assert snapshot.links.board == "http://hub.test/"
    assert snapshot.links.room_page == "http://hub.test/rooms/room-b"
    assert snapshot.event.timezone == "America/New_York"


def test_hash_follows_content_not_time(seeded_db: tuple[DbSession, Seeded]) -> None:
    db, seeded = seeded_db
    before = build_room_snapshot(db, "room-a", LINKS, NOW)
    later = build_room_snapshot(db, "room-a", LINKS, NOW + timedelta(hours=1))
    assert before.hash == later.hash
    repo.add_session(db, "room-a", seeded.slot_ids[0], "New")
    assert build_room_snapshot(db, "room-a", LINKS, NOW).hash != before.hash
