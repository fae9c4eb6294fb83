"""The database: migrations, SQLite pragmas, and the constraints the schema enforces."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from hub import repository as repo
from hub.db import open_database
from hub.models import Session
from tests.hub.conftest import seed


def test_migrations_create_the_schema_and_run_again(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nested' / 'hub.db'}"
    open_database(url).dispose()
    database = open_database(url)
    try:
        with database.transaction() as db:
            assert db.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0006"
            assert repo.next_version(db) == 1
            assert db.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert db.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert db.execute(text("PRAGMA busy_timeout")).scalar() == 10_000
    finally:
        database.dispose()


def test_at_most_one_scheduled_session_per_room_and_slot(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    seeded = seed(url)
    database = open_database(url)
    try:
        with database.transaction() as db:
            first = repo.add_session(db, "room-a", seeded.slot_ids[0], "First")
            repo.cancel_session(db, first.id)
            repo.add_session(db, "room-a", seeded.slot_ids[0], "Second")
        with pytest.raises(IntegrityError), database.transaction() as db:
            db.add(Session(room_id="room-a", slot_id=seeded.slot_ids[0], title="Sneaky"))
    finally:
        database.dispose()


def test_the_version_counter_is_monotonic_across_transactions(tmp_path: Path) -> None:
    database = open_database(f"sqlite:///{tmp_path / 'hub.db'}")
    try:
        versions = []
        for _ in range(3):
            with database.transaction() as db:
                versions.append(repo.next_version(db))
        abandoned = database.transaction()
        db = abandoned.__enter__()
        repo.next_version(db)
        abandoned.__exit__(RuntimeError, RuntimeError("rolled back"), None)
        with database.transaction() as db:
            versions.append(repo.next_version(db))
        assert versions == [1, 2, 3, 4]
    finally:
        database.dispose()
