"""The hub's database: engine, migrations and transactions.

:func:`open_database` creates the engine (for SQLite: WAL journal, foreign keys and a busy
timeout), runs the Alembic migrations up to head, and returns a :class:`Database`. Every unit of
work is one block, of one of two kinds:

- ``with database.transaction() as db:`` changes things. On SQLite it is ``BEGIN IMMEDIATE``:
  it takes the write lock at once, so concurrent writers queue instead of failing half-way.
  It commits on success and rolls back on error.
- ``with database.reading() as db:`` only reads: a plain deferred ``BEGIN`` with
  ``PRAGMA query_only`` on SQLite (in WAL mode it never waits for a writer, and a writer never
  waits for it), a ``READ ONLY`` transaction on PostgreSQL. Writing in it is an error.

A thread never opens a unit of work inside another one of the same database: on SQLite an
inner write would wait for the outer one's lock until the busy timeout. Doing so is a bug,
logged as an error with its stack, or raised as :class:`~hub.errors.NestedTransactionError`
when :attr:`Database.strict_nesting` is on (the test suite turns it on).

SQLite serves one hub process. PostgreSQL (``postgresql+psycopg://...``; a bare
``postgresql://`` gets the psycopg driver) may be shared by several hubs: then
:meth:`Database.publish_lock` is a cluster-wide lock (see docs/scaling.md).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, func, select
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import sessionmaker

from hub.errors import NestedTransactionError
from hub.storage import sql_guard
from hub.storage.private_files import create_private, tighten

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 10_000
#: The first key of every PostgreSQL advisory lock the hub takes (the second is the hashed name).
ADVISORY_LOCK_CLASS = 0x4F53
MIGRATION_LOCK = "alembic migrations"
#: The execution option that marks a read-only unit of work's connection (see ``_on_begin``).
READ_ONLY = "openspaces_read_only"


class Database:
    """An engine and its session factories. Thread-safe: each unit of work has its own session."""

    #: Raise :class:`NestedTransactionError` for a nested unit of work (else log it).
    strict_nesting: ClassVar[bool] = False

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        reader = engine.execution_options(**{READ_ONLY: True})
        if engine.dialect.name == "postgresql":
            reader = reader.execution_options(postgresql_readonly=True)
        self._readers = sessionmaker(reader, expire_on_commit=False)
        self._open = threading.local()

    @contextmanager
    def transaction(self) -> Iterator[DbSession]:
        """A session inside one write transaction: committed when the block ends, rolled back
        on error. On SQLite it holds the write lock from start to end: keep it short."""
        with self._alone("transaction"), self._sessions.begin() as db:
            yield db

    @contextmanager
    def reading(self) -> Iterator[DbSession]:
        """A session inside one read-only transaction, for pages, feeds and lookups: it never
        waits for a writer (nor makes one wait, on SQLite in WAL mode); writing raises."""
        with self._alone("reading"), self._readers.begin() as db:
            yield db

    @contextmanager
    def _alone(self, kind: str) -> Iterator[None]:
        """Mark this thread as inside a unit of work of ``kind``; refuse or log a nested one."""
        outer: str | None = getattr(self._open, "kind", None)
        if outer is not None:
            message = f"{kind} opened inside a {outer} on the same thread"
            if self.strict_nesting:
                raise NestedTransactionError(message)
            log.error("%s (a bug: it may wait for its own lock)", message, stack_info=True)
        self._open.kind = kind
        try:
            yield
        finally:
            self._open.kind = outer

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
        # A write takes the lock at once; a read starts deferred and may not write.
        if connection.get_execution_options().get(READ_ONLY):
            connection.exec_driver_sql("BEGIN")
            connection.exec_driver_sql("PRAGMA query_only=ON")
        else:
            connection.exec_driver_sql("PRAGMA query_only=OFF")
            connection.exec_driver_sql("BEGIN IMMEDIATE")
