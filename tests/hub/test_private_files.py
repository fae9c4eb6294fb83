"""Files holding secrets are readable by their owner only (0600), from the moment they exist."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from hub.mqtt.mosquitto import write_password_file
from hub.storage.backup import backup
from hub.storage.db import open_database
from hub.storage.private_files import write_private
from tests.hub.conftest import seed


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def permissive_umask() -> Iterator[None]:
    """The usual umask (022): what would make new files 0644 without the hub's care."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def test_the_sqlite_database_and_its_wal_and_shm_are_0600(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'var' / 'hub.db'}"
    seed(url)
    database = open_database(url)
    try:
        with database.engine.connect():  # holds the -wal and -shm open
            files = [tmp_path / "var" / name for name in ("hub.db", "hub.db-wal", "hub.db-shm")]
            assert {p.name: oct(mode(p)) for p in files} == {p.name: "0o600" for p in files}
    finally:
        database.dispose()


def test_an_existing_world_readable_database_is_tightened(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    seed(url)
    (tmp_path / "hub.db").chmod(0o644)
    open_database(url).dispose()
    assert mode(tmp_path / "hub.db") == 0o600


def test_a_backup_is_0600(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    seed(url)
    copy = tmp_path / "backups" / "hub-backup.db"
    backup(url, copy)
    assert mode(copy) == 0o600


def test_private_writes_and_the_broker_password_file_are_0600(tmp_path: Path) -> None:
    write_private(tmp_path / "demo.json", "{}")
    assert mode(tmp_path / "demo.json") == 0o600
    write_password_file(tmp_path / "passwd", {"hub": "a secret"})
    assert mode(tmp_path / "passwd") == 0o600
    assert "a secret" not in (tmp_path / "passwd").read_text()
