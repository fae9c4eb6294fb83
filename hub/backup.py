"""``openspaces hub-backup`` and ``openspaces hub-restore``: the hub's SQLite database, safely.

:func:`backup` copies a live database with SQLite's online backup API (a consistent copy while
the hub keeps writing). :func:`restore` copies a backup over the database of a *stopped* hub
and gives it a new epoch, dropping the stored snapshots: at its next start the hub publishes
every room anew under that epoch, and door nodes apply those snapshots even though they hold
higher versions from before the restore. PostgreSQL hubs use ``pg_dump`` instead.
"""

from __future__ import annotations

import argparse
import logging
import os
import sqlite3
from pathlib import Path

from hub.private_files import create_private
from shared.errors import ConfigError

log = logging.getLogger(__name__)


def sqlite_path(database_url: str) -> Path:
    """The file of a ``sqlite:///`` URL; :class:`ConfigError` for any other database."""
    if not database_url.startswith("sqlite:///") or database_url == "sqlite:///:memory:":
        raise ConfigError("database_url", database_url, "backup and restore need a SQLite file")
    return Path(database_url.removeprefix("sqlite:///"))


def backup(database_url: str, destination: Path) -> None:
    """Copy the live database to ``destination`` (which must not exist yet)."""
    source = sqlite_path(database_url)
    if not source.exists():
        raise ConfigError("database_url", str(source), "no such database file")
    if destination.exists():
        raise ConfigError("backup", str(destination), "already exists: choose a new file")
    _copy(source, destination)
    log.info("backed up %s to %s", source, destination)


def restore(backup_file: Path, database_url: str) -> str:
    """Replace the (stopped) hub's database with ``backup_file``; return the new epoch."""
    from hub.db import open_database  # noqa: PLC0415
    from hub.repo.restore import forget_published, renew_epoch  # noqa: PLC0415

    target = sqlite_path(database_url)
    if not backup_file.exists():
        raise ConfigError("backup", str(backup_file), "no such file")
    for stale in (Path(f"{target}-wal"), Path(f"{target}-shm")):
        stale.unlink(missing_ok=True)
    _copy(backup_file, target)
    database = open_database(database_url)
    try:
        with database.transaction() as db:
            epoch = renew_epoch(db)
            dropped = forget_published(db)
    finally:
        database.dispose()
        give_back_sqlite_files(database_url)
    log.info("restored %s from %s: new epoch %s, %d stale snapshots dropped", target,
             backup_file, epoch, dropped)  # fmt: skip
    return epoch


def give_back_sqlite_files(database_url: str) -> None:
    """Run as root, we may have created the database's -wal and -shm files: hand them, like
    the database, to the owner of its folder (the hub's service user)."""
    if os.geteuid() != 0 or not database_url.startswith("sqlite:///"):
        return
    database = sqlite_path(database_url)
    owner = database.parent.stat()
    for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        if path.exists():
            os.chown(path, owner.st_uid, owner.st_gid)


def _copy(source: Path, destination: Path) -> None:
    create_private(destination)  # a backup holds every secret the database does
    reader, writer = sqlite3.connect(source), sqlite3.connect(destination)
    try:
        reader.backup(writer)
    finally:
        writer.close()
        reader.close()


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    save = subparsers.add_parser(
        "hub-backup", help="copy the hub's SQLite database while it runs",
        description="Copy the hub's SQLite database to FILE with SQLite's online backup; "
        "the hub may keep running.",
    )  # fmt: skip
    save.add_argument("file", type=Path, metavar="FILE", help="the backup to write (new file)")
    save.add_argument("--config", type=Path, metavar="FILE", help="the hub's TOML config file")
    save.set_defaults(run=run_backup)
    load = subparsers.add_parser(
        "hub-restore", help="replace a stopped hub's database with a backup",
        description="Stop the hub first. Copies FILE over the hub's database and gives it a new "
        "epoch, so the doors take the restored schedule at the hub's next start.",
    )  # fmt: skip
    load.add_argument("file", type=Path, metavar="FILE", help="a file from hub-backup")
    load.add_argument("--config", type=Path, metavar="FILE", help="the hub's TOML config file")
    load.set_defaults(run=run_restore)


def run_backup(args: argparse.Namespace) -> int:
    from hub.settings import load_settings  # noqa: PLC0415

    backup(load_settings(args.config, os.environ).database_url, args.file)
    print(f"backed up to {args.file}")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from hub.settings import load_settings  # noqa: PLC0415

    epoch = restore(args.file, load_settings(args.config, os.environ).database_url)
    print(f"restored from {args.file}; new epoch {epoch}: start the hub")
    return 0
