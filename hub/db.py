"""The hub's database: engine, migrations and transactions.

:func:`open_database` creates the engine (for SQLite: WAL journal, foreign keys, a busy timeout
and ``BEGIN IMMEDIATE`` transactions, so concurrent writers queue instead of failing), runs the
Alembic migrations up to head, and returns a :class:`Database`. Every unit of work is one
``with database.transaction() as db:`` block: it commits on success and rolls back on error.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import sessionmaker

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 10_000


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

    def migrate(self) -> None:
        """Bring the schema up to the newest Alembic revision."""
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(url: str, *, migrate: bool = True) -> Database:
    """Connect to ``url`` (creating a SQLite file's folder), and migrate it unless told not to."""
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        _prepare_sqlite(engine, url)
    database = Database(engine)
    if migrate:
        database.migrate()
    log.info("database ready at %s", make_url(url).render_as_string(hide_password=True))
    return database


def _prepare_sqlite(engine: Engine, url: str) -> None:
    path = make_url(url).database
    if path and path != ":memory:" and not path.startswith("file:"):
        Path(path).parent.mkdir(parents=True, exist_ok=True)

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
