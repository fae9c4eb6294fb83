"""Migration 0004: blocked slots get ``source`` and ``source_ref``; down and up again keeps
the blocks (SQLite drops the columns by copying the table)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from hub.storage.db import MIGRATIONS, open_database
from tests.hub.conftest import seed


def _migrate(url: str, target: str, downgrade: bool = False) -> None:
    database = open_database(url, migrate=False)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with database.engine.begin() as connection:
            config.attributes["connection"] = connection
            (command.downgrade if downgrade else command.upgrade)(config, target)
    finally:
        database.dispose()


def test_block_source_columns_come_and_go(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    seed(url)
    database = open_database(url)
    try:
        with database.transaction() as db:
            row = db.execute(text("SELECT label, source, source_ref FROM blocked_slots")).one()
            assert tuple(row) == ("Sponsor workshop", None, None)
    finally:
        database.dispose()
    _migrate(url, "0003", downgrade=True)
    database = open_database(url, migrate=False)
    try:
        with database.transaction() as db:
            columns = [r[1] for r in db.execute(text("PRAGMA table_info(blocked_slots)"))]
            assert columns == ["id", "room_id", "slot_id", "label"]
            assert (
                db.execute(text("SELECT label FROM blocked_slots")).scalar() == "Sponsor workshop"
            )
    finally:
        database.dispose()
    _migrate(url, "head")
    database = open_database(url, migrate=False)
    try:
        with database.transaction() as db:
            columns = [r[1] for r in db.execute(text("PRAGMA table_info(blocked_slots)"))]
            assert columns[-2:] == ["source", "source_ref"]
    finally:
        database.dispose()
