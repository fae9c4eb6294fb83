"""``openspaces hub export-csv`` and ``openspaces hub import-csv``: the sessions CSV offline.

Both work on the hub's database directly (``database_url`` from ``--config`` and the
environment). An import from here does not reach the doors until the hub publishes the rooms
(every room is published when the hub starts); while the hub runs, import through
``POST /api/v1/import/sessions.csv`` instead, which publishes at once.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from hub.commands.options import add_config_option
from hub.errors import InvalidError

if TYPE_CHECKING:
    from hub.feeds.csv_import import ImportReport

EXPORT_DESCRIPTION = """\
Write every session (scheduled and cancelled) as CSV, to --out or stdout. Columns:
room_id, day, start, title, description, host_name, host_handle, full, status (docs/feeds.md).
"""

IMPORT_DESCRIPTION = """\
Add the sessions in a CSV file, all or nothing: if any row has an error, nothing is written and
every error is printed as 'row N, column C: message' (row 1 is the header). --dry-run checks
every row and writes nothing; --skip-bad-rows writes the good rows anyway. Exit status 0 when
the file is clean, 1 when rows have errors. While the hub runs, prefer the HTTP import, which
updates the doors at once; otherwise they update when the hub next starts.
"""


def register(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``export-csv`` and ``import-csv`` under ``openspaces hub``."""
    export = actions.add_parser(
        "export-csv", help="write every session as CSV", description=EXPORT_DESCRIPTION
    )
    _config_option(export)
    export.add_argument("--out", type=Path, metavar="FILE", help="write here instead of stdout")
    export.set_defaults(run=run_export)
    load = actions.add_parser(
        "import-csv", help="add sessions from a CSV file", description=IMPORT_DESCRIPTION
    )
    _config_option(load)
    load.add_argument("file", type=Path, help="the CSV file (UTF-8)")
    load.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
    load.add_argument(
        "--skip-bad-rows", action="store_true", help="write the good rows even if some are bad"
    )
    load.set_defaults(run=run_import)


def _config_option(parser: argparse.ArgumentParser) -> None:
    add_config_option(parser)


def run_export(args: argparse.Namespace) -> int:
    from hub.feeds.csv_format import export_sessions  # noqa: PLC0415
    from hub.repo.feeds import load_board  # noqa: PLC0415
    from hub.settings import load_settings  # noqa: PLC0415
    from hub.storage.db import open_database  # noqa: PLC0415

    database = open_database(load_settings(args.config, os.environ).database_url)
    try:
        with database.reading() as db:
            text = export_sessions(load_board(db))
    finally:
        database.dispose()
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.write_text(text, encoding="utf-8", newline="")
    return 0


def run_import(args: argparse.Namespace) -> int:
    from hub.audit import Actor  # noqa: PLC0415
    from hub.feeds.csv_import import Importer, import_sessions  # noqa: PLC0415
    from hub.settings import load_settings  # noqa: PLC0415
    from hub.storage.db import open_database  # noqa: PLC0415
    from shared.clock import SystemClock  # noqa: PLC0415

    try:
        data = args.file.read_bytes()
    except OSError as exc:
        raise InvalidError(f"cannot read {args.file}: {exc.strerror}") from None
    database = open_database(load_settings(args.config, os.environ).database_url)
    by = Importer(Actor.staff(f"cli:{os.environ.get('USER', 'unknown')}"), SystemClock().now())
    try:
        report = import_sessions(
            database, data, by, dry_run=args.dry_run, skip_bad_rows=args.skip_bad_rows
        )
    finally:
        database.dispose()
    for error in report.errors:
        print(f"row {error.row}, column {error.column}: {error.message}", file=sys.stderr)
    print(_summary(report))
    return 1 if report.errors else 0


def _summary(report: ImportReport) -> str:
    if report.rows == 0:
        return "the file has no session rows: nothing to import"
    if report.written:
        rooms = ", ".join(report.rooms)
        return f"imported {report.imported} of {report.rows} rows (rooms: {rooms})"
    if report.dry_run:
        return f"dry run: {report.imported} of {report.rows} rows would be imported"
    return f"nothing written: {report.skipped} of {report.rows} rows have errors"
