"""The hub on PostgreSQL: migrations, constraints under concurrency, the version counter, the
publish lock, the sessions API and the booking state machine, on a private PostgreSQL 15.

The ``settings`` fixture here points every hub fixture of ``tests/hub/conftest.py`` (``seeded``,
``client``) at a fresh PostgreSQL database, so the API tests borrowed below run unchanged.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import UTC, datetime

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from hypothesis import settings as hypothesis_settings
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from hub import repo
from hub.errors import ConflictError
from hub.settings import HubSettings
from hub.storage.db import MIGRATIONS, Database, open_database
from hub.storage.models import Session
from tests.hub.api import test_sessions as sessions_api
from tests.hub.conftest import seed
from tests.hub.test_booking_state_machine import Board
from tests.postgres import PostgresCluster, postgres_server

# The sessions API on PostgreSQL: create, edit, move, cancel, full, delete, conflicts.
test_public_add_a_card = sessions_api.test_public_add_a_card_returns_a_private_edit_link
test_edit_with_the_edit_token = sessions_api.test_edit_with_the_edit_token_changes_the_door
test_move_leaves_a_moved_notice = sessions_api.test_move_leaves_a_moved_notice
test_move_to_another_slot = sessions_api.test_move_to_another_slot_names_the_time
test_cancel_frees_the_slot = sessions_api.test_cancel_keeps_the_card_and_frees_the_slot
test_full_flag = sessions_api.test_full_flag
test_delete = sessions_api.test_delete
test_taken_slot_is_a_conflict = sessions_api.test_taken_slot_is_a_conflict
test_blocked_slot_is_a_conflict = sessions_api.test_blocked_slot_is_a_conflict_even_for_staff
test_moving_onto_a_taken_slot = sessions_api.test_moving_onto_a_taken_slot_is_a_conflict


@pytest.fixture(scope="session")
def cluster() -> Iterator[PostgresCluster]:
    with postgres_server() as server:
        yield server


@pytest.fixture
def settings(cluster: PostgresCluster) -> Iterator[HubSettings]:
    url = cluster.new_database()
    yield HubSettings(database_url=url, public_url="http://hub.test")
    cluster.drop_database(url)


@pytest.fixture
def database(settings: HubSettings) -> Iterator[Database]:
    opened = open_database(settings.database_url)
    yield opened
    opened.dispose()


def head_revision() -> str:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def all_at_once(count: int, work: Callable[[int], object]) -> list[object]:
    """Run ``work(0..count-1)`` on ``count`` threads released together; results or errors."""
    barrier = threading.Barrier(count)

    def run(n: int) -> object:
        barrier.wait(timeout=10)
        try:
            return work(n)
        except Exception as exc:  # the caller inspects what each thread met
            return exc

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def test_migrations_reach_head_on_an_empty_database_and_run_again(
    cluster: PostgresCluster,
) -> None:
    url = cluster.new_database(migrated=False)
    open_database(url).dispose()
    database = open_database(url)
    try:
        with database.transaction() as db:
            version = db.execute(text("SELECT version_num FROM alembic_version")).scalar()
            assert version == head_revision()
            assert repo.next_version(db) == 1
            index = db.execute(
                text("SELECT indexdef FROM pg_indexes WHERE indexname = :name"),
                {"name": "uq_sessions_room_slot_scheduled"},
            ).scalar()
        assert index is not None
        assert "UNIQUE" in index
        assert "WHERE" in index
        assert "scheduled" in index
        assert database.shared
        assert {"sessions", "published_snapshots", "processed_events"} <= set(
            inspect(database.engine).get_table_names()
        )
    finally:
        database.dispose()


def test_hubs_starting_together_migrate_once(cluster: PostgresCluster) -> None:
    url = cluster.new_database(migrated=False)
    opened = all_at_once(3, lambda n: open_database(url))
    assert all(isinstance(database, Database) for database in opened), opened
    for database in opened:
        assert isinstance(database, Database)
        database.dispose()


def test_a_bare_postgresql_url_gets_the_psycopg_driver(cluster: PostgresCluster) -> None:
    url = cluster.new_database().replace("postgresql+psycopg://", "postgresql://")
    database = open_database(url)
    try:
        assert database.engine.driver == "psycopg"
    finally:
        database.dispose()


def test_the_partial_unique_index_allows_one_scheduled_session(
    settings: HubSettings, database: Database
) -> None:
    seeded = seed(settings.database_url)
    with database.transaction() as db:
        first = repo.add_session(db, "room-a", seeded.slot_ids[0], "First")
        repo.cancel_session(db, first.id)
        repo.add_session(db, "room-a", seeded.slot_ids[0], "Second")
    with pytest.raises(IntegrityError), database.transaction() as db:
        db.add(Session(room_id="room-a", slot_id=seeded.slot_ids[0], title="Sneaky"))


def test_concurrent_bookings_of_one_slot_book_it_once(
    settings: HubSettings, database: Database
) -> None:
    seeded = seed(settings.database_url)

    def book(n: int) -> int:
        with database.transaction() as db:
            return repo.add_session(db, "room-a", seeded.slot_ids[2], f"Card {n}").id

    outcomes = all_at_once(8, book)
    booked = [o for o in outcomes if isinstance(o, int)]
    refused = [o for o in outcomes if isinstance(o, ConflictError)]
    assert len(booked) == 1, outcomes
    assert len(refused) == 7, outcomes
    assert all("already has a session" in str(o) for o in refused)
    with database.transaction() as db:
        assert [s.id for s in repo.list_sessions(db)] == booked


def test_the_version_counter_hands_out_each_version_once(database: Database) -> None:
    def take(n: int) -> list[int]:
        taken = []
        for _ in range(20):
            with database.transaction() as db:
                taken.append(repo.next_version(db))
        return taken

    outcomes = all_at_once(4, take)
    versions = [v for taken in outcomes if isinstance(taken, list) for v in taken]
    assert sorted(versions) == list(range(1, 81))
    assert all(taken == sorted(taken) for taken in outcomes if isinstance(taken, list))
    with pytest.raises(RuntimeError):
        _take_and_roll_back(database)
    with database.transaction() as db:
        assert repo.next_version(db) == 81


def _take_and_roll_back(database: Database) -> None:
    with database.transaction() as db:
        repo.next_version(db)
        raise RuntimeError("rolled back")


def test_the_publish_lock_holds_off_another_hub(settings: HubSettings) -> None:
    first, second = open_database(settings.database_url), open_database(settings.database_url)
    entered = threading.Event()
    try:
        with first.publish_lock("openspaces/v1/rooms/room-a/state"):
            waiter = threading.Thread(target=lambda: _enter(second, entered))
            waiter.start()
            assert not entered.wait(0.3), "the second hub got a lock the first one holds"
            with second.publish_lock("openspaces/v1/rooms/room-b/state"):
                pass  # another topic's lock is free
        assert entered.wait(10)
        waiter.join(10)
    finally:
        first.dispose()
        second.dispose()


def _enter(database: Database, entered: threading.Event) -> None:
    with database.publish_lock("openspaces/v1/rooms/room-a/state"):
        entered.set()


def test_times_come_back_aware_and_unchanged(settings: HubSettings, database: Database) -> None:
    seeded = seed(settings.database_url)
    expires = datetime(2027, 5, 15, 23, 59, 30, tzinfo=UTC)
    with database.transaction() as db:
        repo.add_announcement(db, "Lunch is served", expires_at=expires)
        slot = repo.get_slot(db, seeded.slot_ids[0])
        assert slot.start == datetime(2027, 5, 15, 13, tzinfo=UTC)
    with database.transaction() as db:
        shown = repo.active_announcements(db, datetime(2027, 5, 15, 23, tzinfo=UTC))
        assert [a.expires_at for a in shown] == [expires]


class PostgresBoard(Board):
    """The booking state machine of ``test_booking_state_machine``, on PostgreSQL."""

    def database_url(self) -> str:
        self.server = ExitStack()
        self.cluster = self.server.enter_context(postgres_server())
        self.url = self.cluster.new_database()
        return self.url

    def teardown(self) -> None:
        super().teardown()
        self.cluster.drop_database(self.url)
        self.server.close()


TestPostgresBoard = PostgresBoard.TestCase
TestPostgresBoard.settings = hypothesis_settings(
    max_examples=10, stateful_step_count=25, deadline=None
)


def test_a_read_is_a_read_only_transaction(database: Database) -> None:
    with database.reading() as db:
        assert db.execute(text("SHOW transaction_read_only")).scalar() == "on"
        assert repo.find_event(db) is None
    with database.transaction() as db:
        assert db.execute(text("SHOW transaction_read_only")).scalar() == "off"
    with pytest.raises(DBAPIError, match="read-only"), database.reading() as db:
        repo.add_room(db, "room-z", "Sneaky")
