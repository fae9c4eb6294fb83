"""Importing the sessions CSV: all or nothing, in one transaction, with a dry run.

:func:`import_sessions` reads every row, checks it (:mod:`hub.feeds.csv_rows`) and adds the
good ones inside one transaction, each in a savepoint, so a row that clashes with the board
(slot taken or blocked, two rows for one room and slot) is reported and undone alone. Then:

- a dry run rolls everything back and reports what would happen;
- an import with errors rolls everything back, unless ``skip_bad_rows``, which keeps the good
  rows and reports the bad ones;
- otherwise the transaction commits. The caller then publishes ``report.rooms``.

Every added session is written to the audit log as ``session.import`` by the given actor.
Cancelled rows are added (and cancelled) before scheduled ones, so a cancelled card never
stands in the way of the session that took its slot.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session as DbSession

from hub import repo
from hub.audit import Actor, record, session_state
from hub.errors import HubError
from hub.feeds.csv_format import CsvRow, RowError, read_rows
from hub.feeds.csv_rows import RowChecker, SessionRow
from hub.repo.feeds import load_board
from hub.storage.db import Database

log = logging.getLogger(__name__)


class ImportReport(BaseModel):
    """What an import did (or, in a dry run, would do)."""

    dry_run: bool
    written: bool = Field(description="whether anything was written to the board")
    rows: int = Field(description="data rows in the file (blank rows not counted)")
    imported: int = Field(description="rows added (in a dry run: rows that would be added)")
    skipped: int = Field(description="rows with errors, left out")
    errors: list[RowError]
    rooms: list[str] = Field(description="ids of the rooms that got (or would get) sessions")


class _Discard(Exception):  # noqa: N818 (control flow, not an error)
    """Raised inside the transaction to roll it back, carrying the report."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__("import rolled back")
        self.report = report


@dataclass(frozen=True)
class Importer:
    """Who imports (for the audit log) and when, by the hub's clock."""

    actor: Actor
    at: datetime


def import_sessions(
    database: Database, data: bytes, by: Importer, *, dry_run: bool, skip_bad_rows: bool
) -> ImportReport:
    """Import the CSV ``data``; see the module docstring for what is kept.

    Raises :class:`~hub.feeds.csv_format.CsvFileError` when the file as a whole is unusable and
    :class:`~hub.errors.NotFoundError` when no event is set up.
    """
    rows = read_rows(data)
    try:
        with database.transaction() as db:
            report = _apply_all(db, rows, by, dry_run=dry_run)
            if dry_run or (report.errors and not skip_bad_rows) or not report.imported:
                raise _Discard(report)
    except _Discard as discarded:
        return discarded.report
    log.info("imported %d session rows into rooms %s", report.imported, report.rooms)
    return report.model_copy(update={"written": True})


def _apply_all(db: DbSession, rows: list[CsvRow], by: Importer, *, dry_run: bool) -> ImportReport:
    checker = RowChecker(load_board(db))
    errors: list[RowError] = []
    good: list[SessionRow] = []
    for row in rows:
        checked = checker.check(row)
        if isinstance(checked, SessionRow):
            good.append(checked)
        else:
            errors.extend(checked)
    added: list[SessionRow] = []
    for session_row in sorted(good, key=lambda r: (not r.cancelled, r.number)):
        try:
            with db.begin_nested():
                _add(db, session_row, by)
        except HubError as exc:
            errors.append(RowError(row=session_row.number, column=session_row.slot_column,
                                   message=str(exc)))  # fmt: skip
        else:
            added.append(session_row)
    bad_rows = {error.row for error in errors}
    return ImportReport(
        dry_run=dry_run, written=False, rows=len(rows), imported=len(added),
        skipped=len(bad_rows), errors=sorted(errors, key=lambda e: (e.row, e.column)),
        rooms=sorted({row.room_id for row in added}),
    )  # fmt: skip


def _add(db: DbSession, row: SessionRow, by: Importer) -> None:
    session = repo.add_session(
        db, row.room_id, row.slot_id, row.title, row.description, row.host_name,
        row.host_handle, full=row.full,
    )  # fmt: skip
    if row.cancelled:
        repo.cancel_session(db, session.id)
    target = f"session {session.id}"
    record(db, by.actor, "session.import", target, None, session_state(session), by.at)
