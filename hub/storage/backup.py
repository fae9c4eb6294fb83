"""``openspaces hub-backup`` and ``openspaces hub-restore``: the hub's SQLite database, safely.

:func:`backup` copies a live database with SQLite's online backup API (a consistent copy while
the hub keeps writing). :func:`restore` puts a backup in place of the database of a *stopped*
hub and gives it a new epoch, dropping the stored snapshots: at its next start the hub publishes
every room anew under that epoch, and door nodes apply those snapshots even though they hold
higher versions from before the restore. PostgreSQL hubs use ``pg_dump`` instead.

A restore works on a copy beside the database and touches the database only once that copy has
passed every check (:func:`check_backup`: a SQLite file, ``PRAGMA integrity_check`` ok, a hub's
tables at an Alembic revision this hub knows) and has been migrated and given its new epoch.
A bad backup leaves the database, and its ``-wal`` and ``-shm`` files, as they were.
"""

from __future__ import annotations

import argparse
import logging
import os
import sqlite3
from pathlib import Path

from hub.storage.private_files import create_private
from shared.errors import ConfigError

log = logging.getLogger(__name__)

#: The tables every revision of the hub's schema has, and that a restore writes to.
CORE_TABLES = frozenset({"alembic_version", "event", "published_snapshots"})
UNTOUCHED = "the hub's database is unchanged"


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
    """Replace the (stopped) hub's database with ``backup_file``; return the new epoch.

    Raises :class:`ConfigError` naming the backup, before touching the database, if the backup
    is missing or fails :func:`check_backup`.
    """
    target = sqlite_path(database_url)
    if not backup_file.is_file():
        raise _unusable(backup_file, "no such file")
    staged = target.with_name(f"{target.name}.restoring")
    _remove_with_journal(staged)
    try:
        _stage(backup_file, staged)
        epoch = _renew(staged)
        for stale in _journal_files(target):
            stale.unlink(missing_ok=True)
        staged.replace(target)
    finally:
        _remove_with_journal(staged)
    give_back_sqlite_files(database_url)
    log.info("restored %s from %s: new epoch %s", target, backup_file, epoch)
    return epoch


def check_backup(database: Path) -> str:
    """Check that the SQLite file ``database`` is a sound hub database; return its revision.

    Raises :class:`ConfigError` if it is not a SQLite database, fails ``PRAGMA
    integrity_check``, lacks the hub's tables, or is at an Alembic revision this hub does not
    know (a newer hub's backup).
    """
    if not database.is_file():
        raise ConfigError("backup", str(database), "no such file")
    connection = sqlite3.connect(database)
    try:
        verdict = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        if verdict != ["ok"]:
            raise _damaged(database, f"integrity_check says {'; '.join(verdict[:3])}")
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        if missing := sorted(CORE_TABLES - tables):
            raise _damaged(database, f"not a hub database: no table {', '.join(missing)}")
        revisions = [
            row[0] for row in connection.execute("SELECT version_num FROM alembic_version")
        ]
    except sqlite3.DatabaseError as exc:
        raise _damaged(database, f"not a readable SQLite database: {exc}") from None
    finally:
        connection.close()
    known = _known_revisions()
    if len(revisions) != 1 or revisions[0] not in known:
        found = ", ".join(revisions) or "none"
        raise _damaged(database, f"schema revision {found} is not one this hub knows "
                       f"({', '.join(sorted(known))}): a newer hub's backup?")  # fmt: skip
    return str(revisions[0])


def _stage(backup_file: Path, staged: Path) -> None:
    """Copy ``backup_file`` to ``staged`` and check the copy (not the original, which another
    process could change meanwhile)."""
    try:
        _copy(backup_file, staged)
    except sqlite3.DatabaseError as exc:
        raise _unusable(backup_file, f"not a readable SQLite database: {exc}") from None
    try:
        check_backup(staged)
    except ConfigError as exc:
        raise _unusable(backup_file, exc.problem) from None


def _renew(staged: Path) -> str:
    """Migrate the staged copy to this hub's schema and give it a new epoch."""
    from hub.repo.restore import forget_published, renew_epoch  # noqa: PLC0415
    from hub.storage.db import open_database  # noqa: PLC0415

    database = open_database(f"sqlite:///{staged}")
    try:
        with database.transaction() as db:
            epoch = renew_epoch(db)
            dropped = forget_published(db)
    finally:
        database.dispose()
    log.info("restore: %d stale snapshots dropped", dropped)
    return epoch


def _known_revisions() -> set[str]:
    # Imported here: every command (the node's too) imports this module to register its own.
    from alembic.config import Config  # noqa: PLC0415
    from alembic.script import ScriptDirectory  # noqa: PLC0415

    from hub.storage.db import MIGRATIONS  # noqa: PLC0415

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}


def _damaged(database: Path, problem: str) -> ConfigError:
    return ConfigError("backup", str(database), problem)


def _unusable(backup_file: Path, problem: str) -> ConfigError:
    return ConfigError("backup", str(backup_file), f"{problem}; {UNTOUCHED}")


def _journal_files(database: Path) -> tuple[Path, Path]:
    return Path(f"{database}-wal"), Path(f"{database}-shm")


def _remove_with_journal(database: Path) -> None:
    for path in (database, *_journal_files(database)):
        path.unlink(missing_ok=True)


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
