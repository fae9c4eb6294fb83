"""The hub's database: engine, migrations and transactions.

:func:`open_database` creates the engine (for SQLite: WAL journal, foreign keys, a busy timeout
and ``BEGIN IMMEDIATE`` transactions, so concurrent writers queue instead of failing), runs the
Alembic migrations up to head, and returns a :class:`Database`. Every unit of work is one
``with database.transaction() as db:`` block: it commits on success and rolls back on error.

SQLite serves one hub process. PostgreSQL (``postgresql+psycopg://...``; a bare
``postgresql://`` gets the psycopg driver) may be shared by several hubs: then
:meth:`Database.publish_lock` is a cluster-wide lock (see docs/scaling.md).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, func, select
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import sessionmaker

from hub import sql_guard
from hub.private_files import create_private, tighten

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 10_000
#: The first key of every PostgreSQL advisory lock the hub takes (the second is the hashed name).
ADVISORY_LOCK_CLASS = 0x4F53
MIGRATION_LOCK = "alembic migrations"


class Database:
    """An engine and its session factory. Thread-safe: each transaction has its own session."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[DbSession]:
        """A session inside one transaction: committed when the block ends, rolled back on error."""
        with self._sessions.begin() as db:
            yield db

    @property
    def shared(self) -> bool:
        """Whether several hub processes may use this database at once (not SQLite)."""
        return self.engine.dialect.name != "sqlite"

    @contextmanager
    def publish_lock(self, name: str) -> Iterator[None]:
        """Hold the lock called ``name`` (e.g. a room's state topic) across every hub.

        On a shared database this is a PostgreSQL session advisory lock on a connection of its
        own, so transactions may commit while it is held; the caller blocks until any other hub
        holding it lets go. On SQLite (one hub) it does nothing. Never take a second lock
        while holding one: that is how two hubs would deadlock.
        """
        if not self.shared:
            yield
            return
        key = func.hashtext(name)
        with self.engine.connect() as connection:
            connection.execute(select(func.pg_advisory_lock(ADVISORY_LOCK_CLASS, key)))
            connection.commit()
            try:
                yield
            finally:
                connection.execute(select(func.pg_advisory_unlock(ADVISORY_LOCK_CLASS, key)))
                connection.commit()

    def migrate(self) -> None:
        """Bring the schema up to the newest Alembic revision.

        On a shared database, hubs starting together take turns (a transaction-scoped advisory
        lock): the first migrates, the others then find the schema at head.
        """
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as connection:
            if self.shared:
                key = func.hashtext(MIGRATION_LOCK)
                connection.execute(select(func.pg_advisory_xact_lock(ADVISORY_LOCK_CLASS, key)))
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(url: str, *, migrate: bool = True) -> Database:
    """Connect to ``url`` (creating a SQLite file's folder), and migrate it unless told not to."""
    engine = create_engine(_with_driver(make_url(url)))
    sql_guard.install(engine)
    if engine.dialect.name == "sqlite":
        _prepare_sqlite(engine, url)
    database = Database(engine)
    if migrate:
        database.migrate()
    log.info("database ready at %s", make_url(url).render_as_string(hide_password=True))
    return database


def _with_driver(url: URL) -> URL:
    """``postgresql://`` means psycopg (3) here: the driver the ``postgres`` extra installs."""
    if url.drivername == "postgresql":
        return url.set(drivername="postgresql+psycopg")
    return url


def _prepare_sqlite(engine: Engine, url: str) -> None:
    path = make_url(url).database
    if path and path != ":memory:" and not path.startswith("file:"):
        # 0600 before SQLite opens it: its -wal and -shm files take the database file's mode.
        create_private(Path(path))
        for companion in (Path(f"{path}-wal"), Path(f"{path}-shm")):
            tighten(companion)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
