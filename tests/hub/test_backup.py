"""``openspaces hub-backup`` / ``hub-restore``: a live copy, and a restore the doors accept."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory

from hub import repo
from hub.app import create_app
from hub.settings import HubSettings
from hub.storage.backup import check_backup, sqlite_path
from hub.storage.db import MIGRATIONS
from shared import wire
from shared.cli import main
from shared.clock import FakeClock
from tests.hub.conftest import Seeded, TestClient, hub_of, staff


def stored(client: TestClient) -> wire.RoomSnapshot:
    with hub_of(client).database.transaction() as db:
        row = repo.stored_snapshot(db, "room-a")
        assert row is not None
        return wire.RoomSnapshot.model_validate_json(row.payload)


def test_a_restored_backup_gets_a_new_epoch_the_doors_accept(
    settings: HubSettings, seeded: Seeded, clock: FakeClock, tmp_path: Path
) -> None:
    config = tmp_path / "hub.toml"
    config.write_text(f'database_url = "{settings.database_url}"\n')
    copy = tmp_path / "backups" / "hub.db"
    with TestClient(create_app(settings, clock=clock)) as client:
        assert main(["hub-backup", str(copy), "--config", str(config)]) == 0  # while it runs
        before = stored(client)
        body = {"room_id": "room-a", "slot_id": seeded.slot_ids[2], "title": "After the backup"}
        client.post("/api/v1/sessions", json=body, headers=staff(seeded))
        held_by_door = stored(client)  # what the door applied last
    assert held_by_door.version > before.version

    assert main(["hub-restore", str(copy), "--config", str(config)]) == 0
    with TestClient(create_app(settings, clock=clock)) as client:
        restored = stored(client)
        titles = [s.session.title for s in restored.slots if s.session]
    assert restored.epoch != before.epoch
    assert "After the backup" not in titles
    assert restored.is_newer_than(held_by_door)


def test_backup_refuses_to_overwrite_and_restore_needs_a_file(
    settings: HubSettings, seeded: Seeded, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "hub.toml"
    config.write_text(f'database_url = "{settings.database_url}"\n')
    taken = tmp_path / "taken.db"
    taken.write_text("")
    assert main(["hub-backup", str(taken), "--config", str(config)]) == 2
    assert main(["hub-restore", str(tmp_path / "missing.db"), "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "already exists" in err
    assert "no such file" in err


def _garbage(path: Path, good: Path) -> None:
    path.write_bytes(b"this is not a database\n" * 200)


def _truncated(path: Path, good: Path) -> None:
    path.write_bytes(good.read_bytes()[: good.stat().st_size // 2])


def _unrelated(path: Path, good: Path) -> None:
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE recipes (name TEXT)")
    other.close()


def _newer(path: Path, good: Path) -> None:
    path.write_bytes(good.read_bytes())
    with sqlite3.connect(path) as newer:
        newer.execute("UPDATE alembic_version SET version_num = '9999'")
    newer.close()


def _damaged(path: Path, good: Path) -> None:
    """Readable pages, but an index whose definition no longer matches what it holds."""
    path.write_bytes(good.read_bytes())
    with sqlite3.connect(path) as broken:
        broken.execute("CREATE TABLE t (x INTEGER)")
        broken.execute("CREATE INDEX t_x ON t (x)")
        broken.executemany("INSERT INTO t VALUES (?)", [(n,) for n in range(1, 50)])
    redefined = "CREATE INDEX t_x ON t (-x)"
    with broken:
        broken.execute("PRAGMA writable_schema = ON")
        broken.execute("UPDATE sqlite_master SET sql = ? WHERE name = 't_x'", (redefined,))
    broken.close()


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (None, "no such file"),
        (_garbage, "not a readable SQLite database"),
        (_truncated, "not a readable SQLite database"),
        (_unrelated, "not a hub database: no table alembic_version, event, published_snapshots"),
        (_newer, "schema revision 9999 is not one this hub knows"),
        (_damaged, "integrity_check says row 1 missing from index t_x"),
    ],
    ids=["missing", "garbage", "truncated", "unrelated", "newer", "damaged"],
)
def test_a_bad_backup_leaves_the_database_untouched(
    settings: HubSettings,
    seeded: Seeded,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    make: object,
    words: str,
) -> None:
    config = tmp_path / "hub.toml"
    config.write_text(f'database_url = "{settings.database_url}"\n')
    database = sqlite_path(settings.database_url)
    good = tmp_path / "good.db"
    assert main(["hub-backup", str(good), "--config", str(config)]) == 0
    bad = tmp_path / "bad.db"
    if callable(make):
        make(bad, good)
    journal = {Path(f"{database}-wal"): b"wal of the stopped hub", Path(f"{database}-shm"): b"shm"}
    for path, content in journal.items():
        path.write_bytes(content)
    before = database.read_bytes()

    assert main(["hub-restore", str(bad), "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert f"backup: {bad}: " in err
    assert words in err
    assert "the hub's database is unchanged" in err
    assert database.read_bytes() == before
    assert {path: path.read_bytes() for path in journal} == journal
    assert sorted(p.name for p in database.parent.glob("hub.db*")) == [
        "hub.db", "hub.db-shm", "hub.db-wal",
    ]  # fmt: skip


def test_check_backup_gives_the_revision(settings: HubSettings, seeded: Seeded) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert check_backup(sqlite_path(settings.database_url)) == head
